"""The whole shipped graph, imported list included, served by a real server."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest


@pytest.fixture(scope="module")
def shipped(shipped_store_dir: Path, serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    """A server over every shipped source."""
    with serve(shipped_store_dir) as url:
        yield url


def test_gulmira_imins_page_shows_both_birth_years_with_their_sources_and_flags_the_disagreement(shipped: str) -> None:
    page = httpx.get(f"{shipped}/person/gulmira-imin", headers={"Accept": "text/html"})
    assert page.status_code == 200
    row = re.search(r'<tr[^>]*>\s*<th scope="row">birth date.*?</tr>', page.text, re.S)
    assert row is not None
    assert "sources disagree" in row.group(0)
    assert "1978" in row.group(0) and "uscirf-gulmira-imin" in row.group(0)
    assert "1979" in row.group(0) and "ppc-2014-02-cppc00015" in row.group(0)
    assert "古丽米拉•艾明" in page.text and "Gulmira Imin" in page.text


def test_a_place_named_in_chinese_resolves_as_rdf(shipped: str) -> None:
    response = httpx.get(f"{shipped}/place/{quote('北京')}", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    triples = list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
    assert ox.Literal("北京", language="zh") in {t.object for t in triples}


def test_search_finds_a_name_in_chinese(shipped: str) -> None:
    hits = httpx.get(f"{shipped}/search", params={"q": "古丽米拉", "format": "json"}).json()
    assert any(h["iri"].endswith("/person/gulmira-imin") for h in hits["results"])
