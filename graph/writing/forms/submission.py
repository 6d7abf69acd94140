"""A submitted case form: its state, the source document built from it, and the checks' messages by field."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from graph.errors import UsageError
from graph.ingest.cellvalues import slug
from graph.ingest.register import first_free
from graph.namespaces import CG_IRI, PREFIXES, source_prefix
from graph.search.names import romanised
from graph.validation.rules import ontology_graph
from graph.validation.validate import Violation
from graph.writing.forms.spec import CG_SOURCE, PLACES, SOURCE_DOCUMENT, Field, FormSpec, RecordForm, form_spec


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
