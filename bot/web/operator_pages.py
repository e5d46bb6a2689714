"""For operators: /healthz (is the database reachable, is the gateway connected when the web
is served for the bot, when were feeds last polled) and /metrics (Prometheus text format)."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.clock import utc_iso
from bot.metrics import CONTENT_TYPE
from bot.web.context import context_of

log = logging.getLogger(__name__)


async def healthz(request: web.Request) -> web.Response:
    """GET /healthz: 200 when healthy, 503 (with what is wrong) when not."""
    context = context_of(request)
    report: dict[str, object] = {"checked_at": utc_iso(context.clock.now())}
    healthy = True
    try:
        feeds, polled, succeeded = await context.store.feed_poll_times()
        await context.store.count_articles()
    except Exception as exc:  # whatever stops a read (StoreError, a lost connection) is the answer
        log.warning("healthz: the database is unreachable: %s", exc)
        report["database"] = {"ok": False, "error": type(exc).__name__}
        healthy = False
    else:
        report["database"] = {"ok": True}
        report["feeds"] = {"subscribed": feeds, "last_poll": polled, "last_success": succeeded}
    if context.bot is not None:
        connected = await context.bot.gateway_connected()
        report["gateway"] = {"connected": connected}
        healthy = healthy and connected
    report["status"] = "ok" if healthy else "unhealthy"
    return web.json_response(report, status=200 if healthy else 503)


async def metrics(request: web.Request) -> web.Response:
    """GET /metrics: the metrics for Prometheus to scrape: the bot's with the web's requests
    when the web is served for the bot, else this process's own."""
    context = context_of(request)
    if context.bot is not None:
        body = await context.bot.metrics(context.metrics)
    else:
        body = context.metrics.render()
    response = web.Response(body=body)
    response.headers["Content-Type"] = CONTENT_TYPE
    return response
