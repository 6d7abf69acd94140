"""The compiled shapes give exactly pyshacl's results: on every fixture and shipped source, and on mutated documents.

Each mutated document is a real one with a few random changes (a fact dropped, a value swapped for
an IRI, a concept, a blank node or a literal of another datatype, well formed or not, a type added),
drawn with a fixed seed, so that every constraint is broken in many ways. Both engines validate the
same document and their reports must match field by field.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl.errors import ReportableRuntimeError
from rdflib import RDF, Graph, URIRef

from conftest import BASE, seed_sources
from graph.errors import ShapesNotCompiled
from graph.ingest.synth import write_synthetic
from graph.namespaces import CG_IRI, SH
from graph.paths import sources_dir
from graph.store.sources import SourceFile, read_source
from graph.validation import rules, validate
from graph.validation.rules import ontology_graph, shapes_graph
from graph.validation.shapes import Unsupported, compile_shapes
from graph.validation.validate import Report, compiled_shapes, validate_file, validate_source

FIXTURES = Path(__file__).parent / "shapes"
XSD = "http://www.w3.org/2001/XMLSchema#"
MUTATED = 400


def literal(lexical: str, datatype: str) -> ox.Literal:
    return ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))


LITERALS = [
    ox.Literal("a name", language="en"),
    ox.Literal("another", language="EN"),
    ox.Literal("名字", language="zh"),
    ox.Literal("plain"),
    literal("33", "integer"),
    literal("-4", "integer"),
    literal("131", "integer"),
    literal("thirty", "integer"),
    literal("33", "decimal"),
    literal("33", "string"),
    literal("true", "boolean"),
    literal("maybe", "boolean"),
    literal("2009-07-14", "date"),
    literal("2009-13-45", "date"),
    literal("2009-07-14T10:00:00", "dateTime"),
    literal("2009-10", "gYearMonth"),
    literal("2009", "gYear"),
    literal("P6Y6M", "yearMonthDuration"),
    literal("P15Y", "yearMonthDuration"),
    literal("P1Y13M", "yearMonthDuration"),
    literal("six years", "yearMonthDuration"),
]


@dataclass(frozen=True)
class Pool:
    """What mutations draw from: the shapes' paths, the ontology's classes and concepts, literals."""

    predicates: list[ox.NamedNode]
    classes: list[ox.NamedNode]
    concepts: list[ox.NamedNode]
    # The paths the shapes of a class constrain, so that some changes land where a shape looks.
    paths: dict[ox.NamedNode, list[ox.NamedNode]]

    @classmethod
    def read(cls) -> Pool:
        shapes, ontology = shapes_graph(), ontology_graph()
        paths = {str(p) for p in shapes.objects(None, SH.path) if isinstance(p, URIRef)}
        listed = {str(i) for c in shapes.objects(None, SH["in"]) for i in shapes.items(c)}
        classes = {str(c) for c in ontology.subjects(RDF.type, None) if str(c).startswith(CG_IRI) and c[len(CG_IRI)].isupper()}
        by_class: dict[ox.NamedNode, list[ox.NamedNode]] = {}
        for shape, target in shapes.subject_objects(SH.targetClass):
            found = (shapes.value(p, SH.path) for p in shapes.objects(shape, SH.property))
            by_class[ox.NamedNode(str(target))] = sorted(ox.NamedNode(str(p)) for p in found if isinstance(p, URIRef))
        return cls(*(sorted(ox.NamedNode(i) for i in found) for found in (paths, classes, listed)), by_class)


def mutate(source: SourceFile, rng: random.Random, pool: Pool) -> SourceFile:
    """The document with one to three random changes."""
    quads = list(source.quads)
    nodes = sorted({q.subject for q in quads if isinstance(q.subject, ox.NamedNode)}, key=str)
    for _ in range(rng.randint(1, 3)):
        values: list[ox.NamedNode | ox.BlankNode | ox.Literal] = [*LITERALS, *pool.concepts, rng.choice(nodes), ox.BlankNode()]
        change = rng.randrange(8)
        at = rng.randrange(len(quads))
        old = quads[at]
        if change == 0:
            del quads[at]
        elif change == 1:
            quads[at] = ox.Quad(old.subject, old.predicate, rng.choice(values), old.graph_name)
        elif change == 2:
            quads.append(ox.Quad(old.subject, rng.choice(pool.predicates), rng.choice(values), old.graph_name))
        elif change == 3 and isinstance(old.object, ox.Literal) and old.object.language:
            again = ox.Literal(old.object.value + " again", language=old.object.language.upper())
            quads.append(ox.Quad(old.subject, old.predicate, again, old.graph_name))
        elif change == 3 and old.predicate != ox.NamedNode(str(RDF.type)):
            quads.append(ox.Quad(old.subject, old.predicate, rng.choice(values), old.graph_name))
        elif change == 4:
            quads.append(ox.Quad(old.subject, ox.NamedNode(str(RDF.type)), rng.choice(pool.classes), old.graph_name))
        elif change == 6 and (again := respelled(old.object)) is not None:
            quads.append(ox.Quad(old.subject, old.predicate, again, old.graph_name))
        elif change == 5 and old.predicate == ox.NamedNode(str(RDF.type)) and pool.paths.get(old.object):
            quads.append(ox.Quad(old.subject, rng.choice(pool.paths[old.object]), rng.choice(values), old.graph_name))
        else:
            blank = ox.BlankNode()
            quads.append(ox.Quad(blank, ox.NamedNode(str(RDF.type)), rng.choice(pool.classes), old.graph_name))
            quads.append(ox.Quad(old.subject, rng.choice(pool.predicates), blank, old.graph_name))
    return SourceFile(source.path, source.graphs, tuple(dict.fromkeys(quads)))


def respelled(value: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.Literal | None:
    """The same typed value written another way ("033" for "33", "1" for "true"), or None."""
    if not isinstance(value, ox.Literal) or value.language is not None:
        return None
    other = {"true": "1", "false": "0"}.get(value.value) if value.datatype.value == XSD + "boolean" else None
    if value.datatype.value in (XSD + "integer", XSD + "decimal") and value.value.isdigit():
        other = "0" + value.value
    return None if other is None else ox.Literal(other, datatype=value.datatype)


def findings(report: Report, written: dict[str, str] | None = None) -> Counter[tuple[str | None, ...]]:
    """Every field of every violation; blank nodes are named apart by each engine, so only their kind counts.

    pyshacl shows a literal as rdflib rewrites it ("P2Y1M" for "P1Y13M", "false" for "maybe"); the
    compiled shapes show it as the document writes it, so `written` maps one to the other here.
    """
    def shown(text: str | None) -> str | None:
        if text is not None and text.startswith("_:") and "/" not in text:
            return "_:"
        return (written or {}).get(text, text) if text is not None else None

    return Counter(
        (v.file, v.graph if not v.focus.startswith("_:") else "", shown(v.focus), v.path, shown(v.value),
         v.constraint, v.shape, v.message)
        for v in report.violations
    )


def rewritten(source: SourceFile) -> dict[str, str]:
    """Each literal of the document as written, and as rdflib rewrites it."""
    literals = {q.object for q in source.quads if isinstance(q.object, ox.Literal) and q.object.language is None}
    return {lit.value: str(rdflib.Literal(lit.value, datatype=URIRef(lit.datatype.value))) for lit in literals}


def same(source: SourceFile) -> tuple[bool, Counter[tuple[str | None, ...]]]:
    """Whether both engines report the same; and the compiled engine's findings."""
    compiled = findings(validate_source(source, "doc", BASE, "compiled"), rewritten(source))
    return compiled == findings(validate_source(source, "doc", BASE, "pyshacl")), compiled


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[SourceFile]:
    """The seed documents, the valid fixtures and a small synthetic collection, parsed."""
    synthetic = write_synthetic(tmp_path_factory.mktemp("synthetic"), 12, 3, BASE)
    paths = [*seed_sources(), *sorted((FIXTURES / "valid").glob("*.trig")), *synthetic]
    return [read_source(path, BASE) for path in paths]


def test_every_shipped_shape_compiles() -> None:
    try:
        compile_shapes(shapes_graph())
    except Unsupported as error:
        pytest.fail(f"the shipped shapes use a SHACL feature the compiled engine does not check: {error}")


FILES = [*sorted((FIXTURES / "invalid").glob("*.trig")), *sorted((FIXTURES / "valid").glob("*.trig")),
         *sorted(sources_dir().glob("*.trig"))]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_both_engines_agree_on_every_fixture_and_source(path: Path) -> None:
    agreed, _ = same(read_source(path, BASE))
    assert agreed


def test_both_engines_agree_on_mutated_documents(documents: list[SourceFile]) -> None:
    pool, rng = Pool.read(), random.Random(20261130)
    disagreed, broken, refused = [], Counter[str](), 0
    for number in range(MUTATED):
        mutated = mutate(rng.choice(documents), rng, pool)
        try:
            agreed, found = same(mutated)
        except ReportableRuntimeError as error:
            # pyshacl stops at a blank node under sh:lessThanOrEquals, where the compiled shapes go on:
            # a blank node is in order with nothing, so it breaks the constraint against every value.
            assert "lessThanOrEquals to compare a BlankNode" in str(error)
            refused += 1
            continue
        except TypeError as error:
            # And it fails at an ill-formed value beside a well-formed one ("six years"^^xsd:yearMonthDuration
            # beside "P10Y"), which rdflib cannot order; the compiled shapes report the constraint broken.
            assert "'<=' not supported" in str(error)
            refused += 1
            continue
        broken.update(constraint for (_, _, _, _, _, constraint, _, _) in found)
        if not agreed:
            disagreed.append((number, ox.serialize(mutated.quads, format=ox.RdfFormat.N_QUADS).decode()))
    assert disagreed == []
    # The mutations must have broken every kind of constraint that reports, or agreeing proves little.
    shapes = compiled_shapes()
    reported = {c for targeted in shapes.targeted.values() for s in targeted for p in s.parts() for c, _ in p.checks}
    assert reported <= set(broken) and refused < MUTATED / 20, (reported - set(broken), refused)


def test_two_spellings_of_one_value_count_once_as_in_pyshacl() -> None:
    source = read_source(sources_dir() / "hrw-ikram-nurmehmet.trig", BASE)
    person, age = ox.NamedNode(BASE + "person/ikram-nurmehmet"), ox.NamedNode(CG_IRI + "reportedAge")
    graph = next(q.graph_name for q in source.quads if q.subject == person and q.predicate == age)
    twice = SourceFile(source.path, source.graphs, (*source.quads, ox.Quad(person, age, literal("033", "integer"), graph)))
    agreed, found = same(twice)
    assert agreed and not found


SHAPE = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . """


@pytest.mark.parametrize(("shapes", "reason"), [
    ('ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:pattern "^a" ; sh:message "m" ] .',
     "sh:pattern"),
    ('ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ;'
     ' sh:message "m" ] .', "path"),
    ('ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:datatype rdfs:Literal ; sh:message "m" ] .',
     "any literal"),
    ("ex:C a sh:NodeShape, rdfs:Class ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message 'm' ] .", "implicit"),
    ('ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:T ; sh:message "m" ] .'
     ' ex:T a sh:NodeShape ; sh:targetClass ex:D ; sh:nodeKind sh:IRI .', "0 sh:message"),
], ids=["pattern", "inverse path", "datatype rdfs:Literal", "implicit class target", "no message"])
def test_a_shape_feature_not_compiled_is_refused(shapes: str, reason: str) -> None:
    with pytest.raises(Unsupported, match=reason):
        compile_shapes(Graph().parse(data=SHAPE + shapes, format="turtle"))


def test_shapes_that_do_not_compile_are_refused_not_handed_to_pyshacl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPE + '@prefix cg: <' + CG_IRI + '> . ex:S a sh:NodeShape ; sh:targetClass cg:Person ;'
                      ' sh:property [ sh:path cg:name ; sh:pattern "^[A-Z]" ; sh:message "starts with a capital" ] .')
    monkeypatch.setattr(rules, "shapes_files", lambda: [shapes])
    source = sources_dir() / "hrw-ikram-nurmehmet.trig"
    for cached in (rules.shapes_graph, validate.compiled_shapes):
        cached.cache_clear()
    try:
        with pytest.raises(ShapesNotCompiled, match=r"sh:pattern.*--engine pyshacl"):
            validate_file(source, BASE)
        assert validate_file(source, BASE, "pyshacl").checked == [str(source)]
    finally:
        monkeypatch.undo()
        for cached in (rules.shapes_graph, validate.compiled_shapes):
            cached.cache_clear()
