"""A query past its time limit is really stopped, and the server goes on answering others."""

from __future__ import annotations

import threading
import time

import httpx

# Four-way cross product of every statement: billions of rows, far beyond any time limit.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
QUICK = "ASK { ?s ?p ?o }"


def test_a_runaway_query_is_stopped_with_503(server: str, query_timeout: float) -> None:
    started = time.monotonic()
    response = httpx.get(f"{server}/sparql", params={"query": RUNAWAY}, timeout=60)
    assert response.status_code == 503 and "was stopped" in response.text
    assert time.monotonic() - started < query_timeout + 15


def test_other_queries_are_answered_while_one_runs_away(server: str, query_timeout: float) -> None:
    slow: list[int] = []

    def runaway() -> None:
        slow.append(httpx.get(f"{server}/sparql", params={"query": RUNAWAY}, timeout=60).status_code)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    quick = httpx.get(f"{server}/sparql", params={"query": QUICK}, timeout=60)
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    assert time.monotonic() - started < query_timeout, "answered by the other worker, not after the runaway"
    thread.join()
    assert slow == [503]


def test_stopped_workers_are_replaced_so_runaways_cannot_exhaust_the_pool(server: str) -> None:
    # Two runaways in a row would leave both workers busy for good if they were not killed and replaced.
    for _ in range(2):
        assert httpx.get(f"{server}/sparql", params={"query": RUNAWAY}, timeout=60).status_code == 503
    answers: list[httpx.Response] = []

    def quick() -> None:
        answers.append(httpx.get(f"{server}/sparql", params={"query": QUICK}, timeout=60))

    threads = [threading.Thread(target=quick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200, 200]
