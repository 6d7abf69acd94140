"""Synthetic collections with the real graph's shape, for measuring at scale: deterministic by seed, valid under the shapes.

Every name says it is synthetic ("Synthetic person 12-1"), and every IRI sits under synthetic paths
(person/synth-…), so a synthetic record can never be mistaken for a real person.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.files import to_trig, write_durably
from graph.namespaces import CG_IRI, PREFIXES, catalog_graph
from graph.store.sources import PREF_LABEL, RDF_TYPE

TITLE = ox.NamedNode(PREFIXES["dcterms"] + "title")
PUBLISHER = ox.NamedNode(PREFIXES["dcterms"] + "publisher")
ISSUED = ox.NamedNode(PREFIXES["dcterms"] + "issued")
XSD = PREFIXES["xsd"]
SOURCES_PER_FILE = 1000


def cg(name: str) -> ox.NamedNode:
    """A term of the casegraph vocabulary."""
    return ox.NamedNode(CG_IRI + name)


@dataclass(frozen=True)
class Pools:
    """The shared records cases draw on: courts, facilities, places, law articles and publishers."""

    courts: int
    facilities: int
    places: int
    articles: int
    publishers: int


def pools_for(cases: int) -> Pools:
    """A few hundred courts, facilities and articles for a large collection, fewer for a small one."""
    size = min(300, max(5, cases // 20))
    return Pools(courts=size, facilities=size, places=max(5, size // 2), articles=min(200, size), publishers=min(50, size))


class _Source:
    """The quads of one synthetic source document: its catalog entry and its self-contained graph."""

    def __init__(self, base: str, name: str) -> None:
        self.base, self.graph = base, ox.NamedNode(f"{base}source/{name}")
        self.quads: list[ox.Quad] = []

    def iri(self, path: str) -> ox.NamedNode:
        return ox.NamedNode(self.base + path)

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, value: ox.NamedNode | ox.Literal) -> None:
        self.quads.append(ox.Quad(subject, predicate, value, self.graph))

    def record(self, path: str, cls: str, label: str, **facts: ox.NamedNode | ox.Literal) -> ox.NamedNode:
        subject = self.iri(path)
        self.add(subject, RDF_TYPE, cg(cls))
        self.add(subject, cg("source"), self.graph)
        self.add(subject, PREF_LABEL, ox.Literal(label, language="en"))
        for name, value in facts.items():
            self.add(subject, cg(name), value)
        return subject


def _date(rng: random.Random, year: int) -> ox.Literal:
    """A date at a precision drawn at random: a year, a month or a day."""
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    precision = rng.choice(("gYear", "gYearMonth", "date", "date"))
    text = {"gYear": f"{year}", "gYearMonth": f"{year}-{month:02d}", "date": f"{year}-{month:02d}-{day:02d}"}[precision]
    return ox.Literal(text, datatype=ox.NamedNode(XSD + precision))


def synthetic_sources(cases: int, seed: int, base: str) -> Iterator[list[ox.Quad]]:
    """The quads of each synthetic source document, case by case, the same for the same seed."""
    rng, pools = random.Random(seed), pools_for(cases)
    for case in range(cases):
        people = rng.randint(1, 3)
        births = [rng.randint(1940, 2000) for _ in range(people)]
        genders = [rng.choice(("gender-female", "gender-male")) for _ in range(people)]
        court, facility = rng.randrange(pools.courts), rng.randrange(pools.facilities)
        article, term = rng.randrange(pools.articles), rng.randint(1, 25)
        detained = rng.randint(2009, 2024)
        for number in range(rng.choice((1, 1, 2, 2, 3))):
            source = _Source(base, f"synth-{case}-{number}")
            _catalog(source, rng.randrange(pools.publishers), case, number, detained, base)
            # A later source sometimes gives another birth year: the disagreement is kept, each in its own graph.
            shifted = [b + 1 if number and rng.random() < 0.1 else b for b in births]
            _case(source, rng, case, shifted, genders, court, facility, article, term, detained, pools, full=number == 0)
            yield source.quads


def _catalog(source: _Source, publisher: int, case: int, number: int, detained: int, base: str) -> None:
    catalog, graph = ox.NamedNode(catalog_graph(base)), source.graph
    facts: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (RDF_TYPE, cg("SourceDocument")), (PREF_LABEL, ox.Literal(f"Synthetic report {case}-{number}", language="en")),
        (TITLE, ox.Literal(f"Synthetic report {case}-{number}", language="en")),
        (PUBLISHER, source.iri(f"organisation/synth-publisher-{publisher}")), (cg("sourceKind"), cg("source-news-release")),
        (cg("addressStatus"), cg("address-unconfirmed")),
        (ISSUED, ox.Literal(f"{detained + 1}", datatype=ox.NamedNode(XSD + "gYear"))),
    ]
    source.quads += [ox.Quad(graph, p, o, catalog) for p, o in facts]
    source.record(f"organisation/synth-publisher-{publisher}", "NonGovernmentalOrganisation", f"Synthetic publisher {publisher}")


def _case(source: _Source, rng: random.Random, case: int, births: list[int], genders: list[str], court: int, facility: int,
          article: int, term: int, detained: int, pools: Pools, full: bool) -> None:
    people = [source.record(f"person/synth-{case}-{i}", "Person", f"Synthetic person {case}-{i}",
                            gender=cg(genders[i]), birthDate=ox.Literal(str(births[i]), datatype=ox.NamedNode(XSD + "gYear")))
              for i in range(len(births))]
    if len(people) > 1:
        source.add(people[0], cg("businessPartner"), people[1])
    relative = source.record(f"person/synth-{case}-relative", "UnidentifiedPerson", f"Relative of synthetic person {case}-0")
    source.add(people[0], cg("spouse"), relative)
    record = source.record(f"case/synth-{case}", "Case", f"Synthetic case {case}")
    for person in people:
        source.add(record, cg("concerns"), person)
    detention = source.record(f"event/synth-{case}-detention", "Detention", f"Detention in synthetic case {case}",
                              date=_date(rng, detained), partOfCase=record)
    for person in people:
        source.add(detention, cg("concerns"), person)
    if full:
        _verdicts(source, case, people, court, facility, article, term, pools, record)


def _verdicts(source: _Source, case: int, people: list[ox.NamedNode], court: int, facility: int, article: int, term: int,
              pools: Pools, record: ox.NamedNode) -> None:
    place = court % pools.places
    city = source.record(f"place/synth-{place}", "Place", f"Synthetic city {place}", placeKind=cg("place-city"))
    tribunal = source.record(f"court/synth-{court}", "Court", f"Synthetic court {court}")
    prison = source.record(f"facility/synth-{facility}", "DetentionFacility", f"Synthetic prison {facility}",
                           facilityKind=cg("facility-prison"))
    source.add(prison, cg("locatedIn"), city)
    law = source.record("law/synth-criminal-law", "Law", "Synthetic criminal law")
    clause = source.record(f"law/synth-criminal-law-article-{article}", "LawArticle", f"Synthetic article {article}",
                           articleOf=law, articleNumber=ox.Literal(str(article)))
    for i, person in enumerate(people):
        charge = source.record(f"charge/synth-{case}-{i}", "Charge", "synthetic charge", restsOn=clause)
        sentence = source.record(f"sentence/synth-{case}-{i}", "Sentence", f"Synthetic sentence {case}-{i}", concerns=person,
                                 penalty=cg("penalty-fixed-term"),
                                 term=ox.Literal(f"P{term}Y", datatype=ox.NamedNode(XSD + "yearMonthDuration")))
        source.record(f"event/synth-{case}-{i}-verdict", "Verdict", f"Verdict in synthetic case {case}", concerns=person,
                      court=tribunal, outcome=cg("outcome-convicted"), charge=charge, article=clause, sentence=sentence,
                      partOfCase=record)
        source.record(f"event/synth-{case}-{i}-custody", "Custody", f"Custody in synthetic case {case}", concerns=person,
                      facility=prison, current=ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")))


def write_synthetic(directory: Path, cases: int, seed: int, base: str) -> list[Path]:
    """Write a synthetic collection as TriG files of up to a thousand sources each; returns the files written."""
    written: list[Path] = []
    batch: list[ox.Quad] = []
    for count, quads in enumerate(synthetic_sources(cases, seed, base), start=1):
        batch += quads
        if count % SOURCES_PER_FILE == 0:
            written.append(_write(directory, len(written), batch, base, cases, seed))
            batch = []
    if batch:
        written.append(_write(directory, len(written), batch, base, cases, seed))
    return written


def _write(directory: Path, number: int, quads: list[ox.Quad], base: str, cases: int, seed: int) -> Path:
    path = directory / f"synthetic-{number:04d}.trig"
    header = f"# Synthetic data (casegraph synth --cases {cases} --seed {seed}): no real person.\n"
    write_durably(path, to_trig(quads, base, header))
    return path
