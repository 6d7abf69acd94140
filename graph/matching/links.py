"""Curated links: records a documenter has confirmed to be the same, so that an import reuses one IRI."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import UsageError
from graph.paths import PACKAGE_DIR


@dataclass(frozen=True)
class Link:
    """One confirmed identity: the IRI an import would mint, the record it is, and why."""

    minted: str
    same_as: str
    evidence: str


@dataclass(frozen=True)
class Links:
    """Every confirmed link, by the IRI an import would mint."""

    links: dict[str, Link] = field(default_factory=dict)

    def resolve(self, iri: str) -> str:
        """The confirmed IRI for a minted one, or the minted one itself."""
        link = self.links.get(iri)
        return link.same_as if link else iri


def links_file() -> Path:
    """The curated links shipped with casegraph."""
    return PACKAGE_DIR / "data" / "links.toml"


def load_links(path: Path, base: str) -> Links:
    """Read a links file; relative IRIs resolve against the base. UsageError names what is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        entries = [Link(base + e["minted"], base + e["is"], str(e["evidence"]).strip()) for e in data.get("same", [])]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"{path}: cannot be read: {error}") from None
    except (KeyError, TypeError) as error:
        raise UsageError(f"{path}: every [[same]] entry needs minted, is and evidence ({error})") from None
    return Links({link.minted: link for link in entries})
