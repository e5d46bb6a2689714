"""Text for Discord: escape article text, shorten it on word boundaries, split it into pages.

Two kinds of text go to Discord, and every helper here says which one it returns:

- **markdown** (message content, embed titles, descriptions, field names and values) is
  rendered by Discord, so raw article text must go through `escape` (or `highlight` for search
  snippets) first: afterwards it can neither ping (`@everyone`, `@here`, `<@id>`, `<@&id>`,
  `<#id>`) nor spoof masked links, code fences, spoilers, quotes, headings or timestamps.
- **plain** text (button and select labels, autocomplete choices, embed footers and authors) is
  shown as typed; `plain` removes control and invisible characters and collapses whitespace.

Shortening raw text: `truncate` (plain) and `fit` (escape or highlight, then shorten the *raw*
text until the rendered form fits, so an escape sequence or a `**` pair is never cut in half).
Shortening text that is already markdown: `clip`. Long text into pages: `paginate`. Text
too full of markdown to escape within a limit: `verbatim` (a code block).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

from bot.models import SNIPPET_END, SNIPPET_START
from bot.models.text import plural as plural  # "1 article": one wording for every surface
from bot.render import limits

ELLIPSIS = "…"
ZERO_WIDTH_SPACE = "\u200b"

Render = Callable[[str], str]

_URL = re.compile(r"https?://[^\s<]+[^<.,:;\"')\]\s]")
# Characters that are markdown wherever they appear.
_INLINE = re.compile(r"([\\*_~`|\[\]])")
# Markdown that only counts at the start of a line: quotes, headings, subtext, lists.
_LINE_START_MARK = re.compile(r"^([ \t]*)([>#+-])", re.MULTILINE)
_LINE_START_NUMBER = re.compile(r"^([ \t]*\d+)\.(?=\s)", re.MULTILINE)
_MARKERS = re.compile(f"([{SNIPPET_START}{SNIPPET_END}])")
# Markdown tokens that must stay whole when clipping: escapes, bold, timestamps, masked links.
_TOKEN = re.compile(
    r"\\.|\*\*|<t:-?\d+(?::[tTdDfFR])?>|\[(?:\\.|[^\]\\\n])*\]\(<?[^)\s]*>?\)|[^\\*<\[]+|.",
    re.DOTALL,
)
_BACKTICKS = re.compile(r"``(?=`)")
_MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)
_SPLIT_MASS_MENTION = re.compile(r"@(?=\*\*(?:everyone|here))", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
_SPACES = re.compile(r"\s+")
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?…\"”])\s+")
# Anything `escape` could change after cleaning: what its substitutions match, `<` and the
# `@` of a mass mention. Most pieces of news text hold none (a snippet's words, a headline),
# and one search spares them the five substitutions (a page's render was half its time there).
_MARKDOWN = re.compile(
    "|".join(p.pattern for p in (_INLINE, _LINE_START_MARK, _LINE_START_NUMBER)) + "|[<@]",
    re.MULTILINE,
)
_TRAILING = " \t\n,;:-–—"


def _visible(char: str) -> str:
    if char in "\n\u200d":  # line breaks, and the joiner inside emoji sequences
        return char
    category = unicodedata.category(char)
    if category == "Cc":
        return " " if char == "\t" else ""
    # Format characters (zero-width, bidi overrides) can hide or reorder text; surrogates
    # cannot be sent at all.
    return "" if category in ("Cf", "Cs") else char


def visible(text: str) -> str:
    """Drop control, zero-width and bidi characters and nothing else (spaces stay as typed)."""
    # Most text has none: a printable string (bar line breaks) holds no Cc, Cf or Cs
    # character, and one C-level check spares a Python call per character.
    if text.replace("\n", "").isprintable():
        return text
    return "".join(map(_visible, text.replace("\r\n", "\n").replace("\r", "\n")))


def clean_text(text: str) -> str:
    """Drop control, zero-width and bidi characters, keeping paragraph breaks (no folding:
    unlike `bot.search.query.clean`, text keeps its exact characters for display)."""
    text = visible(text)
    if "\n" not in text:
        return text.rstrip()  # one line: what `_clean_lines` gives it, for less
    return _clean_lines(text)


def _clean_lines(text: str) -> str:
    """Visible text with its lines' trailing spaces and runs of blank lines dropped."""
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


def plain(text: str, limit: int | None = None) -> str:
    """Plain text on one line (for labels, choices, footers), shortened to `limit` if given."""
    flat = _SPACES.sub(" ", clean_text(text)).strip()
    return truncate(flat, limit) if limit is not None else flat


def escape(text: str) -> str:
    """Raw text → markdown that shows exactly that text and can ping or spoof nothing."""
    text = clean_text(text)
    return text if _MARKDOWN.search(text) is None else _escape_markdown(text)


def _escape_markdown(text: str) -> str:
    """Clean text → markdown (`escape` once the text is known to hold markdown)."""
    parts: list[str] = []
    last = 0
    for url in _URL.finditer(text):
        # Links stay clickable: backslashes inside a URL would end up in the link itself.
        parts.append(_INLINE.sub(r"\\\1", text[last : url.start()]))
        parts.append(url.group())
        last = url.end()
    parts.append(_INLINE.sub(r"\\\1", text[last:]))
    escaped = _MASS_MENTION.sub("@" + ZERO_WIDTH_SPACE + r"\1", "".join(parts))
    # `<` starts mentions, channels, timestamps and emoji. A zero-width space after it breaks
    # them all; a backslash would not do: right after a URL, Discord's autolink swallows it.
    escaped = escaped.replace("<", "<" + ZERO_WIDTH_SPACE)
    escaped = _LINE_START_MARK.sub(r"\1\\\2", escaped)
    return _LINE_START_NUMBER.sub(r"\1\\.", escaped)


def verbatim(text: str) -> str:
    """Raw text → a code block that shows it exactly (for text so full of markdown characters
    that escaping them would double its length): inside, only a run of three backticks could
    end the block, so every second backtick of a run is followed by a zero-width space (at
    most half as long again)."""
    return "```\n" + _BACKTICKS.sub("``" + ZERO_WIDTH_SPACE, clean_text(text)) + "\n```"


def highlight(snippet: str) -> str:
    """A search snippet (terms between SNIPPET_START/END) → one escaped line, terms in bold."""
    out: list[str] = []
    marked = False
    for piece in _MARKERS.split(snippet):
        if piece in (SNIPPET_START, SNIPPET_END):
            marked = piece == SNIPPET_START
            continue
        flat = _SPACES.sub(" ", piece)
        core = flat.strip()
        if not core:
            out.append(flat)
            continue
        # Spaces stay outside the stars, or Discord does not render the bold.
        lead = " " if flat.startswith(" ") else ""
        tail = " " if flat.endswith(" ") else ""
        body = escape(core)
        out.append(f"{lead}**{body}**{tail}" if marked else f"{lead}{body}{tail}")
    # "@" + a marked "everyone" was escaped in two pieces: break the pair up here too.
    return _SPLIT_MASS_MENTION.sub("@" + ZERO_WIDTH_SPACE, "".join(out).strip())


def truncate(text: str, limit: int, *, ellipsis: str = ELLIPSIS) -> str:
    """Shorten plain text to at most `limit` characters, at a word boundary, ending with `…`."""
    if len(text) <= limit:
        return text
    if limit <= len(ellipsis):
        return ellipsis[: max(limit, 0)]
    room = limit - len(ellipsis)
    cut = text[: room + 1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    # Prefer a word boundary, unless that would throw away more than a third of the room.
    cut = cut[:space] if space >= room * 2 // 3 else cut[:room]
    return cut.rstrip(_TRAILING) + ellipsis


def fit(raw: str, limit: int, render: Render = escape) -> str:
    """Render raw text and, if too long, shorten the raw text until the rendered form fits."""
    rendered = render(raw)
    if len(rendered) <= limit:
        return rendered
    best, lo, hi = "", 1, len(raw) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        candidate = render(truncate(raw, mid))
        if len(candidate) <= limit:
            best, lo = candidate, mid + 1
        else:
            hi = mid - 1
    return best


def clip(markdown: str, limit: int) -> str:
    """Shorten text that is already markdown to `limit`, ending with `…`, without splitting an
    escape, a timestamp or a masked link, and closing any bold or italic left open."""
    if len(markdown) <= limit:
        return markdown
    if limit <= len(ELLIPSIS) + 3:
        return ELLIPSIS[: max(limit, 0)]
    room = limit - len(ELLIPSIS) - 3  # room to close "**" and "*"
    kept: list[str] = []
    used = 0
    for match in _TOKEN.finditer(markdown):
        token = match.group()
        if used + len(token) > room:
            if _is_text(token):
                kept.append(token[: room - used])
            break
        kept.append(token)
        used += len(token)
    text = _word_boundary("".join(kept))
    return text + _closers(text) + ELLIPSIS


def _is_text(token: str) -> bool:
    return len(token) == 1 or token[0] not in "\\*<["


def _word_boundary(text: str) -> str:
    """Cut back to the last space in plain text near the end, if there is one."""
    floor = len(text) * 2 // 3
    for match in reversed(list(_TOKEN.finditer(text))):
        if match.end() < floor:
            break
        space = match.group().rfind(" ")
        if _is_text(match.group()) and space != -1 and match.start() + space >= floor:
            return _strip_end(text[: match.start() + space])
    return _strip_end(text)


def _strip_end(text: str) -> str:
    text = text.rstrip(_TRAILING)
    # A lone trailing backslash would escape whatever is appended next.
    backslashes = len(text) - len(text.rstrip("\\"))
    return text[:-1] if backslashes % 2 else text


def _closers(markdown: str) -> str:
    """The `**` / `*` needed to close emphasis left open in `markdown`."""
    stack: list[str] = []
    for match in _TOKEN.finditer(markdown):
        token = match.group()
        if token in ("**", "*"):
            if stack and stack[-1] == token:
                stack.pop()
            else:
                stack.append(token)
    return "".join(reversed(stack))


def paginate(text: str, limit: int, render: Render = escape) -> list[str]:
    """Split raw text into rendered pages of at most `limit` characters: whole paragraphs when
    they fit, else sentences, else words (a word longer than a page is cut)."""
    pages: list[str] = []
    current = ""
    for paragraph in _PARAGRAPHS.split(clean_text(text)):
        if not paragraph.strip():
            continue
        for index, piece in enumerate(_pieces(paragraph.strip(), limit, render)):
            sep = "\n\n" if index == 0 else " "
            if current and len(current) + len(sep) + len(piece) <= limit:
                current += sep + piece
            else:
                if current:
                    pages.append(current)
                current = piece
    if current:
        pages.append(current)
    return pages or [""]


def _pieces(paragraph: str, limit: int, render: Render) -> list[str]:
    """A paragraph as rendered pieces of at most `limit` characters each."""
    whole = render(paragraph)
    if len(whole) <= limit:
        return [whole]
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(paragraph):
        rendered = render(sentence)
        if len(rendered) <= limit:
            pieces.append(rendered)
            continue
        for word in sentence.split():
            rendered = render(word)
            if len(rendered) <= limit:
                pieces.append(rendered)
                continue
            # Escaping at most doubles a character: a third of a page of raw text always fits.
            step = max(limit // 3, 1)
            pieces.extend(render(word[i : i + step]) for i in range(0, len(word), step))
    packed: list[str] = []
    for piece in pieces:
        if packed and len(packed[-1]) + 1 + len(piece) <= limit:
            packed[-1] += " " + piece
        else:
            packed.append(piece)
    return packed


def parse_when(value: str | datetime | date | None) -> datetime | None:
    """Read an ISO-8601 date or datetime (naive means UTC); None when absent or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def timestamp(value: str | datetime | date | None, style: str = "f") -> str:
    """A Discord timestamp (`<t:unix:style>`, shown in each reader's timezone), or ""."""
    if style not in "tTdDfFR" or len(style) != 1:
        raise ValueError(f"unknown timestamp style {style!r}")
    moment = parse_when(value)
    return f"<t:{int(moment.timestamp())}:{style}>" if moment else ""


def safe_url(url: str | None) -> str | None:
    """An http(s) URL Discord accepts for embeds and masked links, or None."""
    if not url:
        return None
    url = url.strip()
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", url, re.IGNORECASE):
        return None
    # Brackets, parentheses and angle brackets would end a masked link early.
    url = quote(url, safe=":/?#@!$&'*+,;=%~-._")
    return url if len(url) <= limits.EMBED_URL else None


def link(label: str, url: str | None) -> str:
    """`[label](url)` when the URL is safe, else just the label; `label` must be markdown."""
    target = safe_url(url)
    return f"[{label}]({target})" if target and label else label


def duration(delta: timedelta) -> str:
    """ "45 min", "2 h 14 min", "1 d 3 h": a delay to the minute (two units at most)."""
    minutes = max(0, round(delta.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"
