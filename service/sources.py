"""The write API: POST, PUT and DELETE source documents, each checked, durable, audited and live at once.

A write is acknowledged only once its file is synced to disk and a store holding it is being
served: the store in use revised by that one source, in a new directory (casegraph.revise). The
files are the truth: a server killed mid-write comes back, at start-up, with a store built from
whichever file the rename left, old or new.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool  # writes block on disk and on builds: off the event loop

from casegraph.build import full_store_dir, input_digest
from casegraph.errors import InvalidData, NotFound
from casegraph.files import remove_durably, write_durably
from casegraph.index import read_views
from casegraph.revise import generations, revise, touched
from casegraph.service.dependencies import Served, SettingsDep, WriterDep, open_generation
from casegraph.service.sparql import media_type_of, read_body
from casegraph.settings import Settings
from casegraph.sources import SourceFile, read_source
from casegraph.writes import Conflict, as_source, audit, check, parse_document, source_bytes, source_name

router = APIRouter(tags=["Writing sources"])
logger = logging.getLogger(__name__)
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
    if app.state.served.full.store.has_source(name) and not (settings.writable_sources / f"{name}.trig").is_file():
        raise Conflict(f"{name} is a curated source kept in the repository; change it there, not through the API")


def _write(app: FastAPI, settings: Settings, who: str, action: str, source: SourceFile, name: str) -> None:
    data = source_bytes(source, settings.base, who)
    path = settings.writable_sources / f"{name}.trig"
    with _lock:
        if action == "create" and path.is_file():  # checked before too, but another write may have won the lock first
            raise Conflict(f"{source.graphs[0].value} exists already; PUT /sources/{name} replaces it")
        before = path.read_bytes() if path.is_file() else None
        old = read_source(path, settings.base) if before is not None else None
        # The entry goes first: the log may then hold an attempt a crash cut short, never a change without an entry.
        audit(settings.audit_log, who, action, source.graphs[0].value, data, "accepted")
        write_durably(path, data)
        try:
            _serve_revision(app, settings, old, read_source(path, settings.base))
        except Exception:
            remove_durably(path) if before is None else write_durably(path, before)
            audit(settings.audit_log, who, action, source.graphs[0].value, data, "rolled back: the store could not be revised")
            raise


def _withdraw(app: FastAPI, settings: Settings, who: str, name: str) -> None:
    path = settings.writable_sources / f"{name}.trig"
    with _lock:
        before = path.read_bytes()
        old = read_source(path, settings.base)
        audit(settings.audit_log, who, "withdraw", name, before, "accepted")
        remove_durably(path)
        try:
            _serve_revision(app, settings, old, None)
        except Exception:
            write_durably(path, before)
            raise


def _serve_revision(app: FastAPI, settings: Settings, old: SourceFile | None, new: SourceFile | None) -> None:
    """Serve a new generation: the stores in use, revised by one source in a fresh directory they are never touched in."""
    before: Served = app.state.served
    target = settings.store.with_name(f"{settings.store.name}-live-{before.generation + 1}")
    stores = {e.store_dir: e.store.oxigraph for e in (before.public, before.full)}
    revise(before.public.store_dir, target, old, new, settings.base, input_digest(settings.source_dirs, settings.base), stores)
    app.state.served = served = open_generation(target, settings, before, touched(old, new))
    _views_refresher(app).wanted.set()
    _remove_old_generations(settings.store, served.generation)


class _ViewsRefresher(threading.Thread):
    """Rebuilds the networks after writes, off the request path; a run of writes costs one rebuild, not one each.

    The rebuild starts once no write has come for `quiet` seconds, so that a run of writes, such as
    an import, goes through first. It reads the newest store's index files, which a process of
    their own makes (graph/index.py): this thread only waits for it, then loads the files. Until
    the rebuild finishes, the networks are the ones from before the write (the store, search,
    pages and SPARQL see the write at once).

    A rebuild that fails is tried again: at once, and afresh, if another write came meanwhile (its
    store may have replaced the one being read), else after `retry` seconds, doubling, so that a
    passing fault (a full disk, a killed process) does not leave the networks behind until the next
    write. After `tries` failures in a row with no write between them, it waits for the next
    write, so that a fault that stays does not start a process as big as the graph every few
    minutes.
    """

    quiet, patience = 1.0, 30.0  # seconds; writes that never pause still get a rebuild every `patience`
    retry, tries = 5.0, 5  # 5, 10, 20 and 40 s between the five tries

    def __init__(self, app: FastAPI) -> None:
        super().__init__(name="views-refresher", daemon=True)
        self.app, self.wanted = app, threading.Event()

    def run(self) -> None:
        failures = 0
        while True:
            self.wanted.wait()
            self.wanted.clear()
            since = time.monotonic()
            while time.monotonic() - since < self.patience and self.wanted.wait(self.quiet):
                self.wanted.clear()
            generation = self.app.state.served.generation
            try:
                self._rebuild(generation)
                failures = 0
            except Exception as error:
                if self.wanted.is_set() or self.app.state.served.generation != generation:
                    failures = 0  # a later write, whose store may have replaced the one read, starts afresh
                    continue
                failures += 1
                if failures >= self.tries:
                    logger.error("the networks were not rebuilt after a write, %d times; the next write tries again: %s: %s",
                                 failures, type(error).__name__, error)
                    failures = 0
                    continue
                delay = self.retry * 2 ** (failures - 1)
                logger.warning("the networks were not rebuilt after a write (trying again within %g s): %s: %s",
                               delay, type(error).__name__, error)
                if self.wanted.wait(delay):
                    failures = 0  # a write came meanwhile
                self.wanted.set()

    def _rebuild(self, generation: int) -> None:
        """Load the networks of this generation's stores, and serve them if no write has come meanwhile."""
        served: Served = self.app.state.served
        base = self.app.state.settings.base
        fresh = replace(served.public, views=read_views(served.public.store_dir, base))
        fuller = fresh if served.full is served.public else replace(served.full, views=read_views(served.full.store_dir, base))
        with _lock:
            if self.app.state.served.generation == generation:
                self.app.state.served = replace(served, public=fresh, full=fuller)


def _views_refresher(app: FastAPI) -> _ViewsRefresher:
    if getattr(app.state, "views_refresher", None) is None:
        app.state.views_refresher = _ViewsRefresher(app)
        app.state.views_refresher.start()
    refresher: _ViewsRefresher = app.state.views_refresher
    return refresher


def _remove_old_generations(store: Path, current: int) -> None:
    # The generation before the current one may still answer a request that began before the switch.
    for directory in generations(store):
        # By number alone: one whose removal was cut short, or that a late indexing process wrote into, goes too.
        if int(directory.name.rsplit("-", 1)[-1]) < current - 1:
            shutil.rmtree(directory, ignore_errors=True)
            shutil.rmtree(full_store_dir(directory), ignore_errors=True)
