"""Mapping files: a declarative TOML description of how the rows of a table become records."""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any, TypeVar

from graph.errors import UsageError
from graph.ingest.cellvalues import DateFormat, date_format
from graph.ingest.tablerows import parse_path
from graph.namespaces import PREFIXES

_T = TypeVar("_T")
PARSERS = ("text", "date", "iri", "integer", "decimal")
FORMS = ("as-is", "url-path")
FILTERS = ("slug",)
NAME = "@name"  # the placeholder for a record's name, in Latin letters (graph.search.names.romanised)


@dataclass(frozen=True)
class Label:
    """A label made from a template, in one language."""

    template: str
    language: str


@dataclass(frozen=True)
class When:
    """A condition on one cell: the record exists only for rows whose cell matches."""

    column: str
    match: re.Pattern[str] | None = None
    otherwise_ignored: bool = False  # otherwise = "ignore": a value that does not match is read, and makes no record


@dataclass(frozen=True)
class Record:
    """A record each row may make: its IRI template, class, label and link to the row's person."""

    name: str
    iri: str
    cls: str = ""
    label: Label | None = None
    concerns: str = ""
    when: When | None = None
    constants: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    named_by: tuple[str, ...] = ()  # the properties whose first value {@name} stands for, in order of preference
    former: str = ""  # the IRI template the record was minted from before; such IRIs redirect to the new ones

    @property
    def registered(self) -> bool:
        """Whether the record's IRI is kept in the register: one read from its name, or one that replaced another."""
        return NAME in placeholders(self.iri) or bool(self.former)


@dataclass(frozen=True)
class Field:
    """One rule: which column, read how, becomes which property of which record."""

    record: str
    column: str
    property: str
    parse: str = "text"
    language: str = ""
    split: str = ""
    pattern: re.Pattern[str] | None = None
    match: re.Pattern[str] | None = None
    values: dict[str, str] = field(default_factory=dict)
    constant: str = ""
    node: str = ""
    note: Label | None = None
    ignore: frozenset[str] | None = None
    formats: tuple[DateFormat, ...] = ()
    years: tuple[int, int] | None = None
    cell_only: bool = False  # on_error = "cell": a value breaking the rule leaves out that cell, not the row

    def rule(self) -> str:
        """The rule in words, for the report."""
        if self.values:
            return f"{self.column} must be one of {', '.join(sorted(self.values))}"
        if self.parse == "date":
            declared = "".join(f", or {f.text}" for f in self.formats)
            return f"a date written YYYY, YYYY-MM or YYYY-MM-DD{declared}, and one that exists"
        if self.parse == "iri":
            return "an absolute http(s) address"
        if self.parse == "integer":
            return "a whole number (xsd:integer)"
        if self.parse == "decimal":
            return "a decimal number (xsd:decimal)"
        return f"{self.property} from {self.column}"


@dataclass(frozen=True)
class Mapping:
    """A whole mapping: input format, row key, the source each row is attributed to, records and fields."""

    path: Path
    name: str
    format: str
    key_column: str
    key_split: str
    key_form: str
    source: Record
    catalog: Path
    shared: Path | None
    records: dict[str, Record]
    nodes: dict[str, Record]
    fields: list[Field]
    files: tuple[Path, ...] = ()
    json_records: str = ""
    ignore: frozenset[str] = frozenset()
    register: Path | None = None

    @cached_property
    def columns(self) -> frozenset[str]:
        """Every column the mapping reads."""
        named = {f.column for f in self.fields} | {self.key_column}
        named |= {r.when.column for r in self.records.values() if r.when}
        for record in [self.source, *self.records.values()]:
            named |= placeholders(record.iri) | placeholders(record.former)
            named |= placeholders(record.label.template) if record.label else set()
        return frozenset(named - {"key", "value", NAME})

    def ignored(self, rule: Field | None, value: str) -> bool:
        """Whether a value stands for no value at all ("Unknown", "N/A"), by the field's list or else the mapping's."""
        listed = self.ignore if rule is None or rule.ignore is None else rule.ignore
        return value.casefold() in listed


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; UsageError names the file and what is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot be read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: is not valid TOML: {error}") from None
    try:
        return _mapping(path, data)
    except _Misplaced as error:
        raise UsageError(f"{path}: [{error.place}]: {_say(error.error)}") from None
    except (KeyError, TypeError, ValueError, AttributeError, re.error) as error:
        raise UsageError(f"{path}: {_say(error)}") from None


class _Misplaced(Exception):
    """A mistake inside one table of the mapping, with the table's name."""

    def __init__(self, place: str, error: Exception) -> None:
        super().__init__(place)
        self.place, self.error = place, error


_MISTAKES = (KeyError, TypeError, ValueError, AttributeError, re.error)


def _say(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"missing setting {error.args[0]!r}"
    if isinstance(error, AttributeError | TypeError):
        return f"a setting has the wrong kind of value ({error})"
    return str(error)


def _mapping(path: Path, data: dict[str, Any]) -> Mapping:
    source = _at("source", lambda: _record("source", data["source"]))
    records = {name: _at(f"records.{name}", partial(_record, name, spec)) for name, spec in _table(data, "records").items()}
    nodes = {name: _at(f"nodes.{name}", partial(_record, name, spec)) for name, spec in _table(data, "nodes").items()}
    fields = [_at(f"fields #{number}", partial(_field, spec, {"source", *records}, set(nodes)))
              for number, spec in enumerate(data.get("fields", []), start=1)]
    for record in records.values():
        for target in filter(None, [record.concerns, *record.links.values()]):
            if target not in records:
                raise _Misplaced(f"records.{record.name}", ValueError(f"links to {target!r}, which is not under [records]"))
    key = _table(data, "key")
    form = key.get("form", "as-is")
    if form not in FORMS:
        raise _Misplaced("key", ValueError(f"form must be one of {', '.join(FORMS)}, not {form!r}"))
    fmt, files, records_path, ignore = _at("input", lambda: _input(path, _table(data, "input")))
    shared = data["source"].get("shared")
    key_column = _at("key", lambda: str(key["column"]))
    source_spec = data["source"]
    catalog = _at("source", lambda: path.parent / str(source_spec["catalog"]))
    register = _table(data, "iris").get("register")
    mapping = Mapping(path, str(data["name"]), fmt, key_column, key.get("split", ""), form, source,
                      catalog, path.parent / shared if shared else None, records, nodes,
                      fields, files, records_path, ignore, path.parent / str(register) if register else None)
    for record in records.values():
        if record.registered and mapping.register is None:
            raise _Misplaced(f"records.{record.name}", ValueError(
                "an IRI read from a name, or a former IRI, needs a register: [iris] register = \"iris.csv\""))
        if NAME in placeholders(record.iri) and not record.named_by:
            raise _Misplaced(f"records.{record.name}", ValueError(f"{{{NAME}}} needs name = [the properties naming it]"))
    if fmt == "json":
        for column in mapping.columns:
            _at("input", partial(parse_path, column))
    return mapping


def _at(place: str, make: Callable[[], _T]) -> _T:
    try:
        return make()
    except _MISTAKES as error:
        raise _Misplaced(place, error) from None


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise _Misplaced(name, TypeError(f"{name} must be a table"))
    return table


def _input(path: Path, spec: dict[str, Any]) -> tuple[str, tuple[Path, ...], str, frozenset[str]]:
    fmt = spec.get("format", "csv")
    if fmt not in ("csv", "json"):
        raise ValueError(f"format must be csv or json, not {fmt!r}")
    records = str(spec.get("records", ""))
    if records and fmt != "json":
        raise ValueError("records (the path to the array of records) applies to JSON input only")
    if records:
        parse_path(records)
    files = tuple(path.parent / str(name) for name in _strings(spec, "files"))
    return fmt, files, records, _ignore(spec) or frozenset()


def _strings(spec: dict[str, Any], name: str) -> list[str]:
    value = spec.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{name} must be a list of strings")
    return value


def _ignore(spec: dict[str, Any]) -> frozenset[str] | None:
    return frozenset(v.strip().casefold() for v in _strings(spec, "ignore")) if "ignore" in spec else None


def _record(name: str, spec: dict[str, Any]) -> Record:
    when = spec.get("when")
    for template in (spec["iri"], spec.get("former", ""),
                     *([spec["label"]["template"]] if "label" in spec and "template" in spec["label"] else [])):
        placeholders(template)
    return Record(
        name=name, iri=spec["iri"], cls=_curie(spec["class"]) if "class" in spec else "",
        label=_label(spec["label"]) if "label" in spec else None, concerns=spec.get("concerns", ""),
        when=_when(when) if when else None,
        constants={_curie(k): _curie(v) for k, v in spec.get("constants", {}).items()},
        links={_curie(k): str(v) for k, v in spec.get("links", {}).items()},
        named_by=tuple(_curie(p) for p in _strings(spec, "name")), former=str(spec.get("former", "")),
    )


def _when(spec: dict[str, Any]) -> When:
    otherwise = spec.get("otherwise", "report")
    if otherwise not in ("report", "ignore"):
        raise ValueError(f"when: otherwise must be \"report\" or \"ignore\", not {otherwise!r}")
    return When(spec["column"], re.compile(spec["match"]) if "match" in spec else None, otherwise == "ignore")


def _label(spec: dict[str, str]) -> Label:
    return Label(spec.get("template", spec.get("note", "")), spec["language"])


def _field(spec: dict[str, Any], records: set[str], nodes: set[str]) -> Field:
    if spec["record"] not in records:
        known = ", ".join(sorted(records))
        raise ValueError(f"field on {spec.get('column')!r} names record {spec['record']!r}; records are {known}")
    if spec.get("node") and spec["node"] not in nodes:
        raise ValueError(f"field on {spec['column']!r} names node {spec['node']!r}, which is not under [nodes]")
    parse = spec.get("parse", "text")
    if parse not in PARSERS:
        raise ValueError(f"field on {spec['column']!r}: parse must be one of {', '.join(PARSERS)}, not {parse!r}")
    formats = tuple(date_format(text) for text in _strings(spec, "formats"))
    if formats and parse != "date":
        raise ValueError(f"field on {spec['column']!r}: formats apply to parse = \"date\" only")
    years = _years(spec, any(f.two_digit_year for f in formats))
    return Field(
        record=spec["record"], column=spec["column"], property=_curie(spec["property"]), parse=parse,
        language=spec.get("language", ""), split=spec.get("split", ""),
        pattern=re.compile(spec["pattern"]) if "pattern" in spec else None,
        match=re.compile(spec["match"]) if "match" in spec else None,
        values={k: _curie(v) for k, v in spec.get("values", {}).items()},
        constant=_curie(spec["constant"]) if "constant" in spec else "", node=spec.get("node", ""),
        note=_label(spec["invalid"]) if "invalid" in spec else None,
        ignore=_ignore(spec), formats=formats, years=years, cell_only=_on_error(spec) == "cell",
    )


def _on_error(spec: dict[str, Any]) -> str:
    choice = str(spec.get("on_error", "row"))
    if choice not in ("row", "cell"):
        raise ValueError(f"field on {spec['column']!r}: on_error must be \"row\" or \"cell\", not {choice!r}")
    return choice


def _years(spec: dict[str, Any], needed: bool) -> tuple[int, int] | None:
    """The window of 100 years a two-digit year is read into; a %y format without one is refused, never guessed."""
    window = spec.get("years")
    if window is None:
        if needed:
            raise ValueError(f"field on {spec['column']!r}: a format with %y needs years = [first, last], "
                             "the 100 years a two-digit year may stand for")
        return None
    if not (isinstance(window, list) and len(window) == 2 and all(isinstance(y, int) for y in window)
            and window[1] - window[0] == 99):
        raise ValueError(f"field on {spec['column']!r}: years must be [first, last], 100 years apart such as [1930, 2029]")
    return window[0], window[1]


def _curie(text: str) -> str:
    """Expand prefix:local with the project's prefixes; anything else must be an absolute IRI."""
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES:
        return PREFIXES[prefix] + local
    if text.startswith(("http://", "https://")):
        return text
    raise ValueError(f"{text!r} is neither a known prefixed name ({', '.join(sorted(PREFIXES))}) nor an absolute IRI")


def placeholders(template: str) -> set[str]:
    """The columns a template names, without their filters ({Name|slug} names Name)."""
    return {split_placeholder(name)[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def split_placeholder(text: str) -> tuple[str, str]:
    """A placeholder's column and its filter ("" or one of FILTERS); ValueError for an unknown filter."""
    column, _, name = text.partition("|")
    if name and name not in FILTERS:
        raise ValueError(f"unknown filter |{name} in {{{text}}}; filters are {', '.join('|' + f for f in FILTERS)}")
    return column, name
