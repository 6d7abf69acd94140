"""The case form, read from the SHACL shapes: which records a source document may hold, and the fields of each.

The form is a plain description (records, fields, kinds of value) that the service renders; a shape
changed in shapes/ changes the form with it. The submitted fields come back here, and the document
is built as an RDF graph with rdflib, never by pasting text into Turtle.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SKOS
from rdflib.term import Node

from graph.errors import UsageError
from graph.ingest.cellvalues import slug
from graph.ingest.register import first_free
from graph.namespaces import CG_IRI, PREFIXES, SH, source_prefix
from graph.query.queries import page_query
from graph.search.names import romanised
from graph.store.sources import SourceFile
from graph.store.store import CaseStore
from graph.validation.rules import ontology_graph, shapes_graph
from graph.validation.validate import Violation

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


@dataclass
class RecordState:
    """One record as filled in: its kind, its name, and its fields' values (reference labels kept for display)."""

    key: str
    cls: str
    name: str = ""
    values: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class FormState:
    """A filled-in form: the source's name and language, its own fields, and its records."""

    name: str = ""
    lang: str = "en"
    source: RecordState = field(default_factory=lambda: RecordState("s", str(SOURCE_DOCUMENT)))
    records: list[RecordState] = field(default_factory=list)
    unshown: list[str] = field(default_factory=list)  # what a source written before states that the form has no field for


@dataclass(frozen=True)
class Problem:
    """A message about one field of one record (`record` is the state key, `path` the property; empty for the whole)."""

    record: str
    path: str
    message: str


class FormProblems(UsageError):
    """Fields whose values cannot be read, each with what is wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Document:
    """A document built from the form: its Turtle, its source IRI and name, and which record each IRI came from."""

    turtle: str
    name: str
    iri: str
    records: dict[str, str]  # IRI -> state key


# ----------------------------------------------------------------- reading the shapes


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


# ----------------------------------------------------------------- the submitted fields


def read_submission(pairs: Iterable[tuple[str, str]]) -> FormState:
    """The form's state from its submitted fields: `name`, `lang`, `s:{property}`, `r{n}:class`, `r{n}:name`, `r{n}:{property}`.

    A reference's chosen label comes as `{key}:{property}~label`, only to show it again.
    """
    state = FormState()
    records: dict[str, RecordState] = {}
    for key, value in pairs:
        value = value.strip()
        record_key, _, rest = key.partition(":")
        if key in ("name", "lang"):
            setattr(state, key, value)
        elif record_key == "s" or (record_key[:1] == "r" and record_key[1:].isdigit()):
            record = state.source if record_key == "s" else records.setdefault(record_key, RecordState(record_key, ""))
            if rest == "class":
                record.cls = value
            elif rest == "name":
                record.name = value
            elif rest.endswith("~label"):
                record.labels[rest.removesuffix("~label")] = value
            elif rest and value:
                record.values.setdefault(rest, []).append(value)
    state.records = [records[k] for k in sorted(records, key=lambda k: int(k[1:]))]
    return state


def build_document(state: FormState, base: str, taken: Callable[[str], bool]) -> Document:
    """The source document of a filled-in form, as Turtle; FormProblems naming every field that cannot be read.

    `taken` says whether an IRI names a record already in the graph (a new record then gets the next free
    name). A record of the graph that a field points to is named by its IRI alone: the checks read its class
    from the graph.
    """
    spec, problems = form_spec(), []
    lang = state.lang or "en"
    name = state.name or slug(romanised(_first(state.source, SOURCE_TITLE)))
    if not name:
        problems.append(Problem("s", "", "the source needs a short name, or a title to make one from"))
    source = URIRef(source_prefix(base) + name)
    iris = _minted(state.records, spec, base, taken, problems)
    graph = Graph()
    for prefix in ("cg", "skos", "dcterms", "xsd", "schema"):
        graph.bind(prefix, PREFIXES[prefix])
    graph.add((source, RDF.type, SOURCE_DOCUMENT))
    graph.add((source, SKOS.prefLabel, Literal(_first(state.source, str(SKOS.prefLabel)) or _first(state.source, SOURCE_TITLE),
                                               lang=lang)))
    _add_fields(graph, source, state.source, spec.source, lang, iris, base, problems, skip=(str(SKOS.prefLabel),))
    for record in state.records:
        if record.key not in iris.values():
            continue
        iri = URIRef(next(i for i, k in iris.items() if k == record.key))
        form = spec.record(record.cls)
        graph.add((iri, RDF.type, URIRef(form.cls)))
        graph.add((iri, SKOS.prefLabel, Literal(record.name, lang=lang)))
        graph.add((iri, CG_SOURCE, source))
        _add_fields(graph, iri, record, form, lang, iris, base, problems)
    if problems:
        raise FormProblems(problems)
    return Document(graph.serialize(format="turtle", base=base), name, str(source), iris)


SOURCE_TITLE = PREFIXES["dcterms"] + "title"


def _first(record: RecordState, path: str) -> str:
    return (record.values.get(path) or [""])[0]


def _minted(records: list[RecordState], spec: FormSpec, base: str, taken: Callable[[str], bool],
            problems: list[Problem]) -> dict[str, str]:
    """A new IRI for each record, from its class's path and its name in Latin letters; the next free one when taken."""
    minted: dict[str, str] = {}
    for record in records:
        try:
            form = spec.record(record.cls)
        except UsageError as error:
            problems.append(Problem(record.key, "", str(error)))
            continue
        words = slug(romanised(record.name)) if record.name else ""
        if not words:
            problems.append(Problem(record.key, "", f"this {form.label} needs a name (with letters or digits)"))
            continue
        minted[first_free(base + _segment(form.cls) + "/" + words, lambda iri: iri in minted or taken(iri))] = record.key
    return minted


def _segment(cls: str) -> str:
    ontology = ontology_graph()
    broader = {str(c) for c in ontology.transitive_objects(URIRef(cls), RDFS.subClassOf)}
    return next((segment for name, segment in PLACES if CG_IRI + name in broader), "record")


def _add_fields(graph: Graph, subject: URIRef, record: RecordState, form: RecordForm, lang: str, iris: dict[str, str],
                base: str, problems: list[Problem], skip: Sequence[str] = ()) -> None:
    keys = {key: iri for iri, key in iris.items()}
    for spec_field in form.fields:
        if spec_field.path in skip:
            continue
        for value in record.values.get(spec_field.path, []):
            try:
                term = _term(spec_field, value, lang, keys, base)
            except ValueError as error:
                problems.append(Problem(record.key, spec_field.path, f"{spec_field.label}: {error}"))
                continue
            graph.add((subject, URIRef(spec_field.path), term))


def _term(spec_field: Field, value: str, lang: str, keys: dict[str, str], base: str) -> URIRef | Literal:
    """One value as an RDF term, read by the field's kind; ValueError saying what was expected."""
    kind = spec_field.kind
    if kind == "text":
        return Literal(value, lang=lang)
    if kind == "plain":
        return Literal(value)
    if kind == "date":
        return date_literal(value)
    if kind == "integer":
        digits = value[1:] if value[:1] == "-" else value
        if not (digits.isascii() and digits.isdigit()):
            raise ValueError(f"{value!r} is not a whole number")
        return Literal(int(value), datatype=XSD.integer)
    if kind == "boolean":
        if value not in ("true", "false"):
            raise ValueError(f"{value!r} is neither yes (true) nor no (false)")
        return Literal(value == "true")
    if kind == "duration":
        return _duration(value)
    if kind == "choice":
        if value not in {c.iri for c in spec_field.choices}:
            raise ValueError(f"{value!r} is not one of the choices")
        return URIRef(value)
    if kind == "reference":
        if value in keys:
            return URIRef(keys[value])
        if not value.startswith(base) or value == base:
            raise ValueError(f"{value!r} is neither a record found by search nor one of this document's records")
        return URIRef(value)
    if not value.startswith(("https://", "http://")):  # address
        raise ValueError(f"{value!r} is not a web address starting with https:// or http://")
    return URIRef(value)


def date_literal(text: str) -> Literal:
    """A date of the precision written: 2009 (xsd:gYear), 2009-07 (xsd:gYearMonth) or 2009-07-14 (xsd:date)."""
    parts = text.split("-")
    if not all(p.isascii() and p.isdigit() for p in parts) or len(parts[0]) != 4 or len(parts) > 3:
        raise ValueError(f"{text!r} is not a year (2009), a year and month (2009-07) or a full date (2009-07-14)")
    if len(parts) == 1:
        return Literal(text, datatype=XSD.gYear)
    if len(parts) == 2:
        if len(parts[1]) != 2 or not 1 <= int(parts[1]) <= 12:
            raise ValueError(f"{text!r}: the month must be two digits, 01 to 12")
        return Literal(text, datatype=XSD.gYearMonth)
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date that exists") from None
    return Literal(day.isoformat(), datatype=XSD.date)


def _duration(text: str) -> Literal:
    """A length of years and months, written "6 years 6 months", "6y 6m" or "P6Y6M"."""
    words = text.upper().removeprefix("P").replace("YEARS", "Y").replace("YEAR", "Y").replace("MONTHS", "M") \
        .replace("MONTH", "M").replace(" ", "")
    years, _, rest = words.partition("Y") if "Y" in words else ("", "", words)
    months, _, tail = rest.partition("M") if "M" in rest else ("", "", rest)
    if tail or not (years or months) or not all(p.isascii() and p.isdigit() for p in (years, months) if p):
        raise ValueError(f"{text!r} is not a length in years and months (6 years 6 months, or P6Y6M)")
    lexical = "P" + (f"{int(years)}Y" if years else "") + (f"{int(months)}M" if months else "")
    return Literal(lexical, datatype=XSD.yearMonthDuration)


# ----------------------------------------------------------------- the checks' messages, by field


def problems_of(violations: Iterable[Violation], document: Document) -> list[Problem]:
    """The violations of a checked document as messages on the form's records and fields."""
    found = []
    for violation in violations:
        record = "s" if violation.focus == document.iri else document.records.get(violation.focus, "")
        paths = (violation.path or "").split(" | ")
        found.append(Problem(record, paths[0] if len(paths) == 1 else "", violation.message))
    return found


# ----------------------------------------------------------------- a written document back into the form


def state_of(quads: Iterable[tuple[str, str, object]], name: str, base: str,
             label: Callable[[str], str | None]) -> FormState:
    """The form's state for a source written before: (subject, predicate, term) triples of its graph and catalog entry.

    Terms are rdflib terms. Records described only to be pointed to (a class and a label and no more)
    are left out: the form names them by IRI.
    """
    spec = form_spec()
    by_subject: dict[str, list[tuple[str, object]]] = {}
    for subject, predicate, term in quads:
        by_subject.setdefault(subject, []).append((predicate, term))
    source_iri = source_prefix(base) + name
    state = FormState(name=name)
    state.source = _record_state("s", str(SOURCE_DOCUMENT), by_subject.get(source_iri, []), spec.source, label)
    state.unshown += _unshown(source_iri, by_subject.get(source_iri, []), spec.source)
    classes = {r.cls for r in spec.records}
    keys: dict[str, str] = {}
    for subject, facts in by_subject.items():
        kinds = [str(t) for p, t in facts if p == str(RDF.type) and str(t) in classes]
        told = {p for p, _ in facts} - _KEPT_BY_THE_FORM
        if subject == source_iri or not told:
            continue
        if not kinds:
            state.unshown.append(f"<{subject}>, a record of a kind the form has no block for")
            continue
        keys[subject] = key = f"r{len(state.records)}"
        state.records.append(_record_state(key, kinds[0], facts, spec.record(kinds[0]), label))
        state.unshown += _unshown(subject, facts, spec.record(kinds[0]))
    for record in [state.source, *state.records]:
        record.values = {p: [keys.get(v, v) for v in vs] for p, vs in record.values.items()}
    return state


# What the form writes of every record itself, or a write stamps on the catalog entry, rather than a field.
_KEPT_BY_THE_FORM = frozenset({str(RDF.type), str(SKOS.prefLabel), str(CG_SOURCE), PREFIXES["dcterms"] + "created",
                               PREFIXES["dcterms"] + "modified"})


def _unshown(subject: str, facts: list[tuple[str, object]], form: RecordForm) -> list[str]:
    """The properties of a record that no field of its block shows: replacing the source from the form would drop them."""
    fields = {f.path for f in form.fields}
    return [f"<{subject}> {predicate}" for predicate in sorted({p for p, _ in facts} - fields - _KEPT_BY_THE_FORM)]


def _record_state(key: str, cls: str, facts: list[tuple[str, object]], form: RecordForm,
                  label: Callable[[str], str | None]) -> RecordState:
    record = RecordState(key, cls)
    record.name = next((str(t) for p, t in facts if p == str(SKOS.prefLabel)), "")
    fields = {f.path: f for f in form.fields}
    for predicate, term in facts:
        spec_field = fields.get(predicate)
        if spec_field is None:
            continue
        record.values.setdefault(predicate, []).append(_shown(term, spec_field))
        if spec_field.kind == "reference":
            record.labels[predicate] = label(str(term)) or str(term)
    return record


def _shown(term: object, spec_field: Field) -> str:
    if spec_field.kind == "boolean" and isinstance(term, Literal):
        return "true" if term.toPython() is True else "false"
    return str(term)


# ----------------------------------------------------------------- what the graph already holds




def taken_in(store: CaseStore) -> Callable[[str], bool]:
    """Whether an IRI names a record in this store."""
    def taken(iri: str) -> bool:
        return store.describes(iri)
    return taken


def label_in(store: CaseStore) -> Callable[[str], str | None]:
    """A record's English or first label from this store, for showing a reference; None unless it is a record of the ontology."""
    def label(iri: str) -> str | None:
        rows = list(store.select(page_query("record-classes"), {"record": ox.NamedNode(iri)}))
        labels = sorted({(row["label"].language != "en", row["label"].value) for row in rows if row["label"] is not None})
        recorded = any(row["class"].value.startswith(CG_IRI) for row in rows)
        return labels[0][1] if recorded and labels else None
    return label


def state_of_source(source: SourceFile, name: str, base: str, store: CaseStore) -> FormState:
    """The form's state for a source file written before."""
    triples = ((q.subject.value, q.predicate.value, _rdflib(q.object)) for q in source.quads
               if isinstance(q.subject, ox.NamedNode | ox.BlankNode))
    return state_of(triples, name, base, label_in(store))


def _rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> object:
    if isinstance(term, ox.Literal):
        return Literal(term.value, lang=term.language, datatype=None if term.language else URIRef(term.datatype.value))
    return URIRef(term.value) if isinstance(term, ox.NamedNode) else BNode(str(term))
