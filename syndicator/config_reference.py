"""The configuration reference in the README, generated from the schema (`config_schema`).

`tests/test_architecture.py` checks that the README embeds `reference_markdown()` verbatim
and names every key, so the documentation cannot drift from what the loader accepts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from .config_schema import SCHEMA, Key
from .config_types import format_duration


def documented_keys() -> Iterator[tuple[str, Key]]:
    """Every key as (dotted path, Key): what the README's reference must cover."""
    for section, keys in SCHEMA.items():
        for key in keys:
            yield (f"{section}.{key.name}" if section else key.name), key


def reference_markdown() -> str:
    """The configuration reference as Markdown tables (the README embeds it verbatim)."""
    titles = {
        "": "Top level",
        "site": "`site:`",
        "fetch": "`fetch:`",
        "publish": "`publish:`",
        "digest": "`digest:`",
        "digest.email": "`digest.email:`",
        "monitoring": "`monitoring:`",
        "sources[]": "`sources:` (each entry)",
        "sources[].tests[]": "`sources[].tests:` (each entry)",
        "feeds[]": "`feeds:` (each entry)",
        "digests[]": "`digests:` (each entry)",
    }
    parts = []
    for section, keys in SCHEMA.items():
        rows = ["| key | default | meaning |", "| --- | --- | --- |"]
        for key in keys:
            default = "required" if key.required else key.shown or _shown_default(key.default)
            rows.append(f"| `{key.name}` | {default} | {key.doc} |")
        parts.append(f"#### {titles[section]}\n\n" + "\n".join(rows))
    return "\n\n".join(parts) + "\n"


def _shown_default(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, timedelta):
        return f"`{format_duration(value)}`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, tuple):
        return "`[]`" if not value else f"`{list(value)}`"
    if isinstance(value, int) and value >= 10_000:
        return f"`{value:_}`".replace("_", ",")
    return f"`{value}`"
