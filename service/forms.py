"""The case form: writers sign in with their token, fill in a form generated from the shapes, preview and send.

The writer token is kept in an HttpOnly, SameSite=Strict cookie (Secure unless the page is plain http on
this machine), beside a random sign-in id. Every POST of the form carries a CSRF token, an HMAC of the
sign-in id keyed by the writer token, in a hidden field: a cookie alone authorises nothing. The bearer-token
API (service/sources.py) never reads these cookies.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any
from urllib.parse import parse_qsl, quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from graph.errors import InvalidData, NotFound
from graph.settings import Settings
from graph.store.sources import read_source
from graph.writing.documents import Conflict, check_name
from graph.writing.forms.reopened import state_of_source, taken_in
from graph.writing.forms.spec import PRECISIONS, form_spec
from graph.writing.forms.submission import FormProblems, FormState, Problem, build_document, problems_of, read_submission
from service.dependencies import Forbidden, SettingsDep, get_edition, token_holder
from service.errors import UnsupportedMediaType
from service.rendering import templates
from service.sources import write_document
from service.sparql import read_body

router = APIRouter(tags=["Case form"], include_in_schema=False)
TOKEN_COOKIE, SIGN_IN_COOKIE = "casegraph-writer", "casegraph-sign-in"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
FORM_TYPE = "application/x-www-form-urlencoded"
NO_STORE = {"Cache-Control": "no-store"}


def csrf_token(token: str, sign_in: str) -> str:
    """The CSRF token of a sign-in: an HMAC of its id, keyed by the writer token the cookie holds."""
    return hmac.new(token.encode(), sign_in.encode(), hashlib.sha256).hexdigest()


def _signed_in(request: Request, settings: Settings) -> tuple[str, str] | None:
    """The writer and the sign-in's CSRF token, from the cookies; None when they hold no writer token."""
    token, sign_in = request.cookies.get(TOKEN_COOKIE, ""), request.cookies.get(SIGN_IN_COOKIE, "")
    who = token_holder(f"Bearer {token}", settings.writer_tokens) if token and sign_in else None
    return (who, csrf_token(token, sign_in)) if who else None


def _secure(request: Request) -> bool | None:
    """Whether the cookie must be Secure: always but for plain http on this machine; None when sign-in is refused."""
    if request.url.scheme == "https":
        return True
    return False if request.url.hostname in LOOPBACK else None


async def _fields(request: Request, settings: Settings) -> list[tuple[str, str]]:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != FORM_TYPE:
        raise UnsupportedMediaType(f"the form is sent as {FORM_TYPE}, not {media_type or 'nothing'}")
    body = await read_body(request, settings.max_request_bytes)
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=5000)
    except (UnicodeDecodeError, ValueError) as error:
        raise Forbidden(f"the form's fields cannot be read: {error}") from None


def _checked_csrf(fields: list[tuple[str, str]], expected: str) -> None:
    sent = next((value for key, value in fields if key == "csrf"), "")
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden("the form must carry this sign-in's CSRF token (field csrf); reload the form and send it again")


def _sign_in_page(request: Request, message: str = "", status: int = 200, then: str = "/sources/new") -> Response:
    return templates.TemplateResponse(request, "sign-in.html", {"message": message, "next": then},
                                      status_code=status, headers=NO_STORE)


def _local(then: str) -> str:
    """Where to go after signing in: a form page of this site, nowhere else."""
    return then if then.startswith("/sources/") and not then.startswith("//") and "\\" not in then else "/sources/new"


@router.get("/sources/sign-in")
def sign_in_page(request: Request, next: str = "/sources/new") -> Response:
    """The sign-in page: one field for the writer token."""
    return _sign_in_page(request, then=_local(next))


@router.post("/sources/sign-in")
async def sign_in(request: Request, settings: SettingsDep) -> Response:
    """Keep a valid writer token in the cookie and go on to the form; the page again with what was wrong otherwise."""
    fields = dict(await _fields(request, settings))
    then = _local(fields.get("next", ""))
    secure = _secure(request)
    if secure is None:
        return _sign_in_page(request, "Sign in over https: the token would otherwise cross the network in the clear.", 400,
                             then)
    token = fields.get("token", "").strip()
    if token_holder(f"Bearer {token}", settings.writer_tokens) is None:
        return _sign_in_page(request, "That is not a writer token this service knows.", 401, then)
    answer = RedirectResponse(then, status_code=303, headers=NO_STORE)
    for name, value in ((TOKEN_COOKIE, token), (SIGN_IN_COOKIE, secrets.token_urlsafe(32))):
        answer.set_cookie(name, value, path="/sources", secure=secure, httponly=True, samesite="strict")
    return answer


@router.post("/sources/sign-out")
async def sign_out(request: Request, settings: SettingsDep) -> Response:
    """Forget the cookies (with the CSRF token, so that another site cannot sign a writer out)."""
    signed = _signed_in(request, settings)
    if signed is not None:
        _checked_csrf(await _fields(request, settings), signed[1])
    answer = RedirectResponse("/sources/sign-in", status_code=303, headers=NO_STORE)
    for name in (TOKEN_COOKIE, SIGN_IN_COOKIE):
        answer.delete_cookie(name, path="/sources", secure=_secure(request) is not False, httponly=True, samesite="strict")
    return answer


@router.get("/sources/new")
def new_source(request: Request, settings: SettingsDep) -> Response:
    """An empty form for a new source document."""
    signed = _signed_in(request, settings)
    if signed is None:
        return RedirectResponse("/sources/sign-in?next=/sources/new", status_code=303, headers=NO_STORE)
    return _form_page(request, signed, FormState())


@router.get("/sources/{name}/edit")
def edit_source(name: str, request: Request, settings: SettingsDep) -> Response:
    """The form filled in with a source written through the API."""
    signed = _signed_in(request, settings)
    if signed is None:
        return RedirectResponse(f"/sources/sign-in?next=/sources/{quote(name)}/edit", status_code=303, headers=NO_STORE)
    check_name(name)
    path = settings.writable_sources / f"{name}.trig"
    if not path.is_file():
        raise NotFound(f"no source {name} was written through the API; only those can be edited here")
    state = state_of_source(read_source(path, settings.base), name, settings.base, get_edition(request).store)
    if state.unshown:
        # Sent back from the form, the source would lose these: nothing written is dropped by an edit.
        shown = "; ".join(state.unshown[:5]) + (f"; and {len(state.unshown) - 5} more" if len(state.unshown) > 5 else "")
        raise Conflict(f"the form has no field for what {name} states here: {shown}. "
                       f"Replace it with PUT /sources/{name} instead, which keeps every statement you send")
    return _form_page(request, signed, state, editing=name)


@router.post("/sources/form")
async def submit_form(request: Request, settings: SettingsDep) -> Response:
    """Preview the document as Turtle, or send it: 303 to its page, or the form again with the checks' messages."""
    signed = _signed_in(request, settings)
    if signed is None:
        raise Forbidden("sign in with a writer token first (/sources/sign-in)")
    fields = await _fields(request, settings)
    _checked_csrf(fields, signed[1])
    values = dict(fields)
    editing = values.get("editing") or None
    if editing:
        check_name(editing)
    state = read_submission((k, v) for k, v in fields if k not in ("csrf", "action", "editing"))
    if editing:
        state.name = editing
    store = get_edition(request).store
    try:
        document = await run_in_threadpool(build_document, state, settings.base, taken_in(store))
    except FormProblems as error:
        return _form_page(request, signed, state, error.problems, editing=editing, status=400)
    if values.get("action") != "send":
        return _form_page(request, signed, state, preview=document.turtle, editing=editing)
    try:
        checked = await write_document(request, settings, signed[0], document.turtle.encode(), editing)
    except InvalidData as error:
        problems = problems_of(error.report.violations, document)
        return _form_page(request, signed, state, problems, preview=document.turtle, editing=editing, status=422)
    except Conflict as error:
        return _form_page(request, signed, state, [Problem("s", "", str(error))], preview=document.turtle, editing=editing,
                          status=409)
    return RedirectResponse(f"/source/{checked.name}", status_code=303, headers=NO_STORE)


def _form_page(request: Request, signed: tuple[str, str], state: FormState, problems: list[Problem] | None = None,
               preview: str | None = None, editing: str | None = None, status: int = 200) -> Response:
    by_field: dict[tuple[str, str], list[str]] = {}
    for problem in problems or []:
        by_field.setdefault(_where(state, problem), []).append(problem.message)
    context: dict[str, Any] = {"spec": form_spec(), "state": state, "problems": by_field, "csrf": signed[1],
                               "writer": signed[0], "preview": preview, "editing": editing, "precisions": PRECISIONS,
                               "unplaced": by_field.get(("", ""), [])}
    return templates.TemplateResponse(request, "source-form.html", context, status_code=status, headers=NO_STORE)


def _where(state: FormState, problem: Problem) -> tuple[str, str]:
    """The record and field a message is shown at: its own field, else its record's head, else the top of the form."""
    spec = form_spec()
    forms = {"s": spec.source} | {r.key: spec.record(r.cls) for r in state.records if r.cls in {f.cls for f in spec.records}}
    form = forms.get(problem.record)
    if form is None:
        return ("", "")
    return (problem.record, problem.path if problem.path in {f.path for f in form.fields} else "")
