"""The search index kept in files: read back, it answers as the index it was saved from; files it did not write are refused."""

from __future__ import annotations

import json
import os
import pickle
import random
from pathlib import Path

import numpy as np
import pyoxigraph as ox
import pytest
from test_search_index import labelled

from conftest import BASE
from graph.errors import IndexFileError
from graph.query.queries import page_query
from graph.search.textindex import SearchIndex
from graph.store.opening import memory_store
from graph.store.seam import Store

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
NEEDLES = ["a", "e", "zh", "ilham tohti", "Ilham Toxti", "tohti", "zhang liumao", "伊力哈木·土赫提", "prison", "none such", "Q"]


def _needles(store: Store) -> list[str]:
    labels = sorted(r["label"].value for r in store.select(page_query("labels")))
    pieces = random.Random(20261201)
    return NEEDLES + [label[start:start + pieces.randrange(1, 8)]
                      for label in pieces.sample(labels, min(40, len(labels))) for start in [pieces.randrange(len(label))]]


@pytest.fixture
def records() -> Store:
    """One record named in Han characters and Uyghur Arabic script among Latin ones."""
    return labelled([("one", ["Abc", "Zed"], ["Xyz def"]), ("two", [], ["abc"]),
                     ("three", ["测试记录"], ["سىناق خاتىرىسى"]), ("four", ["Qrs"], ["Qb", "Qa"])])


def _same_answers(one: SearchIndex, other: SearchIndex, needles: list[str]) -> None:
    for needle in needles:
        assert one.search(needle, limit=100_000) == other.search(needle, limit=100_000), needle


def test_the_saved_index_of_the_shipped_graph_answers_as_the_one_made(shipped_store: Store, tmp_path: Path) -> None:
    made = SearchIndex(shipped_store)
    made.save(tmp_path / "search")
    loaded = SearchIndex.load(tmp_path / "search")
    needles = _needles(shipped_store)
    _same_answers(made, loaded, needles)
    assert any(made.search(needle) for needle in needles)
    assert loaded.search("zhang liumao"), "the name keys (pinyin) come back with the index"


def test_the_baseline_without_name_keys_stays_without_them(records: Store, tmp_path: Path) -> None:
    SearchIndex(records, names=False).save(tmp_path)
    loaded = SearchIndex.load(tmp_path)
    assert loaded.search("ceshi") == [] and SearchIndex(records).search("ceshi") != []
    _same_answers(SearchIndex(records, names=False), loaded, _needles(records))


def test_revisions_are_saved_and_a_loaded_index_is_revised_alike(records: Store, tmp_path: Path) -> None:
    two, four = f"{BASE}person/two", f"{BASE}person/four"
    before = SearchIndex(records)
    before.save(tmp_path / "before")
    records.add([ox.Quad(ox.NamedNode(two), ox.NamedNode(SKOS + "prefLabel"), ox.Literal("Qx two"),
                         ox.NamedNode(f"{BASE}source/test"))])
    revised = before.revised(records, [two, four])
    revised.save(tmp_path / "revised")
    _same_answers(revised, SearchIndex.load(tmp_path / "revised"), _needles(records) + ["qx"])
    _same_answers(revised, SearchIndex.load(tmp_path / "before").revised(records, [two, four]), _needles(records) + ["qx"])
    assert [hit.name for hit in SearchIndex.load(tmp_path / "revised").search("qx")] == ["Qx two"]


def test_an_empty_index_is_saved_and_loaded(tmp_path: Path) -> None:
    SearchIndex(memory_store(BASE)).save(tmp_path)
    assert SearchIndex.load(tmp_path).search("a") == []


def test_the_files_are_numbers_and_text_that_load_without_pickle(records: Store, tmp_path: Path) -> None:
    SearchIndex(records).save(tmp_path)
    files = sorted(path.name for path in tmp_path.iterdir())
    assert "search.json" in files and all(name.endswith(".npy") for name in files if name != "search.json")
    for name in files:
        if name.endswith(".npy"):
            array = np.load(tmp_path / name, allow_pickle=False)
            assert array.dtype.kind in "iu", name
    json.loads((tmp_path / "search.json").read_text(encoding="utf-8"))


class _Runs:
    """Unpickled, makes a directory: the sign that loading ran what a file named."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (str(self.path),)


def test_a_pickle_in_place_of_a_file_is_refused_and_not_run(records: Store, tmp_path: Path) -> None:
    SearchIndex(records).save(tmp_path / "search")
    ran = tmp_path / "ran"
    (tmp_path / "search" / "labels.text.npy").write_bytes(pickle.dumps(_Runs(ran)))
    with pytest.raises(IndexFileError, match="labels.text.npy cannot be read as a search index file"):
        SearchIndex.load(tmp_path / "search")
    assert not ran.exists()


def test_a_file_cut_short_is_refused(records: Store, tmp_path: Path) -> None:
    SearchIndex(records).save(tmp_path)
    path = tmp_path / "folded.text.npy"
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(IndexFileError, match="folded.text.npy cannot be read"):
        SearchIndex.load(tmp_path)


def test_an_array_of_objects_is_refused(records: Store, tmp_path: Path) -> None:
    SearchIndex(records).save(tmp_path)
    np.save(tmp_path / "record.npy", np.array(["a", 1, None], dtype=object), allow_pickle=True)
    with pytest.raises(IndexFileError, match="record.npy cannot be read"):
        SearchIndex.load(tmp_path)


def test_numbers_pointing_outside_the_table_are_refused(records: Store, tmp_path: Path) -> None:
    SearchIndex(records).save(tmp_path)
    record = np.load(tmp_path / "record.npy")
    np.save(tmp_path / "record.npy", record + 1000)
    with pytest.raises(IndexFileError, match="record.npy does not fit"):
        SearchIndex.load(tmp_path)


@pytest.mark.parametrize("manifest", [None, b"not json", b'{"format": "something else"}', b"[1, 2]"])
def test_a_folder_without_the_manifest_of_this_format_is_refused(records: Store, tmp_path: Path,
                                                                 manifest: bytes | None) -> None:
    SearchIndex(records).save(tmp_path)
    if manifest is None:
        (tmp_path / "search.json").unlink()
    else:
        (tmp_path / "search.json").write_bytes(manifest)
    with pytest.raises(IndexFileError, match="search"):
        SearchIndex.load(tmp_path)


def test_a_suffix_array_of_another_length_or_type_is_refused(records: Store, tmp_path: Path) -> None:
    SearchIndex(records).save(tmp_path)
    manifest = json.loads((tmp_path / "search.json").read_text(encoding="utf-8"))
    suffixes = np.load(tmp_path / "folded.suffixes.npy")
    for changed in (suffixes[:-1], suffixes.astype(np.int64)):
        np.save(tmp_path / "folded.suffixes.npy", changed)
        manifest["arrays"]["folded.suffixes"] = [str(changed.dtype), len(changed)]  # the manifest agrees: the text does not
        (tmp_path / "search.json").write_text(json.dumps(manifest), encoding="utf-8")
        with pytest.raises(IndexFileError, match="folded.suffixes.npy is not the suffix array of folded.text.npy"):
            SearchIndex.load(tmp_path)


def test_suffixes_pointing_outside_the_text_never_fail_a_search(records: Store, tmp_path: Path) -> None:
    SearchIndex(records).save(tmp_path)
    for name in ("folded.suffixes.npy", "keys.suffixes.npy"):
        np.save(tmp_path / name, (np.load(tmp_path / name) + 10**6).astype(np.int32))
    loaded = SearchIndex.load(tmp_path)
    assert SearchIndex(records).search("a") and loaded.search("a") == [], "positions past the text are no labels"
