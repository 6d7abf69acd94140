"""Accept-header negotiation, q-values and wildcards included."""

from __future__ import annotations

import httpx
import pytest

from casegraph.service.negotiation import choose

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


NEGOTIATED = ["/", "/search?q=imin", "/stats", "/sparql", "/sparql?query=ASK%7B%7D", "/person/gulmira-imin", "/.well-known/void",
              "/ontology", "/queries", "/queries/sources", "/graph/views", "/graph/views/people",
              "/graph/ego?node=person/gulmira-imin", "/graph/stats?view=people", "/dumps"]


@pytest.mark.parametrize("path", NEGOTIATED)
def test_every_negotiated_answer_varies_by_accept(server: str, path: str) -> None:
    """A shared cache must not hand a browser's HTML to a program that asked for JSON, or the reverse."""
    answers = {accept: httpx.get(server + path, headers={"Accept": accept}, timeout=60)
               for accept in ("text/html", "application/json", "*/*")}
    assert {a.status_code for a in answers.values()} <= {200, 406}, {k: a.status_code for k, a in answers.items()}
    if len({a.headers.get("content-type") for a in answers.values()}) > 1:
        for answer in answers.values():
            assert "accept" in [v.strip().lower() for v in answer.headers.get("vary", "").split(",")], (path, answer.headers)
