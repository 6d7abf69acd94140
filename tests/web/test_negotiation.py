"""Accept-header negotiation, q-values and wildcards included."""

from __future__ import annotations

import httpx
import pytest

from service.negotiation import choose, negotiate

OFFERED = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("", "application/sparql-results+json"),
        ("text/csv", "text/csv"),
        ("text/*", "text/csv"),
        ("application/sparql-results+xml;q=0.9, text/csv;q=0.8", "application/sparql-results+xml"),
        ("*/*;q=0.1, text/csv", "text/csv"),
        ("text/csv;q=0, */*", "application/sparql-results+json"),
        ("application/*;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("image/png", None),
        ("text/csv;q=0", None),
        ("text/csv;q=nonsense, application/sparql-results+xml", "application/sparql-results+xml"),
        ("garbage, text/csv", "text/csv"),
    ],
)
def test_choose(accept: str | None, expected: str | None) -> None:
    assert choose(accept, OFFERED) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/turtle", "application/sparql-results+json"),
        ("application/sparql-results+json;q=0, text/turtle", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("*/*;q=0", "application/sparql-results+json"),
    ],
)
def test_negotiate_falls_back_to_the_first_offer_not_refused(accept: str, expected: str) -> None:
    assert negotiate(accept, OFFERED) == expected


NEGOTIATED = ["/", "/search?q=imin", "/stats", "/sparql", "/sparql?query=ASK%7B%7D", "/person/gulmira-imin", "/.well-known/void",
              "/ontology", "/queries", "/queries/sources", "/graph/views", "/graph/views/people",
              "/graph/ego?node=person/gulmira-imin", "/graph/stats?view=people", "/dumps"]


@pytest.mark.parametrize("path", NEGOTIATED)
def test_every_negotiated_answer_varies_by_accept(server: str, path: str) -> None:
    """A shared cache must not hand a browser's HTML to a program that asked for JSON, or the reverse."""
    answers = {accept: httpx.get(server + path, headers={"Accept": accept}, timeout=60)
               for accept in ("text/html", "application/json", "*/*")}
    assert {a.status_code for a in answers.values()} == {200}, {k: a.status_code for k, a in answers.items()}
    if len({a.headers.get("content-type") for a in answers.values()}) > 1:
        for answer in answers.values():
            assert "accept" in [v.strip().lower() for v in answer.headers.get("vary", "").split(",")], (path, answer.headers)


# What each route sends when the client accepts none of its formats: what `Accept: */*` gets.
DEFAULTS = {
    "/sparql": "text/turtle",
    "/sparql?query=ASK%7B%7D": "application/sparql-results+json",
    "/queries/sources": "application/sparql-results+json",
    "/person/gulmira-imin": "text/turtle",
    "/.well-known/void": "text/turtle",
    "/ontology": "text/html",
    "/graph/views/people": "application/json",
    "/graph/ego?node=person/gulmira-imin": "application/json",
    "/graph/path?source=person/gulmira-imin&target=person/tahir-imin": "application/json",
}


@pytest.mark.parametrize(("path", "expected"), DEFAULTS.items())
def test_an_unacceptable_accept_gets_the_default_not_406(server: str, path: str, expected: str) -> None:
    answer = httpx.get(server + path, headers={"Accept": "application/x-nothing-here"}, timeout=60)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].split(";")[0] == expected
    assert answer.headers["content-type"].split(";")[0] == httpx.get(server + path, headers={"Accept": "*/*"}).headers[
        "content-type"].split(";")[0], "the default is what */* gets"
    assert "accept" in [v.strip().lower() for v in answer.headers["vary"].split(",")]
