"""Typed dependencies: the settings, and the edition of the graph a caller may read."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from pydantic import SecretStr

from graph.editions.build import BUILD_FILE, BuildResult, full_store_dir, read_build
from graph.editions.index import read_index
from graph.errors import CasegraphError
from graph.network.network import View
from graph.query.plans import Plan
from graph.query.runners import QueryRunner, runner_for
from graph.query.worker_loop import QueryAnswer
from graph.search.textindex import SearchIndex
from graph.settings import Settings
from graph.store.opening import open_store
from graph.store.seam import Store

T = TypeVar("T")


class Unauthorized(CasegraphError):
    """The request carries credentials this service does not accept."""


class Forbidden(CasegraphError):
    """A form was posted without its sign-in's CSRF token: cookies alone authorise nothing."""


@dataclass(frozen=True)
class Edition:
    """What one audience is served from: a store, its build record, search index, networks and query workers."""

    store_dir: Path
    store: Store
    build: BuildResult
    search: SearchIndex
    views: dict[str, View]
    workers: QueryRunner

    async def run(self, planned: Plan) -> QueryAnswer:
        """Run a planned query on this edition's store in the worker pool."""
        return await self.workers.run(planned, self.store_dir)


def open_edition(store_dir: Path, settings: Settings, before: Edition | None = None, touched: Collection[str] = ()) -> Edition:
    """A store with everything served from it; after a write, the edition before it lends what the write left alone.

    The search index and the networks are read from the store's index files (graph/index.py). After
    a write, the query workers carry over (they open the new store at their next query), and the
    search index reads again only the records the write touched. The networks carry over too,
    until the background refresher in service/sources.py has read the new store's.
    """
    # A remote dataset is revised in place: its store, and its connections, carry over.
    store = before.store if before is not None and before.store_dir == store_dir else open_store(store_dir, settings.base,
                                                                                                read_only=True)
    if before is None:
        workers = runner_for(store_dir, settings)
        search, views = read_index(store_dir, settings.base)
        return Edition(store_dir, store, read_build(store_dir), search, views, workers)
    return Edition(store_dir, store, read_build(store_dir), before.search.revised(store, touched), before.views, before.workers)


def open_generation(store_dir: Path, settings: Settings, before: Served | None = None,
                    touched: Collection[str] = ()) -> Served:
    """The public edition of a built store and the full one (the same when nothing is restricted)."""
    public = open_edition(store_dir, settings, before.public if before else None, touched)
    generation = before.generation + 1 if before else 0
    full = full_store_dir(store_dir)
    if not (full / BUILD_FILE).is_file():
        return Served(public, public, generation)
    kept = before.full if before and before.full is not before.public else None
    # The first restricted source opens a new one.
    return Served(public, open_edition(full, settings, kept, touched), generation)


@dataclass(frozen=True)
class Served:
    """What the service answers from: the public and full editions of one generation, swapped as one."""

    public: Edition
    full: Edition
    generation: int = 0


def close_workers(served: Served) -> None:
    """Stop the query workers of the editions and close their stores (once, when both are one)."""
    served.public.workers.close()
    served.public.store.close()
    if served.full is not served.public:
        served.full.workers.close()
        served.full.store.close()


def get_app_settings(request: Request) -> Settings:
    """The settings the application was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_edition(request: Request) -> Edition:
    """The edition this request is answered from, chosen once per request: a write landing meanwhile cannot mix two."""
    chosen: Edition | None = getattr(request.state, "edition", None)
    if chosen is None:
        chosen = request.state.edition = _edition_for(request, request.app.state.served)
    return chosen


def _edition_for(request: Request, served: Served) -> Edition:
    """The public edition, or the full one (restricted sources included) for a valid reader token.

    A wrong token is refused rather than served the public edition, so that a reader who mistyped
    it is told instead of silently seeing less.
    """
    header = request.headers.get("authorization")
    if header is None:
        return served.public
    settings = get_app_settings(request)
    if token_holder(header, {**settings.reader_tokens, **settings.writer_tokens}) is None:
        raise Unauthorized("the Authorization header must be `Bearer <reader token>` with a token this service knows")
    return served.full


def token_holder(header: str | None, tokens: dict[str, SecretStr]) -> str | None:
    """Who holds the bearer token of an Authorization header, or None; compared in constant time."""
    scheme, _, token = (header or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    found = [name for name, secret in tokens.items() if hmac.compare_digest(token.encode(), secret.get_secret_value().encode())]
    return found[0] if found else None


def get_writer(request: Request) -> str:
    """The holder of a writer token; 401 for anyone else."""
    settings = get_app_settings(request)
    who = token_holder(request.headers.get("authorization"), settings.writer_tokens)
    if who is None:
        raise Unauthorized("writing needs `Authorization: Bearer <writer token>` with a token this service knows")
    return who


def get_store(request: Request) -> Store:
    """The store of the caller's edition."""
    return get_edition(request).store


def on_loop(read: Callable[[Request], T]) -> Callable[[Request], Awaitable[T]]:
    """A dependency that reads the request on the event loop.

    FastAPI runs a plain function's dependency in its thread pool, one hop per dependency per
    request, which costs far more than these reads: on the event loop, the service answered half
    again as many kept point lookups a second (measured by hand; see docs/performance.md).
    """
    async def dependency(request: Request) -> T:
        return read(request)
    return dependency


EditionDep = Annotated[Edition, Depends(on_loop(get_edition))]
StoreDep = Annotated[Store, Depends(on_loop(get_store))]
SettingsDep = Annotated[Settings, Depends(on_loop(get_app_settings))]
WriterDep = Annotated[str, Depends(on_loop(get_writer))]
