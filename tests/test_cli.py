"""The casegraph command, run as a user runs it: a real process, its output, its exit code."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from conftest import BASE, copy_seeds, seed_sources
from graph.paths import sources_dir

COMMAND = [sys.executable, "-m", "service"]


def run(*args: str, store: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CASEGRAPH_STORE": str(store), "COLUMNS": "200", **(env or {})}
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, env=environment, timeout=120, check=False)


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout


def test_build_then_summary(tmp_path: Path) -> None:
    store = tmp_path / "store"
    built = run("build", store=store)
    assert built.returncode == 0, built.stderr
    graphs = {q.graph_name.value for path in sources_dir().glob("*.trig")
              for q in ox.parse(path=path, format=ox.RdfFormat.TRIG, base_iri=BASE) if isinstance(q.graph_name, ox.NamedNode)}
    documents = len(graphs - {BASE + "graph/sources"})  # every graph but the catalog is one source document
    assert documents > 928 and f"{documents} sources" in built.stderr, "the seeds, the list's 926 entries, the reference pages"
    summary = run("summary", store=store)
    assert summary.returncode == 0, summary.stderr
    assert "Gulmira Imin" in summary.stdout and "Human Rights Watch" in summary.stdout


def test_build_refuses_bad_data_and_names_file_node_and_rule(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    copy_seeds(sources)
    text = (sources / "uscirf-gulmira-imin.trig").read_text(encoding="utf-8")
    (sources / "uscirf-gulmira-imin.trig").write_text(
        text.replace('cg:birthDate "1978"^^xsd:gYear', 'cg:birthDate "born 1978"'), encoding="utf-8")
    result = run("build", "--sources", str(sources), store=tmp_path / "store")
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "uscirf-gulmira-imin.trig" in result.stderr
    assert "person/gulmira-imin" in result.stderr and "birthDate" in result.stderr
    assert "nothing was written" in result.stderr
    assert not (tmp_path / "store").exists()


def test_validate_files_and_store(tmp_path: Path, store_dir: Path) -> None:
    files = sorted(str(p) for p in seed_sources())
    assert run("validate", *files, store=store_dir).returncode == 0
    whole = run("validate", store=store_dir)
    assert whole.returncode == 0, whole.stderr
    assert "2 sources conform" in whole.stderr


def test_validate_a_bad_file_exits_non_zero_with_a_report(tmp_path: Path, store_dir: Path) -> None:
    bad = tmp_path / "bad.trig"
    bad.write_text((sources_dir() / "hrw-ikram-nurmehmet.trig").read_text(encoding="utf-8")
                   .replace('cg:reportedAge 33', 'cg:reportedAge "thirty-three"'), encoding="utf-8")
    result = run("validate", str(bad), store=store_dir)
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "bad.trig" in result.stderr and "person/ikram-nurmehmet" in result.stderr and "reportedAge" in result.stderr


@pytest.mark.parametrize("engine", ["compiled", "pyshacl"])
def test_validate_reports_an_ill_typed_literal_without_a_traceback(tmp_path: Path, store_dir: Path, engine: str) -> None:
    bad = tmp_path / "bad.trig"
    bad.write_text((sources_dir() / "hrw-ikram-nurmehmet.trig").read_text(encoding="utf-8")
                   .replace('cg:reportedAge 33', 'cg:reportedAge "thirty"^^xsd:integer'), encoding="utf-8")
    result = run("validate", "--engine", engine, str(bad), store=store_dir)
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "(value: thirty)" in result.stderr and "NodeConstraintComponent" in result.stderr


def test_validate_refuses_an_unknown_engine(store_dir: Path) -> None:
    result = run("validate", "--engine", "fast", *map(str, seed_sources()), store=store_dir)
    assert result.returncode == 2 and "unknown engine 'fast'" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "xml", "table"])
def test_query_output_formats(store_dir: Path, fmt: str) -> None:
    text = "SELECT ?name WHERE { <person/gulmira-imin> skos:prefLabel ?name }"
    result = run("query", text, "--format", fmt, store=store_dir)
    assert result.returncode == 0, result.stderr
    assert "Gulmira Imin" in result.stdout
    if fmt == "json":
        assert json.loads(result.stdout)["results"]["bindings"][0]["name"]["value"] == "Gulmira Imin"
    if fmt == "csv":
        assert list(csv.reader(io.StringIO(result.stdout))) == [["name"], ["Gulmira Imin"]]


def test_a_long_inline_query_is_a_query_not_a_file_name(store_dir: Path) -> None:
    text = "SELECT ?name WHERE { <person/gulmira-imin> skos:prefLabel ?name }" + " " * 300 + "# longer than a file name"
    result = run("query", text, "--format", "csv", store=store_dir)
    assert result.returncode == 0, result.stderr
    assert "Gulmira Imin" in result.stdout


def test_query_from_a_file_and_construct_as_turtle(tmp_path: Path, store_dir: Path) -> None:
    query = tmp_path / "courts.rq"
    query.write_text("CONSTRUCT { ?c a cg:Court } WHERE { ?c a cg:Court }", encoding="utf-8")
    result = run("query", str(query), "--format", "turtle", store=store_dir)
    assert result.returncode == 0, result.stderr
    assert "urumqi-intermediate-peoples-court" in result.stdout and "cg:Court" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "SELECT ?x WHERE { ?x a }"], "not valid SPARQL"),
        (["query", "no-such-named-query"], "no query named"),
        (["query", "missing.rq"], "no query file"),
        (["query", "ASK {}", "--format", "html"], "unknown format"),
        (["export", "--format", "yaml"], "unknown format"),
        (["export", "--graph", "nope"], "no graph"),
    ],
)
def test_user_mistakes_get_a_message_not_a_traceback(store_dir: Path, args: list[str], message: str) -> None:
    result = run(*args, store=store_dir)
    assert result.returncode == 2
    assert message in result.stderr
    assert_no_traceback(result)


def test_a_missing_store_says_to_build(tmp_path: Path) -> None:
    result = run("query", "ASK {}", store=tmp_path / "none")
    assert result.returncode == 2 and "casegraph build" in result.stderr


def test_export_to_a_file_and_one_source(tmp_path: Path, store_dir: Path) -> None:
    output = tmp_path / "gulmira.nq"
    result = run("export", "--format", "nquads", "--graph", "uscirf-gulmira-imin", "--output", str(output), store=store_dir)
    assert result.returncode == 0, result.stderr
    lines = output.read_text(encoding="utf-8").splitlines()
    assert lines and all(line.endswith("<https://w3id.org/casegraph/source/uscirf-gulmira-imin> .") for line in lines)


def test_an_invalid_base_setting_is_reported(store_dir: Path) -> None:
    result = run("query", "ASK {}", store=store_dir, env={"CASEGRAPH_BASE": "not-an-iri"})
    assert result.returncode != 0
    assert "CASEGRAPH_BASE" in result.stderr


def test_the_cli_refuses_service_too(store_dir: Path) -> None:
    result = run("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", store=store_dir)
    assert result.returncode == 2 and "SERVICE is not allowed" in result.stderr


def test_graph_path_explains_each_link_with_its_source(store_dir: Path) -> None:
    result = run("graph", "path", "Gulmira Imin", "Tahir Imin", "--max-length", "3", store=store_dir)
    assert result.returncode == 0, result.stderr
    assert "Gulmira Imin — Urumqi Intermediate People's Court" in result.stdout
    assert "court (verdict) through Gulmira Imin sentenced to life in prison [source/uscirf-gulmira-imin]" in result.stdout
    people = run("graph", "path", "Gulmira Imin", "Tahir Imin", "--view", "people", store=store_dir)
    assert "not connected" in people.stdout


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "png"])
def test_graph_ego_writes_files(store_dir: Path, tmp_path: Path, fmt: str) -> None:
    output = tmp_path / f"tahir.{fmt}"
    result = run("graph", "ego", "person/tahir-imin", "--view", "people", "-f", fmt, "-o", str(output), store=store_dir)
    assert result.returncode == 0, result.stderr
    assert "7 nodes" in result.stderr
    if fmt == "png":
        assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        read = nx.read_graphml(output) if fmt == "graphml" else nx.read_gexf(output)
        assert read.number_of_nodes() == 7


def test_graph_stats_and_an_ambiguous_name(store_dir: Path) -> None:
    stats = run("graph", "stats", "--view", "people", store=store_dir)
    assert json.loads(stats.stdout)["view"] == "people"
    ambiguous = run("graph", "ego", "business partner", store=store_dir)
    assert ambiguous.returncode == 2 and "give one by its IRI" in ambiguous.stderr and "Traceback" not in ambiguous.stderr


def test_build_reads_the_sources_written_through_the_api_too(tmp_path: Path) -> None:
    from test_build import extra_source

    written = tmp_path / "written"
    written.mkdir()
    (written / "extra.trig").write_text(extra_source(""), encoding="utf-8")
    env = {"CASEGRAPH_SOURCES": str(copy_seeds(tmp_path / "seeds")), "CASEGRAPH_WRITABLE_SOURCES": str(written)}
    built = run("build", store=tmp_path / "store", env=env)
    assert built.returncode == 0, built.stderr
    assert "3 sources" in built.stderr
    listed = run("query", "SELECT ?g WHERE { GRAPH ?g { } }", "--format", "csv", store=tmp_path / "store", env=env)
    assert "source/extra" in listed.stdout


def test_build_refuses_an_iri_that_is_not_in_normal_form(tmp_path: Path) -> None:
    """`person/../../x` under the base stands for an IRI outside it: the build names it and writes nothing."""
    sources = copy_seeds(tmp_path / "sources")
    dotted = "https://w3id.org/casegraph/person/../../qxdotted"
    with (sources / "uscirf-gulmira-imin.trig").open("a", encoding="utf-8") as handle:
        handle.write(f'\n<source/uscirf-gulmira-imin> {{ <{dotted}> a cg:Person ; skos:prefLabel "Qxdotted"@en ;'
                     ' cg:source <source/uscirf-gulmira-imin> . }\n')
    result = run("build", "--sources", str(sources), store=tmp_path / "store")
    assert result.returncode == 1, result.stderr
    assert_no_traceback(result)
    assert "uscirf-gulmira-imin.trig" in result.stderr and dotted in result.stderr and "normal form" in result.stderr
    assert not (tmp_path / "store").exists()


def trig_document(facts: str) -> str:
    """A source file holding one new source document, its catalog entry and its publisher, and the given facts."""
    return """@prefix cg: <https://w3id.org/casegraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@base <https://w3id.org/casegraph/> .
<graph/sources> { <source/new-report> a cg:SourceDocument ; skos:prefLabel "New report"@en ; dcterms:title "New report"@en ;
    dcterms:publisher <organisation/new-publisher> ; cg:sourceKind cg:source-news-release ;
    cg:addressStatus cg:address-unconfirmed . }
<source/new-report> {
<organisation/new-publisher> a cg:NonGovernmentalOrganisation ; skos:prefLabel "New publisher"@en ;
    cg:source <source/new-report> .
<person/qxnewperson> a cg:Person ; skos:prefLabel "Qxnewperson"@en ; cg:source <source/new-report> """ + facts + """ .
}
"""


COURT_BY_IRI = """.
<event/qxnewperson-trial> a cg:Trial ; skos:prefLabel "Trial of Qxnewperson"@en ; cg:source <source/new-report> ;
    cg:concerns <person/qxnewperson> ; cg:court <court/urumqi-intermediate-peoples-court>"""


def test_a_file_may_refer_to_records_of_the_store_or_of_the_build_by_iri_alone(tmp_path: Path, store_dir: Path) -> None:
    sources = copy_seeds(tmp_path / "sources")
    (sources / "new-report.trig").write_text(trig_document(COURT_BY_IRI), encoding="utf-8")
    checked = run("validate", str(sources / "new-report.trig"), store=store_dir)
    assert checked.returncode == 0, checked.stderr
    built = run("build", "--sources", str(sources), store=tmp_path / "store")
    assert built.returncode == 0, built.stderr
    alone = run("validate", str(sources / "new-report.trig"), store=tmp_path / "no-store")
    assert alone.returncode == 1 and "<court/urumqi-intermediate-peoples-court> is not in the graph" in alone.stderr


@pytest.mark.parametrize(("typo", "meant"), [
    ('cg:occupaton "filmmaker"@en', "cg:occupaton is not a property of the casegraph ontology or of the vocabularies it allows; "
                                    "did you mean cg:occupation?"),
    ("cg:brother <person/tahir-imin>", "did you mean cg:sibling?"),
    ("cg:sister <person/tahir-imin>", "did you mean cg:sibling?"),
])
def test_validate_refuses_unknown_properties_with_a_suggestion(tmp_path: Path, store_dir: Path, typo: str, meant: str) -> None:
    path = tmp_path / "typo.trig"
    path.write_text(trig_document("; " + typo), encoding="utf-8")
    result = run("validate", str(path), store=store_dir)
    assert result.returncode == 1
    assert_no_traceback(result)
    assert meant in result.stderr and "1 violation(s)" in result.stderr, result.stderr


def test_validate_reports_every_problem_at_once_and_dates_that_do_not_exist(tmp_path: Path, store_dir: Path) -> None:
    path = tmp_path / "many.trig"
    path.write_text(trig_document('; cg:occupaton "filmmaker"@en ; cg:birthDate "1954-02-29"^^xsd:date ; cg:reportedAge "old" ; '
                                  'cg:birthPlace <place/aksuu> ' + COURT_BY_IRI + '; cg:date "2014-02-30"^^xsd:date'),
                    encoding="utf-8")
    result = run("validate", str(path), store=store_dir)
    assert result.returncode == 1 and "5 violation(s)" in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("✗")]
    assert len(lines) == 5 and all("many.trig" in line for line in lines)
    assert any("occupaton" in line and "did you mean cg:occupation?" in line for line in lines)
    assert any("birthDate (value: 1954-02-29): 1954-02-29 is a date that does not exist" in line for line in lines)
    assert any("reportedAge (value: old)" in line for line in lines)
    assert any("<place/aksuu> is not in the graph; declare it (a cg:Place with a skos:prefLabel), or did you mean <place/aksu>?"
               in line for line in lines)
    assert any("ontology#date (value: 2014-02-30): 2014-02-30 is a date that does not exist" in line for line in lines)


def test_a_process_spawned_by_the_installed_command_does_not_import_the_command_line() -> None:
    # A spawned child (query worker, document checker) first runs its parent's script as `__mp_main__`, as here.
    script = Path(sys.executable).with_name("casegraph")
    program = ("import runpy, sys; runpy.run_path(sys.argv[1], run_name='__mp_main__'); "
               "print(sorted(m for m in ('typer', 'fastapi', 'uvicorn', 'service.command', 'graph.cli') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", program, str(script)], capture_output=True, text=True, timeout=60,
                            check=True)
    assert script.is_file() and result.stdout.strip() == "[]"


def test_a_query_worker_imports_neither_the_query_checks_nor_the_settings() -> None:
    # Each restart spawns the workers afresh; the parser, pydantic and httpx were most of a worker's 0.9 s of imports.
    program = ("import sys, graph.query.worker_loop; print(sorted(m for m in ('rdflib.plugins.sparql', 'pyparsing', 'pydantic', "
               "'httpx', 'graph.settings', 'graph.query.sparql') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]", result.stdout
