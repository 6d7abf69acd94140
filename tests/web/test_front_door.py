"""The front door over every shipped source: charts of every person, sources by collection a page at a time, the newest.

Every number the pages show is counted again here, with rdflib over the shipped files themselves.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest
from rdflib import RDF, SKOS, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from conftest import BASE, copy_seeds
from graph.paths import sources_dir

CG = Namespace("https://w3id.org/casegraph/ontology#")
ONTOLOGY = Path(__file__).parents[2] / "ontology"
LIST = "publication/chinese-political-prisoners-list"
PEOPLE = (CG.Person, CG.UnidentifiedPerson)
WRITER = "writer-token-for-front-door"


@pytest.fixture(scope="module")
def shipped(shipped_store_dir: Path, serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    """A server over every shipped source."""
    with serve(shipped_store_dir) as url:
        yield url


@pytest.fixture(scope="module")
def files() -> Dataset:
    """Every shipped source file, read by rdflib, the named graphs' union as the default graph."""
    dataset = Dataset(default_union=True)
    for path in sorted(sources_dir().glob("*.trig")):
        dataset.parse(path, format="trig", publicID=BASE)
    return dataset


@pytest.fixture(scope="module")
def names() -> dict[URIRef, str]:
    """The ontology's English names of its concepts (penalties, genders)."""
    concepts = Graph().parse(ONTOLOGY / "concepts.ttl")
    return {s: str(o) for s, o in concepts.subject_objects(SKOS.prefLabel) if isinstance(s, URIRef) and o.language == "en"}


def people(files: Dataset) -> set[URIRef]:
    return {p for kind in PEOPLE for p in files.subjects(RDF.type, kind) if isinstance(p, URIRef)}


def drawn(site: str, chart: str) -> dict[str, int]:
    """A chart's numbers as the statistics page shows them, in its table, by label."""
    page = httpx.get(f"{site}/stats", headers={"Accept": "text/html"}, timeout=120).text
    section = re.search(rf'<section class="chart" id="{chart}">.*?</section>', page, re.S)
    assert section is not None, f"no chart {chart}"
    table = re.search(r"<table>.*?</table>", section.group(0), re.S)
    assert table is not None
    rows = re.findall(r"<tr><td>(?:<a [^>]*>)?(.*?)(?:</a>)?</td><td>(\d+)</td></tr>", table.group(0))
    return {html.unescape(label): int(value) for label, value in rows}


def test_every_person_is_counted_by_penalty(shipped: str, files: Dataset, names: dict[URIRef, str]) -> None:
    counted: Counter[str] = Counter()
    penalties: dict[URIRef, set[URIRef]] = {}
    for sentence, penalty in files.subject_objects(CG.penalty):
        for person in files.objects(sentence, CG.concerns):
            penalties.setdefault(person, set()).add(penalty)  # type: ignore[arg-type]
    for held in penalties.values():
        counted.update(names[p] for p in held)
    sentenced = {p for s in files.subjects(RDF.type, CG.Sentence) for p in files.objects(s, CG.concerns)}
    held = [e for kind in (CG.Detention, CG.Custody) for e in files.subjects(RDF.type, kind)]
    detained = {p for e in held for p in files.objects(e, CG.concerns)}
    for person in people(files) - sentenced:
        counted["detained, no sentence recorded" if person in detained else "neither sentence nor detention recorded"] += 1
    assert drawn(shipped, "people-by-penalty") == dict(counted)
    assert counted["fixed-term imprisonment"] > 700 and counted["detained, no sentence recorded"] > 50, "the list is counted"


def test_every_person_is_counted_by_gender_and_decade_of_birth(shipped: str, files: Dataset, names: dict[URIRef, str]) -> None:
    genders: Counter[str] = Counter()
    decades: Counter[str] = Counter()
    for person in people(files):
        genders.update({names[g] for g in files.objects(person, CG.gender)} or {"not stated"})  # type: ignore[index]
        decades.update({str(b)[:3] + "0s" for b in files.objects(person, CG.birthDate)} or {"not stated"})
    assert drawn(shipped, "people-by-gender") == dict(genders)
    assert drawn(shipped, "people-by-birth-decade") == dict(decades)
    assert sum(genders.values()) >= len(people(files)) > 900


def test_every_person_is_counted_by_place_the_most_shown_and_the_rest_together(shipped: str, files: Dataset) -> None:
    places: dict[URIRef, set[URIRef]] = {}
    everyone = people(files)
    for link in (CG.associatedPlace, CG.birthPlace, CG.basedIn):
        for person, place in files.subject_objects(link):
            if person in everyone:
                places.setdefault(place, set()).add(person)  # type: ignore[arg-type]
    for event, place in files.subject_objects(CG.place):
        for person in files.objects(event, CG.concerns):
            if person in everyone:
                places.setdefault(place, set()).add(person)  # type: ignore[arg-type, arg-type]
    ranked = sorted(places, key=lambda place: (-len(places[place]), str(place)))
    shown, rest = ranked[:12], ranked[12:]
    placed = set().union(*places.values())
    chart = drawn(shipped, "people-by-place")
    assert list(chart.values())[:12] == [len(places[place]) for place in shown]
    assert chart[f"{len(rest)} others together"] == len(set().union(*(places[place] for place in rest)))
    assert chart["no place recorded"] == len(everyone - placed)
    assert chart["北京"] == len(places[URIRef(f"{BASE}place/北京")]) > 40


def test_every_person_is_counted_by_collection_and_by_source(shipped: str, files: Dataset) -> None:
    catalog = files.graph(URIRef(f"{BASE}graph/sources"))
    collections: Counter[str] = Counter()
    publishers: Counter[str] = Counter()
    found: dict[str, set[URIRef]] = {}
    by_publisher: dict[URIRef, set[URIRef]] = {}
    for graph in files.graphs():
        described = {p for kind in PEOPLE for p in graph.subjects(RDF.type, kind)}
        parts = [str(files.value(c, SKOS.prefLabel)) for c in catalog.objects(graph.identifier, DCTERMS.isPartOf)]
        for part in parts or ["documents in no collection"]:
            found.setdefault(part, set()).update(described)  # type: ignore[arg-type]
        for publisher in catalog.objects(graph.identifier, DCTERMS.publisher):
            by_publisher.setdefault(publisher, set()).update(described)  # type: ignore[arg-type]
    collections.update({part: len(held) for part, held in found.items() if held})
    # As for places: the publishers of most people each get a bar, the rest one bar together.
    ranked = sorted((p for p, held in by_publisher.items() if held), key=lambda p: (-len(by_publisher[p]), str(p)))
    shown, rest = ranked[:12], ranked[12:]
    publishers.update({str(files.value(p, SKOS.prefLabel)): len(by_publisher[p]) for p in shown})
    if rest:
        publishers[f"{len(rest)} others together" if len(rest) > 1 else "1 other"] = \
            len(set().union(*(by_publisher[p] for p in rest)))
    assert drawn(shipped, "people-by-collection") == dict(collections)
    assert drawn(shipped, "people-by-publisher") == dict(publishers)
    assert collections["Chinese political prisoners (list)"] == 926


def catalog_members(files: Dataset) -> dict[str, set[str]]:
    """Each collection's source documents as the catalog file says, by the collection's path (or none)."""
    catalog = files.graph(URIRef(f"{BASE}graph/sources"))
    members: dict[str, set[str]] = {}
    for source in catalog.subjects(RDF.type, CG.SourceDocument):
        parts = [str(c).removeprefix(BASE) for c in catalog.objects(source, DCTERMS.isPartOf)] or ["none"]
        for part in parts:
            members.setdefault(part, set()).add(str(source).removeprefix(BASE))
    return members


def test_the_home_page_shows_each_collection_with_its_count(shipped: str, files: Dataset) -> None:
    page = httpx.get(f"{shipped}/").text
    shown = re.findall(r'<tr><td><a href="/sources\?collection=([^"&]+)">[^<]*</a></td><td>(\d+)</td></tr>', page)
    members = catalog_members(files)
    assert {httpx.URL(f"/?c={c}").params["c"]: int(n) for c, n in shown} == {part: len(held) for part, held in members.items()}
    assert len(members[LIST]) == 926


def linked(page: str, rel: str) -> dict[str, str] | None:
    """The query parameters of a page's rel=prev or rel=next link, as a browser reads them."""
    found = re.search(rf'<a rel="{rel}" href="([^"]+)">', page)
    return dict(httpx.URL(html.unescape(found.group(1))).params) if found else None


def test_the_sources_of_a_collection_come_a_page_at_a_time(shipped: str, files: Dataset) -> None:
    listed: list[str] = []
    params: dict[str, str] | None = {"collection": LIST}
    number = 1
    while params is not None:
        answer = httpx.get(f"{shipped}/sources", params=params)
        assert answer.status_code == 200
        rows = re.findall(r'<li><a href="/(source/[^"]+)">', answer.text)
        assert 0 < len(rows) <= 50
        listed += rows
        before = {"collection": LIST} | ({"page": str(number - 1)} if number > 2 else {})
        assert linked(answer.text, "prev") == (before if number > 1 else None)
        params = linked(answer.text, "next")
        assert params in (None, {"collection": LIST, "page": str(number + 1)})
        assert ('rel="next"' in answer.headers.get("link", "")) == (params is not None)
        number += 1
    assert listed == sorted(catalog_members(files)[LIST]), "every source of the list once, in order of IRI"
    assert len(listed) == 926 and number - 1 == 19


def test_a_page_as_json_says_where_it_is(shipped: str) -> None:
    body = httpx.get(f"{shipped}/sources", params={"collection": LIST, "page": 2, "format": "json"}).json()
    assert (body["page"], body["pages"], body["size"], len(body["sources"])) == (2, 19, 926, 50)
    assert body["prev"] == f"/sources?collection={LIST.replace('/', '%2F')}" and body["next"].endswith("&page=3")


@pytest.mark.parametrize("params, status, says", [
    ({"collection": LIST, "page": "0"}, 422, "page"),
    ({"collection": LIST, "page": "-3"}, 422, "page"),
    ({"collection": LIST, "page": "two"}, 422, "page"),
    ({"collection": LIST, "page": "20"}, 404, "19 pages"),
    ({"collection": LIST, "page": "99999999999999999999"}, 422, "page"),
    ({"collection": "publication/no-such-list"}, 404, "no collection"),
    ({"collection": "none", "page": "2"}, 404, "1 page"),
])
def test_a_bad_page_is_refused_saying_which_parameter(shipped: str, params: dict[str, str], status: int, says: str) -> None:
    answer = httpx.get(f"{shipped}/sources", params=params)
    assert answer.status_code == status and says in answer.text and "Traceback" not in answer.text


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory, serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    root = tmp_path_factory.mktemp("front-door")
    with serve(root / "store", sources=copy_seeds(root / "sources"), writable_sources=root / "written",
               audit_log=root / "audit.jsonl", writer_tokens={"ana": WRITER}) as url:
        yield url


DOCUMENT = """\
@prefix cg: <https://w3id.org/casegraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<source/front-door-report> a cg:SourceDocument ; skos:prefLabel "Front door report"@en ; dcterms:title "Front door report"@en ;
    dcterms:publisher <organisation/front-door-publisher> ; cg:sourceKind cg:source-news-release ;
    cg:addressStatus cg:address-unconfirmed .
<organisation/front-door-publisher> a cg:NonGovernmentalOrganisation ; skos:prefLabel "Front door publisher"@en ;
    cg:source <source/front-door-report> .
"""


def newest(site: str) -> list[tuple[str, str, str]]:
    page = httpx.get(f"{site}/").text
    section = re.search(r'<section class="facts" id="newest">.*?</section>', page, re.S)
    assert section is not None
    return re.findall(r'<li><a href="/(source/[^"]+)">.*?; (\w+) <time datetime="([^"]+)">', section.group(0))


def catalog_dates(site: str) -> tuple[Literal, Literal]:
    query = ("PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?created ?modified WHERE { GRAPH <graph/sources> "
             "{ <source/front-door-report> dcterms:created ?created ; dcterms:modified ?modified } }")
    rows = httpx.get(f"{site}/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}).json()
    [row] = rows["results"]["bindings"]
    return row["created"]["value"], row["modified"]["value"]


def test_a_source_written_through_the_api_is_the_newest(writable: str) -> None:
    headers = {"Content-Type": "text/turtle", "Authorization": f"Bearer {WRITER}"}
    assert "source/front-door-report" not in [path for path, _, _ in newest(writable)]
    assert httpx.post(f"{writable}/sources", content=DOCUMENT, headers=headers, timeout=60).status_code == 201
    created, modified = catalog_dates(writable)
    assert created == modified and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created)
    assert newest(writable)[0] == ("source/front-door-report", "added", created)
    # Replaced, with a date of its own given for the entry: the service's dates stand, the first one kept.
    stated = 'dcterms:created "1999-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> ;'
    given = DOCUMENT.replace("cg:addressStatus", f"{stated}\n    cg:addressStatus")
    assert httpx.put(f"{writable}/sources/front-door-report", content=given, headers=headers, timeout=60).status_code == 200
    again, changed = catalog_dates(writable)
    assert again == created and changed >= modified
    assert newest(writable)[0][0] == "source/front-door-report"
