"""IRIs in normal form: a record's IRI must be the one every reader resolves it to (RFC 3986, section 6.2.2)."""

from __future__ import annotations

import string
from urllib.parse import urlsplit

# What relative IRIs in the data resolve against unless CASEGRAPH_BASE says otherwise; here, not in settings.py, so
# that a query worker can open a store without importing pydantic.
DEFAULT_BASE = "https://w3id.org/casegraph/"
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_HEX = frozenset(string.hexdigits)


class BadEscape(ValueError):
    """A percent sign not followed by two hexadecimal digits."""


def not_normal(iri: str) -> str | None:
    """Why the IRI is not in normal form, naming the IRI it stands for; None if it is."""
    if "%" not in iri and "/." not in iri:
        return None  # no escape and no segment starting with a dot: nothing that normalising changes
    try:
        parts = urlsplit(iri)
        normal = parts._replace(path=_without_dot_segments(_normal_escapes(parts.path)), query=_normal_escapes(parts.query),
                                fragment=_normal_escapes(parts.fragment))
    except BadEscape as error:
        return f"{iri} has a broken percent-escape ({error})"
    except ValueError as error:
        return f"{iri} is not a valid IRI ({error})"
    if normal != parts:
        return f"{iri} is not in normal form: it stands for {normal.geturl()}; write that instead"
    return None


def _normal_escapes(text: str) -> str:
    """Percent-escapes of unreserved characters decoded, the others upper-cased (RFC 3986, 6.2.2.1 and 6.2.2.2)."""
    first, *escaped = text.split("%")
    pieces = [first]
    for piece in escaped:
        digits = piece[:2]
        if len(digits) < 2 or not set(digits) <= _HEX:
            raise BadEscape(f"%{digits}")
        character = chr(int(digits, 16))
        pieces.append((character if character in _UNRESERVED else "%" + digits.upper()) + piece[2:])
    return "".join(pieces)


def _without_dot_segments(path: str) -> str:
    """RFC 3986's remove_dot_segments, segment by segment, for the absolute path of an absolute IRI."""
    segments = path.split("/")
    kept: list[str] = []
    for position, segment in enumerate(segments):
        if segment in (".", ".."):
            if segment == ".." and len(kept) > 1:
                kept.pop()
            if position == len(segments) - 1:
                kept.append("")  # a path ending in a dot segment keeps its final slash
        else:
            kept.append(segment)
    return "/".join(kept)
