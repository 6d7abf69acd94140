"""The network explorer driven in Debian's headless Chromium by Playwright: drawn, expanded, filtered, explained."""

from __future__ import annotations

import os
import shutil
import struct
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from service.vendor import installed

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("CI needs Debian's chromium for the browser tests; .ci/run installs it")
DRAWING = installed("cytoscape")
if os.environ.get("CI") and not DRAWING:
    raise RuntimeError("CI needs the explorer's drawing library: npm ci --prefix service (make install runs it)")
pytestmark = pytest.mark.skipif(CHROMIUM is None or not DRAWING, reason="needs chromium and cytoscape from npm")

PARTNER = "https://w3id.org/casegraph/person/tahir-imin-business-partner-1"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture
def page(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        requested: list[str] = []
        tab.on("request", lambda request: requested.append(request.url))
        tab.goto(f"{server}/explore?node=person/tahir-imin")
        tab.wait_for_function("window.explorer && window.explorer.cy.nodes().length > 1")
        yield tab
        assert [url for url in requested if not url.startswith(server + "/")] == [], "the explorer reached another host"
        browser.close()


def _count(page: object, what: str) -> int:
    return int(page.evaluate(f"window.explorer.cy.{what}().length"))  # type: ignore[attr-defined]


def _click_node(page: object, iri: str) -> None:
    x, y = page.evaluate("""(iri) => {  // type: ignore[attr-defined]
        const p = window.explorer.cy.getElementById(iri).renderedPosition();
        const box = document.getElementById('canvas').getBoundingClientRect();
        return [p.x + box.left, p.y + box.top]; }""", iri)
    page.mouse.click(x, y)  # type: ignore[attr-defined]


def test_the_ego_network_is_drawn_and_a_click_expands_it(page: object, tmp_path: Path) -> None:
    labels = set(page.evaluate("window.explorer.cy.nodes().map(n => n.data('label'))"))  # type: ignore[attr-defined]
    assert "Tahir Imin" in labels and "business partner of Tahir Imin (unidentified, 6 of 6)" in labels
    before = _count(page, "nodes")
    _click_node(page, PARTNER)
    page.wait_for_function(f"window.explorer.cy.nodes().length > {before}")  # type: ignore[attr-defined]
    added = set(page.evaluate("window.explorer.cy.nodes().map(n => n.data('label'))")) - labels  # type: ignore[attr-defined]
    assert "Urumqi Intermediate People's Court" in added, "expanding a partner adds the court that tried him"
    graphml = page.get_attribute("#download-graphml", "href")  # type: ignore[attr-defined]
    assert graphml.count("node=") == 2, "the GraphML download covers what is shown"
    shot = tmp_path / "explorer.png"
    page.screenshot(path=str(shot))  # type: ignore[attr-defined]
    data = shot.read_bytes()
    assert struct.unpack(">II", data[16:24]) == (1400, 1000) and len(data) > 40_000, "a drawn network, not a blank page"


def test_filtering_by_kind_hides_those_links(page: object) -> None:
    visible = int(page.evaluate("window.explorer.cy.edges(':visible').length"))  # type: ignore[attr-defined]
    page.uncheck("#kinds input[value=speaker]")  # type: ignore[attr-defined]
    hidden = int(page.evaluate("window.explorer.cy.edges('[kind = \"speaker\"]').length"))  # type: ignore[attr-defined]
    assert hidden > 0
    assert int(page.evaluate("window.explorer.cy.edges(':visible').length")) == visible - hidden  # type: ignore[attr-defined]


def test_hovering_a_link_names_its_source(page: object) -> None:
    x, y = page.evaluate("""() => { const edge = window.explorer.cy.edges('[kind = "businessPartner"]')[0];
        const p = edge.renderedMidpoint(); const box = document.getElementById('canvas').getBoundingClientRect();
        return [p.x + box.left, p.y + box.top]; }""")  # type: ignore[attr-defined]
    page.mouse.move(x, y)  # type: ignore[attr-defined]
    page.wait_for_selector("#tip:not([hidden])")  # type: ignore[attr-defined]
    tip = page.text_content("#tip")  # type: ignore[attr-defined]
    assert "business partner" in tip and "hrw-ikram-nurmehmet" in tip


def test_searching_adds_a_node(page: object) -> None:
    page.fill("#add-q", "Gulmira")  # type: ignore[attr-defined]
    page.click("#add-hits li >> text=Gulmira Imin")  # type: ignore[attr-defined]
    page.wait_for_function("!window.explorer.cy.getElementById('https://w3id.org/casegraph/person/gulmira-imin').empty()")  # type: ignore[attr-defined]


def test_png_and_svg_downloads(page: object, tmp_path: Path) -> None:
    with page.expect_download() as png:  # type: ignore[attr-defined]
        page.click("#download-png")  # type: ignore[attr-defined]
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as svg:  # type: ignore[attr-defined]
        page.click("#download-svg")  # type: ignore[attr-defined]
    text = Path(svg.value.path()).read_text(encoding="utf-8")
    assert text.startswith("<svg") and text.count("<circle") == _count(page, "nodes") and "Tahir Imin" in text


@pytest.fixture(scope="module")
def shipped(serve: Callable[..., AbstractContextManager[str]], shipped_store_dir: Path) -> Iterator[str]:
    """A server over every shipped source, where most people are named in Chinese characters only."""
    with serve(shipped_store_dir) as url:
        yield url


@pytest.mark.parametrize("typed, shown, iri", [
    ("zhang liumao", "张六毛", "person/zhang-liumao"), ("伊力哈木·土赫提", "Ilham Tohti", "person/ilham-tohti")])
def test_the_search_box_finds_names_across_scripts(shipped: str, typed: str, shown: str, iri: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.goto(f"{shipped}/explore?node=person/tahir-imin")
        tab.wait_for_function("window.explorer && window.explorer.cy.nodes().length > 1")
        tab.fill("#add-q", typed)
        tab.click(f"#add-hits li >> text={shown}")
        tab.wait_for_function(f"!window.explorer.cy.getElementById('https://w3id.org/casegraph/{iri}').empty()")
        browser.close()
