"""`casegraph build` into a remote SPARQL store (the Oxigraph server, Virtuoso): each source its named graph,
restricted ones apart."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from conftest import BASE, REMOTE_KINDS, copy_seeds, restricted_document
from graph.editions.build import RemoteDatasets, build
from graph.ingest.synth import write_synthetic
from graph.namespaces import changes_graph, merged_graph
from graph.network.build import build_views
from graph.store.opening import open_store
from graph.store.remote import DROPS
from stores import SparqlServer, sparql_server

SECRET = "Quillonwitness"
# A made-up witness statement, restricted: no fact about any real person.
RESTRICTED = restricted_document("remote-witness", SECRET, f"""\
  <person/{SECRET.lower()}> a cg:Person ; skos:prefLabel "{SECRET}"@en ; cg:source <source/remote-witness> .
""")


def _endpoints(prefix: str, url: str) -> dict[str, str]:
    return {f"CASEGRAPH_{prefix}SPARQL_QUERY_URL": f"{url}/query", f"CASEGRAPH_{prefix}SPARQL_UPDATE_URL": f"{url}/update"}


@pytest.fixture(params=REMOTE_KINDS)
def servers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[SparqlServer, SparqlServer]]:
    """Two stores of one kind: one for the public dataset, one for the full dataset."""
    with sparql_server(request.param, tmp_path / "public-db") as public, \
            sparql_server(request.param, tmp_path / "full-db") as full:
        yield public, full


def casegraph(*args: str, tmp_path: Path, sources: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CASEGRAPH_STORE": str(tmp_path / "store"), "CASEGRAPH_SOURCES": str(sources),
                   "CASEGRAPH_WRITABLE_SOURCES": str(tmp_path / "written"), "COLUMNS": "200", **env}
    return subprocess.run([sys.executable, "-m", "service", *args], capture_output=True, text=True, env=environment,
                          timeout=300, check=False)


def ask(server: SparqlServer, query: str) -> list[dict[str, dict[str, str]]]:
    """The rows of a SELECT query answered by the store itself, through SPARQLWrapper, over casegraph's merged graph."""
    client = SPARQLWrapper(server.query)
    if server.union:
        client.addDefaultGraph(merged_graph(BASE))
    client.setQuery(query)
    client.setReturnFormat(JSON)
    rows: list[dict[str, dict[str, str]]] = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index, call-overload]
    return rows


def graph_counts(server: SparqlServer) -> dict[str, int]:
    """The number of triples in each of casegraph's data graphs (not a store's own graphs, the merged graph or the log)."""
    rows = ask(server, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                       f"FILTER(STRSTARTS(STR(?g), '{BASE}') && ?g NOT IN (<{merged_graph(BASE)}>, <{changes_graph(BASE)}>)) }} "
                       "GROUP BY ?g")
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


def merged_count(server: SparqlServer) -> int:
    (row,) = ask(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(row["n"]["value"])


def holds_secret(server: SparqlServer) -> bool:
    # A row or none rather than ASK, which Virtuoso answers with rows.
    query = (f'SELECT ?o WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} FILTER(CONTAINS(STR(?o), "{SECRET}")) }} '
             "LIMIT 1")
    return bool(ask(server, query))


def test_build_loads_each_source_as_its_named_graph_and_restricted_ones_only_into_the_full_dataset(
        tmp_path: Path, servers: tuple[SparqlServer, SparqlServer]) -> None:
    public, full = servers
    sources = copy_seeds(tmp_path / "sources")
    (sources / "remote-witness.trig").write_text(RESTRICTED, encoding="utf-8")
    result = casegraph("build", tmp_path=tmp_path, sources=sources, env=public.env() | full.env("FULL_"))
    assert result.returncode == 0, result.stderr
    assert f"built the remote dataset at {public.query}" in result.stderr

    # The same graphs, each with the same number of statements, as the embedded store built from the same files.
    build(sources, tmp_path / "embedded", BASE)
    for url, directory in ((public, tmp_path / "embedded"), (full, tmp_path / "embedded-full")):
        embedded = open_store(directory, BASE, read_only=True)
        graphs = [*embedded.source_graphs(), embedded.catalog, embedded.ontology]
        assert graph_counts(url) == {graph.value: embedded.count(graph) for graph in graphs}
        assert merged_count(url) == len(embedded), "the merged default graph holds each triple once"
    assert BASE + "source/remote-witness" in graph_counts(full) and BASE + "source/remote-witness" not in graph_counts(public)
    assert holds_secret(full) and not holds_secret(public)


def test_a_build_again_replaces_what_the_last_one_loaded(tmp_path: Path, servers: tuple[SparqlServer, SparqlServer]) -> None:
    public, full = servers
    env = public.env() | full.env("FULL_")
    sources = copy_seeds(tmp_path / "sources")
    (sources / "remote-witness.trig").write_text(RESTRICTED, encoding="utf-8")
    write_synthetic(sources, 60, 1, BASE)  # more graphs than one request drops
    assert casegraph("build", tmp_path=tmp_path, sources=sources, env=env).returncode == 0
    first, merged = graph_counts(public), merged_count(public)
    assert len(first) > DROPS
    assert casegraph("build", tmp_path=tmp_path, sources=sources, env=env).returncode == 0
    assert (graph_counts(public), merged_count(public)) == (first, merged), "built twice, the dataset is the same"

    (sources / "remote-witness.trig").unlink()
    removed = sorted(sources.glob("*.trig"))[0]
    removed.unlink()
    assert casegraph("build", tmp_path=tmp_path, sources=sources, env=env).returncode == 0
    assert len(graph_counts(public)) == len(first) - 1, "the removed source's graph is gone"
    assert merged_count(public) < merged, "and what it alone stated has left the merged graph"
    assert not holds_secret(full), "a restricted source removed from the files leaves the full dataset too"


def test_restricted_sources_without_a_full_dataset_are_refused_and_nothing_is_loaded(
        tmp_path: Path, servers: tuple[SparqlServer, SparqlServer]) -> None:
    public, _ = servers
    sources = copy_seeds(tmp_path / "sources")
    (sources / "remote-witness.trig").write_text(RESTRICTED, encoding="utf-8")
    result = casegraph("build", tmp_path=tmp_path, sources=sources, env=public.env())
    assert result.returncode == 2 and "CASEGRAPH_FULL_SPARQL_*" in result.stderr and "Traceback" not in result.stderr
    assert graph_counts(public) == {} and not holds_secret(public)


def test_casegraph_query_answers_every_query_form_from_the_remote_dataset_as_from_the_embedded_store(
        tmp_path: Path, servers: tuple[SparqlServer, SparqlServer]) -> None:
    public, _ = servers
    sources = copy_seeds(tmp_path / "sources")
    env = public.env()
    assert casegraph("build", tmp_path=tmp_path, sources=sources, env=env).returncode == 0
    build(sources, tmp_path / "embedded", BASE)
    queries = {
        "ntriples": "CONSTRUCT { ?person skos:prefLabel ?name } WHERE { ?person a cg:Person ; skos:prefLabel ?name }",
        "csv": "SELECT ?person ?name WHERE { ?person a cg:Person ; skos:prefLabel ?name } ORDER BY ?person ?name",
        "json": "ASK { ?person a cg:Person }",
        "tsv": "SELECT (COUNT(*) AS ?n) FROM <source/hrw-ikram-nurmehmet> WHERE { ?s ?p ?o }",
    }
    for fmt, query in queries.items():
        remote = casegraph("query", query, "--format", fmt, tmp_path=tmp_path, sources=sources, env=env)
        embedded = casegraph("query", query, "--format", fmt, tmp_path=tmp_path, sources=sources,
                             env={"CASEGRAPH_STORE": str(tmp_path / "embedded")})
        assert remote.returncode == 0 and embedded.returncode == 0, remote.stderr + embedded.stderr
        if fmt == "ntriples":  # a graph: the same triples, in whatever order
            lines = sorted(remote.stdout.splitlines())
            assert lines == sorted(embedded.stdout.splitlines()) and len(lines) > 3
        else:
            assert remote.stdout == embedded.stdout and remote.stdout.strip()


@pytest.mark.parametrize(("env", "message"), [
    ({"CASEGRAPH_SPARQL_QUERY_URL": "http://127.0.0.1:9/query"},
     "CASEGRAPH_SPARQL_UPDATE_URL not set"),
    ({"CASEGRAPH_SPARQL_QUERY_URL": "ftp://x/q", "CASEGRAPH_SPARQL_UPDATE_URL": "http://x/u"},
     "CASEGRAPH_SPARQL_QUERY_URL must be an http(s) URL"),
    (_endpoints("FULL_", "http://127.0.0.1:9"), "a full dataset (CASEGRAPH_FULL_SPARQL_*) needs a public one"),
])
def test_incomplete_remote_settings_are_refused_with_what_is_missing(tmp_path: Path, env: dict[str, str], message: str) -> None:
    for command in ("build", "serve"):
        result = casegraph(command, tmp_path=tmp_path, sources=copy_seeds(tmp_path / "sources"), env=env)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_an_unreachable_store_is_reported_without_a_traceback(tmp_path: Path) -> None:
    result = casegraph("build", tmp_path=tmp_path, sources=copy_seeds(tmp_path / "sources"),
                       env=_endpoints("", "http://127.0.0.1:9"))
    assert result.returncode == 2 and "could not be reached" in result.stderr and "Traceback" not in result.stderr


def test_the_networks_built_from_the_remote_dataset_are_the_embedded_stores(
        tmp_path: Path, servers: tuple[SparqlServer, SparqlServer]) -> None:
    """The network queries run on the store itself: a store that reads one of them otherwise shows other networks."""
    public, _ = servers
    sources = copy_seeds(tmp_path / "sources")
    build(sources, tmp_path / "remote", BASE, remote=RemoteDatasets(public.endpoints()))
    build(sources, tmp_path / "embedded", BASE)

    def described(store_dir: Path) -> dict[str, tuple[set[str], list[tuple[object, ...]]]]:
        """Each network's nodes and edges by IRI: the numbers a view gives them follow the order the store answered in."""
        store = open_store(store_dir, BASE, read_only=True)
        views = build_views(store)
        store.close()
        return {name: ({view.nodes.iri(n) for n in range(len(view.nodes)) if view.has_node(n)},
                       sorted((e[0][1], e[1][1], e[2][1], e[3], e[4], tuple(sorted(e[5]))) for e in view.all_edges()))
                for name, view in views.items()}
    remote, embedded = described(tmp_path / "remote"), described(tmp_path / "embedded")
    assert remote == embedded and all(edges for _, edges in embedded.values())
