"""Load and validate `sources.yaml` into a `Config`.

Validation collects *every* problem with file, line and key before raising one
`ConfigError`, so an editor fixes a file in one go. The keys themselves are declared
as data in `config_schema.py`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import yaml

from .config_schema import (
    DIGEST_ENTRY_KEYS,
    EMAIL_KEYS,
    FEED_KEYS,
    FETCH_KEYS,
    MONITORING_KEYS,
    PUBLISH_KEYS,
    SCHEMA,
    SITE_KEYS,
    SOURCE_KEYS,
    TEST_KEYS,
    TOP_KEYS,
    Key,
)
from .config_types import SLUG, Invalid
from .errors import ConfigError, ConfigProblem
from .models import (
    Config,
    DigestSettings,
    DigestSpec,
    EmailSettings,
    FetchSettings,
    MonitoringSettings,
    PublishSettings,
    SiteSettings,
    Source,
    SourceTest,
    TopicFeed,
)
from .urls import identity_key
from .version import __version__

DEFAULT_CONFIG = Path("sources.yaml")

# --- walking the YAML tree ------------------------------------------------------------


class _Checker:
    """Collects problems while turning YAML nodes into values."""

    def __init__(self, file: str, loader: yaml.SafeLoader) -> None:
        self.file = file
        self.loader = loader
        self.problems: list[ConfigProblem] = []

    def problem(self, node: yaml.Node | None, key: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(ConfigProblem(self.file, line, key, message))

    def section(
        self, node: yaml.Node | None, path: str, keys: tuple[Key, ...]
    ) -> tuple[dict[str, Any], dict[str, yaml.Node]]:
        """Check one mapping: unknown, duplicate and missing keys, and each value.

        Returns the parsed values by dataclass attribute, and the raw nodes of the keys
        that are themselves sections or lists, for the caller to walk.
        """
        values: dict[str, Any] = {}
        nested: dict[str, yaml.Node] = {}
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
            return values, nested
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path or "(top)", "expected a mapping of keys to values")
            return values, nested
        by_name = {key.name: key for key in keys}
        seen: set[str] = set()
        for key_node, value_node in node.value:
            name = str(key_node.value)
            dotted = f"{path}.{name}" if path else name
            key = by_name.get(name)
            if name in seen:
                self.problem(key_node, dotted, "duplicate key")
                continue
            seen.add(name)
            if key is None:
                hint = difflib.get_close_matches(name, list(by_name), n=1)
                suffix = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.problem(key_node, dotted, f"unknown key{suffix}")
            elif key.parse in (dict, list):
                nested[name] = value_node
            else:
                try:
                    value = self.loader.construct_object(value_node, deep=True)
                    values[key.attribute] = key.parse(value)
                except Invalid as exc:
                    self.problem(value_node, dotted, str(exc))
        for key in keys:
            if key.required and key.name not in seen:
                dotted = f"{path}.{key.name}" if path else key.name
                self.problem(node, dotted, "required key is missing")
        return values, nested


def load_config(path: Path | str = DEFAULT_CONFIG) -> Config:
    """Read, validate and resolve a configuration file; raise ConfigError listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([ConfigProblem(str(path), None, "(file)", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        problem = ConfigProblem(str(path), None, "(file)", f"cannot read: {exc}")
        raise ConfigError([problem]) from None
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> Config:
    """Validate configuration text that was read from `path` (used for messages and paths)."""
    file = str(path)
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        problem = ConfigProblem(file, line, "(syntax)", f"not valid YAML: {reason}")
        raise ConfigError([problem]) from None
    check = _Checker(file, loader)
    try:
        top, sections = check.section(root, "", TOP_KEYS)
        site = SiteSettings(**check.section(sections.get("site"), "site", SITE_KEYS)[0])
        fetch_values = check.section(sections.get("fetch"), "fetch", FETCH_KEYS)[0]
        fetch_values.setdefault("user_agent", f"syndicator/{__version__} (+{site.base_url})")
        publish_values = check.section(sections.get("publish"), "publish", PUBLISH_KEYS)[0]
        digest_values, digest_sections = check.section(
            sections.get("digest"), "digest", SCHEMA["digest"]
        )
        email_values = check.section(digest_sections.get("email"), "digest.email", EMAIL_KEYS)[0]
        monitoring_values = check.section(
            sections.get("monitoring"), "monitoring", MONITORING_KEYS
        )[0]
        sources = _sources(check, sections.get("sources"))
        feeds = _feeds(check, sections.get("feeds"))
        digests = _digests(check, sections.get("digests"), sources, feeds, site.title)
    finally:
        loader.dispose()
    if check.problems:
        raise ConfigError(check.problems)
    folder = path.parent
    if "metrics_file" in monitoring_values:
        monitoring_values["metrics_file"] = _resolve(folder, monitoring_values["metrics_file"])
    return Config(
        path=path,
        database=_resolve(folder, top.get("database", Path("db/syndicator.db"))),
        output_dir=_resolve(folder, top.get("output_dir", Path("public"))),
        site=site,
        fetch=FetchSettings(**fetch_values),
        publish=PublishSettings(**publish_values),
        digest=DigestSettings(email=EmailSettings(**email_values), **digest_values),
        sources=sources,
        monitoring=MonitoringSettings(**monitoring_values),
        feeds=feeds,
        digests=digests,
    )


def _sources(check: _Checker, node: yaml.Node | None) -> tuple[Source, ...]:
    sources: list[Source] = []
    url_lines: dict[str, int] = {}
    for item, path, values, nested, before in _entries(check, node, "sources", SOURCE_KEYS):
        if values.get("url") is not None:  # one index page may serve two link selectors
            kind, links = values.get("kind", "feed"), values.get("link_selector")
            same = f"{kind} {links} {identity_key(values['url'])}"
            _once(check, url_lines, same, item, f"{path}.url", "url")
        if "tests" in nested:
            values["tests"] = _tests(check, nested["tests"], f"{path}.tests")
        if len(check.problems) > before:
            continue
        kind = values.get("kind", "feed")
        if kind == "html" and not values.get("link_selector"):
            check.problem(item, f"{path}.link_selector", "required when kind is html")
        elif kind == "feed" and values.get("link_selector"):
            check.problem(item, f"{path}.link_selector", "only used when kind is html")
        else:
            sources.append(Source(**values))
    return tuple(sources)


def _tests(check: _Checker, node: yaml.Node, path: str) -> tuple[SourceTest, ...]:
    """A source's regression tests: each a page URL and what its clean text must say."""
    tests = []
    for index, item in enumerate(_items(check, node, path)):
        before = len(check.problems)
        values, _ = check.section(item, f"{path}[{index}]", TEST_KEYS)
        if len(check.problems) == before:
            tests.append(SourceTest(**values))
    return tuple(tests)


def _feeds(check: _Checker, node: yaml.Node | None) -> tuple[TopicFeed, ...]:
    """Topic feeds: a full-text query over every source (or those with given tags)."""
    return tuple(
        TopicFeed(**values)
        for _, _, values, _, before in _entries(check, node, "feeds", FEED_KEYS, empty_ok=True)
        if len(check.problems) == before
    )


def _digests(
    check: _Checker,
    node: yaml.Node | None,
    sources: tuple[Source, ...],
    feeds: tuple[TopicFeed, ...],
    site_title: str,
) -> tuple[DigestSpec, ...]:
    """The `digests:` list; without the key, a daily and a weekly digest of everything."""
    if node is None:
        return default_digests(site_title)
    known = {
        "tags": ("tag", {tag for source in sources for tag in source.tags}),
        "sources": ("source", {source.id for source in sources}),
        "feed": ("topic feed", {feed.id for feed in feeds}),
    }
    specs: list[DigestSpec] = []
    for item, path, values, _, before in _entries(check, node, "digests", DIGEST_ENTRY_KEYS):
        # A filter naming nothing that exists would make an always-empty digest: a typo.
        for key, (what, names) in known.items():
            named = values.get(key)
            for name in (named,) if isinstance(named, str) else named or ():
                if name not in names:
                    hint = difflib.get_close_matches(name, sorted(names), n=1)
                    suffix = f" (did you mean '{hint[0]}'?)" if hint else ""
                    message = f"no {what} '{name}'{suffix}"
                    check.problem(_value_node(item, key), f"{path}.{key}", message)
        if len(check.problems) == before:
            values.setdefault("title", f"{site_title} — {values.get('period', 'daily')} digest")
            specs.append(DigestSpec(**values))
    return tuple(specs)


def _entries(
    check: _Checker,
    node: yaml.Node | None,
    name: str,
    keys: tuple[Key, ...],
    *,
    empty_ok: bool = False,
) -> Iterator[tuple[yaml.Node, str, dict[str, Any], dict[str, yaml.Node], int]]:
    """Each entry of a list of mappings with an `id` (`sources:`, `feeds:`, `digests:`):
    its node, its path for messages, its values, its nested nodes, and how many problems
    were known before it (the entry is clean while that count holds). An id used twice
    is a problem of the later entry. An empty value (`name:` alone) is a problem unless
    `empty_ok`."""
    first_line: dict[str, int] = {}
    for index, item in enumerate(_items(check, node, name, empty_ok=empty_ok)):
        path = f"{name}[{_source_label(item, index)}]"
        before = len(check.problems)
        values, nested = check.section(item, path, keys)
        if values.get("id") is not None:
            _once(check, first_line, values["id"], item, f"{path}.id", "id")
        yield item, path, values, nested, before


def _once(
    check: _Checker, seen: dict[str, int], key: str, node: yaml.Node, path: str, what: str
) -> None:
    """Report a value used before (e.g. two sources on one feed URL)."""
    if key in seen:
        check.problem(node, path, f"duplicate {what} (first used on line {seen[key]})")
    else:
        seen[key] = node.start_mark.line + 1


def _items(
    check: _Checker, node: yaml.Node | None, path: str, *, empty_ok: bool = True
) -> list[yaml.Node]:
    if node is None:
        return []
    if empty_ok and isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
        return []
    if not isinstance(node, yaml.SequenceNode):
        check.problem(node, path, f"expected a list of {path.rsplit('.', 1)[-1]}")
        return []
    return list(node.value)


def default_digests(site_title: str) -> tuple[DigestSpec, ...]:
    """What a file without `digests:` gets: a daily and a weekly digest of everything."""
    return tuple(
        DigestSpec(period, f"{site_title} — {period} digest", period=period)
        for period in ("daily", "weekly")
    )


def _value_node(item: yaml.Node, key: str) -> yaml.Node:
    """The value node of `key` in a mapping node (for a problem's line), else the item."""
    if isinstance(item, yaml.MappingNode):
        for key_node, value_node in item.value:
            if key_node.value == key:
                return cast(yaml.Node, value_node)
    return item


def _source_label(item: yaml.Node, index: int) -> str:
    """Name a source in messages by its id when it has a usable one, else by position."""
    if isinstance(item, yaml.MappingNode):
        for key_node, value_node in item.value:
            is_id = key_node.value == "id" and isinstance(value_node, yaml.ScalarNode)
            if is_id and SLUG.fullmatch(str(value_node.value)):
                return str(value_node.value)
    return str(index)


def _resolve(folder: Path, path: Path) -> Path:
    return path if path.is_absolute() else folder / path
