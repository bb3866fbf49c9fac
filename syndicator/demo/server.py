"""Serve the bundled sample site: four small news sites, each on its own loopback port.

Every response carries a stable ETag and Last-Modified and honours conditional
requests (304), gzip and HEAD, like a well-run news site; tests can edit a file or make
a path fail, and every request is recorded. This is not `syndicator.serve`: that one
serves our own output folder from disk, while this one plays third-party sites, with
their odd URLs and content types, from templates held in memory.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import MappingProxyType, TracebackType
from typing import Any
from urllib.parse import quote, unquote

from .files import SITE_NAMES, ServedFile, load_site_files, render_placeholders, site_root

# Each edit moves a file's Last-Modified on by this much: deterministic, never the wall clock.
EDIT_STEP = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request the sample site answered."""

    site: str
    method: str
    path: str  # as requested, with the query string
    status: int
    headers: Mapping[str, str]  # request headers, names lower-cased


@dataclass(frozen=True, slots=True)
class _Failure:
    status: int
    retry_after: int | None


class SampleSite:
    """The four sample sites, started in threads on entry and stopped on exit."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.urls: Mapping[str, str] = MappingProxyType({})
        self.requests: list[RequestRecord] = []
        self._files: dict[str, dict[str, ServedFile]] = {}
        self._failures: dict[tuple[str, str], _Failure] = {}
        self._servers: dict[str, _SiteServer] = {}
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    # --- lifecycle -----------------------------------------------------------------

    def __enter__(self) -> SampleSite:
        if self._servers:
            raise RuntimeError("this SampleSite is already running")
        try:
            for name in SITE_NAMES:
                self._servers[name] = _SiteServer(self, name, self.host)
            shown_host = f"[{self.host}]" if ":" in self.host else self.host
            self.urls = MappingProxyType(
                {
                    name: f"http://{shown_host}:{server.server_address[1]}/"
                    for name, server in self._servers.items()
                }
            )
            self._files = load_site_files(self.urls)
        except BaseException:
            self._close_servers()
            raise
        for name, server in self._servers.items():
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},  # how long shutdown may wait
                name=f"sample-site-{name}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for server in self._servers.values():
            server.shutdown()
        for thread in self._threads:
            thread.join()
        self._threads.clear()
        self._close_servers()

    def _close_servers(self) -> None:
        for server in self._servers.values():
            server.server_close()
        self._servers.clear()

    # --- what tests and the demo use ----------------------------------------------

    def url(self, site: str, path: str = "/") -> str:
        """The absolute URL of a path on one of the sites."""
        return self.urls[site] + path.lstrip("/")

    def paths(self, site: str) -> tuple[str, ...]:
        """Every file path the site serves (index pages as `/dir/index.html`)."""
        return tuple(sorted(self._files[site]))

    def file(self, site: str, path: str) -> ServedFile:
        """The file a path is served from now (after any edits)."""
        key = self._file_key(site, path)
        if key is None:
            raise KeyError(f"{site} serves nothing at {path}")
        return self._files[site][key]

    def sources_yaml(
        self, *, base_url: str, database: str = "syndicator.db", output_dir: str = "public"
    ) -> str:
        """A complete sources.yaml for the sample site, for a syndicator serving at base_url."""
        template = (site_root() / "sources.yaml").read_text(encoding="utf-8")
        # JSON strings are valid YAML scalars: caller's paths and URLs stay exactly as given.
        given = {"base_url": base_url, "database": database, "output_dir": output_dir}
        values = {**self.urls, **{key: json.dumps(value) for key, value in given.items()}}
        return render_placeholders(template, values)

    def edit(self, site: str, path: str, old: str, new: str) -> None:
        """Replace text in a served file; its ETag and Last-Modified change with it."""
        with self._lock:
            served = self.file(site, path)
            if not served.is_text:
                raise ValueError(f"{site}{path} is not a text file")
            text = served.body.decode("utf-8")
            if old not in text:
                raise ValueError(f"{site}{path} does not contain {old!r}")
            key = self._file_key(site, path)
            assert key is not None
            self._files[site][key] = replace(
                served,
                body=text.replace(old, new).encode("utf-8"),
                last_modified=served.last_modified + EDIT_STEP,
            )

    def fail(self, site: str, path: str, status: int, *, retry_after: int | None = None) -> None:
        """Make a path (any path, served or not) answer with an error status until restored."""
        if site not in SITE_NAMES or not 400 <= status <= 599:
            raise ValueError(f"cannot make {site!r} fail with {status}")
        with self._lock:
            self._failures[(site, _route(path))] = _Failure(status, retry_after)

    def restore(self, site: str, path: str) -> None:
        """Undo `fail` for a path."""
        with self._lock:
            self._failures.pop((site, _route(path)), None)

    # --- answering requests --------------------------------------------------------

    def _file_key(self, site: str, path: str) -> str | None:
        route = _route(path)
        key = route + "index.html" if route.endswith("/") else route
        return key if key in self._files[site] else None

    def record(self, record: RequestRecord) -> None:
        """Remember a request that was answered (called by the server threads)."""
        with self._lock:
            self.requests.append(record)

    def respond(self, site: str, method: str, target: str, headers: Mapping[str, str]) -> Response:
        """The response to one request (pure but for reading the current files)."""
        route = _route(target)
        with self._lock:
            failure = self._failures.get((site, route))
            key = self._file_key(site, route)
            served = self._files[site].get(key) if key else None
        if failure is not None:
            return _error_response(failure.status, failure.retry_after)
        if method not in ("GET", "HEAD"):
            return _error_response(405, None, extra={"Allow": "GET, HEAD"})
        if served is None:
            if (route + "/index.html") in self._files[site]:
                query = target.partition("?")[2]
                location = quote(route + "/") + (f"?{query}" if query else "")
                return Response(301, {"Location": location}, b"")
            return _error_response(404, None)
        return _file_response(served, headers)


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes


def _file_response(served: ServedFile, request: Mapping[str, str]) -> Response:
    compress = served.is_text and _accepts_gzip(request.get("accept-encoding", ""))
    # A gzipped body is not byte-identical, so its validator is weak (as nginx does).
    etag = f'W/"{served.tag}"' if compress else f'"{served.tag}"'
    headers = {
        "Content-Type": served.content_type,
        "ETag": etag,
        "Last-Modified": format_datetime(served.last_modified, usegmt=True),
        "Cache-Control": "no-cache",  # always revalidate: the second pass must ask
        "Vary": "Accept-Encoding",
    }
    if _not_modified(served, request):
        return Response(304, headers, b"")
    body = served.body
    if compress:
        body = gzip.compress(body, mtime=0)
        headers["Content-Encoding"] = "gzip"
    return Response(200, headers, body)


def _not_modified(served: ServedFile, request: Mapping[str, str]) -> bool:
    """RFC 9110 13.2.2: If-None-Match (weak comparison) wins over If-Modified-Since."""
    if_none_match = request.get("if-none-match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/").strip('"') for tag in if_none_match.split(",")]
        return "*" in tags or served.tag in tags
    if_modified_since = request.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return served.last_modified.replace(microsecond=0) <= since
    return False


def _accepts_gzip(accept_encoding: str) -> bool:
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() == "gzip":
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


_ERROR_PAGE = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{status} {phrase}'
    "</title></head><body><h1>{status} {phrase}</h1></body></html>\n"
)


def _error_response(
    status: int, retry_after: int | None, *, extra: Mapping[str, str] | None = None
) -> Response:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:  # an unassigned code such as 599
        phrase = "Error"
    headers = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    headers.update(extra or {})
    return Response(status, headers, _ERROR_PAGE.format(status=status, phrase=phrase).encode())


def _route(target: str) -> str:
    """The decoded path of a request target or path, without its query or fragment."""
    path = unquote(target.partition("#")[0].partition("?")[0]) or "/"
    return path if path.startswith("/") else "/" + path


# --- the HTTP servers ------------------------------------------------------------------


class _SiteServer(ThreadingHTTPServer):
    """One site's server on an ephemeral port."""

    daemon_threads = True

    def __init__(self, sample: SampleSite, name: str, host: str) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sample = sample
        self.site_name = name
        super().__init__((host, 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sample-site"
    sys_version = ""
    timeout = 10  # an idle keep-alive connection is closed after this many seconds
    disable_nagle_algorithm = True  # headers and body go out in separate writes

    def do_GET(self) -> None:
        self._answer()

    def do_HEAD(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        server = self.server
        assert isinstance(server, _SiteServer)
        headers = {name.lower(): value for name, value in self.headers.items()}
        # Read a request body (a comment form's POST) so the keep-alive stream stays in step.
        length = headers.get("content-length", "0")
        self.rfile.read(int(length) if length.isdigit() else 0)
        response = server.sample.respond(server.site_name, self.command, self.path, headers)
        # Recorded before answering, so a client that has its response sees the record.
        server.sample.record(
            RequestRecord(server.site_name, self.command, self.path, response.status, headers)
        )
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD" and response.status != 304:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: every request is in SampleSite.requests instead of on stderr."""
