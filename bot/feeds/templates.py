"""Message templates for feed posts: a small grammar of placeholders, parsed once into a tree.

A template has up to four texts — the message text, and an embed's title, description and
footer — plus a style (embed colour, thumbnail). In each text:

    {title}               a placeholder: the item's value, escaped by the render layer
    {summary|title}       the first of these that is not empty
    {summary:200}         cut to at most 200 characters (on a word boundary, with …)
    {published:R}         a Discord timestamp style (t T d D f F R) for {published}
    {{ and }}             literal braces

That is all: no attribute access, no expressions, nothing evaluated. Values are never
formatted with `str.format`; the tree holds literal text and placeholders, and the render layer
(bot/render/feed_posts.py) fills them, escaping article text, and checks Discord's limits.
When a placeholder comes out empty, the separator beside it (` · `, ` | `, ` - `, ` – `,
` — `, `, `, `: `) goes too, so `{source} · {also_in} · {author}` reads well without other
outlets or a byline.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from bot.errors import NewsdeskError
from bot.store import Store, Subscription

log = logging.getLogger(__name__)

# The guild setting holding a server's default template (JSON, as on a subscription).
SERVER_TEMPLATE_KEY = "feed_template"
# Each placeholder and what it shows (the /feeds template help and error messages list them).
PLACEHOLDERS = {
    "title": "the article's headline",
    "summary": "one or two sentences (the feed's standfirst or the article's lead)",
    "link": "the article's address",
    "source": "the outlet that published it",
    "author": "its byline, when the feed gives one",
    "published": "when it was published (a Discord timestamp; {published:R} → '2 hours ago')",
    "entities": "the people, organisations and places it names most",
    "also_in": "the other outlets that carried the same story",
    "feed": "the feed's name",
    "role": "the subscription's role mention (message text only)",
}
STYLES = "tTdDfFR"
# Placeholders that cannot be cut: a cut link or mention would be broken.
UNCUT = {"link", "role", "published"}
MAX_CUT = 4096
# What each text may hold before rendering (far above any Discord limit it renders into).
MAX_SOURCE_CHARS = 4000
SEPARATORS = ("·", "|", "-", "–", "—", ",", ":")

Part = Literal["content", "title", "description", "footer"]
PART_NAMES: dict[Part, str] = {
    "content": "message text",
    "title": "embed title",
    "description": "embed description",
    "footer": "embed footer",
}

_NAME = re.compile(r"[a-z_]+")
_COLOUR = re.compile(r"^#?([0-9a-fA-F]{6})$")


class TemplateError(NewsdeskError):
    """A template that cannot be used; the message says which part and why."""


@dataclass(frozen=True)
class Text:
    """Text written in the template, shown as written."""

    text: str


@dataclass(frozen=True)
class Placeholder:
    """`{a|b:cut}` or `{published:R}`: the first non-empty of `names`, maybe cut or styled."""

    names: tuple[str, ...]
    cut: int | None = None
    style: str | None = None


Node = Text | Placeholder


@dataclass(frozen=True)
class Pattern:
    """One text of a template, parsed: literal text and placeholders in order."""

    source: str
    nodes: tuple[Node, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.nodes)

    def placeholders(self) -> Iterator[Placeholder]:
        """Each placeholder, in order."""
        return (node for node in self.nodes if isinstance(node, Placeholder))


def _problem(part: Part, where: int, message: str) -> TemplateError:
    return TemplateError(
        f"The {PART_NAMES[part]} can't be used: {message} (at character {where + 1})."
    )


def _placeholder(inside: str, part: Part, where: int) -> Placeholder:
    body, _, modifier = inside.partition(":")
    names = tuple(name.strip() for name in body.split("|"))
    for name in names:
        if not _NAME.fullmatch(name):
            raise _problem(part, where, f"`{{{inside[:40]}}}` is not a placeholder")
        if name not in PLACEHOLDERS:
            known = ", ".join(f"{{{n}}}" for n in PLACEHOLDERS)
            raise _problem(part, where, f"unknown placeholder {{{name}}}; use one of {known}")
    if "role" in names and part != "content":
        raise _problem(
            part, where, "{role} only works in the message text (Discord pings from there)"
        )
    modifier = modifier.strip()
    if not modifier:
        if ":" in inside:
            raise _problem(part, where, f"nothing after the colon in `{{{inside[:40]}}}`")
        return Placeholder(names)
    if modifier.isdigit():
        cut = int(modifier)
        if uncut := [n for n in names if n in UNCUT]:
            raise _problem(part, where, f"{{{uncut[0]}}} can't be cut")
        if not 1 <= cut <= MAX_CUT:
            raise _problem(part, where, f"a cut is 1 to {MAX_CUT} characters, not {cut}")
        return Placeholder(names, cut=cut)
    if len(modifier) == 1 and modifier in STYLES:
        if names != ("published",):
            raise _problem(part, where, f"the style :{modifier} is for {{published}} alone")
        return Placeholder(names, style=modifier)
    raise _problem(
        part,
        where,
        f"`:{modifier[:20]}` is neither a length (like :200) nor a timestamp style ({STYLES})",
    )


def parse_pattern(source: str, part: Part) -> Pattern:
    """Parse one text of a template; TemplateError names the part, the place and the problem."""
    if len(source) > MAX_SOURCE_CHARS:
        raise TemplateError(
            f"The {PART_NAMES[part]} is {len(source):,} characters; keep it under "
            f"{MAX_SOURCE_CHARS:,}."
        )
    nodes: list[Node] = []
    text: list[str] = []
    index = 0
    while index < len(source):
        char = source[index]
        pair = source[index : index + 2]
        if pair in ("{{", "}}"):
            text.append(char)
            index += 2
            continue
        if char == "}":
            raise _problem(part, index, "a lone `}`; write `}}` for a brace")
        if char != "{":
            text.append(char)
            index += 1
            continue
        end = source.find("}", index + 1)
        opened = source.find("{", index + 1)
        if end == -1 or (opened != -1 and opened < end):
            raise _problem(part, index, "a `{` that is never closed; write `{{` for a brace")
        if text:
            nodes.append(Text("".join(text)))
            text = []
        nodes.append(_placeholder(source[index + 1 : end], part, index))
        index = end + 1
    if text:
        nodes.append(Text("".join(text)))
    return Pattern(source, tuple(nodes))


@dataclass(frozen=True)
class MessageTemplate:
    """How a subscription's posts look: the texts as typed, and the embed's style. Without a
    title, description and footer the post is plain text (the message text alone)."""

    content: str = ""
    title: str = ""
    description: str = ""
    footer: str = ""
    colour: int | None = None  # None: Newsdesk's news blue
    thumbnail: bool = True  # the article's image, when its feed or page has one
    patterns: dict[Part, Pattern] = field(default_factory=dict, compare=False, repr=False)

    @property
    def embed(self) -> bool:
        """Whether posts carry an embed (else they are plain text)."""
        return bool(self.title or self.description or self.footer)

    def pattern(self, part: Part) -> Pattern:
        """The parsed text of one part (parsed once, when the template was made)."""
        return self.patterns[part]

    def to_json(self) -> str:
        """The template as stored on a subscription or as a server's default."""
        values = {
            "content": self.content,
            "title": self.title,
            "description": self.description,
            "footer": self.footer,
            "colour": self.colour,
            "thumbnail": self.thumbnail,
        }
        return json.dumps(values, ensure_ascii=False, sort_keys=True)

    def style(self) -> str:
        """The style as typed in the template form: `#1f6feb thumbnail`."""
        words = [] if self.colour is None else [f"#{self.colour:06x}"]
        words.append("thumbnail" if self.thumbnail else "no-thumbnail")
        return " ".join(words)


def make_template(
    *,
    content: str = "",
    title: str = "",
    description: str = "",
    footer: str = "",
    style: str = "",
) -> MessageTemplate:
    """Parse a template's texts and style; TemplateError says what cannot be used."""
    texts: dict[Part, str] = {
        "content": content.strip(),
        "title": title.strip(),
        "description": description.strip(),
        "footer": footer.strip(),
    }
    if not any(texts.values()):
        raise TemplateError("A template needs message text or an embed (a title or description).")
    patterns = {part: parse_pattern(source, part) for part, source in texts.items()}
    colour, thumbnail = parse_style(style)
    return MessageTemplate(**texts, colour=colour, thumbnail=thumbnail, patterns=patterns)


def parse_style(style: str) -> tuple[int | None, bool]:
    """Read `#rrggbb` (the embed colour) and `thumbnail` / `no-thumbnail` from the style line."""
    colour: int | None = None
    thumbnail = True
    for word in style.replace(",", " ").split():
        folded = word.casefold()
        if match := _COLOUR.match(word):
            colour = int(match[1], 16)
        elif folded in ("thumbnail", "image"):
            thumbnail = True
        elif folded in ("no-thumbnail", "nothumbnail", "no-image"):
            thumbnail = False
        elif folded not in ("default", "-"):
            raise TemplateError(
                f"The style `{word[:30]}` is not understood: write a colour like `#1f6feb`, "
                "and `thumbnail` or `no-thumbnail`."
            )
    return colour, thumbnail


def template_from_json(stored: str) -> MessageTemplate:
    """A stored template, parsed again (TemplateError if it no longer parses)."""
    try:
        values = json.loads(stored)
        colour = values.get("colour")
        style = ("" if colour is None else f"#{int(colour):06x} ") + (
            "thumbnail" if values.get("thumbnail", True) else "no-thumbnail"
        )
        return make_template(
            content=str(values.get("content", "")),
            title=str(values.get("title", "")),
            description=str(values.get("description", "")),
            footer=str(values.get("footer", "")),
            style=style,
        )
    except (ValueError, TypeError, AttributeError) as exc:
        raise TemplateError(f"The stored template is unreadable: {exc}") from exc


# What a subscription posts unless it or its server says otherwise: a card with the linked
# headline, a lead, the outlet and the others that carried the story; the role pings first.
DEFAULT_TEMPLATE = make_template(
    content="{role}",
    title="{title}",
    description="{summary}",
    footer="{source|feed} · {also_in}",
)


async def server_template(store: Store, guild_id: int) -> MessageTemplate | None:
    """The server's default template, if it set one."""
    stored = await store.guild_setting(guild_id, SERVER_TEMPLATE_KEY)
    return _readable(stored, f"server {guild_id}") if stored else None


async def template_for(store: Store, subscription: Subscription) -> MessageTemplate:
    """The template a subscription posts with: its own, else its server's, else Newsdesk's."""
    own = _readable(subscription.template, f"feed #{subscription.id}")
    return own or await server_template(store, subscription.guild_id) or DEFAULT_TEMPLATE


def _readable(stored: str, whose: str) -> MessageTemplate | None:
    if not stored:
        return None
    try:
        return template_from_json(stored)
    except TemplateError as exc:
        # Saved templates were checked; one a newer Newsdesk can't read falls back, loudly.
        log.warning("the template of %s is unusable (%s); using the default", whose, exc)
        return None
