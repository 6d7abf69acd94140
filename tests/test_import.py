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

from conftest import copy_seeds
from graph.ingest.tabular import parse_date
from graph.paths import sources_dir
from graph.store.seam import Store

BASE = "https://w3id.org/casegraph/"
LIST_DIR = sources_dir().parent / "imports" / "chinese-political-prisoners"
TABLE = LIST_DIR / "chinese-political-prisoners.csv"
MAPPING = LIST_DIR / "mapping.toml"
SHIPPED = sources_dir() / "chinese-political-prisoners.trig"
REGISTER = LIST_DIR / "iris.csv"
XSD = "http://www.w3.org/2001/XMLSchema#"
HEADER = "Name,Gender,Date of Birth,Date of Death,Place,Sentence,Source\n"


def rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def graph_of(row: dict[str, str]) -> str:
    """The source graph a row should land in, worked out here from the address, not by the importer."""
    path = urlsplit(row["Source"].split()[0]).path.rsplit(".", 1)[0]
    return BASE + "source/ppc-" + "-".join(part for part in re.split(r"\W+", path) if part)


def select(store: Store, query: str) -> list[dict[str, str]]:
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
    written, register = out / SHIPPED.name, REGISTER.read_bytes()
    assert written.read_bytes() == SHIPPED.read_bytes()
    assert REGISTER.read_bytes() == register  # every row's IRI was registered: nothing minted, nothing written
    stamp = written.stat().st_mtime_ns
    again = run("import", str(TABLE), "--mapping", str(MAPPING), "--output", str(out), store=tmp_path / "s")
    assert again.returncode == 0 and "unchanged" in again.stderr
    assert written.stat().st_mtime_ns == stamp


def test_every_row_is_one_person_in_its_own_source_graph(shipped_store: Store) -> None:
    found = select(shipped_store, f"""SELECT ?g ?person WHERE {{ GRAPH ?g {{ ?person a cg:Person }}
                               FILTER(STRSTARTS(STR(?g), "{BASE}source/ppc-")) }}""")
    assert len(found) == len(rows()) == 926
    assert {f["g"] for f in found} == {graph_of(r) for r in rows()}


def test_dates_keep_their_precision_and_the_sentence_column_keeps_its_meaning(shipped_store: Store) -> None:
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


def test_each_date_is_typed_by_its_precision(shipped_store: Store) -> None:
    typed = select(shipped_store, """SELECT ?value (DATATYPE(?value) AS ?type) WHERE {
        GRAPH ?g { ?s cg:birthDate|cg:deathDate|cg:expectedRelease ?value } }""")
    kinds = {len(t["value"]): t["type"] for t in typed}
    assert kinds == {4: XSD + "gYear", 7: XSD + "gYearMonth", 10: XSD + "date"}


def test_gulmira_imin_is_one_node_with_both_birth_years_and_their_sources(shipped_store: Store) -> None:
    claims = select(shipped_store, "SELECT ?g ?year WHERE { GRAPH ?g { <person/gulmira-imin> cg:birthDate ?year } }")
    assert {(c["g"].rsplit("/", 1)[-1], c["year"]) for c in claims} == {
        ("uscirf-gulmira-imin", "1978"), ("ppc-2014-02-cppc00015", "1979")}
    assert not select(shipped_store, "SELECT ?p WHERE { <person/ppc-2014-02-cppc00015> ?p ?o }")
    names = {n["name"] for n in select(shipped_store, "SELECT ?name WHERE { <person/gulmira-imin> skos:prefLabel ?name }")}
    assert names == {"Gulmira Imin", "古丽米拉•艾明"}


def test_names_in_brackets_become_latin_names_or_notes_never_lost(shipped_store: Store) -> None:
    found = select(shipped_store, """SELECT ?name ?alt ?note WHERE { ?p skos:prefLabel ?name .
        OPTIONAL { ?p skos:altLabel ?alt } OPTIONAL { ?p cg:nameNote ?note }
        FILTER(?name IN ("阿可拜尔•伊明"@zh, "王玉文"@zh)) }""")
    assert {(f["name"], f.get("alt"), f.get("note")) for f in found} == {
        ("阿可拜尔•伊明", "AkbarImin", None), ("王玉文", None, "（王藏）")}


def test_a_row_with_two_addresses_cites_both(shipped_store: Store) -> None:
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


# Mapping features, each against a small table of the test's own: a catalog entry and shared records every row gets.
FIXTURE_CATALOG = """@prefix cg: <https://w3id.org/casegraph/ontology#> . @prefix dcterms: <http://purl.org/dc/terms/> .
<source/_row_> a cg:SourceDocument ; dcterms:publisher <organisation/fixture-keeper> ; dcterms:title "Entry"@en ;
    cg:sourceKind cg:source-database-record ; cg:addressStatus cg:address-unconfirmed .
"""
FIXTURE_SHARED = """@prefix cg: <https://w3id.org/casegraph/ontology#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<organisation/fixture-keeper> a cg:Organisation ; skos:prefLabel "Keeper of a test list"@en .
"""
FIXTURE_HEAD = """name = "fixture"
[source]
iri = "source/fx-{key}"
catalog = "catalog.ttl"
shared = "shared.ttl"
label = { template = "Test list: entry {key}", language = "en" }
[records.person]
iri = "person/fx-{key}"
class = "cg:Person"
label = { template = "Person {key}", language = "en" }
"""


def fixture(tmp_path: Path, mapping: str, tables: dict[str, str]) -> Path:
    """A mapping (after the common head) and its tables in a directory of their own; the mapping's path."""
    directory = tmp_path / "fixture"
    directory.mkdir()
    (directory / "catalog.ttl").write_text(FIXTURE_CATALOG, encoding="utf-8")
    (directory / "shared.ttl").write_text(FIXTURE_SHARED, encoding="utf-8")
    for name, text in tables.items():
        (directory / name).write_text(text, encoding="utf-8")
    (directory / "mapping.toml").write_text(FIXTURE_HEAD + mapping, encoding="utf-8")
    return directory / "mapping.toml"


def imported(tmp_path: Path, mapping: Path, *tables: str) -> tuple[set[tuple[str, str, str]], list[dict[str, object]], str]:
    """Run the import; the facts written (subject, property, object as IRI or lexical^^type@lang), the report, stderr."""
    out, report = tmp_path / "out", tmp_path / "report.json"
    result = run("import", *(str(mapping.parent / t) for t in tables), "--mapping", str(mapping), "--output", str(out),
                 "--report", str(report), store=tmp_path / "store")
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    facts = set()
    for quad in ox.parse(path=out / "fixture.trig", format=ox.RdfFormat.TRIG, base_iri=BASE):
        o = quad.object
        shown = o.value if isinstance(o, ox.NamedNode) else f"{o.value}^^{o.datatype.value.rsplit('#', 1)[-1]}@{o.language or ''}"
        facts.add((quad.subject.value.removeprefix(BASE), quad.predicate.value.rsplit("/", 1)[-1], shown))  # type: ignore[union-attr]
    return facts, json.loads(report.read_text(encoding="utf-8")), result.stderr


def test_json_paths_reach_nested_values_lists_give_several_and_a_missing_key_is_an_empty_cell(tmp_path: Path) -> None:
    first = [{"id": "a", "victim": {"name": "Ayşe", "aliases": ["A.", "Ayshe"]}, "details": [{"date": "1970-05"}]},
             {"id": "b", "victim": {"name": "Bob"}}]  # no aliases, no details at all
    second = {"cases": [{"id": "c", "victim": {"name": "Cem", "aliases": "C."}, "details": []}]}
    mapping = fixture(tmp_path, """
[input]
format = "json"
records = "cases"
[key]
column = "id"
[[fields]]
record = "person"
column = "victim.name"
property = "skos:prefLabel"
language = "und"
[[fields]]
record = "person"
column = "victim.aliases"
property = "skos:altLabel"
language = "und"
[[fields]]
record = "person"
column = "details[0].date"
property = "cg:birthDate"
parse = "date"
""", {"one.json": json.dumps({"cases": first}), "two.json": json.dumps(second)})
    facts, report, stderr = imported(tmp_path, mapping, "one.json", "two.json")
    assert "3 of 3 rows imported" in stderr and report == []
    people = {(s, p, o) for s, p, o in facts if s.startswith("person/")}
    assert {(s, o) for s, p, o in people if p == "core#altLabel"} == {
        ("person/fx-a", "A.^^langString@und"), ("person/fx-a", "Ayshe^^langString@und"), ("person/fx-c", "C.^^langString@und")}
    assert {(s, o) for s, p, o in people if p.endswith("birthDate")} == {("person/fx-a", "1970-05^^gYearMonth@")}
    assert ("person/fx-b", "core#prefLabel", "Bob^^langString@und") in people


DATE_TABLE = "id,born\n1,12 April 1974\n2,Mar-17\n3,1974/04/12\n4,1974年4月12日\n5,April 1974\n6,1974\n7,Mid-2017\n"


def test_dates_in_declared_formats_keep_their_precision_and_two_digit_years_fall_in_the_declared_window(tmp_path: Path) -> None:
    mapping = fixture(tmp_path, """
[key]
column = "id"
[[fields]]
record = "person"
column = "born"
property = "cg:birthDate"
parse = "date"
formats = ["%d %B %Y", "%b-%y", "%Y/%m/%d", "%Y年%m月%d日", "%B %Y"]
years = [1930, 2029]
on_error = "cell"
""", {"t.csv": DATE_TABLE})
    facts, report, _ = imported(tmp_path, mapping, "t.csv")
    born = {s.rsplit("-", 1)[-1]: o for s, p, o in facts if p.endswith("birthDate")}
    assert born == {"1": "1974-04-12^^date@", "2": "2017-03^^gYearMonth@", "3": "1974-04-12^^date@",
                    "4": "1974-04-12^^date@", "5": "1974-04^^gYearMonth@", "6": "1974^^gYear@"}
    assert [(p["line"], p["value"], p["outcome"]) for p in report] == [(8, "Mid-2017", "cell left out")]


def test_a_two_digit_year_format_without_a_window_is_refused_naming_the_field(tmp_path: Path) -> None:
    mapping = fixture(tmp_path, '[key]\ncolumn = "id"\n[[fields]]\nrecord = "person"\ncolumn = "born"\n'
                      'property = "cg:birthDate"\nparse = "date"\nformats = ["%b-%y"]\n', {"t.csv": DATE_TABLE})
    result = run("import", str(mapping.parent / "t.csv"), "--mapping", str(mapping), "--output", str(tmp_path / "o"),
                 store=tmp_path / "s")
    assert result.returncode == 2 and "[fields #1]" in result.stderr and "years = [first, last]" in result.stderr, result.stderr
    assert_no_traceback(result)


def test_numbers_are_typed_ignored_values_vanish_and_a_cell_error_keeps_the_row(tmp_path: Path) -> None:
    mapping = fixture(tmp_path, """
[input]
ignore = ["Unknown", "N/A"]
[key]
column = "id"
[[fields]]
record = "person"
column = "age"
property = "cg:reportedAge"
parse = "integer"
on_error = "cell"
[[fields]]
record = "person"
column = "height"
# a vocabulary the closed-world check leaves alone: the project's own have no decimal property
property = "https://example.org/height"
parse = "decimal"
""", {"t.csv": "id,age,height\n1,42,1.75\n2,Unknown,N/A\n3,55-56,2\n4,+7,x\n"})
    out, report = tmp_path / "out", tmp_path / "r.json"
    result = run("import", str(mapping.parent / "t.csv"), "--mapping", str(mapping), "--output", str(out),
                 "--report", str(report), store=tmp_path / "s")
    assert result.returncode == 0 and "3 of 4 rows imported" in result.stderr, result.stderr
    problems = {(p["line"], p["column"], p["value"], p["outcome"]) for p in json.loads(report.read_text(encoding="utf-8"))}
    assert problems == {(4, "age", "55-56", "cell left out"), (5, "height", "x", "row left out")}
    typed = {(q.subject.value.rsplit("-", 1)[-1], q.object.value, q.object.datatype.value.rsplit("#", 1)[-1])  # type: ignore[union-attr]
             for q in ox.parse(path=out / "fixture.trig", format=ox.RdfFormat.TRIG, base_iri=BASE)
             if q.predicate.value.endswith(("reportedAge", "height"))}
    assert typed == {("1", "42", "integer"), ("1", "1.75", "decimal"), ("3", "2.0", "decimal")}


def test_slugs_transliterate_names_for_iris(tmp_path: Path) -> None:
    mapping = fixture(tmp_path, """
[key]
column = "id"
[records.place]
iri = "place/{town|slug}"
class = "cg:Place"
label = { template = "{town}", language = "und" }
constants = { "cg:placeKind" = "cg:place-unspecified" }
[[fields]]
record = "person"
column = "name"
property = "skos:prefLabel"
language = "und"
""", {"t.csv": "id,name,town\n1,刘晓波,长春\n2,Ilham,Үрүмчи\n3,Zoë, São Paulo \n"})
    facts, _, _ = imported(tmp_path, mapping, "t.csv")
    assert {s for s, p, o in facts if o.endswith("#Place")} == {"place/chang-chun", "place/urumchi", "place/sao-paulo"}


def test_records_of_one_row_link_to_each_other_and_unmatched_values_can_be_read_without_a_record(tmp_path: Path) -> None:
    mapping = fixture(tmp_path, """
[key]
column = "id"
[records.facility]
iri = "facility/{held|slug}"
class = "cg:DetentionFacility"
when = { column = "held", match = '.*Prison', otherwise = "ignore" }
label = { template = "{held}", language = "en" }
constants = { "cg:facilityKind" = "cg:facility-prison" }
[records.custody]
iri = "event/fx-{key}-custody"
class = "cg:Custody"
concerns = "person"
when = { column = "held", match = '.*Prison', otherwise = "ignore" }
links = { "cg:facility" = "facility" }
label = { template = "Custody at {held}", language = "en" }
""", {"t.csv": "id,held\n1,Stanley Prison\n2,at home\n"})
    facts, report, stderr = imported(tmp_path, mapping, "t.csv")
    assert "2 of 2 rows imported" in stderr and report == []
    assert ("event/fx-1-custody", "ontology#facility", BASE + "facility/stanley-prison") in facts
    assert ("event/fx-1-custody", "ontology#concerns", BASE + "person/fx-1") in facts
    assert not any(s.startswith(("event/fx-2", "facility/at")) for s, _, _ in facts)


def test_every_problem_of_a_row_is_reported_not_only_the_first(tmp_path: Path) -> None:
    mapping = fixture(tmp_path, """
[key]
column = "id"
[[fields]]
record = "person"
column = "born"
property = "cg:birthDate"
parse = "date"
[[fields]]
record = "person"
column = "sex"
property = "cg:gender"
values = { male = "cg:gender-male" }
[[fields]]
record = "person"
column = "age"
property = "cg:reportedAge"
parse = "integer"
""", {"t.csv": "id,born,sex,age\n1,1970-02-30,man,old\n2,1970,male,50\n"})
    _, report, stderr = imported(tmp_path, mapping, "t.csv")
    assert "1 of 2 rows imported" in stderr
    assert {(p["line"], p["column"], p["value"], p["outcome"]) for p in report} == {
        (2, "born", "1970-02-30", "row left out"), (2, "sex", "man", "row left out"), (2, "age", "old", "row left out")}


@pytest.mark.parametrize(
    ("table", "mapping_edit", "message"),
    [
        pytest.param('[{"id": "a",}]', ("", ""), "t.json: is not valid JSON: Expecting property name", id="malformed-json"),
        pytest.param('{"rows": []}', ("", ""), "must hold a JSON array of objects at the top", id="no-array"),
        pytest.param("[]", ('column = "victim.name"', 'column = "victim..name"'), "[input]: path 'victim..name'", id="bad-path"),
        pytest.param("[]", ('parse = "date"', 'parse = "date"\nformats = ["%H:%M %Y"]'), "[fields #2]: date format",
                     id="bad-format"),
        pytest.param("[]", ('class = "cg:Person"', 'class = "cg:Person"\nlinks = { "cg:x" = "nobody" }'),
                     "[records.person]: links to 'nobody'", id="bad-link"),
    ],
)
def test_malformed_tables_and_mappings_are_named_with_file_and_place(tmp_path: Path, table: str, mapping_edit: tuple[str, str],
                                                                    message: str) -> None:
    text = ('[input]\nformat = "json"\n[key]\ncolumn = "id"\n[[fields]]\nrecord = "person"\ncolumn = "victim.name"\n'
            'property = "skos:prefLabel"\n[[fields]]\nrecord = "person"\ncolumn = "born"\nproperty = "cg:birthDate"\n'
            'parse = "date"\n')
    mapping = fixture(tmp_path, text, {"t.json": table})
    (tmp_path / "fixture" / "mapping.toml").write_text((FIXTURE_HEAD + text).replace(*mapping_edit, 1), encoding="utf-8")
    result = run("import", str(mapping.parent / "t.json"), "--mapping", str(mapping), "--output", str(tmp_path / "o"),
                 store=tmp_path / "s")
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert_no_traceback(result)


def register_of(mapping: Path) -> dict[str, tuple[str, str]]:
    with (mapping.parent / "iris.csv").open(encoding="utf-8", newline="") as handle:
        return {row["key"]: (row["iri"], row["former"]) for row in csv.DictReader(handle)}


def test_people_get_readable_iris_that_stay_theirs_when_namesakes_come_and_go(tmp_path: Path) -> None:
    first = HEADER + ("陈卫,male,1969,,遂宁,2020,https://example.org/a.html\n"
                      "陈卫,female,1967,,重庆,2014,https://example.org/b.html\n"
                      "阿可拜尔•伊明（AkbarImin）,male,1981,,乌鲁木齐,2019,https://example.org/c.html\n")
    path, mapping = mapping_copy(tmp_path, first)
    (mapping.parent / "iris.csv").unlink()
    out = tmp_path / "out"
    assert import_(path, mapping, out).returncode == 0
    minted = register_of(mapping)
    assert minted == {"a": ("person/chen-wei", "person/ppc-a"), "b": ("person/chen-wei-2", "person/ppc-b"),
                      "c": ("person/akbar-imin", "person/ppc-c")}
    # a third 陈卫 arrives at the top of the table, and the first one leaves it
    path.write_text(HEADER + "陈卫,male,1980,,北京,2030,https://example.org/d.html\n" + first.split("\n", 2)[2], encoding="utf-8")
    assert import_(path, mapping, out).returncode == 0
    assert register_of(mapping) == minted | {"d": ("person/chen-wei-3", "person/ppc-d")}
    quads = list(ox.parse(path=out / SHIPPED.name, format=ox.RdfFormat.TRIG, base_iri=BASE))
    people = {q.subject.value for q in quads if q.predicate.value.endswith("#type") and q.object.value.endswith("#Person")}
    assert people == {BASE + "person/chen-wei-2", BASE + "person/chen-wei-3", BASE + "person/akbar-imin"}
    same = {(q.subject.value, q.object.value, q.graph_name.value) for q in quads if q.predicate.value.endswith("#sameAs")}
    assert (BASE + "person/chen-wei-3", BASE + "person/ppc-d", BASE + "source/ppc-d") in same and len(same) == 3


def test_a_readable_iri_never_takes_one_another_source_uses(tmp_path: Path) -> None:
    path, mapping = mapping_copy(tmp_path, HEADER + "古丽米拉•艾明,female,1979,,新疆,life,https://example.org/g.html\n")
    (mapping.parent / "iris.csv").unlink()
    out = copy_seeds(tmp_path / "sources")  # USCIRF's record is person/gulmira-imin
    assert import_(path, mapping, out).returncode == 0
    assert register_of(mapping)["g"] == ("person/gulmira-imin-2", "person/ppc-g")
