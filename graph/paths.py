"""Where the vocabulary, shapes, queries and curated sources live."""

from functools import cache
from pathlib import Path

from graph.errors import NotFound

PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def resource_dir(name: str) -> Path:
    """Return the directory of a data folder (ontology, shapes, queries), beside graph/ in a checkout and a wheel alike."""
    candidate = PACKAGE_DIR.parent / name
    if candidate.is_dir():
        return candidate
    raise NotFound(f"casegraph's {name}/ directory is missing beside {PACKAGE_DIR}")


def ontology_files() -> list[Path]:
    """The Turtle files of the ontology and its concept schemes."""
    return sorted(resource_dir("ontology").glob("*.ttl"))


def shapes_files() -> list[Path]:
    """The Turtle files of the SHACL shapes."""
    return sorted(resource_dir("shapes").glob("*.ttl"))


def queries_dir() -> Path:
    """The directory of the named SPARQL queries."""
    return resource_dir("queries")


def sources_dir() -> Path:
    """The curated source documents shipped with the package, one TriG file each."""
    return PACKAGE_DIR / "data" / "sources"
