"""SSRF guard: private and reserved addresses are refused where the socket would be opened.

No test here sends a packet anywhere but 127.0.0.1: refused addresses are caught before
any connection, which a recording network backend under the guard proves.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

import httpcore
import pytest
from faultserver import FaultServer, Reply, redirect

from syndicator.errors import SSRFBlocked
from syndicator.fetch import AddressPolicy, Fetcher, GuardedTransport
from syndicator.fetch.guard import resolve_host
from syndicator.models import FetchResult, FetchSettings


class RecordingBackend(httpcore.AsyncNetworkBackend):
    """The real network backend, noting every address it is asked to connect to."""

    def __init__(self) -> None:
        self.inner = httpcore.AnyIOBackend()
        self.connects: list[str] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append(host)
        assert host == "127.0.0.1", f"a test tried to connect to {host}"
        return await self.inner.connect_tcp(host, port, timeout, local_address, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class TableResolver:
    """Answers from a table (one answer list per lookup, last repeats); other names for real."""

    def __init__(self, table: dict[str, list[list[str]]]) -> None:
        self.table = table
        self.lookups: list[str] = []

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.lookups.append(host)
        answers = self.table.get(host)
        if answers is None:
            return await resolve_host(host, port)
        return answers.pop(0) if len(answers) > 1 else answers[0]


def settings(*allow: str) -> FetchSettings:
    return FetchSettings(
        allow_hosts=allow, per_host_delay=timedelta(0), timeout=timedelta(seconds=2)
    )


def fetch_with(
    fetch_settings: FetchSettings,
    url: str,
    *,
    backend: RecordingBackend,
    resolver: TableResolver | None = None,
) -> FetchResult:
    async def main() -> FetchResult:
        transport = GuardedTransport(
            AddressPolicy.from_allow_hosts(fetch_settings.allow_hosts),
            max_connections=4,
            network_backend=backend,
            resolver=resolver or TableResolver({}),
        )
        async with Fetcher(fetch_settings, transport=transport) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(main())


def test_loopback_is_refused_by_default_and_never_contacted() -> None:
    """Without allow_hosts, a loopback URL raises SSRFBlocked and the server sees nothing."""
    backend = RecordingBackend()
    with FaultServer() as server:
        server.route("/page", Reply(200, b"secret"))
        with pytest.raises(SSRFBlocked) as caught:
            fetch_with(settings(), server.url("/page"), backend=backend)
    assert caught.value.kind == "ssrf_blocked"
    assert backend.connects == [] and server.requests == []


def test_a_name_resolving_to_loopback_is_refused_at_connect_time() -> None:
    """`localhost` is checked on the address it resolves to, before any connection."""
    backend = RecordingBackend()
    with FaultServer() as server:
        url = f"http://localhost:{server.port}/page"
        with pytest.raises(SSRFBlocked, match="resolves to"):
            fetch_with(settings(), url, backend=backend)
    assert backend.connects == [] and server.requests == []


def test_redirect_to_a_private_address_makes_no_connection_to_it() -> None:
    """An allowed server redirecting to 10.x gets SSRFBlocked; only 127.0.0.1 is ever contacted."""
    backend = RecordingBackend()
    with FaultServer() as server:
        server.route("/go", redirect("http://10.20.30.40/admin"))
        with pytest.raises(SSRFBlocked, match="private"):
            fetch_with(settings("127.0.0.1/32"), server.url("/go"), backend=backend)
    assert set(backend.connects) == {"127.0.0.1"}
    assert [r.path for r in server.requests] == ["/robots.txt", "/go"]


def test_redirect_to_a_name_that_resolves_privately_makes_no_connection_to_it() -> None:
    """A redirect to a host name is vetted on its resolved address at connect time."""
    backend = RecordingBackend()
    resolver = TableResolver({"metadata.test": [["169.254.169.254"]]})
    with FaultServer() as server:
        server.route("/go", redirect("http://metadata.test/latest/meta-data/"))
        with pytest.raises(SSRFBlocked, match="link-local"):
            fetch_with(
                settings("127.0.0.1/32"), server.url("/go"), backend=backend, resolver=resolver
            )
    assert set(backend.connects) == {"127.0.0.1"}
    assert "metadata.test" in resolver.lookups


def test_dns_rebinding_is_caught_on_the_next_connection() -> None:
    """A name resolving first to an allowed address, then to a private one, is refused then."""
    backend = RecordingBackend()
    resolver = TableResolver({"news.test": [["127.0.0.1"], ["10.0.0.7"]]})
    with FaultServer() as server:
        server.route("/page", Reply(200, b"ok"))
        url = f"http://news.test:{server.port}/page"
        first = fetch_with(settings("127.0.0.1/32"), url, backend=backend, resolver=resolver)
        with pytest.raises(SSRFBlocked, match=r"10\.0\.0\.7"):
            fetch_with(settings("127.0.0.1/32"), url, backend=backend, resolver=resolver)
    assert first.body == b"ok"
    assert resolver.lookups == ["news.test", "news.test"]  # one per connection, none cached
    assert set(backend.connects) == {"127.0.0.1"}


def test_a_name_with_one_private_answer_among_public_ones_is_refused() -> None:
    """Mixed public and private answers are the shape of an attack: refused outright."""
    backend = RecordingBackend()
    resolver = TableResolver({"mixed.test": [["93.184.216.34", "192.168.1.1"]]})
    with pytest.raises(SSRFBlocked, match=r"192\.168\.1\.1"):
        fetch_with(settings(), "http://mixed.test/page", backend=backend, resolver=resolver)
    assert backend.connects == []


def test_allow_hosts_by_name_exempts_that_name() -> None:
    """A host name in allow_hosts may be fetched even though it resolves to loopback."""
    backend = RecordingBackend()
    resolver = TableResolver({"intranet.test": [["127.0.0.1"]]})
    with FaultServer() as server:
        server.route("/page", Reply(200, b"internal"))
        url = f"http://intranet.test:{server.port}/page"
        result = fetch_with(settings("intranet.test"), url, backend=backend, resolver=resolver)
    assert result.body == b"internal"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not globally routable"),  # carrier-grade NAT
        ("::ffff:10.0.0.1", "private"),
        ("fc00::1", "private"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_policy_names_why_an_address_is_refused(address: str, reason: str | None) -> None:
    """Each non-public class of address is refused with its name; public ones pass."""
    assert AddressPolicy().refusal(address) == reason


def test_allowed_networks_exempt_exactly_their_addresses() -> None:
    """An allowed network exempts its members and nothing next to them."""
    policy = AddressPolicy.from_allow_hosts(["127.0.0.1/32", "10.9.0.0/16"])
    assert policy.refusal("127.0.0.1") is None
    assert policy.refusal("127.0.0.2") == "loopback"
    assert policy.refusal("10.9.200.1") is None
    assert policy.refusal("10.10.0.1") == "private"
