"""Accept-header negotiation, q-values and wildcards included."""

from __future__ import annotations

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
