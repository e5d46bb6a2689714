"""A feed's template editor on the web: the four texts and the style of `/feeds template`, a
preview of the post the template makes of the feed's newest item, drawn like Discord draws an
embed, and saving it. The preview is the post itself: the same announcement the bot builds
(bot.feeds.delivery.Delivery.preview, with the same NLP summary) through the same card
(bot.render.feed_cards.item_card), checked against the same limits. Without JavaScript the
Preview button shows it; with it, newsdesk.js asks …/template/preview as the admin types."""

from __future__ import annotations

from functools import partial
from typing import Any

from aiohttp import web

from bot.errors import NewsdeskError
from bot.feeds import manage
from bot.feeds.delivery import Delivery
from bot.feeds.templates import PLACEHOLDERS, MessageTemplate, make_template
from bot.nlp.lookup import card_summary
from bot.render.feed_cards import Card, check_template, item_card
from bot.servers import KnownPlaces
from bot.web.context import context_of
from bot.web.feed_admin import feed_of, feed_row, managed
from bot.web.markdown import discord_markup
from bot.web.render import Data, environment, page
from bot.web.sessions import Server

PARTS = ("content", "title", "description", "footer", "style")
PART_CHARS = 4000


def typed_template(form: Any) -> dict[str, str]:
    """The template's texts as typed in the form (bounded)."""
    return {part: str(form.get(part, ""))[:PART_CHARS] for part in PARTS}


def as_typed(template: MessageTemplate) -> dict[str, str]:
    """A template's texts as the form shows them."""
    return {
        "content": template.content,
        "title": template.title,
        "description": template.description,
        "footer": template.footer,
        "style": template.style(),
    }


def checked(typed: dict[str, str]) -> MessageTemplate:
    """The typed texts as a template Discord will take (TemplateError says what is wrong)."""
    made = make_template(**typed)
    check_template(made)
    return made


def card_data(card: Card, places: KnownPlaces) -> Data:
    """A card as the page draws it: markdown parts as safe HTML, the footer as plain text."""

    def role_name(role_id: int) -> str | None:
        found = places.role(role_id)
        return found.name if found else None

    markup = partial(discord_markup, role_name=role_name)
    return {
        "content": markup(card.content or ""),
        "embed": card.embed,
        "title": markup(card.title),
        "url": card.url or "",
        "description": markup(card.description),
        "footer": card.footer,
        "colour": f"#{card.colour:06x}",
        "timestamp": card.timestamp.isoformat() if card.timestamp else "",
        "thumbnail": bool(card.thumbnail),
        # The raw parts, as Discord receives them (the API's answer, and what tests compare).
        "raw": {
            "content": card.content or "",
            "title": card.title,
            "description": card.description,
            "footer": card.footer,
            "colour": card.colour,
        },
    }


async def preview_of(
    request: web.Request, server: Server, places: KnownPlaces, number: int, typed: dict[str, str]
) -> Data:
    """The preview of the typed template for the feed's newest item: its card, or why not."""
    store = context_of(request).store
    try:
        template = checked(typed)
    except NewsdeskError as exc:
        return {"error": str(exc), "card": None, "item": ""}
    subject = await manage.preview_subject(store, server.id, number)
    if subject is None:
        return {"error": "", "card": None, "item": ""}
    clock = context_of(request).clock
    delivery = Delivery(store, None, clock=clock, summarize=partial(card_summary, store))
    announcement = await delivery.preview(*subject)
    item = announcement.articles[0]
    card = item_card(template, item, announcement.feed, announcement.subscription)
    return {"error": "", "card": card_data(card, places), "item": item.article.title}


async def _editor(request: web.Request, typed: dict[str, str] | None, saved: bool = False) -> Data:
    server, places = await managed(request)
    subscription, feed = await feed_of(request, server)
    store = context_of(request).store
    current, whose = await manage.template_of(store, server.id, subscription.id)
    typed = typed or as_typed(current)
    return {
        "server": {"id": str(server.id), "name": server.name},
        "feed": feed_row(subscription, feed, places, context_of(request).clock.now()),
        "whose": whose,
        "typed": typed,
        "placeholders": PLACEHOLDERS,
        "preview": await preview_of(request, server, places, subscription.id, typed),
        "saved": saved,
    }


async def template_data(request: web.Request) -> Data:
    """GET …/template (and its twin): the feed's template and the preview of its newest item."""
    return await _editor(request, None, saved=request.query.get("saved") == "1")


async def save(request: web.Request) -> web.StreamResponse:
    """POST …/template: `action=preview` shows the typed template's post (nothing saved, the
    page without JavaScript); `action=save` saves it (as `/feeds template`), `action=reset`
    goes back to the server's default."""
    server, _ = await managed(request)
    subscription, _ = await feed_of(request, server)
    form = await request.post()
    typed = typed_template(form)
    action = str(form.get("action", "save"))
    if action == "preview":
        return await page(request, "feed_template.html", await _editor(request, typed))
    made: MessageTemplate | None = None
    if action != "reset":
        try:
            made = checked(typed)
        except NewsdeskError:
            data = await _editor(request, typed)  # the preview says what is wrong
            return await page(request, "feed_template.html", data, status=400)
    await manage.save_template(context_of(request).store, server.id, subscription.id, made)
    raise web.HTTPSeeOther(f"/servers/{server.id}/feeds/{subscription.id}/template?saved=1")


async def live_preview(request: web.Request) -> web.Response:
    """POST …/template/preview (the script's, with the form's token): the preview alone, as
    the HTML the page shows in its place."""
    server, places = await managed(request)
    subscription, _ = await feed_of(request, server)
    typed = typed_template(await request.post())
    preview = await preview_of(request, server, places, subscription.id, typed)
    html = environment().get_template("_post_preview.html").render(preview=preview)
    return web.Response(text=html, content_type="text/html")
