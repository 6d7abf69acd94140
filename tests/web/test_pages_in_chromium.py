"""The entity pages in a real headless Chromium: rendered content and a screenshot."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import pytest

from service.vendor import installed

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("CI needs Debian's chromium for the browser tests; .ci/run installs it")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

EDITOR = installed("codemirror")
if CHROMIUM is not None and os.environ.get("CI") and not EDITOR:
    raise RuntimeError("CI needs the query page's editor: npm ci --prefix service (make install runs it)")

SWAGGER = installed("swagger-ui")

# Flags for a closed network: no background connections, no first-run or sync traffic.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as profile:
        command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


def test_the_rendered_page_shows_the_person_and_the_sources(server: str) -> None:
    dom = chromium("--dump-dom", f"{server}/person/ikram-nurmehmet").stdout
    assert "<h1>Ikram Nurmehmet</h1>" in dom
    assert "Human Rights Watch, 17 October 2024" in dom
    assert "Urumqi No. 1 Detention Center" in dom


def test_a_screenshot_of_a_page_with_a_disagreement(server: str, tmp_path: Path) -> None:
    shot = tmp_path / "xinjiang.png"
    chromium("--window-size=1000,1400", f"--screenshot={shot}", f"{server}/place/xinjiang")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1000, 1400)
    assert len(data) > 30_000, "a blank page compresses to a few kilobytes; this one has text on it"


def test_searching_from_the_browser_finds_her(server: str) -> None:
    dom = chromium("--dump-dom", f"{server}/search?q=G%C3%BClmira").stdout
    assert 'href="/person/gulmira-imin"' in dom and "Gulmira Imin" in dom


def test_the_query_page_runs_a_query_in_the_editor_and_shows_a_table(server: str, tmp_path: Path) -> None:
    query = "SELECT ?name WHERE { ?p a cg:Person ; skos:prefLabel ?name }"
    url = f"{server}/query?" + urlencode({"query": query, "run": "1"})
    netlog = tmp_path / "net.json"
    dom = chromium("--virtual-time-budget=8000", f"--log-net-log={netlog}", "--dump-dom", url).stdout
    requested = page_requests(netlog, server)
    assert f"{server}/sparql" in {u.split("?")[0] for u in requested}, "the page asked the endpoint"
    assert [u for u in requested if not u.startswith(server + "/")] == [], "nothing from another host"
    if EDITOR:
        assert 'class="CodeMirror' in dom, "the editor installed from npm is running"
    else:
        assert '<textarea id="query"' in dom, "without npm, a plain text area"
    assert '<table class="results">' in dom and '<td lang="en">Gulmira Imin</td>' in dom and "4 rows" in dom
    assert "Tahir Imin's associates</button>" in dom, "the named queries are one-click examples"


def test_the_api_documentation_renders_offline_with_every_route(server: str, tmp_path: Path) -> None:
    netlog = tmp_path / "net.json"
    dom = chromium("--virtual-time-budget=10000", f"--log-net-log={netlog}", "--dump-dom", f"{server}/docs").stdout
    if not SWAGGER:
        pytest.skip("swagger-ui-dist is not installed (npm ci --prefix service)")
    assert 'class="swagger-ui' in dom, "Swagger UI from npm is running"
    for route in ("/sparql", "/dumps/{filename}", "/queries/{name}", "/search", "/{kind}/{name}"):
        assert f'data-path="{route}"' in dom, f"{route} is documented"
    requested = page_requests(netlog, server)
    assert any(url.endswith("swagger-ui-bundle.js") for url in requested)
    foreign = [url for url in requested if not url.startswith(server + "/")]
    assert not foreign, f"the page reached other hosts: {foreign}"


def page_requests(netlog: Path, origin: str) -> list[str]:
    """The URLs a page served from this origin asked for, from Chromium's network log.

    The browser's own traffic (component updates, account checks) is initiated by no origin, so it is
    told apart from the page's by the request's initiator.
    """
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [event["params"]["url"] for event in log["events"]
            if event["type"] == start and event.get("params", {}).get("initiator") == origin]
