"""CLI commands over stored NLP results: `summary ID`, `entity NAME`, `entities`, `enrich`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.cli.common import with_store
from bot.config import Settings
from bot.models.entity import ENTITY_TYPES, EntityProfile, KnownEntity
from bot.nlp.enrichment import enrich_pending
from bot.nlp.lookup import article_summary, entity_profile, top_entities
from bot.nlp.service import NlpService
from bot.store import Store

out = Console(highlight=False)


def _entity_json(entity: KnownEntity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "name": entity.name,
        "label": entity.label,
        "type": entity.kind,
        "mentions": entity.mention_count,
        "articles": entity.article_count,
    }


def _summary(args: argparse.Namespace) -> int:
    settings: Settings = args.settings

    async def work(store: Store) -> int:
        # The CLI has no event loop to keep responsive: analyse in-process if needed.
        result = await article_summary(
            store,
            args.id,
            sentences=args.sentences,
            max_words=args.max_words,
            service=NlpService("inline"),
        )
        if args.json:
            out.print_json(
                json.dumps(
                    {
                        "id": result.article.id,
                        "title": result.article.title,
                        "summary": " ".join(s.text for s in result.sentences),
                        "sentences": [
                            {"text": s.text, "start": s.start, "end": s.end}
                            for s in result.sentences
                        ],
                        "entities": [
                            {**_entity_json(t.entity), "in_article": t.mentions}
                            for t in result.entities
                        ],
                    },
                    ensure_ascii=False,
                )
            )
            return 0
        out.print(f"[bold]{escape(result.article.title)}[/] [dim]#{result.article.id}[/]")
        for sentence in result.sentences:
            out.print(f" • {escape(sentence.text)}")
        if result.entities:
            names = ", ".join(f"{t.entity.name} ({t.entity.kind})" for t in result.entities)
            out.print(f"[dim]Mentions:[/] {escape(names)}")
        return 0

    return with_store(settings, work)


def _print_profile(profile: EntityProfile) -> None:
    entity = profile.entity
    out.print(f"[bold]{escape(entity.name)}[/] [dim]{entity.kind} · #{entity.id}[/]")
    if profile.aliases:
        out.print(f"also: {escape(', '.join(profile.aliases))}")
    first, last = (profile.first_seen or "–")[:10], (profile.last_seen or "–")[:10]
    out.print(
        f"{entity.mention_count} mention(s) in {entity.article_count} article(s); "
        f"first seen {first}, last seen {last}"
    )
    if profile.sentences:
        out.print("\n[bold]Latest[/]")
        for s in profile.sentences:
            out.print(f" • {escape(s.text)} [dim]— #{s.article_id} {escape(s.title)}[/]")
    if profile.co_mentioned:
        names = ", ".join(f"{c.entity.name} ({c.shared_articles})" for c in profile.co_mentioned)
        out.print(f"\n[bold]Named with[/] {escape(names)}")


def _entity(args: argparse.Namespace) -> int:
    settings: Settings = args.settings

    async def work(store: Store) -> int:
        profile = await entity_profile(store, " ".join(args.name), articles=args.articles)
        if not args.json:
            _print_profile(profile)
            return 0
        out.print_json(
            json.dumps(
                {
                    **_entity_json(profile.entity),
                    "aliases": list(profile.aliases),
                    "first_seen": profile.first_seen,
                    "last_seen": profile.last_seen,
                    "sentences": [
                        {"article": s.article_id, "title": s.title, "when": s.when, "text": s.text}
                        for s in profile.sentences
                    ],
                    "co_mentioned": [
                        {**_entity_json(c.entity), "shared_articles": c.shared_articles}
                        for c in profile.co_mentioned
                    ],
                },
                ensure_ascii=False,
            )
        )
        return 0

    return with_store(settings, work)


def _entities(args: argparse.Namespace) -> int:
    settings: Settings = args.settings

    async def work(store: Store) -> int:
        tallies = await top_entities(store, args.type, args.days, args.limit)
        if args.json:
            out.print_json(
                json.dumps(
                    [
                        {**_entity_json(t.entity), "mentions": t.mentions, "articles": t.articles}
                        for t in tallies
                    ],
                    ensure_ascii=False,
                )
            )
            return 0
        period = f"last {args.days} days" if args.days else "all time"
        table = Table(title=f"Most mentioned ({args.type or 'all types'}, {period})")
        for column in ("entity", "type", "mentions", "articles"):
            table.add_column(
                column, justify="right" if column in ("mentions", "articles") else "left"
            )
        for t in tallies:
            table.add_row(escape(t.entity.name), t.entity.kind, str(t.mentions), str(t.articles))
        out.print(table)
        return 0 if tallies else 1

    return with_store(settings, work)


def _enrich(args: argparse.Namespace) -> int:
    settings: Settings = args.settings

    async def work(store: Store) -> int:
        saved = await enrich_pending(store, NlpService("inline"))
        out.print(f"{saved} article(s) analysed")
        return 0

    return with_store(settings, work)


def register(sub: argparse._SubParsersAction) -> None:
    """Add summary, entity, entities and enrich."""
    p = sub.add_parser(
        "summary",
        help="summary of a stored article",
        description="Best sentences of article ID in document order, and the entities it names.",
    )
    p.add_argument("id", type=int, help="article id (see `search`)")
    length = p.add_mutually_exclusive_group()
    length.add_argument("--sentences", type=int, metavar="N", help="number of sentences (3)")
    length.add_argument(
        "--max-words", type=int, metavar="N", help="whole sentences, best first, up to N words"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_summary)

    p = sub.add_parser(
        "entity",
        help="what the articles say about a person, organisation or place",
        description="Profile of an entity: type, aliases, counts, first/last seen, sentences "
        'from its latest articles, entities named with it. NAME may be an alias ("NSC"), '
        'a surname ("Halevi"), or carry a type to pick between namesakes: "Gaza (place)".',
    )
    p.add_argument("name", nargs="+", help="the entity's name")
    p.add_argument("--articles", type=int, default=5, help="latest articles to quote (5)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_entity)

    p = sub.add_parser("entities", help="the most mentioned entities")
    p.add_argument("--type", help=f"one of: {', '.join(ENTITY_TYPES)} (or a label like GPE)")
    p.add_argument("--days", type=int, help="only articles of the last N days")
    p.add_argument("--limit", type=int, default=15, help="how many (15)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_entities)

    p = sub.add_parser(
        "enrich",
        help="analyse articles that lack current summaries and entities",
        description="Runs the NLP step on every article stored without it (ingest --no-nlp, "
        "an interrupted ingest) or analysed by older NLP code.",
    )
    p.set_defaults(func=_enrich)
