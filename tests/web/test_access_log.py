"""`casegraph serve` keeps no line per request unless CASEGRAPH_ACCESS_LOG is true: such a line would name the
reader's address beside the person they looked up."""

from __future__ import annotations

from pathlib import Path

import httpx

from conftest import copy_seeds
from web.test_write_durability import server

SEARCH = "/search?q=Tahir"


def served_and_logged(root: Path, **settings: str) -> str:
    """Search once on a real `casegraph serve`, stop it, and return everything it wrote."""
    log = root / "serve.log"
    log.unlink(missing_ok=True)
    with server(root, log, **settings) as url:
        assert httpx.get(url + SEARCH, timeout=30).status_code == 200
    return log.read_text()


def test_requests_are_not_logged_by_default_and_are_when_asked(tmp_path: Path) -> None:
    copy_seeds(tmp_path / "sources")
    quiet = served_and_logged(tmp_path)
    assert "Uvicorn running on" in quiet  # the output was captured: the server's own messages are there
    assert '"GET ' not in quiet  # neither the search nor the readiness checks before it

    logged = served_and_logged(tmp_path, CASEGRAPH_ACCESS_LOG="true")
    assert f'"GET {SEARCH} HTTP/1.1" 200' in logged
