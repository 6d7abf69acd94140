"""The casegraph command: the library's commands (graph.cli) and `serve`, which runs this web service."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Annotated

import typer
import uvicorn

from graph.cli import app
from graph.cli.console import StoreOption, settings_for, user_errors
from graph.editions.served import holding, settle
from service.app import create_app

__all__ = ["app", "serve"]


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on [default: CASEGRAPH_HOST or 127.0.0.1].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [default: CASEGRAPH_PORT or 8000].")] = None,
    store: StoreOption = None,
) -> None:
    """Serve the SPARQL endpoint, building the store first if it is missing."""
    settings = settings_for(store)
    settings = settings.model_copy(update={k: v for k, v in {"host": host, "port": port}.items() if v is not None})
    with ExitStack() as held:
        with user_errors():
            held.enter_context(holding(settings.store))  # before building it: a build may be running, or another server
            settle(settings)
        # Settled here, under the lock held until the server stops, so that its errors read as the command's own.
        uvicorn.run(create_app(settings, settled=True), host=settings.host, port=settings.port, access_log=settings.access_log)
