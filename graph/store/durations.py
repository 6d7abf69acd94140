"""Answers of a store that gives a year-month duration back as its number of months, mended.

Virtuoso 7.2 keeps an `xsd:yearMonthDuration` as a number of months, and gives it back so: a
sentence's term of "P12Y" comes back as "144", still typed `xsd:yearMonthDuration`, which is no
lexical form of that type. Whether a store does so is asked once, of the store itself; its answers
are then read term by term and each such literal written in the canonical form the embedded store
gives ("P12Y", "P1Y6M", "P0M").
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from graph.namespaces import PREFIXES

YEAR_MONTH_DURATION = ox.NamedNode(PREFIXES["xsd"] + "yearMonthDuration")
PROBE = f'SELECT ?d WHERE {{ BIND({ox.Literal("P1Y6M", datatype=YEAR_MONTH_DURATION)} AS ?d) }}'


def as_months(term: object) -> bool:
    """Whether a term is a year-month duration written as a number of months."""
    return isinstance(term, ox.Literal) and term.datatype == YEAR_MONTH_DURATION and _months(term.value) is not None


def canonical(months: int) -> str:
    """A number of months as the canonical lexical form of a year-month duration."""
    years, rest = divmod(abs(months), 12)
    return ("-" if months < 0 else "") + "P" + (f"{years}Y" if years else "") + (f"{rest}M" if rest or not years else "")


def mended(term: Any) -> Any:
    """The term, or the year-month duration it stands for if it is one written as months."""
    return ox.Literal(canonical(int(term.value)), datatype=YEAR_MONTH_DURATION) if as_months(term) else term


def mended_results(body: bytes) -> bytes:
    """A SPARQL JSON results document with its durations written as months mended, if it holds any: looking is one
    parse by pyoxigraph, mending a round trip through Python's JSON objects, three times as long and far larger."""
    return json.dumps(json.loads(body, object_hook=_mended_binding), ensure_ascii=False).encode() if _holds_months(body) \
        else body


def mended_triples(body: bytes) -> bytes:
    """An N-Triples document with its durations written as months mended."""
    triples = (ox.Triple(t.subject, t.predicate, mended(t.object)) for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _holds_months(body: bytes) -> bool:
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    try:
        return isinstance(solutions, ox.QuerySolutions) and any(as_months(term) for row in solutions for term in row)
    finally:
        del solutions  # dropped here, in the thread that made it, even when reading fails


def _mended_binding(value: dict[str, Any]) -> dict[str, Any]:
    if value.get("datatype") != YEAR_MONTH_DURATION.value or not isinstance(value.get("value"), str):
        return value
    months = _months(value["value"])
    return value if months is None else value | {"value": canonical(months)}


def _months(lexical: str) -> int | None:
    return int(lexical) if lexical.removeprefix("-").isdecimal() else None
