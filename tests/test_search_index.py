"""The packed search index finds what a plain scan of every label and its name keys finds, ranked the same way."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest

from conftest import BASE
from graph.query.queries import page_query
from graph.search.names import fold, name_keys, query_keys
from graph.search.textindex import Hit, SearchIndex
from graph.store.opening import memory_store
from graph.store.seam import Store

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _labels(store: Store) -> list[tuple[str, str, bool]]:
    return [(r["entity"].value, r["label"].value, r["preferred"].value == "true") for r in store.select(page_query("labels"))]


def _rank(label: str, text: str) -> int | None:
    """How a label matches a query, read key by key: 0 to 2 by its spelling, 3 to 5 by its sound only, None not at all."""
    query, keys = query_keys(text), name_keys(label)
    for needle, more in ((query.text, 0), (query.sound, 3)):
        ranks = [0 if key == needle else 1 if key.startswith(needle) else 2 for key in keys if needle and needle in key]
        if ranks:
            return min(ranks) + more
    return None


def _scan(rows: list[tuple[str, str, bool]], text: str) -> list[tuple[int, str, str]]:
    """Every record with a label matching the text, as (rank, shown name folded, IRI), read label by label."""
    names: dict[str, str] = {}
    for iri, label, preferred in rows:
        if preferred:
            names[iri] = min(names.get(iri, label), label)
    ranks: dict[str, tuple[int, str]] = {}
    for iri, label, _ in rows:
        rank = _rank(label, text)
        if rank is not None:
            ranks[iri] = min(ranks.get(iri, (6, "")), (rank, label))
    return sorted((rank, names.get(iri, label).casefold(), iri) for iri, (rank, label) in ranks.items())


def _ranked(hits: list[Hit], text: str) -> list[tuple[int, str, str]]:
    """The hits as the scan gives them, each ranked by the label it shows."""
    ranked = []
    for hit in hits:
        rank = _rank(hit.matched, text)
        assert rank is not None, "each hit shows a label that matched"
        ranked.append((rank, hit.name.casefold(), hit.iri))
    return ranked


def test_the_index_finds_what_a_scan_of_the_shipped_graph_finds(shipped_store: Store) -> None:
    rows = _labels(shipped_store)
    labels = [label for _, label, _ in rows]
    pieces = random.Random(20261130)
    needles = ["a", "e", "ü", "prison", "gulmira", "no such name", "ilham tohti", "tohti", "zhang liumao", "伊力哈木·土赫提"]
    for label in pieces.sample(labels, 60):
        start = pieces.randrange(len(label))
        needles.append(label[start:start + pieces.randrange(1, 10)])
    index = SearchIndex(shipped_store)
    assert any(not label.isascii() for label in labels), "the shipped graph has names in other scripts"
    for needle in needles:
        if fold(needle.strip()):
            assert _ranked(index.search(needle, limit=100_000), needle) == _scan(rows, needle), needle


def labelled(records: list[tuple[str, list[str], list[str]]]) -> Store:
    """A store of made-up person records (no facts about anyone), each with its preferred and alternative labels."""
    store = memory_store(BASE)
    graph = ox.NamedNode(f"{BASE}source/test")
    quads = []
    for name, preferred, alternative in records:
        record = ox.NamedNode(f"{BASE}person/{name}")
        quads += [ox.Quad(record, RDF_TYPE, ox.NamedNode("https://w3id.org/casegraph/ontology#Person"), graph),
                  ox.Quad(record, ox.NamedNode("https://w3id.org/casegraph/ontology#source"), graph, graph)]
        quads += [ox.Quad(record, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(label), graph) for label in preferred]
        quads += [ox.Quad(record, ox.NamedNode(SKOS + "altLabel"), ox.Literal(label), graph) for label in alternative]
    store.add(quads)
    return store


@pytest.fixture
def records() -> Store:
    """Several labels each, shared labels, a NUL inside one."""
    return labelled([("one", ["Abc", "Zed"], ["Xyz def"]), ("two", [], ["abc"]), ("three", ["Def"], ["ab\x00c"]),
                     ("four", ["Ghi"], []), ("five", ["Qrs"], ["Qb", "Qa", "Qc"]), ("six", ["Tuv"], ["Tc", "Ta", "Tb"])])


def test_ranks_names_and_matched_labels(records: Store) -> None:
    hits = [(hit.iri.rsplit("/", 1)[-1], hit.name, hit.matched) for hit in SearchIndex(records).search("ABC")]
    # A record is named by its least preferred label, or by the label found; a NUL is not searched for.
    assert hits == [("one", "Abc", "Abc"), ("two", "abc", "abc"), ("three", "Def", "ab\x00c")]
    assert [hit.name for hit in SearchIndex(records).search("de")] == ["Def", "Abc"]


@pytest.mark.parametrize("text", ["cd", "zedx", "c\x00d", "ghi\x00"])
def test_no_match_runs_from_one_label_into_the_next(records: Store, text: str) -> None:
    found = {hit.iri.rsplit("/", 1)[-1] for hit in SearchIndex(records).search(text)}
    assert found == ({"four"} if text == "ghi\x00" else set())


def test_of_a_records_labels_matching_alike_the_least_is_shown(records: Store) -> None:
    for index in (SearchIndex(records), SearchIndex(records).revised(records, [f"{BASE}person/five", f"{BASE}person/six"])):
        assert [(hit.name, hit.matched) for hit in index.search("q")] == [("Qrs", "Qa")]
        assert [(hit.name, hit.matched) for hit in index.search("t")] == [("Tuv", "Ta")]


def test_a_lone_surrogate_finds_nothing(records: Store) -> None:
    text = b"Ab\xff".decode(errors="surrogateescape")  # as Python hands undecodable command-line bytes over
    assert SearchIndex(records).search(text) == []
    assert SearchIndex(records).revised(records, [f"{BASE}person/one"]).search(text) == []
