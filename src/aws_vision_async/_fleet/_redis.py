"""One coredis client per event loop, opened lazily, for the fleet's shared state.

A coredis client is used inside ``async with client:``, whose task group (the
connections' readers) belongs to the task that entered it. A limiter is not
entered by its users (it is handed to clients like a plain ``RateLimiter``), so
each event loop that uses it gets a small owner task, started on first use,
that holds the client open until :meth:`Connections.aclose` or the loop's end:
an asyncio task, or a trio system task. One limiter may thus serve tasks of
several event loops (asyncio and trio alike) in turn or at once.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, cast
from urllib.parse import urlsplit, urlunsplit

import anyio
import anyio.lowlevel
import coredis
import coredis.exceptions
from coredis.commands import Script

__all__ = ["Connections", "RedisUnavailableError", "mask_url"]

_log = logging.getLogger("aws_vision_async.ratelimit")

#: The most seconds one script call may take before Redis counts as unreachable.
CALL_TIMEOUT: Final = 2.0
_MASK: Final = "***"
_QUERY_SECRET: Final = re.compile(r"((?:^|[?&])password=)[^&]*", re.IGNORECASE)


class RedisUnavailableError(Exception):
    """Redis did not answer (connection refused or lost, a timeout, a server not ready)."""


def mask_url(url: str) -> str:
    """``url`` with its password (in the netloc or the query) replaced by ``***``."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if parts.password is not None:
            userinfo, _, host = netloc.rpartition("@")
            user = userinfo.partition(":")[0]
            netloc = f"{user}:{_MASK}@{host}"
        return urlunsplit(parts._replace(netloc=netloc, query=_QUERY_SECRET.sub(r"\1" + _MASK, parts.query)))
    except ValueError:
        return "<unparsable Redis URL>"


def _as_is(reply: object) -> object:
    return reply


@dataclass
class _Connection:
    client: coredis.Redis[str]
    ready: anyio.Event = field(default_factory=anyio.Event)
    stop: anyio.Event = field(default_factory=anyio.Event)
    done: anyio.Event = field(default_factory=anyio.Event)
    failure: BaseException | None = None
    task: object = None  # the asyncio task, referenced so that it is not collected


class Connections:
    """The clients of one URL, one per event loop, and the scripts run on them.

    Args:
        url: The Redis URL, given to ``coredis.Redis.from_url``.
        secret: Text to mask in messages (the URL's password), if any.
    """

    def __init__(self, url: str) -> None:
        self._url = url
        parts = urlsplit(url)
        self._secrets = tuple(s for s in (parts.password, *_QUERY_SECRET.findall(parts.query)) if s)
        self._lock = threading.Lock()
        self._by_loop: dict[object, _Connection] = {}
        self._scripts: dict[str, Script[str]] = {}

    def scrub(self, text: str) -> str:
        """``text`` without the URL's password."""
        for secret in self._secrets:
            text = text.replace(secret, _MASK)
        return text

    async def run(self, source: str, keys: Sequence[str], args: Sequence[str | int | float]) -> list[str | int]:
        """Run a Lua script (``EVALSHA``, loading it first when the server lacks it).

        Raises:
            RedisUnavailableError: Redis could not be reached or did not answer in time.
        """
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts.setdefault(source, Script[str](script=source))
        try:
            connection = await self._connection()
            with anyio.fail_after(CALL_TIMEOUT):
                reply = await script(keys=list(keys), args=list(args), client=connection.client, callback=_as_is)
        except (coredis.exceptions.RedisError, OSError, TimeoutError) as exc:
            raise RedisUnavailableError(self.scrub(f"{type(exc).__name__}: {exc}")) from None
        if not isinstance(reply, list):
            raise RedisUnavailableError(f"unexpected script reply {type(reply).__name__}")
        values: list[str | int] = []
        for item in cast("list[object]", reply):
            if not isinstance(item, (str, int)):
                raise RedisUnavailableError(f"unexpected script reply item {type(item).__name__}")
            values.append(item)
        return values

    async def _connection(self) -> _Connection:
        loop = anyio.lowlevel.current_token().native_token
        with self._lock:
            connection = self._by_loop.get(loop)
            started = connection is None
            if connection is None:
                client: coredis.Redis[str] = coredis.Redis.from_url(self._url, decode_responses=True)
                connection = self._by_loop[loop] = _Connection(client)
        if started:
            self._start_owner(loop, connection)
        await connection.ready.wait()
        if connection.failure is not None:
            raise RedisUnavailableError(self.scrub(f"{type(connection.failure).__name__}: {connection.failure}"))
        return connection

    def _start_owner(self, loop: object, connection: _Connection) -> None:
        async def own() -> None:
            try:
                async with connection.client:
                    connection.ready.set()
                    await connection.stop.wait()
            except Exception as exc:  # the owner must not fail its loop (trio: a system task)
                connection.failure = exc
                _log.debug("Redis client owner ended: %s", self.scrub(repr(exc)))
            finally:
                with self._lock:
                    if self._by_loop.get(loop) is connection:
                        del self._by_loop[loop]
                connection.ready.set()
                connection.done.set()

        if isinstance(loop, asyncio.AbstractEventLoop):
            connection.task = loop.create_task(own(), name="aws_vision_async redis client")
        else:
            import trio  # noqa: PLC0415  (only under trio, which is then imported already)

            trio.lowlevel.spawn_system_task(own, name="aws_vision_async redis client")

    async def aclose(self) -> None:
        """Close the current event loop's client (the others close with their loops)."""
        loop = anyio.lowlevel.current_token().native_token
        with self._lock:
            connection = self._by_loop.pop(loop, None)
        if connection is not None:
            connection.stop.set()
            with anyio.CancelScope(shield=True):
                await connection.done.wait()
