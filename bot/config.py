"""Typed settings read once from the environment and `.env` (python-dotenv); validated at start."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.errors import ConfigError
from bot.store.backend import DEFAULT_READERS
from bot.terminal import PrintableFormatter

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# The sandbox serves the web here unless WEB_PORT says otherwise.
SANDBOX_WEB_PORT = 8080
MAX_SESSION_DAYS = 90
# Read connections (DATABASE_READERS, default DEFAULT_READERS): each SQLite reader is a thread
# and a page cache, and PostgreSQL's server counts every pooled connection.
MAX_READERS = 32


class Secret(str):
    """A string that never shows itself in a repr, a log line or an f-string."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Secret('********')" if self else "Secret('')"

    def __str__(self) -> str:
        return "********" if self else ""

    def __format__(self, spec: str) -> str:
        return str(self)

    def reveal(self) -> str:
        """Return the real value; call this only where the secret is handed to Discord."""
        return str.__str__(self)


@dataclass(frozen=True)
class Settings:
    """Every setting Newsdesk reads, with its default; see `.env.example` for documentation."""

    discord_token: Secret = field(default_factory=lambda: Secret(""))
    database_path: Path = Path("data/newsdesk.db")
    log_level: str = "INFO"
    command_prefix: str = "!"
    dev_guild_id: int | None = None
    timezone: str = "UTC"
    channel_search: bool = True
    owner_ids: frozenset[int] = frozenset()
    # `sqlite:///path` or `postgresql://...` (may hold a password: a Secret); empty means
    # SQLite at database_path.
    database_url: Secret = field(default_factory=lambda: Secret(""))
    # Reads served side by side (searches, articles, entities, stories): SQLite opens up to
    # this many read-only connections beside its writer; PostgreSQL's pool is this plus 6.
    database_readers: int = DEFAULT_READERS
    # Sharding (see docs/scaling.md): None means one unsharded connection.
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    # The web newsroom (bot/web/): None = not served (the sandbox then uses SANDBOX_WEB_PORT),
    # 0 = any free port; `web_off` (WEB_PORT=off) turns it off in the sandbox too.
    web_port: int | None = None
    web_off: bool = False
    web_host: str = "127.0.0.1"
    # Where browsers reach the web (https://news.example.org): the OAuth2 redirect URL is
    # built on it, and an https one makes cookies Secure. Empty: http://WEB_HOST:PORT.
    web_base_url: str = ""
    # Reader pages for anyone, without signing in (admin pages always need it).
    web_public_archive: bool = False
    web_session_days: int = 7
    # "Login with Discord" (OAuth2): the application's client id and secret.
    discord_client_id: int | None = None
    discord_client_secret: Secret = field(default_factory=lambda: Secret(""))

    @property
    def store_url(self) -> str:
        """Where the store lives: DATABASE_URL, else `sqlite:///` + DATABASE_PATH."""
        return self.database_url.reveal() or f"sqlite:///{self.database_path}"

    @property
    def database_label(self) -> str:
        """Where the data lives, safe to print: the SQLite file, or PostgreSQL's host and
        database without the user or password."""
        url = self.database_url.reveal()
        if url.startswith(("postgresql://", "postgres://")):
            parts = urlsplit(url)
            port = f":{parts.port}" if parts.port else ""
            return f"PostgreSQL {parts.hostname or 'localhost'}{port}{parts.path}"
        if url.startswith("sqlite:///"):
            return url[len("sqlite:///") :]
        return str(self.database_path)

    @property
    def has_token(self) -> bool:
        """True when a Discord token is configured (otherwise the sandbox is used)."""
        return bool(self.discord_token.reveal().strip())

    @property
    def tz(self) -> ZoneInfo:
        """The default timezone as a ZoneInfo."""
        return ZoneInfo(self.timezone)

    def web_port_for(self, *, sandbox: bool) -> int | None:
        """The port the web is served on, or None when it is not served: WEB_PORT when set,
        else SANDBOX_WEB_PORT in the sandbox; never with WEB_PORT=off."""
        if self.web_off:
            return None
        if self.web_port is None and sandbox:
            return SANDBOX_WEB_PORT
        return self.web_port

    def secrets(self) -> tuple[str, ...]:
        """Every secret value, revealed, for the log filter that redacts them."""
        return (
            self.discord_token.reveal(),
            self.discord_client_secret.reveal(),
            self.database_url.reveal(),
        )


# The guild setting holding a server's own channel-search prefix.
PREFIX_KEY = "prefix"
# What a server's own channel-search prefix may not contain (`/settings prefix`): spaces and
# what Discord reads as markdown or a mention.
PREFIX_FORBIDDEN = "`\\*_~|<>@#"


def prefix_problem(prefix: str) -> str | None:
    """Why a server cannot use `prefix` for channel search (`!news`), or None."""
    if not 1 <= len(prefix) <= 5 or any(c.isspace() or c in PREFIX_FORBIDDEN for c in prefix):
        return "A prefix is 1-5 characters without spaces or any of ` \\ * _ ~ | < > @ #."
    return None


def _int_or_none(name: str, raw: str | None) -> int | None:
    if raw is None or not raw.strip():
        return None
    try:
        return int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a number (a Discord id), got {raw.strip()!r}") from None


def _bool(name: str, raw: str | None, default: bool) -> bool:
    if raw is None or not raw.strip():
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw.strip()!r}")


def _database_url(raw: str | None) -> Secret:
    url = (raw or "").strip()
    if url and not url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ConfigError(
            "DATABASE_URL must start with sqlite:/// or postgresql://, got "
            f"{url.split(':', 1)[0]!r}"  # never echo the rest: it may hold a password
        )
    return Secret(url)


def _shards(env: Mapping[str, str | None]) -> tuple[int | None, tuple[int, ...] | None]:
    count = _int_or_none("SHARD_COUNT", env.get("SHARD_COUNT"))
    raw_ids = (env.get("SHARD_IDS") or "").strip()
    if count is None:
        if raw_ids:
            raise ConfigError("SHARD_IDS needs SHARD_COUNT (the cluster's total shard count)")
        return None, None
    if count < 1:
        raise ConfigError(f"SHARD_COUNT must be at least 1, got {count}")
    if not raw_ids:
        return count, tuple(range(count))
    try:
        ids = tuple(sorted({int(part) for part in raw_ids.split(",") if part.strip()}))
    except ValueError:
        raise ConfigError(f"SHARD_IDS must be numbers like 0,1, got {raw_ids!r}") from None
    if not ids or ids[0] < 0 or ids[-1] >= count:
        raise ConfigError(f"SHARD_IDS must be between 0 and {count - 1}, got {raw_ids!r}")
    return count, ids


def _web_port(raw: str | None) -> tuple[int | None, bool]:
    """WEB_PORT: (port or None, whether it is turned off)."""
    value = (raw or "").strip().lower()
    if value in {"off", "false", "no"}:
        return None, True
    if not value:
        return None, False
    if not value.isdigit() or int(value) > 65535:
        raise ConfigError(f"WEB_PORT must be a port number (0-65535) or off, got {value!r}")
    return int(value), False


def _base_url(raw: str | None) -> str:
    url = (raw or "").strip().rstrip("/")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path:
            raise ConfigError(
                f"WEB_BASE_URL must be like https://news.example.org (no path), got {url!r}"
            )
    return url


def _readers(raw: str | None) -> int:
    try:
        readers = int((raw or "").strip() or DEFAULT_READERS)
    except ValueError:
        raise ConfigError(f"DATABASE_READERS must be a number, got {raw!r}") from None
    if not 1 <= readers <= MAX_READERS:
        raise ConfigError(f"DATABASE_READERS must be between 1 and {MAX_READERS}, got {readers}")
    return readers


def _session_days(raw: str | None) -> int:
    try:
        days = int((raw or "7").strip() or "7")
    except ValueError:
        raise ConfigError(f"WEB_SESSION_DAYS must be a number of days, got {raw!r}") from None
    if not 1 <= days <= MAX_SESSION_DAYS:
        raise ConfigError(f"WEB_SESSION_DAYS must be between 1 and {MAX_SESSION_DAYS}, got {days}")
    return days


def settings_from(env: Mapping[str, str | None]) -> Settings:
    """Build validated Settings from a mapping of environment names to values."""
    level = (env.get("LOG_LEVEL") or "INFO").strip().upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {level!r}")
    tz = (env.get("TIMEZONE") or "UTC").strip()
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"TIMEZONE must be an IANA zone such as Europe/London, got {tz!r}"
        ) from None
    prefix = env.get("COMMAND_PREFIX") or "!"
    if len(prefix) > 5 or prefix.strip() != prefix:
        raise ConfigError("COMMAND_PREFIX must be 1-5 characters without spaces")
    owners_raw = env.get("OWNER_IDS") or ""
    owners = frozenset(
        _int_or_none("OWNER_IDS", part) or 0 for part in owners_raw.split(",") if part.strip()
    )
    shard_count, shard_ids = _shards(env)
    web_port, web_off = _web_port(env.get("WEB_PORT"))
    return Settings(
        discord_token=Secret((env.get("DISCORD_TOKEN") or "").strip()),
        database_path=Path((env.get("DATABASE_PATH") or "data/newsdesk.db").strip()),
        log_level=level,
        command_prefix=prefix,
        dev_guild_id=_int_or_none("DEV_GUILD_ID", env.get("DEV_GUILD_ID")),
        timezone=tz,
        channel_search=_bool("CHANNEL_SEARCH", env.get("CHANNEL_SEARCH"), True),
        owner_ids=owners,
        database_url=_database_url(env.get("DATABASE_URL")),
        database_readers=_readers(env.get("DATABASE_READERS")),
        shard_count=shard_count,
        shard_ids=shard_ids,
        web_port=web_port,
        web_off=web_off,
        web_host=(env.get("WEB_HOST") or "127.0.0.1").strip(),
        web_base_url=_base_url(env.get("WEB_BASE_URL")),
        web_public_archive=_bool("WEB_PUBLIC_ARCHIVE", env.get("WEB_PUBLIC_ARCHIVE"), False),
        web_session_days=_session_days(env.get("WEB_SESSION_DAYS")),
        discord_client_id=_int_or_none("DISCORD_CLIENT_ID", env.get("DISCORD_CLIENT_ID")),
        discord_client_secret=Secret((env.get("DISCORD_CLIENT_SECRET") or "").strip()),
    )


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Read `.env` (if present) under the real environment, which wins, and validate."""
    values: dict[str, str | None] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update(dotenv_values(env_file))
    values.update(os.environ)
    return settings_from(values)


class RedactingFilter(logging.Filter):
    """Replace any secret that slips into a log record with asterisks."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the rendered message (and its traceback text) in place."""
        if not self._secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self._secrets:
            message = message.replace(secret, "********")
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, "********")
        record.msg, record.args = message, None
        return True


def configure_logging(settings: Settings) -> None:
    """Set up root logging once, at start, with the token redacted from every record."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        PrintableFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")
    )
    handler.addFilter(RedactingFilter(*settings.secrets()))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
