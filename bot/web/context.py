"""What the web's handlers work with: the store, the clock, metrics, the Discord it signs
members in with, the bot it is served for (when the bot started it), and the site's options."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from aiohttp import web

from bot.clock import Clock, SystemClock
from bot.config import Secret, Settings
from bot.feeds.fetcher import FetchPolicy
from bot.metrics import Metrics
from bot.nlp.service import NlpService
from bot.store import Store
from bot.web.bot_link import BotLink

DISCORD = "https://discord.com"


@dataclass(frozen=True)
class Discord:
    """The Discord that members sign in with: discord.com, or the sandbox's emulator."""

    client_id: int
    client_secret: Secret
    base_url: str = DISCORD  # authorize at /oauth2/authorize, tokens at /api/oauth2/token

    @property
    def api_url(self) -> str:
        """The REST API's base."""
        return f"{self.base_url}/api/v10"


@dataclass(frozen=True)
class WebOptions:
    """How the site behaves: who may read it, how long sessions last."""

    public_archive: bool = False
    session_lifetime: timedelta = timedelta(days=7)
    # Where browsers reach the site; empty until the server knows its port (WebServer sets it).
    base_url: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> WebOptions:
        """The options the settings (WEB_PUBLIC_ARCHIVE, WEB_SESSION_DAYS, WEB_BASE_URL) give."""
        return cls(
            public_archive=settings.web_public_archive,
            session_lifetime=timedelta(days=settings.web_session_days),
            base_url=settings.web_base_url,
        )

    @property
    def secure(self) -> bool:
        """Served over https: cookies are Secure, and browsers are told to stay on https."""
        return urlsplit(self.base_url).scheme == "https"

    @property
    def redirect_uri(self) -> str:
        """Where Discord sends members back after they sign in (register it with Discord)."""
        return f"{self.base_url}/auth/callback"


@dataclass
class WebContext:
    """Everything a request handler may use; one per web application."""

    store: Store
    options: WebOptions = field(default_factory=WebOptions)
    discord: Discord | None = None  # None: signing in is not configured
    clock: Clock = field(default_factory=SystemClock)
    metrics: Metrics = field(default_factory=Metrics)
    # Served for a bot (its child process): the bot's gateway state and metrics (None when
    # the web runs alone, `python -m bot web`).
    bot: BotLink | None = None
    # Where an article without a current analysis is analysed (None: the shared default).
    nlp: NlpService | None = None
    # What feed addresses a test fetch may reach (the bot's own policy inside the bot).
    fetch_policy: FetchPolicy = field(default_factory=FetchPolicy)


CONTEXT: web.AppKey[WebContext] = web.AppKey("newsdesk_context", WebContext)


def context_of(request: web.Request) -> WebContext:
    """The context of the application serving `request`."""
    return request.app[CONTEXT]
