"""The answer cache: least recently used answers go first, within a byte budget; large answers are never kept."""

from __future__ import annotations

from starlette.requests import Request

from service.answers import AnswerCache, wants_fresh


def test_the_least_recently_used_answer_goes_first_when_over_budget() -> None:
    cache = AnswerCache(budget=30, largest=20)
    cache.put("a", ("text/plain", b"x" * 10))
    cache.put("b", ("text/plain", b"y" * 10))
    assert cache.get("a") == ("text/plain", b"x" * 10)  # a is now the most recently used
    cache.put("c", ("text/plain", b"z" * 15))
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("c") is not None
    assert cache.held == 25


def test_an_answer_over_the_largest_size_is_not_kept() -> None:
    cache = AnswerCache(budget=100, largest=20)
    cache.put("big", ("text/plain", b"x" * 21))
    assert cache.get("big") is None and cache.held == 0


def test_no_cache_and_no_store_ask_for_a_fresh_answer() -> None:
    def request(header: str | None) -> Request:
        headers = [(b"cache-control", header.encode())] if header else []
        return Request({"type": "http", "headers": headers})

    assert wants_fresh(request("no-cache")) and wants_fresh(request("max-age=0, No-Store"))
    assert not wants_fresh(request(None)) and not wants_fresh(request("max-age=60"))
