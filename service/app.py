"""The FastAPI application: open the store (building it if missing) and mount the routes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from casegraph import __version__
from casegraph.build import BUILD_FILE, build, full_store_dir, read_build
from casegraph.network import build_views
from casegraph.search import SearchIndex
from casegraph.service import charts, docs, dumps, entities, errors, home, named, network, ontology, sparql, vendor
from casegraph.service.dependencies import Edition
from casegraph.settings import Settings, get_settings
from casegraph.store import CaseStore
from casegraph.workers import QueryWorkers


def open_store(settings: Settings) -> CaseStore:
    """Open the store read-only, building it from the sources first if there is none (or no build record)."""
    if not (settings.store / BUILD_FILE).is_file():
        build(settings.sources, settings.store, settings.base)
    return CaseStore.open(settings.store, settings.base, read_only=True)


def open_edition(store: CaseStore, store_dir: Path, settings: Settings) -> Edition:
    """A store with everything served from it: build record, search index, networks and query workers."""
    return Edition(store, read_build(store_dir), SearchIndex(store), build_views(store),
                   QueryWorkers(store_dir, settings.base, settings.query_workers, settings.query_timeout, settings.max_rows))


def create_app(settings: Settings | None = None) -> FastAPI:
    """The casegraph web application for these settings."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.public = open_edition(open_store(settings), settings.store, settings)
        full = full_store_dir(settings.store)
        has_full = (full / BUILD_FILE).is_file()
        app.state.full = (open_edition(CaseStore.open(full, settings.base, read_only=True), full, settings)
                          if has_full else app.state.public)
        yield
        app.state.public.workers.close()
        if has_full:
            app.state.full.workers.close()

    app = FastAPI(
        title="casegraph",
        version=__version__,
        description="A knowledge graph of people persecuted by the Chinese state, every fact with its source.",
        lifespan=lifespan,
        # FastAPI's own documentation pages load Swagger UI and ReDoc from a CDN; service/docs.py serves it locally.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    errors.install(app)

    @app.middleware("http")
    async def private_when_authorized(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        # Answers depend on the caller's token: caches must key on it, and must not share a reader's answer.
        response = await call_next(request)
        response.headers.add_vary_header("Authorization")
        if "authorization" in request.headers:
            response.headers["Cache-Control"] = "private, no-store"
        return response

    app.include_router(sparql.router)
    app.include_router(home.router)
    app.include_router(dumps.router)
    app.include_router(named.router)
    app.include_router(ontology.router)
    app.include_router(docs.router)
    app.include_router(network.router)
    app.include_router(charts.router)
    vendor.mount(app)  # third-party assets, installed from the npm registry by `make install`
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    # Last: /{kind}/{name} would otherwise shadow the routes above.
    app.include_router(entities.router)
    return app
