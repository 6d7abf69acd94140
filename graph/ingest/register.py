"""The register of IRIs an import has minted: once written there, a record's IRI never changes and is never reused.

An IRI read from a name (person/gao-zhisheng) would move if the name were spelled differently, or
pass to another record when a second person of the same name arrived. So the first import that
mints a record's IRI writes it down against the row's key, and every later import reads it back.
A record may also keep the IRI it had before readable IRIs (its `former`): that one goes on
working as a redirect. A documenter may choose a record's IRI in the register before it is first
published; after that, entries are only ever added.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import UsageError
from graph.files import write_durably

COLUMNS = ("record", "key", "iri", "former")


@dataclass(frozen=True)
class Entry:
    """One record's IRI, relative to the base, and the IRI it had before ("" for none)."""

    record: str
    key: str
    iri: str
    former: str = ""


@dataclass
class Register:
    """The entries of one register file, and every IRI that no new record may take."""

    path: Path | None
    entries: dict[tuple[str, str], Entry] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)
    added: list[Entry] = field(default_factory=list)

    def get(self, record: str, key: str) -> Entry | None:
        """The entry of a row's record, if it has one."""
        return self.entries.get((record, key))

    def mint(self, record: str, key: str, wanted: str, former: str = "") -> Entry:
        """A new entry at the wanted IRI, or, when that is taken, the first of wanted-2, wanted-3… that is free."""
        return self.keep(Entry(record, key, first_free(wanted, self.taken.__contains__), former))

    def keep(self, entry: Entry) -> Entry:
        """Add an entry as it is (a record a documenter linked to one already in the graph)."""
        self.entries[entry.record, entry.key] = entry
        self.taken |= {entry.iri, entry.former} - {""}
        self.added.append(entry)
        return entry

    def write(self) -> None:
        """Write the register with the entries added, if any were."""
        if self.path is None or not self.added:
            return
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows((e.record, e.key, e.iri, e.former) for e in self.entries.values())
        write_durably(self.path, out.getvalue().encode())


def first_free(wanted: str, taken: Callable[[str], bool]) -> str:
    """The wanted IRI, or the first of wanted-2, wanted-3… that is not taken: the clash rule of every minted name."""
    iri, number = wanted, 1
    while taken(iri):
        number += 1
        iri = f"{wanted}-{number}"
    return iri


def read_register(path: Path | None, elsewhere: set[str]) -> Register:
    """The register at path (empty when there is none yet); `elsewhere` holds IRIs other sources use, which are taken."""
    register = Register(path, taken=set(elsewhere))
    if path is None or not path.is_file():
        return register
    try:
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UsageError(f"{path}: cannot be read as a CSV register: {error}") from None
    for line, row in enumerate(rows, start=2):
        if any(not row.get(column) for column in ("record", "key", "iri")):
            raise UsageError(f"{path}, line {line}: a register entry needs a record, a key and an IRI")
        entry = Entry(row["record"], row["key"], row["iri"], row.get("former") or "")
        if (entry.record, entry.key) in register.entries:
            raise UsageError(f"{path}, line {line}: a second entry for record {entry.record} of row {entry.key}")
        register.entries[entry.record, entry.key] = entry
        register.taken |= {entry.iri, entry.former} - {""}
    return register
