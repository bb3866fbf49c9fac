"""Appending a source to sources.yaml: the new entry in the file's layout, nothing else moved."""

from __future__ import annotations

from pathlib import Path

import pytest

from syndicator.config import parse_config
from syndicator.config_edit import append_source, write_atomically
from syndicator.errors import ConfigError

ENTRY = {"id": "new", "name": "New: One", "url": "https://new.example/feed.xml", "tags": ["a"]}
PATH = Path("sources.yaml")


def test_the_entry_follows_the_last_source_in_its_layout() -> None:
    """Dash and key columns and the blank line between entries are copied; comments stay."""
    text = (
        "sources:\n"
        "    # official\n"
        "    -   id: one   # first\n"
        "        name: One\n"
        "        url: https://one.example/rss\n"
        "\n"
        "    -   id: two\n"
        "        name: Two\n"
        "        url: https://two.example/rss\n"
        "        tags: [x, y]   # trailing\n"
        "# the end\n"
        "feeds: []\n"
    )
    result = append_source(text, PATH, ENTRY)
    added = (
        "\n    -   id: new\n        name: 'New: One'\n"
        "        url: https://new.example/feed.xml\n        tags: [a]\n"
    )
    assert result == text.replace("# trailing\n", "# trailing\n" + added, 1)
    assert [s.id for s in parse_config(result, PATH).sources] == ["one", "two", "new"]


def test_an_empty_list_becomes_a_block_list_under_its_key() -> None:
    """`sources: []` becomes `sources:` (its comment kept) with the entry under it."""
    result = append_source("sources: []  # none yet\nfeeds: []\n", PATH, ENTRY)
    assert result.startswith("sources:  # none yet\n  - id: new\n    name: 'New: One'\n")
    assert result.endswith("    tags: [a]\nfeeds: []\n")


def test_a_file_that_is_invalid_already_is_not_touched() -> None:
    """Problems of the file as it is are reported first: `sources:` with no list."""
    with pytest.raises(ConfigError, match="expected a list of sources"):
        append_source("sources:\n", PATH, ENTRY)


def test_windows_line_endings_are_kept() -> None:
    """A CRLF file gets CRLF lines."""
    text = "sources:\r\n  - id: one\r\n    name: One\r\n    url: https://one.example/rss\r\n"
    result = append_source(text, PATH, ENTRY)
    assert result.startswith(text) and "\n" not in result.replace("\r\n", "")


def test_an_inline_list_is_refused_rather_than_rewritten() -> None:
    """A non-empty `[...]` list cannot be extended in place; the editor is told so."""
    text = "sources: [{id: one, name: One, url: 'https://one.example/rss'}]\n"
    with pytest.raises(ConfigError, match="written inline"):
        append_source(text, PATH, ENTRY)


def test_a_result_that_does_not_validate_is_refused() -> None:
    """A duplicate id is caught by validating the whole new file."""
    text = "sources:\n  - id: new\n    name: One\n    url: https://one.example/rss\n"
    with pytest.raises(ConfigError, match="duplicate id"):
        append_source(text, PATH, ENTRY)


def test_writing_replaces_the_file_and_keeps_its_mode(tmp_path: Path) -> None:
    """The file is replaced whole, its permissions unchanged, no temporary left behind."""
    path = tmp_path / "sources.yaml"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o600)
    write_atomically(path, "new\r\n")
    assert path.read_bytes() == b"new\r\n"
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["sources.yaml"]
