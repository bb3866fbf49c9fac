"""The house rules, checked by reading the code: stage boundaries, public API, docs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click

import syndicator
from syndicator.cli import main
from syndicator.config_reference import documented_keys, reference_markdown

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "syndicator"
README = (ROOT / "README.md").read_text(encoding="utf-8")

# Pure stages take values and return values: no network, no database, no orchestration.
PURE = [
    "models",
    "settings",
    "errors",
    "urls",
    "config",
    "config_types",
    "config_schema",
    "discover",
    "extract",
    "clean",
    "attribution",
    "stories",
    "assemble",
    "report",
    "limits",
    "revision",
    "health",
    "metrics",
    "logs",
    "fts",
    "autodiscovery",
    "config_edit",
    "preview",
    "source_tests",
    "digest",
]
# Named exemptions, file by file. SQLite's FTS5 parser is the only faithful check of a
# topic feed's query; `fts` runs it on an empty in-memory table (no file, no network) when
# the configuration is loaded. The digest package's one I/O piece is its SMTP `Mailer`,
# which only the pipeline calls.
ALLOWED = {"syndicator/fts.py": {"sqlite3"}, "syndicator/digest/smtp.py": {"smtplib"}}
FORBIDDEN = {
    "httpx",
    "httpcore",
    "sqlite3",
    "sqlite_utils",
    "socket",
    "smtplib",
    "syndicator.fetch",
    "syndicator.store",
    "syndicator.pipeline",
    "syndicator.runtime",
    "syndicator.schedule",
    "syndicator.cli",
}


def imports_of(path: Path) -> set[str]:
    """Absolute module names a file imports (relative imports resolved inside the package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
                found.add(module)
                found.update(f"{module}.{alias.name}" for alias in node.names)
            elif node.module:
                found.add(node.module)
    return found


def module_files(name: str) -> list[Path]:
    folder = PACKAGE / name
    return sorted(folder.rglob("*.py")) if folder.is_dir() else [PACKAGE / f"{name}.py"]


def test_pure_stages_do_not_reach_the_network_or_the_database() -> None:
    """Pure stages never import fetch, store, httpx, sqlite or the orchestrator."""
    offenders = {}
    for name in PURE:
        for path in module_files(name):
            bad = {
                m
                for m in imports_of(path)
                if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)
            } - ALLOWED.get(str(path.relative_to(ROOT)), set())
            if bad:
                offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_models_import_nothing_of_ours() -> None:
    """models.py and settings.py are the bottom of the house (models re-exports settings)."""
    ours = {m for m in imports_of(PACKAGE / "models.py") if m.startswith("syndicator")}
    assert {m.split(".")[1] for m in ours} <= {"settings"}
    assert {m for m in imports_of(PACKAGE / "settings.py") if m.startswith("syndicator")} == set()


def test_public_api_is_exported() -> None:
    """Every name in __all__ exists, and the documented entry points are in it."""
    for name in syndicator.__all__:
        assert hasattr(syndicator, name), name
    assert {"extract_article", "load_config", "Article", "Config", "SyndicatorError"} <= set(
        syndicator.__all__
    )


def commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    """Every command as (path, command), walking nested groups: `sources add`, …"""
    found = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix}{name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found += commands(command, f"{path} ")
    return found


def example_lines(markdown: str) -> list[str]:
    """The lines of fenced code blocks (where the README shows commands being run)."""
    lines, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif fenced:
            lines.append(line.strip().removeprefix("$ "))
    return lines


def test_walks_nested_groups() -> None:
    """The documentation check sees subcommands, not just the top-level names."""
    paths = [path for path, _ in commands(main)]
    assert {"sources add", "articles tag", "check", "search"} <= set(paths)


def test_every_cli_command_is_documented() -> None:
    """Every command, subcommands of groups included, is named in the README with its
    options on the lines that name it, and shown in at least one example."""
    examples = example_lines(README)
    for path, command in commands(main):
        pattern = re.compile(rf"syndicator {re.escape(path)}(?![\w-])")
        lines = [line for line in README.splitlines() if pattern.search(line)]
        assert lines, f"command `syndicator {path}` is not in the README"
        assert any(pattern.match(line) for line in examples), f"no example of `syndicator {path}`"
        named = "\n".join(lines)
        for param in command.params:
            for option in getattr(param, "opts", []):
                if option.startswith("--") and option != "--help":
                    assert option in named, f"option {option} of `{path}` is not documented"


def test_configuration_reference_matches_the_schema() -> None:
    """The README embeds the reference generated from the schema, so the two never drift."""
    assert reference_markdown() in README
    for dotted, _ in documented_keys():
        assert re.search(rf"`{re.escape(dotted.rsplit('.', 1)[-1])}`", README), dotted


def test_modules_stay_small() -> None:
    """No module grows into a god-module (the house aims for under ~400 lines)."""
    sizes = {
        str(p.relative_to(ROOT)): len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")
    }
    assert {path: n for path, n in sizes.items() if n > 450} == {}
