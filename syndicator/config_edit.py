"""Add a source to sources.yaml and touch nothing else in the file.

The new entry is written in the layout of the entries already there (dash and key
columns, a blank line between entries or not) and spliced in right after the last
one, so every other byte of the file stays as the editor wrote it: comments, quoting,
alignment. (A YAML round trip, even ruamel's, writes the whole file back with one
indentation, and re-indents a file that mixes them, as the bundled examples do.) The
whole result is validated before anything is written, and written atomically.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from .config import parse_config
from .errors import ConfigError, ConfigProblem
from .files import replace_file


def append_source(text: str, path: Path, entry: Mapping[str, Any]) -> str:
    """`text` with `entry` appended to its `sources:` list; ConfigError if the result is
    invalid (or the list is written in a way we cannot extend without rewriting it)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    sources = _sources_node(text, path)
    if sources.value and not sources.flow_style:
        items = sources.value
        key_col = items[0].start_mark.column
        dash_col = lines[items[0].start_mark.line].rfind("-", 0, key_col)
        after = _last_line(items[-1]) + 1
        spaced = len(items) > 1 and any(
            not line.strip() for line in lines[_last_line(items[0]) + 1 : items[1].start_mark.line]
        )
        block = _render(entry, max(dash_col, 0), key_col, newline)
        lines[after:after] = ([newline] if spaced else []) + block
    elif sources.value or sources.end_mark.line != sources.start_mark.line:
        raise _problem(path, sources, "a list written inline ([...]); add the source by hand")
    else:  # `sources: []`: the key line keeps its comment, the list goes under it
        number = sources.start_mark.line
        line = lines[number]
        comment = line[sources.end_mark.column :].strip()
        lines[number] = (
            line[: sources.start_mark.column].rstrip()
            + (f"  {comment}" if comment else "")
            + newline
        )
        lines[number + 1 : number + 1] = _render(entry, 2, 4, newline)
    result = "".join(lines)
    parse_config(result, path)  # raises ConfigError naming every problem
    return result


def write_atomically(path: Path, text: str) -> None:
    """Replace the file in one step (temporary file, fsync, rename), keeping its mode."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    # newline="" semantics: the text's own line endings are kept byte for byte.
    replace_file(path, text.encode("utf-8"), mode=mode)


def _sources_node(text: str, path: Path) -> yaml.SequenceNode:
    """The `sources:` list of a file that is valid now (else ConfigError: fix it first)."""
    parse_config(text, path)
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert isinstance(root, yaml.MappingNode)  # a valid file is a mapping with a list
    (node,) = [value for key, value in root.value if key.value == "sources"]
    assert isinstance(node, yaml.SequenceNode)
    return node


def _render(entry: Mapping[str, Any], dash_col: int, key_col: int, newline: str) -> list[str]:
    """The entry as block-style lines, lists inline: `- id: x` then `  tags: [a, b]`."""
    dumped = yaml.safe_dump(
        dict(entry), sort_keys=False, allow_unicode=True, default_flow_style=None, width=2**16
    )
    lines = dumped.splitlines()
    first = " " * dash_col + "-" + " " * max(key_col - dash_col - 1, 1) + lines[0]
    return [first + newline] + [" " * key_col + line + newline for line in lines[1:]]


def _last_line(node: yaml.Node) -> int:
    """The last line (0-based) holding part of a node's value."""
    return max(_end_line(leaf) for leaf in _leaves(node))


def _end_line(node: yaml.Node) -> int:
    mark = node.end_mark
    # A block scalar ends at the start of the next line.
    return mark.line - 1 if mark.column == 0 and mark.line > node.start_mark.line else mark.line


def _leaves(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        yield node
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield from _leaves(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _leaves(item)


def _problem(path: Path, node: yaml.Node, message: str) -> ConfigError:
    return ConfigError([ConfigProblem(str(path), node.start_mark.line + 1, "sources", message)])
