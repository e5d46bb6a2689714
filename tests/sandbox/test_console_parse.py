"""The console's reading of typed slash commands against the synced definitions."""

import pytest

from bot.sandbox.command_line import ConsoleError, completions, parse_command
from bot.sandbox.console import ConsoleSession

COMMANDS = [
    {
        "name": "search",
        "type": 1,
        "options": [
            {"name": "query", "type": 3, "required": True},
            {"name": "source", "type": 3},
            {"name": "private", "type": 5},
        ],
    },
    {
        "name": "digest",
        "type": 1,
        "options": [
            {"name": "now", "type": 1, "options": [{"name": "id", "type": 4, "required": True}]},
            {"name": "list", "type": 1, "options": []},
        ],
    },
    {"name": "about", "type": 1, "options": []},
]


def test_named_options_keep_spaces() -> None:
    parsed = parse_command("/search query:Qatar truce source:YWN", COMMANDS)
    assert parsed.path == "search"
    assert parsed.options == {"query": "Qatar truce", "source": "YWN"}


def test_bare_words_fill_required_option() -> None:
    assert parse_command("/search Qatar truce", COMMANDS).options == {"query": "Qatar truce"}
    parsed = parse_command("/digest now 1", COMMANDS)
    assert (parsed.path, parsed.options) == ("digest now", {"id": "1"})


def test_colons_inside_values_that_are_not_option_names() -> None:
    parsed = parse_command("/search query:after:2024-01-01 ceasefire", COMMANDS)
    assert parsed.options == {"query": "after:2024-01-01 ceasefire"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/nosuch", "no command /nosuch"),
        ("/search", "needs query"),
        ("/digest", "needs a subcommand: now, list"),
        ("/about extra", "takes no options"),
    ],
)
def test_errors_say_what_to_type(line: str, message: str) -> None:
    with pytest.raises(ConsoleError, match=message):
        parse_command(line, COMMANDS)


class _FakeDiscord:
    """Only what completion reads: the synced commands and a default user/channel."""

    commands = {None: COMMANDS}  # noqa: RUF012 - a test double's fixed data
    alice = object()

    def channel(self, name: str) -> object:
        return type("Channel", (), {"guild_id": 1, "name": name})()


def test_completion_of_names_subcommands_and_options() -> None:
    session = ConsoleSession(_FakeDiscord())  # type: ignore[arg-type]
    assert list(completions(session.commands(), "/se")) == ["/search "]
    assert list(completions(session.commands(), "/search qu")) == ["query:"]
    assert list(completions(session.commands(), "/search query:x ")) == ["source:", "private:"]
    assert list(completions(session.commands(), "/digest n")) == ["now "]
    assert list(completions(session.commands(), ":cl")) == [":click "]
