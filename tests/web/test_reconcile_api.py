"""/reconcile speaks the W3C Reconciliation Service API 0.2: every answer checked against the spec's own JSON schemas."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft7Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7

SCHEMAS = Path(__file__).parent / "reconciliation-schemas"
GULMIRA = "person/gulmira-imin"


@cache
def _registry() -> Registry:
    # Draft 7, as the spec's own checks (ajv) read them: their "$schema" names no particular draft.
    resources = [DRAFT7.create_resource(json.loads(path.read_text())) for path in SCHEMAS.glob("*.json")]
    return Registry().with_resources((resource.id(), resource) for resource in resources)


def validator(name: str) -> Draft7Validator:
    """A validator for one of the spec's schemas, its references resolved among the shipped files."""
    return Draft7Validator(json.loads((SCHEMAS / f"{name}.json").read_text()), registry=_registry())


def valid(name: str, document: Any) -> Any:
    """The document, once the named schema accepts it (the assertion lists every error otherwise)."""
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(name).iter_errors(document)]
    assert not errors, errors
    return document


def reconcile(server: str, batch: dict[str, Any], method: str = "POST") -> dict[str, Any]:
    """Send a batch the query schema accepts; the results, once the result schema accepts them."""
    text = json.dumps(valid("reconciliation-query-batch", batch))
    if method == "GET":
        response = httpx.get(f"{server}/reconcile", params={"queries": text})
    else:
        response = httpx.post(f"{server}/reconcile", data={"queries": text})
    assert response.status_code == 200, response.text
    results: dict[str, Any] = valid("reconciliation-result-batch", response.json())
    assert results.keys() == batch.keys()
    return results


def found(server: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    """The candidates for one query."""
    result: list[dict[str, Any]] = reconcile(server, {"q0": query})["q0"]["result"]
    return result


def by_id(candidates: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {candidate["id"]: candidate for candidate in candidates}


def test_the_manifest_follows_the_schema_and_names_the_services(server: str) -> None:
    manifest = valid("manifest", httpx.get(f"{server}/reconcile").json())
    assert manifest["identifierSpace"] == "https://w3id.org/casegraph/"
    assert manifest["schemaSpace"] == "https://w3id.org/casegraph/ontology#"
    assert {t["id"] for t in manifest["defaultTypes"]} == {"Person", "Organisation", "Court", "DetentionFacility", "Place"}
    view = manifest["view"]["url"].replace("{{id}}", GULMIRA)
    assert httpx.get(view, headers={"Accept": "text/html"}).status_code == 200
    preview = httpx.get(manifest["preview"]["url"].replace("{{id}}", GULMIRA))
    assert preview.status_code == 200 and "Gulmira Imin" in preview.text
    schemas = {"entity": "suggest-entities-response", "type": "suggest-types-response", "property": "suggest-properties-response"}
    for name, schema in schemas.items():
        service = manifest["suggest"][name]
        response = httpx.get(service["service_url"] + service["service_path"], params={"prefix": "b"})
        assert response.status_code == 200 and valid(schema, response.json())["result"], name


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_gulmira_imin_reconciles_to_her_record_as_the_one_match(server: str, method: str) -> None:
    batch = {"q0": {"query": "Gulmira Imin", "type": "Person", "limit": 5}, "q1": {"query": "Gulmira Imin"}}
    for key, results in reconcile(server, batch, method).items():
        candidates = results["result"]
        best = candidates[0]
        assert best["id"] == GULMIRA and best["name"] == "Gulmira Imin" and best["match"] is True, key
        assert best["score"] == 100 and all(c["score"] < best["score"] and c["match"] is False for c in candidates[1:]), key
        assert {"id": "Person", "name": "person"} in best["type"]
    assert len(reconcile(server, {"q0": {"query": "Gulmira", "limit": 2}})["q0"]["result"]) == 2


def test_a_name_that_is_only_part_of_hers_finds_her_but_is_no_match(server: str) -> None:
    best = found(server, {"query": "gulmira", "type": "Person"})[0]
    assert best["id"] == GULMIRA and best["match"] is False and best["score"] < 100


def test_her_identifier_finds_her(server: str) -> None:
    for query in (GULMIRA, f"https://w3id.org/casegraph/{GULMIRA}"):
        best = found(server, {"query": query})[0]
        assert (best["id"], best["score"], best["match"]) == (GULMIRA, 100, True)


def test_types_restrict_the_candidates(server: str) -> None:
    anything = by_id(found(server, {"query": "Gulmira Imin", "limit": 20}))
    people = by_id(found(server, {"query": "Gulmira Imin", "type": ["Person"], "limit": 20}))
    assert "event/gulmira-imin-trial" in anything and "event/gulmira-imin-trial" not in people
    assert {t["id"] for c in people.values() for t in c["type"]} == {"Person", "UnidentifiedPerson"}, "subclasses count"
    court = found(server, {"query": "Urumqi", "type": "Court"})
    assert [c["id"] for c in court] == ["court/urumqi-intermediate-peoples-court"]
    assert [c["id"] for c in found(server, {"query": "Urumqi", "type": "cg:Place"})] == ["place/urumqi"]
    assert found(server, {"query": "Urumqi", "type": ["Court", "Place"], "type_strict": "all"}) == []
    preferred = by_id(found(server, {"query": "Urumqi", "type": "Court", "type_strict": "should"}))
    untyped = by_id(found(server, {"query": "Urumqi"}))
    assert preferred["place/urumqi"]["score"] == untyped["place/urumqi"]["score"] / 2, "another type halves the score"
    court_id = "court/urumqi-intermediate-peoples-court"
    assert preferred[court_id]["score"] == untyped[court_id]["score"]
    assert preferred["place/urumqi"]["match"] is False, "a record of another type is never a match"


def test_properties_move_scores(server: str) -> None:
    def score(*properties: dict[str, Any]) -> float:
        candidates = by_id(found(server, {"query": "gulmira", "type": "Person", "properties": list(properties)}))
        value: float = candidates[GULMIRA]["score"]
        return value

    alone = score()
    assert score({"pid": "birthDate", "v": 1978}) > alone > score({"pid": "birthDate", "v": "1990"})
    assert score({"pid": "birthDate", "v": "1978-07-01"}) > alone, "a date agrees with her birth year at the year's precision"
    assert score({"pid": "gender", "v": "female"}) > alone > score({"pid": "gender", "v": {"id": "cg:gender-male"}})
    assert score({"pid": "anyPlace", "v": "Xinjiang"}) > alone, "she was born in Aksu, which lies in Xinjiang"
    assert score({"pid": "birthPlace", "v": {"id": "place/aksu"}}) > alone
    assert score({"pid": "anyPlace", "v": "Norway"}) < score({"pid": "anyPlace", "v": "Aksu"})


def test_the_features_say_how_the_score_was_made(server: str) -> None:
    query = {"query": "Gulmira Imin", "type": "Person", "properties": [{"pid": "birthDate", "v": "1990"}]}
    best = by_id(found(server, query))[GULMIRA]
    assert {f["id"]: f["value"] for f in best["features"]} == {"name": 1.0, "type": True, "property:birthDate": 0.0}
    assert best["match"] is False, "a birth year that contradicts hers is not a match, whatever the name"
    assert best["score"] == pytest.approx(100 * 1 / 1.5, abs=0.01)


def test_a_query_with_properties_alone_finds_nothing_rather_than_guessing(server: str) -> None:
    assert found(server, {"properties": [{"pid": "birthDate", "v": 1978}]}) == []


# Each bad batch: what is sent, the status, what the answer must say, and whether the spec's query schema refuses
# it too (the rest are well-formed but ask for what this service does not have or allow).
BAD = [
    ("{", 400, "not JSON", False),
    ("[]", 400, "the batch", True),
    ('{"q0": "Gulmira Imin"}', 400, "q0", True),
    ('{"q0": {"query": 5}}', 400, "q0.query", True),
    ('{"q0": {"limit": 1}}', 400, "`query` or `properties`", True),
    ('{"q0": {"properties": []}}', 400, "`query` or `properties`", True),
    ('{"q0": {"query": "x", "props": []}}', 400, "q0.props", True),
    ('{"q0": {"query": "x", "type_strict": "must"}}', 400, "q0.type_strict", True),
    ('{"q0": {"query": "x", "properties": [{"pid": "birthDate"}]}}', 400, "q0.properties.0.v", True),
    ('{"q0": {"query": "x", "limit": 0}}', 400, "q0.limit", False),
    ('{"q0": {"query": "x", "limit": 101}}', 400, "q0.limit", False),
    ('{"q0": {"query": "x", "limit": 2.5}}', 400, "q0.limit", False),
    ('{"q0": {"query": "x", "type": "Prisoner"}}', 400, "unknown type 'Prisoner'", False),
    ('{"q7": {"query": "x", "properties": [{"pid": "shoeSize", "v": 42}]}}', 400, "q7: unknown property 'shoeSize'", False),
    ('{"q0": {"query": "x", "properties": [{"pid": "birthDate", "v": "soon"}]}}', 400, "'birthDate' takes a year", False),
    ('{"q0": {"query": "x", "properties": [{"pid": "gender", "v": "femme"}]}}', 400, "female, male", False),
    ('{"q0": {"query": ""}}', 400, "empty", False),
    (json.dumps({"q0": {"query": "x" * 201}}), 400, "at most 200", False),
    (json.dumps({f"q{n}": {"query": "Gulmira"} for n in range(51)}), 413, "at most 50 queries", False),
]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("text, status, said, spec_refuses", BAD, ids=[said for _, _, said, _ in BAD])
def test_bad_batches_get_a_clear_client_error(server: str, method: str, text: str, status: int, said: str,
                                               spec_refuses: bool) -> None:
    if spec_refuses:
        assert not validator("reconciliation-query-batch").is_valid(json.loads(text))
    if method == "GET":
        response = httpx.get(f"{server}/reconcile", params={"queries": text})
    else:
        response = httpx.post(f"{server}/reconcile", data={"queries": text})
    assert response.status_code == status and said in response.text, response.text
    assert "Traceback" not in response.text and "pydantic" not in response.text


@pytest.mark.parametrize("request_kwargs, status", [
    ({"json": {"queries": {"q0": {"query": "x"}}}}, 415),
    ({"data": {"query": "x"}}, 400),
    ({"content": b"queries=%FF", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 400),
    ({"data": {"extend": '{"ids": [], "properties": []}'}}, 400),
])
def test_posts_other_than_a_form_with_queries_are_refused(server: str, request_kwargs: dict[str, Any], status: int) -> None:
    response = httpx.post(f"{server}/reconcile", **request_kwargs)
    assert response.status_code == status and "Traceback" not in response.text, response.text


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data.strip())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [value or "" for name, value in attrs if tag == "a" and name == "href"]


def test_the_preview_shows_her_record(server: str) -> None:
    response = httpx.get(f"{server}/reconcile/preview", params={"id": GULMIRA})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = _Text()
    page.feed(response.text)
    assert {"Gulmira Imin", "person", "1978", "female", "Uyghur", "Aksu"} <= set(page.text)
    assert f"/{GULMIRA}" in page.links


@pytest.mark.parametrize("identifier, status, said", [
    ("person/nobody-of-that-name", 404, "no record https://w3id.org/casegraph/person/nobody-of-that-name"),
    ("a b", 400, "'a b' is not a record identifier"),
])
def test_the_preview_of_no_record_is_a_client_error(server: str, identifier: str, status: int, said: str) -> None:
    response = httpx.get(f"{server}/reconcile/preview", params={"id": identifier})
    assert response.status_code == status and said in response.text and "Traceback" not in response.text


def test_suggest_completes_records_types_and_properties(server: str) -> None:
    def suggest(name: str, schema: str, prefix: str, cursor: int = 0) -> list[dict[str, Any]]:
        response = httpx.get(f"{server}/reconcile/suggest/{name}", params={"prefix": prefix, "cursor": cursor})
        assert response.status_code == 200, response.text
        result: list[dict[str, Any]] = valid(schema, response.json())["result"]
        return result

    records = suggest("entity", "suggest-entities-response", "Gulmira I")
    assert records[0]["id"] == GULMIRA and {"id": "Person", "name": "person"} in records[0]["notable"]
    assert suggest("entity", "suggest-entities-response", "Gulmira I", cursor=1)[:9] == records[1:]
    assert suggest("entity", "suggest-entities-response", "no such name") == []
    types = suggest("type", "suggest-types-response", "cour")
    assert [t["id"] for t in types] == ["Court"] and types[0]["broader"] == [{"id": "GovernmentBody", "name": "government body"}]
    assert "DetentionFacility" in {t["id"] for t in suggest("type", "suggest-types-response", "detention")}
    properties = suggest("property", "suggest-properties-response", "birth")
    assert [p["id"] for p in properties] == ["birthDate", "birthPlace"]


@pytest.mark.parametrize("name", ["entity", "type", "property"])
def test_suggest_refuses_a_cursor_out_of_range(server: str, name: str) -> None:
    response = httpx.get(f"{server}/reconcile/suggest/{name}", params={"prefix": "a", "cursor": -1})
    assert response.status_code == 422 and "cursor" in response.text


@pytest.fixture(scope="module")
def shipped(serve: Callable[..., AbstractContextManager[str]], shipped_store_dir: Path) -> Iterator[str]:
    """A server over every shipped source, the political-prisoner list and its names in Chinese characters included."""
    with serve(shipped_store_dir) as url:
        yield url


@pytest.mark.parametrize("text, record", [
    ("Ilham Tohti", "person/ilham-tohti"), ("ilham", "person/ilham-tohti"), ("伊力哈木·土赫提", "person/ilham-tohti"),
    ("伊力哈木•土赫提", "person/ilham-tohti"), ("zhang liumao", "person/zhang-liumao"), ("Zhāng Liùmáo", "person/zhang-liumao"),
])
def test_names_are_reconciled_across_scripts(shipped: str, text: str, record: str) -> None:
    candidates = found(shipped, {"query": text, "type": "Person"})
    assert record in [c["id"] for c in candidates], [c["name"] for c in candidates]
