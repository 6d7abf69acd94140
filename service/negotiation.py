"""HTTP content negotiation: the Accept header, q-values included (RFC 9110, section 12.5.1)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    quality: float

    def matches(self, media_type: str) -> bool:
        """Whether this range covers the media type."""
        kind, _, sub = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)

    @property
    def specificity(self) -> int:
        """More specific ranges win over wildcards."""
        return (self.type != "*") + (self.subtype != "*")


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; an absent or empty header accepts anything."""
    ranges = []
    for part in (header or "*/*").split(","):
        fields = [f.strip() for f in part.split(";")]
        kind, _, sub = fields[0].lower().partition("/")
        if not kind or not sub:
            continue
        quality = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append(MediaRange(kind, sub, quality))
    return ranges or [MediaRange("*", "*", 1.0)]


def _quality(ranges: list[MediaRange], media_type: str) -> float | None:
    """The quality the most specific matching range gives the media type; None when no range names it."""
    matching = [r for r in ranges if r.matches(media_type)]
    return max(matching, key=lambda r: r.specificity).quality if matching else None


def choose(header: str | None, offered: list[str]) -> str | None:
    """The offered media type the client prefers most, earlier offers breaking ties; None if none is acceptable."""
    ranges = parse_accept(header)
    best: float = 0.0
    chosen = None
    for media_type in offered:
        quality = _quality(ranges, media_type)
        if quality is not None and quality > best:
            best, chosen = quality, media_type
    return chosen


VARY = {"Vary": "Accept"}  # on every answer chosen by Accept, so that shared caches keep one per media type


def html_or_json(header: str | None, format: str | None) -> str:
    """"json" or "html": the ?format= parameter if given, else the Accept header (HTML where both are equal)."""
    return format or ("json" if choose(header, ["text/html", "application/json"]) == "application/json" else "html")


def negotiate(header: str | None, offered: list[str]) -> str:
    """The offered media type the client prefers; where it accepts none, the first it does not refuse outright.

    The first offered is the route's default, what `Accept: */*` gets. Answering in it rather than
    with 406, as RFC 9110 allows and Jena Fuseki does, serves clients whose Accept header names
    only the formats of another kind of answer (roqet asks a CONSTRUCT for SPARQL XML results).
    A format the client gave q=0 is passed over while another is left.
    """
    chosen = choose(header, offered)
    if chosen is not None:
        return chosen
    ranges = parse_accept(header)
    return next((m for m in offered if _quality(ranges, m) is None), offered[0])
