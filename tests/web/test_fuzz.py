"""Every operation of the OpenAPI document, fuzzed with valid and invalid input: no request makes the server fail (5xx)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from conftest import BASE, copy_seeds
from graph.settings import Settings
from service.app import create_app

WRITER = "writer-token-for-fuzzing"
EXAMPLES = 100  # per operation, valid and invalid input together; the whole run takes one to two minutes on two cores
# The document as the application makes it, read at collection so that each operation is a test of its own.
DOCUMENT = create_app(Settings(base=BASE)).openapi()
OPERATIONS = [result.ok() for result in schemathesis.openapi.from_dict(DOCUMENT).get_all_operations()]
# Values that get a request past its first lookup, so that the rest of it, fuzzed, reaches further in.
ANCHORS: dict[str, dict[str, Any]] = {
    "GET /sparql": {"query": {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"}},
    "GET /graph/ego": {"query": {"node": ["person/tahir-imin"]}},
    "GET /graph/path": {"query": {"source": "person/tahir-imin", "target": "person/gulmira-imin"}},
    "GET /{kind}/{name}": {"path_parameters": {"kind": "person"}},
    "GET /reconcile": {"query": {"queries": '{"q0": {"query": "Gulmira Imin", "type": "Person"}}'}},
    "POST /reconcile": {"body": {"queries": '{"q0": {"query": "Imin", "properties": [{"pid": "birthDate", "v": 1978}]}}'}},
    "GET /reconcile/preview": {"query": {"id": "person/gulmira-imin"}},
}


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory, serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    """A server of the fuzz run's own, with a writer token, over a store built from the seeds."""
    root: Path = tmp_path_factory.mktemp("fuzz")
    with serve(root / "store", sources=copy_seeds(root / "sources"), writer_tokens={"fuzz": WRITER}) as url:
        yield url


def test_the_server_serves_the_document_fuzzed(fuzzed: str) -> None:
    assert httpx.get(f"{fuzzed}/openapi.json").json() == DOCUMENT


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_no_request_makes_the_server_fail(operation: schemathesis.APIOperation, fuzzed: str) -> None:
    anchored = ANCHORS.get(operation.label, {})
    cases = st.one_of(*(operation.as_strategy(mode, **given) for mode in GenerationMode for given in ({}, anchored)))

    # Derandomized, without an example database: each run sends the same requests, so a failure on CI reproduces.
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def call(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=fuzzed, headers={"Authorization": f"Bearer {WRITER}"},
                               checks=[not_a_server_error], timeout=30)

    call()
