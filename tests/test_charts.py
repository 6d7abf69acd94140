"""The statistics charts count what the store holds, and follow it when it changes."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Dataset, Namespace

from conftest import BASE, seed_sources
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
