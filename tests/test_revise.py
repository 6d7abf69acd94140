"""Revising a store by one source gives the store a full build from the files gives: held side by side."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from web.test_restricted import RESTRICTED
from web.test_writes import document

from conftest import BASE, copy_seeds
from graph.editions.build import BUILD_FILE, build, full_store_dir, input_digest, read_build
from graph.editions.revise import adopt, revise, touched
from graph.search.textindex import SearchIndex
from graph.store.opening import open_store
from graph.store.sources import SourceFile, read_source


def _file(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.trig"
    path.write_text(text, encoding="utf-8")
    return path


def _trig(turtle: str, name: str) -> str:
    """A Turtle write document as a source file: its catalog entry in the catalog graph, the rest in its own."""
    quads = ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE, base_iri=BASE)
    source = ox.NamedNode(f"{BASE}source/{name}")
    catalog = ox.NamedNode(f"{BASE}graph/sources")
    return ox.serialize([ox.Quad(t.subject, t.predicate, t.object, catalog if t.subject == source else source)
                         for t in quads], format=ox.RdfFormat.TRIG).decode()


def _quads(store_dir: Path) -> set[ox.Quad]:
    """Every quad of the store, the merged graph's too."""
    return set(open_store(store_dir, BASE, read_only=True).quads_for_pattern(None, None, None))


def _same_as_a_build(revised: Path, sources: Path, scratch: Path) -> None:
    rebuilt = scratch / "rebuilt"
    shutil.rmtree(rebuilt, ignore_errors=True)
    shutil.rmtree(full_store_dir(rebuilt), ignore_errors=True)
    build(sources, rebuilt, BASE)
    assert _quads(revised) == _quads(rebuilt)
    record, fresh = read_build(revised), read_build(rebuilt)
    assert (record.documents, record.triples, record.digest, record.content) == \
        (fresh.documents, fresh.triples, fresh.digest, fresh.content)
    if (full_store_dir(rebuilt) / BUILD_FILE).is_file():
        assert _quads(full_store_dir(revised)) == _quads(full_store_dir(rebuilt))
        full, rebuilt_full = read_build(full_store_dir(revised)), read_build(full_store_dir(rebuilt))
        assert (full.digest, full.content) == (rebuilt_full.digest, rebuilt_full.content)


@pytest.fixture
def start(tmp_path: Path) -> tuple[Path, Path]:
    sources = copy_seeds(tmp_path / "sources")
    build(sources, tmp_path / "store", BASE)
    return sources, tmp_path / "store"


def test_adding_replacing_and_withdrawing_a_source_give_what_a_build_gives(start: tuple[Path, Path], tmp_path: Path) -> None:
    sources, store = start
    added = read_source(_file(sources, "new-report", _trig(document(), "new-report")), BASE)
    revise(store, tmp_path / "one", None, added, BASE, input_digest(sources, BASE))
    _same_as_a_build(tmp_path / "one", sources, tmp_path)

    renamed = _trig(document(person='skos:prefLabel "Qxrenamed"@en'), "new-report")
    replaced = read_source(_file(sources, "new-report", renamed), BASE)
    revise(tmp_path / "one", tmp_path / "two", added, replaced, BASE, input_digest(sources, BASE))
    _same_as_a_build(tmp_path / "two", sources, tmp_path)
    assert _quads(tmp_path / "one") != _quads(tmp_path / "two"), "the replacement changed the store"

    (sources / "new-report.trig").unlink()
    revise(tmp_path / "two", tmp_path / "three", replaced, None, BASE, input_digest(sources, BASE))
    _same_as_a_build(tmp_path / "three", sources, tmp_path)
    assert _quads(tmp_path / "three") == _quads(store), "withdrawing it gives back the store before"


def test_a_restricted_source_goes_only_into_a_new_full_store(start: tuple[Path, Path], tmp_path: Path) -> None:
    sources, store = start
    secret = read_source(_file(sources, "witness-statement", RESTRICTED), BASE)
    revise(store, tmp_path / "one", None, secret, BASE, input_digest(sources, BASE))
    _same_as_a_build(tmp_path / "one", sources, tmp_path)
    assert _quads(tmp_path / "one") == _quads(store), "the public store does not change"
    assert _quads(full_store_dir(tmp_path / "one")) > _quads(store)


def test_a_restricted_source_leaves_the_public_contents_digest_and_date(start: tuple[Path, Path], tmp_path: Path) -> None:
    sources, store = start
    public = read_build(store)
    secret = read_source(_file(sources, "witness-statement", RESTRICTED), BASE)
    revise(store, tmp_path / "one", None, secret, BASE, input_digest(sources, BASE))
    written, full = read_build(tmp_path / "one"), read_build(full_store_dir(tmp_path / "one"))
    assert written.digest != public.digest, "the files changed, so the store no longer matches the old ones"
    assert (written.content, written.modified) == (public.content, public.modified)
    assert full.content != public.content
    build(sources, store, BASE)  # rebuilt from the files, restricted one included, as at a restart
    assert (read_build(store).content, read_build(store).modified) == (public.content, public.modified)
    (sources / "uscirf-gulmira-imin.trig").write_text((sources / "uscirf-gulmira-imin.trig").read_text(encoding="utf-8")
                                                      .replace('"Gulmira Imin"@en', '"Gulmira Qximin"@en'), encoding="utf-8")
    build(sources, store, BASE)
    assert read_build(store).content != public.content


def test_the_store_being_served_is_not_touched(start: tuple[Path, Path], tmp_path: Path) -> None:
    sources, store = start
    before = _quads(store), (store / BUILD_FILE).read_text()
    added = read_source(_file(sources, "new-report", _trig(document(), "new-report")), BASE)
    revise(store, tmp_path / "one", None, added, BASE, input_digest(sources, BASE))
    assert (_quads(store), (store / BUILD_FILE).read_text()) == before


def test_a_write_revises_the_store_it_holds_without_counting_it(start: tuple[Path, Path], tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    sources, store = start
    served = open_store(store, BASE, read_only=True)

    def counted(self: object) -> int:
        raise AssertionError("the whole store was counted: a query over every triple, at every write")

    monkeypatch.setattr(type(served), "__len__", counted)
    added = read_source(_file(sources, "new-report", _trig(document(), "new-report")), BASE)
    revise(store, tmp_path / "one", None, added, BASE, input_digest(sources, BASE), opened={store: served})
    monkeypatch.undo()
    _same_as_a_build(tmp_path / "one", sources, tmp_path)


def test_a_revised_search_index_equals_one_built_afresh(start: tuple[Path, Path], tmp_path: Path) -> None:
    sources, store = start
    old_index = SearchIndex(open_store(store, BASE, read_only=True))
    old = read_source(sources / "uscirf-gulmira-imin.trig", BASE)
    text = (sources / "uscirf-gulmira-imin.trig").read_text(encoding="utf-8")
    renamed = text.replace('"Gulmira Imin"@en', '"Gulmira Qximin"@en')
    new = read_source(_file(sources, "uscirf-gulmira-imin", renamed), BASE)
    revise(store, tmp_path / "one", old, new, BASE, input_digest(sources, BASE))
    revised_store = open_store(tmp_path / "one", BASE, read_only=True)
    revised, fresh = old_index.revised(revised_store, touched(old, new)), SearchIndex(revised_store)
    assert [h.iri for h in revised.search("qximin")] == [h.iri for h in fresh.search("qximin")] != []
    for text in ("gulmira", "imin", "court", "uyghur", "a"):
        assert revised.search(text, limit=1000) == fresh.search(text, limit=1000), text
    # Withdrawn: its records' labels leave the index, and the index saved with its changes is the one built afresh.
    revise(tmp_path / "one", tmp_path / "two", new, None, BASE, input_digest(sources, BASE))
    withdrawn_store = open_store(tmp_path / "two", BASE, read_only=True)
    withdrawn, fresh = revised.revised(withdrawn_store, touched(new, None)), SearchIndex(withdrawn_store)
    assert withdrawn.search("qximin") == [] and withdrawn.search("a", limit=1000) == fresh.search("a", limit=1000)
    withdrawn.save(tmp_path / "saved")
    assert SearchIndex.load(tmp_path / "saved").search("a", limit=1000) == fresh.search("a", limit=1000)


def test_touched_names_every_subject_of_both_versions() -> None:
    graph = ox.NamedNode(f"{BASE}source/s")

    def one(subject: str) -> SourceFile:
        quad = ox.Quad(ox.NamedNode(BASE + subject), ox.NamedNode(BASE + "p"), ox.Literal("v"), graph)
        return SourceFile(Path("x"), (graph,), (quad,))

    assert touched(one("a"), one("b")) == {BASE + "a", BASE + "b"}
    assert touched(None, one("b")) == {BASE + "b"}


def test_adopting_the_newest_generation_moves_both_stores_into_place(start: tuple[Path, Path], tmp_path: Path) -> None:
    sources, store = start
    secret = read_source(_file(sources, "witness-statement", RESTRICTED), BASE)
    digest = input_digest(sources, BASE)
    revise(store, store.with_name("store-live-1"), None, secret, BASE, digest)
    shutil.copytree(store, store.with_name("store-live-2"))  # an older digest: never adopted, though newer
    assert not adopt(store, "some other digest")
    assert adopt(store, digest)
    _same_as_a_build(store, sources, tmp_path)
    assert not store.with_name("store-live-1").exists() and (full_store_dir(store) / BUILD_FILE).is_file()
