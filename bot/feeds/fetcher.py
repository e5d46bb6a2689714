"""Polite HTTP for feeds and article pages: timeouts, size cap, redirects, robots.txt, backoff."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from bot import __version__
from bot.clock import Clock, SystemClock
from bot.errors import NewsdeskError

log = logging.getLogger(__name__)

USER_AGENT = f"Newsdesk/{__version__} (Discord news bot; RSS/Atom reader; polls politely)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.5, */*;q=0.1"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Statuses that mean "come back later" rather than "this URL is wrong".
RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER = timedelta(days=1)
ROBOTS_MAX_BYTES = 512 * 1024
# An unreachable robots.txt is asked for again sooner than a readable one.
ROBOTS_RETRY = timedelta(hours=1)


@dataclass(frozen=True)
class FetchPolicy:
    """How the fetcher behaves; defaults suit a bot polling public news sites."""

    user_agent: str = USER_AGENT
    timeout_seconds: float = 20.0
    connect_timeout_seconds: float = 10.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    per_host: int = 2
    robots_ttl: timedelta = timedelta(hours=12)
    # Loopback and private networks are refused unless allowed (tests and the sandbox only),
    # so a guild admin cannot point the bot at services on its own network.
    allow_private: bool = False


class FetchError(NewsdeskError):
    """A URL could not be fetched; `status` is the HTTP status when there was one."""

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        status: int | None = None,
        retry_after: timedelta | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind  # timeout | http | too-large | redirects | robots | network | blocked
        self.status = status
        self.retry_after = retry_after

    @property
    def transient(self) -> bool:
        """True when trying again later may work (timeouts, 429, 5xx, network trouble)."""
        return self.kind in {"timeout", "network"} or self.status in RETRYABLE


@dataclass(frozen=True)
class Fetched:
    """A response as read: final URL, status, body (≤ the cap) and the caching validators."""

    url: str
    status: int
    body: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        """True for a 304: the conditional GET says nothing changed."""
        return self.status == 304


class _PublicOnlyResolver(AbstractResolver):
    """DNS that refuses names resolving to loopback, private or link-local addresses."""

    def __init__(self) -> None:
        self._inner = aiohttp.ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve, then keep only public addresses."""
        found = await self._inner.resolve(host, port, family)
        public = [r for r in found if _is_public(r["host"])]
        if not public:
            raise OSError(f"{host} resolves only to private addresses")
        return public

    async def close(self) -> None:
        """Close the wrapped resolver."""
        await self._inner.close()


def _is_public(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_global
    except ValueError:
        return False


def retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Read a Retry-After header (seconds or an HTTP date) as a delay, capped at a day."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        delay = timedelta(seconds=int(value))
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        delay = when - now
    return max(timedelta(0), min(delay, MAX_RETRY_AFTER))


def address_refusal(url: str, policy: FetchPolicy) -> str | None:
    """Why `url` is never fetched under `policy`, told before any request (not a web
    address, or a private or loopback address typed as such), or None."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        return f"not a web address: {url[:200]}"
    if parts.scheme not in {"http", "https"} or not hostname:
        return f"not a web address: {url[:200]}"
    if not policy.allow_private:
        try:
            literal = ipaddress.ip_address(hostname)
        except ValueError:
            literal = None
        if literal is not None and not literal.is_global:
            return "private and loopback addresses are not fetched"
    return None


def _host(url: str) -> str:
    return (urlsplit(url).netloc or "").lower()


@dataclass
class _Robots:
    parser: RobotFileParser
    expires: datetime


class Fetcher:
    """One aiohttp session with per-host limits, host cool-downs and a robots.txt cache."""

    def __init__(self, policy: FetchPolicy | None = None, *, clock: Clock | None = None) -> None:
        self.policy = policy or FetchPolicy()
        self.clock = clock or SystemClock()
        self._session: aiohttp.ClientSession | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._not_before: dict[str, datetime] = {}
        self._robots: dict[str, _Robots] = {}
        self.requests = 0  # how many HTTP requests went out (for tests and `feeds` stats)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session (idempotent)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                resolver=None if self.policy.allow_private else _PublicOnlyResolver(),
                limit=32,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(
                    total=self.policy.timeout_seconds,
                    sock_connect=self.policy.connect_timeout_seconds,
                ),
                headers={"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"},
                auto_decompress=True,
            )
        return self._session

    def _check_url(self, url: str) -> None:
        refused = address_refusal(url, self.policy)
        if refused is not None:
            raise FetchError(refused, kind="blocked")

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
        max_bytes: int | None = None,
    ) -> Fetched:
        """GET a URL (conditionally when validators are given); raise FetchError on failure."""
        host = _host(url)
        wait_until = self._not_before.get(host)
        now = self.clock.now()
        if wait_until and now < wait_until:
            raise FetchError(
                f"{host} asked us to wait until {wait_until:%H:%M} UTC",
                kind="http",
                status=429,
                retry_after=wait_until - now,
            )
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        semaphore = self._hosts.setdefault(host, asyncio.Semaphore(self.policy.per_host))
        async with semaphore:
            return await self._follow(url, headers, max_bytes or self.policy.max_bytes)

    async def _follow(self, url: str, headers: dict[str, str], cap: int) -> Fetched:
        visited = [url]
        while True:
            self._check_url(url)
            try:
                fetched, location = await self._request(url, headers, cap)
            except TimeoutError:
                raise FetchError(
                    f"timed out after {self.policy.timeout_seconds:g} s", kind="timeout"
                ) from None
            except aiohttp.ClientConnectorError as exc:
                blocked = "private addresses" in str(getattr(exc, "os_error", ""))
                kind = "blocked" if blocked else "network"
                message = f"cannot connect to {_host(url)}: {exc.strerror or exc}"
                raise FetchError(message, kind=kind) from None
            except aiohttp.ClientPayloadError as exc:
                raise FetchError(f"the response was cut off: {exc}", kind="network") from None
            except aiohttp.ClientError as exc:
                raise FetchError(f"network error: {exc}", kind="network") from None
            if location is None:
                return fetched
            target = urljoin(url, location)
            if target in visited:
                raise FetchError(
                    f"redirect loop ({len(visited)} hops back to {target[:120]})", kind="redirects"
                )
            if len(visited) > self.policy.max_redirects:
                raise FetchError(
                    f"more than {self.policy.max_redirects} redirects", kind="redirects"
                )
            visited.append(target)
            url = target

    async def _request(
        self, url: str, headers: dict[str, str], cap: int
    ) -> tuple[Fetched, str | None]:
        self.requests += 1
        async with self._client().get(url, headers=headers, allow_redirects=False) as response:
            status = response.status
            if status in REDIRECTS and response.headers.get("Location"):
                return self._fetched(url, response, b""), response.headers["Location"]
            if status == 304:
                return self._fetched(url, response, b""), None
            if status >= 400:
                raise self._http_error(url, response)
            if response.content_length is not None and response.content_length > cap:
                raise self._too_large(response.content_length, cap)
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.content.iter_chunked(64 * 1024):
                size += len(chunk)
                if size > cap:
                    # Leaving the block without reading on closes the connection: the rest of
                    # an oversized body is never downloaded.
                    raise self._too_large(None, cap)
                chunks.append(chunk)
            return self._fetched(url, response, b"".join(chunks)), None

    def _fetched(self, url: str, response: aiohttp.ClientResponse, body: bytes) -> Fetched:
        return Fetched(
            url=url,
            status=response.status,
            body=body,
            content_type=response.content_type or "",
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            headers={k.lower(): v for k, v in response.headers.items()},
        )

    def _too_large(self, declared: int | None, cap: int) -> FetchError:
        mb = 1024 * 1024
        size = f"{declared / mb:.1f} MB, " if declared else ""
        return FetchError(
            f"response is {size}over the {cap / mb:g} MB cap (stopped reading)", kind="too-large"
        )

    def _http_error(self, url: str, response: aiohttp.ClientResponse) -> FetchError:
        status = response.status
        now = self.clock.now()
        delay = retry_after(response.headers.get("Retry-After"), now)
        if status in {429, 503} and delay:
            # The whole host asked for a pause, not just this URL: honour it for every feed.
            self._not_before[_host(url)] = now + delay
        reason = response.reason or ""
        return FetchError(
            f"HTTP {status} {reason}".strip(), kind="http", status=status, retry_after=delay
        )

    # -- robots.txt -------------------------------------------------------------------------

    async def allowed(self, url: str) -> bool:
        """Whether robots.txt lets this bot fetch the page (cached per site)."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        now = self.clock.now()
        cached = self._robots.get(site)
        if cached is None or cached.expires <= now:
            parser, ttl = await self._load_robots(site)
            cached = self._robots[site] = _Robots(parser, now + ttl)
        return cached.parser.can_fetch(self.policy.user_agent, url)

    async def _load_robots(self, site: str) -> tuple[RobotFileParser, timedelta]:
        parser = RobotFileParser(site + "/robots.txt")
        try:
            fetched = await self.get(
                site + "/robots.txt", accept="text/plain", max_bytes=ROBOTS_MAX_BYTES
            )
        except FetchError as exc:
            # As Python's robotparser: 401/403 forbid everything, other 4xx allow everything;
            # an unreachable robots.txt (5xx, timeout) is taken as "not now" (RFC 9309 §2.3.1.4).
            if exc.status in {401, 403}:
                parser.disallow_all = True
            elif exc.status is None or exc.status >= 500:
                parser.disallow_all = True
                return parser, ROBOTS_RETRY
            else:
                parser.allow_all = True
            return parser, self.policy.robots_ttl
        parser.parse(fetched.body.decode("utf-8", "replace").splitlines())
        return parser, self.policy.robots_ttl

    async def fetch_page(self, url: str) -> Fetched:
        """GET an article page, if robots.txt allows it; raise FetchError(kind='robots') if not."""
        if not await self.allowed(url):
            raise FetchError("robots.txt asks bots not to fetch this page", kind="robots")
        return await self.get(url, accept=PAGE_ACCEPT)


def describe(error: FetchError) -> str:
    """A short status for feed health lists: "timeout", "http 404", "too large"..."""
    if error.kind == "http" and error.status:
        return f"http {error.status}"
    return error.kind.replace("-", " ")
