"""The entity pages in a real headless Chromium: rendered content and a screenshot."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("CI needs Debian's chromium for the browser tests; .ci/run installs it")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

EDITOR = Path(__file__).parents[2] / "service" / "node_modules" / "codemirror"
if CHROMIUM is not None and os.environ.get("CI") and not EDITOR.is_dir():
    raise RuntimeError("CI needs the query page's editor: npm ci --prefix service (make install runs it)")

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


def test_the_query_page_runs_a_query_in_the_editor_and_shows_a_table(server: str) -> None:
    query = "SELECT ?name WHERE { ?p a cg:Person ; skos:prefLabel ?name }"
    url = f"{server}/query?" + urlencode({"query": query, "run": "1"})
    dom = chromium("--virtual-time-budget=8000", "--dump-dom", url).stdout
    if EDITOR.is_dir():
        assert 'class="CodeMirror' in dom, "the editor installed from npm is running"
    else:
        assert '<textarea id="query"' in dom, "without npm, a plain text area"
    assert '<table class="results">' in dom and '<td lang="en">Gulmira Imin</td>' in dom and "4 rows" in dom
    assert "Tahir Imin's associates</button>" in dom, "the named queries are one-click examples"
