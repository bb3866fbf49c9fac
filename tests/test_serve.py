"""The static server on a loopback port: types, validators, 304s, gzip, HEAD, traversal."""

from __future__ import annotations

import gzip
import http.client
import logging
import os
import threading
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import pytest
from test_publish_corpus import render_corpus

from syndicator.publish import LocalFolder, write_outputs
from syndicator.serve import StaticServer, make_server

MTIME = 1_730_296_800  # 2024-10-30T14:00:00Z, set on every file so dates are known


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[StaticServer, Path]]:
    """The corpus output folder served on an ephemeral loopback port."""
    root = tmp_path / "public"
    write_outputs(LocalFolder(root), render_corpus()[1])
    (tmp_path / "secret.txt").write_text("outside the root")
    for path in root.rglob("*"):
        os.utime(path, (MTIME, MTIME))
    server = make_server(root)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server, root
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def request(
    server: StaticServer, path: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/feeds/all.rss", "application/rss+xml; charset=utf-8"),
        ("/feeds/source/dod-news.atom", "application/atom+xml; charset=utf-8"),
        ("/feeds/tag/naval.json", "application/feed+json; charset=utf-8"),
        ("/feeds.opml", "text/x-opml; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
    ],
)
def test_each_file_is_served_with_its_type_and_utf8_charset(
    served: tuple[StaticServer, Path], path: str, content_type: str
) -> None:
    """Feeds, OPML, the page and its stylesheet carry the right type and charset=utf-8."""
    server, root = served
    status, headers, body = request(server, path)
    assert status == 200
    assert headers["Content-Type"] == content_type
    assert body == (root / path.lstrip("/")).read_bytes()
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_strong_etag_and_last_modified_are_sent(served: tuple[StaticServer, Path]) -> None:
    """The ETag is strong and quoted; Last-Modified is the file's modification time."""
    server, _ = served
    _, headers, _ = request(server, "/feeds/all.atom")
    assert headers["ETag"].startswith('"') and not headers["ETag"].startswith("W/")
    assert headers["Last-Modified"] == formatdate(MTIME, usegmt=True)
    assert headers["Cache-Control"] == "public, max-age=300"


def test_if_none_match_with_the_current_etag_gets_304(served: tuple[StaticServer, Path]) -> None:
    """A reader sending back the ETag gets 304 with no body; a stale ETag gets the file."""
    server, _ = served
    _, headers, _ = request(server, "/feeds/all.rss")
    status, again, body = request(server, "/feeds/all.rss", {"If-None-Match": headers["ETag"]})
    assert (status, body, again["ETag"]) == (304, b"", headers["ETag"])
    status, _, body = request(server, "/feeds/all.rss", {"If-None-Match": '"stale"'})
    assert status == 200 and body


def test_if_modified_since_is_honoured_only_without_if_none_match(
    served: tuple[StaticServer, Path],
) -> None:
    """If-Modified-Since at or after the file time gives 304, unless If-None-Match differs."""
    server, _ = served
    since = formatdate(MTIME, usegmt=True)
    older = formatdate(MTIME - 60, usegmt=True)
    assert request(server, "/feeds/all.rss", {"If-Modified-Since": since})[0] == 304
    assert request(server, "/feeds/all.rss", {"If-Modified-Since": older})[0] == 200
    both = {"If-Modified-Since": since, "If-None-Match": '"stale"'}
    assert request(server, "/feeds/all.rss", both)[0] == 200
    assert request(server, "/feeds/all.rss", {"If-Modified-Since": "not a date"})[0] == 200


def test_a_rewritten_file_gets_a_new_etag(served: tuple[StaticServer, Path]) -> None:
    """After a publish changes a file, the old ETag no longer matches and new bytes come."""
    server, root = served
    _, headers, _ = request(server, "/feeds/all.json")
    LocalFolder(root).write("feeds/all.json", b'{"changed": true}')
    status, new_headers, body = request(
        server, "/feeds/all.json", {"If-None-Match": headers["ETag"]}
    )
    assert status == 200 and body == b'{"changed": true}'
    assert new_headers["ETag"] != headers["ETag"]


def test_gzip_is_sent_when_accepted_with_its_own_etag(served: tuple[StaticServer, Path]) -> None:
    """Accept-Encoding gzip gets a gzipped body, Vary, and an ETag distinct from identity."""
    server, root = served
    status, headers, body = request(server, "/feeds/all.atom", {"Accept-Encoding": "br, gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == (root / "feeds/all.atom").read_bytes()
    assert headers["Vary"] == "Accept-Encoding"
    assert int(headers["Content-Length"]) == len(body)
    _, plain, plain_body = request(server, "/feeds/all.atom")
    assert "Content-Encoding" not in plain and plain["ETag"] != headers["ETag"]
    assert len(body) < len(plain_body)
    again = request(
        server, "/feeds/all.atom", {"Accept-Encoding": "gzip", "If-None-Match": headers["ETag"]}
    )
    assert again[0] == 304


def test_gzip_refused_with_q_zero_gets_identity(served: tuple[StaticServer, Path]) -> None:
    """`gzip;q=0` means no gzip."""
    server, _ = served
    _, headers, _ = request(server, "/feeds/all.atom", {"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in headers


def test_head_sends_the_headers_of_get_without_a_body(served: tuple[StaticServer, Path]) -> None:
    """HEAD answers like GET, Content-Length included, but with no body."""
    server, _ = served
    _, get_headers, get_body = request(server, "/index.html")
    status, headers, body = request(server, "/index.html", method="HEAD")
    assert (status, body) == (200, b"")
    assert headers["Content-Length"] == str(len(get_body))
    assert headers["ETag"] == get_headers["ETag"]


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/feeds/..%2f..%2fsecret.txt",
        "/feeds/%2e%2e/%2e%2e/secret.txt",
        "//secret.txt",
        "/.hidden",
        "/feeds/.all.rss.tmp",
        "/missing.rss",
        "/feeds%00.rss",
    ],
)
def test_nothing_outside_the_root_or_hidden_is_served(
    served: tuple[StaticServer, Path], path: str
) -> None:
    """Traversal attempts, dot-files (temporary files) and missing files are all 404."""
    server, root = served
    (root / ".hidden").write_text("temporary")
    status, _, body = request(server, path)
    assert status == 404
    assert b"outside the root" not in body and b"temporary" not in body


def test_a_symlink_out_of_the_root_is_not_followed(served: tuple[StaticServer, Path]) -> None:
    """A link inside the root to a file outside it is a 404."""
    server, root = served
    (root / "leak.txt").symlink_to(root.parent / "secret.txt")
    assert request(server, "/leak.txt")[0] == 404


def test_a_folder_serves_its_index_and_nothing_else(served: tuple[StaticServer, Path]) -> None:
    """/ serves index.html with its content policy; a folder without one is not listed."""
    server, root = served
    status, headers, body = request(server, "/")
    assert status == 200 and body == (root / "index.html").read_bytes()
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert request(server, "/feeds/")[0] == 404


def test_a_folder_without_its_slash_is_redirected_to_it(served: tuple[StaticServer, Path]) -> None:
    """/digests answers 301 to /digests/ (its page's relative links need the slash)."""
    server, root = served
    (root / "digests").mkdir()
    (root / "digests" / "index.html").write_text("<!doctype html><title>Archive</title>")
    (root / "digests" / "daily.md").write_text("# A digest\n")
    status, headers, _ = request(server, "/digests?from=mail")
    assert status == 301 and headers["Location"] == "/digests/?from=mail"
    assert request(server, "/digests/")[0] == 200
    status, headers, _ = request(server, "/digests/daily.md")
    assert status == 200 and headers["Content-Type"] == "text/markdown; charset=utf-8"


def test_methods_other_than_get_and_head_are_refused(served: tuple[StaticServer, Path]) -> None:
    """POST gets 405 with an Allow header."""
    server, _ = served
    status, headers, _ = request(server, "/feeds/all.rss", method="POST")
    assert status == 405 and headers["Allow"] == "GET, HEAD"


def test_the_server_binds_loopback_by_default(tmp_path: Path) -> None:
    """make_server listens on 127.0.0.1 and picks a free port when given 0."""
    server = make_server(tmp_path)
    try:
        assert server.server_address[0] == "127.0.0.1"
        assert server.port > 0
    finally:
        server.server_close()


def test_requests_are_logged_with_status_and_validators(
    served: tuple[StaticServer, Path], caplog: pytest.LogCaptureFixture
) -> None:
    """Each request is logged with its path, status and conditional headers."""
    server, _ = served
    caplog.set_level(logging.INFO, logger="syndicator.serve")
    request(server, "/feeds/all.rss", {"If-None-Match": '"x"'})  # logged before the reply
    records = [r for r in caplog.records if getattr(r, "path", None) == "/feeds/all.rss"]
    assert [(r.status, r.if_none_match) for r in records] == [(200, '"x"')]  # type: ignore[attr-defined]
