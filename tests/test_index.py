"""Index files: made once per store in a process of their own, read back equal to what the store gives, remade when stale."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from casegraph import index
from casegraph.build import BUILD_FILE, build
from casegraph.index import INDEX_FOLDER, RECORD, IndexFailed, ensure_index, index_key, read_search, read_views
from casegraph.network import build_views, ego, whole
from casegraph.search import SearchIndex
from casegraph.store import CaseStore
from conftest import BASE, copy_seeds

NEEDLES = ["gulmira", "Tahir", "court", "ikram nurmehmet", "xinjiang", "Ü", "zzz-nothing"]


@pytest.fixture
def own_store(tmp_path: Path) -> Path:
    """A store of the seeds that this test alone writes index files into."""
    directory = tmp_path / "store"
    build(copy_seeds(tmp_path / "sources"), directory, BASE)
    return directory


def test_the_files_read_back_what_the_store_gives(own_store: Path) -> None:
    search, views = read_search(own_store, BASE), read_views(own_store, BASE)
    store = CaseStore.open(own_store, BASE, read_only=True)
    fresh_search, fresh_views = SearchIndex(store), build_views(store)
    for needle in NEEDLES:
        assert search.search(needle) == fresh_search.search(needle)
    assert any(search.search(needle) for needle in NEEDLES)
    assert views.keys() == fresh_views.keys()
    for name in views:
        kept, fresh = whole(views[name]), whole(fresh_views[name])
        assert nx.utils.edges_equal(kept.edges(keys=True, data=True), fresh.edges(keys=True, data=True))
        assert dict(kept.nodes(data=True)) == dict(fresh.nodes(data=True))
        assert kept.number_of_edges() > 0
    tahir = f"{BASE}person/tahir-imin"
    assert nx.utils.graphs_equal(ego(views["all"], [tahir], 2), ego(fresh_views["all"], [tahir], 2))


def test_the_files_are_made_once_by_a_process_that_records_its_cost(own_store: Path) -> None:
    first = ensure_index(own_store, BASE)
    files = {path.name: path.stat().st_mtime_ns for path in (own_store / INDEX_FOLDER).iterdir()}
    assert set(files) == {"search.pickle", "views.pickle", RECORD}
    assert first.key == index_key(own_store) and first.seconds > 0 and first.peak_mb > 0
    assert ensure_index(own_store, BASE) == first
    assert {path.name: path.stat().st_mtime_ns for path in (own_store / INDEX_FOLDER).iterdir()} == files


def test_files_of_another_build_are_made_again(own_store: Path) -> None:
    first = ensure_index(own_store, BASE)
    record = json.loads((own_store / BUILD_FILE).read_text(encoding="utf-8"))
    (own_store / BUILD_FILE).write_text(json.dumps(record | {"digest": "0" * 64}), encoding="utf-8")
    assert index.index_record(own_store) is None
    again = ensure_index(own_store, BASE)
    assert again.key == index_key(own_store) != first.key


def test_a_process_that_cannot_make_them_is_reported(tmp_path: Path, own_store: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / BUILD_FILE).write_bytes((own_store / BUILD_FILE).read_bytes())  # a build record, but no store
    with pytest.raises(IndexFailed, match="making the index files of .*broken failed"):
        ensure_index(broken, BASE)
    assert not (broken / INDEX_FOLDER / RECORD).exists()


def test_a_file_holding_something_else_is_refused(own_store: Path) -> None:
    ensure_index(own_store, BASE)
    (own_store / INDEX_FOLDER / "views.pickle").write_bytes((own_store / INDEX_FOLDER / "search.pickle").read_bytes())
    with pytest.raises(IndexFailed, match="holds a SearchIndex, not a dict"):
        read_views(own_store, BASE)
