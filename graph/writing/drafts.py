"""Changes waiting for a second writer: drafts of source documents and proposed withdrawals, kept durably on disk.

Nothing here is in any store: a pending change is a JSON file of its own until another writer
than the one who made it confirms it, and only then does it go through the write path.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from graph.errors import CasegraphError, NotFound
from graph.files import remove_durably, write_durably


class NeedsSecondWriter(CasegraphError):
    """The change must be confirmed by another writer than the one who made it."""


@dataclass(frozen=True)
class Pending:
    """One change waiting for a second writer: a draft (with its document) or a proposed withdrawal (without)."""

    name: str  # the source's name, after source/
    source: str  # the source's IRI
    by: str  # the writer who drafted or proposed it
    at: str  # when, ISO 8601 in UTC
    sha256: str  # of the draft's document, or of the source file as it was when its withdrawal was proposed
    document: str | None = None  # the draft as the TriG file it would be kept as

    def confirmed_by(self, who: str, verb: str) -> None:
        """Refuse the writer who made the change: four eyes means a second writer confirms it."""
        if who == self.by:
            raise NeedsSecondWriter(f"{self.by} made this change to {self.source}; another writer must {verb} it")


def digest(data: bytes) -> str:
    """The SHA-256 of some bytes, as the audit log writes it."""
    return hashlib.sha256(data).hexdigest()


def now() -> str:
    """The current time as the pending changes record it."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Shelf:
    """A directory of pending changes of one kind, one JSON file per source, each replaced atomically and synced."""

    def __init__(self, directory: Path, kind: str) -> None:
        self.directory, self.kind = directory, kind

    def _path(self, name: str) -> Path:
        return self.directory / f"{name}.json"

    def get(self, name: str) -> Pending | None:
        """The pending change to a source, if any."""
        path = self._path(name)
        return Pending(**json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else None

    def find(self, name: str) -> Pending:
        """The pending change to a source; NotFound when there is none."""
        found = self.get(name)
        if found is None:
            raise NotFound(f"there is no {self.kind} of source/{name}")
        return found

    def all(self) -> list[Pending]:
        """Every pending change, by source name."""
        paths = sorted(self.directory.glob("*.json")) if self.directory.is_dir() else []
        return [Pending(**json.loads(path.read_text(encoding="utf-8"))) for path in paths]

    def put(self, pending: Pending) -> None:
        """Keep a change durably: once this returns, a crash does not lose it."""
        write_durably(self._path(pending.name), json.dumps(asdict(pending), ensure_ascii=False, indent=1).encode())

    def remove(self, name: str) -> None:
        """Take a change off the shelf, durably."""
        if self._path(name).is_file():
            remove_durably(self._path(name))
