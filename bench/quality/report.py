"""The quality report: rich tables on the terminal, the same numbers as markdown."""

from __future__ import annotations

from rich.table import Table

from bench.quality.common import (
    TYPES,
    console,
)


def render(results: dict) -> str:
    """Print rich tables and return the same numbers as markdown."""
    md: list[str] = ["# NLP quality" if set(results) - {"stories"} else "# Story quality", ""]
    summ = results.get("summaries")
    if summ:
        for split, lengths in summ["splits"].items():
            for length, systems in lengths.items():
                title = f"BBC dev summaries, {split}, {length} — ROUGE F1 (stemmed)"
                table = Table(title=title)
                for col in ("system", "R1", "R2", "RL"):
                    table.add_column(col, justify="left" if col == "system" else "right")
                md += [f"## {title}", "", "| system | R1 | R2 | RL |", "|---|---:|---:|---:|"]
                best = max(v["R2"] for v in systems.values())
                for name, s in systems.items():
                    r2 = f"[bold]{s['R2']}[/bold]" if s["R2"] == best else str(s["R2"])
                    table.add_row(name, str(s["R1"]), r2, str(s["RL"]))
                    md.append(f"| {name} | {s['R1']} | {s['R2']} | {s['RL']} |")
                md.append("")
                console.print(table)
        md += [f"Articles: {summ['articles']}. Weights tuned on even-numbered articles only.", ""]
    ents = results.get("entities")
    if ents:
        title = f"CoNLL-2003 dev entities ({ents['documents']} stories) — exact span P/R/F1"
        table = Table(title=title)
        table.add_column("type")
        md += [f"## {title}", ""]
        header = "| type |"
        for system in ents["systems"]:
            for col in ("P", "R", "F1"):
                table.add_column(f"{system} {col}", justify="right")
                header += f" {system} {col} |"
        md += [header, "|---|" + "---:|" * (3 * len(ents["systems"]))]
        for t in (*TYPES, "overall"):
            cells = [
                str(ents["systems"][s][t][c]) for s in ents["systems"] for c in ("P", "R", "F1")
            ]
            table.add_row(t, *cells)
            md.append(f"| {t} | " + " | ".join(cells) + " |")
        md.append("")
        console.print(table)
    md += _render_quotes(results.get("quotes"))
    speed = results.get("speed")
    if speed:
        title = f"Speed on {speed['articles']} BBC articles"
        table = Table(title=title)
        for col in ("raw nlp.pipe art/s", "Newsdesk art/s", "ratio", "loop lag max ms", "p99 ms"):
            table.add_column(col, justify="right")
        row = [
            str(speed["raw_articles_per_s"]),
            str(speed["newsdesk_articles_per_s"]),
            f"{speed['ratio']}x",
            str(speed["loop_lag_ms"]["max"]),
            str(speed["loop_lag_ms"]["p99"]),
        ]
        table.add_row(*row)
        console.print(table)
        md += [
            f"## {title}",
            "",
            "| raw nlp.pipe art/s | Newsdesk art/s | ratio | loop lag max ms | p99 ms |",
        ]
        md += ["|---:|---:|---:|---:|---:|", "| " + " | ".join(row) + " |", ""]
    if results.get("novelty"):
        md += _novelty(results["novelty"])
    if results.get("figures"):
        md += _figures(results["figures"])
    if results.get("stories"):
        md += _stories(results["stories"])
    return "\n".join(md)


def _table(title: str, header: list[str], rows: list[list[str]]) -> list[str]:
    """Print a rich table and return it as markdown (first column left, the rest right)."""
    table = Table(title=title)
    for i, col in enumerate(header):
        table.add_column(col, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    md = [f"## {title}", "", "| " + " | ".join(header) + " |"]
    md.append("|---|" + "---:|" * (len(header) - 1))
    md += ["| " + " | ".join(row) + " |" for row in rows]
    return [*md, ""]


def _stories(cases: dict) -> list[str]:
    """The story rules' table: pairs right and wrong, and the old rules' pairs missed."""
    title = "Stories: pairs of reports grouped (right / wrong), old rules' pairs missed"
    rules = ("feeds (old)", "digests (old)", "one rule")
    header = ["case", "reports", "true pairs", *rules, "old pairs missed"]
    rows = [
        [
            name,
            str(case["reports"]),
            str(case["true pairs"]),
            *(f"{case[rule]['right']} / {case[rule]['wrong']}" for rule in rules),
            str(case["old pairs missed"]),
        ]
        for name, case in cases.items()
    ]
    return _table(title, header, rows)


def _novelty(nov: dict) -> list[str]:
    """What's new: P/R/F1 of "new" per system on the tune and held-out pairs."""
    splits = nov["splits"]
    title = (
        f"What's new in a story ({nov['pairs']} article pairs, {nov['sentences']} sentences "
        'labelled by hand) — P / R / F1 of "new"'
    )
    header = ["system", "tune P", "tune R", "tune F1", "held-out P", "held-out R", "held-out F1"]
    rows = [
        [
            name,
            *(
                str(splits[split]["systems"][name][k])
                for split in ("tune", "held-out")
                for k in ("P", "R", "F1")
            ),
        ]
        for name in splits["all"]["systems"]
    ]
    note = (
        f"Held-out: {splits['held-out']['pairs']} pairs, {splits['held-out']['sentences']} "
        f"sentences ({splits['held-out']['new']} new); settings and baseline thresholds chosen "
        "on the tune pairs only."
    )
    return [*_table(title, header, rows), note, ""]


def _figures(fig: dict) -> list[str]:
    """Where outlets disagree: P/R of "disagreement" and of "same quantity" per split."""
    title = f"Where outlets disagree ({fig['pairs']} figure pairs labelled by hand)"
    header = [
        "system", "split", "disagreement P", "disagreement R", "same quantity P",
        "same quantity R", "false disagreements on agreeing pairs",
    ]  # fmt: skip
    rows = []
    for split in ("tune", "held-out", "all"):
        for name in ("Newsdesk", "baseline"):
            scores = fig["splits"][split][name]
            rows.append(
                [name, split, str(scores["disagree"]["P"]), str(scores["disagree"]["R"]),
                 str(scores["same"]["P"]), str(scores["same"]["R"]),
                 str(scores["false_disagreements_on_agreeing"])]
            )  # fmt: skip
    audit = fig["story_audit"]
    note = (
        f"Whole articles: comparing the two articles of each of the {audit['story_pairs']} "
        f"story pairs flags {audit['flagged']} disagreements; read one by one, {audit['real']} "
        f"are real and {audit['false']} are not"
        + (f" ({audit['unjudged']} not yet judged)" if audit["unjudged"] else "")
        + ". Baseline: the same quantity when the word after the number is the same, a "
        "disagreement when the digits written differ."
    )
    return [*_table(title, header, rows), note, ""]


_QUOTE_COLUMNS = ("span P", "span R", "span F1", "overlap F1", "speaker acc.", "any name form")


def _render_quotes(quotes: dict | None) -> list[str]:
    """The quote-attribution tables (one per split); markdown lines."""
    if not quotes:
        return []
    md: list[str] = []
    for split, systems in quotes["splits"].items():
        first = next(iter(systems.values()))
        title = (
            f"Who said what, BBC {split} ({first['labelled']} hand-labelled quotes) — "
            "exact spans, speaker accuracy on found quotes"
        )
        table = Table(title=title)
        table.add_column("system")
        for col in _QUOTE_COLUMNS:
            table.add_column(col, justify="right")
        md += [f"## {title}", "", "| system | " + " | ".join(_QUOTE_COLUMNS) + " |"]
        md.append("|---|" + "---:|" * len(_QUOTE_COLUMNS))
        for name, s in systems.items():
            cells = [
                str(s["exact"]["P"]),
                str(s["exact"]["R"]),
                str(s["exact"]["F1"]),
                str(s["overlap"]["F1"]),
                str(s["speaker_accuracy"]),
                str(s["speaker_accuracy_any_name_form"]),
            ]
            table.add_row(name, *cells)
            md.append(f"| {name} | " + " | ".join(cells) + " |")
        md.append("")
        console.print(table)
    md += [
        f"Articles: {quotes['articles']}. Labelling and scoring rules: "
        "bench/quality/quotes_rules.md. Exact span = equal text after trimming whitespace, "
        "quote marks and , . ; : at the ends; speaker accuracy counts found quotes whose "
        "speaker is the labelled one (or null for null); 'any name form' also accepts the "
        "same entity under a shorter or longer name.",
        "",
    ]
    return md
