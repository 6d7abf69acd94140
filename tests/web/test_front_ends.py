"""Two casegraph front-ends on one remote store (the Oxigraph server), behind a small reverse proxy: a write through
either is served by both, and writers on both take turns."""

from __future__ import annotations

import itertools
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, asynccontextmanager
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from test_remote_build import graph_counts, merged_count

from conftest import BASE, copy_seeds
from graph.editions.build import RemoteDatasets, build
from graph.store.opening import open_store
from stores import SparqlServer, free_port, remote_settings, sparql_server, until

WRITER = "front-end-writer-token"
FrontEnds = tuple[list[str], str, Path, SparqlServer]  # the two front-ends, the proxy, their folder, and the store
PREFIXES = """\
@prefix cg: <https://w3id.org/casegraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""


def document(name: str, person: str) -> str:
    """A small made-up source document naming one made-up person, Tahir Imin's business partner."""
    return PREFIXES + f"""
<source/{name}> a cg:SourceDocument ; skos:prefLabel "Report {name}"@en ; dcterms:title "Report {name}"@en ;
    dcterms:publisher <organisation/front-publisher> ; cg:sourceKind cg:source-news-release ;
    cg:addressStatus cg:address-unconfirmed .
<organisation/front-publisher> a cg:NonGovernmentalOrganisation ; skos:prefLabel "Front publisher"@en ;
    cg:source <source/{name}> .
<person/{person.lower()}> a cg:Person ; skos:prefLabel "{person}"@en ; cg:businessPartner <person/tahir-imin> ;
    cg:source <source/{name}> .
<person/tahir-imin> a cg:Person ; skos:prefLabel "Tahir Imin"@en ; cg:source <source/{name}> .
"""


def proxy(upstreams: list[str]) -> Starlette:
    """A reverse proxy that sends each request to the next front-end in turn."""
    turns = itertools.cycle(upstreams)
    client = httpx.AsyncClient(timeout=60)

    async def forward(request: Request) -> Response:
        upstream = next(turns)
        sent = await client.request(request.method, upstream + request.url.path, params=request.query_params,
                                    content=await request.body(),
                                    headers={k: v for k, v in request.headers.items() if k.lower() != "host"})
        kept = {k: v for k, v in sent.headers.items() if k.lower() not in ("content-length", "content-encoding",
                                                                          "transfer-encoding", "connection")}
        return Response(sent.content, status_code=sent.status_code, headers=kept | {"X-Front-End": upstream})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await client.aclose()
    return Starlette(routes=[Route("/{path:path}", forward, methods=["GET", "POST", "PUT", "DELETE", "HEAD"])],
                     lifespan=lifespan)


@pytest.fixture(scope="module")
def front_ends(tmp_path_factory: pytest.TempPathFactory, serve: Callable[..., AbstractContextManager[str]],
               run_app: Callable[[Starlette, int], AbstractContextManager[str]]) -> Iterator[FrontEnds]:
    """Two front-ends, each with a folder of its own, on one dataset and one set of files; and the proxy before them.

    The first front-end's folder is built; the second's starts empty and attaches to the dataset the first built.
    """
    root = tmp_path_factory.mktemp("front-ends")
    sources, written = copy_seeds(root / "sources"), root / "written"
    with sparql_server("oxigraph-server", root / "db") as store, ExitStack() as running:
        settings = remote_settings(store)
        build(sources, root / "one" / "store", BASE, remote=RemoteDatasets(store.endpoints()))
        urls = [running.enter_context(serve(root / name / "store", sources=sources, writable_sources=written,
                                            drafts=root / "drafts", audit_log=root / "audit.jsonl",
                                            writer_tokens={"ana": WRITER}, remote_poll=0.2, **settings))
                for name in ("one", "two")]
        yield urls, running.enter_context(run_app(proxy(urls), free_port())), root, store


def _send(url: str, method: str, path: str, body: str = "") -> httpx.Response:
    return httpx.request(method, f"{url}{path}", content=body.encode(), timeout=60,
                         headers={"Authorization": f"Bearer {WRITER}", "Content-Type": "text/turtle"})


def _finds(url: str, person: str) -> bool:
    """Whether a front-end serves the person's page and finds them first in search."""
    if httpx.get(f"{url}/person/{person.lower()}", timeout=60).status_code != 200:
        return False
    hits = httpx.get(f"{url}/search", params={"q": person, "format": "json"}, timeout=60).json()["results"]
    return bool(hits) and hits[0]["iri"] == f"{BASE}person/{person.lower()}"


def _sees(url: str, person: str) -> bool:
    """Whether a front-end serves the person everywhere: page, search and the people network."""
    ego = httpx.get(f"{url}/graph/ego", params={"node": f"person/{person.lower()}", "view": "people"}, timeout=60)
    return _finds(url, person) and ego.status_code == 200


def test_a_write_through_one_front_end_is_served_by_the_other(front_ends: FrontEnds) -> None:
    (one, two), _, _, _ = front_ends
    assert httpx.get(f"{two}/person/qxfronta", timeout=60).status_code == 404
    assert _send(one, "POST", "/sources", document("front-a", "Qxfronta")).status_code == 201
    assert _finds(one, "Qxfronta"), "the page and search of the front-end written to serve the write at once"
    until(lambda: _sees(two, "Qxfronta"), "the other front-end never served the write", 60)
    # The networks are made again in the background, on each front-end in its own time.
    until(lambda: _sees(one, "Qxfronta"), "the front-end written to never put the write in its networks", 60)
    assert _send(two, "DELETE", "/sources/front-a").status_code == 204  # written through one, withdrawn through the other
    until(lambda: httpx.get(f"{one}/person/qxfronta", timeout=60).status_code == 404, "the withdrawal never reached one", 60)


def test_writers_on_both_front_ends_take_turns_and_the_store_ends_as_a_build_of_the_files_would(
        front_ends: FrontEnds, tmp_path: Path) -> None:
    (one, two), _, root, store = front_ends
    failures: list[str] = []

    def writer(url: str, name: str) -> None:
        for round_ in range(4):
            answer = _send(url, "PUT", f"/sources/{name}", document(name, f"Qx{name.replace('-', '')}{round_}"))
            if answer.status_code not in (200, 201):
                failures.append(f"{name}: {answer.status_code} {answer.text[:200]}")
    threads = [threading.Thread(target=writer, args=(url, f"turn-{i}")) for i, url in enumerate((one, two))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert failures == []
    build([root / "sources", root / "written"], tmp_path / "embedded", BASE)
    embedded = open_store(tmp_path / "embedded", BASE, read_only=True)
    assert graph_counts(store) == {g.value: embedded.count(g)
                                   for g in [*embedded.source_graphs(), embedded.catalog, embedded.ontology]}
    assert merged_count(store) == len(embedded)
    for url in (one, two):
        until(lambda url=url: _sees(url, "Qxturn03") and _sees(url, "Qxturn13"), "a front-end missed the last writes", 60)


def test_through_the_proxy_every_read_after_a_write_sees_it(front_ends: FrontEnds) -> None:
    _, site, _, _ = front_ends
    assert _send(site, "POST", "/sources", document("front-b", "Qxfrontb")).status_code == 201

    def both_serve() -> bool:
        # Pages read the store itself; search is what each front-end keeps, so it shows whether both followed.
        answers = [httpx.get(f"{site}/search", params={"q": "Qxfrontb", "format": "json"}, timeout=60) for _ in range(4)]
        found = [bool(a.json()["results"]) and a.json()["results"][0]["iri"] == f"{BASE}person/qxfrontb" for a in answers]
        return {a.headers["x-front-end"] for a in answers} == set(front_ends[0]) and all(found)
    until(both_serve, "a front-end behind the proxy did not serve the write", 60)
