"""``RedisRateLimiter``: one token bucket, and one learnt rate, for every process that names the same key.

See :class:`RedisRateLimiter`; the Lua scripts are in ``_scripts.py``, the
coredis clients in ``_redis.py``.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Sequence
from typing import Final

import anyio
import anyio.lowlevel

from .._core import checks
from ..errors import RateLimitTimeoutError
from ..ratelimit import RateLimiter
from . import _scripts
from ._redis import Connections, RedisUnavailableError, mask_url

__all__ = ["RedisRateLimiter"]

_log = logging.getLogger("aws_vision_async.ratelimit")

#: Seconds between two tries of an unreachable Redis.
RETRY_INTERVAL: Final = 1.0
#: A process whose limiter has not called Redis for this long is no longer counted.
HEARTBEAT_TTL: Final = 10.0
# A waiter looks again after half its wait, within these bounds, as the base limiter's waiters do.
_RECHECK: Final = 1.0
_MIN_NAP: Final = 0.05
# How long a cancelled waiter may take to give its token back.
_RELEASE_TIMEOUT: Final = 1.0


class RedisRateLimiter(RateLimiter):
    """A ``RateLimiter`` whose bucket and learnt rate live in Redis (or Valkey), shared by a fleet.

    Every limiter, in any process on any host, that names the same Redis and
    ``key`` takes its tokens from one bucket and learns one rate: a throttle
    reported by one process cuts the rate for all. Use one key per account,
    region and operation quota. It is a ``RateLimiter``, so it goes wherever one
    does (``rate_limiter=``, a mapping per operation, ``with_options``), and it
    behaves like one: the same token bucket, first come first served, the same
    adaptive rate (CUBIC, as botocore's adaptive mode) and, with no
    ``per_second``, the same slow start (from ``SLOW_START_RATE`` requests a
    second, each success adding one, until the first throttle), fleet-wide.

    Grants are Lua scripts, atomic on the server and timed by the server's
    clock (``TIME``), never the clients'. A waiter sleeps in its own process
    (non-blocking and cancellable under asyncio and trio) and asks Redis again
    when its token is due, and at least once a second. The keys are
    ``{key}:bucket`` and ``{key}:procs``: one hash tag, so they share a slot in
    Redis Cluster. They expire an hour after their last use.

    It connects on first use (no ``async with`` needed), with one coredis client
    per event loop that uses it; :meth:`aclose` closes the calling loop's
    client (the others close with their loops).

    When Redis cannot be reached (refused, lost, no answer within 2 seconds, a
    server still loading), the limiter logs one WARNING and goes on with its
    own local bucket (the base class's) at the last shared rate divided by the
    number of processes last seen, trying Redis again at most once a second.
    When Redis answers again it logs INFO and rejoins; if Redis lost its data
    (a restart), the bucket is seeded again from the local rate times the
    processes. A Redis failure never fails a call.

    The client reports each reply with :meth:`report_reply`, which tells Redis.
    ``record_success()`` and ``record_throttle()`` stay synchronous, as in the
    base class: they change only the local (fallback) bucket, never the shared
    one. ``tokens`` and ``measured_rate`` are the local bucket's; ``rate`` and
    ``throttles`` are the shared ones as last seen (the local ones while Redis
    is unreachable).

    Args:
        url: The Redis URL (``redis://[[user]:password@]host:port/db``, or
            ``rediss://`` for TLS), as ``coredis.Redis.from_url`` takes it. Its
            password never appears in a repr, a log line or an error message.
        key: The name of the shared quota, without braces.
        per_second: The most requests a second, fleet-wide; ``None`` for no fixed cap.
        burst: Tokens the shared bucket holds; ``None`` for 1.
        adaptive: Learn from throttling replies (fleet-wide).

    Raises:
        TypeError: ``url`` or ``key`` is not a string, or another argument has
            the wrong type (as for ``RateLimiter``).
        ValueError: ``key`` is empty or holds a brace, or a number is out of
            range (as for ``RateLimiter``).
    """

    def __init__(
        self,
        url: str,
        *,
        key: str,
        per_second: float | None = None,
        burst: float | None = None,
        adaptive: bool = True,
    ) -> None:
        super().__init__(per_second=per_second, burst=burst, adaptive=adaptive)
        url = checks.string("url", url, secret=True)
        key = checks.string("key", key)
        if not key or "{" in key or "}" in key:
            raise ValueError(f"key must be a non-empty string without braces, got {key!r}")
        self._url = mask_url(url)
        self._key = key
        self._keys = (f"{{{key}}}:bucket", f"{{{key}}}:procs")
        self._config_per_second = self._per_second
        self._config_burst = burst
        self._redis = Connections(url)
        self._id = uuid.uuid4().hex
        self._state = threading.Lock()
        # What the shared bucket said last; None: not heard from yet.
        self._shared_rate: float | None = None
        self._shared_throttles: int | None = None
        self._procs = 1
        # Server time minus time.monotonic(), to map a sent_at to the server's clock.
        self._offset: float | None = None
        # Fallback: unreachable since a WARNING was logged; next try not before _retry_at.
        self._degraded = False
        self._retry_at = 0.0
        self._probing = False

    def __repr__(self) -> str:
        rate = self.rate
        shown = "unlimited" if rate is None else f"{rate:.3g}/s"
        mode = "local fallback" if self._degraded else "shared"
        return (
            f"<RedisRateLimiter url={self._url!r} key={self._key!r} rate={shown} {mode}"
            f" processes={self._procs} per_second={self._config_per_second} adaptive={self._adaptive}"
            f" throttles={self.throttles}>"
        )

    @property
    def key(self) -> str:
        """The name of the shared quota."""
        return self._key

    @property
    def rate(self) -> float | None:
        """The shared rate as last seen (the local one while Redis is unreachable); ``None``: unlimited."""
        if self._degraded or self._shared_throttles is None:
            return super().rate
        return self._shared_rate

    @property
    def throttles(self) -> int:
        """The throttles the fleet recorded, as last seen (the local count while Redis is unreachable)."""
        if self._degraded or self._shared_throttles is None:
            return super().throttles
        return self._shared_throttles

    @property
    def processes(self) -> int:
        """The limiters (processes) using the key, as last seen (within the last 10 seconds)."""
        return self._procs

    # -- the pipeline's calls -----------------------------------------------------------------

    async def acquire(self, *, max_wait: float | None = None) -> float:
        """Wait for a token from the shared bucket (the local one while Redis is unreachable).

        Args:
            max_wait: The most seconds to wait; when the token would take
                longer, fail at once instead. ``None`` waits as long as needed.

        Returns:
            The seconds waited for the token (0 when one was free).

        Raises:
            RateLimitTimeoutError: No token within ``max_wait``; none was taken.
            TypeError: ``max_wait`` is not a number.
            ValueError: ``max_wait`` is negative or not finite.
        """
        if max_wait is not None:
            max_wait = checks.non_negative_number("max_wait", max_wait)
        if self._use_local():
            return await super().acquire(max_wait=max_wait)
        started = time.monotonic()
        try:
            epoch, reply = await self._run(_scripts.ACQUIRE, -1.0 if max_wait is None else max_wait)
        except RedisUnavailableError:
            return await super().acquire(max_wait=max_wait)
        wait = float(reply[0])
        if wait < 0.0:
            raise RateLimitTimeoutError(float(reply[1]), max_wait if max_wait is not None else 0.0)
        if wait <= 0.0:
            await anyio.lowlevel.checkpoint()  # a cancellation point, as any await should be
            return 0.0
        return await self._wait(started, wait, float(reply[1]), epoch)

    async def _wait(self, started: float, wait: float, target: float, epoch: str) -> float:
        granted = False
        try:
            while True:
                await anyio.sleep(wait if wait <= _MIN_NAP else min(max(wait / 2.0, _MIN_NAP), _RECHECK))
                try:
                    _, reply = await self._run(_scripts.RECHECK, target, epoch)
                except RedisUnavailableError:
                    # Redis went away while this waiter slept: its token is the local bucket's now.
                    granted = True
                    return time.monotonic() - started + await super().acquire()
                wait = float(reply[0])
                if wait < 0.0:
                    # The bucket was seeded again (Redis lost its data): queue in the new one.
                    epoch, reply = await self._run(_scripts.ACQUIRE, -1.0)
                    wait, target = float(reply[0]), float(reply[1])
                if wait <= 0.0:
                    granted = True
                    return time.monotonic() - started
        except RedisUnavailableError:
            granted = True
            return time.monotonic() - started + await super().acquire()
        except BaseException:
            if not granted:
                # Cancelled (or interrupted) before its turn: the token goes back, shielded and bounded.
                # A token not given back (Redis gone) costs one interval: the bucket refills anyway.
                with anyio.move_on_after(_RELEASE_TIMEOUT, shield=True), contextlib.suppress(RedisUnavailableError):
                    await self._run(_scripts.RELEASE, epoch)
            raise

    async def report_reply(self, *, throttled: bool, sent_at: float | None = None) -> None:
        """Record the reply to a request this limiter let through, fleet-wide (the client's call).

        Args:
            throttled: Whether the reply was a throttling error.
            sent_at: When the request was sent (``time.monotonic()``); mapped to
                the server's clock, it decides whether the throttle cuts again.
        """
        if sent_at is not None:
            sent_at = checks.number("sent_at", sent_at)
        if self._use_local():
            await super().report_reply(throttled=throttled, sent_at=sent_at)
            return
        offset = self._offset
        server_sent = -1.0 if sent_at is None or offset is None else sent_at + offset
        try:
            await self._run(_scripts.REPORT, 1 if throttled else 0, server_sent)
        except RedisUnavailableError:
            await super().report_reply(throttled=throttled, sent_at=sent_at)

    async def aclose(self) -> None:
        """Close the Redis client of the calling event loop; the limiter reconnects if used again."""
        await self._redis.aclose()

    # -- Redis, and the fallback --------------------------------------------------------------

    def _use_local(self) -> bool:
        with self._state:
            if not self._degraded:
                return False
            if self._probing or time.monotonic() < self._retry_at:
                return True
            # One call at a time tries Redis again; the others go on locally meanwhile.
            self._probing = True
            return False

    def _config(self) -> list[str | int | float]:
        if self._degraded:
            # Rejoining (the store may be empty): seed from what was learnt locally.
            local = super().rate
            seed, fresh = (-1.0 if local is None else local * self._procs), 0
        else:
            seed = -1.0 if self._config_per_second is None else self._config_per_second
            fresh = 1
        return [
            -1.0 if self._config_per_second is None else self._config_per_second,
            -1.0 if self._config_burst is None else self._config_burst,
            1 if self._adaptive else 0,
            seed,
            fresh,
            self._id,
            HEARTBEAT_TTL,
        ]

    async def _run(self, source: str, *extra: str | int | float) -> tuple[str, Sequence[str | int]]:
        """Run a script; returns the bucket's epoch and the script's own reply fields."""
        try:
            reply = await self._redis.run(source, self._keys, [*self._config(), *extra])
        except RedisUnavailableError as exc:
            self._went_down(str(exc))
            raise
        finally:
            self._probing = False
        received = time.monotonic()
        server_now, procs, rate, throttles, seeded, epoch = reply[:6]
        with self._state:
            self._offset = float(server_now) - received
            self._procs = max(1, int(procs))
            shared = float(rate)
            self._shared_rate = None if shared < 0.0 else shared
            self._shared_throttles = int(throttles)
            rejoined, self._degraded = self._degraded, False
        if rejoined:
            _log.info(
                "RedisRateLimiter key=%r: Redis answers again; back on the shared bucket%s",
                self._key,
                " (seeded again from the local rate)" if int(seeded) else "",
            )
        return str(epoch), reply[6:]

    def _went_down(self, reason: str) -> None:
        with self._state:
            self._retry_at = time.monotonic() + RETRY_INTERVAL
            if self._degraded:
                return
            self._degraded = True
            shared = self._shared_rate if self._shared_throttles is not None else self._config_per_second
            known = self._shared_throttles is not None
            procs = self._procs
        if known:
            # The local bucket takes this process's share of the last shared rate.
            local = None if shared is None else shared / procs
            RateLimiter.__init__(self, per_second=local, burst=self._config_burst, adaptive=self._adaptive)
        _log.warning(
            "RedisRateLimiter key=%r: Redis unreachable (%s); using a local limiter at %s until it answers",
            self._key,
            reason,
            "no limit" if super().rate is None else f"{super().rate:.3g}/s",
        )


# Reprs, tracebacks and pickles name the module users import it from.
RedisRateLimiter.__module__ = "aws_vision_async.ratelimit"
