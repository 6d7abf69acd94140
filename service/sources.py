"""The write API: POST, PUT and DELETE source documents, each checked, durable, audited and live at once.

A write is acknowledged only once its file is synced to disk and a store built with it is being
served. The files are the truth and the stores are built from them: a server killed mid-write
comes back, at start-up, with a store built from whichever file the rename left, old or new.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool  # writes block on disk and on builds: off the event loop

from casegraph.build import BUILD_FILE, build, full_store_dir, input_files
from casegraph.errors import InvalidData, NotFound
from casegraph.files import remove_durably, write_durably
from casegraph.service.dependencies import SettingsDep, WriterDep, close_generation, open_generation
from casegraph.service.sparql import media_type_of, read_body
from casegraph.settings import Settings
from casegraph.sources import SourceFile
from casegraph.writes import Conflict, as_source, audit, check, parse_document, source_bytes, source_name

router = APIRouter(tags=["Writing sources"])
_lock = threading.Lock()


@router.post("/sources", status_code=201, summary="Add a source document: its catalog entry and its facts")
async def post_source(request: Request, settings: SettingsDep, who: WriterDep) -> Response:
    """Turtle, TriG, JSON-LD, N-Triples, N-Quads or RDF/XML; 201 and live, or 422 with the SHACL report and nothing written."""
    source = await _checked(request, settings, who, "create", None)
    name = source_name(source, settings.base)
    await run_in_threadpool(_write, request.app, settings, who, "create", source, name)
    return JSONResponse({"source": source.graphs[0].value, "triples": len(source.quads)}, status_code=201,
                        headers={"Location": f"/source/{name}"})


@router.put("/sources/{name}", summary="Replace a source document written through this API")
async def put_source(name: str, request: Request, settings: SettingsDep, who: WriterDep) -> Response:
    """The whole document again; 200 when it replaced one, 201 when it is new."""
    source = await _checked(request, settings, who, "replace", name)
    existed = (settings.writable_sources / f"{name}.trig").is_file()
    await run_in_threadpool(_write, request.app, settings, who, "replace", source, name)
    return JSONResponse({"source": source.graphs[0].value, "triples": len(source.quads)}, status_code=200 if existed else 201,
                        headers={"Location": f"/source/{name}"})


@router.delete("/sources/{name}", status_code=204, summary="Withdraw a source document written through this API")
async def delete_source(name: str, request: Request, settings: SettingsDep, who: WriterDep) -> Response:
    """Its graph and catalog entry leave the graph; 404 if the API holds no such source."""
    _refuse_shipped(request.app, settings, name)
    if not (settings.writable_sources / f"{name}.trig").is_file():
        raise NotFound(f"no source {name} was written through the API")
    await run_in_threadpool(_withdraw, request.app, settings, who, name)
    return Response(status_code=204)


async def _checked(request: Request, settings: Settings, who: str, action: str, name: str | None) -> SourceFile:
    media_type, _ = media_type_of(request.headers.get("content-type", ""))
    body = await read_body(request, settings.max_request_bytes)
    try:
        source = as_source(parse_document(body, media_type, settings.base), settings.base, name)
        written = source_name(source, settings.base)
        _refuse_shipped(request.app, settings, written)
        if action == "create" and (settings.writable_sources / f"{written}.trig").is_file():
            raise Conflict(f"{source.graphs[0].value} exists already; PUT /sources/{written} replaces it")
        report = check(source, settings.base)
        if not report.conforms:
            raise InvalidData(report)
    except Exception as error:
        audit(settings.audit_log, who, action, name or "", body, f"refused: {error}")
        raise
    return source


def _refuse_shipped(app: FastAPI, settings: Settings, name: str) -> None:
    iri = f"{settings.base}source/{name}"
    served = {g.value for g in app.state.full.store.source_graphs()}
    if iri in served and not (settings.writable_sources / f"{name}.trig").is_file():
        raise Conflict(f"{name} is a curated source kept in the repository; change it there, not through the API")


def _write(app: FastAPI, settings: Settings, who: str, action: str, source: SourceFile, name: str) -> None:
    data = source_bytes(source, settings.base, who)
    path = settings.writable_sources / f"{name}.trig"
    with _lock:
        if action == "create" and path.is_file():  # checked before too, but another write may have won the lock first
            raise Conflict(f"{source.graphs[0].value} exists already; PUT /sources/{name} replaces it")
        before = path.read_bytes() if path.is_file() else None
        # The entry goes first: the log may then hold an attempt a crash cut short, never a change without an entry.
        audit(settings.audit_log, who, action, source.graphs[0].value, data, "accepted")
        write_durably(path, data)
        try:
            _serve_new_generation(app, settings)
        except Exception:
            remove_durably(path) if before is None else write_durably(path, before)
            audit(settings.audit_log, who, action, source.graphs[0].value, data, "rolled back: the store could not be rebuilt")
            raise


def _withdraw(app: FastAPI, settings: Settings, who: str, name: str) -> None:
    path = settings.writable_sources / f"{name}.trig"
    with _lock:
        before = path.read_bytes()
        audit(settings.audit_log, who, "withdraw", name, before, "accepted")
        remove_durably(path)
        try:
            _serve_new_generation(app, settings)
        except Exception:
            write_durably(path, before)
            raise


def _serve_new_generation(app: FastAPI, settings: Settings) -> None:
    """Build stores from the files into a fresh directory and serve them; the stores in use are never touched."""
    generation = int(getattr(app.state, "generation", 0)) + 1
    target = settings.store.with_name(f"{settings.store.name}-live-{generation}")
    # Every file but the one just checked was validated when it was written or built; only layouts are checked again.
    build(settings.source_dirs, target, settings.base, trusted=input_files(settings.source_dirs))
    old_public, old_full = app.state.public, app.state.full
    app.state.public, app.state.full = open_generation(target, settings)
    app.state.generation = generation
    close_generation(old_public, old_full)
    _remove_old_generations(settings.store, generation)


def _remove_old_generations(store: Path, current: int) -> None:
    # The generation before the current one may still answer a request that began before the switch.
    for directory in store.parent.glob(f"{store.name}-live-*"):
        number = directory.name.rsplit("-", 1)[-1]
        if number.isdigit() and int(number) < current - 1 and (directory / BUILD_FILE).exists():
            shutil.rmtree(directory, ignore_errors=True)
            shutil.rmtree(full_store_dir(directory), ignore_errors=True)
