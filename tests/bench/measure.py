"""Measuring: medians of repeated runs, time limits, peak memory of process trees, HTTP latency and throughput."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

SPARQL_JSON = "application/sparql-results+json"


@dataclass
class Result:
    """One measurement: what was measured, on which system, at which size, and its value."""

    size: int
    task: str
    system: str
    value: float | None  # None: did not finish within the limit
    unit: str = "s"
    limit: float | None = None
    runs: int = 1
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The measurement as a JSON object."""
        return asdict(self)


class OverLimit(Exception):
    """A measured step ran past its time limit."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise OverLimit in the main thread if the block runs longer than the limit (pure-Python work only)."""
    if not seconds:
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise OverLimit()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def once(action: Callable[[], Any], limit: float | None = None) -> float | None:
    """Seconds one run takes, or None past the limit."""
    start = time.perf_counter()
    try:
        with time_limit(limit):
            action()
    except OverLimit:
        return None
    return time.perf_counter() - start


def median(action: Callable[[], Any], budget: float = 3.0, most: int = 25, least: int = 3,
           limit: float | None = None) -> tuple[float | None, int]:
    """Median seconds of repeated runs after one warm-up: at least `least`, at most `most`, within about `budget` seconds."""
    first = once(action, limit)
    if first is None:
        return None, 1
    if first > budget:
        return first, 1  # too slow to repeat; the single (cold) run is the measure
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < most and (len(times) < least or time.perf_counter() - started < budget):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(times)


def wait_until(condition: Callable[[], bool], limit: float, every: float = 0.05) -> bool:
    """Poll a condition until it holds (True) or the limit passes (False)."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(every)
    return True


def wait_for(url: str, process: subprocess.Popen[bytes], limit: float) -> float:
    """Seconds until the URL answers 200; RuntimeError if the process dies or the limit passes."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if process.poll() is not None:
            raise RuntimeError(f"the server behind {url} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.02)  # the start-up rows are read to this step: 0.2 s blurred the restart target of 2 s
    raise RuntimeError(f"{url} did not answer within {limit:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server and everything it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def peak_memory_mb(pid: int) -> float:
    """Sum of the peak resident memory (VmHWM) of a process and all its descendants, in MB.

    Summing each process's own peak overstates a peak they never reached together, so this is an
    upper bound: a target met by it is met.
    """
    total_kb = 0
    for member in [pid, *_descendants(pid)]:
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        total_kb += int(found.group(1)) if found else 0
    return total_kb / 1024


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    for child_file in Path("/proc").glob(f"{pid}/task/*/children"):
        for child in child_file.read_text().split():
            found += [int(child), *_descendants(int(child))]
    return found


def query_url(endpoint: str, query: str, default_graphs: Sequence[str] = ()) -> str:
    """A SPARQL protocol GET URL for a query, over the default graphs named (the endpoint's own if none)."""
    return endpoint + "?" + urllib.parse.urlencode([("query", query), *(("default-graph-uri", g) for g in default_graphs)])


def http_query(client: httpx.Client, url: str) -> Callable[[], None]:
    """One SPARQL GET, JSON results, run afresh (no answer cache), failing loudly on any answer but 200."""

    def run() -> None:
        answer = client.get(url, headers={"Accept": SPARQL_JSON, "Cache-Control": "no-cache"})
        if answer.status_code != 200:
            raise RuntimeError(f"{url.partition('?')[0]} answered {answer.status_code}: {answer.text[:300]}")
        json.loads(answer.content)

    return run


def throughput(url: str, connections: int, seconds: int, fresh: bool) -> tuple[float, str]:
    """Requests per second wrk sustains against a GET URL, and a note of any failed requests (empty if none)."""
    return _rate(subprocess.run(_wrk(url, connections, seconds, fresh), capture_output=True, text=True, check=True).stdout)


def throughput_together(urls: list[str], connections: int, seconds: int) -> tuple[float, str]:
    """Requests per second one wrk per URL sustains, all at once, the connections shared out among them, answered afresh."""
    share = max(1, connections // len(urls))
    runs = [subprocess.Popen(_wrk(url, share, seconds, fresh=True), stdout=subprocess.PIPE, text=True) for url in urls]
    rates = [_rate(run.communicate()[0]) for run in runs]
    return sum(rate for rate, _ in rates), "; ".join(failed for _, failed in rates if failed)


def _wrk(url: str, connections: int, seconds: int, fresh: bool) -> list[str]:
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed: `make bench` installs Debian's wrk")
    return ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency",
            "-H", f"Accept: {SPARQL_JSON}", *(["-H", "Cache-Control: no-cache"] if fresh else []), url]


def _rate(output: str) -> tuple[float, str]:
    failures = "; ".join(m.group(0).strip() for m in re.finditer(r"Non-2xx or 3xx responses: \d+|Socket errors: .*", output))
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not rate:
        raise RuntimeError(f"wrk printed no rate:\n{output}")
    return float(rate.group(1)), failures


def latencies(url: str, count: int) -> tuple[list[float], int]:
    """Seconds each of `count` GETs of a SPARQL URL takes one after another, answered afresh, and how many were not 200."""
    times, refused = [], 0
    with httpx.Client(timeout=60) as client:
        for _ in range(count):
            start = time.perf_counter()
            answer = client.get(url, headers={"Accept": SPARQL_JSON, "Cache-Control": "no-cache"})
            times.append(time.perf_counter() - start)
            refused += answer.status_code != 200
    return times, refused


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


@contextmanager
def looping(url: str, clients: int) -> Iterator[None]:
    """Clients each asking a URL over and over, for as long as the block runs; it starts once each has been answered."""
    stop, answered = threading.Event(), threading.Semaphore(0)

    def loop() -> None:
        with httpx.Client(timeout=5) as client:  # a request given up on is stopped in the server too
            while not stop.is_set():
                try:
                    client.get(url)
                except httpx.HTTPError:
                    pass
                answered.release()

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for _ in range(clients):
        answered.acquire(timeout=60)
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join()
