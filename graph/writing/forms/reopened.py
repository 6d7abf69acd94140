"""A source written before, read back into the case form, and what the store already holds: taken IRIs, labels."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox
from rdflib import RDF, BNode, Literal, URIRef
from rdflib.namespace import SKOS

from graph.namespaces import CG_IRI, PREFIXES, source_prefix
from graph.query.queries import page_query
from graph.store.seam import Store
from graph.store.sources import SourceFile
from graph.writing.forms.spec import CG_SOURCE, SOURCE_DOCUMENT, Field, RecordForm, form_spec
from graph.writing.forms.submission import FormState, RecordState


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




def taken_in(store: Store) -> Callable[[str], bool]:
    """Whether an IRI names a record in this store."""
    def taken(iri: str) -> bool:
        return store.describes(iri)
    return taken


def label_in(store: Store) -> Callable[[str], str | None]:
    """A record's English or first label from this store, for showing a reference; None unless it is a record of the ontology."""
    def label(iri: str) -> str | None:
        rows = list(store.select(page_query("record-classes"), {"record": ox.NamedNode(iri)}))
        labels = sorted({(row["label"].language != "en", row["label"].value) for row in rows if row["label"] is not None})
        recorded = any(row["class"].value.startswith(CG_IRI) for row in rows)
        return labels[0][1] if recorded and labels else None
    return label


def state_of_source(source: SourceFile, name: str, base: str, store: Store) -> FormState:
    """The form's state for a source file written before."""
    triples = ((q.subject.value, q.predicate.value, _rdflib(q.object)) for q in source.quads
               if isinstance(q.subject, ox.NamedNode | ox.BlankNode))
    return state_of(triples, name, base, label_in(store))


def _rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> object:
    if isinstance(term, ox.Literal):
        return Literal(term.value, lang=term.language, datatype=None if term.language else URIRef(term.datatype.value))
    return URIRef(term.value) if isinstance(term, ox.NamedNode) else BNode(str(term))
