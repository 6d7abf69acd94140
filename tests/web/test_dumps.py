"""Dumps and the dataset description: re-parse to the store, cache properly, describe what is there."""

from __future__ import annotations

import gzip
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from conftest import BASE
from graph.publish import void
from graph.store.seam import Store
from service import dumps as service_dumps

PLAIN = ["ttl", "nt", "nq", "trig", "jsonld"]
FORMAT = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
          "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}


def terms(quads: list[ox.Quad], with_graph: bool) -> set[tuple[str, ...]]:
    return {(str(q.subject), str(q.predicate), str(q.object)) + ((str(q.graph_name),) if with_graph else ()) for q in quads}


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("name", ["casegraph", "uscirf-gulmira-imin"])
@pytest.mark.parametrize("ext", PLAIN)
def test_dumps_reparse_to_the_store(server: str, store: Store, ext: str, name: str, gz: bool) -> None:
    response = httpx.get(f"{server}/dumps/{name}.{ext}{'.gz' if gz else ''}")
    assert response.status_code == 200
    body = gzip.decompress(response.content) if gz else response.content
    assert response.headers["content-length"] == str(len(response.content))
    quad_format = ext in ("nq", "trig", "jsonld")
    graph = None if name == "casegraph" else store.graph(name)
    assert terms(list(ox.parse(body, format=FORMAT[ext])), quad_format) == terms(list(store.quads(graph)), quad_format)


@pytest.mark.parametrize("at_once", [7, 1000])
def test_the_dump_list_names_every_source(server: str, store: Store, at_once: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service_dumps, "LISTED_AT_ONCE", at_once)  # several chunks, and one
    response = httpx.get(f"{server}/dumps")
    assert response.headers["content-type"] == "application/json"
    listed = response.json()
    files = {d["file"] for d in listed}
    assert {"casegraph.nq", "casegraph.ttl.gz", "hrw-ikram-nurmehmet.trig", "uscirf-gulmira-imin.jsonld.gz"} <= files
    assert len(listed) == len(files) == 2 * len(PLAIN) * (1 + len(store.source_names()))
    assert {"file": "uscirf-gulmira-imin.nq.gz", "url": f"{server}/dumps/uscirf-gulmira-imin.nq.gz",
            "media_type": "application/gzip", "source": "uscirf-gulmira-imin", "gzip": True} in listed
    assert {"file": "casegraph.ttl", "url": f"{server}/dumps/casegraph.ttl", "media_type": "text/turtle",
            "source": None, "gzip": False} in listed
    assert len(files) == 3 * len(PLAIN) * 2


def test_conditional_requests_get_304(server: str) -> None:
    first = httpx.get(f"{server}/dumps/casegraph.nq")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert httpx.get(f"{server}/dumps/casegraph.nq", headers={"If-None-Match": etag}).status_code == 304
    assert httpx.get(f"{server}/dumps/casegraph.nq", headers={"If-Modified-Since": modified}).status_code == 304
    assert httpx.get(f"{server}/dumps/casegraph.nq", headers={"If-None-Match": '"other"'}).status_code == 200
    other = httpx.get(f"{server}/dumps/casegraph.ttl")
    assert other.headers["etag"] != etag, "each file has its own ETag"


def test_a_dump_is_written_once_beside_its_store_then_streamed(server: str, store_dir: Path) -> None:
    first = httpx.get(f"{server}/dumps/casegraph.trig.gz")
    (kept,) = (store_dir / "dumps").iterdir()  # one folder, named for what the store holds
    written = kept / "casegraph.trig.gz"
    assert written.read_bytes() == first.content
    stamp = written.stat().st_mtime_ns
    assert httpx.get(f"{server}/dumps/casegraph.trig.gz").content == first.content
    assert written.stat().st_mtime_ns == stamp, "served from the file, not written again"
    assert not list(written.parent.glob(".*")), "no partial file is left behind"
    whole = httpx.get(f"{server}/dumps/casegraph.nq").content
    part = httpx.get(f"{server}/dumps/casegraph.nq", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == whole[100:200], "a download can be resumed"


def test_an_unknown_dump_is_404_with_the_naming_rule(server: str) -> None:
    response = httpx.get(f"{server}/dumps/casegraph.xlsx")
    assert response.status_code == 404 and "casegraph or a source name" in response.text


def test_void_describes_dataset_dumps_endpoint_and_sources(server: str, store: Store) -> None:
    response = httpx.get(f"{server}/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    void, dataset = "http://rdfs.org/ns/void#", URIRef(f"{server}/.well-known/void#casegraph")
    assert (dataset, URIRef(void + "sparqlEndpoint"), URIRef(f"{server}/sparql")) in graph
    assert (dataset, URIRef(void + "dataDump"), URIRef(f"{server}/dumps/casegraph.nq")) in graph
    assert (dataset, URIRef(void + "triples"), Literal(len(store))) in graph
    assert (dataset, URIRef("http://purl.org/dc/terms/license"), URIRef("https://creativecommons.org/licenses/by/4.0/")) in graph
    hrw = URIRef(f"{BASE}source/hrw-ikram-nurmehmet")
    assert (dataset, URIRef(void + "subset"), hrw) in graph
    assert (hrw, URIRef(void + "triples"), Literal(store.count(store.graph("hrw-ikram-nurmehmet")))) in graph
    title = Literal("China: Free Unjustly Convicted Uyghur Filmmaker", lang="en")
    assert (hrw, URIRef("http://purl.org/dc/terms/title"), title) in graph


def test_void_in_json_ld(server: str) -> None:
    response = httpx.get(f"{server}/.well-known/void", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=response.text, format="json-ld")) > 20


def test_void_names_the_host_asked_for_and_keeps_the_files_of_the_last_few(server: str, store_dir: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(void, "KEPT_FILES", 2)
    for number in range(4):
        response = httpx.get(f"{server}/.well-known/void", headers={"Accept": "application/n-triples",
                                                                     "Host": f"host{number}.example"})
        assert response.status_code == 200
        assert f"<http://host{number}.example/sparql>" in response.text
    assert len(list((store_dir / "dumps").glob("*/void-*"))) == 2


def test_requests_at_many_addresses_at_once_each_get_their_own_description(store_dir: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(void, "KEPT_FILES", 2)

    def ask(number: int) -> bool:  # each written by a process of its own: a few, not many
        site = f"http://host{number % 5}.example/"
        with void.open_description(store_dir, BASE, site, ox.RdfFormat.N_TRIPLES, tmp_path) as handle:
            return f"<{site}sparql>".encode() in handle.read()
    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(ask, range(12)))
    assert len(list(tmp_path.glob("void-*"))) == 2


def test_behind_a_proxy_on_the_same_host_the_public_address_is_named(server: str) -> None:
    """A reverse proxy on this host that passes Host and X-Forwarded-Proto gets the public https address back."""
    public = {"Host": "casegraph.example", "X-Forwarded-Proto": "https"}
    described = httpx.get(f"{server}/.well-known/void", headers={"Accept": "application/n-triples", **public}).text
    assert "<https://casegraph.example/sparql>" in described
    assert "<https://casegraph.example/dumps/casegraph.nq>" in described
    assert "http://casegraph.example/" not in described
    listed = httpx.get(f"{server}/dumps", headers=public).json()
    assert listed and all(str(entry["url"]).startswith("https://casegraph.example/dumps/") for entry in listed)
