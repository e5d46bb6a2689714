"""The story check (bench/quality/stories.py) at a small size: the one story rule groups every
pair of reports either old rule grouped, and never two different events."""

from datetime import UTC, datetime

from bench.quality.stories import Report, digests_rule, evaluate, feeds_rule, run_stories
from tests.bot.stories.texts import FIRE, HARBOUR, VOTE


def test_the_one_rule_covers_both_old_rules_and_merges_nothing_else() -> None:
    results = run_stories(events=16)
    assert len(results) == 3
    for name, case in results.items():
        assert case["old pairs missed"] == 0, name
        assert case["one rule"]["wrong"] == 0, name
        best_old = max(case["feeds (old)"]["right"], case["digests (old)"]["right"])
        assert case["one rule"]["right"] >= best_old, name
    generated = results["generated, 16 events"]
    # The generated news is not trivial: each old rule finds only part of it.
    assert 0 < generated["feeds (old)"]["right"] < generated["true pairs"]
    assert 0 < generated["digests (old)"]["right"] < generated["true pairs"]


def test_the_check_counts_a_false_merge() -> None:
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    same_words = f"{HARBOUR} {VOTE} {FIRE}"
    reports = [
        Report(0, "A", "Storm closes ports", same_words, at),
        Report(1, "B", "Storm closes ports", same_words + "Other.", at),  # a different event
    ]
    assert feeds_rule(reports) == digests_rule(reports) == {(0, 1)}
    scored = evaluate(reports)
    assert scored["one rule"] == {"pairs": 1, "right": 0, "wrong": 1}
