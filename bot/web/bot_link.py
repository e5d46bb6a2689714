"""The bot the web is served for, seen from the web's own process: its gateway state for
/healthz and its metrics for /metrics, read from the Prometheus exposition the bot serves on
loopback (bot/metrics.py `exported`).

Everything else the web needs from the bot (its servers, channels and roles, feeds, schedules,
sessions) is in the database, where a web process of its own reads it too; these two live only
in the bot's memory, and Prometheus's own text format over HTTP carries them without a protocol
of our own."""

from __future__ import annotations

import logging

import aiohttp
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import Metrics

log = logging.getLogger(__name__)
GATEWAY = "newsdesk_gateway_connected"
# What the web's own process adds to the bot's metrics: its requests (the bot serves none).
WEB_FAMILIES = frozenset({"newsdesk_web_request_seconds"})
TIMEOUT = aiohttp.ClientTimeout(total=5)


class BotUnreachable(Exception):
    """The bot did not answer for its metrics (stopped, hung, or gone)."""


class BotLink:
    """Reads the bot's metrics at `url` (one HTTP GET per /healthz or /metrics)."""

    def __init__(self, url: str) -> None:
        self.url = url

    async def families(self) -> list[Metric]:
        """The bot's metric families as it renders them now."""
        try:
            async with (
                aiohttp.ClientSession(timeout=TIMEOUT) as http,
                http.get(self.url) as answer,
            ):
                answer.raise_for_status()
                text = await answer.text()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise BotUnreachable(f"{type(exc).__name__}") from None
        return list(text_string_to_metric_families(text))

    async def gateway_connected(self) -> bool:
        """Whether the bot's gateway is up (False when the bot does not answer)."""
        try:
            families = await self.families()
        except BotUnreachable as exc:
            log.warning("healthz: the bot did not answer for its metrics: %s", exc)
            return False
        return any(
            sample.name == GATEWAY and sample.value == 1.0
            for family in families
            for sample in family.samples
        )

    async def metrics(self, own: Metrics) -> bytes:
        """The bot's metrics with the web's own requests, as one exposition: the bot's
        families (commands, polls, digests, NLP queue, its loop's lag) and the web process's
        request timings; only the web's when the bot does not answer."""
        try:
            families = [f for f in await self.families() if f.name not in WEB_FAMILIES]
        except BotUnreachable as exc:
            log.warning("metrics: the bot did not answer for its metrics: %s", exc)
            families = []
        mine = [f for f in own.registry.collect() if f.name in WEB_FAMILIES]
        registry = CollectorRegistry(auto_describe=False)
        registry.register(_Families([*families, *mine]))
        return generate_latest(registry)


class _Families:
    """A collector of metric families already gathered."""

    def __init__(self, families: list[Metric]) -> None:
        self._families = families

    def collect(self) -> list[Metric]:
        """The families, as they are."""
        return self._families
