"""Reconciliation: candidates are proposed with their evidence, and nothing is merged without a person."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import run

from casegraph.build import ontology_quads
from casegraph.importer import run_import
from casegraph.links import Links
from casegraph.mapping import load_mapping
from casegraph.paths import sources_dir
from casegraph.reconcile import propose, to_json
from casegraph.sources import read_source
from casegraph.store import CaseStore
from conftest import seed_sources

BASE = "https://w3id.org/casegraph/"
LIST_DIR = sources_dir().parent / "imports" / "chinese-political-prisoners"


@pytest.fixture(scope="module")
def unlinked(tmp_path_factory: pytest.TempPathFactory) -> CaseStore:
    """The seed documents and the whole list, imported without the curated link that joins Gulmira Imin."""
    directory = tmp_path_factory.mktemp("unlinked")
    run_import(LIST_DIR / "chinese-political-prisoners.csv", load_mapping(LIST_DIR / "mapping.toml"), BASE, Links(), directory)
    store = CaseStore.in_memory(BASE)
    store.add(ontology_quads())
    for path in [*seed_sources(), directory / "chinese-political-prisoners.trig"]:
        store.add(read_source(path, BASE).quads)
    return store


def test_an_unlinked_row_is_proposed_with_both_birth_years_and_their_sources(unlinked: CaseStore) -> None:
    before = len(unlinked)
    found = propose(unlinked)
    assert len(unlinked) == before
    candidate = found[0]
    assert (candidate.a, candidate.b) == (BASE + "person/gulmira-imin", BASE + "person/ppc-2014-02-cppc00015")
    details = {e.kind: e.detail for e in candidate.evidence}
    assert "1978 (uscirf-gulmira-imin)" in details["birth"] and "1979 (ppc-2014-02-cppc00015)" in details["birth"]
    assert "penalty-life" in details["penalty"] and "gender-female" in details["gender"]
    assert candidate.score == round(sum(e.weight for e in candidate.evidence), 2)


def test_a_higher_minimum_drops_the_candidate(unlinked: CaseStore) -> None:
    best = propose(unlinked)[0].score
    assert propose(unlinked, minimum=best + 0.01) == []


def test_people_the_links_already_joined_are_not_proposed_and_different_genders_never_are(shipped_store: CaseStore) -> None:
    found = propose(shipped_store, minimum=-100, limit=10_000)
    involved = {iri for c in found for iri in (c.a, c.b)}
    assert BASE + "person/gulmira-imin" not in involved
    assert not any(c.a_label == c.b_label == "陈卫" for c in found)  # one man and one woman share this name
    # two entries share the name 宋桂香 but were born 12 years apart: proposed, and weighed down for it
    song = next(c for c in found if c.a_label == c.b_label == "宋桂香")
    assert any(e.kind == "birth" and e.weight < 0 and "12 years apart" in e.detail for e in song.evidence)
    assert propose(shipped_store) == []


def test_the_command_lists_candidates_as_json(shipped_store_dir: Path, shipped_store: CaseStore) -> None:
    result = run("reconcile", "--minimum", "-100", "--limit", "3", "--format", "json", store=shipped_store_dir)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == to_json(propose(shipped_store, minimum=-100, limit=3)) != []
    bad = run("reconcile", "--format", "xml", store=shipped_store_dir)
    assert bad.returncode == 2 and "text or json" in bad.stderr
