"""HTTP content negotiation: the Accept header, q-values included (RFC 9110, section 12.5.1)."""

from __future__ import annotations

from dataclasses import dataclass

from casegraph.service.errors import NotAcceptable


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


def choose(header: str | None, offered: list[str]) -> str | None:
    """The offered media type the client prefers most, earlier offers breaking ties; None if none is acceptable."""
    ranges = parse_accept(header)
    best: tuple[float, int] | None = None
    chosen = None
    for position, media_type in enumerate(offered):
        matching = [r for r in ranges if r.matches(media_type)]
        if not matching:
            continue
        quality = max(matching, key=lambda r: r.specificity).quality
        if quality > 0 and (best is None or quality > best[0]):
            best, chosen = (quality, position), media_type
    return chosen


VARY = {"Vary": "Accept"}  # on every answer chosen by Accept, so that shared caches keep one per media type


def html_or_json(header: str | None, format: str | None) -> str:
    """"json" or "html": the ?format= parameter if given, else the Accept header (HTML where both are equal)."""
    return format or ("json" if choose(header, ["text/html", "application/json"]) == "application/json" else "html")


def negotiate(header: str | None, offered: list[str], what: str) -> str:
    """The offered media type the client prefers; NotAcceptable (406) naming what can be sent otherwise."""
    media_type = choose(header, offered)
    if media_type is None:
        raise NotAcceptable(f"{what} can be sent as {', '.join(offered)}")
    return media_type
