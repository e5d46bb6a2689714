"""CLI commands over stored NLP results: `summary ID`, `entity NAME`, `entities`, `quotes NAME`,
`enrich`."""

from __future__ import annotations

import argparse
from typing import Any

from rich.table import Table

from bot.cli.arguments import MAX_DAYS, MAX_ID, add_summary_length, whole
from bot.cli.common import not_analysed, with_store
from bot.config import Settings
from bot.insights.quotes import MAX_DAYS as MAX_QUOTE_DAYS
from bot.insights.quotes import EntityQuotes, quotes_named
from bot.models.entity import ENTITY_TYPES, EntityProfile, KnownEntity
from bot.nlp.enrichment import NLP_VERSION, NlpFailure, enrich_pending
from bot.nlp.lookup import article_summary, entity_profile, top_entities
from bot.nlp.service import NlpService
from bot.render.text import plural
from bot.store import Store
from bot.terminal import shown, terminal

out = terminal()


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
            out.print_data(
                {
                    "id": result.article.id,
                    "title": result.article.title,
                    "summary": " ".join(s.text for s in result.sentences),
                    "sentences": [
                        {"text": s.text, "start": s.start, "end": s.end} for s in result.sentences
                    ],
                    "entities": [
                        {**_entity_json(t.entity), "in_article": t.mentions}
                        for t in result.entities
                    ],
                }
            )
            return 0
        out.print(f"[bold]{shown(result.article.title)}[/] [dim]#{result.article.id}[/]")
        for sentence in result.sentences:
            out.print(f" • {shown(sentence.text)}")
        if result.entities:
            names = ", ".join(f"{t.entity.name} ({t.entity.kind})" for t in result.entities)
            out.print(f"[dim]Mentions:[/] {shown(names)}")
        return 0

    return with_store(settings, work)


def _print_profile(profile: EntityProfile) -> None:
    entity = profile.entity
    out.print(f"[bold]{shown(entity.name)}[/] [dim]{entity.kind} · #{entity.id}[/]")
    if profile.aliases:
        out.print(f"also: {shown(', '.join(profile.aliases))}")
    first, last = (profile.first_seen or "–")[:10], (profile.last_seen or "–")[:10]
    out.print(
        f"{entity.mention_count} mention(s) in {entity.article_count} article(s); "
        f"first seen {first}, last seen {last}"
    )
    if profile.sentences:
        out.print("\n[bold]Latest[/]")
        for s in profile.sentences:
            out.print(f" • {shown(s.text)} [dim]— #{s.article_id} {shown(s.title)}[/]")
    if profile.co_mentioned:
        names = ", ".join(f"{c.entity.name} ({c.shared_articles})" for c in profile.co_mentioned)
        out.print(f"\n[bold]Named with[/] {shown(names)}")


def _entity(args: argparse.Namespace) -> int:
    settings: Settings = args.settings

    async def work(store: Store) -> int:
        profile = await entity_profile(store, " ".join(args.name), articles=args.articles)
        if not args.json:
            _print_profile(profile)
            return 0
        out.print_data(
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
            }
        )
        return 0

    return with_store(settings, work)


def _entities(args: argparse.Namespace) -> int:
    settings: Settings = args.settings

    async def work(store: Store) -> int:
        tallies = await top_entities(store, args.type, args.days, args.limit)
        if args.json:
            out.print_data(
                [
                    {**_entity_json(t.entity), "mentions": t.mentions, "articles": t.articles}
                    for t in tallies
                ]
            )
            return 0
        period = f"last {args.days} days" if args.days else "all time"
        table = Table(title=f"Most mentioned ({args.type or 'all types'}, {period})")
        for column in ("entity", "type", "mentions", "articles"):
            table.add_column(
                column, justify="right" if column in ("mentions", "articles") else "left"
            )
        for t in tallies:
            table.add_row(shown(t.entity.name), t.entity.kind, str(t.mentions), str(t.articles))
        out.print(table)
        return 0 if tallies else 1

    return with_store(settings, work)


def _print_quotes(said: EntityQuotes) -> None:
    entity = said.entity
    period = f"last {said.days} days" if said.days else "all time"
    out.print(f"[bold]{shown(entity.name)}[/] [dim]{entity.kind} · #{entity.id} · {period}[/]")
    if not said.groups:
        out.print("No quotations of them are stored for that period.")
    for group in said.groups:
        q = group.quote
        where = " · ".join(p for p in (q.source, q.when[:10], f"#{q.article_id}") if p)
        if group.also_in:
            where += f" · also in {len(group.also_in)}: {', '.join(group.also_in)}"
        out.print(f" • “{shown(' '.join(q.quote.split()))}” [dim]— {shown(where)}[/]")
    if said.capped:
        out.print("[dim](the newest quotations only: give fewer --days for older ones)[/]")


def _quotes(args: argparse.Namespace) -> int:
    settings: Settings = args.settings

    async def work(store: Store) -> int:
        said = await quotes_named(store, " ".join(args.name), days=args.days)
        if args.json:
            out.print_data(said.as_json())
        else:
            _print_quotes(said)
        return 0

    return with_store(settings, work)


def _enrich(args: argparse.Namespace) -> int:
    settings: Settings = args.settings

    async def work(store: Store) -> int:
        failed: list[NlpFailure] = []
        saved = await enrich_pending(store, NlpService("inline"), on_failure=failed.append)
        out.print(f"{plural(saved, 'article')} analysed")
        for line in not_analysed(failed):
            out.print(line, soft_wrap=True)
        now = {f.article_id for f in failed}
        earlier = [i for i in await store.analysis_failures(NLP_VERSION) if i not in now]
        if earlier:
            ids = ", ".join(f"#{i}" for i in earlier[:10]) + (", …" if len(earlier) > 10 else "")
            out.print(
                f"{plural(len(earlier), 'article')} could not be analysed before and "
                f"{'is' if len(earlier) == 1 else 'are'} not tried again until the text or "
                f"the NLP code changes: {ids} (`summary ID` says why)",
                soft_wrap=True,
            )
        # Scripts see whether this run left articles unanalysed.
        return 1 if failed else 0

    return with_store(settings, work)


def register(sub: argparse._SubParsersAction) -> None:
    """Add summary, entity, entities, quotes and enrich."""
    p = sub.add_parser(
        "summary",
        help="summary of a stored article",
        description="Best sentences of article ID in document order, and the entities it names.",
    )
    p.add_argument("id", type=whole(1, MAX_ID), help="article id (see `search`)")
    add_summary_length(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_summary)
    _register_entity_commands(sub)
    p = sub.add_parser(
        "enrich",
        help="analyse articles that lack current summaries and entities",
        description="Runs the NLP step on every article stored without it (ingest --no-nlp, "
        "an interrupted ingest) or analysed by older NLP code. An article it cannot analyse "
        "(e.g. longer than 500,000 characters) is named with the reason, recorded, and not "
        "tried again until its text or the NLP code changes; the exit status is 1 when this "
        "run left articles unanalysed.",
    )
    p.set_defaults(func=_enrich)


def _register_entity_commands(sub: argparse._SubParsersAction) -> None:
    """Add entity, entities and quotes."""
    p = sub.add_parser(
        "entity",
        help="what the articles say about a person, organisation or place",
        description="Profile of an entity: type, aliases, counts, first/last seen, sentences "
        'from its latest articles, entities named with it. NAME may be an alias ("NSC"), '
        'a surname ("Halevi"), or carry a type to pick between namesakes: "Gaza (place)".',
    )
    p.add_argument("name", nargs="+", help="the entity's name")
    p.add_argument(
        "--articles", type=whole(1, 100), default=5, help="latest articles to quote (1–100, 5)"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_entity)

    p = sub.add_parser("entities", help="the most mentioned entities")
    p.add_argument("--type", help=f"one of: {', '.join(ENTITY_TYPES)} (or a label like GPE)")
    p.add_argument(
        "--days", type=whole(1, MAX_DAYS), help="only articles of the last N days (up to 36,500)"
    )
    p.add_argument("--limit", type=whole(1, 1000), default=15, help="how many (1–1000, 15)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_entities)

    p = sub.add_parser(
        "quotes",
        help="what a person or organisation was quoted as saying",
        description="Quotations attributed to an entity, newest first; the same quotation "
        "carried by several outlets is listed once with the others named. NAME as for "
        f"`entity`. The {MAX_QUOTE_DAYS}-day and newest-quotations bounds are those of /quotes.",
    )
    p.add_argument("name", nargs="+", help="the entity's name")
    p.add_argument(
        "--days",
        type=whole(1, MAX_QUOTE_DAYS),
        metavar="N",
        help=f"only articles of the last N days (1–{MAX_QUOTE_DAYS})",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_quotes)
