"""The whole shipped graph, imported list included, served by a real server."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Namespace, URIRef

from conftest import BASE
from graph.paths import sources_dir


@pytest.fixture(scope="module")
def shipped(shipped_store_dir: Path, serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    """A server over every shipped source."""
    with serve(shipped_store_dir) as url:
        yield url


def test_gulmira_imins_page_shows_both_birth_years_with_their_sources_and_flags_the_disagreement(shipped: str) -> None:
    page = httpx.get(f"{shipped}/person/gulmira-imin", headers={"Accept": "text/html"})
    assert page.status_code == 200
    row = re.search(r'<tr[^>]*>\s*<th scope="row">birth date.*?</tr>', page.text, re.S)
    assert row is not None
    assert "sources disagree" in row.group(0)
    assert "1978" in row.group(0) and "uscirf-gulmira-imin" in row.group(0)
    assert "1979" in row.group(0) and "ppc-2014-02-cppc00015" in row.group(0)
    assert "古丽米拉•艾明" in page.text and "Gulmira Imin" in page.text


def test_a_place_named_in_chinese_resolves_as_rdf(shipped: str) -> None:
    response = httpx.get(f"{shipped}/place/{quote('北京')}", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    triples = list(ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
    assert ox.Literal("北京", language="zh") in {t.object for t in triples}


def test_search_finds_a_name_in_chinese(shipped: str) -> None:
    hits = httpx.get(f"{shipped}/search", params={"q": "古丽米拉", "format": "json"}).json()
    assert any(h["iri"].endswith("/person/gulmira-imin") for h in hits["results"])


LINK_PREDICATES = {"http://www.w3.org/2002/07/owl#sameAs", "http://xmlns.com/foaf/0.1/isPrimaryTopicOf",
                   "https://schema.org/sameAs", "http://www.w3.org/2004/02/skos/core#exactMatch",
                   "http://www.w3.org/2004/02/skos/core#closeMatch", "http://www.w3.org/2000/01/rdf-schema#seeAlso"}
CG, SKOS = "https://w3id.org/casegraph/ontology#", "http://www.w3.org/2004/02/skos/core#"
WIKIPEDIA_ARTICLES = sources_dir() / "wikipedia-articles.trig"


def wikipedia_quads() -> list[ox.Quad]:
    """The statements of the Wikipedia source file, read from the file rather than the store."""
    return list(ox.parse(path=str(WIKIPEDIA_ARTICLES), format=ox.RdfFormat.TRIG, base_iri=BASE))


def wikipedia_links() -> dict[str, set[tuple[str, str, str]]]:
    """Each record the Wikipedia file links out, with its (predicate, target, source graph) triples."""
    links: dict[str, set[tuple[str, str, str]]] = {}
    for quad in wikipedia_quads():
        if quad.predicate.value in LINK_PREDICATES and isinstance(quad.graph_name, ox.NamedNode):
            links.setdefault(quad.subject.value, set()).add((quad.predicate.value, quad.object.value, quad.graph_name.value))
    return links


def wikipedia_values(predicate: str) -> set[tuple[str, str, str]]:
    """(record, value, source graph) for one predicate across the Wikipedia file's graphs."""
    return {(quad.subject.value, quad.object.value, quad.graph_name.value) for quad in wikipedia_quads()
            if quad.predicate.value == predicate and isinstance(quad.graph_name, ox.NamedNode)}


LINKED = sorted(wikipedia_links())
LINKED_PEOPLE = [record for record in LINKED if record.startswith(f"{BASE}person/")]


def sparql_rows(url: str, query: str) -> list[dict[str, dict[str, str]]]:
    response = httpx.post(f"{url}/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    rows: list[dict[str, dict[str, str]]] = response.json()["results"]["bindings"]
    return rows


def test_the_wikipedia_file_links_the_lists_best_known_people_and_the_seed_documents_publishers() -> None:
    assert len(LINKED_PEOPLE) >= 13
    assert {f"{BASE}organisation/uscirf", f"{BASE}organisation/human-rights-watch", f"{BASE}place/xinjiang"} <= set(LINKED)


@pytest.mark.parametrize("record", LINKED, ids=[record.removeprefix(BASE) for record in LINKED])
def test_each_link_out_in_the_wikipedia_file_is_served_by_its_catalogued_wikipedia_source(shipped: str, record: str) -> None:
    links = wikipedia_links()[record]
    rows = sparql_rows(shipped, f"""
        PREFIX cg: <{CG}>
        SELECT ?predicate ?target ?graph ?address WHERE {{
          GRAPH ?graph {{ <{record}> ?predicate ?target ; cg:source ?graph . ?publisher skos:prefLabel "Wikipedia"@en }}
          GRAPH <{BASE}graph/sources> {{ ?graph a cg:SourceDocument ; dcterms:publisher ?publisher ; schema:url ?address ;
                                          cg:sourceKind cg:source-reference-work }}
          FILTER(isIRI(?target) && !STRSTARTS(STR(?target), "{BASE}"))
        }}""")
    served = {(row["predicate"]["value"], row["target"]["value"], row["graph"]["value"]) for row in rows
              if row["predicate"]["value"] in LINK_PREDICATES}
    assert served == links
    targets = {target for _, target, _ in links}
    # An English article's record is its DBpedia resource too, under the same title.
    for target in targets:
        if target.startswith("https://en.wikipedia.org/wiki/"):
            assert target.replace("https://en.wikipedia.org/wiki/", "http://dbpedia.org/resource/") in targets


def name_key(name: str) -> str:
    """A name with its separators written one way (the list writes •, pages ·, ・) and Latin ones without spaces or case."""
    return "".join(name.replace("•", "·").replace("・", "·").split()).casefold()


@pytest.mark.parametrize("record", LINKED_PEOPLE, ids=[record.removeprefix(BASE) for record in LINKED_PEOPLE])
def test_a_linked_person_is_the_lists_person_by_name_and_birth_date(shipped: str, record: str) -> None:
    """The list and the page share a name: in Chinese, or the Latin name the list gives in brackets."""
    rows = sparql_rows(shipped, f"""
        PREFIX cg: <{CG}>
        SELECT ?graph ?name ?born WHERE {{
          GRAPH ?graph {{ <{record}> a cg:Person ; cg:source ?graph . OPTIONAL {{ <{record}> cg:birthDate ?born }}
                          OPTIONAL {{ <{record}> skos:prefLabel|skos:altLabel ?name
                                      FILTER(LCASE(LANG(?name)) IN ("zh", "und-latn", "en")) }} }}
          GRAPH <{BASE}graph/sources> {{ ?graph a cg:SourceDocument }}
        }}""")
    listed = [row for row in rows if "/source/ppc-" in row["graph"]["value"]]
    from_wikipedia = [row for row in rows if "/source/wikipedia-" in row["graph"]["value"]]
    assert len({row["graph"]["value"] for row in listed}) == 1 and from_wikipedia
    listed_names = {name_key(row["name"]["value"]) for row in listed}
    assert listed_names & {name_key(row["name"]["value"]) for row in from_wikipedia if "name" in row}
    # Where both give a birth date, they agree as far as the less precise of the two goes.
    for born in {row["born"]["value"] for row in from_wikipedia if "born" in row}:
        for listed_born in {row["born"]["value"] for row in listed if "born" in row}:
            assert born.startswith(listed_born) or listed_born.startswith(born), (born, listed_born)


def test_each_wikipedia_birth_date_and_gender_is_served_typed_in_its_own_graph(shipped: str) -> None:
    for predicate in (f"{CG}birthDate", f"{CG}deathDate", f"{CG}gender"):
        stated = wikipedia_values(predicate)
        assert stated, predicate
        rows = sparql_rows(shipped, f"""
            SELECT ?record ?value ?graph WHERE {{
              GRAPH ?graph {{ ?record <{predicate}> ?value }} FILTER(STRSTARTS(STR(?graph), "{BASE}source/wikipedia-"))
            }}""")
        assert {(row["record"]["value"], row["value"]["value"], row["graph"]["value"]) for row in rows} == stated
        if predicate != f"{CG}gender":
            types = {row["value"].get("datatype") for row in rows}
            assert types <= {"http://www.w3.org/2001/XMLSchema#date", "http://www.w3.org/2001/XMLSchema#gYearMonth",
                             "http://www.w3.org/2001/XMLSchema#gYear"}


def test_every_link_out_of_a_record_is_stated_by_a_catalogued_source(shipped: str) -> None:
    rows = sparql_rows(shipped, f"""
        PREFIX cg: <https://w3id.org/casegraph/ontology#>
        SELECT ?subject ?predicate ?object ?graph ?described WHERE {{
          VALUES ?predicate {{ {' '.join(f'<{p}>' for p in sorted(LINK_PREDICATES))} }}
          GRAPH ?graph {{ ?subject ?predicate ?object }}
          FILTER(?graph != <https://w3id.org/casegraph/ontology>)  # the vocabulary's own alignments are no records' links
          OPTIONAL {{ GRAPH <{BASE}graph/sources> {{ ?graph a ?described }} }}
        }}""")
    assert len(rows) >= sum(len(links) for links in wikipedia_links().values())
    assert all(row["graph"]["value"].startswith(f"{BASE}source/") for row in rows)
    assert all(row["described"]["value"] == "https://w3id.org/casegraph/ontology#SourceDocument" for row in rows)


def test_ilham_tohtis_page_shows_his_links_out_with_their_source(shipped: str) -> None:
    page = httpx.get(f"{shipped}/person/ilham-tohti", headers={"Accept": "text/html"})
    assert page.status_code == 200
    section = re.search(r'<section class="elsewhere"><h2>Same as / elsewhere</h2>(.*?)</section>', page.text, re.S)
    assert section is not None
    rows = re.findall(r"<tr>(.*?)</tr>", section.group(1), re.S)
    for relation, target in [("same as", "http://dbpedia.org/resource/Ilham_Tohti"),
                             ("article about it", "https://en.wikipedia.org/wiki/Ilham_Tohti")]:
        row = next(r for r in rows if f'href="{target}"' in r)
        assert f'<th scope="row">{relation}</th>' in row
        assert 'href="/source/wikipedia-en-ilham-tohti"' in row
    facts = page.text[section.end():]
    assert "dbpedia.org" not in facts  # shown once, with the links out, not again among the facts
    assert "<h1>Ilham Tohti</h1>" in page.text and "伊力哈木·土赫提" in page.text and "ئىلھام توختى" in page.text


def link_counts_in_files() -> dict[tuple[str, str], int]:
    """Distinct link triples by (target IRI space, predicate), read from the shipped source files, not the store."""
    spaces = ["http://dbpedia.org/resource/", "https://en.wikipedia.org/wiki/", "https://simple.wikipedia.org/wiki/",
              "http://www.wikidata.org/entity/"]
    triples: set[tuple[str, str, str]] = set()
    for path in sorted(sources_dir().glob("*.trig")):
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TRIG, base_iri=BASE):
            if (isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value.startswith(f"{BASE}source/")
                    and quad.predicate.value in LINK_PREDICATES and isinstance(quad.object, ox.NamedNode)):
                triples.add((quad.subject.value, quad.predicate.value, quad.object.value))
    counts: dict[tuple[str, str], int] = {}
    for _, predicate, target in triples:
        space = next((s for s in spaces if target.startswith(s)), None)
        if space is not None:
            counts[(space, predicate)] = counts.get((space, predicate), 0) + 1
    return counts


def test_void_describes_a_linkset_per_target_dataset_counted_from_the_store(shipped: str) -> None:
    response = httpx.get(f"{shipped}/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    void, dataset = Namespace("http://rdfs.org/ns/void#"), URIRef(f"{shipped}/.well-known/void#casegraph")
    described: dict[tuple[str, str], int] = {}
    for linkset in graph.subjects(RDF.type, void.Linkset):
        assert (dataset, void.subset, linkset) in graph
        assert graph.value(linkset, void.subjectsTarget) == dataset
        target = graph.value(linkset, void.objectsTarget)
        assert {dataset, target} == set(graph.objects(linkset, void.target))
        assert (target, RDF.type, void.Dataset) in graph
        key = (str(graph.value(target, void.uriSpace)), str(graph.value(linkset, void.linkPredicate)))
        described[key] = int(graph.value(linkset, void.triples))  # type: ignore[arg-type]
    expected = link_counts_in_files()
    assert described == expected
    same_as = {(record, target) for record, links in wikipedia_links().items() for predicate, target, _ in links
               if predicate == "http://www.w3.org/2002/07/owl#sameAs" and target.startswith("http://dbpedia.org/resource/")}
    assert expected[("http://dbpedia.org/resource/", "http://www.w3.org/2002/07/owl#sameAs")] == len(same_as)
    assert ("https://simple.wikipedia.org/wiki/", "http://xmlns.com/foaf/0.1/isPrimaryTopicOf") in expected


def test_the_whole_dump_and_a_source_dump_carry_the_links_out(shipped: str) -> None:
    same_as = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
    link = ox.Quad(ox.NamedNode(f"{BASE}person/ilham-tohti"), same_as, ox.NamedNode("http://dbpedia.org/resource/Ilham_Tohti"),
                   ox.NamedNode(f"{BASE}source/wikipedia-en-ilham-tohti"))
    for name in ("casegraph", "wikipedia-en-ilham-tohti"):
        response = httpx.get(f"{shipped}/dumps/{name}.nq")
        assert response.status_code == 200
        assert link in set(ox.parse(response.content, format=ox.RdfFormat.N_QUADS))
