"""One store, one truth: the command line reads what the server serves, and a build never replaces a served store."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from test_cli import run

from conftest import BASE, copy_seeds
from graph.editions.build import BUILD_FILE

from .test_writes import WRITER, document, send

# A second account of the seed's Gulmira Imin, under a record of its own: a pair to reconcile.
ACCOUNT = 'skos:prefLabel "Gulmira Imin"@en ; cg:gender cg:gender-female ; cg:birthDate "1978"^^xsd:gYear'


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Path]:
    return {"sources": copy_seeds(tmp_path / "sources"), "store": tmp_path / "store", "writable_sources": tmp_path / "written",
            "audit_log": tmp_path / "audit.jsonl"}


@pytest.fixture
def site(setup: dict[str, Path], serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    with serve(setup["store"], sources=setup["sources"], writable_sources=setup["writable_sources"],
               audit_log=setup["audit_log"], writer_tokens={"ana": WRITER}, max_request_bytes=20_000) as url:
        yield url


def cli(setup: dict[str, Path], *args: str) -> tuple[int, str, str]:
    """The casegraph command over the test server's store and source directories, as its user would run it there."""
    env = {"CASEGRAPH_SOURCES": str(setup["sources"]), "CASEGRAPH_WRITABLE_SOURCES": str(setup["writable_sources"])}
    result = run(*args, store=setup["store"], env=env)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def test_the_command_line_sees_a_write_made_over_http(site: str, setup: dict[str, Path]) -> None:
    assert send(site, "POST", "/sources", document("account-report", person=ACCOUNT)).status_code == 201
    code, out, err = cli(setup, "query", "SELECT ?name WHERE { <person/qxnewperson> skos:prefLabel ?name }", "--format", "csv")
    assert code == 0 and out.splitlines() == ["name", "Gulmira Imin"], err
    assert "store-live-1" in err, "stderr says which store was read"
    code, out, err = cli(setup, "summary")
    assert code == 0 and "New report" in out and "source/account-report" in out, err
    code, out, err = cli(setup, "reconcile", "--format", "json", "--minimum", "0")
    assert code == 0, err
    pairs = [{candidate["a"], candidate["b"]} for candidate in json.loads(out)]
    assert {person("qxnewperson"), person("gulmira-imin")} in pairs, out
    code, _, err = cli(setup, "validate")
    assert code == 0 and "3 sources conform" in err, err

    assert send(site, "DELETE", "/sources/account-report", b"").status_code == 204
    code, out, err = cli(setup, "query", "ASK { <person/qxnewperson> ?p ?o }", "--format", "json")
    assert code == 0 and json.loads(out)["boolean"] is False, err


def person(name: str) -> str:
    """A person record's IRI."""
    return f"https://w3id.org/casegraph/person/{name}"


def test_a_build_of_a_served_store_is_refused_until_the_server_stops(setup: dict[str, Path],
                                                                       serve: Callable[..., AbstractContextManager[str]]) -> None:
    settings = {"sources": setup["sources"], "writable_sources": setup["writable_sources"], "audit_log": setup["audit_log"],
                "writer_tokens": {"ana": WRITER}}
    with serve(setup["store"], **settings) as site:
        assert send(site, "POST", "/sources", document("written-report")).status_code == 201
        (setup["sources"] / "qxcurated.trig").write_text(curated(), encoding="utf-8")
        record = (setup["store"] / BUILD_FILE).read_bytes()
        code, _, err = cli(setup, "build")
        assert code == 2 and "nothing was built" in err and "POST /sources" in err and "stop the server" in err, err
        assert (setup["store"] / BUILD_FILE).read_bytes() == record
        assert httpx.get(f"{site}/person/qxcurated").status_code == 404
        assert httpx.get(f"{site}/person/qxnewperson").status_code == 200
        before = front(site)
    # Stopped, the server's lock is gone: the build reads the curated files and those written through the API.
    code, _, err = cli(setup, "build")
    assert code == 0 and "4 sources" in err, err
    with serve(setup["store"], **settings) as site:
        assert "Qxcurated" in httpx.get(f"{site}/person/qxcurated", headers={"Accept": "text/html"}).text
        assert httpx.get(f"{site}/person/qxnewperson").status_code == 200
        found = httpx.get(f"{site}/search", params={"q": "qxcurated", "format": "json"}).json()["results"]
        assert [r["iri"] for r in found] == [person("qxcurated")]
        after = front(site)
        assert after[0] == before[0] + 1 and after[1]["person"] == before[1]["person"] + 1, (before, after)


def front(site: str) -> tuple[int, dict[str, int]]:
    """How many people the statistics count, and the counts of records by class on the home page."""
    charts = httpx.get(f"{site}/stats", headers={"Accept": "application/json"}, timeout=60).json()
    people = sum(bar["value"] for chart in charts if chart["name"] == "people-by-penalty" for bar in chart["bars"])
    home = httpx.get(f"{site}/", headers={"Accept": "text/html"}, timeout=60).text
    return people, {kind: int(count) for kind, count in re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', home)}


def curated() -> str:
    """A curated source file (TriG) with one new person."""
    text = document("curated-report", person='skos:prefLabel "Qxcurated"@en').replace('"New report"', '"Curated report"')
    entry, records = text.split(".\n<organisation", 1)
    prefixes, entry = entry.rsplit("\n\n", 1)
    return (prefixes + "\n<graph/sources> {\n" + entry + ".\n}\n<source/curated-report> {\n<organisation"
            + records.replace("qxnewperson", "qxcurated") + "}\n")


def test_validate_takes_the_turtle_the_api_takes_and_reports_a_bad_one_as_the_api_does(site: str, tmp_path: Path,
                                                                                       setup: dict[str, Path]) -> None:
    good = tmp_path / "report.ttl"
    good.write_text(document("checked-report"), encoding="utf-8")
    code, _, err = cli(setup, "validate", str(good))
    assert code == 0 and "1 source conform" in err, err

    bad = document("bad-report", person='cg:birthDate "2021-13-45"^^xsd:date')
    (tmp_path / "bad.ttl").write_text(bad, encoding="utf-8")
    answer = send(site, "POST", "/sources", bad)
    assert answer.status_code == 422
    code, _, err = cli(setup, "validate", str(tmp_path / "bad.ttl"))
    assert code == 1
    for violation in answer.json()["violations"]:
        assert violation["message"] in " ".join(err.split()) and violation["constraint"] in err, err


@pytest.mark.parametrize(("suffix", "fmt"), [(".jsonld", ox.RdfFormat.JSON_LD), (".nt", ox.RdfFormat.N_TRIPLES),
                                             (".rdf", ox.RdfFormat.RDF_XML)])
def test_validate_takes_the_other_formats_the_api_takes(tmp_path: Path, setup: dict[str, Path], suffix: str,
                                                        fmt: ox.RdfFormat) -> None:
    triples = list(ox.parse(document("other-format").encode(), format=ox.RdfFormat.TURTLE, base_iri=BASE))
    good, bad = tmp_path / f"report{suffix}", tmp_path / f"bad{suffix}"
    good.write_bytes(ox.serialize(triples, format=fmt) or b"")
    bad.write_bytes(ox.serialize([t for t in triples if "prefLabel" not in t.predicate.value], format=fmt) or b"")
    code, _, err = cli(setup, "validate", str(good))
    assert code == 0 and "1 source conform" in err, err
    code, _, err = cli(setup, "validate", str(bad))
    assert code == 1 and "bad" in err and "prefLabel" in err, err
