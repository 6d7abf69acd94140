"""The list's people have readable IRIs, and every IRI they had before still works: 301 to the new one, owl:sameAs in RDF."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from conftest import BASE
from graph.paths import sources_dir

REGISTER = sources_dir().parent / "imports" / "chinese-political-prisoners" / "iris.csv"


def register() -> list[dict[str, str]]:
    with REGISTER.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def shipped(shipped_store_dir: Path, serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    """A server over every shipped source."""
    with serve(shipped_store_dir) as url:
        yield url


def test_no_iri_in_the_register_is_held_twice_and_every_person_has_a_readable_one() -> None:
    entries = register()
    held = Counter(iri for entry in entries for iri in (entry["iri"], entry["former"]) if iri)
    assert [iri for iri, times in held.items() if times > 1] == []
    assert len(entries) == 926 and not [e for e in entries if "ppc-" in e["iri"]]
    by_key = {entry["key"]: entry["iri"] for entry in entries}
    assert by_key["2014-02-cppc00006"] == "person/gao-zhisheng" and by_key["2015-08-cppc00277"] == "person/wang-quanzhang"


def test_every_former_iri_of_the_list_redirects_to_its_readable_one(shipped: str) -> None:
    with httpx.Client(base_url=shipped) as client:
        for entry in register():
            former = client.get("/" + entry["former"], headers={"Accept": "text/turtle"})
            assert (former.status_code, former.headers.get("location")) == (301, "/" + entry["iri"]), entry
            assert client.head("/" + entry["iri"], headers={"Accept": "text/turtle"}).status_code == 200, entry


def test_a_redirect_keeps_the_format_asked_for_and_a_browser_lands_on_the_new_page(shipped: str) -> None:
    turtle = httpx.get(f"{shipped}/person/ppc-2014-02-cppc00006.ttl?x=1")
    assert (turtle.status_code, turtle.headers["location"]) == (301, "/person/gao-zhisheng.ttl?x=1")
    page = httpx.get(f"{shipped}/person/ppc-2014-02-cppc00006", headers={"Accept": "text/html"}, follow_redirects=True)
    assert page.status_code == 200 and str(page.url) == f"{shipped}/person/gao-zhisheng" and "高智晟" in page.text


def test_the_new_record_says_owl_same_as_its_former_iri(shipped: str) -> None:
    graph = Graph().parse(f"{shipped}/person/gao-zhisheng", format="turtle")
    new, former = URIRef(BASE + "person/gao-zhisheng"), URIRef(BASE + "person/ppc-2014-02-cppc00006")
    assert (new, OWL.sameAs, former) in graph
    # the same holds where a documenter joined the row to a record already in the graph
    gulmira = Graph().parse(f"{shipped}/person/gulmira-imin", format="turtle")
    assert (URIRef(BASE + "person/gulmira-imin"), OWL.sameAs, URIRef(BASE + "person/ppc-2014-02-cppc00015")) in gulmira


def test_an_iri_no_record_ever_had_is_still_not_found(shipped: str) -> None:
    assert httpx.get(f"{shipped}/person/ppc-2099-01-cppc99999", headers={"Accept": "text/turtle"}).status_code == 404


@pytest.mark.parametrize("path", ["/person/gao-zhisheng", "/person/gao-zhisheng.ttl", "/.well-known/void", "/search?q=gao"])
def test_head_answers_as_get_does_without_the_body(shipped: str, path: str) -> None:
    get, head = httpx.get(shipped + path), httpx.head(shipped + path)
    assert (head.status_code, head.content) == (200, b"") and get.status_code == 200 and get.content
    assert {k: head.headers.get(k) for k in ("content-type", "etag", "vary", "link")} == \
           {k: get.headers.get(k) for k in ("content-type", "etag", "vary", "link")}
