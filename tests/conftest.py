"""Shared fixtures: stores built through the real build, from the two seed documents or from everything shipped.

Most tests hold the seed documents' exact, hand-checked facts as expected results, so they run on a
store of those two documents. The imported list is checked row by row against its CSV
(test_import.py) and served in full by tests/web/test_shipped_graph.py.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.editions.build import build
from graph.iris import DEFAULT_BASE
from graph.paths import sources_dir
from graph.store.opening import open_store
from graph.store.seam import Store
from stores import VIRTUOSO

BASE = DEFAULT_BASE
SEEDS = ("hrw-ikram-nurmehmet.trig", "uscirf-gulmira-imin.trig")


def seed_sources() -> list[Path]:
    """The two hand-written seed documents among the shipped sources."""
    return [sources_dir() / name for name in SEEDS]


def copy_seeds(directory: Path) -> Path:
    """A sources directory holding only the seed documents."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in seed_sources():
        shutil.copy(path, directory / path.name)
    return directory


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A persistent store built from the seed documents, as `casegraph build` builds it."""
    directory = tmp_path_factory.mktemp("store") / "store"
    build(copy_seeds(directory.parent / "sources"), directory, BASE)
    return directory


@pytest.fixture(scope="session")
def shipped_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A persistent store built from every shipped source, imported list included."""
    directory = tmp_path_factory.mktemp("shipped") / "store"
    build(sources_dir(), directory, BASE)
    return directory


@pytest.fixture(scope="session")
def shipped_store(shipped_store_dir: Path) -> Iterator[Store]:
    """The store of every shipped source, opened read-only."""
    yield open_store(shipped_store_dir, BASE, read_only=True)


@pytest.fixture(scope="session")
def store(store_dir: Path) -> Iterator[Store]:
    """The built store, opened read-only."""
    yield open_store(store_dir, BASE, read_only=True)


if VIRTUOSO is None and os.environ.get("CI"):
    raise RuntimeError("CI needs Debian's virtuoso-opensource-7-bin for the remote-store tests; .ci/run installs it")
needs_virtuoso = pytest.mark.skipif(VIRTUOSO is None,
                                    reason="Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin)")
REMOTE_KINDS = [pytest.param("oxigraph-server"), pytest.param("virtuoso", marks=needs_virtuoso)]


def restricted_document(source: str, secret: str, body: str) -> str:
    """A made-up restricted source document named `source`: its catalog entry, a publisher named after `secret`, and
    `body` (Turtle statements in its graph, each giving `cg:source <source/…>` as the shapes ask)."""
    return f"""\
@prefix cg: <https://w3id.org/casegraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<graph/sources> {{
  <source/{source}> a cg:SourceDocument ; skos:prefLabel "{secret} statement"@en ;
     dcterms:title "{secret} statement"@en ;
     dcterms:publisher <organisation/{secret.lower()}-group> ; cg:sourceKind cg:source-news-release ;
     cg:addressStatus cg:address-unconfirmed ; cg:restricted true .
}}
<source/{source}> {{
  <organisation/{secret.lower()}-group> a cg:NonGovernmentalOrganisation ; skos:prefLabel "{secret} group"@en ;
     cg:source <source/{source}> .
{body}}}
"""
