"""A client-side rate limiter: a token bucket that can learn the service's rate from its throttling replies.

One ``RateLimiter`` may be shared by many clients and tasks::

    limiter = RateLimiter(per_second=20)  # never more than 20 requests a second
    waited = await limiter.acquire()  # before each request (each attempt)
    limiter.record_success()  # or record_throttle(sent_at=...) on a ThrottlingError

With ``adaptive=True`` (the default) it also adapts as botocore's ``adaptive``
retry mode does (``botocore/retries/adaptive.py``, ``bucket.py``,
``throttling.py``): on a throttle the rate drops to ``0.7`` times the rate
measured (CUBIC's multiplicative decrease, ``beta = 0.7``); on each success it
grows back along the cubic ``0.4 * (t - K) ** 3 + W_max``, where ``W_max`` is
the rate at the last throttle, ``t`` the seconds since it and
``K = cbrt(W_max * (1 - beta) / 0.4)``, never above twice the measured sending
rate (measured in half-second buckets, smoothed with a factor of ``0.8``) nor
below 0.5 requests a second.

Slow start: where botocore sends without limit until the first throttle (and
many tasks then overshoot the quota together, blind), an adaptive limiter given
no ``per_second`` starts at ``SLOW_START_RATE`` (10) requests a second and, as a
TCP congestion window does, adds ``SLOW_START_STEP`` (1) request a second for
each success: a second of replies at the full rate at least doubles the rate
(from 10: 20 or more after a second, 40 or more after two, when the requests
wait for tokens and every reply comes back at once). It grows only while the
tokens are used: never to more than twice the measured sending rate, so an idle
or lightly used limiter stays where it is. The first throttle ends slow start:
the rate drops to ``0.7`` times the rate measured (or the rate, if lower) and
follows CUBIC from there. With ``per_second`` there is no slow start (that rate
is a cap, kept until the first throttle), and with ``adaptive=False`` and no
``per_second`` nothing is ever limited.
"""

from __future__ import annotations

import math
import threading
import time
from typing import TYPE_CHECKING, Any, Final

import anyio
import anyio.lowlevel

from ._core import checks
from .errors import RateLimitTimeoutError

if TYPE_CHECKING:
    from ._fleet.limiter import RedisRateLimiter
    from ._fleet.semaphore import RedisSemaphore, SlotTimeoutError

__all__ = ["RateLimitTimeoutError", "RateLimiter", "RedisRateLimiter", "RedisSemaphore", "SlotTimeoutError"]

# The fleet's classes need coredis (the ``redis`` extra): imported on first use.
_FLEET: Final = {
    "RedisRateLimiter": "._fleet.limiter",
    "RedisSemaphore": "._fleet.semaphore",
    "SlotTimeoutError": "._fleet.semaphore",
}


def __getattr__(name: str) -> Any:
    module = _FLEET.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib  # noqa: PLC0415

    try:
        value = getattr(importlib.import_module(module, __package__), name)
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] != "coredis":
            raise
        raise ImportError(f"{name} needs the redis extra: pip install 'aws-vision-async[redis]'", name=name) from exc
    globals()[name] = value
    return value


# botocore/retries/throttling.py (CubicCalculator) and bucket.py (TokenBucket).
_BETA: Final = 0.7
_SCALE_CONSTANT: Final = 0.4
_MIN_RATE: Final = 0.5
# botocore/retries/adaptive.py (ClientRateLimiter, RateClocker).
_MAX_RATE_ADJUST_SCALE: Final = 2.0
_SMOOTHING: Final = 0.8
_TIME_BUCKET_RANGE: Final = 0.5
# Slow start (an adaptive limiter given no per_second): the first rate, in requests a
# second, and what each success adds to it, so that a round of replies doubles it (as
# each acknowledgement adds one segment to a TCP congestion window).
SLOW_START_RATE: Final = 10.0
SLOW_START_STEP: Final = 1.0
# A waiter looks again after half its wait (never more than _RECHECK, nor less than
# _MIN_NAP unless due sooner), so that a rate that grew meanwhile shortens its wait
# (slow start doubles it within a second) and a queue of waiters does not leave in clumps.
_RECHECK: Final = 1.0
_MIN_NAP: Final = 0.05
_EPSILON: Final = 1e-9
# The limiter's clock (a module attribute, so that tests can replace it).
_monotonic = time.monotonic


class RateLimiter:
    """A token bucket on anyio, fixed (``per_second``) and/or adaptive to throttling replies.

    Waiting is first come, first served: each ``acquire`` reserves the next
    token at once (the bucket may go into debt) and sleeps until its token is
    due, so waiters leave in the order they came. A rate change applies to the
    tokens of waiters too: after a cut they wait longer (otherwise the replies
    to requests already queued at the old rate would cut the rate again and
    again), and a waiter looks at the rate again at least once a second. A
    waiter cancelled while sleeping gives its token back.

    Time is ``time.monotonic()``, not the event loop's clock, and the
    bookkeeping is guarded by a ``threading.Lock`` held only between awaits:
    one limiter may serve tasks of several event loops or threads (asyncio and
    trio alike), whose clocks would otherwise disagree.

    An adaptive limiter with no ``per_second`` starts at 10 requests a second
    and grows by 1 request a second per success (slow start, at most twice the
    measured sending rate) until the first throttle, then follows CUBIC (see
    the module's docstring).

    Args:
        per_second: The most requests a second, ever; ``None`` for no fixed cap
            (adaptive: slow start from 10 a second; not adaptive: unlimited).
        burst: Tokens the bucket holds, sent at once after a quiet spell;
            ``None`` for 1 (requests evenly spaced). An adaptive limiter holds
            no more than one second of its rate.
        adaptive: Learn from ``record_throttle`` and ``record_success``.

    Raises:
        TypeError: ``per_second`` or ``burst`` is not a number (or is a ``bool``),
            or ``adaptive`` is not a ``bool``.
        ValueError: ``per_second`` is not positive and finite, or ``burst`` is
            below 1 or not finite.
    """

    def __init__(self, per_second: float | None = None, burst: float | None = None, adaptive: bool = True) -> None:
        if per_second is not None:
            per_second = checks.positive_number("per_second", per_second)
        if burst is not None:
            burst = checks.at_least("burst", burst, 1.0)
        checks.boolean("adaptive", adaptive)
        self._per_second = per_second
        self._burst = burst
        self._adaptive = adaptive
        self._lock = threading.Lock()
        now = _monotonic()
        # Slow start until the first throttle: adaptive and no rate given.
        self._slow_start = adaptive and per_second is None
        # The fill rate; None: unlimited (adaptive=False and no per_second).
        self._rate: float | None = SLOW_START_RATE if self._slow_start else per_second
        self._capacity = burst or 1.0
        if self._slow_start:
            self._capacity = min(self._capacity, SLOW_START_RATE)  # one second of the rate, as after any change
        self._tokens = self._capacity  # starts full, as the services' buckets do
        self._last_refill = now
        self._filled = 0.0  # tokens added since the start, capped or not
        self._throttles = 0
        # CUBIC state (throttling.py): the rate at the last throttle, and when.
        self._w_max = 0.0
        self._k = 0.0
        self._last_throttle = now
        # When the rate was last cut (None: never), to cut once per round of replies.
        self._cut_at: float | None = None
        # The measured sending rate (adaptive.py's RateClocker).
        self._measured = 0.0
        self._count = 0
        self._last_bucket = math.floor(now / _TIME_BUCKET_RANGE) * _TIME_BUCKET_RANGE
        self._started = now

    def __repr__(self) -> str:
        rate = "unlimited" if self._rate is None else f"{self._rate:.3g}/s"
        return (
            f"<RateLimiter rate={rate} tokens={self._tokens:.3g}/{self._capacity:.3g}"
            f" per_second={self._per_second} adaptive={self._adaptive} throttles={self._throttles}>"
        )

    # -- observability ----------------------------------------------------------------------

    @property
    def rate(self) -> float | None:
        """The requests a second allowed now; ``None`` while unlimited."""
        return self._rate

    @property
    def tokens(self) -> float:
        """The tokens in the bucket now; negative while waiters hold reservations."""
        with self._lock:
            self._refill(_monotonic())
            return self._tokens

    @property
    def throttles(self) -> int:
        """How many throttling replies were recorded."""
        return self._throttles

    @property
    def measured_rate(self) -> float:
        """The smoothed rate at which tokens were taken, in requests a second."""
        return self._measured

    # -- the pipeline's calls -----------------------------------------------------------------

    async def acquire(self, *, max_wait: float | None = None) -> float:
        """Wait for a token (one request, or one attempt of it).

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
        with self._lock:
            now = _monotonic()
            if self._rate is None:
                wait = target = 0.0
            else:
                self._refill(now)
                need = max(0.0, 1.0 - self._tokens)
                wait = need / self._rate
                if max_wait is not None and wait > max_wait:
                    raise RateLimitTimeoutError(wait, max_wait)
                self._tokens -= 1.0  # reserved now: later callers queue behind
                target = self._filled + need
            if wait <= 0.0:
                self._record_send(now)
        if wait <= 0.0:
            await anyio.lowlevel.checkpoint()  # a cancellation point, as any await should be
            return 0.0
        started = now
        try:
            while True:
                await anyio.sleep(wait if wait <= _MIN_NAP else min(max(wait / 2.0, _MIN_NAP), _RECHECK))
                with self._lock:
                    now = _monotonic()
                    self._refill(now)
                    # The rate may have changed while this waiter slept: its token is
                    # due when the bucket has filled up to its place in the queue.
                    missing = target - self._filled
                    if missing <= _EPSILON or self._rate is None:
                        # Measured when granted: the rate of sending, not of asking.
                        self._record_send(now)
                        return now - started
                    wait = missing / self._rate
        except BaseException:
            # Cancelled (or interrupted) before its turn: the token goes back.
            with self._lock:
                self._refill(_monotonic())
                self._tokens = min(self._capacity, self._tokens + 1.0)
            raise

    async def report_reply(self, *, throttled: bool, sent_at: float | None = None) -> None:
        """Record the reply to a request this limiter let through (the client's call after each reply).

        The same as ``record_throttle(sent_at=...)`` or ``record_success()``; a limiter
        whose state lives in a shared store (``RedisRateLimiter``) overrides it to tell
        the store, which takes an await.

        Args:
            throttled: Whether the reply was a throttling error.
            sent_at: When the request was sent (``time.monotonic()``).
        """
        if throttled:
            self.record_throttle(sent_at=sent_at)
        else:
            self.record_success()

    def record_success(self) -> None:
        """Record a reply that was not a throttle: an adaptive limiter grows its rate.

        In slow start (before the first throttle, no ``per_second``) the rate
        grows by ``SLOW_START_STEP`` (1) request a second per success, never
        above twice the measured sending rate; after a throttle it grows back
        along CUBIC's curve. A limiter given ``per_second`` keeps it until the
        first throttle.
        """
        if not self._adaptive:
            return
        with self._lock:
            now = _monotonic()
            if self._slow_start and self._rate is not None:
                # Demand decides: a limiter whose tokens are not used does not grow.
                grown = min(self._rate + SLOW_START_STEP, _MAX_RATE_ADJUST_SCALE * self._measured_now(now))
                if grown > self._rate:
                    self._set_rate(now, grown)
                return
            if not self._throttles:
                return  # nothing learnt yet: keep per_second
            cubic = _SCALE_CONSTANT * (now - self._last_throttle - self._k) ** 3 + self._w_max
            self._set_rate(now, cubic)

    def record_throttle(self, *, sent_at: float | None = None) -> None:
        """Record a throttling reply: an adaptive limiter cuts its rate to 0.7 of the rate measured.

        Args:
            sent_at: When the throttled request was sent (``time.monotonic()``).
                A request sent before the last cut was sent at the old rate: its
                throttle is counted but cuts nothing more, so that the many
                replies in flight when a quota is reached cut the rate once, not
                once each (which would take it to the minimum).

        Raises:
            TypeError: ``sent_at`` is not a number.
            ValueError: ``sent_at`` is not finite.
        """
        if sent_at is not None:
            sent_at = checks.number("sent_at", sent_at)
        with self._lock:
            self._throttles += 1
            if not self._adaptive:
                return
            if sent_at is not None and self._cut_at is not None and sent_at < self._cut_at:
                return
            now = _monotonic()
            self._cut_at = now
            self._slow_start = False  # the quota is found: CUBIC from here on
            measured = self._measured_now(now)
            rate_to_use = measured if self._rate is None else min(measured, self._rate)
            self._w_max = rate_to_use
            self._k = (self._w_max * (1.0 - _BETA) / _SCALE_CONSTANT) ** (1.0 / 3.0)
            self._last_throttle = now
            self._set_rate(now, rate_to_use * _BETA)
            # The service's bucket is empty now: the next request waits a whole
            # interval of the new rate, however soon a queued token was due.
            if self._tokens >= 0.0:
                self._tokens = 0.0  # nobody waits
            else:
                self._tokens -= 1.0  # every waiter one token later
                self._filled -= 1.0

    # -- bookkeeping, under the lock -------------------------------------------------------------

    def _refill(self, now: float) -> None:
        if self._rate is not None:
            added = (now - self._last_refill) * self._rate
            self._tokens = min(self._capacity, self._tokens + added)
            # A clock in tokens: the bucket is never full while anyone waits, so
            # waiters can compare their place in the queue with it.
            self._filled += added
        self._last_refill = now

    def _set_rate(self, now: float, rate: float) -> None:
        measured = self._measured_now(now)
        if measured > 0.0:
            rate = min(rate, _MAX_RATE_ADJUST_SCALE * measured)
        if self._per_second is not None:
            rate = min(rate, self._per_second)
        self._refill(now)  # tokens so far accrue at the old rate
        self._rate = max(rate, _MIN_RATE)
        # No more than one second of the new rate: a full burst after a throttle would be throttled again.
        self._capacity = min(self._burst or 1.0, max(1.0, self._rate))
        self._tokens = min(self._tokens, self._capacity)

    def _record_send(self, now: float) -> None:
        bucket = math.floor(now / _TIME_BUCKET_RANGE) * _TIME_BUCKET_RANGE
        self._count += 1
        if bucket > self._last_bucket:
            if self._measured > 0.0:
                current = self._count / (bucket - self._last_bucket)
                self._measured = current * _SMOOTHING + self._measured * (1.0 - _SMOOTHING)
            else:
                # The first measure: over the time since the start, not the whole first
                # bucket, and not smoothed with the 0 before it (botocore's would read
                # a third of the rate sent, and hold slow start back by as much).
                self._measured = self._count / max(
                    bucket - max(self._last_bucket, self._started), _TIME_BUCKET_RANGE / 2
                )
            self._count = 0
            self._last_bucket = bucket

    def _measured_now(self, now: float) -> float:
        # botocore reads 0 until a half-second bucket closes, which would cut a
        # fresh limiter to the minimum rate: estimate from the sends so far.
        if self._measured > 0.0:
            return self._measured
        return self._count / max(now - self._started, _TIME_BUCKET_RANGE)
