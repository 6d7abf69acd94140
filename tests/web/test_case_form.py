"""The case form over HTTP: sign-in and its cookie, CSRF refusal, the Turtle preview, and the checks' messages by field.

Every case in these tests is fictional: invented names marked "fictional", never facts about real people.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from conftest import BASE, copy_seeds
from web.test_writes import document

WRITER = "writer-token-for-form-tests"
Writer = tuple[httpx.Client, str]
CG = "https://w3id.org/casegraph/ontology#"
DCTERMS = "http://purl.org/dc/terms/"
URUMQI_COURT = BASE + "court/urumqi-intermediate-peoples-court"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("form")
    return {"sources": copy_seeds(root / "sources"), "store": root / "store", "writable_sources": root / "written",
            "audit_log": root / "audit.jsonl"}


@pytest.fixture(scope="module")
def site(setup: dict[str, Path], serve: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    with serve(setup["store"], sources=setup["sources"], writable_sources=setup["writable_sources"],
               audit_log=setup["audit_log"], writer_tokens={"ana": WRITER}, max_request_bytes=200_000) as url:
        yield url


class Page(HTMLParser):
    """What a test reads of a form page: hidden fields, the preview, and the messages inside each field."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.preview = ""
        self.messages: dict[str, list[str]] = {}  # data-path of the field -> its messages
        self._in_preview = False
        self._field: list[str | None] = []
        self._problem: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.hidden.setdefault(str(a["name"]), a.get("value") or "")
        self._in_preview = self._in_preview or (tag == "pre" and a.get("id") == "preview")
        if tag == "div":
            self._field.append(a.get("data-path"))
        if tag == "p" and a.get("class") == "problem":
            self._problem = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._in_preview = False
        if tag == "div" and self._field:
            self._field.pop()
        if tag == "p" and self._problem is not None:
            where = next((p for p in reversed(self._field) if p), "")
            self.messages.setdefault(where, []).append(self._problem)
            self._problem = None

    def handle_data(self, data: str) -> None:
        if self._in_preview:
            self.preview += data
        if self._problem is not None:
            self._problem += data


@pytest.fixture
def writer(site: str) -> Iterator[Writer]:
    """A client holding the cookies of a sign-in, and the form's CSRF token."""
    with httpx.Client(base_url=site, timeout=60) as client:
        yield signed_in(client)


def signed_in(client: httpx.Client) -> tuple[httpx.Client, str]:
    """Sign the client in; the form's CSRF token."""
    answer = client.post("/sources/sign-in", data={"token": WRITER, "next": "/sources/new"})
    assert answer.status_code == 303 and answer.headers["location"] == "/sources/new"
    form = client.get("/sources/new")
    assert form.status_code == 200
    return client, Page(form.text).hidden["csrf"]


def fictional_case(name: str) -> dict[str, str]:
    """A fictional case's fields: a source, a person, a new prison, custody there, and a trial at the Urumqi court."""
    return {
        "name": name, "lang": "en",
        "s:" + DCTERMS + "title": "Fictional report for the form tests",
        "s:" + DCTERMS + "publisher": BASE + "organisation/human-rights-watch",
        "s:" + DCTERMS + "issued": "2023-05",
        "s:" + CG + "sourceKind": CG + "source-news-release",
        "s:" + CG + "addressStatus": CG + "address-unconfirmed",
        "r0:class": CG + "Person", "r0:name": "Qxfictional Formperson",
        "r0:" + CG + "birthDate": "1980",
        "r1:class": CG + "DetentionFacility", "r1:name": "Qxfictional Form Prison",
        "r1:" + CG + "facilityKind": CG + "facility-prison",
        "r2:class": CG + "Custody", "r2:name": "Qxfictional Formperson held in Qxfictional Form Prison",
        "r2:" + CG + "concerns": "r0", "r2:" + CG + "facility": "r1",
        "r3:class": CG + "Trial", "r3:name": "Trial of Qxfictional Formperson",
        "r3:" + CG + "concerns": "r0", "r3:" + CG + "court": URUMQI_COURT, "r3:" + CG + "date": "2022-11-03",
    }


def test_sign_in_keeps_the_token_in_a_strict_http_only_cookie(site: str) -> None:
    answer = httpx.post(f"{site}/sources/sign-in", data={"token": WRITER, "next": "/sources/new"})
    assert answer.status_code == 303
    cookies = {c.split("=", 1)[0]: c.lower() for c in answer.headers.get_list("set-cookie")}
    assert set(cookies) == {"casegraph-writer", "casegraph-sign-in"}
    for cookie in cookies.values():
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/sources" in cookie
        assert "secure" not in cookie.split(";", 1)[1], "plain http on 127.0.0.1 is the one place without Secure"


def test_a_wrong_token_or_plain_http_elsewhere_signs_no_one_in(site: str) -> None:
    wrong = httpx.post(f"{site}/sources/sign-in", data={"token": "not-a-writer-token"})
    assert wrong.status_code == 401 and "not a writer token" in wrong.text and not wrong.headers.get_list("set-cookie")
    elsewhere = httpx.post(f"{site}/sources/sign-in", data={"token": WRITER}, headers={"Host": "casegraph.example"})
    assert elsewhere.status_code == 400 and "https" in elsewhere.text and not elsewhere.headers.get_list("set-cookie")
    assert httpx.get(f"{site}/sources/new").status_code == 303, "the form sends a stranger to sign in"


def test_the_form_is_refused_without_the_csrf_token_and_nothing_is_written(writer: Writer, site: str,
        setup: dict[str, Path]) -> None:
    client, csrf = writer
    fields = fictional_case("fictional-csrf-report") | {"action": "send"}
    for sent in (fields, fields | {"csrf": "0" * 64}):
        answer = client.post("/sources/form", data=sent)
        assert answer.status_code == 403 and "CSRF" in answer.text
    assert not (setup["writable_sources"] / "fictional-csrf-report.trig").exists()
    stranger = httpx.post(f"{site}/sources/form", data=fields | {"csrf": csrf})
    assert stranger.status_code == 403, "the CSRF token without the sign-in's cookies authorises nothing"


def test_a_cookie_never_authorises_the_api(writer: Writer, site: str) -> None:
    client, _ = writer
    answer = client.post("/sources", content=b"", headers={"Content-Type": "text/turtle"})
    assert answer.status_code == 401


def test_the_preview_is_the_document_as_turtle_built_from_the_fields(writer: Writer, site: str) -> None:
    client, csrf = writer
    answer = client.post("/sources/form", data=fictional_case("fictional-preview") | {"csrf": csrf, "action": "preview"})
    assert answer.status_code == 200, answer.text
    graph = Graph().parse(data=Page(answer.text).preview, format="turtle", publicID=BASE)
    source, prison = URIRef(BASE + "source/fictional-preview"), URIRef(BASE + "facility/qxfictional-form-prison")
    assert (source, URIRef(DCTERMS + "issued"), Literal("2023-05", datatype=XSD.gYearMonth)) in graph
    assert (prison, RDF.type, URIRef(CG + "DetentionFacility")) in graph
    custody = URIRef(BASE + "event/qxfictional-formperson-held-in-qxfictional-form-prison")
    assert (custody, URIRef(CG + "facility"), prison) in graph
    assert (URIRef(BASE + "event/trial-of-qxfictional-formperson"), URIRef(CG + "court"), URIRef(URUMQI_COURT)) in graph
    assert not list(graph.triples((URIRef(URUMQI_COURT), None, None)))  # named by its IRI alone, not described again
    assert (URIRef(BASE + "person/qxfictional-formperson"), URIRef(CG + "birthDate"), Literal("1980", datatype=XSD.gYear)) \
        in graph


def test_a_name_in_another_script_is_transliterated_and_turtle_syntax_stays_text(writer: Writer, site: str) -> None:
    client, csrf = writer
    fields = fictional_case("fictional-script") | {"r0:name": '虚构 "> ; <x> a <y> .', "csrf": csrf, "action": "preview"}
    answer = client.post("/sources/form", data=fields)
    graph = Graph().parse(data=Page(answer.text).preview, format="turtle", publicID=BASE)
    person = URIRef(BASE + "person/xugou-x-a-y")  # romanised as one word, then made a slug
    assert (person, SKOS.prefLabel, Literal('虚构 "> ; <x> a <y> .', lang="en")) in graph
    assert not list(graph.triples((URIRef(BASE + "x"), None, None)))


def test_unreadable_fields_and_broken_shapes_are_shown_beside_their_field(writer: Writer, site: str,
        setup: dict[str, Path]) -> None:
    client, csrf = writer
    bad_date = fictional_case("fictional-bad-date") | {"r3:" + CG + "date": "2022-02-30", "csrf": csrf, "action": "send"}
    answer = client.post("/sources/form", data=bad_date)
    assert answer.status_code == 400
    assert any("not a date that exists" in m for m in Page(answer.text).messages[CG + "date"])
    no_kind = fictional_case("fictional-no-kind") | {"r1:" + CG + "facilityKind": "", "csrf": csrf, "action": "send"}
    answer = client.post("/sources/form", data=no_kind)
    assert answer.status_code == 422
    assert any("facilityKind" in m for m in Page(answer.text).messages[CG + "facilityKind"])
    assert not any((setup["writable_sources"] / f"fictional-{n}.trig").exists() for n in ("bad-date", "no-kind"))


def test_a_sent_form_is_live_and_can_be_edited(writer: Writer, site: str) -> None:
    client, csrf = writer
    sent = client.post("/sources/form", data=fictional_case("fictional-sent") | {"csrf": csrf, "action": "send"})
    assert sent.status_code == 303 and sent.headers["location"] == "/source/fictional-sent", sent.text
    assert httpx.get(f"{site}/facility/qxfictional-form-prison").status_code == 200
    edit = client.get("/sources/fictional-sent/edit")
    assert edit.status_code == 200 and "Qxfictional Form Prison" in edit.text
    page = Page(edit.text)
    assert page.hidden["editing"] == "fictional-sent"
    custody = next(k.split(":")[0] for k, v in page.hidden.items() if k.endswith(":class") and v == CG + "Custody")
    facility = page.hidden[f"{custody}:{CG}facility"]
    assert page.hidden[f"{facility}:class"] == CG + "DetentionFacility", "the custody points to the prison's own block"


def test_a_source_stating_what_the_form_cannot_show_is_not_opened_for_editing(writer: Writer, site: str) -> None:
    client, _ = writer
    text = document("fictional-api-source", extra='; dcterms:language "en" ')  # the form has no field for a language
    posted = httpx.post(f"{site}/sources", content=text.encode(),
                        headers={"Authorization": f"Bearer {WRITER}", "Content-Type": "text/turtle"})
    assert posted.status_code == 201, posted.text
    edit = client.get("/sources/fictional-api-source/edit")
    assert edit.status_code == 409 and f"{DCTERMS}language" in edit.text and "PUT /sources/fictional-api-source" in edit.text
    assert httpx.get(f"{site}/source/fictional-api-source", headers={"Accept": "text/turtle"}).status_code == 200
