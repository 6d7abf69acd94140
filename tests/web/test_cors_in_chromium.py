"""A page served from another origin, in Debian's headless Chromium driven by Playwright, queries casegraph and cannot write."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import copy_seeds

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("CI needs Debian's chromium for the browser tests; .ci/run installs it")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
WRITER, READER = "writer-token-for-cors", "reader-token-for-cors"
DOCUMENT = """\
@prefix cg: <https://w3id.org/casegraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<source/from-elsewhere> a cg:SourceDocument ; skos:prefLabel "From elsewhere"@en ; dcterms:title "From elsewhere"@en ;
    dcterms:publisher <organisation/elsewhere> ; cg:sourceKind cg:source-news-release ; cg:addressStatus cg:address-unconfirmed .
<organisation/elsewhere> a cg:NonGovernmentalOrganisation ; skos:prefLabel "Elsewhere"@en ; cg:source <source/from-elsewhere> .
<person/qxelsewhere> a cg:Person ; skos:prefLabel "Qxelsewhere"@en ; cg:source <source/from-elsewhere> .
"""

# The other origin's page: it asks casegraph (its address in ?site=) and leaves what happened in window.outcome.
PAGE = """<!doctype html><meta charset="utf-8"><title>elsewhere</title><script>
const site = new URLSearchParams(location.search).get("site");
const settings = JSON.parse(new URLSearchParams(location.search).get("settings"));
const query = "SELECT ?name WHERE { <https://w3id.org/casegraph/person/gulmira-imin> "
  + "<http://www.w3.org/2004/02/skos/core#prefLabel> ?name }";
const results = {"Accept": "application/sparql-results+json"};
async function attempt(path, options) {
  try {
    const answer = await fetch(site + path, options);
    return {status: answer.status, body: await answer.text(), etag: answer.headers.get("ETag")};
  } catch (error) {
    return {refused: String(error)};
  }
}
const writer = {"Authorization": "Bearer " + settings.writer};
window.outcome = null;
(async () => ({
  get: await attempt("/sparql?query=" + encodeURIComponent(query), {headers: results}),
  post: await attempt("/sparql", {method: "POST", body: query,
                                  headers: {...results, "Content-Type": "application/sparql-query"}}),
  void: await attempt("/.well-known/void", {headers: {"Accept": "text/turtle"}}),
  read_with_token: await attempt("/sparql?query=" + encodeURIComponent(query),
                                 {headers: {...results, "Authorization": "Bearer " + settings.reader}}),
  post_source: await attempt("/sources", {method: "POST", body: settings.document,
                                          headers: {...writer, "Content-Type": "text/turtle"}}),
  put_source: await attempt("/sources/from-elsewhere", {method: "PUT", body: settings.document,
                                                        headers: {...writer, "Content-Type": "text/turtle"}}),
  delete_source: await attempt("/sources/from-elsewhere", {method: "DELETE", headers: writer}),
}))().then(found => { window.outcome = found; });
</script>"""


class Elsewhere(BaseHTTPRequestHandler):
    """Serves the page, and nothing else, from its own port: another origin than casegraph's."""

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads what the page found, not the log."""


@pytest.fixture(scope="module")
def elsewhere() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Elsewhere)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory,
         serve: Callable[..., AbstractContextManager[str]]) -> Iterator[tuple[str, Path]]:
    """casegraph with a writer and a reader token, over a store of its own, since a write let through would change it."""
    root = tmp_path_factory.mktemp("cors")
    with serve(root / "store", sources=copy_seeds(root / "sources"), writable_sources=root / "written",
               audit_log=root / "audit.jsonl", writer_tokens={"ana": WRITER}, reader_tokens={"ben": READER}) as url:
        yield url, root


def public_quads(url: str) -> str:
    return httpx.get(f"{url}/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}).text


def test_a_page_elsewhere_queries_by_get_and_post_and_cannot_write(site: tuple[str, Path], elsewhere: str) -> None:
    from playwright.sync_api import sync_playwright

    url, root = site
    before = public_quads(url)
    settings = json.dumps({"writer": WRITER, "reader": READER, "document": DOCUMENT})
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        tab = browser.new_page()
        tab.goto(f"{elsewhere}/?{httpx.QueryParams({'site': url, 'settings': settings})}")
        tab.wait_for_function("window.outcome !== null", timeout=60_000)
        outcome = tab.evaluate("window.outcome")
        browser.close()

    for read in ("get", "post"):
        assert outcome[read].get("status") == 200, outcome[read]
        names = [row["name"]["value"] for row in json.loads(outcome[read]["body"])["results"]["bindings"]]
        assert "Gulmira Imin" in names
    assert outcome["void"].get("status") == 200 and outcome["void"]["etag"], "the page may read the ETag"
    for refused in ("read_with_token", "post_source", "put_source", "delete_source"):
        assert "refused" in outcome[refused], (refused, outcome[refused])
    assert public_quads(url) == before and not (root / "written").exists() and not (root / "audit.jsonl").exists()
