"""deploy/nginx.conf, run by a real nginx on loopback, answers like `syndicator serve`.

Skipped where nginx is not installed. The listening socket is made here and handed to
nginx (its inherited-socket mechanism), so requests simply queue until it is ready.
"""

from __future__ import annotations

import gzip
import http.client
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import pytest
from test_publish_corpus import render_corpus

from syndicator.publish import LocalFolder, write_outputs
from syndicator.serve import CONTENT_TYPES

DEPLOY_CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf"
MTIME = 1_730_296_800


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        pytest.skip("nginx is not installed")
    return found


@pytest.fixture(scope="module")
def nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """The deploy config served by nginx from a folder holding the corpus output."""
    binary = nginx_binary()
    base = tmp_path_factory.mktemp("nginx")
    root = base / "public"
    write_outputs(LocalFolder(root), render_corpus()[1])
    for path in root.rglob("*"):
        os.utime(path, (MTIME, MTIME))
    (root / ".index.html.tmp").write_text("half-written")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    site = DEPLOY_CONFIG.read_text()
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};").replace("listen [::]:80;", "")
    site = site.replace("root /var/www/syndicator;", f"root {root};")
    assert str(root) in site and f"127.0.0.1:{port}" in site
    (base / "site.conf").write_text(site)
    temp = " ".join(
        f"{kind}_temp_path {base}/{kind};" for kind in ("proxy", "fastcgi", "uwsgi", "scgi")
    )
    (base / "nginx.conf").write_text(
        f"daemon off; worker_processes 1; pid {base}/nginx.pid; error_log {base}/error.log;\n"
        + ("user root;\n" if os.geteuid() == 0 else "")
        + "events {}\n"
        + f"http {{ access_log off; client_body_temp_path {base}/body; {temp}\n"
        + f"include {base}/site.conf; }}\n"
    )
    check = subprocess.run(
        [binary, "-t", "-c", str(base / "nginx.conf"), "-p", str(base)],
        capture_output=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr.decode()
    fd = listener.fileno()
    os.set_inheritable(fd, True)
    process = subprocess.Popen(
        [binary, "-c", str(base / "nginx.conf"), "-p", str(base)],
        env={"NGINX": f"{fd};"},
        pass_fds=(fd,),
        stderr=subprocess.DEVNULL,
    )
    listener.close()  # nginx holds its own copy
    yield port, root
    process.terminate()
    process.wait(timeout=10)


def get(port: int, path: str, headers: dict[str, str] | None = None, method: str = "GET"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/all.rss",
        "/feeds/all.atom",
        "/feeds/all.json",
        "/feeds.opml",
        "/index.html",
        "/style.css",
    ],
)
def test_nginx_sends_the_same_types_as_syndicator_serve(nginx: tuple[int, Path], path: str) -> None:
    """Every published kind of file gets the Content-Type and charset our server sends."""
    port, root = nginx
    status, headers, body = get(port, path)
    assert status == 200 and body == (root / path.lstrip("/")).read_bytes()
    assert headers["Content-Type"] == CONTENT_TYPES["." + path.rsplit(".", 1)[-1]]
    assert headers["Cache-Control"] == "public, max-age=300"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_nginx_answers_conditional_requests_with_304(nginx: tuple[int, Path]) -> None:
    """The ETag and Last-Modified it sends come back as 304s."""
    port, _ = nginx
    _, headers, _ = get(port, "/feeds/all.atom")
    assert headers["Last-Modified"] == formatdate(MTIME, usegmt=True)
    assert get(port, "/feeds/all.atom", {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(port, "/feeds/all.atom", {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert get(port, "/feeds/all.atom", {"If-None-Match": '"other"'})[0] == 200


def test_nginx_gzips_feeds_for_clients_that_accept_it(nginx: tuple[int, Path]) -> None:
    """Feeds are gzipped on request, with Vary: Accept-Encoding."""
    port, root = nginx
    status, headers, body = get(port, "/feeds/all.rss", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(body) == (root / "feeds/all.rss").read_bytes()


def test_nginx_serves_the_index_with_its_content_policy(nginx: tuple[int, Path]) -> None:
    """/ is index.html with the same Content-Security-Policy as our server."""
    port, root = nginx
    status, headers, body = get(port, "/")
    assert status == 200 and body == (root / "index.html").read_bytes()
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")


@pytest.mark.parametrize("path", ["/.index.html.tmp", "/feeds/", "/../etc/passwd", "/missing.rss"])
def test_nginx_hides_temporary_files_and_lists_no_folders(
    nginx: tuple[int, Path], path: str
) -> None:
    """Dot-files, folder listings, traversal and missing files are refused."""
    port, _ = nginx
    status, _, body = get(port, path)
    assert status in (400, 403, 404)
    assert b"half-written" not in body


def test_nginx_refuses_writes(nginx: tuple[int, Path]) -> None:
    """Only GET and HEAD are allowed."""
    port, _ = nginx
    assert get(port, "/feeds/all.rss", method="POST")[0] in (403, 405)
    assert get(port, "/feeds/all.rss", method="HEAD")[0] == 200
