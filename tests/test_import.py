"""Importing tables through a mapping: the shipped list, its meaning in the store, and the per-row report."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from test_cli import assert_no_traceback, run

from casegraph.paths import sources_dir
from casegraph.store import CaseStore
from casegraph.tabular import parse_date

BASE = "https://w3id.org/casegraph/"
LIST_DIR = sources_dir().parent / "imports" / "chinese-political-prisoners"
TABLE = LIST_DIR / "chinese-political-prisoners.csv"
MAPPING = LIST_DIR / "mapping.toml"
SHIPPED = sources_dir() / "chinese-political-prisoners.trig"
XSD = "http://www.w3.org/2001/XMLSchema#"
HEADER = "Name,Gender,Date of Birth,Date of Death,Place,Sentence,Source\n"


def rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def graph_of(row: dict[str, str]) -> str:
    """The source graph a row should land in, worked out here from the address, not by the importer."""
    path = urlsplit(row["Source"].split()[0]).path.rsplit(".", 1)[0]
    return BASE + "source/ppc-" + "-".join(part for part in re.split(r"\W+", path) if part)


def select(store: CaseStore, query: str) -> list[dict[str, str]]:
    solutions = store.select(query)
    names = solutions.variables
    return [{v.value: s[v].value for v in names if s[v] is not None} for s in solutions]  # type: ignore[union-attr]


def import_(table: Path, mapping: Path, out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return run("import", str(table), "--mapping", str(mapping), "--output", str(out), *options, store=out.parent / "store")


def mapping_copy(tmp_path: Path, table: str, fmt: str = "csv") -> tuple[Path, Path]:
    """The real mapping beside a table of the test's own, optionally switched to JSON input."""
    directory = tmp_path / "list"
    shutil.copytree(LIST_DIR, directory)
    mapping = directory / "mapping.toml"
    if fmt == "json":
        mapping.write_text(mapping.read_text(encoding="utf-8").replace('format = "csv"', 'format = "json"'), encoding="utf-8")
    path = directory / ("table.json" if fmt == "json" else "table.csv")
    path.write_text(table, encoding="utf-8")
    return path, mapping


def test_the_shipped_graph_is_exactly_what_the_import_writes_and_reimport_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "sources"
    first = run("import", str(TABLE), "--mapping", str(MAPPING), "--output", str(out), store=tmp_path / "s")
    assert first.returncode == 0, first.stderr
    assert "926 of 926 rows imported, 0 left out" in first.stderr
    written = out / SHIPPED.name
    assert written.read_bytes() == SHIPPED.read_bytes()
    stamp = written.stat().st_mtime_ns
    again = run("import", str(TABLE), "--mapping", str(MAPPING), "--output", str(out), store=tmp_path / "s")
    assert again.returncode == 0 and "unchanged" in again.stderr
    assert written.stat().st_mtime_ns == stamp


def test_every_row_is_one_person_in_its_own_source_graph(shipped_store: CaseStore) -> None:
    found = select(shipped_store, f"""SELECT ?g ?person WHERE {{ GRAPH ?g {{ ?person a cg:Person }}
                               FILTER(STRSTARTS(STR(?g), "{BASE}source/ppc-")) }}""")
    assert len(found) == len(rows()) == 926
    assert {f["g"] for f in found} == {graph_of(r) for r in rows()}


def test_dates_keep_their_precision_and_the_sentence_column_keeps_its_meaning(shipped_store: CaseStore) -> None:
    facts = select(shipped_store, """SELECT ?g ?birth ?death ?release ?penalty ?detention ?note WHERE {
        GRAPH ?g { ?person a cg:Person .
          OPTIONAL { ?person cg:birthDate ?birth } OPTIONAL { ?person cg:deathDate ?death }
          OPTIONAL { ?person cg:dateNote ?note }
          OPTIONAL { ?s a cg:Sentence ; cg:concerns ?person ; cg:penalty ?penalty OPTIONAL { ?s cg:expectedRelease ?release } }
          OPTIONAL { ?detention a cg:Detention ; cg:concerns ?person } }
        FILTER(STRSTARTS(STR(?g), "https://w3id.org/casegraph/source/ppc-")) }""")
    by_graph = {f["g"]: f for f in facts}
    assert len(by_graph) == len(facts)
    words = {"life": "penalty-life", "death": "penalty-death", "unknown": "penalty-unknown"}
    for row in rows():
        fact, sentence = by_graph[graph_of(row)], row["Sentence"]
        birth = parse_date(row["Date of Birth"])
        assert fact.get("birth") == (birth.value if birth else None), row
        assert ("note" in fact) == bool(row["Date of Birth"] and birth is None), row
        assert fact.get("death") == (row["Date of Death"] or None), row
        if sentence == "detention":
            assert "detention" in fact and "penalty" not in fact, row
        elif sentence in words:
            assert fact["penalty"] == BASE + "ontology#" + words[sentence] and "release" not in fact, row
        else:
            assert fact["penalty"] == BASE + "ontology#penalty-fixed-term" and fact["release"] == sentence, row


def test_each_date_is_typed_by_its_precision(shipped_store: CaseStore) -> None:
    typed = select(shipped_store, """SELECT ?value (DATATYPE(?value) AS ?type) WHERE {
        GRAPH ?g { ?s cg:birthDate|cg:deathDate|cg:expectedRelease ?value } }""")
    kinds = {len(t["value"]): t["type"] for t in typed}
    assert kinds == {4: XSD + "gYear", 7: XSD + "gYearMonth", 10: XSD + "date"}


def test_gulmira_imin_is_one_node_with_both_birth_years_and_their_sources(shipped_store: CaseStore) -> None:
    claims = select(shipped_store, "SELECT ?g ?year WHERE { GRAPH ?g { <person/gulmira-imin> cg:birthDate ?year } }")
    assert {(c["g"].rsplit("/", 1)[-1], c["year"]) for c in claims} == {
        ("uscirf-gulmira-imin", "1978"), ("ppc-2014-02-cppc00015", "1979")}
    assert not select(shipped_store, "SELECT ?p WHERE { <person/ppc-2014-02-cppc00015> ?p ?o }")
    names = {n["name"] for n in select(shipped_store, "SELECT ?name WHERE { <person/gulmira-imin> skos:prefLabel ?name }")}
    assert names == {"Gulmira Imin", "古丽米拉•艾明"}


def test_names_in_brackets_become_latin_names_or_notes_never_lost(shipped_store: CaseStore) -> None:
    found = select(shipped_store, """SELECT ?name ?alt ?note WHERE { ?p skos:prefLabel ?name .
        OPTIONAL { ?p skos:altLabel ?alt } OPTIONAL { ?p cg:nameNote ?note }
        FILTER(?name IN ("阿可拜尔•伊明"@zh, "王玉文"@zh)) }""")
    assert {(f["name"], f.get("alt"), f.get("note")) for f in found} == {
        ("阿可拜尔•伊明", "AkbarImin", None), ("王玉文", None, "（王藏）")}


def test_a_row_with_two_addresses_cites_both(shipped_store: CaseStore) -> None:
    row = next(r for r in rows() if r["Name"] == "杨建英")
    query = f"SELECT ?url WHERE {{ GRAPH <graph/sources> {{ <{graph_of(row)}> dcterms:references ?url }} }}"
    cited = select(shipped_store, query)
    assert {c["url"] for c in cited} == set(row["Source"].split())


def test_bad_rows_are_left_out_and_reported_with_line_column_value_and_rule(tmp_path: Path) -> None:
    table = HEADER + (
        "甲,male,1970,,北京,2020-01-01,https://example.org/a.html\n"
        "乙,man,1970,,北京,2020-01-01,https://example.org/b.html\n"
        "丙,male,1970,,北京,2020-13-01,https://example.org/c.html\n"
        "丁,male,1970,,北京,pardoned,https://example.org/d.html\n"
        "戊,male,19x0,,北京,life,https://example.org/e.html\n"
        "己,male,1970,,北京,life,https://example.org/a.html\n"
    )
    path, mapping = mapping_copy(tmp_path, table)
    out, report = tmp_path / "out", tmp_path / "report.json"
    result = import_(path, mapping, out, "--report", str(report))
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    problems = {(p["line"], p["column"], p["value"], p["outcome"]) for p in json.loads(report.read_text(encoding="utf-8"))}
    assert problems == {
        (3, "Gender", "man", "row left out"),
        (4, "Sentence", "2020-13-01", "row left out"),
        (5, "Sentence", "pardoned", "row left out"),
        (6, "Date of Birth", "19x0", "kept as a note"),
        (7, "Source", "https://example.org/a.html", "row left out"),
    }
    assert "2 of 6 rows imported, 4 left out" in result.stderr
    quads = list(ox.parse(path=out / SHIPPED.name, format=ox.RdfFormat.TRIG, base_iri=BASE))
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert graphs == {BASE + "graph/sources", BASE + "source/ppc-a", BASE + "source/ppc-e"}


def test_a_dry_run_writes_nothing(tmp_path: Path) -> None:
    path, mapping = mapping_copy(tmp_path, HEADER + "甲,male,1970,,北京,life,https://example.org/a.html\n")
    result = import_(path, mapping, tmp_path / "out", "--dry-run")
    assert result.returncode == 0 and "would write" in result.stderr
    assert not (tmp_path / "out").exists()


def test_json_rows_import_like_csv_rows(tmp_path: Path) -> None:
    sample = rows()[:20]
    csv_path, csv_mapping = mapping_copy(tmp_path / "c", HEADER + "".join(",".join(r.values()) + "\n" for r in sample))
    json_path, json_mapping = mapping_copy(tmp_path / "j", json.dumps(sample, ensure_ascii=False), "json")
    for path, mapping, out in ((csv_path, csv_mapping, "c-out"), (json_path, json_mapping, "j-out")):
        result = run("import", str(path), "--mapping", str(mapping), "--output", str(tmp_path / out), store=tmp_path / "s")
        assert result.returncode == 0 and "20 of 20 rows imported" in result.stderr, result.stderr
    written = [set(ox.parse(path=tmp_path / d / SHIPPED.name, format=ox.RdfFormat.TRIG, base_iri=BASE))
               for d in ("c-out", "j-out")]
    assert written[0] == written[1] and len(written[0]) > 20 * 20


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        pytest.param(('property = "cg:gender"', 'property = "zz:gender"'), "neither a known prefixed name", id="unknown-prefix"),
        pytest.param(('column = "Gender"', 'column = "Sex"'), "columns the table does not have: Sex", id="missing-column"),
        pytest.param(('parse = "date"', 'parse = "datum"'), "parse must be one of", id="unknown-parser"),
        pytest.param(("[[fields]]", "[[fields]"), "is not valid TOML", id="broken-toml"),
    ],
)
def test_mapping_mistakes_are_named_without_a_traceback(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    path, mapping = mapping_copy(tmp_path, HEADER + "甲,male,1970,,北京,life,https://example.org/a.html\n")
    mapping.write_text(mapping.read_text(encoding="utf-8").replace(*edit, 1), encoding="utf-8")
    result = run("import", str(path), "--mapping", str(mapping), "--output", str(tmp_path / "out"), store=tmp_path / "s")
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert_no_traceback(result)
    assert not (tmp_path / "out").exists()
