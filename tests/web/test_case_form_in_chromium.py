"""The case form driven in Debian's headless Chromium by Playwright: a fictional case filled in, previewed and sent.

The case is fictional (invented names marked "Qxfictional"); it cites the real Urumqi court record and a new,
equally fictional prison, and must then be on its pages, in search and in the networks.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest

from conftest import BASE, copy_seeds
from stores import until

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError("CI needs Debian's chromium for the browser tests; .ci/run installs it")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

WRITER = "writer-token-for-browser-form-tests"
CG = "https://w3id.org/casegraph/ontology#"
DCTERMS = "http://purl.org/dc/terms/"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    root: Path = tmp_path_factory.mktemp("form-browser")
    with serve(root / "store", sources=copy_seeds(root / "sources"), writable_sources=root / "written",
               audit_log=root / "audit.jsonl", writer_tokens={"ana": WRITER}, max_request_bytes=200_000) as url:
        yield url


@pytest.fixture
def page(site: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        requested: list[str] = []
        tab.on("request", lambda request: requested.append(request.url))
        yield tab
        assert [url for url in requested if not url.startswith(site + "/")] == [], "the form reached another host"
        browser.close()


def _field(key: str, path: str) -> str:
    return f'fieldset[data-key="{key}"] .field[data-path="{path}"]'


def _add(page: object, cls: str, name: str) -> None:
    key = page.evaluate("document.querySelectorAll('#records fieldset.record').length")  # type: ignore[attr-defined]
    page.select_option("#new-kind", CG + cls)  # type: ignore[attr-defined]
    page.click("#add-record")  # type: ignore[attr-defined]
    page.fill(f'fieldset[data-key="r{key}"] .record-name', name)  # type: ignore[attr-defined]


def _refer(page: object, key: str, path: str, typed: str, chosen: str) -> None:
    """Type into a reference field and pick the suggestion whose label starts with `chosen`."""
    field = _field(key, path)
    page.fill(f"{field} .ref-label", typed)  # type: ignore[attr-defined]
    page.click(f'{field} .suggestions button:text-matches("^{chosen}")')  # type: ignore[attr-defined]


def test_a_fictional_case_filled_in_and_sent_is_on_its_pages_in_search_and_in_the_networks(page: object, site: str) -> None:
    page.goto(f"{site}/sources/new")  # type: ignore[attr-defined]
    page.fill("#token", WRITER)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_selector("#source-form")  # type: ignore[attr-defined]

    page.fill("#name", "fictional-browser-report")  # type: ignore[attr-defined]
    page.fill(f"{_field('s', DCTERMS + 'title')} input", "Fictional report written in the browser")  # type: ignore[attr-defined]
    page.select_option(f"{_field('s', CG + 'sourceKind')} select", CG + "source-news-release")  # type: ignore[attr-defined]
    page.select_option(f"{_field('s', CG + 'addressStatus')} select", CG + "address-unconfirmed")  # type: ignore[attr-defined]
    _refer(page, "s", DCTERMS + "publisher", "Human Rights", "Human Rights Watch")
    page.fill(f"{_field('s', DCTERMS + 'issued')} input", "2023-05")  # type: ignore[attr-defined]
    assert page.text_content(f"{_field('s', DCTERMS + 'issued')} .precision") == "year and month"  # type: ignore[attr-defined]

    _add(page, "Person", "Qxfictional Browserperson")
    _add(page, "DetentionFacility", "Qxfictional Browser Prison")
    page.select_option(f"{_field('r1', CG + 'facilityKind')} select", CG + "facility-prison")  # type: ignore[attr-defined]
    _add(page, "Custody", "Qxfictional Browserperson held in Qxfictional Browser Prison")
    _refer(page, "r2", CG + "concerns", "Qxfictional Browserp", "Qxfictional Browserperson")
    _refer(page, "r2", CG + "facility", "Qxfictional Browser Pri", "Qxfictional Browser Prison")
    _add(page, "Trial", "Trial of Qxfictional Browserperson")
    _refer(page, "r3", CG + "concerns", "Qxfictional Browserp", "Qxfictional Browserperson")
    _refer(page, "r3", CG + "court", "Urumqi Intermediate", "Urumqi Intermediate People's Court")
    page.fill(f"{_field('r3', CG + 'date')} input", "2022-11-03")  # type: ignore[attr-defined]
    assert page.text_content(f"{_field('r3', CG + 'date')} .precision") == "full date"  # type: ignore[attr-defined]

    page.click("button[value=preview]")  # type: ignore[attr-defined]
    preview = page.text_content("#preview")  # type: ignore[attr-defined]
    assert "qxfictional-browser-prison" in preview and "urumqi-intermediate-peoples-court" in preview
    page.click("button[value=send]")  # type: ignore[attr-defined]
    page.wait_for_url(f"{site}/source/fictional-browser-report")  # type: ignore[attr-defined]

    assert httpx.get(f"{site}/facility/qxfictional-browser-prison").status_code == 200
    trial = httpx.get(f"{site}/event/trial-of-qxfictional-browserperson", headers={"Accept": "application/n-triples"}).text
    assert f"<{BASE}court/urumqi-intermediate-peoples-court>" in trial
    found = httpx.get(f"{site}/search", params={"q": "Qxfictional Browser Prison", "format": "json"}).json()["results"]
    assert BASE + "facility/qxfictional-browser-prison" in {hit["iri"] for hit in found}
    ego = {"node": "person/qxfictional-browserperson", "view": "cases"}
    until(lambda: httpx.get(f"{site}/graph/ego", params=ego).status_code == 200, "the networks never showed the new person")
    nodes = {n["id"] for n in httpx.get(f"{site}/graph/ego", params=ego).json()["nodes"]}
    assert {BASE + "facility/qxfictional-browser-prison", BASE + "court/urumqi-intermediate-peoples-court"} <= nodes
