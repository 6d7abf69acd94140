"""Requests that make no sense get a 4xx saying what is wrong and where, one line in the log and no traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest

from conftest import copy_seeds

WRITER = "writer-token-for-hostile-input"
LOGGER = "service.errors"


def refusals(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What the service logged; every record is checked to carry no traceback."""
    records = [r for r in caplog.records if r.name == LOGGER]
    assert not any(r.exc_info or r.exc_text for r in records), [r.getMessage() for r in records]
    return records


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger=LOGGER)
    return caplog


@pytest.mark.parametrize(("path", "shown"), [
    ("/person/a%20b", "'/person/a b'"),
    ("/person/x%00.ttl", "'/person/x\\x00'"),
    ("/person/%3Cx%3E", "'/person/<x>'"),
])
def test_an_entity_path_that_makes_no_iri_is_a_bad_request(server: str, logged: pytest.LogCaptureFixture,
                                                            path: str, shown: str) -> None:
    answer = httpx.get(f"{server}{path}", headers={"Accept": "text/turtle"})
    assert answer.status_code == 400, answer.text
    assert shown in answer.text and "is not a valid IRI" in answer.text and "Invalid IRI code point" in answer.text
    lines = refusals(logged)
    assert len(lines) == 1 and "with 400" in lines[0].getMessage() and "\x00" not in lines[0].getMessage()


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory, serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    root: Path = tmp_path_factory.mktemp("hostile")
    with serve(root / "store", sources=copy_seeds(root / "sources"), writer_tokens={"ana": WRITER},
               max_request_bytes=200_000) as url:
        yield url


def quads(site: str) -> str:
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    return httpx.get(f"{site}/sparql", params={"query": query}, headers={"Accept": "text/csv"}).text


@pytest.mark.parametrize(("levels", "document", "where"), [
    (400, '{"http://example.org/p": ' * 400 + '{"@id": "http://example.org/x"}' + "}" * 400, "(at /http:~1~1example.org~1p/"),
    (5000, "[" * 5000 + "]" * 5000, "more than 100 deep"),
])
def test_json_ld_nested_past_the_limit_is_a_bad_request(writable: str, logged: pytest.LogCaptureFixture,
                                                        levels: int, document: str, where: str) -> None:
    before = quads(writable)
    answer = httpx.post(f"{writable}/sources", content=document, timeout=60,
                        headers={"Content-Type": "application/ld+json", "Authorization": f"Bearer {WRITER}"})
    assert answer.status_code == 400, answer.text
    assert "nests JSON objects and arrays more than 100 deep" in answer.text and where in answer.text
    assert quads(writable) == before
    lines = [r for r in refusals(logged) if "POST /sources" in r.getMessage()]
    assert len(lines) == 1 and "with 400" in lines[0].getMessage()


def test_json_ld_within_the_limit_still_reaches_the_checks(writable: str) -> None:
    document = '{"http://example.org/p": ' * 90 + '{"@id": "http://example.org/x"}' + "}" * 90
    answer = httpx.post(f"{writable}/sources", content=document, timeout=60,
                        headers={"Content-Type": "application/ld+json", "Authorization": f"Bearer {WRITER}"})
    assert answer.status_code == 400 and "exactly one cg:SourceDocument" in answer.text


def test_a_remote_context_scoped_inside_a_context_is_refused(writable: str) -> None:
    document = '{"@context": {"p": {"@id": "http://example.org/p", "@context": "http://127.0.0.1:9/c"}}, "@id": "x"}'
    answer = httpx.post(f"{writable}/sources", content=document, timeout=60,
                        headers={"Content-Type": "application/ld+json", "Authorization": f"Bearer {WRITER}"})
    assert answer.status_code == 400 and "/@context/p/@context names one" in answer.text
