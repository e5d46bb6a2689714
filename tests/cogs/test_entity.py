"""/entity and /entities through the emulator: profiles, autocomplete, namesakes, errors."""

from __future__ import annotations

from bot.models import ArticleDraft
from bot.models.analysis import Analysis, Mention, Sentence
from bot.nlp.enrichment import NLP_VERSION
from tests.newsdesk import Newsdesk

SEED_TITLE = "Senior Israeli Security Officials In Qatar To Discuss Truce With Hamas"


async def test_entity_shows_herzi_halevi_with_the_seed_sentences(newsdesk: Newsdesk) -> None:
    reply = await newsdesk.discord.slash("entity", name="Herzi Halevi")

    embed = reply.message.embeds[0]
    assert embed["title"] == "Herzi Halevi"
    description = embed["description"]
    assert description.startswith("Person · also Halevi\n4 mentions in 1 article · first seen <t:")
    assert f"**{SEED_TITLE}** · <t:" in description
    assert "> A delegation of senior Israeli security officials" in description
    assert "> According to the report, Halevi and other senior officials" in description
    assert "> Halevi was already in Doha earlier this year, with Mossad head Yossi Cohen" in (
        description
    )
    named_with = {f["name"]: f["value"] for f in embed["fields"]}["Named with (articles in common)"]
    assert named_with.startswith("Hamas (1), Qatar (1)")
    assert not reply.message.ephemeral
    # The menu looks up entities named with him.
    options = reply.message.components[0]["components"][0]["options"]
    assert options[0]["label"] == "Hamas"


async def test_aliases_and_surnames_find_the_full_entity(newsdesk: Newsdesk) -> None:
    council = await newsdesk.discord.slash("entity", name="NSC")
    assert council.message.embeds[0]["title"] == "National Security Council"
    assert council.message.embeds[0]["description"].startswith("Organisation · also NSC")
    halevi = await newsdesk.discord.slash("entity", name="halevi’s")
    assert halevi.message.embeds[0]["title"] == "Herzi Halevi"


async def test_picking_a_related_entity_opens_its_profile(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    reply = await discord.slash("entity", name="Herzi Halevi")
    hamas = reply.message.components[0]["components"][0]["options"][0]["value"]

    opened = await discord.select(reply.message, "pager:entity:pick", [hamas])

    assert opened.message.embeds[0]["title"] == "Hamas"
    assert opened.message.ephemeral


async def test_autocomplete_offers_known_entities(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    choices = await discord.autocomplete("entity", "name", "hal")
    assert choices[0]["name"] == "Herzi Halevi · person · 4 mentions"
    everything = await discord.autocomplete("entity", "name", "")
    assert 0 < len(everything) <= 25
    assert everything[0]["name"].startswith("Hamas · organisation")

    # The chosen value finds exactly that entity.
    reply = await discord.slash("entity", name=choices[0]["value"])
    assert reply.message.embeds[0]["title"] == "Herzi Halevi"


async def test_unknown_entity_gets_a_friendly_ephemeral_message(newsdesk: Newsdesk) -> None:
    reply = await newsdesk.discord.slash("entity", name="Nobody Atall")

    assert reply.message.ephemeral
    assert reply.message.embeds[0]["description"] == (
        "No entity called “Nobody Atall” is known yet."
    )


async def test_namesakes_are_offered_as_choices(newsdesk: Newsdesk) -> None:
    # The small model labels the same place GPE in some articles and LOC in others.
    for n, label in enumerate(["GPE", "GPE", "LOC", "LOC"]):
        body = f"Rain fell on Gaza for day {n}."
        report = await newsdesk.ingest(
            [ArticleDraft(title=f"Weather {n}", body=body, origin=f"test:gaza:{n}")], nlp=False
        )
        article_id = report.added[0]
        start = body.index("Gaza")
        analysis = Analysis(
            sentences=[Sentence(body, 0, len(body))],
            mentions=[Mention("Gaza", label, start, start + 4, "Gaza", 0)],
            summary=[0],
            ranking=[0],
            terms=[("rain", "gaza")],
            summarisable=[True],
        )
        content_hash = await newsdesk.store.article_content_hash(article_id)
        assert content_hash is not None
        async with newsdesk.store.transaction():
            await newsdesk.store.save_analysis(
                article_id, content_hash, NLP_VERSION, analysis, "2026-03-02T09:00:00+00:00"
            )
    discord = newsdesk.discord
    # The seed's Gaza (GPE) tips the balance, but not enough to decide alone.
    reply = await discord.slash("entity", name="Gaza")

    assert reply.message.ephemeral
    embed = reply.message.embeds[0]
    assert embed["title"] == "Which “Gaza”?"
    options = reply.message.components[0]["components"][0]["options"]
    assert [o["label"] for o in options] == ["Gaza (GPE)", "Gaza (LOC)"]

    picked = await discord.select(reply.message, "pager:entity:pick", [options[1]["value"]])
    assert picked.message.embeds[0]["title"] == "Gaza"
    assert picked.message.embeds[0]["description"].startswith("Place\n2 mentions in 2 articles")


async def test_entities_lists_the_most_mentioned(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    everything = await discord.slash("entities")
    embed = everything.message.embeds[0]
    assert embed["title"] == "Most mentioned: entities, all time"
    assert embed["description"].startswith(
        "**1.** **Hamas** · organisation · 10 mentions in 1 article\n**2.** **Qatar** · place"
    )

    people = await discord.slash("entities", type="person", days=7)
    lines = people.message.embeds[0]["description"].split("\n")
    assert people.message.embeds[0]["title"] == "Most mentioned: people, the last 7 days"
    assert lines[0] == "**1.** **Herzi Halevi** · person · 4 mentions in 1 article"
    assert all("person" in line for line in lines)

    newsdesk.clock.advance(days=30)
    stale = await discord.slash("entities", days=7)
    assert stale.message.embeds[0]["description"].startswith("Nothing yet")
