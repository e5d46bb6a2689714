"""Discord's validation rules for messages, components and autocomplete, with its error shapes.

Violations are reported the way Discord does: HTTP 400 with
`{"code": 50035, "message": "Invalid Form Body", "errors": {...}}`, where `errors` nests by
path (`embeds` → `0` → `description`) and each leaf holds `{"_errors": [{"code", "message"}]}`.
discord.py flattens that into `In embeds.0.description: Must be 4096 or fewer in length.`
"""

from __future__ import annotations

from typing import Any

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048
EMBED_AUTHOR_MAX = 256
ACTION_ROWS_MAX = 5
ROW_WIDTH_MAX = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
SELECT_OPTIONS_MAX = 25
SELECT_OPTION_TEXT_MAX = 100
PLACEHOLDER_MAX = 150
CHOICES_MAX = 25
CHOICE_TEXT_MAX = 100
MODAL_TITLE_MAX = 45

# Component types (Discord's numbering).
ACTION_ROW = 1
BUTTON = 2
SELECT_TYPES = {3, 5, 6, 7, 8}
TEXT_INPUT = 4

# Message flag for Components V2 layouts, whose rules this emulator does not model.
IS_COMPONENTS_V2 = 1 << 15


class FormErrors:
    """Collects violations in Discord's nested `_errors` shape."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def add(self, path: list[str | int], code: str, message: str) -> None:
        """Record one violation at `path` (e.g. ["embeds", 0, "title"])."""
        node = self.tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def too_long(self, path: list[str | int], limit: int) -> None:
        """Record Discord's BASE_TYPE_MAX_LENGTH error."""
        self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def check_len(self, path: list[str | int], value: Any, limit: int) -> None:
        """Record a BASE_TYPE_MAX_LENGTH error when len(value) > limit."""
        if value is not None and len(value) > limit:
            self.too_long(path, limit)

    def __bool__(self) -> bool:
        return bool(self.tree)

    def body(self) -> dict[str, Any]:
        """Return the full 400 body."""
        return {"code": 50035, "message": "Invalid Form Body", "errors": self.tree}


def _embed_size(embed: dict[str, Any]) -> int:
    """Count the characters Discord adds up against the 6000 total."""
    size = len(embed.get("title") or "") + len(embed.get("description") or "")
    size += len((embed.get("footer") or {}).get("text") or "")
    size += len((embed.get("author") or {}).get("name") or "")
    for f in embed.get("fields") or []:
        size += len(f.get("name") or "") + len(f.get("value") or "")
    return size


def check_embeds(errors: FormErrors, path: list[str | int], embeds: list[dict[str, Any]]) -> None:
    """Validate a list of embeds against Discord's limits."""
    if len(embeds) > EMBEDS_MAX:
        errors.too_long(path, EMBEDS_MAX)
        return
    total = 0
    for i, embed in enumerate(embeds):
        here = [*path, i]
        errors.check_len([*here, "title"], embed.get("title"), EMBED_TITLE_MAX)
        errors.check_len([*here, "description"], embed.get("description"), EMBED_DESCRIPTION_MAX)
        errors.check_len(
            [*here, "footer", "text"], (embed.get("footer") or {}).get("text"), EMBED_FOOTER_MAX
        )
        errors.check_len(
            [*here, "author", "name"], (embed.get("author") or {}).get("name"), EMBED_AUTHOR_MAX
        )
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS_MAX:
            errors.too_long([*here, "fields"], EMBED_FIELDS_MAX)
        for j, f in enumerate(fields):
            for key, limit in (("name", EMBED_FIELD_NAME_MAX), ("value", EMBED_FIELD_VALUE_MAX)):
                text = f.get(key)
                if not text:
                    errors.add(
                        [*here, "fields", j, key], "BASE_TYPE_REQUIRED", "This field is required"
                    )
                else:
                    errors.check_len([*here, "fields", j, key], text, limit)
        size = _embed_size(embed)
        total += size
        if size > EMBED_TOTAL_MAX:
            errors.add(here, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
    if total > EMBED_TOTAL_MAX and not errors:
        errors.add(path, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")


def _check_component(errors: FormErrors, path: list[str | int], item: dict[str, Any]) -> None:
    """Validate one interactive component inside an action row."""
    errors.check_len([*path, "custom_id"], item.get("custom_id"), CUSTOM_ID_MAX)
    kind = item.get("type")
    if kind == BUTTON:
        errors.check_len([*path, "label"], item.get("label"), BUTTON_LABEL_MAX)
        if item.get("style") != 5 and item.get("style") != 6 and not item.get("custom_id"):
            errors.add([*path, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required")
    elif kind in SELECT_TYPES:
        errors.check_len([*path, "placeholder"], item.get("placeholder"), PLACEHOLDER_MAX)
        options = item.get("options") or []
        if len(options) > SELECT_OPTIONS_MAX:
            errors.too_long([*path, "options"], SELECT_OPTIONS_MAX)
        for k, option in enumerate(options):
            for key in ("label", "value", "description"):
                errors.check_len(
                    [*path, "options", k, key], option.get(key), SELECT_OPTION_TEXT_MAX
                )


def check_components(errors: FormErrors, path: list[str | int], rows: list[dict[str, Any]]) -> None:
    """Validate action rows: ≤5 rows, each ≤5 wide, a select filling a whole row."""
    if len(rows) > ACTION_ROWS_MAX:
        errors.too_long(path, ACTION_ROWS_MAX)
        return
    for i, row in enumerate(rows):
        if row.get("type") != ACTION_ROW:
            errors.add([*path, i, "type"], "UNION_TYPE_CHOICES", "Value must be one of {1}.")
            continue
        items = row.get("components") or []
        if len(items) > ROW_WIDTH_MAX:
            errors.too_long([*path, i, "components"], ROW_WIDTH_MAX)
            continue
        width = sum(ROW_WIDTH_MAX if c.get("type") in SELECT_TYPES else 1 for c in items)
        if width > ROW_WIDTH_MAX:
            errors.add(
                [*path, i, "components"],
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        for j, item in enumerate(items):
            _check_component(errors, [*path, i, "components", j], item)


def check_message(
    errors: FormErrors, path: list[str | int], payload: dict[str, Any], *, edit: bool = False
) -> None:
    """Validate a message body (create, edit, interaction response, follow-up)."""
    content = payload.get("content")
    errors.check_len([*path, "content"], content, CONTENT_MAX)
    check_embeds(errors, [*path, "embeds"], payload.get("embeds") or [])
    if not (int(payload.get("flags") or 0) & IS_COMPONENTS_V2):
        check_components(errors, [*path, "components"], payload.get("components") or [])


def is_empty_message(payload: dict[str, Any], has_files: bool) -> bool:
    """Whether a new message would have nothing to show (Discord answers 50006)."""
    return not (
        payload.get("content")
        or payload.get("embeds")
        or payload.get("components")
        or payload.get("sticker_ids")
        or payload.get("poll")
        or has_files
    )


def check_choices(errors: FormErrors, path: list[str | int], choices: list[dict[str, Any]]) -> None:
    """Validate autocomplete choices: ≤25, name and string value ≤100."""
    if len(choices) > CHOICES_MAX:
        errors.too_long(path, CHOICES_MAX)
        return
    for i, choice in enumerate(choices):
        errors.check_len([*path, i, "name"], choice.get("name"), CHOICE_TEXT_MAX)
        value = choice.get("value")
        if isinstance(value, str):
            errors.check_len([*path, i, "value"], value, CHOICE_TEXT_MAX)


def check_modal(errors: FormErrors, path: list[str | int], modal: dict[str, Any]) -> None:
    """Validate a modal: title ≤45, custom_id ≤100, 1–5 rows."""
    errors.check_len([*path, "title"], modal.get("title"), MODAL_TITLE_MAX)
    errors.check_len([*path, "custom_id"], modal.get("custom_id"), CUSTOM_ID_MAX)
    rows = modal.get("components") or []
    if len(rows) > ACTION_ROWS_MAX:
        errors.too_long([*path, "components"], ACTION_ROWS_MAX)


def check_commands(errors: FormErrors, commands: list[dict[str, Any]]) -> None:
    """Validate a command sync body: names ≤32, descriptions ≤100, ≤25 options/choices."""
    for i, command in enumerate(commands):
        errors.check_len([i, "name"], command.get("name"), 32)
        errors.check_len([i, "description"], command.get("description"), 100)
        _check_options(errors, [i, "options"], command.get("options") or [])


def _check_options(
    errors: FormErrors, path: list[str | int], options: list[dict[str, Any]]
) -> None:
    if len(options) > 25:
        errors.too_long(path, 25)
        return
    for j, option in enumerate(options):
        errors.check_len([*path, j, "name"], option.get("name"), 32)
        errors.check_len([*path, j, "description"], option.get("description"), 100)
        if len(option.get("choices") or []) > CHOICES_MAX:
            errors.too_long([*path, j, "choices"], CHOICES_MAX)
        _check_options(errors, [*path, j, "options"], option.get("options") or [])
