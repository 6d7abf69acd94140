"""Restricted sources: every way in is tried without a reader token, and none may show them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from conftest import BASE, copy_seeds, restricted_document
from graph.editions.build import build, full_store_dir
from graph.editions.index import INDEX_FOLDER, SEARCH_FOLDER, ensure_index, summary_apart
from graph.publish.charts import Chart, charts
from graph.publish.overview import Overview, overview

SECRET = "Zetawitness"
TOKEN = "reader-token-for-tests"
# A witness, and a claim about Gulmira Imin, that could endanger someone: restricted.
RESTRICTED = restricted_document("witness-statement", SECRET, f"""\
  <person/{SECRET.lower()}> a cg:Person ; skos:prefLabel "{SECRET}"@en ; cg:source <source/witness-statement> ;
     cg:associate <person/gulmira-imin> .
  <person/gulmira-imin> a cg:Person ; skos:prefLabel "Gulmira Imin"@en ; skos:altLabel "{SECRET} contact"@en ;
     cg:source <source/witness-statement> .
""")
WITNESS = f"person/{SECRET.lower()}"


@pytest.fixture(scope="module")
def restricted_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("restricted")
    sources = copy_seeds(directory / "sources")
    (sources / "witness-statement.trig").write_text(RESTRICTED, encoding="utf-8")
    build(sources, directory / "store", BASE)
    return directory / "store"


@pytest.fixture(scope="module")
def site(restricted_store: Path, serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    with serve(restricted_store, reader_tokens={"tester": TOKEN}, max_rows=100_000) as url:
        yield url


def public(site: str, path: str, **params: str) -> httpx.Response:
    return httpx.get(f"{site}{path}", params=params, timeout=30)


def reader(site: str, path: str, **params: str) -> httpx.Response:
    return httpx.get(f"{site}{path}", params=params, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)


def test_the_public_store_holds_nothing_of_it_and_the_full_store_all_of_it(restricted_store: Path) -> None:
    for store in (restricted_store, full_store_dir(restricted_store)):  # the index files and summaries too
        ensure_index(store, BASE)
        summary_apart("charts", charts, list[Chart], store, BASE)
        summary_apart("overview", overview, Overview, store, BASE)
    index_folder = restricted_store / INDEX_FOLDER
    assert any((index_folder / SEARCH_FOLDER).iterdir()) and any(index_folder.glob("charts-*"))
    assert SECRET.encode() not in b"".join(p.read_bytes() for p in restricted_store.rglob("*") if p.is_file())
    assert any(SECRET.encode() in p.read_bytes() for p in full_store_dir(restricted_store).rglob("*") if p.is_file())


QUERIES = [
    "SELECT * WHERE { ?s ?p ?o }",
    "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }",
    f"DESCRIBE <{WITNESS}>",
    "DESCRIBE <person/gulmira-imin>",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <graph/sources> { ?s ?p ?o } }",
    f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(CONTAINS(LCASE(STR(?o)), "{SECRET.lower()}")) }}',
]


@pytest.mark.parametrize("query", QUERIES)
def test_no_sparql_query_shows_it_without_a_token(site: str, query: str) -> None:
    answer = public(site, "/sparql", query=query)
    assert answer.status_code == 200
    assert SECRET.lower() not in answer.text.lower()


def test_naming_its_graph_gets_nothing(site: str) -> None:
    named = public(site, "/sparql", query="SELECT * FROM NAMED <source/witness-statement> WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert named.status_code == 400 and SECRET not in named.text
    by_parameter = httpx.get(f"{site}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }",
                                                       "default-graph-uri": BASE + "source/witness-statement"})
    assert by_parameter.status_code == 400 and SECRET not in by_parameter.text


def test_a_real_sparql_client_sees_it_only_with_the_token(site: str) -> None:
    query = f"SELECT ?name WHERE {{ <{BASE}{WITNESS}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?name }}"
    for token, expected in ((None, []), (TOKEN, [SECRET])):
        client = SPARQLWrapper(f"{site}/sparql")
        client.setQuery(query)
        client.setReturnFormat(JSON)
        if token:
            client.addCustomHttpHeader("Authorization", f"Bearer {token}")
        rows = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index, call-overload]
        assert [r["name"]["value"] for r in rows] == expected


@pytest.mark.parametrize("path", [f"/{WITNESS}", f"/{WITNESS}.ttl", "/source/witness-statement",
                                  "/organisation/zetawitness-group", "/dumps/witness-statement.nq"])
def test_its_pages_and_dumps_are_not_found(site: str, path: str) -> None:
    assert public(site, path).status_code == 404
    assert reader(site, path).status_code == 200


@pytest.mark.parametrize("path", ["/person/gulmira-imin", "/person/gulmira-imin.nq", "/dumps", "/dumps/casegraph.nq",
                                  "/dumps/casegraph.jsonld", "/.well-known/void", "/", "/graph/views/all", "/graph/views/people",
                                  "/graph/stats?view=all", "/stats?format=json", "/stats", "/queries/claims-about-a-person"])
def test_no_page_dump_network_or_chart_shows_it(site: str, path: str) -> None:
    answer = public(site, path)
    assert answer.status_code == 200
    assert SECRET.lower() not in answer.text.lower()


def test_the_token_reveals_it_in_pages_dumps_and_networks(site: str) -> None:
    assert SECRET in reader(site, "/person/gulmira-imin").text
    assert SECRET in reader(site, "/dumps/casegraph.nq").text
    assert BASE + WITNESS in json.dumps(reader(site, "/graph/ego", node=WITNESS, view="people").json())


def test_search_and_network_lookups_do_not_find_it(site: str) -> None:
    assert public(site, "/search", q=SECRET, format="json").json()["results"] == []
    assert reader(site, "/search", q=SECRET, format="json").json()["results"] != []
    assert public(site, "/graph/ego", node=WITNESS).status_code == 404
    assert public(site, "/graph/ego", node=SECRET).status_code == 404
    # Asking for it answers exactly as asking for someone who is not in the graph at all: no oracle.
    path = public(site, "/graph/path", source="person/gulmira-imin", target=WITNESS)
    unknown = public(site, "/graph/path", source="person/gulmira-imin", target="person/nobody-at-all")
    assert path.status_code == unknown.status_code == 404
    assert path.text.replace(SECRET.lower(), "nobody-at-all") == unknown.text
    page, missing = public(site, f"/{WITNESS}"), public(site, "/person/nobody-at-all")
    assert page.text.replace(SECRET.lower(), "nobody-at-all") == missing.text


def test_a_wrong_token_is_refused_not_served_less(site: str) -> None:
    for header in ("Bearer wrong", "Basic dGVzdGVyOnJlYWRlcg==", "Bearer", f"bearer {TOKEN}x"):
        answer = httpx.get(f"{site}/sparql", params={"query": "ASK {}"}, headers={"Authorization": header})
        assert answer.status_code == 401, header
        assert answer.headers["www-authenticate"].startswith("Bearer")


def test_answers_vary_by_token_and_a_readers_answer_is_never_cached(site: str) -> None:
    assert "authorization" in public(site, "/dumps/casegraph.nq").headers["vary"].lower()
    answer = reader(site, "/dumps/casegraph.nq")
    assert answer.headers["cache-control"] == "private, no-store"
    assert public(site, "/dumps/casegraph.nq").headers["etag"] != answer.headers["etag"]


WRITER = "writer-token-for-tests"
VALIDATED = ["/.well-known/void", "/dumps/casegraph.nq", "/dumps/casegraph.ttl.gz", "/dumps/uscirf-gulmira-imin.trig"]


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory, serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    root = tmp_path_factory.mktemp("restricted-writes")
    with serve(root / "store", sources=copy_seeds(root / "sources"), writable_sources=root / "written",
               audit_log=root / "audit.jsonl", writer_tokens={"ana": WRITER}, reader_tokens={"tester": TOKEN},
               max_request_bytes=20_000) as url:
        yield url


def validators(answer: httpx.Response) -> tuple[str, str]:
    assert answer.status_code == 200, answer.text
    return answer.headers["etag"], answer.headers["last-modified"]


def test_a_restricted_write_leaves_the_public_validators_and_dates_as_they_were(writable: str) -> None:
    before = {path: validators(public(writable, path)) for path in VALIDATED}
    full_before = {path: validators(reader(writable, path)) for path in VALIDATED}
    written = httpx.post(f"{writable}/sources", content=RESTRICTED.encode(), timeout=60,
                         headers={"Content-Type": "application/trig", "Authorization": f"Bearer {WRITER}"})
    assert written.status_code == 201, written.text
    assert SECRET in reader(writable, f"/{WITNESS}").text, "the restricted source is live in the full edition"
    for path in VALIDATED:
        assert validators(public(writable, path)) == before[path], path
        etag, _ = before[path]
        again = httpx.get(f"{writable}{path}", headers={"If-None-Match": etag}, timeout=30)
        assert again.status_code == 304, f"{path}: a public client's copy is still current"
        full_etag, full_modified = validators(reader(writable, path))
        assert full_etag != full_before[path][0], f"{path}: the full edition did change"
        assert parsedate_to_datetime(full_modified) >= parsedate_to_datetime(full_before[path][1])
