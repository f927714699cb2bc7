# mypy: disable-error-code="import-not-found"
"""The slots of a ``RedisSemaphore``: the Lua scripts, and one slot's lease, connection and renewal task."""

from __future__ import annotations

import logging
import math
import random
import time
import uuid
from contextlib import AsyncExitStack
from types import TracebackType
from typing import TYPE_CHECKING, Final

import anyio
import anyio.lowlevel
from coredis import Redis
from coredis.commands.script import Script
from coredis.exceptions import ConnectionError as RedisConnectionError
from coredis.exceptions import ReadOnlyError

from ..errors import AwsVisionError

if TYPE_CHECKING:
    from anyio.abc import TaskGroup
    from typing_extensions import Self

__all__ = ["Shared", "Slot", "SlotTimeoutError"]

_log = logging.getLogger("aws_vision_async")

# Waiting polls Redis after 50 ms, then twice as long each time, up to 1 s (with jitter).
_POLL: Final = (0.05, 1.0)
# A renewal that failed is tried again this soon (or after a third of the lease, if shorter).
_RETRY: Final = 1.0
# The longest any one Redis call (a take, a renewal, a release) may take before it counts as unreachable.
_CALL_TIMEOUT: Final = 5.0

# Errors that mean "Redis is not there now" (down, restarting, failing over), not a mistake of ours.
_UNREACHABLE: Final = (
    RedisConnectionError,
    ReadOnlyError,
    OSError,
    TimeoutError,
    anyio.ClosedResourceError,  # a connection whose reader task was cancelled
    anyio.BrokenResourceError,
    anyio.EndOfStream,
)

# The server's clock in milliseconds: every holder's expiry is on the same clock.
_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""
# After a change: the set lives as long as its last lease, so an idle key vanishes by itself.
_KEEP = """
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then redis.call('PEXPIREAT', KEYS[1], tonumber(last[2]) + 1000) end
"""
# KEYS[1] the slots; ARGV holder, limit, lease (ms). 1 if the holder has a slot now, else 0.
_TAKE: Final[Script[bytes]] = Script(
    script=_NOW
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
"""
    + _KEEP
    + "return 1\n"
)
# KEYS[1] the slots; ARGV holder, lease (ms). 1 if the lease was gone and is added again, 0 if renewed.
_RENEW: Final[Script[bytes]] = Script(
    script=_NOW
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local added = redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
"""
    + _KEEP
    + "return added\n"
)
# KEYS[1] the slots. The leases not yet expired.
_COUNT: Final[Script[bytes]] = Script(script=_NOW + "return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')\n")


def _integer(reply: object) -> int:
    if not isinstance(reply, int):  # pragma: no cover - the scripts return integers
        raise TypeError(f"a semaphore script returned {reply!r:.80}")
    return reply


async def _call(script: Script[bytes], client: Redis[bytes], keys: list[str], args: list[str]) -> int:
    """Run one of the scripts, within ``_CALL_TIMEOUT`` (a Redis that does not answer counts as unreachable)."""
    with anyio.fail_after(_CALL_TIMEOUT):
        return await script(keys=keys, args=args, client=client, callback=_integer)


class SlotTimeoutError(AwsVisionError, TimeoutError):
    """No slot of a ``RedisSemaphore`` came free within ``max_wait`` seconds; nothing was taken.

    It is also a ``TimeoutError``.

    Attributes:
        key: The semaphore's key.
        limit: Its number of slots.
        max_wait: The seconds waited.
    """

    def __init__(self, key: str, limit: int, max_wait: float) -> None:
        super().__init__(f"no slot of {key!r} (limit {limit}) came free within max_wait={max_wait:g}s")
        self.key = key
        self.limit = limit
        self.max_wait = max_wait

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.key, self.limit, self.max_wait))


class Shared:
    """What the slots of one semaphore share: its settings, its outage state and this process's wake-up."""

    def __init__(self, url: str, key: str, limit: int, lease: float) -> None:
        self.url = url
        self.key = key
        self.limit = limit
        self.lease = lease
        self.slots_key = f"{{{key}}}:slots"
        self.lease_ms = str(round(lease * 1000))
        self.closed = False
        self.outage = False
        self.back_at = -math.inf  # when Redis answered again after an outage
        self._freed: anyio.lowlevel.RunVar[anyio.Event] = anyio.lowlevel.RunVar(f"freed-{id(self)}")

    def client(self) -> Redis[bytes]:
        if self.closed:
            raise RuntimeError(f"the RedisSemaphore {self.key!r} is closed")
        return Redis.from_url(self.url)

    async def in_use(self) -> int:
        """The leases not lapsed, on a connection of its own."""
        failure: Exception | None = None
        count = 0
        async with self.client() as client:
            try:
                count = await _call(_COUNT, client, [self.slots_key], [])
            except _UNREACHABLE as error:  # raised outside: the client's task group would wrap it in a group
                failure = error
        if failure is not None:
            raise failure from None
        return count

    def freed(self) -> anyio.Event:
        """Set when a slot of this process is released. One per event loop: asyncio.run() twice, or trio."""
        try:
            return self._freed.get()
        except LookupError:
            event = anyio.Event()
            self._freed.set(event)
            return event

    def released(self) -> None:
        event = self.freed()
        self._freed.set(anyio.Event())
        event.set()

    def unreachable(self, doing: str, error: BaseException) -> None:
        if not self.outage:
            self.outage = True
            _log.warning(
                "RedisSemaphore %r: Redis cannot be reached (%s while %s); waiting for it: no slot is taken meanwhile",
                self.key,
                type(error).__name__,
                doing,
            )

    def reachable(self) -> None:
        if self.outage:
            self.outage = False
            self.back_at = time.monotonic()  # not the loop's clock: trio's has an offset of its own
            _log.info("RedisSemaphore %r: Redis answers again", self.key)


class Slot:
    """One slot of a ``RedisSemaphore``, waited for and held: its lease, its connection and its renewal task."""

    def __init__(self, shared: Shared, max_wait: float | None) -> None:
        self._shared = shared
        self._max_wait = max_wait
        self._holder = uuid.uuid4().hex
        self._exit: AsyncExitStack | None = None
        self._client: Redis[bytes] | None = None
        self._renewal: TaskGroup | None = None

    def __repr__(self) -> str:
        state = "held" if self._renewal is not None else "not held"
        return f"<slot {self._holder} of {self._shared.key!r}, {state}>"

    async def __aenter__(self) -> Self:
        if self._exit is not None:
            raise RuntimeError("a slot is taken once; take another with sem.slot()")
        self._exit = AsyncExitStack()
        client = await self._exit.enter_async_context(self._shared.client())
        self._client = client
        try:
            await self._take(client)
            self._renewal = anyio.create_task_group()
            await self._renewal.__aenter__()
        except BaseException:
            # Cancelled or failed while waiting: a take that succeeded on the server
            # but whose reply was lost must not leave a lease behind.
            await self._give_back(client)
            raise
        self._renewal.start_soon(self._renew, client)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        renewal, client = self._renewal, self._client
        if renewal is None or client is None:
            raise RuntimeError("the slot is not held")
        self._renewal = None
        renewal.cancel_scope.cancel()
        try:
            await renewal.__aexit__(None, None, None)  # the renewal has ended: no lease comes back after the release
        finally:
            await self._give_back(client)

    async def _take(self, client: Redis[bytes]) -> None:
        shared = self._shared
        max_wait = self._max_wait
        deadline = math.inf if max_wait is None else anyio.current_time() + max_wait
        low, high = _POLL
        delay = low
        args = [self._holder, str(shared.limit), shared.lease_ms]
        while True:
            try:
                await self._rejoin(client, deadline)
                got = await _call(_TAKE, client, [shared.slots_key], args)
            except _UNREACHABLE as error:
                shared.unreachable("taking a slot", error)
                got = 0
                delay = high
            if got == 1:
                return
            remaining = deadline - anyio.current_time()
            if remaining <= 0:
                raise SlotTimeoutError(shared.key, shared.limit, max_wait or 0.0)
            with anyio.move_on_after(min(random.uniform(delay / 2, delay), remaining)):  # noqa: S311 - jitter
                await shared.freed().wait()
            delay = min(delay * 2, high)

    async def _rejoin(self, client: Redis[bytes], deadline: float) -> None:
        # Back from an outage (a restart may have emptied the set): let the holders, which
        # retry every _RETRY, put their leases back before a waiter counts the slots.
        shared = self._shared
        if shared.outage:
            with anyio.fail_after(_CALL_TIMEOUT):
                await client.ping()
            shared.reachable()
        rejoin = shared.back_at + _RETRY + 0.25 - time.monotonic()
        if rejoin > 0:
            await anyio.sleep(min(rejoin, max(deadline - anyio.current_time(), 0.0)))

    async def _renew(self, client: Redis[bytes]) -> None:
        shared = self._shared
        every = shared.lease / 3
        failing = False
        while True:
            await anyio.sleep(every)
            try:
                added = await _call(_RENEW, client, [shared.slots_key], [self._holder, shared.lease_ms])
            except Exception as error:  # any failure: the block runs inside this task group, which must not fail
                if isinstance(error, _UNREACHABLE):
                    shared.unreachable("renewing a slot", error)
                if not failing:
                    failing = True
                    _log.warning(
                        "RedisSemaphore %r: could not renew a slot (%s); it lapses %g s after its last renewal"
                        " unless Redis answers before",
                        shared.key,
                        type(error).__name__,
                        shared.lease,
                    )
                every = min(_RETRY, shared.lease / 3)  # try again soon
                continue
            shared.reachable()
            failing = False
            every = shared.lease / 3
            if added == 1:
                _log.warning(
                    "RedisSemaphore %r: a slot held had lapsed in Redis (a restart, or no renewal for %g s);"
                    " it is held again, and the fleet may hold more than %d slots until some are released",
                    shared.key,
                    shared.lease,
                    shared.limit,
                )

    async def _give_back(self, client: Redis[bytes]) -> None:
        # Shielded and bounded: a cancelled or failed block still frees its slot, and a Redis
        # that does not answer only leaves the lease to lapse.
        shared = self._shared
        exit_stack, self._exit = self._exit, None
        try:
            with anyio.CancelScope(shield=True), anyio.move_on_after(_CALL_TIMEOUT):
                try:
                    await self._release(client)
                except _UNREACHABLE as error:
                    _log.warning(
                        "RedisSemaphore %r: could not release a slot (%s); it lapses within %g s",
                        shared.key,
                        type(error).__name__,
                        shared.lease,
                    )
            shared.released()
        finally:
            self._client = None
            if exit_stack is not None:  # the connection, outside the shield: its task group is its own
                await exit_stack.aclose()

    async def _release(self, client: Redis[bytes]) -> None:
        slots_key = self._shared.slots_key
        try:
            await client.zrem(slots_key, [self._holder])
        except _UNREACHABLE:
            # The slot's connection lives in a task group of the block's task: a cancellation of
            # the block cancels its reader too. A connection opened here, under the shield, is spared.
            failure: Exception | None = None
            async with self._shared.client() as fresh:
                try:
                    await fresh.zrem(slots_key, [self._holder])
                except _UNREACHABLE as error:  # raised outside: the client's task group would wrap it in a group
                    failure = error
            if failure is not None:
                raise failure from None
