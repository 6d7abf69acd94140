"""The FastAPI application: open the store (building it if missing) and mount the routes."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from casegraph import __version__
from casegraph.build import BUILD_FILE, build, input_digest, read_build
from casegraph.service import charts, docs, dumps, entities, errors, home, named, network, ontology, sources, sparql, vendor
from casegraph.service.dependencies import close_generation, open_generation
from casegraph.settings import Settings, get_settings


def open_store(settings: Settings) -> None:
    """Make the store match the source files: build it when it is missing or was built from other files.

    This is also how a write cut short by a crash is settled: the files say what was written.
    """
    for stale in settings.store.parent.glob(f"{settings.store.name}-live-*"):
        shutil.rmtree(stale, ignore_errors=True)
    record = settings.store / BUILD_FILE
    if not record.is_file() or read_build(settings.store).digest != input_digest(settings.source_dirs, settings.base):
        build(settings.source_dirs, settings.store, settings.base)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The casegraph web application for these settings."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        open_store(settings)
        app.state.public, app.state.full = open_generation(settings.store, settings)
        yield
        close_generation(app.state.public, app.state.full)

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
    app.include_router(sources.router)
    vendor.mount(app)  # third-party assets, installed from the npm registry by `make install`
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    # Last: /{kind}/{name} would otherwise shadow the routes above.
    app.include_router(entities.router)
    return app
