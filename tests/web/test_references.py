"""Writing a document that refers to records of the graph by IRI alone, and one with unknown terms or impossible dates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest

from conftest import BASE, copy_seeds
from web.test_writes import WRITER, document, send, state

CG = "https://w3id.org/casegraph/ontology#"
COURT = "court/urumqi-intermediate-peoples-court"


def trial(court: str = COURT, extra: str = "") -> str:
    """A trial of the document's person at a court named by its IRI alone, not declared in the document."""
    return (f'<event/qxnewperson-trial> a cg:Trial ; skos:prefLabel "Trial of Qxnewperson"@en ; cg:source <source/new-report> ;\n'
            f'    cg:concerns <person/qxnewperson> ; cg:court <{court}> {extra}.\n')


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("references")
    return {"sources": copy_seeds(root / "sources"), "store": root / "store", "writable_sources": root / "written",
            "audit_log": root / "audit.jsonl"}


@pytest.fixture(scope="module")
def site(setup: dict[str, Path], serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    with serve(setup["store"], sources=setup["sources"], writable_sources=setup["writable_sources"],
               audit_log=setup["audit_log"], writer_tokens={"ana": WRITER}) as url:
        yield url


def refused(site: str, body: str) -> list[dict[str, str]]:
    """The violations of a document the write API refuses, after checking that nothing changed."""
    before = state(site)
    answer = send(site, "POST", "/sources", body)
    assert answer.status_code == 422, answer.text
    assert state(site) == before
    violations: list[dict[str, str]] = answer.json()["violations"]
    return violations


def test_a_new_case_refers_to_a_court_of_the_graph_by_its_iri_alone(site: str, setup: dict[str, Path]) -> None:
    created = send(site, "POST", "/sources", document() + trial())
    assert created.status_code == 201, created.text
    page = httpx.get(f"{site}/event/qxnewperson-trial", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Urumqi Intermediate People&#39;s Court" in page.text
    kept = (setup["writable_sources"] / "new-report.trig").read_text(encoding="utf-8")
    assert "urumqi-intermediate-peoples-court" in kept and "cg:Court" not in kept, "the court's type is read, never copied"
    assert send(site, "DELETE", "/sources/new-report", b"").status_code == 204


def test_a_reference_to_a_record_found_nowhere_names_what_to_do_and_the_nearest_record(site: str) -> None:
    violations = refused(site, document() + trial("court/urumqi-intermediate-court"))
    assert [(v["focus"], v["path"], v["value"], v["message"]) for v in violations] == [
        (BASE + "event/qxnewperson-trial", CG + "court", BASE + "court/urumqi-intermediate-court",
         "<court/urumqi-intermediate-court> is not in the graph; declare it (a cg:Court with a skos:prefLabel), "
         f"or did you mean <{COURT}>?")]


@pytest.mark.parametrize(("typo", "meant"), [
    ("cg:occupaton \"filmmaker\"@en", "did you mean cg:occupation?"),
    ("cg:brother <person/tahir-imin>", "did you mean cg:sibling?"),
    ("cg:sister <person/tahir-imin>", "did you mean cg:sibling?"),
])
def test_a_misspelt_or_unknown_property_is_refused_with_a_suggestion(site: str, typo: str, meant: str) -> None:
    violations = refused(site, document(person=f'skos:prefLabel "Qxnewperson"@en ; {typo}'))
    assert [(v["focus"], v["constraint"]) for v in violations] == [(BASE + "person/qxnewperson", "UnknownTerm")]
    assert violations[0]["message"].startswith(typo.split()[0] + " is not a property") and meant in violations[0]["message"]


def test_every_problem_of_a_document_is_reported_at_once(site: str) -> None:
    person = ('skos:prefLabel "Qxnewperson"@en ; cg:occupaton "filmmaker"@en ; cg:birthDate "1954-02-29"^^xsd:date ; '
              'cg:reportedAge "old" ; cg:birthPlace <place/aksuu>')
    violations = refused(site, document(person=person) + trial(extra='; cg:date "2014-02-30"^^xsd:date '))
    found = {(v["focus"].removeprefix(BASE), v["path"].removeprefix(CG), v["value"]) for v in violations}
    assert found == {
        ("person/qxnewperson", "occupaton", "filmmaker"),
        ("person/qxnewperson", "birthDate", "1954-02-29"),
        ("person/qxnewperson", "reportedAge", "old"),
        ("person/qxnewperson", "birthPlace", BASE + "place/aksuu"),
        ("event/qxnewperson-trial", "date", "2014-02-30"),
    }
    by_value = {v["value"]: v["message"] for v in violations}
    assert "did you mean <place/aksu>?" in by_value[BASE + "place/aksuu"]


@pytest.mark.parametrize("day", ["2014-02-30", "1954-02-29", "2009-04-31"])
def test_a_date_that_does_not_exist_is_reported_as_such(site: str, day: str) -> None:
    violations = refused(site, document(person=f'skos:prefLabel "Qxnewperson"@en ; cg:birthDate "{day}"^^xsd:date'))
    assert [v["message"].split(":")[0] for v in violations] == [f"{day} is a date that does not exist"]


def test_a_replaced_source_cannot_refer_to_what_only_its_old_version_declared(site: str) -> None:
    court = ('<court/qx-court> a cg:Court ; skos:prefLabel "Qx court"@en ; cg:source <source/new-report> ; '
             'cg:locatedIn <place/aksu> .\n')
    assert send(site, "POST", "/sources", document() + trial("court/qx-court") + court).status_code == 201
    answer = send(site, "PUT", "/sources/new-report", document() + trial("court/qx-court"))
    assert answer.status_code == 422, answer.text
    assert [v["message"].split(";")[0] for v in answer.json()["violations"]] == ["<court/qx-court> is not in the graph"]
    assert httpx.get(f"{site}/court/qx-court", headers={"Accept": "text/html"}).status_code == 200
    assert send(site, "DELETE", "/sources/new-report", b"").status_code == 204
