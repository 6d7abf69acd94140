"""A server killed (SIGKILL) in the middle of a write comes back with the graph exactly as before or as after,
and a write it acknowledged is never lost. The server is a real `casegraph serve` process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import httpx

from conftest import copy_seeds
from graph.editions.build import read_build
from stores import free_port, until
from web.test_writes import WRITER, document, state


@contextmanager
def server(root: Path, log: Path | None = None, **settings: str) -> Iterator[str]:
    """`casegraph serve` in its own process, its output appended to `log` and `settings` (CASEGRAPH_*) in its
    environment; yields its URL, and kills it with SIGKILL on the way out."""
    port = free_port()
    env = {**os.environ, "CASEGRAPH_SOURCES": str(root / "sources"), "CASEGRAPH_STORE": str(root / "store"),
           "CASEGRAPH_WRITABLE_SOURCES": str(root / "written"),
           "CASEGRAPH_DRAFTS": str(root / "drafts"), "CASEGRAPH_AUDIT_LOG": str(root / "audit.jsonl"),
           "CASEGRAPH_WRITER_TOKENS": f'{{"ana": "{WRITER}"}}', "CASEGRAPH_PORT": str(port), "CASEGRAPH_QUERY_WORKERS": "1",
           "CASEGRAPH_ACCESS_LOG": "false", **settings}
    output = (log or Path(os.devnull)).open("ab")
    process = subprocess.Popen([sys.executable, "-m", "service", "serve"], env=env, stdout=output,
                               stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        until(partial(_answering, process, url), "the server did not start", 90)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the whole group: the server and its query workers
        process.wait(timeout=30)
        output.close()


def _answering(process: subprocess.Popen[bytes], url: str) -> bool:
    assert process.poll() is None, "the server exited"
    try:
        return httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def post(url: str) -> int:
    answer = httpx.post(f"{url}/sources", content=document(), timeout=60,
                        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {WRITER}"})
    return answer.status_code


def test_a_kill_mid_write_leaves_before_or_after_and_an_acknowledged_write_survives(tmp_path: Path) -> None:
    copy_seeds(tmp_path / "sources")
    with server(tmp_path) as url:
        before = state(url)
        assert post(url) == 201
        after = state(url)
        # Acknowledged, then killed at once: still there after the restart.
    with server(tmp_path) as url:
        assert state(url) == after
        assert httpx.delete(f"{url}/sources/new-report", headers={"Authorization": f"Bearer {WRITER}"}).status_code == 204
        assert state(url) == before

    written, audit = tmp_path / "written" / "new-report.trig", tmp_path / "audit.jsonl"

    def progress() -> tuple[int, set[Path]]:
        """The accepted entries in the audit log, and the stores that writes have made."""
        return (audit.read_text().count('"outcome": "accepted"') if audit.is_file() else 0), set(tmp_path.glob("store-live-*"))

    # Kills at points of the write, each seen on disk first: before it reaches the server, once it is checked and
    # logged, once its file is renamed into place, once the new store is being made. Up to the rename either side
    # may result; from the rename on, the write must survive, acknowledged or not.
    points: list[tuple[str, Callable[[tuple[int, set[Path]]], bool], tuple[object, ...]]] = [
        ("sent", lambda start: True, (before, after)),
        ("logged", lambda start: progress()[0] > start[0], (before, after)),
        ("renamed", lambda start: written.is_file(), (after,)),
        ("revising", lambda start: bool(progress()[1] - start[1]), (after,)),
    ]
    for point, reached, allowed in points:
        with server(tmp_path) as url:
            if state(url) == after:  # a previous round's write went through: start again from before
                httpx.delete(f"{url}/sources/new-report", headers={"Authorization": f"Bearer {WRITER}"}, timeout=60)
            assert state(url) == before
            start = progress()
            writer = threading.Thread(target=lambda: _ignore_errors(post, url), daemon=True)
            writer.start()
            until(partial(reached, start), f"the write never reached the point '{point}'")
        writer.join(timeout=60)
        with server(tmp_path) as url:
            assert state(url) in allowed, f"killed at '{point}'"


def _ignore_errors(call: object, url: str) -> None:
    try:
        call(url)  # type: ignore[operator]
    except httpx.HTTPError:
        pass  # the server was killed under it, which is the point


def test_a_restart_after_writes_adopts_the_store_they_made_instead_of_rebuilding(tmp_path: Path) -> None:
    copy_seeds(tmp_path / "sources")
    with server(tmp_path) as url:
        assert post(url) == 201
        after = state(url)
        made = httpx.get(f"{url}/dumps/casegraph.nq").headers["last-modified"]
    built = read_build(next(tmp_path.glob("store-live-*"))).built
    until(lambda: datetime.now(UTC).replace(microsecond=0).isoformat() > built, "the clock never passed the write's second")
    with server(tmp_path) as url:
        assert state(url) == after
        assert read_build(tmp_path / "store").built == built, "the store was rebuilt (a rebuild is stamped later)"
        assert httpx.get(f"{url}/dumps/casegraph.nq").headers["last-modified"] == made
    assert not list(tmp_path.glob("store-live-*")), "the generation was moved into place, the others removed"
