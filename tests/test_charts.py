"""The statistics charts count what the store holds, and follow it when it changes."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
from rdflib import RDF, SKOS, Dataset, Graph, Literal, Namespace

from conftest import BASE, seed_sources
from graph.editions.build import ontology_quads
from graph.paths import ontology_files
from graph.publish.charts import Bar, charts
from graph.store.opening import memory_store
from graph.store.seam import Store

CG = Namespace("https://w3id.org/casegraph/ontology#")
COURT = f"{BASE}court/urumqi-intermediate-peoples-court"


def _by_name(store: Store) -> dict[str, list[Bar]]:
    return {chart.name: chart.bars for chart in charts(store)}


def test_people_per_court_counts_each_person_the_sources_put_before_it(store: Store) -> None:
    # Counted independently, with rdflib over the source files themselves.
    dataset = Dataset(default_union=True)
    for path in seed_sources():
        dataset.parse(path, format="trig", publicID=BASE)
    people = {p for e, c in dataset.subject_objects(CG.court) if str(c) == COURT for p in dataset.objects(e, CG.concerns)}
    assert _by_name(store)["people-per-court"] == [Bar("Urumqi Intermediate People's Court", len(people), COURT)]
    assert len(people) == 8, "Gulmira Imin, Ikram Nurmehmet and Tahir Imin's six business partners"


def test_people_by_gender_counts_each_person_under_each_gender_given(store: Store) -> None:
    # Counted independently, with rdflib over the source files and the ontology's names of the genders.
    dataset, ontology = Dataset(default_union=True), Graph()
    for path in seed_sources():
        dataset.parse(path, format="trig", publicID=BASE)
    for path in ontology_files():
        ontology.parse(path, format="turtle")
    expected: Counter[str] = Counter()
    for person in {p for kind in (CG.Person, CG.UnidentifiedPerson) for p in dataset.subjects(RDF.type, kind)}:
        genders = set(dataset.objects(person, CG.gender))
        names = [str(name) for g in genders for name in ontology.objects(g, SKOS.prefLabel)
                 if isinstance(name, Literal) and name.language == "en"]
        expected.update(names or ["not stated"])
    assert {bar.label: bar.value for bar in _by_name(store)["people-by-gender"]} == expected
    assert expected["not stated"] and len(expected) > 2


def test_people_by_gender_has_no_bar_of_none() -> None:
    alone = memory_store(BASE)
    alone.add(ontology_quads())
    person, graph = ox.NamedNode(f"{BASE}person/test"), ox.NamedNode(f"{BASE}source/test-only")
    alone.add([ox.Quad(person, ox.NamedNode(str(RDF.type)), ox.NamedNode(CG.Person), graph),
               ox.Quad(person, ox.NamedNode(CG.gender), ox.NamedNode(CG["gender-female"]), graph)])
    assert _by_name(alone)["people-by-gender"] == [Bar("female", 1)], "a person with a gender, and no \"not stated\" of 0"


def test_sentences_read_as_the_sources_give_them(store: Store) -> None:
    assert _by_name(store)["sentence-lengths"] == [
        Bar("12 to 15 years", 6), Bar("19 years 8 months", 1), Bar("6 years 6 months", 1), Bar("life imprisonment", 1)]


def test_each_translation_of_a_charge_is_kept_apart(store: Store) -> None:
    charges = {bar.label: bar.value for bar in _by_name(store)["people-per-charge"]}
    assert charges["separatism"] == 6 and charges["splittism"] == 1, "the sources' own words, not merged"


def test_undated_events_are_not_counted_by_year(store: Store) -> None:
    years = _by_name(store)
    assert years["verdicts-per-year"] == [Bar("2010", 1), Bar("2024", 1)]
    assert years["detentions-per-year"] == [Bar("2009", 1)]


def test_charts_follow_the_store(store: Store) -> None:
    copy = memory_store(BASE)
    copy.add(store.quads())
    graph, verdict, person = (ox.NamedNode(f"{BASE}{path}") for path in ("source/test-only", "event/test-verdict", "person/test"))
    # A test-only verdict: one more person before the court, in 2031.
    copy.add([ox.Quad(verdict, ox.NamedNode(CG.court), ox.NamedNode(COURT), graph),
              ox.Quad(verdict, ox.NamedNode(CG.concerns), person, graph),
              ox.Quad(verdict, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode(CG.Verdict), graph),
              ox.Quad(verdict, ox.NamedNode(CG.date), ox.Literal("2031", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
                      graph)])
    after = _by_name(copy)
    assert after["people-per-court"][0].value == _by_name(store)["people-per-court"][0].value + 1
    assert Bar("2031", 1) in after["verdicts-per-year"]
