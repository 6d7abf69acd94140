"""One request, one generation of the store: a write landing mid-request cannot mix two."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import copy_seeds
from service import dumps as service_dumps
from web.test_writes import WRITER, document

DEADLINE = 60.0  # seconds; generous, since each step is a condition waited on, not a pause


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    root: Path = tmp_path_factory.mktemp("generations")
    with serve(root / "store", sources=copy_seeds(root / "sources"), writable_sources=root / "written",
               audit_log=root / "audit.jsonl", writer_tokens={"ana": WRITER}, max_request_bytes=20_000) as url:
        yield url


def test_a_dump_asked_before_a_write_is_the_old_store_under_the_old_tag(site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write lands while a dump request is between choosing its store and writing the file."""
    reached, go = threading.Event(), threading.Event()
    find_dump = service_dumps.find_dump

    def paused(*args: Any) -> Any:
        reached.set()
        assert go.wait(DEADLINE), "the test never let the request go on"
        return find_dump(*args)

    before = httpx.get(f"{site}/dumps/casegraph.nq", timeout=DEADLINE)
    monkeypatch.setattr(service_dumps, "find_dump", paused)
    answers: list[httpx.Response] = []
    asked = threading.Thread(target=lambda: answers.append(httpx.get(f"{site}/dumps/casegraph.nq", timeout=DEADLINE)))
    asked.start()
    try:
        assert reached.wait(DEADLINE), "the dump request never reached the store"
        written = httpx.post(f"{site}/sources", content=document("mid-request").encode(),
                             headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {WRITER}"}, timeout=DEADLINE)
        assert written.status_code == 201, written.text
    finally:
        go.set()
        asked.join(DEADLINE)
    monkeypatch.setattr(service_dumps, "find_dump", find_dump)
    during, after = answers[0], httpx.get(f"{site}/dumps/casegraph.nq", timeout=DEADLINE)

    assert during.status_code == after.status_code == 200
    assert (during.headers["etag"], during.content) == (before.headers["etag"], before.content)
    assert after.headers["etag"] != before.headers["etag"]
    assert b"source/mid-request" in after.content and b"source/mid-request" not in during.content
