"""The write API: POST, PUT and DELETE source documents, each checked, durable, audited and live at once.

A write is acknowledged only once its file is synced to disk and a store holding it is being
served: the store in use revised by that one source, in a new directory (graph.editions.revise). The
files are the truth: a server killed mid-write comes back, at start-up, with a store built from
whichever file the rename left, old or new.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool  # writes block on disk and on builds: off the event loop

from graph.editions.build import full_store_dir, input_digest
from graph.editions.index import read_index
from graph.editions.revise import follow_all, generations, held_for_writing, revise, touched
from graph.errors import CasegraphError, InvalidData, NotFound
from graph.files import remove_durably, write_durably
from graph.settings import Settings
from graph.store.sources import SourceFile, read_source
from graph.writing.documents import DOCUMENT_FORMATS, Checked, Conflict, DocumentChecker, audit, check_name
from graph.writing.drafts import NeedsSecondWriter
from service.dependencies import Edition, Served, SettingsDep, WriterDep, open_generation
from service.sparql import media_type_of, read_body

router = APIRouter(tags=["Writing sources"])
# The routes read their body themselves (to bound its size and choose the parser), so FastAPI sees no body to describe.
SOURCE_DOCUMENT: dict[str, Any] = {"requestBody": {
    "required": True, "description": "One source document: its catalog entry and its facts.",
    "content": {media_type: {"schema": {"type": "string"}} for media_type in DOCUMENT_FORMATS}}}
logger = logging.getLogger(__name__)
# Re-entrant: publishing a draft holds it across checking the draft is unchanged and the write itself.
lock = threading.RLock()


@router.post("/sources", status_code=201, summary="Add a source document: its catalog entry and its facts",
             openapi_extra=SOURCE_DOCUMENT)
async def post_source(request: Request, settings: SettingsDep, who: WriterDep) -> Response:
    """Turtle, TriG, JSON-LD, N-Triples, N-Quads or RDF/XML; 201 and live, or 422 with the SHACL report and nothing written."""
    async with audited(settings, who, "create", "") as trail:
        refuse_unreviewed(settings)
        checked = await checked_body(request, settings, trail, None, new=True)
        await run_in_threadpool(write, request.app, settings, trail, checked)
    return JSONResponse({"source": checked.graph, "triples": checked.triples}, status_code=201,
                        headers={"Location": f"/source/{checked.name}"})


@router.put("/sources/{name}", summary="Replace a source document written through this API", openapi_extra=SOURCE_DOCUMENT)
async def put_source(name: str, request: Request, settings: SettingsDep, who: WriterDep) -> Response:
    """The whole document again; 200 when it replaced one, 201 when it is new."""
    async with audited(settings, who, "replace", name) as trail:
        refuse_unreviewed(settings)
        check_name(name)
        checked = await checked_body(request, settings, trail, name, new=False)
        replaced = await run_in_threadpool(write, request.app, settings, trail, checked)
    return JSONResponse({"source": checked.graph, "triples": checked.triples}, status_code=200 if replaced else 201,
                        headers={"Location": f"/source/{checked.name}"})


@router.delete("/sources/{name}", status_code=204, summary="Withdraw a source document written through this API")
async def delete_source(name: str, request: Request, settings: SettingsDep, who: WriterDep) -> Response:
    """Its graph and catalog entry leave the graph; 404 if the API holds no such source."""
    async with audited(settings, who, "withdraw", name) as trail:
        refuse_unreviewed(settings)
        check_name(name)
        refuse_curated(request.app, settings, name)
        await run_in_threadpool(withdraw, request.app, settings, trail, name)
    return Response(status_code=204)


def refuse_unreviewed(settings: Settings) -> None:
    """Under review (CASEGRAPH_REVIEW), a source changes only once a second writer confirms a draft or a withdrawal."""
    if settings.review:
        raise NeedsSecondWriter("this service changes sources only through review: save a draft (POST /drafts) or propose "
                                "a withdrawal (POST /withdrawals/{name}), and another writer confirms it")


class Trail:
    """The audit entries of one write request, which always end in one outcome: accepted, refused or rolled back."""

    def __init__(self, log: Path, who: str, action: str, source: str, **detail: str) -> None:
        self.log, self.who, self.action, self.source, self.detail = log, who, action, source, detail
        self.data: bytes | None = None
        self.recorded = False

    def record(self, outcome: str, data: bytes | None = None) -> None:
        """Append an entry, with these bytes' digest (the request body's when none are given)."""
        audit(self.log, self.who, self.action, self.source, data if data is not None else self.data, outcome, **self.detail)
        self.recorded = True


@asynccontextmanager
async def audited(settings: Settings, who: str, action: str, source: str, **detail: str) -> AsyncIterator[Trail]:
    """A write request's audit trail; a request refused before the write recorded anything is recorded as refused."""
    trail = Trail(settings.audit_log, who, action, source, **detail)
    try:
        yield trail
    except Exception as error:
        if not trail.recorded:
            reason = str(error) if isinstance(error, CasegraphError) else "internal error"
            await run_in_threadpool(trail.record, f"refused: {reason}")
        raise


async def write_document(request: Request, settings: Settings, who: str, body: bytes, name: str | None) -> Checked:
    """Check and keep a Turtle document built by the case form, as POST (no name) or PUT (a name) would."""
    refuse_unreviewed(settings)
    async with audited(settings, who, "replace" if name else "create", name or "") as trail:
        if name:
            check_name(name)
        trail.data = body
        document = await checked(request.app, settings, trail, "text/turtle", name, name is None, trail.who)
        await run_in_threadpool(write, request.app, settings, trail, document)
    return document


async def checked_body(request: Request, settings: Settings, trail: Trail, name: str | None, new: bool) -> Checked:
    """The posted document, read within the size limit, then checked as `checked` checks it."""
    media_type, _ = media_type_of(request.headers.get("content-type", ""))
    trail.data = await read_body(request, settings.max_request_bytes)
    return await checked(request.app, settings, trail, media_type, name, new, trail.who)


async def checked(app: FastAPI, settings: Settings, trail: Trail, media_type: str, name: str | None, new: bool,
                  author: str) -> Checked:
    """The trail's document, parsed and checked in the checker process, so that the event loop goes on serving reads.

    `new` refuses a source written through the API already; `author` is named in the file kept.
    """
    checker: DocumentChecker = app.state.checker
    # The public store: a public document may refer only to records the public can see.
    served: Served = app.state.served
    checked = await asyncio.wrap_future(checker.submit(trail.data or b"", media_type, settings.base, name, author,
                                                       settings.writable_sources, served.public.store_dir))
    trail.source = checked.graph
    refuse_curated(app, settings, checked.name)
    if new and (settings.writable_sources / f"{checked.name}.trig").is_file():
        raise Conflict(f"{checked.graph} exists already; PUT /sources/{checked.name} replaces it")
    if not checked.report.conforms:
        raise InvalidData(checked.report)
    return checked


def refuse_curated(app: FastAPI, settings: Settings, name: str) -> None:
    """Refuse to change a curated source (kept in the repository) through the API."""
    if app.state.served.full.store.has_source(name) and not (settings.writable_sources / f"{name}.trig").is_file():
        raise Conflict(f"{name} is a curated source kept in the repository; change it there, not through the API")


def write(app: FastAPI, settings: Settings, trail: Trail, checked: Checked) -> bool:
    """Keep and serve a checked document; whether it replaced one (decided under the lock, where no other write runs)."""
    path = settings.writable_sources / f"{checked.name}.trig"
    with lock, held_for_writing(app.state.served.public.store):
        before = path.read_bytes() if path.is_file() else None
        if trail.action == "create" and before is not None:  # checked before too, but another write may have won the lock
            raise Conflict(f"{checked.graph} exists already; PUT /sources/{checked.name} replaces it")
        old = read_source(path, settings.base) if before is not None else None
        # The entry goes first: the log may then hold an attempt a crash cut short, never a change without an entry.
        trail.record("accepted", checked.data)
        try:
            write_durably(path, checked.data)
            _serve_revision(app, settings, old, read_source(path, settings.base))
        except Exception:
            remove_durably(path) if before is None else write_durably(path, before)
            trail.record("rolled back: the store could not be revised", checked.data)
            raise
    return before is not None


def withdraw(app: FastAPI, settings: Settings, trail: Trail, name: str) -> None:
    """Take a source written through the API out of the files and the stores served; NotFound if there is none."""
    path = settings.writable_sources / f"{name}.trig"
    with lock, held_for_writing(app.state.served.public.store):
        if not path.is_file():  # decided under the lock: a withdrawal that lost the race finds nothing
            raise NotFound(f"no source {name} was written through the API")
        before = path.read_bytes()
        old = read_source(path, settings.base)
        trail.record("accepted", before)
        remove_durably(path)
        try:
            _serve_revision(app, settings, old, None)
        except Exception:
            write_durably(path, before)
            trail.record("rolled back: the store could not be revised", before)
            raise


def _serve_revision(app: FastAPI, settings: Settings, old: SourceFile | None, new: SourceFile | None) -> None:
    """Serve a new generation: the stores in use, revised by one source in a fresh directory they are never touched in.

    A remote dataset is revised in place (its folder here holds only what casegraph derives from it), after taking in
    what other front-ends wrote since this one last looked, so that its record skips none of their changes.
    """
    before: Served = app.state.served
    target = before.public.store_dir if settings.remote else \
        settings.store.with_name(f"{settings.store.name}-live-{before.generation + 1}")
    stores = {e.store_dir: e.store for e in (before.public, before.full)}
    _, others = _followed(before, settings)
    revise(before.public.store_dir, target, old, new, settings.base, input_digest(settings.source_dirs, settings.base), stores)
    app.state.served = served = open_generation(target, settings, before, touched(old, new) | (others or set()))
    _views_refresher(app).wanted.set()
    _remove_old_generations(settings.store, served.generation)


def _followed(served: Served, settings: Settings) -> tuple[bool, set[str] | None]:
    """Take in the changes other front-ends made to the remote datasets served: whether there were any, and the
    records they touched (None: every record)."""
    return follow_all({edition.store_dir: edition.store for edition in (served.public, served.full)}, settings.base)


class _Follower(threading.Thread):
    """Serves the writes other front-ends make to the remote store: every `every` seconds it reads the store's change
    log, and when it moved, serves the new generation (pages and SPARQL at once, search for the records the changes
    touched, networks once the refresher has read them)."""

    def __init__(self, app: FastAPI, every: float) -> None:
        super().__init__(name="remote-follower", daemon=True)
        self.app, self.every, self.stopped = app, every, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                self.follow()
            except Exception as error:  # a store out of reach now may answer at the next look
                logger.warning("could not read the remote store's change log: %s: %s", type(error).__name__, error)

    def follow(self) -> None:
        """Look once, and serve what other front-ends changed."""
        settings: Settings = self.app.state.settings
        with lock:
            before: Served = self.app.state.served
            changed, touched = _followed(before, settings)
            if not changed:
                return
            # With every record touched, the refresher reads search and networks afresh from index files made anew.
            self.app.state.served = open_generation(before.public.store_dir, settings, before, touched or ())
        _views_refresher(self.app).wanted.set()


def start_following(app: FastAPI, every: float) -> None:
    """Follow the writes of the other front-ends on the remote store the app serves from."""
    app.state.follower = _Follower(app, every)
    app.state.follower.start()


def stop_background(app: FastAPI) -> None:
    """Stop following other front-ends' writes and rebuilding the networks after writes: the service is stopping.

    A rebuild under way ends on its own; none starts after this, so no process outlives the service for long.
    """
    follower: _Follower | None = getattr(app.state, "follower", None)
    if follower is not None:
        follower.stopped.set()
        follower.join()
    refresher: _ViewsRefresher | None = getattr(app.state, "views_refresher", None)
    if refresher is not None:
        refresher.stopped.set()
        refresher.wanted.set()


class _ViewsRefresher(threading.Thread):
    """Rebuilds the networks and the search index after writes, off the request path; a run of writes costs one rebuild.

    The rebuild starts once no write has come for `quiet` seconds, so that a run of writes, such as
    an import, goes through first. It reads the newest store's index files, which a process of
    their own makes (graph/editions/index.py): this thread only waits for it, then loads the files.
    Until the rebuild finishes, the networks are the ones from before the write; the store, pages
    and SPARQL see the write at once, and search through its table of changes (graph/search/textindex.py).

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
        self.app, self.wanted, self.stopped = app, threading.Event(), threading.Event()

    def run(self) -> None:
        failures = 0
        while True:
            self.wanted.wait()
            self.wanted.clear()
            since = time.monotonic()
            while time.monotonic() - since < self.patience and self.wanted.wait(self.quiet):
                self.wanted.clear()
            if self.stopped.is_set():  # the service stopped: no process is started for what it no longer serves
                return
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
        """Load the networks and search index of this generation's stores, and serve them if no write has come meanwhile."""
        served: Served = self.app.state.served
        fresh = self._reread(served.public)
        fuller = fresh if served.full is served.public else self._reread(served.full)
        with lock:
            if self.app.state.served.generation == generation:
                self.app.state.served = replace(served, public=fresh, full=fuller)


    def _reread(self, edition: Edition) -> Edition:
        """The edition with the networks and search index its store's index files hold (made first when needed)."""
        search, views = read_index(edition.store_dir, self.app.state.settings.base)
        return replace(edition, search=search, views=views)


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
