"""The case form read from the SHACL shapes: its record blocks, their fields and the kinds of value each takes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SKOS
from rdflib.term import Node

from graph.errors import UsageError
from graph.namespaces import CG_IRI, SH
from graph.validation.rules import ontology_graph, shapes_graph

RECORD = URIRef(CG_IRI + "Record")
SOURCE_DOCUMENT = URIRef(CG_IRI + "SourceDocument")
CG_SOURCE = URIRef(CG_IRI + "source")
DATE_VALUE = URIRef("https://w3id.org/casegraph/shapes#DateValue")
AGE_VALUE = URIRef("https://w3id.org/casegraph/shapes#AgeValue")
# Where a class's records are named (the path segment of their IRIs), most specific class first.
PLACES = (("Court", "court"), ("DetentionFacility", "facility"), ("Person", "person"), ("Publication", "publication"),
          ("Organisation", "organisation"), ("Place", "place"), ("LawArticle", "law"), ("Law", "law"), ("Event", "event"),
          ("Case", "case"), ("Role", "role"), ("Charge", "charge"), ("Sentence", "sentence"), ("Allegation", "allegation"),
          ("Campaign", "campaign"), ("Policy", "policy"))
# The records a case is mostly made of, offered first.
FIRST = ("Person", "Case", "Detention", "Custody", "Trial", "Verdict", "Sentence", "Charge", "DetentionFacility", "Court",
         "Place", "Organisation")
PRECISIONS = {"gYear": "year", "gYearMonth": "year and month", "date": "full date"}


@dataclass(frozen=True)
class Choice:
    """One value a field may take from a list (sh:in), with its label."""

    iri: str
    label: str


@dataclass(frozen=True)
class Field:
    """One property a record may have, as the shapes constrain it."""

    path: str
    label: str
    kind: str  # text, date, choice, reference, integer, boolean, duration, address, plain
    required: bool = False
    single: bool = False
    target: str | None = None  # the class a reference points to
    target_label: str | None = None
    choices: tuple[Choice, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class RecordForm:
    """The fields of one class of record."""

    cls: str
    label: str
    comment: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class FormSpec:
    """The whole form: the source document's own fields, and every kind of record it may state."""

    source: RecordForm
    records: tuple[RecordForm, ...]

    def record(self, cls: str) -> RecordForm:
        """The form of a class; UsageError naming it when the form offers no such class."""
        found = next((r for r in self.records if r.cls == cls), None)
        if found is None:
            raise UsageError(f"the form has no kind of record {cls!r}")
        return found


@cache
def form_spec() -> FormSpec:
    """The form, read once from the shapes and the ontology."""
    shapes, ontology = shapes_graph(), ontology_graph()
    records = [c for c in ontology.transitive_subjects(RDFS.subClassOf, RECORD) if c != RECORD and isinstance(c, URIRef)]
    order = {CG_IRI + name: i for i, name in enumerate(FIRST)}
    forms = [_record_form(shapes, ontology, c) for c in records]
    forms.sort(key=lambda f: (order.get(f.cls, len(order)), f.label))
    return FormSpec(_record_form(shapes, ontology, SOURCE_DOCUMENT, skip=(CG_SOURCE,)), tuple(forms))


def _record_form(shapes: Graph, ontology: Graph, cls: URIRef, skip: Sequence[URIRef] = (CG_SOURCE, SKOS.prefLabel)) -> RecordForm:
    classes = set(ontology.transitive_objects(cls, RDFS.subClassOf))
    merged: dict[URIRef, dict[str, object]] = {}
    for node_shape in {s for c in classes for s in shapes.subjects(SH.targetClass, c)}:
        for property_shape in shapes.objects(node_shape, SH.property):
            for path in _paths(shapes, property_shape):
                if path not in skip:
                    _merge(merged.setdefault(path, {}), shapes, property_shape)
    fields = [f for path, facts in merged.items() if (f := _field(ontology, path, facts)) is not None]
    fields.sort(key=lambda f: (not f.required, f.label))
    return RecordForm(str(cls), _label(ontology, cls), _text(ontology, cls, RDFS.comment), tuple(fields))


def _paths(shapes: Graph, property_shape: Node) -> list[URIRef]:
    """A property shape's predicates: its path, or each of an alternative path's."""
    path = shapes.value(property_shape, SH.path)
    if isinstance(path, URIRef):
        return [path]
    alternatives = shapes.value(path, SH.alternativePath) if isinstance(path, BNode) else None
    return [p for p in Collection(shapes, alternatives) if isinstance(p, URIRef)] if alternatives is not None else []


def _merge(facts: dict[str, object], shapes: Graph, property_shape: Node) -> None:
    """Add one property shape's constraints to what is known of the property (several shapes may constrain it)."""
    def one(predicate: URIRef) -> object:
        return shapes.value(property_shape, predicate)

    for key, predicate in (("class", SH["class"]), ("datatype", SH.datatype), ("node", SH.node), ("kind", SH.nodeKind)):
        if one(predicate) is not None:
            facts[key] = one(predicate)
    if isinstance(minimum := one(SH.minCount), Literal) and int(minimum) > 0:
        facts["required"] = True
    if isinstance(maximum := one(SH.maxCount), Literal) and int(maximum) == 1:
        facts["single"] = True
    if (listed := one(SH["in"])) is not None:
        facts["in"] = [c for c in Collection(shapes, listed) if isinstance(c, URIRef)]  # type: ignore[arg-type]
    if isinstance(message := one(SH.message), Literal):
        facts["help"] = " ".join(filter(None, (str(facts.get("help", "")), str(message))))


def _field(ontology: Graph, path: URIRef, facts: dict[str, object]) -> Field | None:
    """A property's field, by the kind of value the shapes allow; None when they say too little to offer one."""
    common = {"path": str(path), "label": _label(ontology, path), "required": bool(facts.get("required")),
              "single": bool(facts.get("single")), "help": str(facts.get("help", ""))}
    if "in" in facts:
        listed: list[URIRef] = facts["in"]  # type: ignore[assignment]
        return Field(kind="choice", choices=tuple(Choice(str(c), _label(ontology, c)) for c in listed), **common)  # type: ignore[arg-type]
    if facts.get("node") == DATE_VALUE:
        return Field(kind="date", **common)  # type: ignore[arg-type]
    if facts.get("node") == AGE_VALUE:
        return Field(kind="integer", **common)  # type: ignore[arg-type]
    if isinstance(target := facts.get("class"), URIRef):
        return Field(kind="reference", target=str(target), target_label=_label(ontology, target), **common)  # type: ignore[arg-type]
    datatype = facts.get("datatype")
    kinds = {RDF.langString: "text", XSD.integer: "integer", XSD.boolean: "boolean", XSD.yearMonthDuration: "duration",
             XSD.string: "plain"}
    if datatype in kinds:
        return Field(kind=kinds[datatype], **common)  # type: ignore[index, arg-type]
    if facts.get("kind") == SH.IRI:
        return Field(kind="address", **common)  # type: ignore[arg-type]
    return None


SKOS_LABELS = {SKOS.prefLabel: "name", SKOS.altLabel: "other names"}


def _label(graph: Graph, term: URIRef) -> str:
    found = _text(graph, term, RDFS.label) or _text(graph, term, SKOS.prefLabel) or SKOS_LABELS.get(term)
    return found or str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _text(graph: Graph, term: URIRef, predicate: URIRef) -> str:
    values = [v for v in graph.objects(term, predicate) if isinstance(v, Literal)]
    english = [v for v in values if v.language in (None, "en")]
    chosen = english or values
    return str(chosen[0]) if chosen else ""
