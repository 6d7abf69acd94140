"""What front-ends share through a remote store (graph/store/shared.py): revisions in place, the change log, the lock."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import BASE, REMOTE_KINDS
from graph.store.remote import RemoteStore
from graph.store.seam import Revision
from graph.store.shared import HOLDER, INTEGER, SharedState
from stores import sparql_server

LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
A, B = ox.NamedNode(f"{BASE}source/a"), ox.NamedNode(f"{BASE}source/b")
CATALOG = ox.NamedNode(f"{BASE}graph/sources")
ALI, BOTH = ox.NamedNode(f"{BASE}person/ali"), ox.NamedNode(f"{BASE}person/both")
QUADS = [ox.Quad(ALI, LABEL, ox.Literal("Ali"), A), ox.Quad(BOTH, LABEL, ox.Literal("Both"), A),
         ox.Quad(BOTH, LABEL, ox.Literal("Both"), B),
         ox.Quad(A, TITLE, ox.Literal("Source A"), CATALOG), ox.Quad(B, TITLE, ox.Literal("Source B"), CATALOG)]


@pytest.fixture(params=REMOTE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RemoteStore]:
    with sparql_server(request.param, tmp_path / "db") as server:
        store = RemoteStore(server.endpoints(), BASE)
        store.add(QUADS)
        yield store
        store.close()


def _merged(store: RemoteStore) -> set[ox.Triple]:
    return {quad.triple for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}


def test_a_revision_replaces_a_source_in_place_and_mends_the_merged_graph(store: RemoteStore) -> None:
    shared = SharedState(store)
    assert shared.newest() == 0 and shared.record() is None
    new = [ox.Quad(ALI, LABEL, ox.Literal("Ali B"), A), ox.Quad(A, TITLE, ox.Literal("Source A, again"), CATALOG)]
    with shared.locked():
        revision = shared.revise([A], new, lambda revision, number: {"gone": revision.gone, "change": number})
    assert revision == Revision(removed=3, gone=1)
    assert set(store.quads(A)) == {new[0]}
    assert set(store.quads_for_pattern(A, None, None, CATALOG)) == {new[1]}
    # Source b still states the shared triple, so the merged graph keeps it; Ali's old label is gone from it.
    assert _merged(store) == {new[0].triple, new[1].triple, QUADS[2].triple, QUADS[4].triple}
    assert len(store) == 4 and store.statements() == 4, "the log is not counted as data"
    assert shared.newest() == 1 and shared.record() == {"gone": 1, "change": 1}
    changes = shared.since(0)
    assert changes.newest == 1 and changes.touched == {ALI.value, BOTH.value, A.value}
    assert shared.since(1).touched == frozenset()


def test_a_withdrawal_takes_the_source_out_and_a_rebuild_asks_followers_to_reread_everything(store: RemoteStore) -> None:
    shared = SharedState(store)
    with shared.locked():
        assert shared.revise([B], []) == Revision(removed=2, gone=1)
    assert store.source_names() == ["a"] and _merged(store) == {q.triple for q in QUADS if q.graph_name != B} - {QUADS[4].triple}
    shared.rebuilt({"documents": 1})
    assert shared.since(1).touched is None and shared.since(0).touched is None and shared.newest() == 2


def test_the_lock_lets_one_writer_at_a_time_through(store: RemoteStore) -> None:
    counter = ox.NamedNode(f"{BASE}graph/changes#test-counter")
    graph = ox.NamedNode(f"{BASE}graph/changes")
    store.update(f"INSERT DATA {{ GRAPH {graph} {{ {counter} {LABEL} 0 }} }}")
    writers, rounds = 4, 3

    def read() -> int:
        rows = store.graph_rows("SELECT ?n", "?c ?p ?n", {"c": counter, "p": LABEL}, graph)
        return int(rows[0]["n"].value)

    failures: list[BaseException] = []

    def write() -> None:
        mine = RemoteStore(store.endpoints, BASE)  # a front-end of its own
        try:
            for _ in range(rounds):
                with SharedState(mine).locked():
                    seen = read()  # read, then write the next value: without the lock, two writers would lose one
                    was, now = (ox.Literal(str(n), datatype=INTEGER) for n in (seen, seen + 1))
                    mine.update(f"DELETE DATA {{ GRAPH {graph} {{ {counter} {LABEL} {was} }} }} ; "
                                f"INSERT DATA {{ GRAPH {graph} {{ {counter} {LABEL} {now} }} }}")
        except Exception as error:  # noqa: BLE001 - any failure is the test's to report
            failures.append(error)
        finally:
            mine.close()
    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == [] and read() == writers * rounds


def test_a_lapsed_hold_is_taken_over(store: RemoteStore) -> None:
    shared = SharedState(store)
    store.update(f"INSERT DATA {{ GRAPH {shared.graph} {{ {shared.lock_node} {HOLDER} \"2000-01-01T00:00:00.000Z gone\" }} }}")

    def holders() -> list[str]:
        return [row["who"].value for row in store.graph_rows("SELECT ?who", "?lock ?p ?who", {"lock": shared.lock_node},
                                                             shared.graph)]
    with shared.locked():
        (held,) = holders()
        assert not held.endswith(" gone")
    assert holders() == []
