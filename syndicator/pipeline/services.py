"""What a pass works with, and how CPU-heavy pure work leaves the event loop."""

from __future__ import annotations

import asyncio
import functools
import os
import random
import secrets
import socket
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx

from .. import publish
from ..fetch import Fetcher
from ..models import Config
from ..store import Store

T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


def lease_owner() -> str:
    """Who we are, for leases and for operators reading them: host, pid, random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True, slots=True)
class Services:
    """What a pass works with; built by the CLI or the scheduler, never global."""

    config: Config
    store: Store
    fetcher: Fetcher
    target: publish.OutputTarget
    clock: Callable[[], datetime] = utc_now
    executor: Executor | None = None  # None: CPU work runs inline, on the event loop
    hub_client: httpx.AsyncClient | None = None
    smtp_password: str | None = None  # from the environment variable digest.email names
    rng: random.Random = field(default_factory=random.Random)
    owner: str = field(default_factory=lease_owner)  # whose leases these are


async def offload(services: Services, function: Callable[..., T], *args: Any) -> T:
    """Run CPU-heavy pure work in the worker processes (inline when there are none)."""
    if services.executor is None:
        return function(*args)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(services.executor, functools.partial(function, *args))
