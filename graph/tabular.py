"""Import of tables (CSV, JSON) through a mapping: each row becomes its own source document."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from casegraph.errors import UsageError
from casegraph.links import Links
from casegraph.mapping import Field, Label, Mapping, Record
from casegraph.namespaces import CG_IRI, PREFIXES, catalog_graph
from casegraph.sources import CG_SOURCE, PREF_LABEL, RDF_TYPE

Made = ox.NamedNode | ox.Literal | ox.Quad  # a field's object, or a whole quad of a record it brings along
CG_CONCERNS = ox.NamedNode(CG_IRI + "concerns")
CG_DATE_NOTE = ox.NamedNode(CG_IRI + "dateNote")
XSD = PREFIXES["xsd"]
ROW_PLACEHOLDER = "source/_row_"
# Characters an IRI may hold as they are; every other one is percent-encoded (RFC 3987 iunreserved).
_IRI_SAFE = re.compile(r"[\w\-.~]", re.UNICODE)


@dataclass(frozen=True)
class Problem:
    """What went wrong in one row: where (line, column), the value, the rule it broke, and what was done."""

    line: int
    column: str
    value: str
    rule: str
    outcome: str


@dataclass
class Imported:
    """The outcome of mapping a table: the quads of every accepted row, and every problem found."""

    rows: int = 0
    graphs: dict[str, int] = field(default_factory=dict)
    quads: list[ox.Quad] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def refused(self) -> list[int]:
        """Lines of the rows left out."""
        return sorted({p.line for p in self.problems if p.outcome == "row left out"})


class _RowError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.rule)
        self.problem = problem


def read_rows(path: Path, fmt: str) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV file (with the line each starts on) or of a JSON array of objects (numbered from 1)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot be read as UTF-8 text: {error}") from None
    if fmt == "json":
        yield from _json_rows(path, text)
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    line = 2
    for row in reader:
        yield line, {k: (v or "") for k, v in row.items() if k is not None}
        line = reader.line_num + 1


def _json_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(f"{path}: is not valid JSON: {error}") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise UsageError(f"{path}: must hold a JSON array of objects, one per row")
    for number, item in enumerate(data, start=1):
        yield number, {str(k): "" if v is None else str(v) for k, v in item.items()}


def import_table(path: Path, mapping: Mapping, base: str, links: Links,
                 progress: Callable[[int], None] | None = None) -> Imported:
    """Map every row of a table; rows with problems are left out and reported, the rest kept."""
    templates = _Templates(mapping, base)
    result, keys = Imported(), dict[str, int]()
    for line, row in read_rows(path, mapping.format):
        if not result.rows:
            _check_columns(mapping, row, path)  # every row has the header's columns
        result.rows += 1
        try:
            quads, problems, graph = _RowMapper(mapping, base, links, templates, line, row).quads(keys)
        except _RowError as error:
            result.problems.append(error.problem)
        else:
            result.quads.extend(quads)
            result.problems.extend(problems)
            result.graphs[graph] = line
        if progress:
            progress(1)
    return result


def _check_columns(mapping: Mapping, row: dict[str, str], path: Path) -> None:
    missing = sorted(mapping.columns - set(row))
    if missing:
        raise UsageError(f"{path}: the mapping reads columns the table does not have: {', '.join(missing)}")


class _Templates:
    """The catalog entry and shared records every row's graph repeats, parsed once."""

    def __init__(self, mapping: Mapping, base: str) -> None:
        self.placeholder = ox.NamedNode(base + ROW_PLACEHOLDER)
        self.catalog = _parse_turtle(mapping.catalog, base)
        self.shared = _parse_turtle(mapping.shared, base) if mapping.shared else []

    def for_row(self, graph: ox.NamedNode, catalog: ox.NamedNode) -> list[ox.Quad]:
        """The template triples, the placeholder replaced by the row's source, each in its graph."""
        entry = [ox.Quad(graph if t.subject == self.placeholder else t.subject, t.predicate, t.object, catalog)
                 for t in self.catalog]
        shared = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in self.shared]
        cited = [ox.Quad(t.subject, CG_SOURCE, graph, graph) for t in self.shared if t.predicate == RDF_TYPE]
        return entry + shared + cited


def _parse_turtle(path: Path, base: str) -> list[ox.Triple]:
    try:
        return [q.triple for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=base)]
    except (OSError, SyntaxError) as error:
        raise UsageError(f"{path}: {error}") from None


class _RowMapper:
    """Maps one row: mints its IRIs, applies every field, and collects the row's quads and notes."""

    def __init__(self, mapping: Mapping, base: str, links: Links, templates: _Templates, line: int, row: dict[str, str]):
        self.mapping, self.base, self.links, self.templates = mapping, base, links, templates
        self.line, self.row = line, row
        self.consumed: set[str] = set()
        self.problems: list[Problem] = []

    def quads(self, keys: dict[str, int]) -> tuple[list[ox.Quad], list[Problem], str]:
        """The row's quads, its notes, and its graph's IRI; _RowError when the row must be left out."""
        key = self._key()
        if key in keys:
            column = self.mapping.key_column
            self._fail(column, self.row[column], f"a key not used before (row {keys[key]} has {key})")
        keys[key] = self.line
        context = {**self.row, "key": key}
        graph = ox.NamedNode(self._mint(self.mapping.source.iri, context))
        catalog = ox.NamedNode(catalog_graph(self.base))
        made = {"source": graph} | {name: ox.NamedNode(self._mint(r.iri, context))
                                    for name, r in self.mapping.records.items() if self._wanted(r)}
        quads = self.templates.for_row(graph, catalog) + self._label(self.mapping.source, graph, context, catalog)
        for name, record in self.mapping.records.items():
            if name in made:
                quads += self._record(record, made[name], graph, context, made)
        for rule in self.mapping.fields:
            if rule.record in made:
                quads += self._field(rule, made[rule.record], graph, catalog if rule.record == "source" else graph)
        self._check_consumed()
        return quads, self.problems, graph.value

    def _key(self) -> str:
        column = self.mapping.key_column
        cell = self.row[column].strip()
        first = cell.split(self.mapping.key_split)[0] if self.mapping.key_split else cell
        if self.mapping.key_form == "url-path":
            first = urlsplit(first).path.rsplit(".", 1)[0] if first.startswith(("http://", "https://")) else ""
        key = "-".join(part for part in re.split(r"[^\w]+", first) if part)
        if not key:
            self._fail(column, cell, "a value that names the row (its key)")
        self.consumed.add(column)
        return key

    def _wanted(self, record: Record) -> bool:
        if record.when is None:
            return True
        if record.when.match.fullmatch(self.row[record.when.column].strip()):
            self.consumed.add(record.when.column)
            return True
        return False

    def _record(self, record: Record, iri: ox.NamedNode, graph: ox.NamedNode, context: dict[str, str],
                made: dict[str, ox.NamedNode]) -> list[ox.Quad]:
        quads = [ox.Quad(iri, RDF_TYPE, ox.NamedNode(record.cls), graph), ox.Quad(iri, CG_SOURCE, graph, graph)]
        quads += self._label(record, iri, context, graph)
        if record.concerns:
            quads.append(ox.Quad(iri, CG_CONCERNS, made[record.concerns], graph))
        quads += [ox.Quad(iri, ox.NamedNode(p), ox.NamedNode(o), graph) for p, o in record.constants.items()]
        return quads

    def _label(self, record: Record, iri: ox.NamedNode, context: dict[str, str], graph: ox.NamedNode) -> list[ox.Quad]:
        if record.label is None:
            return []
        return [ox.Quad(iri, PREF_LABEL, _text(record.label, context), graph)]

    def _field(self, rule: Field, subject: ox.NamedNode, graph: ox.NamedNode, into: ox.NamedNode) -> list[ox.Quad]:
        cell = self.row[rule.column].strip()
        if not cell or (rule.match and not rule.match.fullmatch(cell)):
            return []
        quads = []
        for value in self._values(rule, cell):
            self.consumed.add(rule.column)
            for term in self._terms(rule, value, subject, graph):
                quads.append(term if isinstance(term, ox.Quad) else ox.Quad(subject, ox.NamedNode(rule.property), term, into))
        return quads

    def _values(self, rule: Field, cell: str) -> list[str]:
        parts = [p.strip() for p in cell.split(rule.split)] if rule.split else [cell]
        if rule.pattern is None:
            return [p for p in parts if p]
        found = (rule.pattern.search(p) for p in parts)
        return [m.group("value").strip() for m in found if m and m.group("value").strip()]

    def _terms(self, rule: Field, value: str, subject: ox.NamedNode, graph: ox.NamedNode) -> list[Made]:
        if rule.constant:
            return [ox.NamedNode(rule.constant)]
        if rule.values:
            if value not in rule.values:
                self._fail(rule.column, value, rule.rule())
            return [ox.NamedNode(rule.values[value])]
        if rule.node:
            return self._node(rule.node, value, graph)
        if rule.parse == "date":
            return self._date(rule, value, subject, graph)
        if rule.parse == "iri":
            return [self._iri(rule, value)]
        return [ox.Literal(value, language=rule.language) if rule.language else ox.Literal(value)]

    def _node(self, name: str, value: str, graph: ox.NamedNode) -> list[Made]:
        record = self.mapping.nodes[name]
        iri = ox.NamedNode(self._mint(record.iri, {**self.row, "value": value}))
        quads = self._record(record, iri, graph, {**self.row, "value": value}, {})
        return [iri, *quads]

    def _date(self, rule: Field, value: str, subject: ox.NamedNode, graph: ox.NamedNode) -> list[Made]:
        literal = parse_date(value)
        if literal is not None:
            return [literal]
        if rule.note is None:
            self._fail(rule.column, value, rule.rule())
        self.problems.append(Problem(self.line, rule.column, value, rule.rule(), "kept as a note"))
        return [ox.Quad(subject, CG_DATE_NOTE, _text(rule.note, {**self.row, "value": value}), graph)]

    def _iri(self, rule: Field, value: str) -> ox.NamedNode:
        if value.startswith(("http://", "https://")):
            try:
                return ox.NamedNode(value)
            except ValueError:
                pass
        self._fail(rule.column, value, rule.rule())

    def _mint(self, template: str, context: dict[str, str]) -> str:
        safe = {k: "".join(c if _IRI_SAFE.fullmatch(c) else quote(c, safe="") for c in v.strip()) for k, v in context.items()}
        return self.links.resolve(self.base + template.format_map(safe))

    def _check_consumed(self) -> None:
        for column in sorted(self.mapping.columns - self.consumed):
            if self.row.get(column, "").strip():
                self._fail(column, self.row[column].strip(), "a value one of the mapping's rules for this column accepts")

    def _fail(self, column: str, value: str, rule: str) -> NoReturn:
        raise _RowError(Problem(self.line, column, value, rule, "row left out"))


def _text(label: Label, context: dict[str, str]) -> ox.Literal:
    return ox.Literal(label.template.format_map(context).strip(), language=label.language)


_DATE_FORMS = ((re.compile(r"\d{4}"), "gYear"), (re.compile(r"\d{4}-(0[1-9]|1[0-2])"), "gYearMonth"),
               (re.compile(r"\d{4}-\d{2}-\d{2}"), "date"))


def parse_date(text: str) -> ox.Literal | None:
    """A date of year, month or day precision, typed by that precision; None if it is no such date."""
    for form, datatype in _DATE_FORMS:
        if form.fullmatch(text):
            if datatype == "date":
                try:
                    datetime.date.fromisoformat(text)
                except ValueError:
                    return None
            return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))
    return None

