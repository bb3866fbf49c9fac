"""The output target: atomic writes, only changed bytes, safe paths, a clear error."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from test_publish_corpus import corpus_articles, corpus_config, corpus_feeds, render_corpus

from syndicator.errors import PublishError
from syndicator.publish import LocalFolder, OutputTarget, render_outputs, write_outputs


class RecordingTarget:
    """An OutputTarget that remembers the order of writes (and changes everything)."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def write(self, path: str, data: bytes) -> bool:
        self.paths.append(path)
        return True


def test_local_folder_writes_files_and_reports_them_changed(tmp_path: Path) -> None:
    """A first publish writes every file, creating folders, and reports each as changed."""
    _, files = render_corpus()
    changed = write_outputs(LocalFolder(tmp_path), files)
    assert set(changed) == set(files)
    for path, data in files.items():
        assert (tmp_path / path).read_bytes() == data


def test_publishing_the_same_files_again_rewrites_nothing(tmp_path: Path) -> None:
    """Unchanged bytes are not rewritten: no changed paths and untouched modification times."""
    _, files = render_corpus()
    write_outputs(LocalFolder(tmp_path), files)
    mtimes = {path: (tmp_path / path).stat().st_mtime_ns for path in files}
    assert write_outputs(LocalFolder(tmp_path), render_corpus()[1]) == ()
    assert {path: (tmp_path / path).stat().st_mtime_ns for path in files} == mtimes


def test_a_new_article_changes_only_the_files_that_carry_it(tmp_path: Path) -> None:
    """Adding one article rewrites its channels, the index and OPML, and nothing else."""
    config = corpus_config()
    articles = corpus_articles()
    write_outputs(LocalFolder(tmp_path), render_outputs(config, corpus_feeds(config, articles)))
    del articles["undated"]  # published "before": now it arrives
    before = render_outputs(config, corpus_feeds(config, articles))
    write_outputs(LocalFolder(tmp_path), before)
    changed = write_outputs(
        LocalFolder(tmp_path), render_outputs(config, corpus_feeds(config, corpus_articles()))
    )
    feeds = {path.rsplit(".", 1)[0] for path in changed if path.startswith("feeds/")}
    assert feeds == {
        "feeds/all",
        "feeds/source/deftech",
        "feeds/tag/indo-pacific",
        "feeds/tag/technology",
    }
    assert "index.html" in changed and "style.css" not in changed


def test_writes_leave_no_temporary_files_and_are_world_readable(tmp_path: Path) -> None:
    """The temporary file is renamed into place; the result can be read by a web server."""
    folder = LocalFolder(tmp_path)
    assert folder.write("feeds/all.rss", b"<rss/>") is True
    assert folder.write("feeds/all.rss", b"<rss>changed</rss>") is True
    assert sorted(p.name for p in (tmp_path / "feeds").iterdir()) == ["all.rss"]
    mode = stat.S_IMODE((tmp_path / "feeds/all.rss").stat().st_mode)
    assert mode == 0o644


def test_a_write_replaces_the_file_rather_than_editing_it(tmp_path: Path) -> None:
    """A reader holding the old file keeps the old bytes: the new file is a new inode."""
    folder = LocalFolder(tmp_path)
    folder.write("index.html", b"old")
    with (tmp_path / "index.html").open("rb") as reader:
        folder.write("index.html", b"new")
        assert reader.read() == b"old"
    assert (tmp_path / "index.html").read_bytes() == b"new"


@pytest.mark.parametrize(
    "path", ["../escape.rss", "/etc/passwd", "feeds/../../x", "feeds/.hidden", "", "a\\b"]
)
def test_paths_outside_the_folder_are_refused(tmp_path: Path, path: str) -> None:
    """Absolute paths, parent references and dot-files are a PublishError, never written."""
    with pytest.raises(PublishError, match="not a relative output path"):
        LocalFolder(tmp_path / "out").write(path, b"x")
    assert not (tmp_path / "escape.rss").exists()


def test_an_unwritable_folder_is_a_publish_error_naming_the_file(tmp_path: Path) -> None:
    """When the output folder cannot be created the error says which file failed."""
    blocker = tmp_path / "public"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(PublishError, match=r"feeds/all\.rss"):
        LocalFolder(blocker).write("feeds/all.rss", b"<rss/>")


def test_pages_that_link_feeds_are_written_last() -> None:
    """Feeds first, then feeds.opml, then index.html: a link never points at a missing file."""
    target = RecordingTarget()
    _, files = render_corpus()
    write_outputs(target, files)
    assert target.paths[-2:] == ["feeds.opml", "index.html"]
    assert target.paths[:-2] == sorted(target.paths[:-2])


def test_local_folder_is_an_output_target(tmp_path: Path) -> None:
    """LocalFolder satisfies the OutputTarget protocol the pipeline programs against."""
    target: OutputTarget = LocalFolder(tmp_path)
    assert target.write("style.css", b"body{}") is True
    assert target.write("style.css", b"body{}") is False


def test_changed_bytes_always_get_a_later_last_modified_second(tmp_path: Path) -> None:
    """A rewrite within the same second still moves the file time to a later second,
    so clients that revalidate by date (HTTP dates have one-second resolution) see it."""
    folder = LocalFolder(tmp_path)
    folder.write("feeds/all.rss", b"first")
    first = (tmp_path / "feeds/all.rss").stat().st_mtime_ns // 1_000_000_000
    folder.write("feeds/all.rss", b"second")
    second = (tmp_path / "feeds/all.rss").stat().st_mtime_ns // 1_000_000_000
    assert second > first
    folder.write("feeds/all.rss", b"second")
    assert (tmp_path / "feeds/all.rss").stat().st_mtime_ns // 1_000_000_000 == second
