"""`python -m bot invite`: the invite URL, from the token or an explicit id, never the token."""

from urllib.parse import parse_qs, urlsplit

import pytest

from bot.cli import main
from bot.cli.invite import PERMISSIONS

# A made-up token whose first part is base64("123456789012345678").
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gxxxxx.secret-part-never-printed"


def test_invite_url_from_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    assert main(["invite"]) == 0
    printed = capsys.readouterr().out
    url = printed.splitlines()[0]
    query = parse_qs(urlsplit(url).query)
    assert urlsplit(url).netloc == "discord.com"
    assert query["client_id"] == ["123456789012345678"]
    assert query["scope"] == ["bot applications.commands"]
    assert int(query["permissions"][0]) == sum(PERMISSIONS.values())
    assert "secret-part" not in printed and "Gxxxxx" not in printed


def test_invite_without_token_asks_for_the_id(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "")
    assert main(["invite"]) == 2
    assert "--client-id" in capsys.readouterr().err
    assert main(["invite", "--client-id", "42"]) == 0
    assert "client_id=42" in capsys.readouterr().out
