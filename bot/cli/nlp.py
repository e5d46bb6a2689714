"""`nlp summarize`, `nlp entities` and `nlp quotes` commands: plain text, JSON, or JSONL
batches."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from typing import IO, Any

from bot.cli.arguments import Parser, add_summary_length
from bot.models.analysis import Analysis
from bot.models.quote import Quote
from bot.nlp.errors import NlpError, NlpUnavailable
from bot.terminal import json_text, printable

# The quote extractor's cap, repeated here so `--help` needs no model import.
MAX_QUOTE_CHARS = 100_000

BATCH = 256


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `nlp` command group to an argparse subparsers object; returns its parser.

    Each leaf command sets `func`, which takes the parsed namespace and returns an exit code.
    """
    nlp = subparsers.add_parser("nlp", help="summaries, entities and quotes of a text file")
    commands = nlp.add_subparsers(dest="nlp_command", required=True)

    summarize = commands.add_parser(
        "summarize",
        help="extractive summary of a text",
        description="Best sentences of FILE, printed in document order.",
    )
    summarize.add_argument("file", metavar="FILE", help="plain text file, or - for stdin")
    add_summary_length(summarize)
    _add_format_flags(summarize, '{"summary": ..., "sentences": [{text, start, end}]}')
    summarize.set_defaults(func=run_summarize)

    entities = commands.add_parser(
        "entities",
        help="named entities of a text",
        description="Entities of FILE with character offsets and canonical names.",
    )
    entities.add_argument("file", metavar="FILE", help="plain text file, or - for stdin")
    _add_format_flags(entities, '{"entities": [{text, label, start, end, canonical}]}')
    entities.set_defaults(func=run_entities)

    quotes = commands.add_parser(
        "quotes",
        help="who said what in a text",
        description="Direct quotations in FILE with character offsets and the canonical name "
        "of their speaker (null when the text does not say who). Texts longer than "
        f"{MAX_QUOTE_CHARS:,} characters are read up to there only, and the output says so.",
    )
    quotes.add_argument("file", metavar="FILE", help="plain text file, or - for stdin")
    _add_format_flags(quotes, '{"quotes": [{quote, speaker, start, end}]}')
    quotes.set_defaults(func=run_quotes)
    return nlp


def _add_format_flags(parser: argparse.ArgumentParser, shape: str) -> None:
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument(
        "--jsonl",
        action="store_true",
        help=f'batch: one {{"text": ...}} per input line, one {shape} per output line, in order',
    )


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def _jsonl_texts(path: str) -> Iterator[str | None]:
    """Texts of a JSONL input; None marks a line that is not {"text": str}."""
    stream: IO[str] = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    try:
        for line in stream:
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                yield None
                continue
            text = row.get("text") if isinstance(row, dict) else None
            yield text if isinstance(text, str) else None
    finally:
        if stream is not sys.stdin:
            stream.close()


def _batches(items: Iterator[str | None], size: int) -> Iterator[list[str | None]]:
    batch: list[str | None] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _analyses(texts: Sequence[str | None]) -> list[Analysis | None]:
    from bot.nlp.analysis import analyze_texts

    valid = [t for t in texts if t is not None]
    done = iter(analyze_texts(valid))
    return [None if t is None else next(done) for t in texts]


def summary_json(
    analysis: Analysis, sentences: int | None = None, max_words: int | None = None
) -> dict[str, Any]:
    """JSON-ready summary: the summary text and its sentences with offsets."""
    from bot.nlp.analysis import summarize

    chosen = summarize(analysis, sentences=sentences, max_words=max_words)
    return {
        "summary": " ".join(" ".join(s.text.split()) for s in chosen),
        "sentences": [{"text": s.text, "start": s.start, "end": s.end} for s in chosen],
    }


def entities_json(analysis: Analysis) -> list[dict[str, Any]]:
    """JSON-ready body mentions: text, spaCy label, offsets into the input, canonical name."""
    return [
        {"text": m.text, "label": m.label, "start": m.start, "end": m.end, "canonical": m.canonical}
        for m in analysis.mentions
        if m.section == "body"
    ]


def _emit(obj: object) -> None:
    sys.stdout.write(json_text(obj) + "\n")


def run_summarize(args: argparse.Namespace) -> int:
    """Handle `nlp summarize`."""
    limits = {"sentences": args.sentences, "max_words": args.max_words}
    return _run(args, lambda a: summary_json(a, **limits), "summary", _print_summary)


def run_entities(args: argparse.Namespace) -> int:
    """Handle `nlp entities`."""
    return _run(args, entities_json, "entities", _print_entities)


def _run(args: argparse.Namespace, to_json: Any, key: str, printer: Any) -> int:
    try:
        if args.jsonl:
            for batch in _batches(_jsonl_texts(args.file), BATCH):
                for analysis in _analyses(batch):
                    if analysis is None:
                        _emit({"error": 'expected a JSON object {"text": "..."}'})
                    else:
                        result = to_json(analysis)
                        _emit(result if key == "summary" else {key: result})
                sys.stdout.flush()
            return 0
        text = _read(args.file)
        analysis = _analyses([text])[0]
        assert analysis is not None
        if args.json:
            _emit(to_json(analysis))
        else:
            printer(analysis, to_json(analysis))
        return 0
    except NlpError as exc:
        print(printable(f"error: {exc}"), file=sys.stderr)
        return 1
    except OSError as exc:
        print(printable(f"error: cannot read {args.file}: {exc.strerror or exc}"), file=sys.stderr)
        return 1


def quotes_json(quotes: Sequence[Quote], length: int) -> dict[str, Any]:
    """JSON-ready quotations of one text; `capped_at` when the text was read only in part."""
    result: dict[str, Any] = {"quotes": [q.as_json() for q in quotes]}
    if length > MAX_QUOTE_CHARS:
        result["capped_at"] = MAX_QUOTE_CHARS
    return result


def _capped_note(length: int) -> None:
    print(
        f"note: the text is {length:,} characters; quotes were looked for in the first "
        f"{MAX_QUOTE_CHARS:,} only",
        file=sys.stderr,
    )


def run_quotes(args: argparse.Namespace) -> int:
    """Handle `nlp quotes`."""
    from bot.nlp.analysis import quotes_of_texts

    try:
        if args.jsonl:
            for batch in _batches(_jsonl_texts(args.file), BATCH):
                valid = [t for t in batch if t is not None]
                found = iter(quotes_of_texts(valid))
                for text in batch:
                    if text is None:
                        _emit({"error": 'expected a JSON object {"text": "..."}'})
                    else:
                        _emit(quotes_json(next(found), len(text)))
                sys.stdout.flush()
            return 0
        text = _read(args.file)
        quotes = quotes_of_texts([text])[0]
        if len(text) > MAX_QUOTE_CHARS:
            _capped_note(len(text))
        if args.json:
            _emit(quotes_json(quotes, len(text)))
        else:
            for q in quotes:
                print(printable(f"{q.speaker or '(unattributed)'}\t{' '.join(q.quote.split())}"))
        return 0
    except NlpUnavailable as exc:
        print(printable(f"error: {exc}"), file=sys.stderr)
        return 1
    except OSError as exc:
        print(printable(f"error: cannot read {args.file}: {exc.strerror or exc}"), file=sys.stderr)
        return 1


def _print_summary(_: Analysis, result: dict[str, Any]) -> None:
    for sentence in result["sentences"]:
        print(printable(" ".join(sentence["text"].split())))


def _print_entities(analysis: Analysis, _: object) -> None:
    for entity in analysis.entities:
        aliases = f"  (also: {', '.join(entity.aliases)})" if entity.aliases else ""
        print(printable(f"{entity.canonical}\t{entity.label}\t{entity.count}{aliases}"))


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry point: `python -m bot.cli.nlp nlp summarize FILE`."""
    parser = Parser(prog="python -m bot.cli.nlp")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
