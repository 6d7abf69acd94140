"""The build: every source validated, then loaded; bad data refused with a report, nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import BASE, copy_seeds, seed_sources
from graph.editions.build import BUILD_FILE, build, input_digest, read_build
from graph.errors import InvalidData, NotFound
from graph.paths import sources_dir
from graph.store.opening import memory_store, open_store
from graph.store.seam import Store

CG = "https://w3id.org/casegraph/ontology#"

PREFIXES = """\
@prefix cg: <https://w3id.org/casegraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""
CATALOG = """
<graph/sources> {
  <source/extra> a cg:SourceDocument ; skos:prefLabel "Extra"@en ; dcterms:title "Extra"@en ;
     dcterms:publisher <organisation/extra-publisher> ; cg:sourceKind cg:source-news-release ;
     cg:addressStatus cg:address-unconfirmed .
}
"""
PUBLISHER = """
  <organisation/extra-publisher> a cg:NonGovernmentalOrganisation ; skos:prefLabel "Extra publisher"@en ;
     cg:source <source/extra> .
"""


def extra_source(body: str) -> str:
    """A source file for <source/extra> whose graph holds its publisher and the given body."""
    return PREFIXES + CATALOG + "<source/extra> {" + PUBLISHER + body + "}\n"


def sources_with(tmp_path: Path, name: str, text: str) -> Path:
    """A copy of the shipped sources plus one more file."""
    directory = tmp_path / "sources"
    copy_seeds(directory)
    (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_the_store_holds_one_graph_per_source_plus_catalog_and_ontology(store: Store) -> None:
    names = {q.graph_name.value for q in store.quads()}
    assert names == {
        BASE + "source/hrw-ikram-nurmehmet",
        BASE + "source/uscirf-gulmira-imin",
        BASE + "graph/sources",
        "https://w3id.org/casegraph/ontology",
    }
    assert store.source_names() == ["hrw-ikram-nurmehmet", "uscirf-gulmira-imin"]


def test_the_default_graph_is_the_union_of_the_sources(store: Store) -> None:
    # The court is described by both sources; the union sees both descriptions.
    result = store.query("SELECT ?g WHERE { GRAPH ?g { <court/urumqi-intermediate-peoples-court> a cg:Court } }")
    assert {s["g"].value for s in result} == {BASE + "source/hrw-ikram-nurmehmet", BASE + "source/uscirf-gulmira-imin"}
    assert bool(store.query("ASK { <person/gulmira-imin> cg:birthPlace <place/aksu> }"))


def test_the_store_persists_and_reopens(store_dir: Path) -> None:
    reopened = open_store(store_dir, BASE, read_only=True)
    assert len(reopened) > 1000


def test_opening_a_missing_store_says_to_build(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="casegraph build"):
        open_store(tmp_path / "nothing")


def test_invalid_data_is_refused_with_file_node_path_and_constraint(tmp_path: Path) -> None:
    directory = sources_with(tmp_path, "extra.trig", extra_source("  <person/nobody> a cg:Person ; cg:source <source/extra> .\n"))
    with pytest.raises(InvalidData) as caught:
        build(directory, tmp_path / "store", BASE)
    (violation,) = caught.value.report.violations
    assert violation.file.endswith("extra.trig")
    assert violation.focus == BASE + "person/nobody"
    assert violation.path == "http://www.w3.org/2004/02/skos/core#prefLabel"
    assert violation.constraint == "MinCountConstraintComponent"
    assert violation.message
    assert not (tmp_path / "store").exists()


def test_a_refused_build_leaves_the_previous_store_intact(tmp_path: Path) -> None:
    target = tmp_path / "store"
    build(copy_seeds(tmp_path / "seeds"), target, BASE)
    before = len(open_store(target, BASE, read_only=True))
    bad = extra_source('  <person/x> a cg:Person ; skos:prefLabel "X"@en .\n')
    with pytest.raises(InvalidData):
        build(sources_with(tmp_path, "extra.trig", bad), target, BASE)
    assert len(open_store(target, BASE, read_only=True)) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(PREFIXES + "<person/a> a cg:Person .", "outside any named graph", id="default-graph"),
        pytest.param(PREFIXES + CATALOG + "<source/extra> { <person/a> a cg:Person ; cg:source <source/hrw-ikram-nurmehmet> . }",
                     "must cite that source", id="cites-another-source"),
        pytest.param(extra_source("") + "<source/other> { <a> <b> <c> . }", "must describe <https://w3id.org/casegraph/source/other>",
                     id="a-second-graph-without-catalog-entry"),
        pytest.param(extra_source("") + '<graph/sources> { <source/hrw-ikram-nurmehmet> dcterms:title "x"@en . }',
                     "may describe only its own source", id="rewrites-another-catalog-entry"),
        pytest.param(PREFIXES + "<source/extra> {" + PUBLISHER + "}", "must describe", id="no-catalog-entry"),
        pytest.param(extra_source("").replace("<source/extra> {", "<elsewhere/extra> {"), "must be named by an IRI under",
                     id="graph-outside-sources"),
        pytest.param(PREFIXES + "<source/extra> { <a> <b> ", "line 4", id="syntax-error-with-position"),
    ],
)
def test_malformed_source_files_are_refused(tmp_path: Path, text: str, expected: str) -> None:
    directory = sources_with(tmp_path, "extra.trig", text)
    with pytest.raises(InvalidData) as caught:
        build(directory, tmp_path / "store", BASE)
    messages = [v.message for v in caught.value.report.violations]
    assert any(expected in m for m in messages), messages
    assert all(v.file.endswith("extra.trig") for v in caught.value.report.violations)
    assert not (tmp_path / "store").exists()


def test_a_source_declared_twice_is_refused(tmp_path: Path) -> None:
    copy = (sources_dir() / "hrw-ikram-nurmehmet.trig").read_text(encoding="utf-8")
    with pytest.raises(InvalidData) as caught:
        build(sources_with(tmp_path, "zz-copy.trig", copy), tmp_path / "store", BASE)
    assert any("already declared" in v.message for v in caught.value.report.violations)


def test_the_base_is_configurable(tmp_path: Path) -> None:
    base = "http://localhost:8000/"
    build(copy_seeds(tmp_path / "seeds"), tmp_path / "store", base)
    store = open_store(tmp_path / "store", base, read_only=True)
    assert bool(store.query("ASK { <person/gulmira-imin> a cg:Person }"))
    subject = ox.NamedNode(base + "person/gulmira-imin")
    assert any(True for _ in store.quads_for_pattern(subject, None, None))
    assert not any(q.subject.value.startswith("https://w3id.org/casegraph/person/") for q in store.quads()
                   if isinstance(q.subject, ox.NamedNode))


def test_validating_a_store_finds_data_that_bypassed_the_build(tmp_path: Path) -> None:
    from graph.editions.build import load
    from graph.store.sources import read_source
    from graph.validation.validate import validate_store

    path = tmp_path / "extra.trig"
    path.write_text(extra_source("  <person/x> a cg:Person ; cg:source <source/extra> .\n"), encoding="utf-8")
    store = memory_store(BASE)
    load(store, [read_source(p, BASE) for p in [*seed_sources(), path]])
    report = validate_store(store)
    assert report.checked == [BASE + "source/extra", BASE + "source/hrw-ikram-nurmehmet", BASE + "source/uscirf-gulmira-imin"]
    assert [(v.graph, v.focus, v.constraint) for v in report.violations] == [
        (BASE + "source/extra", BASE + "person/x", "MinCountConstraintComponent")
    ]


def test_a_build_records_a_digest_of_its_inputs(tmp_path: Path) -> None:
    from graph.editions.build import read_build

    first = build(copy_seeds(tmp_path / "seeds"), tmp_path / "a", BASE)
    assert read_build(tmp_path / "a") == first and len(first.digest) == 64
    assert build(copy_seeds(tmp_path / "seeds"), tmp_path / "b", BASE).digest == first.digest, "same inputs, same digest"
    assert build(copy_seeds(tmp_path / "seeds"), tmp_path / "c", "http://localhost:8000/").digest != first.digest


def test_the_build_record_counts_the_sources_and_reads_one_that_named_them(tmp_path: Path) -> None:
    build(copy_seeds(tmp_path / "sources"), tmp_path / "store", BASE)
    assert read_build(tmp_path / "store").documents == 2
    older = tmp_path / "older"
    older.mkdir()
    (older / BUILD_FILE).write_text('{"sources": ["a", "b", "c"], "triples": 9, "digest": "d", "built": "t"}')
    assert (read_build(older).documents, read_build(older).triples) == (3, 9)


def _digest_in_new_process(sources: Path, remembered: Path) -> str:
    """The input digest as a service starting afresh computes it, with no digests in memory."""
    program = ("import sys; from pathlib import Path; from graph.editions.build import input_digest; "
               "print(input_digest(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])))")
    return subprocess.run([sys.executable, "-c", program, str(sources), BASE, str(remembered)], check=True,
                          capture_output=True, text=True).stdout.strip()


def test_a_restart_takes_the_digests_of_unchanged_files_from_those_kept(tmp_path: Path) -> None:
    sources, remembered = copy_seeds(tmp_path / "sources"), tmp_path / "store.digests.json"
    settled = time.time_ns() - 10**10  # changed long enough ago to be kept (not racily clean)
    for path in sources.iterdir():
        os.utime(path, ns=(settled, settled))
    true = input_digest(sources, BASE)
    assert _digest_in_new_process(sources, remembered) == true
    kept = json.loads(remembered.read_text())
    assert {Path(name) for name in kept} >= set(sources.iterdir())

    # What was kept is used: a kept digest altered by hand changes the result while the file's identity is the same ...
    name = str(next(iter(sorted(sources.iterdir()))))
    kept[name][3] = "0" * 64
    remembered.write_text(json.dumps(kept))
    assert _digest_in_new_process(sources, remembered) != true
    # ... and is not, once the file's modification time says it changed.
    os.utime(name, ns=(settled + 10**9, settled + 10**9))
    assert _digest_in_new_process(sources, remembered) == true


def test_a_file_changed_just_now_is_not_kept_and_a_malformed_record_is_ignored(tmp_path: Path) -> None:
    sources, remembered = copy_seeds(tmp_path / "sources"), tmp_path / "store.digests.json"
    assert _digest_in_new_process(sources, remembered) == input_digest(sources, BASE)
    kept = json.loads(remembered.read_text()) if remembered.exists() else {}
    assert not any(Path(name).parent == sources for name in kept), "a file changed in the last moments may change again unseen"
    remembered.write_text("[not, json")
    assert _digest_in_new_process(sources, remembered) == input_digest(sources, BASE)
