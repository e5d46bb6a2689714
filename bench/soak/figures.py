"""The soak's figures from a calm phase and a hostile one, each against its goal (issue 16)."""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from pathlib import Path

from bench.report import Figure, Goal
from bench.soak.crowd import Trip
from bench.soak.run import SETTLE, Phase
from bench.timing import percentile
from bot.store.index import SearchIndex
from bot.store.sqlite import search_index_dir

DEADLINE_MS = 3_000.0
ROUND_TRIP = Goal("≤ 300 ms, ≤ 1.5× calm", max_value=300.0, max_ratio=1.5)
NONE = Goal("= 0", max_value=0.0)
LAG_P99 = Goal("≤ 50 ms", max_value=50.0)
LAG_MAX = Goal("≤ 250 ms", max_value=250.0)
COMMAND_CPU = Goal("≤ 250 ms", max_value=250.0)
RSS_PEAK = Goal("≤ 600 MB", max_value=600.0)
RSS_BACK = Goal("≤ 1.1× start", max_ratio=1.1)
OK = Goal("ok", min_value=1.0)
SAME = Goal("= articles", min_ratio=1.0, max_ratio=1.0)


def readers_ms(phase: Phase) -> list[float]:
    """Well-behaved users' round trips (ms; an unanswered one counts as the wait it got)."""
    return [t.ms if t.ms is not None else 20_000.0 for t in phase.trips if not t.hostile]


def lateness(phase: Phase) -> list[float]:
    """The bot's event-loop lateness samples (ms) taken while the load ran."""
    start, end = phase.load
    return [ms for at, ms in phase.report.get("lateness", []) if start <= at <= end]


def commands(phase: Phase) -> list[dict[str, object]]:
    """The user commands the bot ran (label, CPU ms, units), from its own ledger."""
    return list(phase.report.get("commands", []))


def unanswered(phase: Phase) -> int:
    """Interactions the bot never acknowledged or never answered visibly (lost answers)."""
    return sum(1 for i in phase.interactions if not i.answered)


def late_trips(phase: Phase) -> list[Trip]:
    """Actions first answered later than Discord's 3 s (or not at all): a deferral counts,
    as it does for Discord."""
    return [t for t in phase.trips if t.ack_ms is None or t.ack_ms > DEADLINE_MS]


def refused_replies(phase: Phase) -> set[int]:
    """Ids of the messages whose reply Discord (the emulator's injected faults) refused with a
    server error at least once: discord.py retries it after 1 s, then 3 s."""
    refused = set()
    for request in phase.requests:
        if request.status >= 500 and isinstance(request.json, dict):
            reference = request.json.get("message_reference") or {}
            if reference.get("message_id") is not None:
                refused.add(int(reference["message_id"]))
    return refused


def late(phase: Phase) -> tuple[int, int]:
    """Late actions: those the bot was late for, and replies late because Discord refused
    them with a server error (an injected 5xx twice over is 4 s of discord.py's retries)."""
    refused = refused_replies(phase)
    trips = late_trips(phase)
    held = sum(1 for t in trips if t.message_id in refused and t.ms is not None)
    return len(trips) - held, held


def _held_note(held: int) -> str | None:
    if not held:
        return None
    return (
        f"besides {held} message(s) whose reply Discord refused with an injected 5xx: "
        "discord.py retries after 1 s, then 3 s"
    )


def duplicates(phase: Phase) -> int:
    """Second answers: callbacks Discord refused (already acknowledged) and interactions
    answered with more than one visible message."""
    refused = sum(1 for r in phase.requests if r.path.endswith("/callback") and r.status == 400)
    doubled = sum(1 for i in phase.interactions if len(i.messages) > 1)
    return refused + doubled


def memory(phase: Phase, part: int = 1) -> tuple[float, float, float]:
    """RSS (MB; `part` 1: bot + its NLP worker, 2: the bot alone): before the load, at its
    peak, after the settle."""
    start, end = phase.load
    before = [s[part] for s in phase.rss if s[0] < start] or [phase.rss[0][part]]
    after = [s[part] for s in phase.rss if s[0] > end]
    peak = max(s[part] for s in phase.rss)
    return before[-1], peak, (after[-1] if after else phase.rss[-1][part])


def at_peak(phase: Phase) -> str:
    """When the peak of the bot and its children came (seconds into the load) and how it was
    made up: the bot's own MB and each child's, largest first (the NLP worker, the chart
    renderer, multiprocessing's resource tracker)."""
    when, _, bot, children = max(phase.rss, key=lambda s: s[1])
    each = " + ".join(f"{mb:.0f}" for mb in children) or "none"
    into = when - phase.load[0]
    return f"at the peak ({into:.0f} s into the load) the bot {bot:.0f}, its children {each}"


def timeline(phase: Phase, every: float = 30.0) -> list[str]:
    """The bot's and each child's MB every `every` seconds from the load's start, and at the
    peak: where the memory went."""
    start, peak = phase.load[0], max(s[1] for s in phase.rss)
    lines, shown = [], -every
    for when, family, bot, children in phase.rss:
        into = when - start
        if into >= shown + every or family == peak:
            shown = into if into >= shown + every else shown
            each = " + ".join(f"{mb:.0f}" for mb in children) or "none"
            lines.append(f"memory {into:+.0f} s: {family:.0f} MB, bot {bot:.0f}, children {each}")
    return lines


def database(path: Path) -> tuple[bool, int, int, int]:
    """integrity_check's verdict, the full-text table's rows, the search index's documents
    (tantivy, beside the database: what searches read) and the articles."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        indexed = conn.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0]
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        conn.close()
    folder = search_index_dir(path, None)
    documents = SearchIndex(folder).count() if folder is not None and folder.is_dir() else 0
    return ok, indexed, documents, articles


def figures(calm: Phase, hostile: Phase, *, readers: int, hostiles: int) -> list[Figure]:
    """Every figure of the soak."""
    calm_ms, hostile_ms = readers_ms(calm), readers_ms(hostile)
    lags = lateness(hostile)
    ran = commands(hostile)
    worst = max(
        ran, key=lambda c: float(c["cpu_ms"]), default={"cpu_ms": math.inf, "label": "no report"}
    )  # type: ignore[arg-type]
    before, peak, after = memory(hostile)
    bot_before, bot_peak, bot_after = memory(hostile, 2)
    ok, indexed, documents, articles = database(hostile.db)
    kinds = Counter(t.kind for t in hostile.trips if t.hostile)
    refused = sum(
        1 for c in ran if c["units"].get("search_postings") and not c["units"].get("searches")
    )  # type: ignore[union-attr]
    late_by_bot, late_by_discord = map(sum, zip(late(hostile), late(calm), strict=True))
    return [
        Figure(
            f"well-behaved p99 round trip, {readers} readers + {hostiles} hostile",
            percentile(hostile_ms, 99),
            "ms",
            percentile(calm_ms, 99),
            ROUND_TRIP,
            note=f"baseline: same readers alone; {len(hostile_ms)} vs {len(calm_ms)} commands",
        ),
        Figure(
            "well-behaved p50 round trip",
            percentile(hostile_ms, 50),
            "ms",
            percentile(calm_ms, 50),
            note="info",
        ),
        Figure(
            "interactions answered later than 3 s",
            late_by_bot,
            "",
            goal=NONE,
            note=_held_note(late_by_discord),
        ),
        Figure("lost answers", unanswered(hostile) + unanswered(calm), "", goal=NONE),
        Figure("duplicate answers", duplicates(hostile) + duplicates(calm), "", goal=NONE),
        Figure("event-loop lag p99 under load", percentile(lags, 99), "ms", goal=LAG_P99),
        Figure("event-loop lag max under load", max(lags, default=0.0), "ms", goal=LAG_MAX),
        Figure(
            "most expensive single command, CPU",
            float(worst["cpu_ms"]),  # type: ignore[arg-type]
            "ms",
            goal=COMMAND_CPU,
            note=f"{worst['label']}; {len(ran)} commands metered; loop + threads",
        ),
        Figure(
            "peak RSS, bot + NLP worker",
            peak,
            "MB",
            goal=RSS_PEAK,
            note=f"the bot alone: {bot_peak:.0f} MB at most; {at_peak(hostile)}",
        ),
        Figure(
            "RSS after the load vs before it",
            after,
            "MB",
            before,
            RSS_BACK,
            note=(
                f"{len(hostile.rss)} samples, {SETTLE:.0f} s settle; the bot alone"
                f" {bot_before:.0f} -> {bot_after:.0f} MB, its worker"
                f" {before - bot_before:.0f} -> {after - bot_after:.0f} MB"
            ),
        ),
        Figure("integrity_check ok", 1.0 if ok else 0.0, "", goal=OK),
        Figure("full-text rows = articles", indexed, "", articles, SAME),
        Figure("search index documents = articles", documents, "", articles, SAME),
        Figure("orphan processes after exit", len(hostile.orphans), "", goal=NONE),
        Figure(
            "seconds to stop after the load",
            hostile.shutdown,
            "s",
            goal=Goal("≤ 30 s", max_value=30.0),
            note="replies in flight finished, NLP worker stopped",
        ),
        Figure(
            "hostile commands sent",
            sum(kinds.values()),
            "",
            note=(
                f"{refused} searches refused as too broad; huge articles ingested: "
                f"{len(hostile.huge_ids)}; feed reads {hostile.feed.get('reads', 0)}; "
                f"faults: {', '.join(sorted(set(hostile.faults))) or 'none'} "
                f"({len(hostile.faults)})"
            ),
        ),
    ]


def by_kind(calm: Phase, hostile: Phase) -> list[str]:
    """Readers' p99 round trip by kind of action, calm and under load: which of them the
    hostile users slow down."""
    lines = []
    for kind in sorted({t.kind for t in hostile.trips if not t.hostile}):
        calm_ms = [t.ms or 20_000.0 for t in calm.trips if t.kind == kind and not t.hostile]
        busy_ms = [t.ms or 20_000.0 for t in hostile.trips if t.kind == kind and not t.hostile]
        if calm_ms and busy_ms:
            lines.append(
                f"readers' {kind}: p99 {percentile(calm_ms, 99):.0f} -> "
                f"{percentile(busy_ms, 99):.0f} ms, p90 {percentile(calm_ms, 90):.0f} -> "
                f"{percentile(busy_ms, 90):.0f} ms ({len(busy_ms)} under load)"
            )
    return lines


def cpu_use(phase: Phase) -> str:
    """Where the CPU went while the load ran: seconds and share of the machine's by process."""
    seconds = phase.load[1] - phase.load[0]
    machine = phase.cpu.get("machine", 0.0)
    parts = [
        f"{name} {used:.0f} s ({used / seconds:.0%} of a core)"
        for name, used in sorted(phase.cpu.items(), key=lambda kv: -kv[1])
        if name != "machine" and used >= 0.5
    ]
    return f"CPU in {seconds:.0f} s of load: machine {machine:.0f} s; " + ", ".join(parts)


def slowest_readers(phase: Phase, share: float = 0.01) -> str:
    """What the slowest `share` of readers' trips met while they waited: a collection of 20 ms
    or more, a heavy command running (by label), or neither."""
    trips = [t for t in phase.trips if not t.hostile and t.ms is not None and t.at]
    trips.sort(key=lambda t: -(t.ms or 0.0))
    slow = trips[: max(1, int(len(trips) * share))]
    if not slow:
        return "no readers' trips answered"
    passes = phase.report.get("collections", {}).get("long", [])
    ran = [c for c in commands(phase) if float(c.get("seconds", 0)) > 0.05]  # type: ignore[arg-type]
    met: Counter[str] = Counter()
    for trip in slow:
        end = trip.at + (trip.ms or 0.0) / 1000
        found = {
            f"collection {ms:.0f} ms" if ms >= 50 else "collection 20-50 ms"
            for at, ms in passes
            if at - ms / 1000 < end and at > trip.at
        }
        found |= {
            f"heavy {c['label']}"
            for c in ran
            if float(c["at"]) - float(c["seconds"]) < end and float(c["at"]) > trip.at  # type: ignore[arg-type]
        }
        met.update(found or {"nothing seen"})
    kinds = Counter(t.kind for t in slow)
    return (
        f"slowest {len(slow)} readers' trips ({min(t.ms or 0 for t in slow):.0f} ms and more;"
        f" {', '.join(f'{k} {n}' for k, n in kinds.most_common())}) met: "
        + ", ".join(f"{what} {n}" for what, n in met.most_common(12))
    )


def troubles(phase: Phase) -> list[str]:
    """What went wrong, by kind of action: late or unanswered trips, slowest commands."""
    late_kinds = Counter(
        (t.kind, "hostile" if t.hostile else "reader")
        for t in phase.trips
        if t.ack_ms is None or t.ack_ms > DEADLINE_MS or t.ms is None
    )
    lines = [f"late or lost: {kind} ({who}) x{n}" for (kind, who), n in late_kinds.most_common()]
    refused = refused_replies(phase)
    for trip in late_trips(phase)[:10]:
        answered = "no answer" if trip.ack_ms is None else f"{trip.ack_ms:,.0f} ms"
        why = "; its reply refused by an injected 5xx" if trip.message_id in refused else ""
        lines.append(
            f"late: {trip.kind} ({'hostile' if trip.hostile else 'reader'})"
            f" {trip.at - phase.load[0]:.1f} s into the load, {answered}{why}"
        )
    if phase.cpu:
        lines.append(cpu_use(phase))
    lines.append(slowest_readers(phase))
    ran = commands(phase)
    costly = sorted(ran, key=lambda c: -float(c["cpu_ms"]))[:6]  # type: ignore[arg-type]
    lines += [f"costly: {c['label']} {float(c['cpu_ms']):.0f} ms {c['units']}" for c in costly]  # type: ignore[arg-type]
    slow = sorted(ran, key=lambda c: -float(c.get("seconds", 0)))[:8]  # type: ignore[arg-type]
    lines += [
        f"slow: {c['label']} {float(c.get('seconds', 0)):.1f} s, {float(c['cpu_ms']):.0f} ms CPU"  # type: ignore[arg-type]
        for c in slow
    ]
    stalls = phase.report.get("stalls", {})
    for stall in stalls.get("longest", [])[:4]:
        lines.append(f"stall: {stall['ms']} ms\n{stall['stack']}")
    lines += [f"grew: {line}" for line in phase.report.get("memory_growth", [])[:12]]
    kinds = phase.report.get("memory_kinds", {})
    for moment, found in kinds.items():
        lines.append(
            f"memory at {moment}: " + ", ".join(f"{k} {v:.0f} MB" for k, v in found.items())
        )
    lines += timeline(phase)
    if grown := phase.report.get("objects_grown"):
        lines.append(f"objects grown under load: {', '.join(grown)}")
    if imported := phase.report.get("imported_under_load"):
        lines.append(f"first imported under load: {', '.join(imported)}")
    return lines
