"""/outlet through the emulator on a generated month of multi-outlet news: what it says of each
outlet's stories, first reports, delays, names and blindspots is the generator's truth."""

from __future__ import annotations

from pathlib import Path

from bot.clock import FakeClock
from bot.insights.logodds import log_odds
from bot.render.text import duration
from tests.bot.insights.newsmonth import OUTLETS, Month, ingest_month, news_month
from tests.cogs.test_feeds import fresh_newsdesk
from tests.newsdesk import Newsdesk


def lead_lines(month: Month, outlet: str) -> list[str]:
    """The first lines /outlet should show for `outlet`, from the generator's plan."""
    truth = month.carried(outlet)
    lines = [f"**{truth.stories} stories** carried, {truth.shared} of them with other outlets"]
    lines.append(
        f"**First** to report {truth.first} of {truth.shared} ({truth.first / truth.shared:.0%})"
    )
    if truth.median_delay is not None:
        lines.append(
            f"Otherwise a median **{duration(truth.median_delay)}** behind the first report"
        )
    lines.append(f"Compared with {len(OUTLETS) - 1} other outlets in the archive.")
    return lines


async def outlet(desk: Newsdesk, name: str) -> dict[str, object]:
    reply = await desk.discord.slash("outlet", name=name)
    [embed] = reply.message.embeds
    return embed


async def test_outlet_shows_first_reports_delays_names_and_blindspots_of_a_month(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with fresh_newsdesk(tmp_path, clock) as desk:
        month = news_month(clock.now())
        await ingest_month(desk.store, month, clock)

        for name in OUTLETS:
            embed = await outlet(desk, name)
            assert embed["title"] == f"{name} · last 30 days"
            assert str(embed["description"]).splitlines() == lead_lines(month, name), name
            fields: list[dict[str, str]] = embed["fields"]  # type: ignore[assignment]
            spots = fields[1]
            assert spots["name"] == "Blindspots: carried by 3+ of 4 others, not it"
            missed = month.blindspots(name)[:5]
            shown = spots["value"].splitlines() if missed else []
            assert len(shown) == len(missed), name
            for line, story in zip(shown, missed, strict=True):
                assert line.startswith(f"• [{story.title}](https://"), (name, line)
                assert f" · {len(story.outlets)} of 4 outlets · <t:" in line

        # The Gulf Desk names Qatar in most of its reports, the others hardly ever.
        gulf = await outlet(desk, "gulf desk")
        mine, others, mine_total, others_total = month.names("Gulf Desk")
        qatar = ("Qatar", "GPE")
        z = log_odds(mine[qatar], others.get(qatar, 0), mine_total, others_total).z
        names = gulf["fields"][0]  # type: ignore[index]
        assert names["name"] == "Names it uses more than its peers"
        assert names["value"].splitlines()[0] == (
            f"**Qatar** · in {mine[qatar]} of its articles, {others.get(qatar, 0)} of theirs"
            f" · z {z:.1f}"
        )
        # The wire breaks most of what it shares; the Nile Post none, and it misses stories.
        wire = month.carried("Coast Wire")
        assert wire.first / wire.shared > 0.5
        assert month.carried("Nile Post").first == 0 and month.blindspots("Nile Post")

        choices = await desk.discord.autocomplete("outlet", "name", "desk")
        reports = sum(1 for r in month.reports if r.outlet == "Gulf Desk")
        assert choices == [{"name": f"Gulf Desk · {reports} articles", "value": "Gulf Desk"}]


async def test_outlet_refuses_unknown_or_ambiguous_names(tmp_path: Path, clock: FakeClock) -> None:
    async with fresh_newsdesk(tmp_path, clock) as desk:
        await ingest_month(desk.store, news_month(clock.now(), days=3), clock)
        unknown = await desk.discord.slash("outlet", name="Reuters")
        assert unknown.message.ephemeral
        assert unknown.message.embeds[0]["description"].startswith(
            "No outlet called “Reuters” in this server's news of the last 30 days"
        )
        vague = await desk.discord.slash("outlet", name="e")
        assert "could be" in vague.message.embeds[0]["description"]
