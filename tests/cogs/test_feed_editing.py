"""The feed editor through the Discord emulator and a loopback feed: edit a feed in place
(channel, filter) without re-posting its history, pause and resume, copy a template to other
feeds, templates edited in a form whose preview is the real post byte for byte, templates over
Discord's limits refused, send-latest, backfill, and autocomplete of this server's feeds."""

from __future__ import annotations

from bot.clock import FakeClock
from bot.feeds.templates import template_from_json
from tests.bot.feeds.newsroom import NewsSite, Wire
from tests.cogs.feeddesk import cards, last_post, poll, said, slash
from tests.cogs.test_feeds import add, posts, settled
from tests.newsdesk import Newsdesk


async def test_an_edited_feed_posts_in_its_new_channel_through_its_new_filter_and_nothing_old(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    wire = Wire(site, clock)
    wire.publish("Old harbour story", "Old council story")
    await add(desk, wire.url)
    await settled(desk)  # the first poll: what the feed lists already is not news

    edited = await slash(
        desk, "feeds edit", id=1, channel=desk.discord.channel("general"), filter="harbour"
    )
    shown = said(edited)
    assert "Updated feed #1 · Desk Wire" in shown
    assert f"channel <#{desk.discord.channel('news').id}> → " in shown
    assert "filter none → “harbour”" in shown
    assert "Nothing it already saw is posted again." in shown

    wire.publish("Harbour reopens after the storm", "Council votes on the budget")
    await poll(desk, clock)
    assert cards(desk, "general") == ["Harbour reopens after the storm"]
    assert posts(desk, "news") == []
    subscription = await desk.store.subscription(desk.discord.guild.id, 1)
    assert (
        subscription is not None and subscription.channel_id == desk.discord.channel("general").id
    )

    await poll(desk, clock)  # later polls post nothing old, in either channel
    assert cards(desk, "general") == ["Harbour reopens after the storm"]
    assert posts(desk, "news") == []
    log = said(await slash(desk, "feeds log", id=1))
    assert "filtered** · [Council votes on the budget]" in log
    assert "doesn't match the filter “harbour”" in log


async def test_a_paused_feed_posts_nothing_and_owes_nothing_after_resume(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    wire = Wire(site, clock)
    await add(desk, wire.url)
    await settled(desk)

    paused = await slash(desk, "feeds pause", id=1)
    assert "Paused feed #1" in said(paused) and "Paused: polled, but nothing is posted" in said(
        paused
    )
    wire.publish("Arrives while paused")
    await poll(desk, clock)
    assert posts(desk) == []
    listing = said(await slash(desk, "feeds list"))
    assert "⏸️ paused" in listing
    again = await slash(desk, "feeds pause", id=1)
    assert "already paused" in said(again)

    resumed = await slash(desk, "feeds resume", id=1)
    assert "Resumed feed #1" in said(resumed)
    wire.publish("Arrives after resume")
    await poll(desk, clock)
    assert cards(desk) == ["Arrives after resume"]
    await poll(desk, clock)
    assert cards(desk) == ["Arrives after resume"]  # what came while paused is never owed
    log = said(await slash(desk, "feeds log", id=1))
    assert "paused** · [Arrives while paused]" in log
    assert "posted** · [Arrives after resume]" in log


async def test_a_template_is_copied_to_three_feeds_and_their_posts_use_it(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    first, second = Wire(site, clock, "desk"), Wire(site, clock, "coast")
    for wire in (first, second):
        for channel in ("news", "general"):
            await add(desk, wire.url, channel)
    await settled(desk)
    form = await slash(desk, "feeds template", id=1)
    assert form.modal is not None and form.modal["title"].startswith("Template of feed #1")
    await desk.discord.submit_modal(
        form,
        {
            "template:content": "{role}",
            "template:title": "📰 {title:200}",
            "template:description": "{summary:150}",
            "template:footer": "{feed} · {published}",
            "template:style": "#e67e22 no-thumbnail",
        },
    )

    copied = await slash(desk, "feeds copy", **{"from": 1, "to": "2, 3, 4"})
    assert "Copied the template of feed #1 to feeds #2, #3, #4." in said(copied)
    rows = await desk.store.guild_subscriptions(desk.discord.guild.id)
    templates = {s.id: s.template for s, _ in rows}
    assert len(set(templates.values())) == 1 and templates[1]
    assert template_from_json(templates[4]).title == "📰 {title:200}"

    second.publish("Ferry timetable changes", image="https://cdn.example/ferry.jpg")
    await poll(desk, clock)
    for channel in ("news", "general"):
        [card] = [e for m in posts(desk, channel) for e in m.embeds]
        assert card["title"] == "📰 Ferry timetable changes"
        assert card["color"] == 0xE67E22
        assert card["footer"]["text"].startswith("Coast Wire · ")
        assert "thumbnail" not in card  # the style says no-thumbnail, though it has one


async def test_the_template_preview_is_the_real_post_byte_for_byte(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    editors = next(r for r in desk.discord.guild.roles if r.name == "Editors")
    wire = Wire(site, clock)
    wire.publish("Storm warning for the coast")
    wire.publish("Ports close as the storm arrives", image="https://cdn.example/ports.jpg")
    await add(desk, wire.url, role=editors)
    await settled(desk)

    form = await slash(desk, "feeds template", id=1)
    defaults = {c["custom_id"]: c.get("value") for row in form.modal["components"]
                for c in row["components"]}  # fmt: skip
    assert defaults["template:title"] == "{title}"  # the form opens on the current template
    answer = await desk.discord.submit_modal(
        form,
        {
            "template:content": "{role} New from {feed}: **{title}**",
            "template:title": "{title}",
            "template:description": "{summary|title:300}\n{link}",
            "template:footer": "{source|feed} · {also_in} · {author}",
            "template:style": "#1f6feb",
        },
    )
    await desk.discord.wait_for(lambda: len(answer.messages) == 2, what="the preview")
    saved, preview = answer.messages
    assert "Saved the template of feed #1 · Desk Wire." in said(answer)
    assert "“Ports close as the storm arrives”" in saved.embeds[0]["description"]
    assert preview.ephemeral

    sent = await slash(desk, "feeds send-latest", id=1)
    post = last_post(desk)
    assert "Posted “Ports close as the storm arrives”" in said(sent)
    assert (
        post.content == f"<@&{editors.id}> New from Desk Wire: **Ports close as the storm arrives**"
    )
    assert (preview.content, preview.embeds) == (post.content, post.embeds)
    [card] = post.embeds
    assert card["footer"]["text"] == "Desk Wire"  # empty placeholders take their separators along
    assert card["thumbnail"]["url"] == "https://cdn.example/ports.jpg"  # the feed's picture
    assert card["description"].endswith(site.url("/desk/desk-2"))


async def test_a_template_over_a_discord_limit_or_with_an_unknown_placeholder_is_refused(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    wire = Wire(site, clock)
    await add(desk, wire.url)
    cases = {
        "template:title": (
            "Breaking news from the coast: {title}",
            "The embed title can reach 286 characters, over Discord's limit of 256",
        ),
        "template:description": (
            "{summary:4000} {title}",
            "The embed description can reach 4,257 characters, over Discord's limit of 4,096",
        ),
        "template:content": (
            "{title} {summary:1800}",
            "The message text can reach 2,057 characters, over Discord's limit of 2,000",
        ),
        "template:footer": ("{headline}", "unknown placeholder {headline}"),
    }
    for field, (typed, refusal) in cases.items():
        form = await slash(desk, "feeds template", id=1)
        answer = await desk.discord.submit_modal(
            form, {"template:title": "{title}", "template:description": "{summary}", field: typed}
        )
        assert answer.message.ephemeral
        assert refusal in said(answer), (field, said(answer))
    subscription = await desk.store.subscription(desk.discord.guild.id, 1)
    assert subscription is not None and subscription.template == ""  # nothing was saved
    role_in_title = await desk.discord.submit_modal(
        await slash(desk, "feeds template", id=1), {"template:title": "{role} {title:200}"}
    )
    assert "{role} only works in the message text" in said(role_in_title)


async def test_backfill_posts_the_latest_items_once(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    wire = Wire(site, clock)
    wire.publish("First", "Second", "Third", "Fourth")
    await add(desk, wire.url, backfill=2)
    await settled(desk)
    assert cards(desk) == ["Third", "Fourth"]
    await poll(desk, clock)
    assert cards(desk) == ["Third", "Fourth"]
    log = said(await slash(desk, "feeds log", id=1))
    assert "posted** · [Third]" in log and "posted** · [Fourth]" in log
    assert "[First]" not in log  # the rest of the feed's history is not the log's business


async def test_autocomplete_offers_this_servers_feeds_on_every_id(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    await add(desk, Wire(site, clock, "desk").url)
    await add(desk, Wire(site, clock, "coast").url)
    for command, option in (
        ("feeds edit", "id"),
        ("feeds pause", "id"),
        ("feeds resume", "id"),
        ("feeds template", "id"),
        ("feeds log", "id"),
        ("feeds send-latest", "id"),
        ("feeds remove", "id"),
        ("feeds copy", "from"),
    ):
        choices = await desk.discord.autocomplete(command, option, "coast")
        assert choices == [{"name": "#2 Coast Wire", "value": 2}], command
    targets = await desk.discord.autocomplete("feeds copy", "to", "1, ")
    assert [c["value"] for c in targets] == ["all", "1, 2"]


async def test_the_servers_default_template_is_used_by_feeds_without_their_own(
    desk: Newsdesk, site: NewsSite, clock: FakeClock
) -> None:
    first, second = Wire(site, clock, "desk"), Wire(site, clock, "coast")
    await add(desk, first.url)
    await add(desk, second.url, "general")
    await settled(desk)
    own = await slash(desk, "feeds template", id=2)
    await desk.discord.submit_modal(own, {"template:content": "{feed}: {title}"})
    form = await slash(desk, "feeds template")
    assert form.modal is not None and "Server's default template" in form.modal["title"]
    answer = await desk.discord.submit_modal(
        form, {"template:title": "Server: {title:240}", "template:footer": "{feed}"}
    )
    assert "Saved the template of this server's default." in said(answer)

    first.publish("Tide tables change")
    second.publish("Lighthouse relit")
    await poll(desk, clock)
    assert cards(desk, "news") == ["Server: Tide tables change"]  # the server's default
    [plain] = posts(desk, "general")
    assert (plain.content, plain.embeds) == ("Coast Wire: Lighthouse relit", [])  # its own
    cleared = await slash(desk, "feeds edit", id=2, clear="template")
    assert "template → the default" in said(cleared)
    second.publish("Harbour lights dimmed")
    await poll(desk, clock)
    assert cards(desk, "general") == ["Server: Harbour lights dimmed"]
