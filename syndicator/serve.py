"""The static server behind `syndicator serve`: the output folder over HTTP, done right.

Feed readers poll, so it answers conditional requests: a strong ETag (a hash of the
bytes) and Last-Modified on every file, 304 for a matching If-None-Match (or, without
one, If-Modified-Since). Each type is sent with `charset=utf-8`, gzip when the client
accepts it, HEAD like GET without the body. Only regular, non-hidden files inside the
root are served; everything else is a 404. Binds to 127.0.0.1 unless told otherwise;
in production nginx serves the same folder (deploy/nginx.conf). Given a `metrics`
function, `/metrics` answers with its Prometheus text, computed on each request.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import socket
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

log = logging.getLogger("syndicator.serve")

# Media types by file suffix; text types always carry charset=utf-8.
CONTENT_TYPES = {
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
DEFAULT_TYPE = "application/octet-stream"
COMPRESSIBLE = (".rss", ".atom", ".json", ".opml", ".xml", ".html", ".css", ".txt", ".md", ".svg")
MIN_GZIP_BYTES = 512
# Feeds and pages change when a run publishes; readers revalidate cheaply with the ETag.
CACHE_CONTROL = "public, max-age=300"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer-when-downgrade",
}
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
CACHE_ENTRIES = 256
METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"  # Prometheus text format


@dataclass(frozen=True, slots=True)
class _Representation:
    """One file as served: its bytes, gzipped bytes and validators."""

    body: bytes
    gzipped: bytes | None
    etag: str
    last_modified: str
    mtime: int


class StaticServer(ThreadingHTTPServer):
    """A threading HTTP server for one folder; `port` is the port it is bound to."""

    daemon_threads = True
    block_on_close = False

    def __init__(
        self,
        root: Path,
        address: tuple[str, int],
        metrics: Callable[[], bytes] | None = None,
    ) -> None:
        self.root = Path(root).resolve()
        self.metrics = metrics
        self._cache: OrderedDict[tuple[str, int, int], _Representation] = OrderedDict()
        self._cache_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def representation(self, path: Path) -> _Representation:
        """The file's bytes and validators, recomputed only when it changes."""
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        body = path.read_bytes()
        digest = hashlib.sha256(body).hexdigest()[:32]
        gzipped = None
        if path.suffix in COMPRESSIBLE and len(body) >= MIN_GZIP_BYTES:
            gzipped = gzip.compress(body, compresslevel=6, mtime=0)
        mtime = int(stat.st_mtime)
        built = _Representation(body, gzipped, f'"{digest}"', formatdate(mtime, usegmt=True), mtime)
        with self._cache_lock:
            self._cache[key] = built
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
        return built


def make_server(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    metrics: Callable[[], bytes] | None = None,
) -> StaticServer:
    """A server for `root`, bound and ready for `serve_forever()`; port 0 picks a free one.

    `metrics` renders the body of `/metrics` (Prometheus text format) on each request.
    """
    return StaticServer(root, (host, port), metrics)


class _Handler(BaseHTTPRequestHandler):
    server: StaticServer
    server_version = "syndicator"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _method_not_allowed(self) -> None:
        self._plain(HTTPStatus.METHOD_NOT_ALLOWED, "method not allowed\n", {"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _method_not_allowed

    def _respond(self, *, send_body: bool) -> None:
        if urlsplit(self.path).path == "/metrics" and self.server.metrics is not None:
            self._metrics(send_body=send_body)
            return
        url = urlsplit(self.path)
        path = self._resolve(url.path)
        if path is None:
            self._plain(HTTPStatus.NOT_FOUND, "not found\n", send_body=send_body)
            return
        if path.name == "index.html" and not url.path.endswith(("/", "index.html")):
            # A folder asked for without its slash: relative links in its index page
            # resolve against the folder only with one (as web servers answer).
            query = f"?{url.query}" if url.query else ""
            location = {"Location": f"{url.path}/{query}"}
            self._plain(HTTPStatus.MOVED_PERMANENTLY, "moved\n", location, send_body=send_body)
            return
        try:
            found = self.server.representation(path)
        except OSError:
            self._plain(HTTPStatus.NOT_FOUND, "not found\n", send_body=send_body)
            return
        use_gzip = found.gzipped is not None and _accepts_gzip(self.headers.get("Accept-Encoding"))
        etag = f'"{found.etag[1:-1]}-gzip"' if use_gzip else found.etag
        headers = {
            "Content-Type": CONTENT_TYPES.get(path.suffix, DEFAULT_TYPE),
            "ETag": etag,
            "Last-Modified": found.last_modified,
            "Cache-Control": CACHE_CONTROL,
            **SECURITY_HEADERS,
        }
        if found.gzipped is not None:
            headers["Vary"] = "Accept-Encoding"
        if path.suffix == ".html":
            headers["Content-Security-Policy"] = PAGE_POLICY
        if self._not_modified(found):
            self._send(HTTPStatus.NOT_MODIFIED, headers, b"", send_body=False)
            return
        body = found.gzipped if use_gzip and found.gzipped is not None else found.body
        if use_gzip:
            headers["Content-Encoding"] = "gzip"
        self._send(HTTPStatus.OK, headers, body, send_body=send_body)

    def _metrics(self, *, send_body: bool) -> None:
        assert self.server.metrics is not None
        try:
            body = self.server.metrics()
        except Exception:  # the database may be busy or gone: say so, keep serving files
            log.exception("rendering /metrics failed")
            self._plain(
                HTTPStatus.SERVICE_UNAVAILABLE, "metrics unavailable\n", send_body=send_body
            )
            return
        headers = {"Content-Type": METRICS_TYPE, "Cache-Control": "no-store", **SECURITY_HEADERS}
        self._send(HTTPStatus.OK, headers, body, send_body=send_body)

    def _resolve(self, url_path: str) -> Path | None:
        """The file a URL path names inside the root, or None (traversal, hidden, missing)."""
        text = unquote(url_path, errors="replace")
        if "\x00" in text or "\\" in text:
            return None
        parts = [part for part in text.split("/") if part]
        if any(part in ("..", ".") or part.startswith(".") for part in parts):
            return None
        candidate = self.server.root.joinpath(*parts)
        if candidate.is_dir():
            candidate = candidate / "index.html"
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not resolved.is_relative_to(self.server.root) or not resolved.is_file():
            return None
        return resolved

    def _not_modified(self, found: _Representation) -> bool:
        """RFC 9110: If-None-Match wins; If-Modified-Since only when it is absent."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            current = found.etag[1:-1]
            return "*" in tags or bool(tags & {f'"{current}"', f'"{current}-gzip"'})
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        return moment.timestamp() >= found.mtime

    def _plain(
        self,
        status: HTTPStatus,
        text: str,
        extra: dict[str, str] | None = None,
        *,
        send_body: bool = True,
    ) -> None:
        headers = {"Content-Type": "text/plain; charset=utf-8", **SECURITY_HEADERS, **(extra or {})}
        self._send(status, headers, text.encode("utf-8"), send_body=send_body)

    def _send(
        self, status: HTTPStatus, headers: dict[str, str], body: bytes, *, send_body: bool
    ) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        status = int(code) if isinstance(code, int) else 0
        log.info(
            '%s "%s" %s',
            self.address_string(),
            self.requestline,
            status,
            extra={
                "method": self.command,
                "path": urlsplit(self.path).path,
                "status": status,
                "if_none_match": self.headers.get("If-None-Match"),
                "if_modified_since": self.headers.get("If-Modified-Since"),
                "user_agent": self.headers.get("User-Agent"),
            },
        )

    def log_message(self, format: str, *args: object) -> None:
        log.warning("%s %s", self.address_string(), format % args)


def _accepts_gzip(header: str | None) -> bool:
    """True when Accept-Encoding allows gzip (q=0 refuses it)."""
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "x-gzip", "*"):
            quality = params.strip().removeprefix("q=").strip()
            try:
                return not params.strip().startswith("q=") or float(quality) > 0
            except ValueError:
                return False
    return False


__all__ = ["CONTENT_TYPES", "StaticServer", "make_server"]
