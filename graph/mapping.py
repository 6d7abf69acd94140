"""Mapping files: a declarative TOML description of how the rows of a table become records."""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from casegraph.errors import UsageError
from casegraph.namespaces import PREFIXES

PARSERS = ("text", "date", "iri")
FORMS = ("as-is", "url-path")


@dataclass(frozen=True)
class Label:
    """A label made from a template, in one language."""

    template: str
    language: str


@dataclass(frozen=True)
class When:
    """A condition on one cell: the record exists only for rows whose cell matches."""

    column: str
    match: re.Pattern[str]


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

    def rule(self) -> str:
        """The rule in words, for the report."""
        if self.values:
            return f"{self.column} must be one of {', '.join(sorted(self.values))}"
        if self.parse == "date":
            return "a date written YYYY, YYYY-MM or YYYY-MM-DD, and one that exists"
        if self.parse == "iri":
            return "an absolute http(s) address"
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

    @cached_property
    def columns(self) -> frozenset[str]:
        """Every column the mapping reads."""
        named = {f.column for f in self.fields} | {self.key_column}
        named |= {r.when.column for r in self.records.values() if r.when}
        for record in [self.source, *self.records.values()]:
            named |= _placeholders(record.iri) | (_placeholders(record.label.template) if record.label else set())
        return frozenset(named - {"key", "value"})


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
    except (KeyError, TypeError, ValueError, re.error) as error:
        raise UsageError(f"{path}: {_say(error)}") from None


def _say(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"missing setting {error.args[0]!r}"
    return str(error)


def _mapping(path: Path, data: dict[str, Any]) -> Mapping:
    source = _record("source", data["source"])
    records = {name: _record(name, spec) for name, spec in data.get("records", {}).items()}
    nodes = {name: _record(name, spec) for name, spec in data.get("nodes", {}).items()}
    fields = [_field(spec, {"source", *records}, set(nodes)) for spec in data["fields"]]
    for record in records.values():
        if record.concerns and record.concerns not in records:
            raise ValueError(f"record {record.name} concerns {record.concerns!r}, which is not a record")
    key = data["key"]
    form = key.get("form", "as-is")
    if form not in FORMS:
        raise ValueError(f"key form must be one of {', '.join(FORMS)}, not {form!r}")
    fmt = data.get("input", {}).get("format", "csv")
    if fmt not in ("csv", "json"):
        raise ValueError(f"input format must be csv or json, not {fmt!r}")
    shared = data["source"].get("shared")
    return Mapping(path, str(data["name"]), fmt, key["column"], key.get("split", ""), form, source,
                   path.parent / data["source"]["catalog"], path.parent / shared if shared else None, records, nodes, fields)


def _record(name: str, spec: dict[str, Any]) -> Record:
    when = spec.get("when")
    return Record(
        name=name, iri=spec["iri"], cls=_curie(spec["class"]) if "class" in spec else "",
        label=_label(spec["label"]) if "label" in spec else None, concerns=spec.get("concerns", ""),
        when=When(when["column"], re.compile(when["match"])) if when else None,
        constants={_curie(k): _curie(v) for k, v in spec.get("constants", {}).items()},
    )


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
    return Field(
        record=spec["record"], column=spec["column"], property=_curie(spec["property"]), parse=parse,
        language=spec.get("language", ""), split=spec.get("split", ""),
        pattern=re.compile(spec["pattern"]) if "pattern" in spec else None,
        match=re.compile(spec["match"]) if "match" in spec else None,
        values={k: _curie(v) for k, v in spec.get("values", {}).items()},
        constant=_curie(spec["constant"]) if "constant" in spec else "", node=spec.get("node", ""),
        note=_label(spec["invalid"]) if "invalid" in spec else None,
    )


def _curie(text: str) -> str:
    """Expand prefix:local with the project's prefixes; anything else must be an absolute IRI."""
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES:
        return PREFIXES[prefix] + local
    if text.startswith(("http://", "https://")):
        return text
    raise ValueError(f"{text!r} is neither a known prefixed name ({', '.join(sorted(PREFIXES))}) nor an absolute IRI")


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
