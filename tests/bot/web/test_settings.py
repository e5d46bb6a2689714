"""The web's settings: read and checked at start like every other setting."""

from __future__ import annotations

import pytest

from bot.config import SANDBOX_WEB_PORT, settings_from
from bot.errors import ConfigError
from bot.web import WebOptions


def test_the_web_is_off_with_a_token_and_on_in_the_sandbox_unless_told() -> None:
    unset = settings_from({})
    assert unset.web_port_for(sandbox=False) is None
    assert unset.web_port_for(sandbox=True) == SANDBOX_WEB_PORT
    assert settings_from({"WEB_PORT": "0"}).web_port_for(sandbox=False) == 0
    assert settings_from({"WEB_PORT": "9000"}).web_port_for(sandbox=True) == 9000
    assert settings_from({"WEB_PORT": "off"}).web_port_for(sandbox=True) is None


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"WEB_PORT": "http"}, "WEB_PORT"),
        ({"WEB_PORT": "70000"}, "WEB_PORT"),
        ({"WEB_BASE_URL": "news.example.org"}, "WEB_BASE_URL"),
        ({"WEB_BASE_URL": "https://news.example.org/newsdesk"}, "WEB_BASE_URL"),
        ({"WEB_SESSION_DAYS": "0"}, "WEB_SESSION_DAYS"),
        ({"WEB_SESSION_DAYS": "a week"}, "WEB_SESSION_DAYS"),
        ({"WEB_PUBLIC_ARCHIVE": "maybe"}, "WEB_PUBLIC_ARCHIVE"),
        ({"DISCORD_CLIENT_ID": "newsdesk"}, "DISCORD_CLIENT_ID"),
    ],
)
def test_a_bad_web_setting_stops_start_up_naming_it(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        settings_from(env)


def test_options_follow_the_settings() -> None:
    settings = settings_from(
        {
            "WEB_BASE_URL": "https://news.example.org/",
            "WEB_PUBLIC_ARCHIVE": "true",
            "WEB_SESSION_DAYS": "30",
        }
    )
    options = WebOptions.from_settings(settings)
    assert options.public_archive and options.secure
    assert options.session_lifetime.days == 30
    assert options.redirect_uri == "https://news.example.org/auth/callback"
    assert not WebOptions(base_url="http://127.0.0.1:8080").secure
