"""The embed builder keeps every Discord limit, whatever it is given."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render import embeds, limits
from bot.sandbox.emulator.limits import FormErrors, check_embeds


def discord_errors(embed_dict: dict) -> dict:
    """What Discord (the emulator's rules) would reject in a message carrying this embed."""
    errors = FormErrors()
    check_embeds(errors, ["embeds"], [embed_dict])
    return errors.tree


def test_long_parts_are_clipped_and_the_total_kept() -> None:
    embed = embeds.build(
        title="T" * 1000,
        description="word " * 3000,
        fields=[embeds.Field("N" * 300, "V" * 2000) for _ in range(30)],
        footer="F" * 3000,
        author="A" * 300,
    )
    data = embed.to_dict()
    assert discord_errors(data) == {}
    assert len(embed) <= limits.EMBED_TOTAL
    assert len(data["fields"]) <= limits.EMBED_FIELDS
    assert data["title"].endswith("…")


def test_description_gives_way_before_fields() -> None:
    fields = [embeds.Field(f"Field {i}", "v" * 1000) for i in range(5)]
    embed = embeds.build(title="Title", description="d" * 4000, fields=fields)
    assert len(embed.fields) == 5
    assert len(embed) <= limits.EMBED_TOTAL
    assert embed.description is not None and len(embed.description) < 4000


def test_empty_field_parts_are_filled_and_unsafe_urls_dropped() -> None:
    embed = embeds.build(title="t", url="javascript:alert(1)", fields=[embeds.Field("", "")])
    assert embed.url is None
    assert embed.fields[0].name == embeds.BLANK and embed.fields[0].value == embeds.BLANK
    assert discord_errors(embed.to_dict()) == {}


def test_footer_and_author_are_plain_one_line_text() -> None:
    embed = embeds.build(footer="a\nb\u202e c", author="  x \t y ")
    assert embed.footer.text == "a b c"
    assert embed.author.name == "x y"


@settings(max_examples=150, deadline=None)
@given(
    title=st.text(max_size=600),
    description=st.text(max_size=9000),
    fields=st.lists(st.tuples(st.text(max_size=400), st.text(max_size=1500)), max_size=30),
    footer=st.text(max_size=2500),
    author=st.text(max_size=400),
)
def test_the_builder_never_exceeds_a_limit(
    title: str, description: str, fields: list[tuple[str, str]], footer: str, author: str
) -> None:
    embed = embeds.build(
        title=title,
        description=description,
        fields=[embeds.Field(name, value) for name, value in fields],
        footer=footer,
        author=author,
    )
    assert discord_errors(embed.to_dict()) == {}
    assert len(embed) <= limits.EMBED_TOTAL
