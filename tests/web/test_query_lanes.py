"""Short queries always find a worker: a query past the short budget moves to the long lane, or is refused when it is full."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
from test_workers import children, lowered

from stores import until

# A three-way cross product of every statement: billions of rows, far beyond any time limit.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ANOTHER_RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?t ?q ?r . ?u ?v ?w }"
POINT_LOOKUP = "SELECT ?p ?o WHERE { <person/gulmira-imin> ?p ?o }"
FRESH = {"Cache-Control": "no-cache", "Accept": "application/sparql-results+json"}  # past the answer cache, to a worker
LONG_LANE_BUSY = "the long-query lane is busy"
DEADLINE = 60.0  # seconds any one request may take in these tests


def test_point_lookups_are_answered_while_four_clients_loop_on_runaways(
        serve: Callable[..., AbstractContextManager[str]], store_dir: Path) -> None:
    with serve(store_dir, query_timeout=5.0) as site:
        stop = threading.Event()
        runaways: list[int] = []
        answered = threading.Condition()

        def loop() -> None:
            with httpx.Client(timeout=DEADLINE) as client:
                while not stop.is_set():
                    status = client.get(f"{site}/sparql", params={"query": RUNAWAY}).status_code
                    with answered:
                        runaways.append(status)
                        answered.notify_all()

        clients = [threading.Thread(target=loop) for _ in range(4)]
        for client in clients:
            client.start()
        try:
            with answered:  # every client has been answered once: the runaway is known, and all four are at it
                assert answered.wait_for(lambda: len(runaways) >= 4, timeout=DEADLINE), "the runaway queries were not answered"
            with httpx.Client(timeout=DEADLINE) as client:
                lookups = [client.get(f"{site}/sparql", params={"query": POINT_LOOKUP}, headers=FRESH) for _ in range(20)]
        finally:
            stop.set()
            for client in clients:
                client.join()
        assert [answer.status_code for answer in lookups] == [200] * 20, [answer.text for answer in lookups]
        assert all(answer.json()["results"]["bindings"] for answer in lookups)
        assert set(runaways) == {503}, "each runaway was stopped at the time limit, or refused"


def test_a_runaway_in_the_free_long_lane_runs_to_the_time_limit(
        serve: Callable[..., AbstractContextManager[str]], store_dir: Path) -> None:
    with serve(store_dir, query_timeout=3.0, query_budget=0.2) as site:
        answer = httpx.get(f"{site}/sparql", params={"query": RUNAWAY}, timeout=DEADLINE)
        assert answer.status_code == 503
        assert "ran longer than 3 s and was stopped" in answer.text


def test_runaways_are_refused_with_a_clear_message_while_the_long_lane_is_full(
        serve: Callable[..., AbstractContextManager[str]], store_dir: Path) -> None:
    with serve(store_dir, query_timeout=5.0) as site:
        first = httpx.get(f"{site}/sparql", params={"query": RUNAWAY}, timeout=DEADLINE)
        assert "was stopped" in first.text, "the long lane was free: the runaway ran to the time limit"
        before = lowered(children())
        holding: list[httpx.Response] = []
        holder = threading.Thread(target=lambda: holding.append(
            httpx.get(f"{site}/sparql", params={"query": RUNAWAY}, timeout=DEADLINE)))
        holder.start()
        try:
            # The runaway is known now, so it goes straight to the long lane, in a worker of lowered priority.
            until(lambda: bool(lowered(children()) - before), "no runaway reached the long lane")
            again = httpx.get(f"{site}/sparql", params={"query": RUNAWAY}, timeout=DEADLINE)
            new = httpx.get(f"{site}/sparql", params={"query": ANOTHER_RUNAWAY}, timeout=DEADLINE)
            lookup = httpx.get(f"{site}/sparql", params={"query": POINT_LOOKUP}, headers=FRESH, timeout=DEADLINE)
            assert not holding, "the refusals came before the runaway holding the long lane was stopped"
        finally:
            holder.join()
        for refused in (again, new):
            assert refused.status_code == 503
            assert LONG_LANE_BUSY in refused.text and "narrow the query" in refused.text
        assert lookup.status_code == 200 and lookup.json()["results"]["bindings"]
        assert holding[0].status_code == 503 and "was stopped" in holding[0].text
