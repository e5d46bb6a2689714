"""Forms (modals) the bot opens, as the console shows and fills them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FormField:
    """One text input of a form: its id, the names it answers to, its label and value."""

    custom_id: str
    names: tuple[str, ...]
    label: str
    value: str


def form_fields(modal: dict[str, Any]) -> list[FormField]:
    """The text inputs of a modal as Discord sent it (in rows or in labels)."""
    found = []
    for row in modal.get("components", []):
        items = [row["component"]] if "component" in row else row.get("components", [])
        for item in items:
            if item.get("type") != 4:
                continue
            label = str(row.get("label") or item.get("label") or "")
            custom_id = str(item["custom_id"])
            short = custom_id.rsplit(":", 1)[-1]
            names = tuple(dict.fromkeys(n.casefold() for n in (short, custom_id, label) if n))
            found.append(FormField(custom_id, names, label, str(item.get("value") or "")))
    return found


def form_lines(modal: dict[str, Any]) -> list[str]:
    """A form as text: its title, then each field's name, label and current value."""
    lines = [f"▤ {modal.get('title', 'Form')} — send it with :fill name=value …"]
    for entry in form_fields(modal):
        value = entry.value.replace("\n", "\\n")
        lines.append(f"  {entry.names[0]:<12} {entry.label}: {value}")
    return lines
