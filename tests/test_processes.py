"""The children casegraph starts end with it, even when it is killed outright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from stores import until

# A parent holding a pool (as the service holds its document checker), which prints its pool process's id.
PARENT = """
import os, sys
from graph import processes
pool = processes.pool()
print(pool.submit(os.getpid).result(), flush=True)
sys.stdin.read()
"""


def ended(pid: int) -> bool:
    """Whether a process has ended: gone, or a zombie that nothing has reaped yet."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_a_pool_process_ends_when_its_parent_is_killed_outright() -> None:
    with subprocess.Popen([sys.executable, "-c", PARENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                          start_new_session=True) as parent:
        try:
            assert parent.stdout is not None
            child = int(parent.stdout.readline())
            assert not ended(child)
            parent.send_signal(signal.SIGKILL)
            parent.wait(timeout=30)
            until(lambda: ended(child), "the pool's process outlived its parent", seconds=30)
        finally:
            os.killpg(parent.pid, signal.SIGKILL)
