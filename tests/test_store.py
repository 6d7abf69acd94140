"""The store names its source graphs without listing all of them where one will do."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from conftest import BASE
from graph.errors import NotFound
from graph.store.opening import memory_store
from graph.store.seam import Store


def _store(sources: int) -> Store:
    store = memory_store(BASE)
    store.add([ox.Quad(ox.NamedNode(f"{BASE}person/p{n}"), ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
                       ox.Literal(f"P{n}"), ox.NamedNode(f"{BASE}source/s{n:02d}")) for n in range(sources)])
    return store


def test_a_source_is_found_by_name_or_iri_and_a_missing_one_is_not() -> None:
    store = _store(3)
    assert store.has_source("s01") and store.has_source(f"{BASE}source/s01")
    assert not store.has_source("s09") and not store.has_source("not a name")
    assert store.graph("s01") == ox.NamedNode(f"{BASE}source/s01")


def test_a_missing_source_names_the_sources_there_are_when_they_are_few() -> None:
    with pytest.raises(NotFound, match="known sources: s00, s01, s02$"):
        _store(3).graph("s09")
    with pytest.raises(NotFound, match="known sources: too many to list here; they are listed at /dumps$"):
        _store(25).graph("s99")
