"""The write API over HTTP: tokens, checks, live at once, audited, and hostile input refused with nothing changed."""

from __future__ import annotations

import gzip
import inspect
import json
import os
import socket
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import BASE, REMOTE_KINDS, copy_seeds
from graph.editions.index import read_index
from graph.network.network import View
from graph.search.textindex import SearchIndex
from service import sources as service_sources
from stores import remote_settings, sparql_server, until

WRITER, READER = "writer-token-for-tests", "reader-token-for-tests"
PREFIXES = """\
@prefix cg: <https://w3id.org/casegraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def document(name: str = "new-report", person: str = 'skos:prefLabel "Qxnewperson"@en', extra: str = "") -> str:
    """A small, valid source document in Turtle: its catalog entry, its publisher and one person."""
    return PREFIXES + f"""
<source/{name}> a cg:SourceDocument ; skos:prefLabel "New report"@en ; dcterms:title "New report"@en ;
    dcterms:publisher <organisation/new-publisher> ; cg:sourceKind cg:source-news-release ;
    cg:addressStatus cg:address-unconfirmed {extra}.
<organisation/new-publisher> a cg:NonGovernmentalOrganisation ; skos:prefLabel "New publisher"@en ;
    cg:source <source/{name}> .
<person/qxnewperson> a cg:Person ; {person} ; cg:source <source/{name}> .
"""


def partner_document(name: str, label: str = "Qxpartner") -> str:
    """A source naming a new person Tahir Imin's business partner, so that the person is in the `people` network."""
    return document(name, person=f'skos:prefLabel "{label}"@en ; cg:businessPartner <person/tahir-imin>') + \
        f'<person/tahir-imin> a cg:Person ; skos:prefLabel "Tahir Imin"@en ; cg:source <source/{name}> .\n'


@pytest.fixture(scope="module", params=["embedded", *REMOTE_KINDS])
def setup(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The folders a service writes to, on the embedded store or on a remote one (its public and full datasets)."""
    root = tmp_path_factory.mktemp("writes")
    folders: dict[str, Any] = {"sources": copy_seeds(root / "sources"), "store": root / "store",
                               "writable_sources": root / "written", "audit_log": root / "audit.jsonl", "remote": {}}
    if request.param == "embedded":
        yield folders
        return
    with sparql_server(request.param, root / "public-db") as public, sparql_server(request.param, root / "full-db") as full:
        yield folders | {"remote": remote_settings(public) | remote_settings(full, "full_")}


@pytest.fixture(scope="module")
def site(setup: dict[str, Any], serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    with serve(setup["store"], sources=setup["sources"], writable_sources=setup["writable_sources"],
               audit_log=setup["audit_log"], writer_tokens={"ana": WRITER}, reader_tokens={"ben": READER},
               max_request_bytes=20_000, **setup["remote"]) as url:
        yield url


def send(site: str, method: str, path: str, body: str | bytes, media_type: str = "text/turtle",
         token: str | None = WRITER) -> httpx.Response:
    headers = {"Content-Type": media_type} | ({"Authorization": f"Bearer {token}"} if token else {})
    content = body.encode() if isinstance(body, str) else body
    return httpx.request(method, f"{site}{path}", content=content, headers=headers, timeout=60)


def state(site: str) -> tuple[int, str]:
    """What the public sees: the number of quads, and every source graph."""
    query = 'SELECT (COUNT(*) AS ?n) (GROUP_CONCAT(DISTINCT STR(?g); SEPARATOR=" ") AS ?graphs) WHERE { GRAPH ?g { ?s ?p ?o } }'
    row = httpx.get(f"{site}/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}).json()
    binding = row["results"]["bindings"][0]
    return int(binding["n"]["value"]), " ".join(sorted(binding["graphs"]["value"].split()))


def audit_entries(setup: dict[str, Any]) -> list[dict[str, str]]:
    path = setup["audit_log"]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_writing_needs_a_writer_token(site: str, setup: dict[str, Any]) -> None:
    before = state(site)
    for token in (None, READER, "wrong"):
        answer = send(site, "POST", "/sources", document(), token=token)
        assert answer.status_code == 401 and answer.headers["www-authenticate"].startswith("Bearer")
    assert state(site) == before and not setup["writable_sources"].exists()


def test_a_valid_source_is_live_at_once_then_replaced_then_withdrawn_and_audited(site: str, setup: dict[str, Any]) -> None:
    before = state(site)
    created = send(site, "POST", "/sources", document())
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/source/new-report"
    assert httpx.get(f"{site}/person/qxnewperson").status_code == 200
    assert httpx.get(f"{site}/search", params={"q": "qxnewperson", "format": "json"}).json()["results"]
    assert send(site, "POST", "/sources", document()).status_code == 409

    replaced = send(site, "PUT", "/sources/new-report", document(person='skos:prefLabel "Qxrenamed"@en'))
    assert replaced.status_code == 200, replaced.text
    page = httpx.get(f"{site}/person/qxnewperson", headers={"Accept": "application/n-triples"}).text
    assert "Qxrenamed" in page and "Qxnewperson" not in page

    assert send(site, "DELETE", "/sources/new-report", b"").status_code == 204
    assert httpx.get(f"{site}/person/qxnewperson").status_code == 404
    assert state(site) == before
    assert send(site, "DELETE", "/sources/new-report", b"").status_code == 404
    assert [(e["who"], e["action"], e["outcome"]) for e in audit_entries(setup) if e["outcome"] == "accepted"][-3:] == [
        ("ana", "create", "accepted"), ("ana", "replace", "accepted"), ("ana", "withdraw", "accepted")]
    assert all(len(e["sha256"]) == 64 for e in audit_entries(setup) if e["outcome"] == "accepted")


def test_the_networks_catch_up_with_a_write_and_the_workers_stay_the_same(site: str) -> None:
    """Networks are rebuilt off the request path; query workers open the new store rather than being replaced."""
    workers = _children(os.getpid())  # the test server runs in this process, its query workers are its children
    answer = send(site, "POST", "/sources", partner_document("network-report", "Qxnetwork"))
    assert answer.status_code == 201, answer.text
    query = "SELECT ?name WHERE { <person/qxnewperson> skos:prefLabel ?name }"
    assert httpx.get(f"{site}/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}) \
        .json()["results"]["bindings"] == [{"name": {"type": "literal", "value": "Qxnetwork", "xml:lang": "en"}}]
    until(lambda: ego_status(site) == 200, "the people network never showed the new person")
    # Search is now answered from the rebuilt index files in place of the table of changes: the same answer.
    hits = httpx.get(f"{site}/search", params={"q": "qxnetwork", "format": "json"}).json()["results"]
    assert [hit["iri"] for hit in hits] == [BASE + "person/qxnewperson"], hits
    found = httpx.get(f"{site}/graph/ego", params=NEW_PERSON_EGO).json()
    assert {n["id"] for n in found["nodes"]} == {BASE + "person/qxnewperson", BASE + "person/tahir-imin"}
    assert _children(os.getpid()) == workers, "the same query worker processes answer after the write"
    assert send(site, "DELETE", "/sources/network-report", b"").status_code == 204


class FailingReads:
    """Reads the index files as the service does, but fails the first `times` calls, as when the process making the
    index files is killed."""

    def __init__(self, times: int) -> None:
        self.left, self.calls = times, 0
        self.caller: threading.Thread | None = None  # the service's refresher thread

    def __call__(self, store_dir: Path, base: str) -> tuple[SearchIndex, dict[str, View]]:
        self.calls += 1
        self.caller = threading.current_thread()
        if self.left > 0:
            self.left -= 1
            raise OSError("the process making the index files was killed")
        return read_index(store_dir, base)


# The line of the refresher's loop where it waits for the next write, with no rebuild or retry pending.
_LINES, _FIRST = inspect.getsourcelines(service_sources._ViewsRefresher.run)
WAITING_FOR_A_WRITE = _FIRST + next(i for i, line in enumerate(_LINES) if line.strip() == "self.wanted.wait()")


def waits_for_a_write(thread: threading.Thread | None) -> bool:
    """Whether the refresher thread is parked until the next write: only a write can wake it from there."""
    frame = sys._current_frames().get(thread.ident) if thread is not None and thread.ident is not None else None
    while frame is not None and frame.f_code is not service_sources._ViewsRefresher.run.__code__:
        frame = frame.f_back
    return frame is not None and frame.f_lineno == WAITING_FOR_A_WRITE and not frame.f_locals["self"].wanted.is_set()


NEW_PERSON_EGO = {"node": "person/qxnewperson", "view": "people"}


def ego_status(site: str) -> int:
    return httpx.get(f"{site}/graph/ego", params=NEW_PERSON_EGO).status_code


def test_a_failed_network_rebuild_is_tried_again_without_another_write(site: str, monkeypatch: pytest.MonkeyPatch,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    """The first rebuild after the write fails; the next attempt, with no other write to start it, brings the
    networks up to date."""
    until(lambda: ego_status(site) == 404, "an earlier write's rebuild never ended")
    reads = FailingReads(1)
    monkeypatch.setattr(service_sources, "read_index", reads)
    monkeypatch.setattr(service_sources._ViewsRefresher, "retry", 0.5)
    assert send(site, "POST", "/sources", partner_document("retry-report")).status_code == 201
    until(lambda: ego_status(site) == 200, "the networks were never rebuilt")
    assert reads.left == 0 and reads.calls >= 2
    assert any("trying again" in record.getMessage() for record in caplog.records)
    assert send(site, "DELETE", "/sources/retry-report", b"").status_code == 204


def test_a_rebuild_that_keeps_failing_waits_for_the_next_write(site: str, monkeypatch: pytest.MonkeyPatch,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    """After `tries` failures in a row no more processes are started; the next write's rebuild succeeds."""
    until(lambda: ego_status(site) == 404, "an earlier write's rebuild never ended")
    reads = FailingReads(3)
    monkeypatch.setattr(service_sources, "read_index", reads)
    monkeypatch.setattr(service_sources._ViewsRefresher, "retry", 0.1)
    monkeypatch.setattr(service_sources._ViewsRefresher, "tries", 3)
    monkeypatch.setattr(service_sources._ViewsRefresher, "quiet", 0.1)
    assert send(site, "POST", "/sources", partner_document("failing-report")).status_code == 201
    until(lambda: any("the next write tries again" in r.getMessage() for r in caplog.records), "the refresher never gave up")
    until(lambda: waits_for_a_write(reads.caller), "the refresher never settled to wait for the next write")
    assert reads.calls == 3 and ego_status(site) == 404
    other = document("later-report").replace("person/qxnewperson", "person/qxlater")
    assert send(site, "POST", "/sources", other).status_code == 201
    until(lambda: ego_status(site) == 200, "the next write's rebuild did not bring the networks up to date")
    for name in ("failing-report", "later-report"):
        assert send(site, "DELETE", f"/sources/{name}", b"").status_code == 204



def _children(pid: int) -> set[int]:
    return {int(child) for task in Path(f"/proc/{pid}/task").iterdir() for child in (task / "children").read_text().split()}


def test_a_repeated_query_is_answered_again_after_a_write_changes_its_answer(site: str) -> None:
    """Answers are kept by the store's digest: a write serves a new store, so no kept answer outlives it."""
    query = "SELECT ?name WHERE { <person/qxnewperson> skos:prefLabel ?name }"

    def names(**headers: str) -> list[str]:
        accept = {"Accept": "application/sparql-results+json"}
        answer = httpx.get(f"{site}/sparql", params={"query": query}, headers=accept | headers)
        return [b["name"]["value"] for b in answer.json()["results"]["bindings"]]

    assert names() == names() == []
    assert send(site, "POST", "/sources", document("cache-report", person='skos:prefLabel "Qxcached"@en')).status_code == 201
    assert names() == names(**{"Cache-Control": "no-cache"}) == ["Qxcached"]
    assert send(site, "DELETE", "/sources/cache-report", b"").status_code == 204
    assert names() == []


def test_a_dump_asked_for_before_a_write_is_not_served_after_it(site: str) -> None:
    """Dump files are kept beside the store they were written from; a write serves a new store, and so new files."""
    def dumped() -> str:
        return gzip.decompress(httpx.get(f"{site}/dumps/casegraph.nt.gz").content).decode()

    assert "Qxdumped" not in dumped()
    assert send(site, "POST", "/sources", document("dump-report", person='skos:prefLabel "Qxdumped"@en')).status_code == 201
    assert "Qxdumped" in dumped()
    assert send(site, "DELETE", "/sources/dump-report", b"").status_code == 204
    assert "Qxdumped" not in dumped()


def test_json_ld_and_trig_are_written_like_turtle(site: str) -> None:
    entry, records = document("trig-report").removeprefix(PREFIXES).split(".\n<organisation", 1)
    trig = PREFIXES + "<graph/sources> {\n" + entry + ".\n}\n<source/trig-report> {\n<organisation" + records + "}\n"
    assert send(site, "POST", "/sources", trig, "application/trig").status_code == 201
    assert send(site, "DELETE", "/sources/trig-report", b"").status_code == 204
    jsonld = {"@context": {"cg": "https://w3id.org/casegraph/ontology#", "skos": "http://www.w3.org/2004/02/skos/core#",
                           "dcterms": "http://purl.org/dc/terms/", "@base": BASE},
              "@graph": [
                  {"@id": "source/ld-report", "@type": "cg:SourceDocument",
                   "skos:prefLabel": {"@value": "LD", "@language": "en"}, "dcterms:title": {"@value": "LD", "@language": "en"},
                   "dcterms:publisher": {"@id": "organisation/ld-publisher"},
                   "cg:sourceKind": {"@id": "cg:source-news-release"}, "cg:addressStatus": {"@id": "cg:address-unconfirmed"}},
                  {"@id": "organisation/ld-publisher", "@type": "cg:NonGovernmentalOrganisation",
                   "skos:prefLabel": {"@value": "LD publisher", "@language": "en"}, "cg:source": {"@id": "source/ld-report"}}]}
    answer = send(site, "POST", "/sources", json.dumps(jsonld), "application/ld+json")
    assert answer.status_code == 201, answer.text
    assert httpx.get(f"{site}/organisation/ld-publisher").status_code == 200
    assert send(site, "DELETE", "/sources/ld-report", b"").status_code == 204


def test_a_source_breaking_the_shapes_gets_the_shacl_report_and_changes_nothing(site: str, setup: dict[str, Any]) -> None:
    before, files = state(site), sorted(setup["writable_sources"].glob("*")) if setup["writable_sources"].exists() else []
    answer = send(site, "POST", "/sources", document(person='cg:birthDate "2021-13-45"^^xsd:date'))
    assert answer.status_code == 422
    violations = answer.json()["violations"]
    assert {(v["focus"], v["constraint"]) for v in violations} >= {(BASE + "person/qxnewperson", "MinCountConstraintComponent")}
    assert any(v["path"] == "https://w3id.org/casegraph/ontology#birthDate" for v in violations), violations
    assert state(site) == before
    assert (sorted(setup["writable_sources"].glob("*")) if setup["writable_sources"].exists() else []) == files
    assert audit_entries(setup)[-1]["outcome"].startswith("refused")


def never_connected() -> tuple[socket.socket, str]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.setblocking(False)
    return listener, f"http://127.0.0.1:{listener.getsockname()[1]}/context.jsonld"


HOSTILE = [
    pytest.param("text/turtle", PREFIXES + "<source/x> a cg:SourceDocument ;; <oops", 400, "line", id="malformed-turtle"),
    pytest.param("application/ld+json", '{"@id": "source/x", ', 400, "not valid JSON", id="malformed-json-ld"),
    pytest.param("application/rdf+xml", '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                 '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', 400, "DOCTYPE",
                 id="rdfxml-entity-expansion"),
    pytest.param("text/plain", document(), 415, "must be sent as one of", id="wrong-content-type"),
    pytest.param("text/turtle", document() + "#" + "x" * 20_000, 413, "over 20000 bytes", id="oversized-body"),
    pytest.param("text/turtle", document(person='skos:prefLabel "X"@en . <http://evil.example/p> a cg:Person ; '
                                                 'cg:source <source/new-report>'), 422, "IRIs under", id="iri-outside-the-base"),
    pytest.param("text/turtle", document().replace("new-report", "uscirf-gulmira-imin"), 409, "curated",
                 id="overwrite-a-curated-source"),
    pytest.param("text/turtle", document() + document("second-report"), 400, "exactly one", id="two-documents-at-once"),
]


@pytest.mark.parametrize(("media_type", "body", "status", "message"), HOSTILE)
def test_hostile_input_gets_a_clear_error_and_changes_nothing(site: str, media_type: str, body: str, status: int,
                                                              message: str) -> None:
    before = state(site)
    answer = send(site, "POST", "/sources", body, media_type)
    assert answer.status_code == status, answer.text
    assert message in answer.text
    assert "Traceback" not in answer.text
    assert state(site) == before


def test_a_remote_json_ld_context_is_never_fetched(site: str) -> None:
    listener, address = never_connected()
    with listener:
        body = json.dumps({"@context": address, "@id": "source/x", "@type": "SourceDocument"})
        answer = send(site, "POST", "/sources", body, "application/ld+json")
        assert answer.status_code == 400 and "never fetched" in answer.text
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_a_restricted_write_is_seen_only_with_a_reader_token(site: str) -> None:
    assert send(site, "POST", "/sources", document("hidden-report", extra="; cg:restricted true ")).status_code == 201
    assert httpx.get(f"{site}/person/qxnewperson").status_code == 404
    assert httpx.get(f"{site}/person/qxnewperson", headers={"Authorization": f"Bearer {READER}"}).status_code == 200
    assert send(site, "DELETE", "/sources/hidden-report", b"").status_code == 204


def test_a_restricted_write_reaches_only_the_full_editions_networks(site: str) -> None:
    """Once the networks are rebuilt, the full edition's show the person, and the public edition's still do not."""
    hidden = document("hidden-network", extra="; cg:restricted true ").replace("person/qxnewperson", "person/qxhidden")
    assert send(site, "POST", "/sources", hidden).status_code == 201
    visible = document("visible-network").replace("person/qxnewperson", "person/qxvisible")
    assert send(site, "POST", "/sources", visible).status_code == 201
    # The public person shows in the public network only once a rebuild has read both writes.
    until(lambda: httpx.get(f"{site}/graph/ego", params={"node": "person/qxvisible", "view": "cases"}).status_code == 200,
           "the public network never showed the public person")
    ego = {"node": "person/qxhidden", "view": "cases"}
    assert httpx.get(f"{site}/graph/ego", params=ego).status_code == 404
    assert httpx.get(f"{site}/graph/ego", params=ego, headers={"Authorization": f"Bearer {READER}"}).status_code == 200
    assert send(site, "DELETE", "/sources/visible-network", b"").status_code == 204
    assert send(site, "DELETE", "/sources/hidden-network", b"").status_code == 204


@pytest.mark.parametrize("iri", [BASE + "person/../../qxdotted", BASE + "person/../person/qxdotted", BASE + "person/./qxdotted",
                                 BASE + "person/%2e%2e/%2E%2E/qxdotted", BASE + "person/%71xdotted"])
def test_an_iri_that_normalises_to_another_is_refused_by_name(site: str, setup: dict[str, Any], iri: str) -> None:
    """An IRI under the base with dot segments or needless escapes names another resource once resolved."""
    before = state(site)
    answer = send(site, "POST", "/sources", document("dotted-report").replace("<person/qxnewperson>", f"<{iri}>"))
    assert answer.status_code == 422, answer.text
    assert iri in answer.text and "normal form" in answer.text
    assert state(site) == before and not (setup["writable_sources"] / "dotted-report.trig").exists()


def test_every_refused_write_is_audited_once_with_its_reason(site: str, setup: dict[str, Any]) -> None:
    """Refusals before the write (a curated source, no such source, a bad name) and after waiting for the lock."""
    refusals = [("DELETE", "/sources/uscirf-gulmira-imin", 409, "curated"),
                ("DELETE", "/sources/never-written", 404, "no source"), ("PUT", "/sources/Bad%20Name", 400, "lower-case"),
                ("DELETE", "/sources/%3C", 400, "lower-case")]
    for method, path, status, reason in refusals:
        count = len(audit_entries(setup))
        answer = send(site, method, path, document() if method == "PUT" else b"")
        assert answer.status_code == status, answer.text
        entries = audit_entries(setup)[count:]
        assert [(e["who"], e["outcome"].split(":")[0]) for e in entries] == [("ana", "refused")], (path, entries)
        assert reason in entries[0]["outcome"]

    count = len(audit_entries(setup))
    statuses = _racing(site, [("POST", "/sources"), ("POST", "/sources")], document("raced-report"))
    assert sorted(statuses) == [201, 409]
    outcomes = sorted(e["outcome"].split(":")[0] for e in audit_entries(setup)[count:])
    assert outcomes == ["accepted", "refused"]
    assert send(site, "DELETE", "/sources/raced-report", b"").status_code == 204


@pytest.mark.parametrize("name", ["with space", "nul\x00here", "<", "x" * 5000, "UPPER", "-leading"])
def test_a_bad_source_name_gets_400_before_the_file_system_is_touched(site: str, setup: dict[str, Any], name: str) -> None:
    before = state(site)
    path = "/sources/" + urllib.parse.quote(name, safe="")
    for method, body in (("PUT", document()), ("DELETE", "")):
        answer = send(site, method, path, body)
        assert answer.status_code == 400, (method, answer.text[:300])
        assert "must be 1 to 100 lower-case letters" in answer.text and "Traceback" not in answer.text
    assert state(site) == before


def test_two_racing_puts_of_a_new_source_create_it_once(site: str) -> None:
    """Created or replaced is decided under the write lock: one of the two finds the other's file."""
    statuses = _racing(site, [("PUT", "/sources/put-race"), ("PUT", "/sources/put-race")], document("put-race"))
    assert sorted(statuses) == [200, 201]
    assert send(site, "DELETE", "/sources/put-race", b"").status_code == 204


def _racing(site: str, requests: list[tuple[str, str]], body: str) -> list[int]:
    """Send the requests at once while holding the write lock, and let them through once all wait for it."""
    statuses: list[int] = []
    with service_sources.lock:
        threads = [threading.Thread(target=lambda m=method, p=path: statuses.append(send(site, m, p, body).status_code))
                   for method, path in requests]
        for thread in threads:
            thread.start()
        until(lambda: _waiting_to_write() == len(requests), "the writes never reached the write lock")
    for thread in threads:
        thread.join(60)
    return statuses


def _waiting_to_write() -> int:
    """How many of the server's threads are in the write step (and so, while the test holds it, waiting for the lock)."""
    steps = {service_sources.write.__code__, service_sources.withdraw.__code__}
    return sum(1 for frame in sys._current_frames().values() if frame.f_code in steps)


def bulk_document(people: int) -> str:
    """A large source document whose people all lack a name: one violation each."""
    person = "<person/qxbulk-{}> a cg:Person ; cg:source <source/bulk-report> ."
    lines = [document("bulk-report")] + [person.format(i) for i in range(people)]
    return "\n".join(lines) + "\n"


def test_a_point_lookup_is_answered_while_a_large_write_is_checked(tmp_path: Path,
                                                                    serve: Callable[..., AbstractContextManager[str]]) -> None:
    """The write's document is parsed and validated off the event loop: a read sent once the document is sent is
    answered before the write is refused (and audited), not after."""
    audit_log, body = tmp_path / "audit.jsonl", bulk_document(20_000).encode()
    sent, returned, answers = threading.Event(), threading.Event(), []

    def upload() -> Iterator[bytes]:
        yield body
        sent.set()

    def write() -> None:
        answers.append(httpx.post(f"{url}/sources", content=upload(), timeout=120,
                                  headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {WRITER}"}))
        returned.set()

    with serve(tmp_path / "store", sources=copy_seeds(tmp_path / "sources"), writable_sources=tmp_path / "written",
               audit_log=audit_log, writer_tokens={"ana": WRITER}, max_request_bytes=len(body) + 1) as url:
        writer = threading.Thread(target=write)
        writer.start()
        assert sent.wait(60), "the document was never sent"
        lookup = httpx.get(f"{url}/sparql", params={"query": "SELECT ?name WHERE { <person/gulmira-imin> skos:prefLabel ?name }"},
                           headers={"Accept": "application/sparql-results+json"}, timeout=120)
        checked = audit_log.exists() or returned.is_set()
        writer.join(120)
    assert lookup.status_code == 200 and lookup.json()["results"]["bindings"]
    assert not checked, "the point lookup was answered only after the write's check"
    assert answers[0].status_code == 422 and len(answers[0].json()["violations"]) >= 20_000
