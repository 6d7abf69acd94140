"""Review before publishing, over HTTP: a draft is seen by writers only until a second writer publishes it, and a
withdrawal takes one writer to propose and another to confirm; the audit log names both."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from SPARQLWrapper import JSON, SPARQLWrapper

from conftest import copy_seeds
from graph.settings import Settings
from stores import remote_settings, sparql_server, until
from web.test_writes import PREFIXES, partner_document

ANA, BEN, READER = "ana-writer-token", "ben-writer-token", "cai-reader-token"
NAME, PERSON, LABEL = "drafted-report", "person/qxnewperson", "Qxdrafted"


@pytest.fixture(scope="module", params=["embedded", "oxigraph-server"])
def kind(request: pytest.FixtureRequest) -> str:
    """The store the site serves from: the embedded one, or a remote one."""
    return str(request.param)


@pytest.fixture(scope="module")
def root(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp(f"review-{kind}")
    copy_seeds(directory / "sources")
    return directory


def serving(root: Path, serve: Callable[..., AbstractContextManager[str]], **settings: object) -> AbstractContextManager[str]:
    """A server with two writers, ana and ben, and a reader, over the store and directories under `root`."""
    return serve(root / "store", sources=root / "sources", writable_sources=root / "written", drafts=root / "drafts",
                 audit_log=root / "audit.jsonl", writer_tokens={"ana": ANA, "ben": BEN}, reader_tokens={"cai": READER},
                 max_request_bytes=20_000, **settings)


@pytest.fixture(scope="module")
def remote(kind: str, root: Path) -> Iterator[dict[str, object]]:
    """The settings naming the remote store the site serves from (its public and full datasets), or none."""
    if kind == "embedded":
        yield {}
        return
    with sparql_server(kind, root / "public-db") as public, sparql_server(kind, root / "full-db") as full:
        yield remote_settings(public) | remote_settings(full, "full_")


@pytest.fixture(scope="module")
def site(root: Path, remote: dict[str, object], serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    with serving(root, serve, **remote) as url:
        yield url


def call(site: str, method: str, path: str, token: str | None, body: str = "") -> httpx.Response:
    headers = {"Content-Type": "text/turtle"} | ({"Authorization": f"Bearer {token}"} if token else {})
    return httpx.request(method, f"{site}{path}", content=body.encode(), headers=headers, timeout=60)


def stated(site: str, label: str, token: str | None = None) -> bool:
    """Whether SPARQL finds any triple naming `label`, in the public store or (with a token) the full one."""
    client = SPARQLWrapper(f"{site}/sparql")
    client.setQuery(f'ASK {{ GRAPH ?g {{ ?s ?p "{label}"@en }} }}')
    client.setReturnFormat(JSON)
    if token:
        client.addCustomHttpHeader("Authorization", f"Bearer {token}")
    return bool(client.queryAndConvert()["boolean"])  # type: ignore[index]


def found(site: str, label: str) -> bool:
    """Whether search finds the label."""
    return bool(httpx.get(f"{site}/search", params={"q": label, "format": "json"}, timeout=30).json()["results"])


def ego(site: str) -> int:
    return httpx.get(f"{site}/graph/ego", params={"node": PERSON, "view": "people"}, timeout=30).status_code


def in_dump(site: str, label: str) -> bool:
    return label in httpx.get(f"{site}/dumps/casegraph.nq", timeout=60).text


def visible(site: str) -> dict[str, object]:
    """Everything the public sees of the drafted source, by way in."""
    return {"page": httpx.get(f"{site}/{PERSON}", timeout=30).status_code,
            "source page": httpx.get(f"{site}/source/{NAME}", timeout=30).status_code,
            "search": found(site, LABEL), "sparql": stated(site, LABEL), "dump": in_dump(site, LABEL)}


def audit(root: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in (root / "audit.jsonl").read_text(encoding="utf-8").splitlines()]


NOT_LIVE = {"page": 404, "source page": 404, "search": False, "sparql": False, "dump": False}
LIVE = {"page": 200, "source page": 200, "search": True, "sparql": True, "dump": True}


def test_a_draft_is_seen_by_writers_only_and_a_second_writer_publishes_it(site: str, root: Path) -> None:
    saved = call(site, "POST", "/drafts", ANA, partner_document(NAME, LABEL))
    assert saved.status_code == 201, saved.text
    assert saved.headers["location"] == f"/drafts/{NAME}" and saved.json()["drafted_by"] == "ana"
    assert visible(site) == NOT_LIVE
    assert not stated(site, LABEL, READER), "a draft is not in the full store either"
    assert ego(site) == 404

    for token in (None, READER, "wrong"):
        assert call(site, "GET", "/drafts", token).status_code == 401
        assert call(site, "GET", f"/drafts/{NAME}", token).status_code == 401
    listed = call(site, "GET", "/drafts", BEN).json()["drafts"]
    assert [(d["name"], d["drafted_by"]) for d in listed] == [(NAME, "ana")]
    shown = call(site, "GET", f"/drafts/{NAME}", BEN).json()
    assert LABEL in shown["document"] and shown["source"].endswith(f"source/{NAME}")
    assert call(site, "GET", "/drafts/no-such-draft", BEN).status_code == 404
    assert call(site, "POST", "/drafts", BEN, partner_document(NAME, LABEL)).status_code == 409

    refused = call(site, "POST", f"/drafts/{NAME}/publish", ANA)
    assert refused.status_code == 403 and "another writer must publish" in refused.text
    assert visible(site) == NOT_LIVE

    published = call(site, "POST", f"/drafts/{NAME}/publish", BEN)
    assert published.status_code == 201, published.text
    assert published.json()["drafted_by"] == "ana" and published.json()["published_by"] == "ben"
    assert visible(site) == LIVE
    until(lambda: ego(site) == 200, "the people network never showed the published person")
    assert call(site, "GET", "/drafts", ANA).json()["drafts"] == []
    assert call(site, "POST", f"/drafts/{NAME}/publish", BEN).status_code == 404

    entries = [e for e in audit(root) if e["source"].endswith(f"source/{NAME}")]
    assert [(e["who"], e["action"], e["outcome"].split(":")[0]) for e in entries] == [
        ("ana", "draft", "accepted"), ("ben", "draft", "refused"), ("ana", "publish", "refused"), ("ben", "publish", "accepted")]
    published_entry = entries[-1]
    assert published_entry["drafted_by"] == "ana" and published_entry["drafted_at"] <= published_entry["when"]


def test_a_withdrawal_is_proposed_by_one_writer_and_confirmed_by_another(site: str, root: Path) -> None:
    if visible(site) != LIVE:  # alone, this test publishes the source itself
        assert call(site, "POST", "/sources", ANA, partner_document(NAME, LABEL)).status_code == 201
    proposed = call(site, "POST", f"/withdrawals/{NAME}", ANA)
    assert proposed.status_code == 201, proposed.text
    assert visible(site) == LIVE, "a proposal changes nothing yet"
    assert call(site, "POST", f"/withdrawals/{NAME}", BEN).status_code == 409
    assert call(site, "GET", "/withdrawals", None).status_code == 401
    waiting = call(site, "GET", "/withdrawals", BEN).json()["withdrawals"]
    assert [(w["name"], w["proposed_by"]) for w in waiting] == [(NAME, "ana")]

    refused = call(site, "POST", f"/withdrawals/{NAME}/confirm", ANA)
    assert refused.status_code == 403 and "another writer must confirm" in refused.text
    assert visible(site) == LIVE

    assert call(site, "POST", f"/withdrawals/{NAME}/confirm", BEN).status_code == 204
    assert visible(site) == NOT_LIVE
    assert call(site, "GET", "/withdrawals", ANA).json()["withdrawals"] == []
    assert call(site, "POST", "/withdrawals/no-such-source", ANA).status_code == 404

    confirmed = [e for e in audit(root) if e["action"] == "confirm withdrawal" and e["outcome"] == "accepted"][-1]
    assert confirmed["who"] == "ben" and confirmed["proposed_by"] == "ana"
    assert confirmed["proposed_at"] <= confirmed["when"]
    assert [e["who"] for e in audit(root) if e["action"] == "propose withdrawal" and e["outcome"] == "accepted"] == ["ana"]


def test_a_bad_draft_gets_the_report_and_nothing_is_kept(site: str, root: Path) -> None:
    nameless = partner_document("nameless-report", LABEL).replace(f'skos:prefLabel "{LABEL}"@en ; ', "")
    answer = call(site, "POST", "/drafts", ANA, nameless)
    assert answer.status_code == 422
    assert any(v["focus"].endswith(PERSON) for v in answer.json()["violations"])
    assert call(site, "POST", "/drafts", ANA, PREFIXES + "<source/x> a").status_code == 400
    assert call(site, "GET", "/drafts/nameless-report", ANA).status_code == 404
    assert not (root / "drafts" / "documents" / "nameless-report.json").exists()


def test_a_draft_survives_a_restart_and_review_closes_the_direct_writes(
        tmp_path: Path, serve: Callable[..., AbstractContextManager[str]]) -> None:
    copy_seeds(tmp_path / "sources")
    with serving(tmp_path, serve) as url:
        assert call(url, "POST", "/drafts", ANA, partner_document("kept-report", LABEL)).status_code == 201
    with serving(tmp_path, serve, review=True) as url:
        assert [d["name"] for d in call(url, "GET", "/drafts", BEN).json()["drafts"]] == ["kept-report"]
        direct = call(url, "POST", "/sources", BEN, partner_document("direct-report", "Qxdirect"))
        assert direct.status_code == 403 and "POST /drafts" in direct.text
        assert call(url, "DELETE", "/sources/kept-report", BEN).status_code == 403
        assert call(url, "POST", "/drafts/kept-report/publish", BEN).status_code == 201
        assert found(url, LABEL) and not found(url, "Qxdirect")


def test_each_writer_needs_a_token_of_their_own() -> None:
    """A shared token could not tell the writer of a draft from its publisher, so such settings are refused."""
    with pytest.raises(ValidationError, match="a token of their own"):
        Settings(writer_tokens={"ana": ANA, "ben": ANA})  # type: ignore[arg-type]
    assert set(Settings(writer_tokens={"ana": ANA, "ben": BEN}).writer_tokens) == {"ana", "ben"}  # type: ignore[arg-type]
