"""Import of tables (CSV, JSON) through a mapping: each row becomes its own source document."""

from __future__ import annotations

import json
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from graph.errors import UsageError
from graph.ingest.cellvalues import parse_date, parse_decimal, parse_integer, slug
from graph.ingest.mapping import NAME, Field, Label, Mapping, Record, split_placeholder
from graph.ingest.register import Entry, Register
from graph.ingest.tablerows import Row, read_rows
from graph.matching.links import Links
from graph.namespaces import CG_IRI, catalog_graph, local_name
from graph.search.names import romanised
from graph.store.sources import CG_SOURCE, PREF_LABEL, RDF_TYPE

LEFT_OUT = "row left out"
CELL_LEFT_OUT = "cell left out"
MappedTerm = ox.NamedNode | ox.Literal | ox.Quad  # a field's object, or a whole quad of a record it brings along
CG_CONCERNS = ox.NamedNode(CG_IRI + "concerns")
CG_DATE_NOTE = ox.NamedNode(CG_IRI + "dateNote")
OWL_SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
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
    file: str = ""


@dataclass
class Imported:
    """The outcome of mapping tables: the quads of every accepted row, every problem found, and how much came through."""

    rows: int = 0
    graphs: dict[str, tuple[str, int]] = field(default_factory=dict)
    quads: list[ox.Quad] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    cells: int = 0
    cells_ignored: int = 0
    cells_kept: dict[str, int] = field(default_factory=dict)  # by graph, so that a row the shapes refuse takes its cells

    @property
    def refused(self) -> list[tuple[str, int]]:
        """The rows left out, by file and line."""
        return sorted({(p.file, p.line) for p in self.problems if p.outcome == "row left out"})

    @property
    def cells_imported(self) -> int:
        """Cells the mapping reads that became facts of accepted rows."""
        return sum(self.cells_kept.get(graph, 0) for graph in self.graphs)


class _RowLeftOut(Exception):
    """The row cannot be mapped at all (no key, or not a record); its problems are already noted."""


def table_files(tables: list[Path], mapping: Mapping) -> list[Path]:
    """The tables to read: those named on the command line, else those the mapping names; UsageError for none."""
    files = tables or list(mapping.files)
    if not files:
        raise UsageError(f"{mapping.path}: no table given, and the mapping names none under [input] files")
    return files


def import_table(path: Path | list[Path], mapping: Mapping, base: str, links: Links,
                 progress: Callable[[int], None] | None = None, register: Register | None = None) -> Imported:
    """Map every row of one or more tables; rows with problems are left out and reported, the rest kept.

    Records whose IRIs the mapping keeps in a register take them from `register`, which gains the IRIs minted.
    """
    templates = _Templates(mapping, base, register or Register(None))
    result, keys = Imported(), dict[str, tuple[str, int]]()
    for table in [path] if isinstance(path, Path) else path:
        first = True
        for row in read_rows(table, mapping.format, mapping.json_records):
            if first and row.cells is not None:
                _check_columns(mapping, row.cells, table)  # every line of a CSV file has the header's columns
            first = False
            result.rows += 1
            mapper = _RowMapper(mapping, base, links, templates, row)
            quads, graph = mapper.quads(keys)
            result.problems.extend(mapper.problems)
            result.cells += len(mapper.present)
            result.cells_ignored += len((mapper.ignored - mapper.consumed) & mapper.present)
            if graph is not None:
                result.quads.extend(quads)
                result.graphs[graph] = (str(table), row.line)
                result.cells_kept[graph] = len((mapper.consumed - mapper.broken) & mapper.present)
            if progress:
                progress(1)
    return result


def _check_columns(mapping: Mapping, row: dict[str, str], path: Path) -> None:
    missing = sorted(mapping.columns - set(row))
    if missing:
        raise UsageError(f"{path}: the mapping reads columns the table does not have: {', '.join(missing)}")


class _Templates:
    """The catalog entry and shared records every row's graph repeats, parsed once."""

    def __init__(self, mapping: Mapping, base: str, register: Register) -> None:
        self.register = register
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
    """Maps one row: mints its IRIs, applies every field, and collects the row's quads and every problem it has."""

    def __init__(self, mapping: Mapping, base: str, links: Links, templates: _Templates, row: Row):
        self.mapping, self.base, self.links, self.templates, self.row = mapping, base, links, templates, row
        self.consumed: set[str] = set()
        self.ignored: set[str] = set()
        self.broken: set[str] = set()  # columns with a value left out on its own (on_error = "cell")
        self.problems: list[Problem] = []
        self.key = ""

    @property
    def present(self) -> set[str]:
        """The columns the mapping reads that hold a value in this row."""
        if not self.row.is_record:
            return set()
        return {column for column in self.mapping.columns if self.row.values(column)}

    def quads(self, keys: dict[str, tuple[str, int]]) -> tuple[list[ox.Quad], str | None]:
        """The row's quads and its graph's IRI, or no graph when the row is left out (its problems say why)."""
        if not self.row.is_record:
            value = json.dumps(self.row.item, ensure_ascii=False)[:200]
            self._fail("(record)", value, "a JSON object holding one record")
            return [], None
        self.key = self._key(keys)
        graph = ox.NamedNode(self._mint(self.mapping.source.iri))
        catalog = ox.NamedNode(catalog_graph(self.base))
        made = {"source": graph} | {name: ox.NamedNode(self._record_iri(name, r))
                                    for name, r in self.mapping.records.items() if self._wanted(r)}
        quads = self.templates.for_row(graph, catalog) + self._label(self.mapping.source, graph, catalog)
        quads += self._formerly(made, graph)
        for name, record in self.mapping.records.items():
            if name in made:
                quads += self._record(record, made[name], graph, {}, made)
        for rule in self.mapping.fields:
            if rule.record in made:
                quads += self._field(rule, made[rule.record], graph, catalog if rule.record == "source" else graph)
        self._check_consumed()
        for column, value in sorted(set(self.row.not_text)):
            self._fail(column, value, "text, a number, or a list of them (not an object)")
        if any(p.outcome == LEFT_OUT for p in self.problems):
            return [], None
        return quads, graph.value

    def _key(self, keys: dict[str, tuple[str, int]]) -> str:
        column = self.mapping.key_column
        cell = self.row.first(column)
        first = cell.split(self.mapping.key_split)[0] if self.mapping.key_split else cell
        if self.mapping.key_form == "url-path":
            first = urlsplit(first).path.rsplit(".", 1)[0] if first.startswith(("http://", "https://")) else ""
        key = "-".join(part for part in re.split(r"[^\w]+", first) if part)
        self.consumed.add(column)
        if not key:
            self._fail(column, cell, "a value that names the row (its key)")
        elif key in keys:
            file, line = keys[key]
            elsewhere = "" if file == str(self.row.file) else f" of {Path(file).name}"
            self._fail(column, cell, f"a key not used before (row {line}{elsewhere} has {key})")
        else:
            keys[key] = (str(self.row.file), self.row.line)
        return key

    def _record_iri(self, name: str, record: Record) -> str:
        """A record's IRI: from the register, else minted (from its name, clear of every IRI taken) and registered."""
        if not record.registered:
            return self._mint(record.iri)
        register = self.templates.register
        entry = register.get(name, self.key)
        if entry is None:
            former = self._render(record.former, {}, _encode) if record.former else ""
            linked = self.links.resolve(self.base + former).removeprefix(self.base) if former else former
            if linked != former:  # a documenter confirmed the row to be a record already in the graph
                entry = register.keep(Entry(name, self.key, linked, former))
            else:
                named = self._name(record)
                if not named:
                    self._fail(record.iri, "", f"a name to make the IRI from ({', '.join(map(local_name, record.named_by))})")
                    return self.base + ROW_PLACEHOLDER
                wanted = self._render(record.iri, {NAME: romanised(named)}, _encode)
                entry = register.mint(name, self.key, wanted, former)
        return self.links.resolve(self.base + entry.iri)

    def _name(self, record: Record) -> str:
        """The first value the row gives one of the properties naming the record, as its fields read it."""
        for prop in record.named_by:
            for rule in self.mapping.fields:
                if rule.record != record.name or rule.property != prop:
                    continue
                for cell in self.row.values(rule.column):
                    if not self.mapping.ignored(rule, cell) and not (rule.match and not rule.match.fullmatch(cell)):
                        for value in self._values(rule, cell):
                            return value
        return ""

    def _formerly(self, made: dict[str, ox.NamedNode], graph: ox.NamedNode) -> list[ox.Quad]:
        """owl:sameAs from each registered record to the IRI it had before, so that the old IRI keeps its meaning."""
        quads = []
        for name, iri in made.items():
            entry = self.templates.register.get(name, self.key)
            if entry is not None and entry.former and self.base + entry.former != iri.value:
                quads.append(ox.Quad(iri, OWL_SAME_AS, ox.NamedNode(self.base + entry.former), graph))
        return quads

    def _wanted(self, record: Record) -> bool:
        if record.when is None:
            return True
        every = self.row.values(record.when.column)
        values = [v for v in every if not self.mapping.ignored(None, v)]
        if len(values) < len(every):
            self.ignored.add(record.when.column)
        match = record.when.match
        if any(match is None or match.fullmatch(v) for v in values):
            self.consumed.add(record.when.column)
            return True
        if values and record.when.otherwise_ignored:
            self.ignored.add(record.when.column)
        return False

    def _record(self, record: Record, iri: ox.NamedNode, graph: ox.NamedNode, extra: dict[str, str],
                made: dict[str, ox.NamedNode]) -> list[ox.Quad]:
        quads = [ox.Quad(iri, RDF_TYPE, ox.NamedNode(record.cls), graph), ox.Quad(iri, CG_SOURCE, graph, graph)]
        quads += self._label(record, iri, graph, extra)
        if record.concerns:
            quads.append(ox.Quad(iri, CG_CONCERNS, made[record.concerns], graph))
        quads += [ox.Quad(iri, ox.NamedNode(p), made[name], graph) for p, name in record.links.items() if name in made]
        quads += [ox.Quad(iri, ox.NamedNode(p), ox.NamedNode(o), graph) for p, o in record.constants.items()]
        return quads

    def _label(self, record: Record, iri: ox.NamedNode, graph: ox.NamedNode,
               extra: dict[str, str] | None = None) -> list[ox.Quad]:
        if record.label is None:
            return []
        return [ox.Quad(iri, PREF_LABEL, self._text(record.label, extra or {}), graph)]

    def _field(self, rule: Field, subject: ox.NamedNode, graph: ox.NamedNode, into: ox.NamedNode) -> list[ox.Quad]:
        quads = []
        for cell in self.row.values(rule.column):
            if self.mapping.ignored(rule, cell):
                self.ignored.add(rule.column)
                continue
            if rule.match and not rule.match.fullmatch(cell):
                continue
            for value in self._values(rule, cell):
                if self.mapping.ignored(rule, value):
                    self.ignored.add(rule.column)
                    continue
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

    def _terms(self, rule: Field, value: str, subject: ox.NamedNode, graph: ox.NamedNode) -> list[MappedTerm]:
        if rule.constant:
            return [ox.NamedNode(rule.constant)]
        if rule.values:
            if value not in rule.values:
                return self._broken(rule, value)
            return [ox.NamedNode(rule.values[value])]
        if rule.node:
            return self._node(rule.node, value, graph)
        if rule.parse == "date":
            return self._date(rule, value, subject, graph)
        if rule.parse in _NUMBERS:
            return self._checked(rule, value, _NUMBERS[rule.parse](value))
        if rule.parse == "iri":
            return self._checked(rule, value, self._iri(value))
        return [ox.Literal(value, language=rule.language) if rule.language else ox.Literal(value)]

    def _checked(self, rule: Field, value: str, term: MappedTerm | None) -> list[MappedTerm]:
        return [term] if term is not None else self._broken(rule, value)

    def _node(self, name: str, value: str, graph: ox.NamedNode) -> list[MappedTerm]:
        record = self.mapping.nodes[name]
        iri = ox.NamedNode(self._mint(record.iri, {"value": value}))
        quads = self._record(record, iri, graph, {"value": value}, {})
        return [iri, *quads]

    def _date(self, rule: Field, value: str, subject: ox.NamedNode, graph: ox.NamedNode) -> list[MappedTerm]:
        literal = parse_date(value, rule.formats, rule.years)
        if literal is not None:
            return [literal]
        if rule.note is None:
            return self._broken(rule, value)
        self.problems.append(Problem(self.row.line, rule.column, value, rule.rule(), "kept as a note", str(self.row.file)))
        return [ox.Quad(subject, CG_DATE_NOTE, self._text(rule.note, {"value": value}), graph)]

    @staticmethod
    def _iri(value: str) -> ox.NamedNode | None:
        if value.startswith(("http://", "https://")):
            try:
                return ox.NamedNode(value)
            except ValueError:
                return None
        return None

    def _mint(self, template: str, extra: dict[str, str] | None = None) -> str:
        return self.links.resolve(self.base + self._render(template, extra or {}, _encode))

    def _text(self, label: Label, extra: dict[str, str]) -> ox.Literal:
        return ox.Literal(self._render(label.template, extra, lambda text: text).strip(), language=label.language)

    def _render(self, template: str, extra: dict[str, str], encode: Callable[[str], str]) -> str:
        """The template with each {column} or {column|filter} replaced by the row's value (its key, or the node's value)."""
        out = []
        for literal, name, _, _ in string.Formatter().parse(template):
            out.append(literal)
            if name is None:
                continue
            column, apply = split_placeholder(name)
            text = extra.get(column, self.key if column == "key" else self.row.first(column)).strip()
            if column not in extra and column not in ("key", NAME):
                self.consumed.add(column)  # a value written into an IRI or a label has come through
            if apply == "slug":
                made = slug(text)
                if text and not made:
                    self._fail(column, text, "a value with letters or digits to make a slug from")
                text = made
            out.append(encode(text))
        return "".join(out)

    def _check_consumed(self) -> None:
        for column in sorted(self.mapping.columns - self.consumed - self.ignored):
            values = self.row.values(column)
            for value in values:
                self._fail(column, value, "a value one of the mapping's rules for this column accepts")

    def _broken(self, rule: Field, value: str) -> list[MappedTerm]:
        """A value that breaks its field's rule: the row is left out, or only the cell when the field says so."""
        if rule.cell_only:
            self.problems.append(Problem(self.row.line, rule.column, value, rule.rule(), CELL_LEFT_OUT, str(self.row.file)))
            self.broken.add(rule.column)
        else:
            self._fail(rule.column, value, rule.rule())
        return []

    def _fail(self, column: str, value: str, rule: str) -> None:
        self.problems.append(Problem(self.row.line, column, value, rule, LEFT_OUT, str(self.row.file)))


def _encode(text: str) -> str:
    return "".join(c if _IRI_SAFE.fullmatch(c) else quote(c, safe="") for c in text)


_NUMBERS: dict[str, Callable[[str], ox.Literal | None]] = {"integer": parse_integer, "decimal": parse_decimal}
