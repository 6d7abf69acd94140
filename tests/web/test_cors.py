"""Cross-origin reads over plain HTTP: preflights and the headers that let a page elsewhere read public answers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest

READER = "reader-token-for-cors"
ELSEWHERE = "http://127.0.0.1:9"  # another origin; only ever named in a header, never connected to
NAME = ("SELECT ?name WHERE { <https://w3id.org/casegraph/person/gulmira-imin> "
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?name }")
PUBLIC_READS = ["/sparql", "/sparql?query=ASK%7B%7D", "/person/gulmira-imin", "/person/gulmira-imin.ttl", "/dumps",
                "/dumps/casegraph.nq", "/.well-known/void", "/search?q=imin&format=json", "/graph/views",
                "/graph/ego?node=person/gulmira-imin", "/queries", "/queries/sources"]


@pytest.fixture(scope="module")
def site(store_dir: Path, serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    """The service with a reader token, over the session's store (nothing here writes)."""
    with serve(store_dir, reader_tokens={"ben": READER}) as url:
        yield url


def preflight(site: str, path: str, method: str, headers: str | None = None) -> httpx.Response:
    asked = {"Origin": ELSEWHERE, "Access-Control-Request-Method": method}
    return httpx.options(f"{site}{path}", headers=asked | ({"Access-Control-Request-Headers": headers} if headers else {}))


def listed(response: httpx.Response, header: str) -> set[str]:
    return {v.strip().lower() for v in response.headers.get(header, "").split(",") if v.strip()}


def test_a_query_by_post_from_another_origin_is_granted_its_preflight(site: str) -> None:
    """A POST of application/sparql-query is not a simple request: the browser asks first (YASGUI got 405)."""
    answer = preflight(site, "/sparql", "POST", "content-type, accept")
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == "*"
    assert {"get", "head", "post"} <= listed(answer, "access-control-allow-methods")
    assert {"content-type", "accept", "cache-control"} <= listed(answer, "access-control-allow-headers")
    assert int(answer.headers["access-control-max-age"]) >= 3600
    assert "access-control-allow-credentials" not in answer.headers


@pytest.mark.parametrize("path", PUBLIC_READS)
def test_public_answers_are_readable_from_any_origin(site: str, path: str) -> None:
    answer = httpx.get(f"{site}{path}", headers={"Origin": ELSEWHERE}, timeout=60)
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == "*"
    assert {"etag", "last-modified", "link", "content-location"} <= listed(answer, "access-control-expose-headers")
    assert preflight(site, path.split("?")[0], "GET", "accept").status_code == 204


@pytest.mark.parametrize("path", ["/sparql?query=ASK%7B%7D", "/person/gulmira-imin", "/.well-known/void"])
def test_the_permission_does_not_depend_on_the_origin_so_nothing_varies_with_it(site: str, path: str) -> None:
    """The same answer with or without Origin: a shared cache may hand it to any page, so there is no Vary: Origin."""
    answers = [httpx.get(f"{site}{path}", headers=headers) for headers in ({"Origin": ELSEWHERE}, {}, {"Origin": "null"})]
    assert {a.headers["access-control-allow-origin"] for a in answers} == {"*"}
    assert not any("origin" in listed(a, "vary") for a in answers)


def test_a_query_by_post_gets_its_answer_with_permission(site: str) -> None:
    answer = httpx.post(f"{site}/sparql", content=NAME, headers={
        "Origin": ELSEWHERE, "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    assert answer.status_code == 200 and answer.headers["access-control-allow-origin"] == "*"
    assert "Gulmira Imin" in answer.text


def test_an_error_is_readable_too_so_a_page_can_show_it(site: str) -> None:
    answer = httpx.get(f"{site}/sparql", params={"query": "SELECT ?x WHERE {"}, headers={"Origin": ELSEWHERE})
    assert answer.status_code == 400 and answer.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(("path", "method"), [("/sources", "POST"), ("/sources/some-report", "PUT"),
                                              ("/sources/some-report", "DELETE"), ("/sparql", "PUT"), ("/dumps", "POST")])
def test_writes_are_not_opened_to_other_origins(site: str, path: str, method: str) -> None:
    answer = preflight(site, path, method, "content-type")
    assert answer.status_code == 403 and f"other origins may not {method} {path}" in answer.text
    assert "access-control-allow-origin" not in answer.headers


def test_a_write_sent_without_a_preflight_gets_no_permission_to_read_its_answer(site: str) -> None:
    """text/plain needs no preflight; the write is refused for want of a token, and the page may not read even that."""
    answer = httpx.post(f"{site}/sources", content="x", headers={"Origin": ELSEWHERE, "Content-Type": "text/plain"})
    assert answer.status_code == 401 and "access-control-allow-origin" not in answer.headers


def test_a_page_elsewhere_may_not_send_a_token(site: str) -> None:
    answer = preflight(site, "/sparql", "GET", "authorization")
    assert answer.status_code == 403 and "answers to a token are not shared with other origins" in answer.text
    assert "access-control-allow-origin" not in answer.headers


def test_a_token_holders_answer_never_carries_permission(site: str) -> None:
    """Whatever sent it, an answer to a token is kept from pages elsewhere, and from shared caches."""
    answer = httpx.get(f"{site}/sparql", params={"query": NAME},
                       headers={"Origin": ELSEWHERE, "Authorization": f"Bearer {READER}"})
    assert answer.status_code == 200 and "Gulmira Imin" in answer.text
    assert "access-control-allow-origin" not in answer.headers and "access-control-allow-credentials" not in answer.headers
    assert "authorization" in listed(answer, "vary") and "no-store" in answer.headers["cache-control"]


def test_a_plain_options_request_is_left_to_the_routes(site: str) -> None:
    """Only a preflight (Origin and Access-Control-Request-Method) is answered for CORS."""
    assert httpx.options(f"{site}/sparql").status_code == 405
