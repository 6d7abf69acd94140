"""The FastAPI application: open the store (building it if missing) and mount the routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph import __version__
from graph.editions.served import holding, settle
from graph.settings import Settings, get_settings
from graph.writing.documents import DocumentChecker
from service import (
    charts,
    docs,
    dumps,
    entities,
    errors,
    forms,
    home,
    named,
    network,
    ontology,
    reconcile,
    review,
    sources,
    sparql,
    vendor,
)
from service.answers import AnswerCache
from service.cors import OpenToOtherOrigins
from service.dependencies import close_workers, open_generation


class PrivateWhenAuthorized:
    """Answers depend on the caller's token: caches must key on it, and must not share a reader's answer.

    Plain ASGI rather than @app.middleware("http"), which runs each request through an extra task
    and body stream (a third of the time of a point lookup).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add `Vary: Authorization` to every answer, and keep answers to a token out of shared caches."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        authorized = any(name == b"authorization" for name, _ in scope["headers"])

        async def send_marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.add_vary_header("Authorization")
                if authorized:
                    headers["Cache-Control"] = "private, no-store"
            await send(message)

        await self.app(scope, receive, send_marked)


class HeadAsGet:
    """HEAD is answered as GET is, on every route: linked-data clients and caches ask HEAD before they fetch.

    The route sees GET; uvicorn, which keeps the request's own scope, sends the headers without the body.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run a HEAD request as a GET."""
        if scope["type"] == "http" and scope["method"] == "HEAD":
            scope = {**scope, "method": "GET"}
        await self.app(scope, receive, send)


def create_app(settings: Settings | None = None, settled: bool = False) -> FastAPI:
    """The casegraph web application for these settings; `settled` when the caller has settled the store and holds it."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Held while serving: a build would replace the store under the generations the writes make (graph/served.py).
        with holding(settings.store):
            if not settled:
                settle(settings)
            app.state.served = open_generation(settings.store, settings)
            app.state.checker = DocumentChecker()  # warm before the first write
            if settings.remote:
                sources.start_following(app, settings.remote_poll)
            yield
            sources.stop_background(app)
            app.state.checker.close()
            close_workers(app.state.served)

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
    app.state.answers = AnswerCache()
    errors.install(app)

    app.add_middleware(HeadAsGet)
    app.add_middleware(PrivateWhenAuthorized)
    app.add_middleware(OpenToOtherOrigins)

    app.include_router(sparql.router)
    app.include_router(home.router)
    app.include_router(dumps.router)
    app.include_router(named.router)
    app.include_router(ontology.router)
    app.include_router(docs.router)
    app.include_router(network.router)
    app.include_router(charts.router)
    app.include_router(forms.router)  # before sources: /sources/new is a page, not a source
    app.include_router(sources.router)
    app.include_router(review.router)
    app.include_router(reconcile.router)
    vendor.mount(app)  # third-party assets, installed from the npm registry by `make install`
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    # Last: /{kind}/{name} would otherwise shadow the routes above.
    app.include_router(entities.router)
    return app
