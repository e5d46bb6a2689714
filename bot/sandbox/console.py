"""The sandbox console: play a Discord user in a terminal while the real bot answers.

Lines starting with `/` are slash commands (`/search query:Qatar truce`, `/digest now 1`);
`:click Next`, `:select 2`, `:fill title="{title}"` (a form the bot opened), `:as bob`,
`:in news`, `:help`, `:quit` act on the chat; any other line is a channel message
(`!news ceasefire`, `@Newsdesk ceasefire`).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable
from typing import Any

from rich.console import Console
from rich.rule import Rule

from bot.terminal import printable

from .command_line import (
    CHANNEL,
    MENTIONABLE,
    ROLE,
    USER,
    ConsoleError,
    command_options,
    completions,
    parse_command,
)
from .emulator.state import Channel, Interaction, Message, User
from .forms import form_fields, form_lines
from .harness import DiscordEmulator
from .terminal import plain_text, render_message

HELP = """\
[bold]Talk to the bot as a Discord user would.[/]
  /search query:Qatar truce      slash commands (Tab completes names and options)
  /summary article:Qatar         free text is fine where the bot offers choices
  !news ceasefire                a plain channel message (prefix search)
  @Newsdesk ceasefire            mention the bot
  :click Next                    press a button on the last message (label or custom id)
  :select 2                      pick option(s) in the last message's menu
  :fill title="{title}"          fill in and send the form the bot opened (others keep theirs)
  :as bob  /  :in news           switch user / channel
  :help  /  :quit                this help / leave (Ctrl-D works too)"""


class ConsoleSession:
    """The state of one person's chat: who they are, where they type, what they last saw."""

    def __init__(self, discord: DiscordEmulator) -> None:
        self.discord = discord
        self.user = discord.alice
        self.channel = discord.channel("general")
        self.last: list[Message] = []
        # True while a typed line is being answered: its replies are printed by the caller.
        self.busy = False
        # The form (modal) the bot opened in answer to the last command, until it is sent.
        self.form: Interaction | None = None
        # Lines to show before the next answer (a form's fields).
        self.notes: list[str] = []

    def commands(self) -> list[dict[str, Any]]:
        """The slash commands the bot synced (guild commands first, then global)."""
        synced = self.discord.commands
        return [*synced.get(self.channel.guild_id, []), *synced.get(None, [])]

    def person(self, name: str) -> User:
        """The user called `name` (an @ is fine); ConsoleError listing who there is."""
        try:
            return self.discord.user(name.lstrip("@"))
        except KeyError:
            people = sorted(u.username for u in self.discord.world.users.values() if not u.bot)
            raise ConsoleError(
                f"no user called {name.lstrip('@')!r}; try one of: {', '.join(people)}"
            ) from None

    def place(self, name: str) -> Channel:
        """The channel called `name` (a # is fine); ConsoleError listing the channels."""
        try:
            return self.discord.channel(name.lstrip("#"))
        except KeyError:
            guild = self.discord.world.guild_by_id(self.channel.guild_id or 0)
            channels = ", ".join(f"#{c.name}" for c in guild.channels + guild.threads)
            raise ConsoleError(
                f"no channel called {name.lstrip('#')!r}; try one of: {channels}"
            ) from None

    def _typed(self, path: str, values: dict[str, str]) -> dict[str, Any]:
        """Turn `#news`, `@bob` and role names into the emulator's objects for typed options."""
        definition = next(c for c in self.commands() if c["name"] == path.split()[0])
        _, options = command_options(definition, path.split()[1:])
        kinds = {o["name"]: o.get("type") for o in options}
        typed: dict[str, Any] = {}
        for name, value in values.items():
            kind = kinds.get(name)
            if kind == CHANNEL:
                typed[name] = self.place(value)
            elif kind in (USER, MENTIONABLE):
                typed[name] = self.person(value)
            elif kind == ROLE:
                role = next(
                    (
                        r
                        for r in self.discord.guild.roles
                        if r.name.lower() == value.lower().lstrip("@")
                    ),
                    None,
                )
                if role is None:
                    raise ConsoleError(f"no role named {value!r}")
                typed[name] = role
            else:
                typed[name] = value
        return typed

    def take_notes(self) -> list[str]:
        """The lines to show before the answer (then forgotten)."""
        notes, self.notes = self.notes, []
        return notes

    def _with_components(self) -> Message:
        for message in reversed(self.last):
            if message.components:
                return message
        raise ConsoleError("the last reply has no buttons or menus")

    async def execute(self, line: str) -> list[Message]:
        """Act on one typed line; return the bot's visible answers."""
        self.busy = True
        try:
            return await self._execute(line.strip())
        finally:
            self.busy = False

    async def _execute(self, line: str) -> list[Message]:
        if not line:
            return []
        if line.startswith("/"):
            parsed = parse_command(line, self.commands())
            options = self._typed(parsed.path, parsed.options)
            # `named`: options may be called "channel" or "user" like slash()'s own keywords.
            reply = await self.discord.slash(
                parsed.path, user=self.user, channel=self.channel, named=options
            )
            self.last = reply.messages
            if reply.modal is not None:
                self.form = reply
                self.notes.extend(form_lines(reply.modal))
        elif line.startswith(":"):
            return await self._meta(line[1:])
        else:
            self.last = await self.discord.say(self.channel, line, user=self.user)
        return self.last

    async def _meta(self, line: str) -> list[Message]:
        try:
            verb, *args = shlex.split(line)
        except ValueError as exc:
            raise ConsoleError(str(exc)) from None
        if verb == "click" and args:
            reply = await self.discord.click(
                self._with_components(), " ".join(args), user=self.user
            )
            self.last = reply.messages or self.last
            return self.last
        if verb == "select" and args:
            message = self._with_components()
            menus = [
                item
                for row in message.components
                for item in row.get("components", [])
                if item.get("type") == 3
            ]
            if not menus:
                raise ConsoleError("the last reply has no menu")
            values = [_option_value(menus[0], a) for a in args]
            reply = await self.discord.select(
                message, menus[0]["custom_id"], values, user=self.user
            )
            self.last = reply.messages or self.last
            return self.last
        if verb == "fill":
            return await self._fill(args)
        if verb == "as" and args:
            self.user = self.person(args[0])
            return []
        if verb == "in" and args:
            self.channel = self.place(args[0])
            return []
        raise ConsoleError(f"unknown console command :{verb} (try :help)")

    async def _fill(self, args: list[str]) -> list[Message]:
        """Send the open form with `name=value` changes; other fields keep what they show."""
        if self.form is None or self.form.modal is None:
            raise ConsoleError("no form is open: a command that opens one comes first")
        fields = form_fields(self.form.modal)
        values = {f.custom_id: f.value for f in fields}
        for arg in args:
            name, sep, value = arg.partition("=")
            entry = next((f for f in fields if name.casefold() in f.names), None)
            if not sep or entry is None:
                known = ", ".join(f.names[0] for f in fields)
                raise ConsoleError(f"fill fields by name=value; this form has {known}")
            # A typed \n is a line break (the console reads one line at a time).
            values[entry.custom_id] = value.replace("\\n", "\n")
        reply = await self.discord.submit_modal(self.form, values, user=self.user)
        self.form = None
        # A form's answer may come in several messages (a confirmation, then a preview).
        await self.discord.emulator.settle()
        self.last = reply.messages
        return self.last


def _option_value(menu: dict[str, Any], wanted: str) -> str:
    """A select option by its number (1-based), value or label."""
    options = menu.get("options", [])
    if wanted.isdigit() and 1 <= int(wanted) <= len(options):
        return options[int(wanted) - 1]["value"]
    for option in options:
        if wanted in (option["value"], option.get("label")):
            return option["value"]
    raise ConsoleError(f"no option {wanted!r} in the menu")


def show(console: Console, messages: Iterable[Message]) -> None:
    """Print the bot's answers, one rule apart."""
    for message in messages:
        console.print(render_message(message))
        console.print(Rule(style="grey23"))


Printer = Callable[[Console, Iterable[Message]], None]


def _say(console: Console, text: str, style: str | None = None) -> None:
    """Print text that quotes the bot or what was typed exactly as it reads: printable, and
    neither markup (`[bold]`) nor emoji codes (`:fire:`) interpreted."""
    console.print(printable(text), style=style, markup=False, emoji=False, highlight=False)


async def run_once(session: ConsoleSession, lines: list[str], console: Console) -> int:
    """Run each line, print the replies as plain text; 0 on success, 1 on the first error."""
    for line in lines:
        try:
            messages = await session.execute(line)
        except ConsoleError as exc:
            _say(console, f"error: {exc}", style="red")
            return 1
        except AssertionError as exc:
            _say(console, f"error: the bot did not answer: {exc}", style="red")
            return 1
        for note in session.take_notes():
            _say(console, note)
        for message in messages:
            _say(console, plain_text(message))
    return 0


async def interactive(session: ConsoleSession, console: Console, history_file: str | None) -> int:
    """The chat loop: prompt with history and completion, print replies and the bot's posts."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import Completer, Completion
    from prompt_toolkit.history import FileHistory, InMemoryHistory
    from prompt_toolkit.patch_stdout import patch_stdout

    class _Completer(Completer):
        def get_completions(self, document: Any, complete_event: Any) -> Iterable[Completion]:
            text = document.text_before_cursor
            current = text.split(" ")[-1] if " " in text else text
            for candidate in completions(session.commands(), text):
                yield Completion(candidate, start_position=-len(current))

    history = FileHistory(history_file) if history_file else InMemoryHistory()
    prompt: PromptSession[str] = PromptSession(history=history, completer=_Completer())

    def posted(kind: str, message: Message) -> None:
        # Posts nobody asked for just now (digests, feed announcements) appear as they arrive.
        if kind == "create" and not session.busy and not message.ephemeral:
            show(console, [message])

    session.discord.watch(posted)
    console.print(HELP)
    with patch_stdout(raw=True):
        while True:
            label = f"{session.user.username} in #{session.channel.name}> "
            try:
                line = await prompt.prompt_async(label)
            except (EOFError, KeyboardInterrupt):
                return 0
            if line.strip() in (":quit", ":q", ":exit"):
                return 0
            if line.strip() == ":help":
                console.print(HELP)
                continue
            try:
                answered = await session.execute(line)
                for note in session.take_notes():
                    _say(console, note)
                show(console, answered)
            except ConsoleError as exc:
                _say(console, str(exc), style="red")
            except AssertionError as exc:
                _say(console, f"the bot did not answer in time: {exc}", style="red")
