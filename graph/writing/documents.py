"""Writing source documents: parse a posted document safely, check it, and keep it durably with an audit trail."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph import processes
from graph.errors import CasegraphError, InvalidData, SourceFileError, UsageError
from graph.files import to_trig
from graph.namespaces import ONTOLOGY_IRI, PREFIXES, catalog_graph, source_prefix
from graph.store.sources import CG_SOURCE_DOCUMENT, RDF_TYPE, SourceFile, check_layout, read_source
from graph.validation.references import StoredAt
from graph.validation.validate import Engine, Report, Violation, layout_violation, prepare, validate_source

DOCUMENT_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/trig": ox.RdfFormat.TRIG,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
# What a document file is, by its name's ending, for checking it as POST /sources would (TriG files are source files).
FILE_FORMATS = {".ttl": "text/turtle", ".jsonld": "application/ld+json", ".nt": "application/n-triples",
                ".nq": "application/n-quads", ".rdf": "application/rdf+xml"}
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# JSON-LD objects and arrays within each other: pyoxigraph's parser recurses, and a few thousand levels crash the process.
MAX_NESTING = 100
CREATED, MODIFIED = (ox.NamedNode(PREFIXES["dcterms"] + term) for term in ("created", "modified"))
DATE_TIME = ox.NamedNode(PREFIXES["xsd"] + "dateTime")


class UnsupportedFormat(CasegraphError):
    """The document is in a format the write API does not read."""


class Conflict(CasegraphError):
    """The write clashes with what exists: a source already there, or one kept in the repository."""


def parse_document(body: bytes, media_type: str, base: str) -> list[ox.Quad]:
    """Parse a posted document; refuse DTDs (entity expansion) and remote JSON-LD contexts before parsing."""
    if media_type not in DOCUMENT_FORMATS:
        known = ", ".join(DOCUMENT_FORMATS)
        raise UnsupportedFormat(f"a source document must be sent as one of {known}, not {media_type or 'nothing'}")
    fmt = DOCUMENT_FORMATS[media_type]
    if fmt == ox.RdfFormat.RDF_XML and _DTD.search(body):
        raise UsageError("RDF/XML with a DOCTYPE or ENTITY declaration is refused: entities could expand without bound")
    if fmt == ox.RdfFormat.JSON_LD:
        _refuse_remote_contexts(body)
    try:
        return list(ox.parse(body, format=fmt, base_iri=base))
    except (SyntaxError, ValueError) as error:
        raise UsageError(f"the document is not valid {media_type}: {error}") from None


def _refuse_remote_contexts(body: bytes) -> None:
    try:
        document = json.loads(body)
    except RecursionError:
        raise _too_deep("") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise UsageError(f"the document is not valid JSON: {error}") from None
    for node, where in _json_nodes(document):
        contexts = node.get("@context") if isinstance(node, dict) else None
        if any(isinstance(c, str) for c in (contexts if isinstance(contexts, list) else [contexts])):
            raise UsageError(f"remote JSON-LD contexts are never fetched, and {where}/@context names one: "
                             "put the context inline in the document")


def _json_nodes(document: Any) -> Iterator[tuple[Any, str]]:
    """Every object and array of a JSON document with its JSON Pointer, without recursion; UsageError past MAX_NESTING."""
    pending: list[tuple[Any, str, int]] = [(document, "", 0)]
    while pending:
        node, where, depth = pending.pop()
        if depth > MAX_NESTING:
            raise _too_deep(where)
        yield node, where
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        pending.extend((value, f"{where}/{_escaped(key)}", depth + 1) for key, value in items
                       if isinstance(value, dict | list))


def _escaped(key: str | int) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _too_deep(where: str) -> UsageError:
    at = f" (at {where})" if where else ""
    return UsageError(f"the document nests JSON objects and arrays more than {MAX_NESTING} deep{at}; "
                      "a source document needs far fewer levels")


def as_source(quads: list[ox.Quad], base: str, name: str | None = None, label: str = "document") -> SourceFile:
    """The document as one source: triples about the source itself go to the catalog, the rest to its graph.

    A document with named graphs (TriG, N-Quads) is taken as written, like a source file. `label`
    names the document in a report.
    """
    catalog = ox.NamedNode(catalog_graph(base))
    if not any(isinstance(q.graph_name, ox.NamedNode) for q in quads):
        iri = _described_source(quads, name, base)
        quads = [ox.Quad(q.subject, q.predicate, q.object, catalog if q.subject == iri else iri) for q in quads]
    try:
        source = check_layout(label, quads, base)
    except SourceFileError as error:
        raise InvalidData(Report([layout_violation(error)], [label])) from None
    if len(source.graphs) != 1:
        raise UsageError(f"a write holds exactly one source document; this one holds {len(source.graphs)}")
    expected = source_prefix(base) + name if name else None
    if expected and source.graphs[0].value != expected:
        raise UsageError(f"the document describes {source.graphs[0].value}, but was sent to {expected}")
    check_name(source_name(source, base))
    return source


def check_name(name: str) -> None:
    """Refuse a source name that is not 1-100 lower-case letters, digits and hyphens (so also a safe file name)."""
    if not _NAME.fullmatch(name):
        shown = json.dumps(name if len(name) <= 60 else name[:60] + "…")
        raise UsageError(f"a source's name (after source/) must be 1 to 100 lower-case letters, digits and hyphens, "
                         f"starting with a letter or digit; {shown} is not")


def _described_source(quads: list[ox.Quad], name: str | None, base: str) -> ox.NamedNode:
    if name:
        return ox.NamedNode(source_prefix(base) + name)
    typed = {q.subject for q in quads if q.predicate == RDF_TYPE and q.object == CG_SOURCE_DOCUMENT}
    if len(typed) != 1 or not isinstance(next(iter(typed)), ox.NamedNode):
        raise UsageError(f"the document must describe exactly one cg:SourceDocument (found {len(typed)})")
    return next(iter(typed))  # type: ignore[return-value]


def source_name(source: SourceFile, base: str) -> str:
    """The short name of a single-document source (the part after source/)."""
    return source.graphs[0].value.removeprefix(source_prefix(base))


def check(source: SourceFile, base: str, label: str = "document", engine: Engine = "compiled",
          store: Path | None = None) -> Report:
    """Every record minted under the base, then the shapes; the report lists what to fix.

    Records the document refers to without declaring them are looked up in the store given, the one being served.
    """
    outside = sorted({q.subject.value for q in source.quads
                      if isinstance(q.subject, ox.NamedNode)
                      and (not q.subject.value.startswith(base) or q.subject.value.startswith(ONTOLOGY_IRI))})
    if outside:
        return Report([Violation(label, source.graphs[0].value, iri, None, None, "OutsideBase", "",
                                 f"records must be named by IRIs under {base}; {iri} is not") for iri in outside], [label])
    graphs = [StoredAt(store, base, frozenset(source.graphs))] if store else []
    return validate_source(source, label, base, engine, graphs=graphs)


def check_file(path: Path, base: str, engine: Engine = "compiled", store: Path | None = None) -> Report:
    """A document file checked as POST /sources checks its bytes: parsed by the format its name ends in, as one source, dated.

    What the API would refuse with 400 (not parsed, not one source) is reported as the file's
    layout problem, with the API's message, as a TriG source file's would be. Records it refers
    to without declaring them are looked up in the store given.
    """
    media_type = FILE_FORMATS.get(path.suffix.lower())
    if media_type is None:
        known = ", ".join(["*.trig", *(f"*{suffix}" for suffix in FILE_FORMATS)])
        raise UsageError(f"{path}: a file to check must be named {known}, to say its format")
    try:
        body = path.read_bytes()
    except OSError as error:
        raise UsageError(f"{path} cannot be read: {error.strerror or error}") from None
    try:
        source = as_source(parse_document(body, media_type, base), base, label=str(path))
    except InvalidData as error:
        return error.report
    except CasegraphError as error:
        return Report([layout_violation(SourceFileError(str(path), str(error)))], [str(path)])
    return check(dated(source, base, datetime.now(UTC), None), base, str(path), engine, store)


@dataclass(frozen=True)
class Checked:
    """A posted document, parsed and checked: its source, the file to keep, and the shapes' report."""

    graph: str  # the source's IRI
    name: str
    triples: int
    data: bytes
    report: Report


def check_document(body: bytes, media_type: str, base: str, name: str | None, who: str, written: Path,
                   store: Path | None = None) -> Checked:
    """Parse a posted document as one source, check it, and make the file it would be kept as, dated.

    `written` is the directory of sources written through the API, where an earlier version gives the date first written;
    `store` the store served, whose records the document may refer to.
    """
    source = as_source(parse_document(body, media_type, base), base, name)
    earlier = written / f"{source_name(source, base)}.trig"
    source = dated(source, base, datetime.now(UTC), first_written(earlier, base) if earlier.is_file() else None)
    return Checked(source.graphs[0].value, source_name(source, base), len(source.quads), source_bytes(source, base, who),
                   check(source, base, store=store))


def dated(source: SourceFile, base: str, now: datetime, created: ox.Literal | None) -> SourceFile:
    """The source with its catalog entry dated by this write: dcterms:modified now, dcterms:created when first written.

    The two dates are the service's record of the catalog entry, so any the document gives are replaced.
    """
    catalog, graph = ox.NamedNode(catalog_graph(base)), source.graphs[0]
    stamp = ox.Literal(now.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"), datatype=DATE_TIME)
    undated = [q for q in source.quads
              if not (q.graph_name == catalog and q.subject == graph and q.predicate in (CREATED, MODIFIED))]
    dates = (ox.Quad(graph, CREATED, created or stamp, catalog), ox.Quad(graph, MODIFIED, stamp, catalog))
    return replace(source, quads=(*undated, *dates))


def first_written(path: Path, base: str) -> ox.Literal | None:
    """When the source kept at `path` was first written through the API (its catalog entry's dcterms:created), if it says."""
    source = read_source(path, base)
    catalog = ox.NamedNode(catalog_graph(base))
    return next((q.object for q in source.quads if q.graph_name == catalog and q.subject in source.graphs
                 and q.predicate == CREATED and isinstance(q.object, ox.Literal)), None)


class DocumentChecker:
    """Checks posted documents in a process of its own, started at once and kept warm.

    Parsing and SHACL on a large document take seconds of pure Python; in a thread they would
    still hold the interpreter's lock against the service's event loop, and every read would wait.
    """

    def __init__(self) -> None:
        self._pool = self._start()

    @staticmethod
    def _start() -> ProcessPoolExecutor:
        return processes.pool(initializer=prepare)

    def submit(self, body: bytes, media_type: str, base: str, name: str | None, who: str, written: Path,
               store: Path | None = None) -> Future[Checked]:
        """Check a document in the checker process; a checker that died is replaced first."""
        try:
            return self._pool.submit(check_document, body, media_type, base, name, who, written, store)
        except BrokenProcessPool:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._start()
            return self._pool.submit(check_document, body, media_type, base, name, who, written, store)

    def close(self) -> None:
        """Stop the checker process."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def source_bytes(source: SourceFile, base: str, who: str) -> bytes:
    """The source as a TriG file in a stable order, relative to the base like every shipped file."""
    return to_trig(list(source.quads), base, f"# Written through the casegraph write API by {who}.\n")


def audit(log: Path, who: str, action: str, source: str, data: bytes | None, outcome: str, **detail: str) -> None:
    """Append one entry to the audit log and sync it: who, when, what (with the content's digest), and the outcome.

    `detail` adds fields, such as who drafted what another writer publishes.
    """
    entry = {"when": datetime.now(UTC).isoformat(timespec="milliseconds"), "who": who, "action": action, "source": source,
             "sha256": hashlib.sha256(data).hexdigest() if data is not None else None, "outcome": outcome, **detail}
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
