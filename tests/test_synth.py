"""Synthetic collections: valid under the shapes, the same for the same seed, and shaped like the real graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli import run

from graph.editions.build import build
from graph.store.opening import open_store
from graph.store.seam import Store

BASE = "https://w3id.org/casegraph/"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("synth")
    result = run("synth", "--cases", "60", "--seed", "7", "--output", str(directory / "sources"), store=directory / "store")
    assert result.returncode == 0, result.stderr
    return directory


def count(store: Store, query: str) -> int:
    return int(next(iter(store.select(query)))["n"].value)  # type: ignore[union-attr]


def test_the_same_seed_makes_the_same_files_and_another_seed_does_not(synthetic: Path, tmp_path: Path) -> None:
    again = run("synth", "--cases", "60", "--seed", "7", "--output", str(tmp_path / "same"), store=tmp_path / "s")
    other = run("synth", "--cases", "60", "--seed", "8", "--output", str(tmp_path / "other"), store=tmp_path / "s")
    assert again.returncode == other.returncode == 0
    written = sorted((synthetic / "sources").glob("*.trig"))
    assert [p.read_bytes() for p in written] == [p.read_bytes() for p in sorted((tmp_path / "same").glob("*.trig"))]
    assert [p.read_bytes() for p in written] != [p.read_bytes() for p in sorted((tmp_path / "other").glob("*.trig"))]


def test_it_builds_under_the_shapes_with_the_real_graphs_shape(synthetic: Path) -> None:
    build(synthetic / "sources", synthetic / "store", BASE)  # refuses all of it on any violation
    store = open_store(synthetic / "store", BASE, read_only=True)
    assert count(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a cg:Case }") == 60
    assert count(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a cg:UnidentifiedPerson }") == 60
    assert count(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p cg:businessPartner ?q }") > 0
    several = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a cg:Person ; cg:source ?s1, ?s2 FILTER(?s1 != ?s2) }"
    assert count(store, several) > 0, "some people are reported by several sources"
    precisions = count(store, "SELECT (COUNT(DISTINCT DATATYPE(?d)) AS ?n) WHERE { ?e cg:date ?d }")
    assert precisions == 3
    disagreements = list(store.select((Path(__file__).parents[1] / "queries" / "source-disagreements.rq").read_text()))
    assert any(row["property"].value == "birth date" for row in disagreements)  # type: ignore[union-attr]
    names = {row["name"].value for row in store.select("SELECT ?name WHERE { ?p a cg:Person ; skos:prefLabel ?name }")}
    assert names and all(name.startswith("Synthetic person") for name in names)  # type: ignore[union-attr]
