"""Cross-origin reads: pages and tools served elsewhere (YASGUI, a notebook's page) may read what anyone may read.

Starlette's CORSMiddleware is not used because it grants one policy to every route and every
request: it cannot keep the write routes closed while /sparql takes POST, nor withhold permission
from a request carrying a token. Here permission goes with the route and the method, and never
with a token holder's answer.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

READS = ("GET", "HEAD")
# Routes that take a query in a POST body (the SPARQL Protocol, the Reconciliation API): reads too.
QUERIED_BY_POST = frozenset({"/sparql", "/reconcile"})
# Request headers a page may send beyond the safelisted ones; Authorization is not among them.
ALLOWED_HEADERS = ("Accept", "Accept-Language", "Cache-Control", "Content-Language", "Content-Type",
                   "If-Modified-Since", "If-None-Match", "Range")
# Response headers a page may read beyond the safelisted ones.
EXPOSED_HEADERS = ("Content-Disposition", "Content-Location", "Content-Range", "ETag", "Last-Modified", "Link",
                   "Retry-After", "Vary")
MAX_AGE = 86400  # seconds a browser may keep a granted preflight (Chromium keeps it two hours at most)


def methods_for(path: str) -> tuple[str, ...]:
    """The methods other origins may use on a path."""
    return (*READS, "POST") if path in QUERIED_BY_POST else READS


def preflight(path: str, method: str, requested: str | None) -> Response:
    """The answer to a CORS preflight: granted (204) for a read with allowed headers, refused (403) saying why."""
    methods = methods_for(path)
    if method.upper() not in methods:
        return PlainTextResponse(f"other origins may not {method} {path}, only {', '.join(methods)}; "
                                 "writing needs a token and is not open to other origins\n", status_code=403)
    allowed = {h.lower() for h in ALLOWED_HEADERS}
    refused = [h.strip() for h in (requested or "").split(",") if h.strip() and h.strip().lower() not in allowed]
    if refused:
        reason = "; answers to a token are not shared with other origins" if "authorization" in map(str.lower, refused) else ""
        return PlainTextResponse(f"other origins may not send the header(s) {', '.join(refused)}; they may send "
                                 f"{', '.join(ALLOWED_HEADERS)}{reason}\n", status_code=403)
    return Response(status_code=204, headers={
        "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": ", ".join(methods),
        "Access-Control-Allow-Headers": ", ".join(ALLOWED_HEADERS), "Access-Control-Max-Age": str(MAX_AGE)})


class OpenToOtherOrigins:
    """Let any origin read the public answers, preflight included; never a write's, never a token holder's.

    Every public answer says `Access-Control-Allow-Origin: *`, whether or not the request names an
    origin, so no answer varies with Origin and a shared cache may hand any of them to any page. An
    answer to a request with an Authorization header gets no permission: a page elsewhere can never
    read what a token opens, and the answer varies with Authorization and stays out of shared caches
    (see PrivateWhenAuthorized). No answer allows credentials.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer preflights, and mark the answers to public reads as readable from any origin."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers, method, path = Headers(scope=scope), scope["method"], scope["path"]
        if method == "OPTIONS" and "origin" in headers and "access-control-request-method" in headers:
            answer = preflight(path, headers["access-control-request-method"], headers.get("access-control-request-headers"))
            await answer(scope, receive, send)
            return
        if "authorization" in headers or method not in methods_for(path):
            await self.app(scope, receive, send)
            return

        async def send_open(message: Message) -> None:
            if message["type"] == "http.response.start":
                marked = MutableHeaders(scope=message)
                marked["Access-Control-Allow-Origin"] = "*"
                marked["Access-Control-Expose-Headers"] = ", ".join(EXPOSED_HEADERS)
            await send(message)

        await self.app(scope, receive, send_open)
