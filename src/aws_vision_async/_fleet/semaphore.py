# mypy: disable-error-code="import-not-found"
"""``RedisSemaphore``: ``limit`` slots shared through Redis by every process and host that names the same key.

Rekognition Video allows 20 open stored-video jobs per account and region, across
every process of the account. A semaphore per process cannot keep a fleet within
it; this one keeps its slots in Redis (or Valkey)::

    slots = RedisSemaphore("redis://redis.internal:6379/0", key="rek:123456789012:us-east-1:video", limit=20)
    async with rek.video_jobs(rek.start_label_detection, inputs, slots=slots) as outcomes:
        ...

    async with slots:  # or directly: one slot while the block runs
        ...

A slot is a lease: a member of the sorted set ``{key}:slots`` (``key`` as a hash
tag, so that a cluster keeps the semaphore's keys together) scored by when it
expires, on the server's clock (``TIME``), never the client's. Taking one is one
Lua script, atomic on the server: drop the expired leases, count the others, add
this holder if fewer than ``limit``. While the block runs, a background task renews
the lease every third of ``lease``; leaving the block (normally, by an error or by a
cancellation) stops the renewal and removes the lease, shielded from cancellation
and bounded in time. A process that dies without leaving (SIGKILL, a lost host)
stops renewing, so its slot is free again at most ``lease`` seconds later.

The lease (``DEFAULT_LEASE``, 30 s) trades two risks: a shorter lease frees the slots
of a dead process sooner, but a process that cannot reach Redis for longer than the
lease (a stall, a network partition) may lose its slot to another, and the fleet may
then hold one more slot than ``limit`` until a holder leaves. Keep it well above the
longest pause you expect (a stop-the-world pause, a Redis failover).

When Redis cannot be reached, nothing falls back to a local semaphore: a local
semaphore of ``limit`` in each of N processes would let the fleet hold N times the
account's limit. Instead:

* waiters keep trying (a WARNING is logged once per outage, and an INFO line when
  Redis answers again), within their ``max_wait`` if any: the fleet starts nothing
  new while Redis is away and resumes by itself when it is back, so a Redis restart
  pauses the service, never stops it;
* holders keep their slots and keep renewing; a renewal that finds its lease gone
  (Redis restarted empty, or the lease expired during the outage) adds it again and
  logs a WARNING, so that the slots in Redis match the work in progress again
  within a third of a lease.

Waiting polls Redis with a short backoff (50 ms growing to 1 s, with jitter) and
wakes at once when a slot of the same process is released. It is not first come,
first served across processes.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Final

import anyio
import anyio.lowlevel

from .._core import checks
from ._redis import mask_url
from ._slot import Shared, Slot, SlotTimeoutError

__all__ = ["DEFAULT_LEASE", "MIN_LEASE", "RedisSemaphore", "SlotTimeoutError"]

#: Seconds a slot lasts without renewal: a dead process's slot is free again after at most this.
DEFAULT_LEASE: Final = 30.0
#: The shortest lease accepted: renewals every third of it must fit a round trip with room to spare.
MIN_LEASE: Final = 1.0


class RedisSemaphore:
    """``limit`` slots shared by every process and host naming ``key``, held as leases in Redis.

    ``async with sem:`` waits for a slot, holds it (renewing its lease) while the
    block runs and gives it back when the block ends, under asyncio and trio. One
    object may be entered by many tasks at once, each holding its own slot; ``async
    with sem.slot(max_wait=5):`` takes one with a wait of its own. See the module's
    documentation for leases and for what happens when Redis cannot be reached.

    The URL names one server (or a proxy in front of a cluster or sentinels): every
    process must reach the same sorted set. Nothing connects until a slot is taken:
    each slot being waited for or held uses a connection of its own, opened and
    closed by the task that takes it (coredis 6 ties connections to the task group
    of the task that opens them).

    Args:
        url: The Redis or Valkey server, as coredis's ``Redis.from_url`` takes it
            (``redis://[[user]:password@]host:port/db``, ``rediss://`` for TLS).
        key: The semaphore's name; every process naming it shares its slots. One
            key per account, region and quota (``"rek:123456789012:us-east-1:video"``).
        limit: How many slots, in the whole fleet (20 for Rekognition Video's
            default quota of open jobs).
        lease: Seconds a slot lasts without renewal (renewed every third of it
            while held): a process that dies frees its slots after at most this.
        max_wait: The longest ``async with sem:`` waits for a slot before raising
            ``SlotTimeoutError``; ``None`` waits as long as it takes.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: ``key`` is empty, ``limit`` below 1, ``lease`` below ``MIN_LEASE``
            or not finite, ``max_wait`` negative or not finite.
    """

    def __init__(
        self, url: str, *, key: str, limit: int, lease: float = DEFAULT_LEASE, max_wait: float | None = None
    ) -> None:
        url = checks.string("url", url, secret=True)
        if not checks.string("key", key):
            raise ValueError("key must be a non-empty str, got ''")
        self._shared = Shared(url, key, checks.positive_int("limit", limit), checks.at_least("lease", lease, MIN_LEASE))
        self._max_wait = None if max_wait is None else checks.non_negative_number("max_wait", max_wait)
        self._held: dict[int, list[Slot]] = {}  # per task: the slots entered with `async with sem`

    def __repr__(self) -> str:
        shared = self._shared
        return (
            f"<RedisSemaphore {mask_url(shared.url)} key={shared.key!r} limit={shared.limit} lease={shared.lease:g}s>"
        )

    @property
    def key(self) -> str:
        """The semaphore's name."""
        return self._shared.key

    @property
    def limit(self) -> int:
        """How many slots the fleet shares."""
        return self._shared.limit

    @property
    def lease(self) -> float:
        """Seconds a slot lasts without renewal."""
        return self._shared.lease

    def slot(self, *, max_wait: float | None = None) -> AbstractAsyncContextManager[object]:
        """One slot, to hold with ``async with``: as ``async with sem:``, with a ``max_wait`` of its own.

        Args:
            max_wait: The longest to wait for the slot before raising
                ``SlotTimeoutError``; ``None`` waits as long as it takes.

        Raises:
            TypeError: ``max_wait`` is not a number.
            ValueError: ``max_wait`` is negative or not finite.
        """
        if max_wait is not None:
            max_wait = checks.non_negative_number("max_wait", max_wait)
        return Slot(self._shared, max_wait)

    async def in_use(self) -> int:
        """How many slots the fleet holds now (leases not lapsed), read from Redis.

        Raises:
            coredis.exceptions.ConnectionError: Redis cannot be reached (or ``TimeoutError``:
                it did not answer in time).
        """
        return await self._shared.in_use()

    async def aclose(self) -> None:
        """Refuse new slots from now on; the slots held stay held until their blocks end."""
        self._shared.closed = True
        await anyio.lowlevel.checkpoint()

    async def __aenter__(self) -> None:
        slot = Slot(self._shared, self._max_wait)
        await slot.__aenter__()
        self._held.setdefault(anyio.get_current_task().id, []).append(slot)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        task = anyio.get_current_task().id
        stack = self._held[task]
        slot = stack.pop()  # the innermost block of this task
        if not stack:
            del self._held[task]
        await slot.__aexit__(exc_type, exc, tb)


# Users import them from aws_vision_async.ratelimit: reprs, tracebacks, pickles and the docs say so.
RedisSemaphore.__module__ = "aws_vision_async.ratelimit"
SlotTimeoutError.__module__ = "aws_vision_async.ratelimit"
