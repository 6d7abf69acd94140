"""The rows of a table to import: CSV lines, or the objects of a JSON document read through paths such as a.b[0].c."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.errors import UsageError

Step = str | int


@lru_cache(maxsize=1024)
def parse_path(text: str) -> tuple[Step, ...]:
    """The steps of a path: names separated by dots, [n] for the n-th item of a list; ValueError says where it breaks."""
    steps: list[Step] = []
    name: list[str] = []
    position, after_index = 0, False
    while position < len(text):
        char = text[position]
        if char == ".":
            if not name and not after_index:
                raise ValueError(f"path {text!r}: a name is missing before the dot at character {position + 1}")
            if name:
                steps.append("".join(name))
            name, after_index = [], False
        elif char == "[":
            if name:
                steps.append("".join(name))
            close = text.find("]", position)
            inner = text[position + 1:close] if close != -1 else ""
            if not (inner.isascii() and inner.isdigit()):
                raise ValueError(f"path {text!r}: expected [n] with a whole number n at character {position + 1}")
            steps.append(int(inner))
            name, after_index, position = [], True, close
        elif after_index:
            raise ValueError(f"path {text!r}: expected . or [ after ] at character {position + 1}")
        else:
            name.append(char)
        position += 1
    if name:
        steps.append("".join(name))
    elif not after_index:
        raise ValueError(f"path {text!r}: ends without a name")
    return tuple(steps)


def _follow(value: Any, steps: tuple[Step, ...]) -> list[Any]:
    """Every value a path reaches: a name applies to each item of a list, a missing key reaches nothing."""
    current = [value]
    for step in steps:
        reached: list[Any] = []
        for item in current:
            if isinstance(step, int):
                if isinstance(item, list) and step < len(item):
                    reached.append(item[step])
            else:
                for one in item if isinstance(item, list) else [item]:
                    if isinstance(one, dict) and step in one:
                        reached.append(one[step])
        current = reached
    return current


def _leaves(values: list[Any]) -> Iterator[Any]:
    for value in values:
        if isinstance(value, list):
            yield from _leaves(value)
        elif value is not None:
            yield value


@dataclass
class Row:
    """One row: where it is (file, line or record number), and its cells by column name or JSON path."""

    file: Path
    line: int
    cells: dict[str, str] | None = None
    item: Any = None
    not_text: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_record(self) -> bool:
        """Whether the row is a CSV line or a JSON object (a JSON array may hold other things)."""
        return self.cells is not None or isinstance(self.item, dict)

    def values(self, column: str) -> list[str]:
        """The row's non-empty values for a column, trimmed: one for a CSV cell, any number for a JSON path."""
        if self.cells is not None:
            cell = self.cells.get(column, "").strip()
            return [cell] if cell else []
        found = []
        for leaf in _leaves(_follow(self.item, parse_path(column))):
            if isinstance(leaf, dict):
                self.not_text.append((column, json.dumps(leaf, ensure_ascii=False)[:200]))
                continue
            text = leaf if isinstance(leaf, str) else json.dumps(leaf)
            if text.strip():
                found.append(text.strip())
        return found

    def first(self, column: str) -> str:
        """The column's values joined by ", " (one value as it is), for templates."""
        return ", ".join(self.values(column))


def read_rows(path: Path, fmt: str, records: str = "") -> Iterator[Row]:
    """The rows of a CSV file (numbered by the line each starts on) or of a JSON array of objects (numbered from 1)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot be read as UTF-8 text: {error}") from None
    if fmt == "json":
        yield from _json_rows(path, text, records)
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    line = 2
    try:
        for row in reader:
            yield Row(path, line, cells={k: (v or "") for k, v in row.items() if k is not None})
            line = reader.line_num + 1
    except csv.Error as error:
        raise UsageError(f"{path}: line {reader.line_num}: not valid CSV: {error}") from None


def _json_rows(path: Path, text: str, records: str) -> Iterator[Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(f"{path}: is not valid JSON: {error}") from None
    if records:
        found = _follow(data, parse_path(records))
        data = found[0] if len(found) == 1 else None
    if not isinstance(data, list):
        where = f"at {records!r}" if records else "at the top"
        raise UsageError(f"{path}: must hold a JSON array of objects {where}, one per row")
    for number, item in enumerate(data, start=1):
        yield Row(path, number, item=item)
