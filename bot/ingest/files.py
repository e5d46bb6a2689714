"""Reading article files safely: size caps, binary and encoding checks, recursive folders."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from bot.ingest.records import parse_json, parse_jsonl, parse_jsonl_line
from bot.ingest.text import ArticleFormatError, parse_text
from bot.models import ArticleDraft

# A news article is kilobytes; anything past this is not an article (and would stall ingest).
MAX_FILE_BYTES = 10 * 1024 * 1024
# JSON Lines files hold many articles, so they are capped per line rather than per file.
MAX_LINE_BYTES = 10 * 1024 * 1024
# How much of an oversized line is read at a time while skipping to its end.
SKIP_CHUNK = 64 * 1024

Parsed = Iterator[tuple[str, ArticleDraft | str]]


def file_origin(path: Path) -> str:
    """The origin of an article read from `path`: file:RELATIVE/PATH (absolute outside cwd)."""
    resolved = path.resolve()
    try:
        return "file:" + resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return "file:" + resolved.as_posix()


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise ArticleFormatError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleFormatError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it with e.g. `iconv -f cp1252 -t utf-8`"
        ) from None


def _read_text_article(path: Path, text: str, origin: str) -> Parsed:
    parsed = parse_text(text)
    yield (
        origin,
        ArticleDraft(
            title=parsed.title,
            caption=parsed.caption,
            body="\n\n".join(parsed.paragraphs),
            origin=origin,
            source=parsed.source,
            desk=parsed.desk,
            dateline=parsed.dateline,
        ),
    )


def _read_json(path: Path, text: str, origin: str) -> Parsed:
    return parse_json(text, origin)


def _read_jsonl(path: Path, text: str, origin: str) -> Parsed:
    return parse_jsonl(text, origin)


def _size(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 1_000_000 else f"{count:,} bytes"


def _limit(count: int) -> str:
    return f"{count / 1e6:.0f} MB" if count >= 1_000_000 else f"{count:,} bytes"


def _lines(handle: BinaryIO, cap: int) -> Iterator[tuple[bytes | None, int]]:
    """Yield (line, size) for each line; a line over `cap` bytes is (None, its size), found
    while reading and skipped to its newline without ever holding more than `cap` bytes."""
    while raw := handle.readline(cap + 1):
        if len(raw) <= cap:
            yield raw, len(raw)
            continue
        size = len(raw)
        while not raw.endswith(b"\n") and (raw := handle.readline(SKIP_CHUNK)):
            size += len(raw)
        yield None, size


def _stream_jsonl(path: Path, origin: str, max_line_bytes: int) -> Parsed:
    """Read a JSON Lines file line by line: any size, each line capped and decoded alone."""
    with path.open("rb") as handle:
        if b"\x00" in handle.read(8192):
            yield origin, "binary file (contains NUL bytes), not text"
            return
        handle.seek(0)
        for number, (raw, size) in enumerate(_lines(handle, max_line_bytes), start=1):
            if raw is None:
                over = f"over {_limit(max_line_bytes)}"
                yield f"{origin}:{number}", f"line {number} is {_size(size)}, {over}"
                continue
            try:
                line = _decode(raw)
            except ArticleFormatError as exc:
                yield f"{origin}:{number}", f"line {number}: {exc}"
                continue
            yield from parse_jsonl_line(line, number, origin)


Reader = Callable[[Path, str, str], Parsed]

# Suffix → reader; the feeds package registers ".html" here (trafilatura extraction).
READERS: dict[str, Reader] = {
    ".txt": _read_text_article,
    ".json": _read_json,
    ".jsonl": _read_jsonl,
}


def read_file(path: Path, *, max_line_bytes: int | None = None) -> Parsed:
    """Yield (where, draft or reason-for-skipping) for every article in one file; JSON Lines
    lines longer than `max_line_bytes` (default MAX_LINE_BYTES) are refused while read."""
    origin = file_origin(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        yield origin, f"unsupported file type {path.suffix or '(none)'!r}"
        return
    try:
        size = path.stat().st_size
        if size == 0:
            yield origin, "empty file"
            return
        if reader is _read_jsonl:
            # JSON Lines holds many articles: streamed, so its size is not capped, its lines are.
            yield from _stream_jsonl(path, origin, max_line_bytes or MAX_LINE_BYTES)
            return
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES / 1e6
            yield origin, f"file is {size / 1e6:.1f} MB, over the {limit:.0f} MB limit"
            return
        data = path.read_bytes()
    except OSError as exc:
        yield origin, f"cannot read: {exc.strerror or exc}"
        return
    try:
        text = _decode(data)
        if not text.strip():
            yield origin, "empty file (only whitespace)"
            return
        yield from reader(path, text, origin)
    except ArticleFormatError as exc:
        yield origin, str(exc)


def find_files(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files and folders (recursively, hidden entries skipped); also return missing ones."""
    found: list[Path] = []
    missing: list[tuple[str, str]] = []
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(
                    Path(root) / name
                    for name in sorted(files)
                    if not name.startswith(".") and Path(name).suffix.lower() in READERS
                )
        elif path.is_file():
            found.append(path)
        else:
            missing.append((str(path), "no such file or folder"))
    return found, missing
