"""What every request and response goes through: security headers on every response (a CSP
without inline script, no framing, no sniffing, a referrer policy), a CSRF token on every form
post, errors as pages (or JSON under /api/), and timing for /metrics."""

from __future__ import annotations

import hmac
import logging
import time
from urllib.parse import urlencode, urlsplit

from aiohttp import web

from bot.errors import ArticleNotFound, EntityNotFound, NewsdeskError, StoreError
from bot.web.access import Refused, SignInNeeded
from bot.web.context import context_of
from bot.web.render import Handler, as_json, page
from bot.web.sessions import load_viewer

log = logging.getLogger(__name__)

# Only our own files: no inline script or style, no plugins, no <base>, no framing, forms
# post only here. Charts are PNGs from this site.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
MESSAGES = {
    400: "That request could not be read.",
    403: "You may not see this.",
    404: "There is no such page.",
    405: "That page does not take this kind of request.",
    413: "That request is too large.",
}


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Add the security headers to every response (pages, JSON, files, errors alike)."""
    response.headers.update(HEADERS)
    if context_of(request).options.secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.path.startswith("/static/"):
        # Versioned URLs (?v=hash): a changed file has a new address.
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        # What depends on who asks is never stored by shared caches.
        response.headers.setdefault("Cache-Control", "private, no-cache")


def is_api(request: web.Request) -> bool:
    """JSON answers for /api/ (and feeds and files keep their own types)."""
    return request.path.startswith("/api/")


@web.middleware
async def csrf(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse a form post without this session's CSRF token, or from another site."""
    if request.method in SAFE_METHODS:
        return await handler(request)
    viewer = await load_viewer(request)
    forms = ("application/x-www-form-urlencoded", "multipart/form-data")  # an upload too
    form = await request.post() if request.content_type in forms else {}
    token = str(form.get(CSRF_FIELD, "")) or request.headers.get(CSRF_HEADER, "")
    origin = request.headers.get("Origin")
    expected = context_of(request).options.base_url
    if not viewer.signed_in or not token or not hmac.compare_digest(token, viewer.csrf_token):
        log.warning("refused %s %s: no valid CSRF token", request.method, request.path[:200])
        raise Refused("This form has expired or did not come from this site. Reload the page.")
    if origin is not None and expected and _origin(origin) != _origin(expected):
        log.warning("refused %s %s from origin %r", request.method, request.path[:200], origin)
        raise Refused("This form did not come from this site.")
    return await handler(request)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure becomes a page the reader can act on (or JSON under /api/): sign in,
    not allowed, not found, a query to fix; unexpected ones are logged, never shown."""
    try:
        return await handler(request)
    except SignInNeeded:
        if is_api(request):
            return as_json({"error": "Sign in with Discord to read this."}, status=401)
        raise web.HTTPSeeOther(f"/login?{_next(request)}") from None
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        # Our own refusals say why; aiohttp's own ("404: Not Found") get a sentence.
        custom = isinstance(exc, Refused) or not (exc.text or "").startswith(str(exc.status))
        message = exc.text if custom and exc.text else MESSAGES.get(exc.status, exc.reason)
        return await _failure(request, exc.status, message)
    except NewsdeskError as exc:
        return await _failure(request, _status_of(exc), str(exc))
    except Exception:
        log.exception("web: %s %s failed", request.method, request.path[:200])
        return await _failure(request, 500, "Something went wrong on our side; it was logged.")


def _next(request: web.Request) -> str:
    return urlencode({"next": request.path_qs})


def _status_of(error: NewsdeskError) -> int:
    """Not found, the database unavailable, or (a query, a name) the request to fix."""
    if isinstance(error, ArticleNotFound | EntityNotFound):
        return 404
    return 503 if isinstance(error, StoreError) else 400


async def _failure(request: web.Request, status: int, message: str) -> web.Response:
    if is_api(request):
        return as_json({"error": message}, status=status)
    try:
        return await page(
            request, "error.html", {"status": status, "message": message}, status=status
        )
    except Exception:  # the layout needs the store: if that is what failed, plain text
        log.exception("web: could not render the error page")
        return web.Response(text=message, status=status)


@web.middleware
async def timing(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count each request and its time in /metrics, by route (not by URL: ids stay out)."""
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else "unmatched"
        context_of(request).metrics.web_request(route, status, time.perf_counter() - started)
