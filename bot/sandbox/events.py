"""Gateway payloads produced by people's actions: slash command data, interactions, modals."""

from __future__ import annotations

import secrets
from typing import Any

from .emulator.state import ALL_PERMISSIONS, Channel, Interaction, Message, Role, Upload, User
from .emulator.world import World

# Application command option types (Discord's numbering).
_SUB_COMMAND, _SUB_COMMAND_GROUP, _STRING, _INTEGER, _BOOLEAN = 1, 2, 3, 4, 5
_USER, _CHANNEL, _ROLE, _NUMBER, _ATTACHMENT = 6, 7, 8, 10, 11


def command_data(
    world: World, command: str, channel: Channel, options: dict[str, Any], focused: str | None
) -> dict[str, Any]:
    """The `data` of a slash or autocomplete interaction: nested options, resolved objects."""
    name, *path = command.split()
    definition = world.command_named(name, channel.guild_id)
    data: dict[str, Any] = {
        "id": definition["id"] if definition else str(world.ids.next()),
        "name": name,
        "type": 1,
    }
    if definition and definition.get("guild_id"):
        data["guild_id"] = definition["guild_id"]
    defs = (definition or {}).get("options", [])
    kinds = []
    for depth, sub in enumerate(path):
        found = next((d for d in defs if d.get("name") == sub), {})
        group = depth == 0 and len(path) == 2
        kinds.append(found.get("type", _SUB_COMMAND_GROUP if group else _SUB_COMMAND))
        defs = found.get("options", [])
    resolved: dict[str, dict[str, Any]] = {}
    leaf = [_option(world, k, v, defs, focused, resolved, channel) for k, v in options.items()]
    for sub, kind in reversed(list(zip(path, kinds, strict=True))):
        leaf = [{"name": sub, "type": kind, "options": leaf}]
    data["options"] = leaf
    if resolved:
        data["resolved"] = resolved
    return data


def _option(
    world: World,
    name: str,
    value: Any,
    defs: list[dict[str, Any]],
    focused: str | None,
    resolved: dict[str, dict[str, Any]],
    channel: Channel,
) -> dict[str, Any]:
    kind = _option_type(value, defs, name)
    if isinstance(value, str) and name != focused:
        # The console passes every value as typed text; convert to the declared type.
        value = _coerce(value, kind)
    option: dict[str, Any] = {"name": name, "type": kind, "value": value}
    if isinstance(value, User):
        option["value"] = str(value.id)
        resolved.setdefault("users", {})[str(value.id)] = value.payload()
        if channel.guild_id is not None:
            member = world.guild_by_id(channel.guild_id).member(value.id)
            if member is not None:
                payload = member.payload(with_permissions=True)
                payload.pop("user")
                resolved.setdefault("members", {})[str(value.id)] = payload
    elif isinstance(value, Channel):
        option["value"] = str(value.id)
        channel_data = {**value.payload(), "permissions": str(ALL_PERMISSIONS)}
        resolved.setdefault("channels", {})[str(value.id)] = channel_data
    elif isinstance(value, Role):
        option["value"] = str(value.id)
        resolved.setdefault("roles", {})[str(value.id)] = value.payload()
    elif isinstance(value, Upload):
        option["value"] = str(value.attachment.id)
        resolved.setdefault("attachments", {})[str(value.attachment.id)] = value.payload()
    if name == focused:
        option["focused"] = True
    return option


def component_id(message: Message, wanted: str) -> str:
    """The custom_id of the component on `message` whose custom_id or label is `wanted`.

    Labels match case-insensitively, so a console user can type `:click next`.
    """
    if wanted in message.custom_ids:
        return wanted
    for item in walk(message.components):
        if str(item.get("label", "")).lower() == wanted.lower() and "custom_id" in item:
            return item["custom_id"]
    raise AssertionError(
        f"message {message.id} has no component {wanted!r} (has {message.custom_ids})"
    )


def new_interaction(
    world: World,
    kind: int,
    data: dict[str, Any],
    user: User,
    channel: Channel,
    now: float,
    source: Message | None = None,
) -> Interaction:
    """Create and register the record of an interaction the emulator is about to send."""
    interaction = Interaction(
        id=world.ids.now(),
        token="aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48),
        type=kind,
        user=user,
        channel_id=channel.id,
        guild_id=channel.guild_id,
        data=data,
        created_at=now,
        source_message=source,
    )
    world.interactions[interaction.id] = interaction
    world.interactions_by_token[interaction.token] = interaction
    return interaction


def interaction_event(world: World, interaction: Interaction, base_url: str) -> dict[str, Any]:
    """The INTERACTION_CREATE payload for an interaction record."""
    channel = world.channels[interaction.channel_id]
    user, source = interaction.user, interaction.source_message
    event: dict[str, Any] = {
        "id": str(interaction.id),
        "application_id": str(world.bot.id),
        "type": interaction.type,
        "token": interaction.token,
        "version": 1,
        "data": interaction.data,
        "channel_id": str(channel.id),
        "channel": channel.payload(),
        "app_permissions": str(ALL_PERMISSIONS),
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 10 * 2**20,
        "authorizing_integration_owners": {"0": str(channel.guild_id or 0)},
        "context": 0 if channel.guild_id else 1,
    }
    if channel.guild_id is not None:
        guild = world.guild_by_id(channel.guild_id)
        member = guild.member(user.id)
        if member is None:
            raise AssertionError(f"{user.username} is not a member of {guild.name}")
        event["guild_id"] = str(guild.id)
        event["guild_locale"] = "en-US"
        event["guild"] = {"id": str(guild.id), "locale": "en-US", "features": []}
        event["member"] = member.payload(with_permissions=True)
    else:
        event["user"] = user.payload()
    if source is not None:
        event["message"] = source.payload(
            base_url, world.interactions.get(source.interaction_id or 0)
        )
    return event


def _option_type(value: Any, defs: list[dict[str, Any]], name: str) -> int:
    """The option's declared type from the synced command, else one inferred from the value."""
    for definition in defs:
        if definition.get("name") == name and definition.get("type") not in (None, 1, 2):
            return int(definition["type"])
    if isinstance(value, bool):
        return _BOOLEAN
    if isinstance(value, int):
        return _INTEGER
    if isinstance(value, float):
        return _NUMBER
    if isinstance(value, User):
        return _USER
    if isinstance(value, Channel):
        return _CHANNEL
    if isinstance(value, Role):
        return _ROLE
    if isinstance(value, Upload):
        return _ATTACHMENT
    return _STRING


def walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every component in a (possibly nested) component list, depth first."""
    found: list[dict[str, Any]] = []
    for item in items:
        found.append(item)
        found.extend(walk(item.get("components", [])))
    return found


def _coerce(text: str, kind: int) -> Any:
    """Convert typed text to an option's declared type (integer, number, boolean)."""
    try:
        if kind == _INTEGER:
            return int(text)
        if kind == _NUMBER:
            return float(text)
    except ValueError:
        kind_name = "integer" if kind == _INTEGER else "number"
        raise ValueError(f"{text!r} is not a valid {kind_name}") from None
    if kind == _BOOLEAN:
        return text.strip().lower() in ("true", "yes", "1", "on")
    return text


def _fill_modal_item(item: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """Mirror one modal row/label with the submitted text-input values."""
    if item.get("type") == 4:
        return {
            "type": 4,
            "custom_id": item["custom_id"],
            "value": values.get(item["custom_id"], ""),
        }
    if "component" in item:  # a label (type 18) wraps exactly one component
        return {"type": item["type"], "component": _fill_modal_item(item["component"], values)}
    children = [_fill_modal_item(c, values) for c in item.get("components", [])]
    return {"type": item.get("type", 1), "components": children}


def modal_submission(modal: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """The `data` of a modal submit interaction, mirroring the modal's layout."""
    rows = [_fill_modal_item(item, values) for item in modal.get("components", [])]
    return {"custom_id": modal["custom_id"], "components": rows}
