"""RateLimiter's slow start: a modest first rate, grown per success while demand is there, until the first throttle.

The unit tests drive the limiter on a fake clock (the module's ``_monotonic``),
sending only when a token is free, so that nothing sleeps; the last test is the
issue's goal, in real time: four clients sharing one limiter against a 50 TPS
quota of the emulator.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import anyio
import pytest

from aws_vision_async import RateLimiter, RekognitionClient, fan_out, set_testing
from aws_vision_async import ratelimit as ratelimit_module
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator, Faults, scene_image

pytestmark = pytest.mark.anyio

STEP = 0.001  # the fake clock's tick, in seconds


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    backend: str = request.param
    return backend


class FakeClock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(ratelimit_module, "_monotonic", fake)
    return fake


async def drive(limiter: RateLimiter, clock: FakeClock, seconds: float, *, demand: float | None = None) -> int:
    """Send for ``seconds`` of the fake clock, each request when a token is free (and due, at ``demand`` a second).

    Every request succeeds at once. Checks on the way that the rate never exceeds
    twice the measured sending rate when it grows. Returns the requests sent.
    """
    end = clock.now + seconds
    due = clock.now
    sent = 0
    while clock.now < end:
        if limiter.tokens >= 1.0 and clock.now >= due:
            assert await limiter.acquire() == 0.0  # a free token: nothing sleeps
            before = limiter.rate
            limiter.record_success()
            sent += 1
            if demand is not None:
                due += 1.0 / demand
            rate = limiter.rate
            if rate is not None and before is not None and rate > before and limiter.measured_rate > 0.0:
                assert rate <= 2.0 * limiter.measured_rate + 1e-9
        else:
            clock.now += STEP
    return sent


async def test_starts_at_ten_a_second_with_its_burst(clock: FakeClock) -> None:
    limiter = RateLimiter()
    assert limiter.rate == 10.0
    assert limiter.tokens == 1.0  # burst None: one token, requests evenly spaced
    assert RateLimiter(burst=4).tokens == 4.0
    assert RateLimiter(burst=50).tokens == 10.0  # at most a second of the rate
    # The first token is free, the next one 0.1 s later.
    assert await limiter.acquire() == 0.0
    clock.now += 0.099
    assert limiter.tokens < 1.0
    clock.now += 0.002
    assert limiter.tokens >= 1.0


async def test_the_rate_doubles_every_second_of_sending(clock: FakeClock) -> None:
    limiter = RateLimiter()
    rates = []
    for _ in range(3):
        await drive(limiter, clock, 1.0)
        rate = limiter.rate
        assert rate is not None
        rates.append(rate)
    # +1 a second per success: a second's replies at least double the rate...
    assert rates[0] >= 20.0
    assert rates[1] >= 2 * rates[0]
    assert rates[2] >= 2 * rates[1]
    # ...and at most multiply it by e (dr/dt = r), the growth of a congestion window.
    assert rates[0] <= 10.0 * 2.72
    assert rates[2] <= 10.0 * 2.72**3
    assert limiter.throttles == 0


async def test_growth_needs_demand(clock: FakeClock) -> None:
    idle = RateLimiter()
    clock.now += 60.0
    idle.record_success()  # a reply, but no request sent for a minute
    assert idle.rate == 10.0

    limiter = RateLimiter()
    # Three requests a second for ten seconds: the rate never grows past twice that (plus a step).
    assert await drive(limiter, clock, 10.0, demand=3.0) >= 29
    rate = limiter.rate
    assert rate is not None
    assert 10.0 <= rate <= 12.0  # its start, and one step from a first measure of 6 a second
    # Eight a second: it grows, to twice the measured rate at most.
    await drive(limiter, clock, 10.0, demand=8.0)
    rate = limiter.rate
    assert rate is not None
    assert 12.0 <= rate <= 2 * 8.0 + 1.0


async def test_the_first_throttle_cuts_to_beta_times_measured_and_ends_slow_start(clock: FakeClock) -> None:
    limiter = RateLimiter()
    await drive(limiter, clock, 2.0)
    before, measured = limiter.rate, limiter.measured_rate
    assert before is not None
    assert before > 40.0
    limiter.record_throttle(sent_at=clock.now)
    cut = limiter.rate
    assert cut is not None
    assert cut == pytest.approx(0.7 * min(measured, before))
    assert limiter.throttles == 1
    # CUBIC now: successes right after the throttle add nothing (no more +1 each)...
    for _ in range(20):
        limiter.record_success()
    assert limiter.rate == pytest.approx(cut)
    # ...and the rate comes back to the rate at the throttle (W_max) K seconds later.
    w_max = cut / 0.7
    k = (w_max * 0.3 / 0.4) ** (1 / 3)
    await drive(limiter, clock, k)
    grown = limiter.rate
    assert grown is not None
    assert grown == pytest.approx(w_max, rel=0.05)


async def test_per_second_is_a_cap_with_no_slow_start(clock: FakeClock) -> None:
    limiter = RateLimiter(per_second=30)
    assert limiter.rate == 30
    await drive(limiter, clock, 3.0)
    assert limiter.rate == 30  # no growth, no throttle
    small = RateLimiter(per_second=4)
    await drive(small, clock, 3.0)
    assert small.rate == 4  # below the slow-start rate: still the cap
    fixed = RateLimiter(adaptive=False)
    await drive(fixed, clock, 1.0, demand=50.0)
    assert fixed.rate is None  # neither adaptive nor capped: unlimited


async def test_a_cancelled_waiter_in_slow_start_gives_its_token_back() -> None:
    limiter = RateLimiter()
    await limiter.acquire()
    with anyio.move_on_after(0.02):
        await limiter.acquire()  # would wait ~0.1 s
    assert limiter.tokens > -0.5


# -- the goal: four clients, one limiter, 64 tasks each, a 50 TPS quota ------------------

TPS = 50.0
# 1,000 calls in all, the workload of the figures (21-32% throttled before slow start).
CALLS_PER_CLIENT = 250
CLIENTS = 4
CONCURRENCY = 64
OPERATION = "DetectLabels"


@pytest.fixture
def real_backoff() -> Iterator[None]:
    set_testing(False)  # the default retry policy, real waits included, as users run it
    yield
    set_testing(True)


@pytest.fixture
def quota_emulator(vision_emulator: Emulator, real_backoff: None) -> Emulator:
    vision_emulator.faults.set(OPERATION, Faults(tps=TPS))
    return vision_emulator


async def test_four_clients_sharing_one_limiter_stay_within_the_quota(quota_emulator: Emulator) -> None:
    emulator = quota_emulator
    image = scene_image(labels=("widget",))
    limiter = RateLimiter()
    failures: list[BaseException] = []

    async def client_run() -> None:
        async with RekognitionClient(
            endpoint_url=emulator.url, region_name="us-east-1", rate_limiter=limiter, **EMULATOR_CREDENTIALS
        ) as rek:
            inputs = ({"image": image} for _ in range(CALLS_PER_CLIENT))
            async with fan_out(rek.detect_labels, inputs, concurrency=CONCURRENCY, total=CALLS_PER_CLIENT) as outs:
                async for outcome in outs:
                    if outcome.error is not None:
                        failures.append(outcome.error)

    start = time.monotonic()
    with anyio.fail_after(120):
        async with anyio.create_task_group() as tg:
            for _ in range(CLIENTS):
                tg.start_soon(client_run)
    elapsed = time.monotonic() - start
    calls = CLIENTS * CALLS_PER_CLIENT
    requests = emulator.requests[f"rekognition:{OPERATION}"]
    throttled = requests - (calls - len(failures))
    figures = f"{requests} requests, {throttled} throttled, {elapsed:.1f} s, {limiter!r}"
    assert failures == [], figures
    assert throttled <= 0.05 * requests, figures
    # Client start-up counts against the run: the quota share is measured as users see it.
    assert calls / (elapsed * TPS) >= 0.85, figures
