"""RateLimiter: the fixed rate, burst, adaptive decrease and growth, max_wait, cancellation, sharing."""

from __future__ import annotations

import threading
import time

import anyio
import pytest

from aws_vision_async.errors import AwsVisionError
from aws_vision_async.ratelimit import RateLimiter, RateLimitTimeoutError

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    backend: str = request.param
    return backend


async def test_per_second_caps_the_rate() -> None:
    limiter = RateLimiter(per_second=50, adaptive=False)
    start = time.monotonic()
    for _ in range(10):
        await limiter.acquire()
    # The first token is free, the nine others come 20 ms apart.
    assert time.monotonic() - start >= 9 / 50 * 0.95


async def test_burst_is_free_then_the_rate_applies() -> None:
    limiter = RateLimiter(per_second=20, burst=5, adaptive=False)
    start = time.monotonic()
    waits = [await limiter.acquire() for _ in range(5)]
    assert waits == [0.0] * 5
    assert time.monotonic() - start < 0.5  # generous: nothing slept
    assert await limiter.acquire() > 0.0


async def test_neither_adaptive_nor_per_second_is_unlimited() -> None:
    limiter = RateLimiter(adaptive=False)
    assert "rate=unlimited" in repr(limiter)
    assert limiter.rate is None
    assert [await limiter.acquire() for _ in range(50)] == [0.0] * 50
    limiter.record_throttle()
    limiter.record_success()
    assert (limiter.rate, limiter.throttles) == (None, 1)


async def test_adaptive_without_per_second_is_limited_from_the_start() -> None:
    # Slow start (tests/core/test_ratelimit_slow_start.py): a modest rate, never unlimited.
    limiter = RateLimiter()
    assert limiter.rate == 10.0
    start = time.monotonic()
    for _ in range(4):
        await limiter.acquire()
    # One token free, three 0.1 s apart.
    assert time.monotonic() - start >= 3 / 10 * 0.95
    limiter.record_throttle()
    assert limiter.throttles == 1
    rate = limiter.rate
    assert rate is not None
    assert 0.5 <= rate <= 10 * 0.7 + 1e-9


async def test_adaptive_decrease_on_throttle_and_growth_on_success() -> None:
    limiter = RateLimiter(per_second=100, burst=100)
    for _ in range(50):
        await limiter.acquire()
    limiter.record_throttle()
    after_throttle = limiter.rate
    assert after_throttle is not None
    assert after_throttle <= 100 * 0.7 + 1e-9
    await anyio.sleep(0.3)
    limiter.record_success()
    grown = limiter.rate
    assert grown is not None
    assert grown >= after_throttle
    assert grown <= 100  # never above per_second


async def test_replies_to_requests_sent_before_a_cut_cut_no_more() -> None:
    limiter = RateLimiter(per_second=100, burst=100)
    for _ in range(50):
        await limiter.acquire()
    sent = time.monotonic()
    limiter.record_throttle(sent_at=sent)
    once = limiter.rate
    assert once is not None
    # Forty more throttles of requests sent at the old rate: counted, no further cut.
    for _ in range(40):
        limiter.record_throttle(sent_at=sent)
    assert limiter.throttles == 41
    assert limiter.rate == once
    # A request sent after the cut and throttled too: the new rate is still too high, cut again.
    await anyio.sleep(0.01)
    limiter.record_throttle(sent_at=time.monotonic())
    twice = limiter.rate
    assert twice is not None
    assert twice < once
    # Without sent_at every throttle cuts (the caller does not know when it sent).
    limiter.record_throttle()
    assert (limiter.rate or 0) < twice


async def test_non_adaptive_counts_throttles_but_keeps_its_rate() -> None:
    limiter = RateLimiter(per_second=10, adaptive=False)
    limiter.record_throttle()
    limiter.record_success()
    assert (limiter.rate, limiter.throttles) == (10, 1)


async def test_max_wait_fails_fast_and_takes_no_token() -> None:
    limiter = RateLimiter(per_second=1, adaptive=False)
    await limiter.acquire()
    tokens = limiter.tokens
    start = time.monotonic()
    with pytest.raises(RateLimitTimeoutError) as caught:
        await limiter.acquire(max_wait=0.05)
    assert time.monotonic() - start < 0.5
    assert isinstance(caught.value, AwsVisionError)
    assert caught.value.max_wait == 0.05
    assert caught.value.wait > 0.05
    assert limiter.tokens < tokens + 0.5  # none taken: only refill since


async def test_a_cancelled_waiter_gives_its_token_back() -> None:
    limiter = RateLimiter(per_second=2, adaptive=False)
    await limiter.acquire()
    with anyio.move_on_after(0.05):
        await limiter.acquire()  # would wait ~0.5 s
    assert limiter.tokens > -0.5  # the reservation was returned
    # The next caller waits about as long as if the cancelled one never came.
    assert await limiter.acquire(max_wait=0.6) <= 0.6


async def test_shared_by_many_tasks_in_order_and_at_the_rate() -> None:
    limiter = RateLimiter(per_second=40, adaptive=False)
    order: list[int] = []

    async def worker(i: int) -> None:
        await limiter.acquire()
        order.append(i)

    start = time.monotonic()
    async with anyio.create_task_group() as tg:
        for i in range(12):
            tg.start_soon(worker, i)
            await anyio.lowlevel.checkpoint()  # start them in order
    assert time.monotonic() - start >= 11 / 40 * 0.95
    assert order == list(range(12))  # first come, first served


def test_invalid_settings_are_value_errors() -> None:
    for per_second, burst in ((0.0, None), (-1.0, None), (None, 0.5), (float("nan"), None)):
        with pytest.raises(ValueError, match=r"per_second|burst"):
            RateLimiter(per_second, burst)


def test_repr_shows_rate_tokens_and_throttles() -> None:
    text = repr(RateLimiter(per_second=5, burst=2))
    assert text.startswith("<RateLimiter rate=5/s tokens=2/2")
    assert "throttles=0" in text
    assert "rate=10/s" in repr(RateLimiter())
    assert "unlimited" in repr(RateLimiter(adaptive=False))


def test_one_limiter_shared_by_two_event_loops_in_two_threads() -> None:
    limiter = RateLimiter(per_second=40, adaptive=False)
    failures: list[BaseException] = []

    async def take(n: int) -> None:
        for _ in range(n):
            await limiter.acquire()

    def run(backend: str) -> None:
        try:
            anyio.run(take, 6, backend=backend)
        except BaseException as exc:  # reported to the test's thread
            failures.append(exc)

    start = time.monotonic()
    threads = [threading.Thread(target=run, args=(backend,)) for backend in ("asyncio", "trio")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    # Twelve tokens between them at 40 a second: one clock, one bucket.
    assert time.monotonic() - start >= 11 / 40 * 0.95
