"""The identity of what a store holds, which a write updates from the one source it changes.

A store's content digest is a sum, modulo 2**256, of a digest for each edition, for the base and
the ontology, and for each source file's part in that store. A sum lets a write take one file's
part out and put its new part in without reading the other files. A file's part in the full store
is its bytes; in the public store it is its bytes too unless it holds restricted sources, and then
only its public statements. So the public store's digest, and the ETags and dates made from it,
change with public content alone, never with a restricted source.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from graph.store.sources import SourceFile, public_quads, restricted

MODULUS = 1 << 256
PUBLIC, FULL = "public", "full"


def _number(*parts: bytes) -> int:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return int.from_bytes(digest.digest(), "big")


def initial(edition: str, base: str, ontology: Iterable[Path]) -> int:
    """The digest of a store holding no source: its edition, base and ontology files."""
    return (_number(b"edition", edition.encode()) + _number(b"base", base.encode(),
                                                             *(path.read_bytes() for path in ontology))) % MODULUS


def relabelled(content: str, before: str, after: str) -> str:
    """A content digest carried from one edition to another, as when a full store starts from the public one."""
    return _text(int(content, 16) - _number(b"edition", before.encode()) + _number(b"edition", after.encode()))


def part(source: SourceFile, edition: str) -> int:
    """A source file's part in a store of this edition."""
    if edition == FULL or not restricted(source):
        return _number(b"file", source.digest)
    # Blank nodes are left out of the statement's text: a fresh parse names anonymous ones afresh.
    lines = sorted({" ".join("_:" if isinstance(t, ox.BlankNode) else str(t) for t in q) for q in public_quads(source)})
    return _number(b"statements", *(line.encode() for line in lines)) if lines else 0  # all restricted: no part at all


def added(content: int | str, sources: Iterable[SourceFile], edition: str) -> str:
    """The content digest once the parts of these sources are put in."""
    total = content if isinstance(content, int) else int(content, 16)
    return _text(total + sum(part(s, edition) for s in sources))


def removed(content: str, sources: Iterable[SourceFile], edition: str) -> str:
    """The content digest once the parts of these sources are taken out."""
    return _text(int(content, 16) - sum(part(s, edition) for s in sources))


def _text(total: int) -> str:
    return f"{total % MODULUS:064x}"
