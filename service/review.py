"""Review before publishing (four eyes): drafts and proposed withdrawals, each confirmed by a second writer.

A draft is checked as a write is, kept durably under CASEGRAPH_DRAFTS, shown to writers only, and
in no store until another writer publishes it; publishing checks it again against the graph as it
is then and writes it as PUT /sources/{name} does. A withdrawal is proposed by one writer and
confirmed by another. The audit log names both writers of each change.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from graph.errors import NotFound
from graph.namespaces import source_prefix
from graph.settings import Settings
from graph.writing.documents import Checked, Conflict, check_name
from graph.writing.drafts import Pending, Shelf, digest, now
from service.dependencies import SettingsDep, WriterDep
from service.sources import (
    SOURCE_DOCUMENT,
    Trail,
    audited,
    checked,
    checked_body,
    lock,
    refuse_curated,
    withdraw,
    write,
)

router = APIRouter(tags=["Review before publishing"])


def drafts(settings: Settings) -> Shelf:
    """The drafts waiting to be published."""
    return Shelf(settings.drafts / "documents", "draft")


def withdrawals(settings: Settings) -> Shelf:
    """The withdrawals waiting to be confirmed."""
    return Shelf(settings.drafts / "withdrawals", "proposed withdrawal")


def _described(pending: Pending, made: str) -> dict[str, str]:
    return {"name": pending.name, "source": pending.source, f"{made}_by": pending.by, f"{made}_at": pending.at,
            "sha256": pending.sha256}


@router.post("/drafts", status_code=201, summary="Save a draft of a source document, for another writer to publish",
             openapi_extra=SOURCE_DOCUMENT)
async def post_draft(request: Request, settings: SettingsDep, who: WriterDep) -> Response:
    """Checked as POST /sources checks it (422 with the report); kept, but in no store; 409 if the source has a draft."""
    async with audited(settings, who, "draft", "") as trail:
        document = await checked_body(request, settings, trail, None, new=False)
        draft, _ = await run_in_threadpool(_shelve, settings, trail, document, False)
    return JSONResponse(_described(draft, "drafted"), status_code=201, headers={"Location": f"/drafts/{draft.name}"})


@router.put("/drafts/{name}", summary="Save a draft of a source document, replacing the one it has",
            openapi_extra=SOURCE_DOCUMENT)
async def put_draft(name: str, request: Request, settings: SettingsDep, who: WriterDep) -> Response:
    """200 when it replaced a draft (whose writer is now this one), 201 when it is the source's first."""
    async with audited(settings, who, "draft", name) as trail:
        check_name(name)
        document = await checked_body(request, settings, trail, name, new=False)
        draft, replaced = await run_in_threadpool(_shelve, settings, trail, document, True)
    return JSONResponse(_described(draft, "drafted"), status_code=200 if replaced else 201,
                        headers={"Location": f"/drafts/{draft.name}"})


def _shelve(settings: Settings, trail: Trail, document: Checked, replace: bool) -> tuple[Pending, bool]:
    with lock:
        before = drafts(settings).get(document.name)
        if before is not None and not replace:
            raise Conflict(f"{document.graph} has a draft already, by {before.by}; PUT /drafts/{document.name} replaces it")
        draft = Pending(document.name, document.graph, trail.who, now(), digest(document.data), document.data.decode())
        trail.record("accepted", document.data)  # first, as for a write: never a kept change without an entry
        drafts(settings).put(draft)
    return draft, before is not None


@router.get("/drafts", summary="The drafts waiting for another writer to publish them (writers only)")
async def list_drafts(settings: SettingsDep, who: WriterDep) -> Response:
    """Each draft's source, who drafted it and when, and its document's SHA-256."""
    found = await run_in_threadpool(drafts(settings).all)
    return JSONResponse({"drafts": [_described(draft, "drafted") for draft in found]})


@router.get("/drafts/{name}", summary="One draft, with its document as it would be published (writers only)")
async def get_draft(name: str, settings: SettingsDep, who: WriterDep) -> Response:
    """The draft's description and its document (TriG); 404 if the source has none."""
    check_name(name)
    draft = await run_in_threadpool(drafts(settings).find, name)
    return JSONResponse({**_described(draft, "drafted"), "document": draft.document})


@router.delete("/drafts/{name}", status_code=204, summary="Discard a draft")
async def delete_draft(name: str, settings: SettingsDep, who: WriterDep) -> Response:
    """The draft goes, and nothing is published; 404 if the source has none."""
    async with audited(settings, who, "discard draft", name) as trail:
        check_name(name)
        await run_in_threadpool(_discard, drafts(settings), trail, name)
    return Response(status_code=204)


@router.post("/drafts/{name}/publish", summary="Publish another writer's draft: checked again, then live as a write is")
async def publish_draft(name: str, request: Request, settings: SettingsDep, who: WriterDep) -> Response:
    """201 (200 when it replaced the source) and live; 403 for the writer who drafted it; 422 if it no longer passes."""
    async with audited(settings, who, "publish", name) as trail:
        check_name(name)
        draft = await run_in_threadpool(drafts(settings).find, name)
        trail.source, trail.data = draft.source, (draft.document or "").encode()
        draft.confirmed_by(who, "publish")
        trail.detail.update(drafted_by=draft.by, drafted_at=draft.at)
        document = await checked(request.app, settings, trail, "application/trig", name, False, f"{draft.by}, published by {who}")
        replaced = await run_in_threadpool(_publish, request.app, settings, trail, document, draft)
    return JSONResponse({"source": document.graph, "triples": document.triples, "drafted_by": draft.by, "published_by": who},
                        status_code=200 if replaced else 201, headers={"Location": f"/source/{name}"})


def _publish(app: FastAPI, settings: Settings, trail: Trail, document: Checked, draft: Pending) -> bool:
    with lock:  # held across the write, so the draft cannot change between this look and the write
        if drafts(settings).get(draft.name) != draft:
            raise Conflict(f"the draft of {draft.source} changed or went while it was being published; review it again")
        replaced = write(app, settings, trail, document)
        # A crash before this leaves the draft beside its published source: publishing it again changes nothing.
        drafts(settings).remove(draft.name)
    return replaced


@router.post("/withdrawals/{name}", status_code=201, summary="Propose withdrawing a source, for another writer to confirm")
async def propose_withdrawal(name: str, request: Request, settings: SettingsDep, who: WriterDep) -> Response:
    """The source stays live until another writer confirms; 404 if the API holds no such source, 409 if proposed already."""
    async with audited(settings, who, "propose withdrawal", name) as trail:
        check_name(name)
        refuse_curated(request.app, settings, name)
        proposal = await run_in_threadpool(_propose, settings, trail, name)
    return JSONResponse(_described(proposal, "proposed"), status_code=201, headers={"Location": f"/withdrawals/{name}"})


def _propose(settings: Settings, trail: Trail, name: str) -> Pending:
    path = settings.writable_sources / f"{name}.trig"
    with lock:
        if not path.is_file():
            raise NotFound(f"no source {name} was written through the API")
        earlier = withdrawals(settings).get(name)
        if earlier is not None:
            raise Conflict(f"{earlier.by} proposed withdrawing {earlier.source} already, at {earlier.at}")
        data = path.read_bytes()
        trail.source = source_prefix(settings.base) + name
        proposal = Pending(name, trail.source, trail.who, now(), digest(data))
        trail.record("accepted", data)
        withdrawals(settings).put(proposal)
    return proposal


@router.get("/withdrawals", summary="The withdrawals waiting for another writer to confirm them (writers only)")
async def list_withdrawals(settings: SettingsDep, who: WriterDep) -> Response:
    """Each proposal's source, who proposed it and when, and the SHA-256 of the source file it would withdraw."""
    found = await run_in_threadpool(withdrawals(settings).all)
    return JSONResponse({"withdrawals": [_described(proposal, "proposed") for proposal in found]})


@router.get("/withdrawals/{name}", summary="One proposed withdrawal (writers only)")
async def get_withdrawal(name: str, settings: SettingsDep, who: WriterDep) -> Response:
    """Who proposed withdrawing the source and when; 404 if no one did."""
    check_name(name)
    proposal = await run_in_threadpool(withdrawals(settings).find, name)
    return JSONResponse(_described(proposal, "proposed"))


@router.delete("/withdrawals/{name}", status_code=204, summary="Cancel a proposed withdrawal")
async def cancel_withdrawal(name: str, settings: SettingsDep, who: WriterDep) -> Response:
    """The source stays; 404 if no withdrawal of it was proposed."""
    async with audited(settings, who, "cancel withdrawal", name) as trail:
        check_name(name)
        await run_in_threadpool(_discard, withdrawals(settings), trail, name)
    return Response(status_code=204)


@router.post("/withdrawals/{name}/confirm", status_code=204, summary="Confirm another writer's proposed withdrawal")
async def confirm_withdrawal(name: str, request: Request, settings: SettingsDep, who: WriterDep) -> Response:
    """The source leaves the graph as DELETE /sources/{name} takes it; 403 for the proposer, 409 if it changed since."""
    async with audited(settings, who, "confirm withdrawal", name) as trail:
        check_name(name)
        proposal = await run_in_threadpool(withdrawals(settings).find, name)
        trail.source = proposal.source
        proposal.confirmed_by(who, "confirm")
        trail.detail.update(proposed_by=proposal.by, proposed_at=proposal.at)
        await run_in_threadpool(_confirm, request.app, settings, trail, proposal)
    return Response(status_code=204)


def _confirm(app: FastAPI, settings: Settings, trail: Trail, proposal: Pending) -> None:
    path = settings.writable_sources / f"{proposal.name}.trig"
    with lock:
        if withdrawals(settings).get(proposal.name) != proposal:
            raise Conflict(f"the proposed withdrawal of {proposal.source} changed or went meanwhile; look at it again")
        if path.is_file() and digest(path.read_bytes()) != proposal.sha256:
            raise Conflict(f"{proposal.source} was written again since its withdrawal was proposed; "
                           f"cancel it (DELETE /withdrawals/{proposal.name}) and propose it again")
        withdraw(app, settings, trail, proposal.name)
        withdrawals(settings).remove(proposal.name)


def _discard(shelf: Shelf, trail: Trail, name: str) -> None:
    with lock:
        pending = shelf.find(name)
        trail.source = pending.source
        trail.record("accepted", pending.document.encode() if pending.document is not None else None)
        shelf.remove(name)
