"""Entity names and summaries come from article text, so strangers choose them: a hostile
article analysed by the NLP pipeline still renders inert in /summary, /entities, /entity,
/quotes and the charts' captions."""

from __future__ import annotations

import pytest

from bot.models import ArticleDraft
from tests.adversarial.discord_records import message_bodies, pings_allowed
from tests.adversarial.hostile import embed_text, live_markup
from tests.newsdesk import Newsdesk

BODY = (
    "Hamas leader [Yahya Sinwar](https://evil.example/login) met @everyone in Gaza on Monday. "
    "The <@&123456789012345678> Security Council (NSC) said ||nothing|| about the truce. "
    "Officials from `Qatar` and **Egypt** joined the talks in Cairo, @here said.\n\n"
    "Benjamin Netanyahu told <@123456789012345678> that the ```ceasefire``` would hold."
)


async def test_hostile_entities_and_summaries_render_inert(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    for command in ("summary", "entities", "entity"):
        if discord.world.command_named(command, discord.guild.id) is None:
            pytest.skip(f"/{command} has not landed")
    report = await newsdesk.ingest(
        [ArticleDraft(title="Talks @everyone in <@&1> Cairo", body=BODY, origin="test:nlp")]
    )
    (article_id,) = report.added

    summary = await discord.slash("summary", article=str(article_id))
    top = await discord.slash("entities")
    await discord.slash("entity", name="Sinwar")
    await discord.slash("entity", name="Security Council")
    if discord.world.command_named("entity-trend", discord.guild.id) is not None:
        await discord.slash("entity-trend", name="Sinwar", compare="@everyone, <@&1>, Egypt")
        await discord.slash("entity-network", name="Hamas")

    assert summary.message.embeds
    assert top.message.embeds
    for request, body in message_bodies(discord):
        assert pings_allowed(body) is None, request.route
        for embed in body.get("embeds") or []:
            assert live_markup(embed_text(embed)) == [], embed_text(embed)[:400]


async def test_hostile_quotations_render_inert(newsdesk: Newsdesk) -> None:
    discord = newsdesk.discord
    body = (
        "Benjamin Netanyahu spoke in Jerusalem on Monday.\n\n"
        '"@everyone read [the plan](https://evil.example/login) ||now|| <@&123456789012345678> '
        '```run``` **today**," Netanyahu said.'
    )
    await newsdesk.ingest([ArticleDraft(title="Netanyahu speaks", body=body, origin="test:q")])
    reply = await discord.slash("quotes", name="Netanyahu")
    assert "everyone read" in reply.message.embeds[0]["description"]  # shown, inert
    for request, sent in message_bodies(discord):
        assert pings_allowed(sent) is None, request.route
        for embed in sent.get("embeds") or []:
            assert live_markup(embed_text(embed)) == [], embed_text(embed)[:400]
