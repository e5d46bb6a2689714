"""What operators measure, in Prometheus's text format: commands answered and how long they
took, feed polls by status, digest posts, the NLP queue and event-loop lag, web requests.

Each process owns one `Metrics` (its own registry, nothing global): the bot makes one and hands
it to what it runs, the web serves it at /metrics, and tests read a fresh one. Names follow
Prometheus's conventions (`_total` counters, `_seconds` histograms, base units).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    start_http_server,
)

__all__ = ["CONTENT_TYPE", "LoopLag", "Metrics", "exported"]

# Command and page latencies: Discord wants an answer within 3 s, pages within a few hundred ms.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LAG_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0)
# Feed poll statuses are a small vocabulary ("ok", "not modified", "http 404", "timeout"...);
# anything longer is cut so a label never carries an error message.
STATUS_CHARS = 24


class Metrics:
    """One process's metrics and the registry /metrics renders."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.commands = Counter(
            "newsdesk_commands_total",
            "Commands answered, by command and outcome (ok or error)",
            ["command", "outcome"],
            registry=r,
        )
        self.command_seconds = Histogram(
            "newsdesk_command_seconds",
            "Time from receiving a command to finishing its answer",
            ["command"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.feed_polls = Counter(
            "newsdesk_feed_polls_total", "Feed polls, by status", ["status"], registry=r
        )
        self.digest_posts = Counter(
            "newsdesk_digest_posts_total",
            "Digest runs ended, by outcome (posted, skipped, failed)",
            ["outcome"],
            registry=r,
        )
        self.nlp_queue = Gauge(
            "newsdesk_nlp_queue_length", "NLP batches waiting or running", registry=r
        )
        self.loop_lag = Histogram(
            "newsdesk_event_loop_lag_seconds",
            "How late the event loop ran a timer it was asked to run",
            buckets=LAG_BUCKETS,
            registry=r,
        )
        self.web_requests = Histogram(
            "newsdesk_web_request_seconds",
            "Web requests, by route and status class, and how long they took",
            ["route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )

    def command_answered(self, command: str, seconds: float, *, ok: bool) -> None:
        """Count one answered command and its latency."""
        self.commands.labels(command=command, outcome="ok" if ok else "error").inc()
        self.command_seconds.labels(command=command).observe(max(seconds, 0.0))

    def feed_polled(self, status: str) -> None:
        """Count one feed poll by its status."""
        self.feed_polls.labels(status=status[:STATUS_CHARS]).inc()

    def digest_ended(self, outcome: str) -> None:
        """Count one digest run that ended: posted, skipped or failed."""
        self.digest_posts.labels(outcome=outcome).inc()

    def watch_nlp_queue(self, length: Callable[[], float]) -> None:
        """Read the NLP queue's length from `length` whenever metrics are rendered."""
        self.nlp_queue.set_function(length)

    def watch_gateway(self, connected: Callable[[], bool]) -> None:
        """Report `connected()` (every gateway connection up) as newsdesk_gateway_connected;
        only a process with a gateway has the gauge."""
        gauge = Gauge(
            "newsdesk_gateway_connected",
            "1 while every gateway connection of the process is up, else 0",
            registry=self.registry,
        )
        gauge.set_function(lambda: 1.0 if connected() else 0.0)

    def web_request(self, route: str, status: int, seconds: float) -> None:
        """Count one web request by its route's name and status class (2xx, 4xx, ...)."""
        self.web_requests.labels(route=route, status=f"{status // 100}xx").observe(seconds)

    def render(self) -> bytes:
        """Every metric in Prometheus's text exposition format."""
        return generate_latest(self.registry)


@contextlib.contextmanager
def exported(metrics: Metrics) -> Iterator[str]:
    """Serve `metrics` on a free loopback port while the block runs; yields its URL.

    This is how the bot's web, served from a process of its own, reads the bot's metrics and
    gateway state (bot/web/bot_link.py): Prometheus's own exposition over HTTP, answered by
    prometheus-client's exporter on a thread of the bot (a scrape costs the bot a rendering,
    and nothing between scrapes)."""
    server, thread = start_http_server(0, addr="127.0.0.1", registry=metrics.registry)
    try:
        yield f"http://127.0.0.1:{server.server_port}/metrics"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class LoopLag:
    """Measures event-loop lag: how much later than asked a short timer fires. A loop busy
    with blocking work (NLP on the loop, a slow chart) shows here before users notice."""

    def __init__(self, metrics: Metrics, interval: float = 1.0) -> None:
        self.metrics = metrics
        self.interval = interval

    async def sample(self) -> float:
        """Sleep one interval and record (and return) how late the loop woke up."""
        started = time.perf_counter()
        await asyncio.sleep(self.interval)
        lag = max(time.perf_counter() - started - self.interval, 0.0)
        self.metrics.loop_lag.observe(lag)
        return lag

    async def run(self) -> None:
        """Sample for as long as the task runs (start it through bot.tasks)."""
        while True:
            await self.sample()
