"""A server killed (SIGKILL) in the middle of a write comes back with the graph exactly as before or as after,
and a write it acknowledged is never lost. The server is a real `casegraph serve` process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from conftest import copy_seeds
from service.test_writes import WRITER, document, state


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(root: Path, log: Path | None = None, **settings: str) -> Iterator[str]:
    """`casegraph serve` in its own process, its output appended to `log` and `settings` (CASEGRAPH_*) in its
    environment; yields its URL, and kills it with SIGKILL on the way out."""
    port = free_port()
    env = {**os.environ, "CASEGRAPH_SOURCES": str(root / "sources"), "CASEGRAPH_STORE": str(root / "store"),
           "CASEGRAPH_WRITABLE_SOURCES": str(root / "written"), "CASEGRAPH_AUDIT_LOG": str(root / "audit.jsonl"),
           "CASEGRAPH_WRITER_TOKENS": f'{{"ana": "{WRITER}"}}', "CASEGRAPH_PORT": str(port), "CASEGRAPH_QUERY_WORKERS": "1",
           "CASEGRAPH_ACCESS_LOG": "false", **settings}
    output = (log or Path(os.devnull)).open("ab")
    process = subprocess.Popen([sys.executable, "-m", "casegraph", "serve"], env=env, stdout=output,
                               stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the whole group: the server and its query workers
        process.wait(timeout=30)
        output.close()


def post(url: str) -> int:
    answer = httpx.post(f"{url}/sources", content=document(), timeout=60,
                        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {WRITER}"})
    return answer.status_code


def test_a_kill_mid_write_leaves_before_or_after_and_an_acknowledged_write_survives(tmp_path: Path) -> None:
    copy_seeds(tmp_path / "sources")
    with server(tmp_path) as url:
        before = state(url)
        started = time.monotonic()
        assert post(url) == 201
        took = time.monotonic() - started
        after = state(url)
        # Acknowledged, then killed at once: still there after the restart.
    with server(tmp_path) as url:
        assert state(url) == after
        assert httpx.delete(f"{url}/sources/new-report", headers={"Authorization": f"Bearer {WRITER}"}).status_code == 204
        assert state(url) == before

    seen = set()
    # Kills spread over the write: before it reaches the server, while it is checked, around the rename, while the
    # new store is built. Which side each lands on depends on timing; that each lands on one side does not.
    for delay in (0.0, took * 0.1, took * 0.3, took * 0.6, took * 0.9):
        with server(tmp_path) as url:
            if state(url) == after:  # a previous round's write went through: start again from before
                httpx.delete(f"{url}/sources/new-report", headers={"Authorization": f"Bearer {WRITER}"}, timeout=60)
            assert state(url) == before
            writer = threading.Thread(target=lambda: _ignore_errors(post, url), daemon=True)
            writer.start()
            time.sleep(delay)
        writer.join(timeout=60)
        with server(tmp_path) as url:
            now = state(url)
            assert now in (before, after), now
            seen.add("after" if now == after else "before")
    print(f"write took {took:.2f} s; kills left the graph {sorted(seen)}")
    assert seen, "no round completed"


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
    time.sleep(1.1)  # a rebuild now would be stamped with a later second
    with server(tmp_path) as url:
        assert state(url) == after
        assert httpx.get(f"{url}/dumps/casegraph.nq").headers["last-modified"] == made, "the store was rebuilt"
    assert not list(tmp_path.glob("store-live-*")), "the generation was moved into place, the others removed"
