"""The sample site's files: read from the package, placeholders filled, typed, dated.

Each folder under `site/` is one site, served at the root of its own port. Text files
are templates: `{{dod}}`, `{{republisher}}`, `{{army}}` and `{{tradepress}}` become the
sites' base URLs once the ports are known, so cross-site links are real absolute URLs.
`site/sites.toml` holds each site's Last-Modified and its content-type exceptions.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import PurePosixPath
from typing import Any

SITE_NAMES = ("dod", "republisher", "army", "tradepress")

# Content types by file suffix; sites.toml overrides them per path (feeds with odd names).
CONTENT_TYPES = {
    "": "text/html; charset=utf-8",  # army.mil-style article URLs have no suffix
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
_TEXT_TYPES = ("text/", "application/", "image/svg+xml")
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


@dataclass(frozen=True, slots=True)
class ServedFile:
    """One file as the site serves it now."""

    body: bytes
    content_type: str
    last_modified: datetime
    tag: str = field(init=False)  # the ETag's opaque value: a hash of the body

    def __post_init__(self) -> None:
        object.__setattr__(self, "tag", hashlib.sha256(self.body).hexdigest()[:20])

    @property
    def is_text(self) -> bool:
        return self.content_type.startswith(_TEXT_TYPES)


def site_root() -> Traversable:
    return files("syndicator.demo") / "site"


def render_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Fill `{{name}}` placeholders; an unknown name is a bug in the site's files."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"unknown placeholder {{{{{name}}}}}")
        return values[name]

    return _PLACEHOLDER.sub(fill, text)


def load_site_files(urls: Mapping[str, str]) -> dict[str, dict[str, ServedFile]]:
    """Every site's files, rendered for these base URLs, keyed by URL path."""
    root = site_root()
    manifest: dict[str, Any] = tomllib.loads((root / "sites.toml").read_text(encoding="utf-8"))
    sites: dict[str, dict[str, ServedFile]] = {}
    for name in SITE_NAMES:
        settings = manifest[name]
        overrides: Mapping[str, str] = settings.get("content_types", {})
        last_modified: datetime = settings["last_modified"].astimezone(UTC)
        served: dict[str, ServedFile] = {}
        for path, resource in _walk(root / name, PurePosixPath("/")):
            url_path = str(path)
            content_type = overrides.get(url_path) or CONTENT_TYPES.get(path.suffix)
            if content_type is None:
                raise ValueError(f"no content type for {name}{url_path}")
            body = resource.read_bytes()
            if content_type.startswith(_TEXT_TYPES):
                body = render_placeholders(body.decode("utf-8"), urls).encode("utf-8")
            served[url_path] = ServedFile(body, content_type, last_modified)
        sites[name] = served
    return sites


def _walk(folder: Traversable, path: PurePosixPath) -> Iterator[tuple[PurePosixPath, Traversable]]:
    for child in sorted(folder.iterdir(), key=lambda item: item.name):
        if child.is_dir():
            yield from _walk(child, path / child.name)
        else:
            yield path / child.name, child
