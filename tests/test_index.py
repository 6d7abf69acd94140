"""Index files: made once per store in a process of their own, read back equal to what the store gives, remade when stale."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path
from typing import IO

import networkx as nx
import numpy as np
import pytest

from conftest import BASE, copy_seeds
from graph.editions import index
from graph.editions.build import BUILD_FILE, build
from graph.editions.index import (
    INDEX_FOLDER,
    RECORD,
    SEARCH_FOLDER,
    VIEWS_FOLDER,
    IndexFailed,
    code_digest,
    derived_file,
    digest_of,
    ensure_index,
    index_key,
    make_index,
    read_index,
    read_views,
    summary_apart,
)
from graph.network.network import build_views, ego, whole
from graph.paths import PACKAGE_DIR, queries_dir
from graph.processes import BACKGROUND
from graph.publish.charts import Chart, charts
from graph.publish.overview import Overview, overview
from graph.search.textindex import SearchIndex
from graph.store.opening import name_remote, open_store
from graph.store.remote import Endpoints
from graph.store.seam import Store

NEEDLES = ["gulmira", "Tahir", "court", "ikram nurmehmet", "xinjiang", "Ü", "zzz-nothing"]


@pytest.fixture
def own_store(tmp_path: Path) -> Path:
    """A store of the seeds that this test alone writes index files into."""
    directory = tmp_path / "store"
    build(copy_seeds(tmp_path / "sources"), directory, BASE)
    return directory


def test_the_files_read_back_what_the_store_gives(own_store: Path) -> None:
    search, views = read_index(own_store, BASE)
    store = open_store(own_store, BASE, read_only=True)
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
    assert set(files) == {SEARCH_FOLDER, VIEWS_FOLDER, RECORD}
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


def test_a_store_that_cannot_be_reached_is_reported_in_a_line(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    gone = "http://127.0.0.1:9/sparql"  # the discard port: nothing answers
    name_remote(tmp_path / "remote", Endpoints(gone, gone))
    with pytest.raises(IndexFailed, match="making the index files of .*remote failed"):
        ensure_index(tmp_path / "remote", BASE)
    told = capfd.readouterr().err
    assert "could not be reached" in told and "Traceback" not in told


def test_views_files_holding_something_else_are_refused(own_store: Path) -> None:
    ensure_index(own_store, BASE)
    folder, pickled = own_store / INDEX_FOLDER / VIEWS_FOLDER, pickle.dumps({"views": {}})
    contents = (folder / "views.json").read_bytes()
    (folder / "views.json").write_bytes(pickled)
    with pytest.raises(IndexFailed, match="cannot be read"):
        read_views(own_store, BASE)
    (folder / "views.json").write_text(json.dumps({"format": "other views 1", "views": {}}), encoding="utf-8")
    with pytest.raises(IndexFailed, match="not the contents of network views"):
        read_views(own_store, BASE)
    (folder / "views.json").write_bytes(contents)
    (folder / "nodes" / "label_ends.npy").write_bytes(pickled)  # pickle data where an array belongs: refused, never run
    with pytest.raises(IndexFailed, match="cannot be read"):
        read_views(own_store, BASE)
    np.save(folder / "nodes" / "label_ends.npy", np.zeros(3, dtype=np.float64))
    with pytest.raises(IndexFailed, match="not a row of"):
        read_views(own_store, BASE)


def test_the_key_changes_with_any_module_name_table_or_query(tmp_path: Path) -> None:
    package, queries = PACKAGE_DIR, queries_dir()
    assert index.code_digest() == digest_of(package, queries)
    shutil.copytree(package, tmp_path / "graph", ignore=shutil.ignore_patterns("sources", "imports", "__pycache__"))
    shutil.copytree(queries, tmp_path / "queries")
    seen = {digest_of(tmp_path / "graph", tmp_path / "queries")}
    assert seen == {index.code_digest()}
    for changed in (tmp_path / "graph" / "namespaces.py", tmp_path / "queries" / "network" / "people.rq",
                    tmp_path / "graph" / "data" / "names" / "uyghur-transcriptions.tsv"):
        changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        seen.add(digest_of(tmp_path / "graph", tmp_path / "queries"))
    assert len(seen) == 4


def test_files_made_by_other_code_are_not_used(own_store: Path) -> None:
    first = ensure_index(own_store, BASE)
    assert index_key(own_store, "other code") != first.key
    with pytest.raises(IndexFailed, match="code changed since the service started"):
        make_index(own_store, BASE, "other code")


def test_the_record_goes_before_the_files_are_written_again(own_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ensure_index(own_store, BASE)

    def broken(store: Store) -> None:
        raise RuntimeError("stopped while writing")
    monkeypatch.setattr(index, "build_views", broken)
    with pytest.raises(RuntimeError, match="stopped while writing"):
        make_index(own_store, BASE, code_digest())
    assert not (own_store / INDEX_FOLDER / RECORD).exists()
    assert index.index_record(own_store) is None


def test_an_unreadable_record_means_the_files_are_made_again(own_store: Path) -> None:
    ensure_index(own_store, BASE)
    (own_store / INDEX_FOLDER / RECORD).write_text('{"not": "a record"}', encoding="utf-8")
    assert index.index_record(own_store) is None
    assert ensure_index(own_store, BASE).key == index_key(own_store)


def test_a_summary_is_made_apart_once_and_kept(own_store: Path) -> None:
    store = open_store(own_store, BASE, read_only=True)
    kept = summary_apart("charts", charts, list[Chart], own_store, BASE)
    assert kept == charts(store) and any(chart.bars for chart in kept)
    made = {path: path.stat().st_mtime_ns for path in (own_store / INDEX_FOLDER).glob("charts-*.json")}
    assert len(made) == 1
    assert summary_apart("charts", charts, list[Chart], own_store, BASE) == kept
    assert {path: path.stat().st_mtime_ns for path in made} == made
    assert summary_apart("overview", overview, Overview, own_store, BASE) == overview(store)


def test_a_kept_summary_holding_something_else_is_refused(own_store: Path) -> None:
    summary_apart("charts", charts, list[Chart], own_store, BASE)
    (kept,) = (own_store / INDEX_FOLDER).glob("charts-*.json")
    kept.write_text(json.dumps([{"name": "charts", "bars": "not bars"}]), encoding="utf-8")
    with pytest.raises(IndexFailed, match="is not a charts this code writes"):
        summary_apart("charts", charts, list[Chart], own_store, BASE)


def test_a_search_index_folder_holding_something_else_is_refused(own_store: Path) -> None:
    ensure_index(own_store, BASE)
    for path in (own_store / INDEX_FOLDER / SEARCH_FOLDER).glob("*.npy"):
        path.write_bytes(pickle.dumps({"search": "index"}))
    with pytest.raises(IndexFailed):
        read_index(own_store, BASE)


def failing(store: Store) -> list[str]:
    raise RuntimeError("no summary")


def test_a_summary_that_cannot_be_made_is_reported(own_store: Path) -> None:
    with pytest.raises(IndexFailed, match="making the nothing of .* failed"):
        summary_apart("nothing", failing, list, own_store, BASE)


def writer_of(store: Store, output: IO[bytes], tag: str) -> None:
    output.write(f"{os.getpid()} {os.nice(0)} {tag} {len(store)}".encode())


def test_a_file_is_written_apart_once_and_kept(own_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "kept.txt"
    with derived_file(path, writer_of, own_store, BASE, "first") as handle:
        pid, niceness, tag, size = handle.read().decode().split()
    assert int(pid) != os.getpid() and tag == "first" and int(size) == len(open_store(own_store, BASE, read_only=True))
    assert int(niceness) == min(19, os.nice(0) + BACKGROUND)  # requests answered meanwhile come first
    made = path.stat().st_mtime_ns
    with derived_file(path, writer_of, own_store, BASE, "second") as handle:
        assert handle.name == str(path)
    assert path.stat().st_mtime_ns == made and path.read_text().split()[2] == "first"


def failing_half_way(store: Store, output: IO[bytes]) -> None:
    output.write(b"half")
    raise RuntimeError("no file")


def test_a_file_that_cannot_be_written_is_reported_and_not_left(own_store: Path, tmp_path: Path) -> None:
    with pytest.raises(IndexFailed, match="writing kept.txt for .* failed"):
        derived_file(tmp_path / "out" / "kept.txt", failing_half_way, own_store, BASE)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
