"""/summary through the emulator: key facts, title lookup, autocomplete, deferral, errors."""

from __future__ import annotations

from bot.models import ArticleDraft
from tests.newsdesk import Newsdesk

SEED_TITLE = "Senior Israeli Security Officials In Qatar To Discuss Truce With Hamas"


async def test_summary_of_the_seed_names_its_key_facts(newsdesk: Newsdesk) -> None:
    reply = await newsdesk.discord.slash("summary", article="1")

    embed = reply.message.embeds[0]
    assert embed["title"] == SEED_TITLE
    assert embed["author"]["name"] == "YWN Israel Desk · Jerusalem"
    bullets = [line for line in embed["description"].split("\n") if line.startswith("• ")]
    assert len(bullets) == 3
    assert bullets[0].startswith("• A delegation of senior Israeli security officials")
    summary = " ".join(bullets)
    for fact in ("Herzi Halevi", "Qatar", "Hamas", "ceasefire", "Doha"):
        assert fact in summary
    assert "\n\nYWN · <t:1772438400:D> · " in embed["description"]  # the byline
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["People"].startswith("Herzi Halevi, ")
    assert "Ismail Haniyeh" in fields["People"]
    assert fields["Organisations"].startswith("Hamas, IDF")
    assert "National Security Council" in fields["Organisations"]
    assert fields["Places"].startswith("Qatar, ")
    assert embed["footer"]["text"] == "Summary of article #1 · /article id:1 reads it all"
    assert reply.response_type == 4  # stored analysis: answered at once, no deferral


async def test_free_text_title_and_sentence_count(newsdesk: Newsdesk) -> None:
    reply = await newsdesk.discord.slash("summary", article="qatar truce hamas", sentences=1)

    embed = reply.message.embeds[0]
    assert embed["title"] == SEED_TITLE
    assert sum(line.startswith("• ") for line in embed["description"].split("\n")) == 1


async def test_autocomplete_offers_titles(newsdesk: Newsdesk) -> None:
    await newsdesk.ingest(
        [
            ArticleDraft(title=f"Qatar update {n}", body="Talks went on.", origin=f"test:q:{n}")
            for n in range(30)
        ],
        nlp=False,
    )
    discord = newsdesk.discord
    choices = await discord.autocomplete("summary", "article", "Qat")
    assert len(choices) == 25
    seed = await discord.autocomplete("summary", "article", "Security Offic")
    assert seed == [{"name": f"#1 · {SEED_TITLE}", "value": "1"}]


async def test_an_article_stored_without_nlp_defers_then_follows_up(newsdesk: Newsdesk) -> None:
    report = await newsdesk.ingest(
        [
            ArticleDraft(
                title="Egypt hosts new talks @everyone <@&123>",
                body="Egypt hosted talks in Cairo on Sunday. Hamas and Israel sent delegations. "
                "Qatar said it would join the next round.",
                origin="test:cairo",
            )
        ],
        nlp=False,
    )
    reply = await newsdesk.discord.slash("summary", article=str(report.added[0]))

    assert reply.response_type == 5  # deferred while the model ran
    embed = reply.message.embeds[0]
    # Rendered inert: no @everyone and no role mention survive in the title.
    assert embed["title"].startswith("Egypt hosts new talks @")
    assert "@everyone" not in embed["title"] and "<@&123>" not in embed["title"]
    assert "• Egypt hosted talks in Cairo on Sunday." in embed["description"]
    assert "Egypt" in {f["name"]: f["value"] for f in embed["fields"]}["Places"]


async def test_unknown_article_gets_a_friendly_ephemeral_message(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    missing = await discord.slash("summary", article="999")
    assert missing.message.ephemeral
    assert missing.message.embeds[0]["description"] == (
        "There is no article #999. `/search` shows each article's number."
    )
    nothing = await discord.slash("summary", article="zebra crossings")
    assert nothing.message.ephemeral
    assert nothing.message.embeds[0]["description"].startswith(
        "No article matches “zebra crossings”."
    )
