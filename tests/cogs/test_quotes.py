"""/quotes through the emulator: the seed's one quotation is Hamas's or no one's, never a
person's; a person's quotations from real articles (the real NLP step), one quotation from two
outlets once with "also in 1"; pages, autocomplete and the "which one?" menu."""

from __future__ import annotations

from bot.models import ArticleDraft
from bot.sandbox.emulator.state import Message
from tests.bot.insights.corpus import add_article, add_quotes
from tests.newsdesk import Newsdesk

SEED_QUOTE = "pre-determined long-term period of time."
HALEVI = ("Herzi Halevi", "PERSON")


def description(message: Message) -> str:
    return str(message.embeds[0].get("description", ""))


async def test_the_seed_quotation_is_never_a_persons(newsdesk: Newsdesk) -> None:
    [stored] = await newsdesk.store.article_quotes(1)
    assert stored.quote == SEED_QUOTE
    assert stored.speaker in (None, "Hamas") and stored.speaker_label != "PERSON"

    halevi = await newsdesk.discord.slash("quotes", name="Herzi Halevi")
    assert halevi.message.embeds[0]["title"] == "Herzi Halevi · quoted"
    assert description(halevi.message).startswith("No quotation of **Herzi Halevi** is stored")
    for person in ("Baha Abu al-Ata", "Yossi Cohen"):
        reply = await newsdesk.discord.slash("quotes", name=person)
        assert SEED_QUOTE not in description(reply.message)

    hamas = await newsdesk.discord.slash("quotes", name="Hamas")
    if stored.speaker == "Hamas":
        assert f"> “{SEED_QUOTE}”" in description(hamas.message)
    else:
        assert description(hamas.message).startswith("No quotation of **Hamas**")


def halevi_report(n: int, source: str, opening: str) -> ArticleDraft:
    return ArticleDraft(
        title=f"Halevi back from Doha ({source})",
        body=f"{opening}\n\n"
        '"We made progress, but the gaps are still wide," Halevi told reporters in Tel Aviv.',
        origin=f"test:quotes:{n}",
        source=source,
        url=f"https://{source.lower()}.example/halevi-{n}",
        published_at=f"2026-03-0{n}T08:00:00+00:00",
    )


async def test_a_quotation_from_two_outlets_is_listed_once(newsdesk: Newsdesk) -> None:
    await newsdesk.ingest(
        [
            halevi_report(1, "Reuters", "Herzi Halevi returned from Doha on Sunday."),
            halevi_report(2, "AP", "Israeli general Herzi Halevi came back from Qatar."),
        ]
    )
    reply = await newsdesk.discord.slash("quotes", name="Halevi")
    embed = reply.message.embeds[0]
    assert embed["title"] == "Herzi Halevi · quoted"
    text = embed["description"]
    assert text.count("We made progress, but the gaps are still wide,") == 1
    assert text.startswith("> “We made progress, but the gaps are still wide,”\n— **[Halevi")
    assert "AP · <t:" in text and "also in 1: Reuters" in text
    assert embed["footer"]["text"] == "Page 1 of 1 · 1 quotation · all time"
    assert not reply.message.ephemeral


async def test_pages_autocomplete_and_which_one(newsdesk: Newsdesk) -> None:
    store, discord = newsdesk.store, newsdesk.discord
    for n in range(7):
        await add_quotes(
            store, 100 + n, HALEVI, [f"Statement number {n} on the talks."], "2026-03-01"
        )
    reply = await discord.slash("quotes", name="Herzi Halevi", days=30, private=True)
    message = reply.message
    assert message.ephemeral
    assert message.embeds[0]["footer"]["text"] == ("Page 1 of 2 · 7 quotations · the last 30 days")
    await discord.click(message, "Next")
    assert message.embeds[0]["footer"]["text"].startswith("Page 2 of 2")
    assert description(message).count("> “") == 2

    choices = await discord.autocomplete("quotes", "name", "halev")
    assert choices[0]["name"].startswith("Herzi Halevi · person")

    # A person and a place share a name, equally mentioned: ask which, then list the pick's.
    await add_quotes(store, 200, ("Jordan", "PERSON"), ["The border stays open."], "2026-03-01")
    await add_article(store, 201, [("Jordan", "GPE")], "2026-03-01")
    which = await discord.slash("quotes", name="Jordan")
    assert which.message.embeds[0]["title"] == "Which “Jordan”?"
    options = which.message.components[0]["components"][0]["options"]
    person = next(o["value"] for o in options if "person" in o["description"])
    picked = await discord.select(which.message, "pager:quotes-which:pick", [person])
    assert picked.message.embeds[0]["title"] == "Jordan · quoted"
    assert description(picked.message).startswith("> “The border stays open.”")
