"""A real uvicorn server on a free local port, serving the store built for the test session."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
import uvicorn
from starlette.types import ASGIApp

from conftest import BASE
from graph.paths import sources_dir
from graph.settings import Settings
from service.app import create_app
from stores import free_port, until

TIMEOUT = 2.0  # seconds; short, so that the runaway-query tests are quick
MAX_ROWS = 1000  # below the seed store's size, so that the cap can be reached


@pytest.fixture(scope="session")
def query_timeout() -> float:
    """The per-query time limit of the test server."""
    return TIMEOUT


@pytest.fixture(scope="session")
def max_rows() -> int:
    """The most rows one query may return from the test server."""
    return MAX_ROWS


@contextmanager
def serving(store_dir: Path, **overrides: object) -> Iterator[str]:
    """Run casegraph over a store in a real uvicorn server on a free port; yield its base URL.

    The service rebuilds a store that was built from other files than its sources, so the sources are
    the `sources` directory beside the store when there is one (the shipped ones otherwise), and
    nothing written by the API in a checkout (var/sources) can leak into a test.
    """
    beside = store_dir.parent / "sources"
    options: dict[str, object] = {"base": BASE, "store": store_dir, "port": free_port(), "max_request_bytes": 10_000,
                                  "sources": beside if beside.is_dir() else sources_dir(),
                                  "writable_sources": store_dir.parent / "written", "drafts": store_dir.parent / "drafts",
                                  "audit_log": store_dir.parent / "audit.jsonl",
                                  "query_timeout": TIMEOUT, "query_workers": 2, "max_rows": MAX_ROWS, **overrides}
    settings = Settings(**options)  # type: ignore[arg-type]
    with running_app(create_app(settings), settings.port) as url:
        yield url


@contextmanager
def running_app(app: ASGIApp, port: int) -> Iterator[str]:
    """An ASGI application in a real uvicorn server on a port, in a thread; its base URL once it has started."""
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    until(lambda: running.started or not thread.is_alive(), "the test server did not start", 30)
    if not running.started:
        raise RuntimeError("the test server stopped while starting")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def run_app() -> Callable[[ASGIApp, int], AbstractContextManager[str]]:
    """Run another ASGI application in a real server of its own: `with run_app(app, port) as url`."""
    return running_app


@pytest.fixture(scope="session")
def serve() -> Callable[..., AbstractContextManager[str]]:
    """Start another server over a store of a test's own: `with serve(store_dir, **settings) as url`."""
    return serving


@pytest.fixture(scope="session")
def server(store_dir: Path) -> Iterator[str]:
    """The base URL of a running casegraph service."""
    with serving(store_dir) as url:
        yield url
