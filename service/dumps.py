"""Dumps at /dumps and the dataset description at /.well-known/void, with HTTP caching."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import BinaryIO

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from graph.publish import void
from graph.publish.dumps import Dump, dump_file, dumps, find_dump
from graph.query.sparql import GRAPH_FORMATS
from service.dependencies import Edition, StoreDep, get_edition
from service.negotiation import negotiate

router = APIRouter(tags=["Dumps"])
# Beside the store each edition is served from, so a write's new store starts with none and an old one's go with it.
DUMPS_FOLDER = "dumps"
LISTED_AT_ONCE = 1000  # dumps written out per chunk of the list


@router.get("/dumps", summary="List the downloadable dumps", response_class=StreamingResponse,
            responses={200: {"content": {"application/json": {"example": [
                {"file": "casegraph.nq", "url": "http://127.0.0.1:8000/dumps/casegraph.nq", "media_type": "application/n-quads",
                 "source": None, "gzip": False}]}}}})
def list_dumps(request: Request, store: StoreDep) -> StreamingResponse:
    """Every dump: the whole dataset and each source graph, in each format, plain and gzipped, as a JSON array."""
    base = str(request.url_for("get_dump", filename="x"))[:-1]
    return StreamingResponse(_listed(dumps(store), base), media_type="application/json")


def _listed(each: Iterable[Dump], base: str) -> Iterator[bytes]:
    """The dumps as a JSON array, LISTED_AT_ONCE at a time.

    At 100,000 cases the list is 300 MB of JSON: made whole, it raised the peak of a process by
    1.6 GB, and written out this way by 178 MB.
    """
    entries = (json.dumps({"file": d.filename, "url": base + d.filename, "media_type": d.media_type, "source": d.source,
                           "gzip": d.gzipped}).encode() for d in each)
    yield b"["
    separator = b""
    while batch := list(itertools.islice(entries, LISTED_AT_ONCE)):
        yield separator + b",".join(batch)
        separator = b","
    yield b"]"


@router.get("/dumps/{filename}", summary="Download one dump")
def get_dump(filename: str, request: Request, store: StoreDep) -> Response:
    """One dump file, with ETag and Last-Modified; a matching conditional request gets 304."""
    dump = find_dump(store, filename)
    headers = _validators(request, dump.filename)
    if _not_modified(request, headers):
        return Response(status_code=304, headers=headers)
    path = dump_file(store, dump, _kept_for(get_edition(request)))
    headers["Content-Disposition"] = f'attachment; filename="{dump.filename}"'
    return FileResponse(path, media_type=dump.media_type, headers=headers)


@router.get("/.well-known/void", summary="VoID and DCAT description of the dataset")
def get_void(request: Request, store: StoreDep) -> Response:
    """What the dataset holds, its licence, endpoint, dumps and sources, in an RDF format chosen by Accept."""
    media_type = negotiate(request.headers.get("accept"), list(GRAPH_FORMATS))
    headers = _validators(request, "void" + media_type)
    headers["Vary"] = "Accept"
    if _not_modified(request, headers):
        return Response(status_code=304, headers=headers)
    site = str(request.url_for("list_dumps"))[: -len("dumps")]
    edition = get_edition(request)
    handle = void.open_description(edition.store_dir, store.base, site, GRAPH_FORMATS[media_type], _kept_for(edition))
    headers["Content-Length"] = str(os.fstat(handle.fileno()).st_size)
    # Closed after the answer too: a generator never started (a client gone before the first chunk) closes nothing.
    return StreamingResponse(_sent(handle), media_type=media_type, headers=headers, background=BackgroundTask(handle.close))


def _kept_for(edition: Edition) -> Path:
    """The folder of files made from what the edition holds, by its content: a remote store changes in place, so its
    folder here outlives a content.

    Another content's folder goes when a new one is made, once it is an hour old: a request still answered from the
    edition before a write may be writing into it, and a download under way keeps reading its open file.
    """
    folder = edition.store_dir / DUMPS_FOLDER / edition.build.content[:32]
    if not folder.is_dir():
        for other in folder.parent.glob("*"):
            if other.is_dir() and other.stat().st_mtime < time.time() - 3600:
                shutil.rmtree(other, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sent(handle: BinaryIO) -> Iterator[bytes]:
    """The file in chunks, closed once sent (or once the client has gone)."""
    with handle:
        yield from iter(lambda: handle.read(1 << 16), b"")


def _validators(request: Request, name: str) -> dict[str, str]:
    # From what the edition's store holds, not from the files it was built from: a restricted source
    # changes the full store's content and date alone, never what a public client is told.
    build = get_edition(request).build
    tag = hashlib.sha256(f"{build.content}/{name}".encode()).hexdigest()[:32]
    return {"ETag": f'"{tag}"',
            "Last-Modified": format_datetime(datetime.fromisoformat(build.modified), usegmt=True)}


def _not_modified(request: Request, headers: dict[str, str]) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return headers["ETag"] in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            return parsedate_to_datetime(if_modified_since) >= datetime.fromisoformat(get_edition(request).build.modified)
        except (TypeError, ValueError):
            return False
    return False
