"""Source files on disk: stable TriG relative to the base, replaced atomically and durably."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from graph.namespaces import ONTOLOGY_IRI, PREFIXES

# Written IRIs are made relative to this stand-in base, whose scheme no outside address shares: a
# relative reference against the real https base would turn https://elsewhere/ into //elsewhere/.
_STAND_IN = "casegraph:/"


def to_trig(quads: list[ox.Quad], base: str, header: str) -> bytes:
    """The quads as TriG in a stable order, the base's IRIs relative, so equal input gives equal bytes."""
    ordered = sorted({_rebased(q, base) for q in quads}, key=_order)
    body = ox.serialize(ordered, format=ox.RdfFormat.TRIG, prefixes=PREFIXES, base_iri=_STAND_IN) or b""
    declared = f"@base <{_STAND_IN}> .\n".encode()
    # The file must resolve against the configured base when read, so the stand-in's @base goes.
    if body.startswith(declared):
        body = body[len(declared):]
    return header.encode("utf-8") + body


def _order(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def _rebased(quad: ox.Quad, base: str) -> ox.Quad:
    def term(value: Any) -> Any:
        if isinstance(value, ox.NamedNode) and value.value.startswith(base) and not value.value.startswith(ONTOLOGY_IRI):
            return ox.NamedNode(_STAND_IN + value.value[len(base):])
        return value
    return ox.Quad(term(quad.subject), quad.predicate, term(quad.object), term(quad.graph_name))


def write_durably(path: Path, data: bytes) -> None:
    """Replace a file so that a crash leaves the old or the new bytes, never a mix: write, sync, rename, sync."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(path)
    _sync_directory(path.parent)


def remove_durably(path: Path) -> None:
    """Delete a file and make the deletion survive a crash."""
    path.unlink()
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def replace_with(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write a file under a temporary name beside it and rename it into place: a reader sees the old file or the new one.

    Not synced (see write_durably): for files that can be made again from the store.
    """
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".", suffix=".part", delete=False) as handle:
        try:
            write(handle)
        except BaseException:
            os.unlink(handle.name)
            raise
    os.replace(handle.name, path)
