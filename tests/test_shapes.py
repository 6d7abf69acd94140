"""The shapes: valid fixtures conform; each invalid fixture breaks exactly the constraints it names."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, URIRef

from conftest import BASE
from graph.namespaces import CG_IRI, PREFIXES, SH
from graph.paths import sources_dir
from graph.validation.rules import ontology_graph, shapes_graph
from graph.validation.validate import validate_file

FIXTURES = Path(__file__).parent / "shapes"
VALID = sorted((FIXTURES / "valid").glob("*.trig"))
INVALID = sorted((FIXTURES / "invalid").glob("*.trig"))

Expectation = tuple[str, str | None, str]


def expectations(path: Path) -> set[Expectation]:
    """The `# expect: focus | path | constraint` lines at the head of a fixture, as full IRIs.

    An alternative path is written as its predicates separated by commas, and reported joined by ` | `.
    """
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            focus, prop, constraint = (part.strip() for part in line.removeprefix("# expect:").split("|"))
            shown = None if prop == "-" else " | ".join(expand(name) for name in prop.split(","))
            found.add((BASE + focus, shown, constraint))
    return found


def expand(name: str) -> str:
    prefix, local = name.split(":", 1)
    return PREFIXES[prefix] + local


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_valid_fixtures_conform(path: Path) -> None:
    report = validate_file(path)
    assert report.conforms, [v.describe() for v in report.violations]


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_fixtures_break_exactly_the_named_constraints(path: Path) -> None:
    expected = expectations(path)
    assert expected, f"{path.name} names no expected violation"
    report = validate_file(path)
    assert {(v.focus, v.path, v.constraint) for v in report.violations} == expected
    assert all(v.message and v.file == str(path) for v in report.violations)


@pytest.mark.parametrize("path", sorted(sources_dir().glob("*.trig")), ids=lambda p: p.stem)
def test_the_shipped_sources_conform(path: Path) -> None:
    report = validate_file(path)
    assert report.conforms, [v.describe() for v in report.violations]


def test_every_class_of_the_ontology_is_checked_by_a_shape() -> None:
    ontology, shapes = ontology_graph(), shapes_graph()
    targets = set(shapes.objects(None, SH.targetClass))
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(CG_IRI)}
    unchecked = sorted(str(c) for c in classes if not targets & set(ontology.transitive_objects(c, RDFS.subClassOf)))
    assert unchecked == []
    assert URIRef(CG_IRI + "Record") in targets and URIRef(CG_IRI + "SourceDocument") in targets


def test_every_shape_has_a_message() -> None:
    shapes = shapes_graph()
    constrained = [s for s in shapes.subjects(SH.path, None) if (s, SH.message, None) not in shapes]
    # Property shapes nested in sh:or / sh:not only express a condition; their node shape carries the message.
    nested = {n for container in shapes.objects(None, SH["or"]) for n in shapes.items(container)}
    nested |= set(shapes.objects(None, SH["not"]))
    inner = {p for n in nested for p in shapes.objects(n, SH.property)}
    assert [s for s in constrained if s not in inner] == []
