"""Home page and text search: any case, any accents, JSON or HTML."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from conftest import BASE
from graph.namespaces import cg
from graph.search.names import fold
from graph.search.textindex import SearchIndex
from graph.store.opening import memory_store
from graph.store.seam import Store

CG = cg()


@pytest.mark.parametrize("text", ["gulmira", "Gülmira", "GULMIRA", "gulmira imin", "Gu\u0308lmira"])
def test_gulmira_imin_is_found_however_she_is_typed(server: str, text: str) -> None:
    results = httpx.get(f"{server}/search", params={"q": text, "format": "json"}).json()["results"]
    assert results[0]["iri"] == f"{BASE}person/gulmira-imin" and results[0]["link"] == "/person/gulmira-imin"


def test_alternative_names_are_searched(server: str) -> None:
    results = httpx.get(f"{server}/search", params={"q": "xinjiang no. 2"}, headers={"Accept": "application/json"}).json()
    assert [(r["name"], r["matched"]) for r in results["results"]] == [("Xinjiang Women's Prison", "Xinjiang No. 2 Prison")]


def test_search_results_page_links_to_entities(server: str) -> None:
    response = httpx.get(f"{server}/search", params={"q": "tahir"}, headers={"Accept": "text/html"})
    assert response.status_code == 200 and 'href="/person/tahir-imin"' in response.text


def test_nothing_found_is_an_empty_list(server: str) -> None:
    assert httpx.get(f"{server}/search", params={"q": "no such name", "format": "json"}).json()["results"] == []


def test_an_empty_query_is_a_clear_client_error(server: str) -> None:
    response = httpx.get(f"{server}/search", params={"q": ""})
    assert response.status_code == 422 and "Traceback" not in response.text


def test_folding_ignores_case_accents_and_compatibility_forms() -> None:
    assert fold("Gülmira") == fold("GULMIRA") == fold("gu\u0308lmira") == "gulmira"
    assert fold("ＡＫＢＡＲ") == "akbar", "full-width Latin, as in the Chinese-language lists, folds too"
    assert fold("古丽米拉") == "古丽米拉", "scripts without case or accents are left as they are"


def test_the_home_page_shows_sources_counts_and_a_search_box(server: str) -> None:
    html = httpx.get(f"{server}/").text
    assert '<form class="search" action="/search"' in html
    assert 'href="/source/hrw-ikram-nurmehmet"' in html and "unidentified person" in html


def named_record(*names: tuple[str, str]) -> Store:
    """A store holding one person record of the test's own: the first name preferred, the others alternatives."""
    store = memory_store(BASE)
    record, graph = ox.NamedNode(f"{BASE}person/test-record"), ox.NamedNode(f"{BASE}source/test")
    skos = "http://www.w3.org/2004/02/skos/core#"
    store.add([
        ox.Quad(record, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(CG.Person), graph),
        ox.Quad(record, ox.NamedNode(CG.source), graph, graph),
        *(ox.Quad(record, ox.NamedNode(skos + ("altLabel" if i else "prefLabel")), ox.Literal(name, language=language), graph)
          for i, (name, language) in enumerate(names)),
    ])
    return store


@pytest.mark.parametrize("text, found", [("测试", "测试记录"), ("سىناق", "سىناق خاتىرىسى"), ("ТЕСТ", "Тестовая запись")])
def test_names_in_other_scripts_are_found(text: str, found: str) -> None:
    # A record of the test's own (not a fact about anyone), named in Chinese, Uyghur Arabic script and Cyrillic.
    store = named_record(("测试记录", "zh"), ("سىناق خاتىرىسى", "ug"), ("Тестовая запись", "ru"))
    hits = SearchIndex(store).search(text)
    assert [(hit.iri, hit.name, hit.matched) for hit in hits] == [(f"{BASE}person/test-record", "测试记录", found)]


ILHAM_TOHTI = f"{BASE}person/ilham-tohti"  # the list's 伊力哈木•土赫提 (bullet)
ZHANG_LIUMAO = f"{BASE}person/zhang-liumao"  # the list's 张六毛
LABELS = "SELECT ?label WHERE { GRAPH ?g { ?record <http://www.w3.org/2004/02/skos/core#prefLabel>|" \
         "<http://www.w3.org/2004/02/skos/core#altLabel> ?label } }"


@pytest.fixture(scope="module")
def shipped(serve: Callable[..., AbstractContextManager[str]], shipped_store_dir: Path) -> Iterator[str]:
    """A server over every shipped source, the political-prisoner list included."""
    with serve(shipped_store_dir) as url:
        yield url


@pytest.mark.parametrize("text, iri", [
    ("Ilham Tohti", ILHAM_TOHTI), ("ilham", ILHAM_TOHTI), ("tohti", ILHAM_TOHTI), ("Ilham Toxti", ILHAM_TOHTI),
    ("伊力哈木·土赫提", ILHAM_TOHTI), ("伊力哈木・土赫提", ILHAM_TOHTI),
    ("zhang liumao", ZHANG_LIUMAO), ("Zhāng Liùmáo", ZHANG_LIUMAO), ("zhangliumao", ZHANG_LIUMAO), ("liumao", ZHANG_LIUMAO),
])
def test_a_name_in_chinese_characters_is_found_by_its_other_forms(shipped: str, text: str, iri: str) -> None:
    results = httpx.get(f"{shipped}/search", params={"q": text, "format": "json"}).json()["results"]
    found = [r for r in results if r["iri"] == iri]
    assert found, f"{text!r} finds {[r['name'] for r in results]}"
    labels = httpx.get(f"{shipped}/sparql", params={"query": LABELS.replace("?record", f"<{iri}>")},
                       headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    assert found[0]["matched"] in {row["label"]["value"] for row in labels}, "the label shown is one in the graph, not a key"


def test_both_dot_forms_find_the_same_records(shipped: str) -> None:
    def found(text: str) -> list[str]:
        results = httpx.get(f"{shipped}/search", params={"q": text, "format": "json"}).json()["results"]
        return [r["iri"] for r in results]

    middle_dot, bullet = found("伊力哈木·土赫提"), found("伊力哈木•土赫提")
    assert middle_dot == bullet and middle_dot[0] == ILHAM_TOHTI


def test_the_spelling_a_source_gives_ranks_first(shipped: str) -> None:
    results = httpx.get(f"{shipped}/search", params={"q": "Ilham Tohti", "format": "json"}).json()["results"]
    assert results[0]["iri"] == ILHAM_TOHTI and results[0]["matched"] == "Ilham Tohti"


def test_a_name_written_in_the_graph_is_found_by_its_keys_after_a_write(records_with_names: Store) -> None:
    index = SearchIndex(memory_store(BASE)).revised(records_with_names, [f"{BASE}person/test-record"])
    assert [hit.matched for hit in index.search("Ilham Tohti")] == ["伊力哈木·土赫提"]
    assert [hit.matched for hit in index.search("ilham toxti")] == ["ئىلھام توختى"]


@pytest.fixture
def records_with_names() -> Store:
    # A record of the test's own, named as a transcribed name is written in each script; it states nothing about anyone.
    return named_record(("伊力哈木·土赫提", "zh"), ("ئىلھام توختى", "ug"))
