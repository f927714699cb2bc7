"""``RedisRateLimiter`` on a real Valkey server: one bucket and one learnt rate for a fleet of processes."""

from __future__ import annotations

import gc
import json
import logging
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import coredis
import pytest

from aws_vision_async import RekognitionClient, RetryPolicy
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator, Faults, scene_image
from aws_vision_async.errors import RateLimitTimeoutError
from aws_vision_async.ratelimit import RateLimiter, RedisRateLimiter
from aws_vision_async.rekognition.models import Image

from ._valkey import COREDIS_UNCLOSED_STREAMS, ValkeyServer

pytestmark = [pytest.mark.anyio, COREDIS_UNCLOSED_STREAMS]

WORKER = Path(__file__).with_name("_workers.py")
KEY = "rek:123456789012:us-east-1:DetectLabels"
LOGGER = "aws_vision_async.ratelimit"


@pytest.fixture(autouse=True)
def _collect_leaks() -> Iterator[None]:
    # Collected here, under this module's filter, rather than in whichever test comes next.
    yield
    gc.collect()


async def bucket(url: str) -> dict[str, float]:
    """The shared bucket's fields, as the scripts left them."""
    async with coredis.Redis.from_url(url, decode_responses=True) as client:
        raw = await client.hgetall(f"{{{KEY}}}:bucket")
    return {name: float(value) for name, value in raw.items()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def run_worker(url: str, backend: str, *args: object) -> str:
    done = await anyio.run_process([sys.executable, str(WORKER), url, KEY, backend, *map(str, args)])
    return done.stdout.decode()


def test_it_is_a_rate_limiter_and_its_repr_hides_the_password() -> None:
    limiter = RedisRateLimiter("redis://app:s3cret-passw0rd@127.0.0.1:6379/0?password=other-s3cret", key=KEY)
    assert isinstance(limiter, RateLimiter)
    assert type(limiter).__module__ == "aws_vision_async.ratelimit"
    shown = repr(limiter)
    assert "s3cret" not in shown
    assert "redis://app:***@127.0.0.1:6379/0?password=***" in shown
    assert KEY in shown


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"key": ""}, ValueError),
        ({"key": "a{b}"}, ValueError),
        ({"key": 3}, TypeError),
        ({"per_second": 0}, ValueError),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, object], error: type[Exception]) -> None:
    arguments: dict[str, object] = {"key": KEY, **kwargs}
    with pytest.raises(error):
        RedisRateLimiter("redis://127.0.0.1:6379/0", **arguments)  # type: ignore[arg-type]


async def test_processes_share_one_rate(valkey_url: str, anyio_backend: str) -> None:
    # Three processes of four tasks, 20 tokens each, from one bucket of 20 a second (no burst):
    # together they get 20 a second, not 60. They start asking at one time, once all have started.
    results: list[str] = []
    start_at = time.time() + 4.0

    async def one() -> None:
        results.append(await run_worker(valkey_url, anyio_backend, "grants", 20, 4, 20, start_at))

    with anyio.fail_after(60):
        async with anyio.create_task_group() as group:
            for _ in range(3):
                group.start_soon(one)
    times = sorted(t for out in results for t in json.loads(out))
    assert len(times) == 60
    # The first grant is the bucket's one free token; the 59 others come at the rate.
    rate = (len(times) - 1) / (times[-1] - times[0])
    assert 17.0 <= rate <= 21.0, rate
    # No second where the fleet got more than the rate allows (+1 for the edges of a window).
    most = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert most <= 21, most


async def test_concurrent_grants_are_atomic(valkey_url: str) -> None:
    # Two limiters (as two processes) and 200 tasks asking at once for a bucket of 50 that
    # hardly refills: exactly 50 tokens are granted, none twice, the rest refused at once.
    limiters = [RedisRateLimiter(valkey_url, key=KEY, per_second=0.01, burst=50, adaptive=False) for _ in range(2)]
    granted = refused = 0

    async def one(limiter: RedisRateLimiter) -> None:
        nonlocal granted, refused
        try:
            await limiter.acquire(max_wait=0)
        except RateLimitTimeoutError:
            refused += 1
        else:
            granted += 1

    with anyio.fail_after(30):
        async with anyio.create_task_group() as group:
            for i in range(200):
                group.start_soon(one, limiters[i % 2])
    assert (granted, refused) == (50, 150)
    assert 0.0 <= (await bucket(valkey_url))["tokens"] < 0.1
    for limiter in limiters:
        await limiter.aclose()


async def test_a_throttle_in_one_process_cuts_the_rate_of_all(valkey_url: str, anyio_backend: str) -> None:
    limiter = RedisRateLimiter(valkey_url, key=KEY, per_second=20)
    for _ in range(12):  # sending at 20 a second: the rate it measures
        await limiter.acquire()
    assert limiter.rate == 20.0
    assert limiter.throttles == 0
    seen = json.loads(await run_worker(valkey_url, anyio_backend, "throttle"))
    assert seen["throttles"] == 1
    assert seen["rate"] < 20.0 * 0.75
    await limiter.acquire()
    assert limiter.throttles == 1
    assert limiter.rate == pytest.approx(seen["rate"], rel=0.2)
    # This process's throttles are the fleet's too, and a throttle of a request sent before
    # the last cut cuts nothing more.
    before = limiter.rate
    assert before is not None
    await limiter.report_reply(throttled=True, sent_at=time.monotonic() - 5.0)
    await limiter.acquire()
    assert limiter.throttles == 2
    assert limiter.rate == pytest.approx(before, rel=0.05)
    await limiter.aclose()


async def test_max_wait_fails_at_once_and_takes_no_token(valkey_url: str) -> None:
    limiter = RedisRateLimiter(valkey_url, key=KEY, per_second=1, adaptive=False)
    assert await limiter.acquire() == 0.0  # the bucket's one token
    started = time.monotonic()
    with pytest.raises(RateLimitTimeoutError) as caught:
        await limiter.acquire(max_wait=0.2)
    assert time.monotonic() - started < 0.2
    assert 0.8 < caught.value.wait <= 1.0
    assert caught.value.max_wait == 0.2
    # No token was reserved: the next one is due a second after the first, not two.
    assert (await bucket(valkey_url))["tokens"] > -0.5
    waited = await limiter.acquire(max_wait=2.0)
    assert 0.5 < waited < 1.2
    await limiter.aclose()


async def test_a_cancelled_waiter_gives_its_token_back(valkey_url: str) -> None:
    limiter = RedisRateLimiter(valkey_url, key=KEY, per_second=1, adaptive=False)
    await limiter.acquire()
    with anyio.move_on_after(0.3) as scope:
        await limiter.acquire()  # due in a second: cancelled before
    assert scope.cancelled_caught
    # Given back: the bucket is where it would be had the waiter never come (0.3 s of refill).
    tokens = (await bucket(valkey_url))["tokens"]
    assert 0.15 < tokens <= 1.0, tokens  # had it not, about 0.7 fewer
    waited = await limiter.acquire()
    assert waited < 0.9
    await limiter.aclose()


async def test_calls_go_on_through_a_redis_restart(
    valkey: ValkeyServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    limiter = RedisRateLimiter(valkey.url, key=KEY, per_second=40, adaptive=False)
    for _ in range(5):
        await limiter.acquire()
    assert "shared" in repr(limiter)
    valkey.kill()
    started = time.monotonic()
    with anyio.fail_after(20):
        for _ in range(40):
            await limiter.acquire()
            await limiter.report_reply(throttled=False, sent_at=time.monotonic())
    elapsed = time.monotonic() - started
    # The local bucket, at the last shared rate for the one process seen: 40 a second.
    assert 0.8 < elapsed < 3.0, elapsed
    assert "local fallback" in repr(limiter)
    warnings = [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert KEY in warnings[0].getMessage()
    valkey.start()  # empty, as after a crash without persistence
    with anyio.fail_after(20):
        while "local fallback" in repr(limiter):
            await limiter.acquire()
    infos = [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.INFO]
    assert any("answers again" in r.getMessage() for r in infos)
    # The bucket is back in Redis, seeded from the local rate.
    assert (await bucket(valkey.url))["rate"] == 40.0
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    await limiter.aclose()


async def test_an_unreachable_redis_never_shows_the_password(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    port = free_port()  # nobody listens there
    limiter = RedisRateLimiter(f"redis://:pw-0123456789abcdef@127.0.0.1:{port}/0", key=KEY, per_second=50)
    with anyio.fail_after(20):
        for _ in range(3):
            await limiter.acquire()
    assert "local fallback" in repr(limiter)
    assert "pw-0123456789abcdef" not in caplog.text
    assert f"127.0.0.1:{port}" in caplog.text or KEY in caplog.text
    await limiter.aclose()


async def test_through_a_client_two_limiters_keep_two_clients_within_the_quota(valkey_url: str) -> None:
    # Two clients, as two processes, each with its own RedisRateLimiter on one key and no rate
    # given, against an operation limited to 20 a second: slow start, then the quota learnt
    # together, few throttles and no call lost.
    calls = 80
    image = Image(bytes=scene_image(labels=("cat",)))
    async with Emulator(faults={"DetectLabels": Faults(tps=20)}) as emulator:
        limiters = [RedisRateLimiter(valkey_url, key=KEY) for _ in range(2)]
        clients = [
            RekognitionClient(
                endpoint_url=emulator.url,
                region_name="us-east-1",
                rate_limiter=limiter,
                retry_policy=RetryPolicy(max_attempts=8),
                **EMULATOR_CREDENTIALS,
            )
            for limiter in limiters
        ]
        labels: list[str] = []
        started = time.monotonic()

        async def call(rek: RekognitionClient) -> None:
            reply = await rek.detect_labels(image=image)
            labels.extend(label.name or "" for label in reply.labels or [])

        with anyio.fail_after(60):
            async with clients[0], clients[1], anyio.create_task_group() as group:
                for i in range(calls):
                    group.start_soon(call, clients[i % 2])
        elapsed = time.monotonic() - started
    assert labels.count("cat") == calls
    throttles = (await bucket(valkey_url))["throttles"]
    assert throttles <= 0.15 * calls, throttles
    for limiter in limiters:  # one count, the fleet's, that each limiter reads on its next call
        await limiter.acquire()
        assert limiter.throttles == throttles
    # Slow start from 10 a second costs a little of the quota, no more.
    assert calls / elapsed >= 12.0, calls / elapsed
    for limiter in limiters:
        await limiter.aclose()


async def test_a_throttle_reported_without_sent_at_is_counted_and_cuts(valkey_url: str) -> None:
    limiter = RedisRateLimiter(valkey_url, key=KEY, per_second=10)
    await limiter.acquire()
    await limiter.report_reply(throttled=True, sent_at=None)
    state = await bucket(valkey_url)
    assert state["throttles"] == 1.0
    assert state["rate"] < 10.0
    # The sync reports of the base class change only the local (fallback) bucket.
    limiter.record_throttle()
    assert (await bucket(valkey_url))["throttles"] == 1.0
    await limiter.aclose()


def test_without_coredis_the_import_names_the_extra() -> None:
    script = """
import sys

class NoCoredis:
    def find_spec(self, name, path=None, target=None):
        if name == "coredis" or name.startswith("coredis."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoCoredis())
from aws_vision_async.ratelimit import RateLimiter  # the base limiter needs no extra
import aws_vision_async
for name in ("RedisRateLimiter", "RedisSemaphore"):
    try:
        exec(f"from aws_vision_async.ratelimit import {name}")
    except ImportError as exc:
        print(name, "|", exc)
    else:
        print(name, "| imported")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    lines = dict(line.split(" | ", 1) for line in done.stdout.splitlines())
    assert lines["RedisRateLimiter"] == "RedisRateLimiter needs the redis extra: pip install 'aws-vision-async[redis]'"
    assert "pip install 'aws-vision-async[redis]'" in lines["RedisSemaphore"]


def test_one_limiter_serves_one_event_loop_after_another(valkey_url: str) -> None:
    # A client per event loop: an asyncio run, then a trio run, share one limiter (and its bucket).
    limiter = RedisRateLimiter(valkey_url, key=KEY, per_second=0.01, burst=6, adaptive=False)

    async def take(count: int) -> None:
        for _ in range(count):
            await limiter.acquire(max_wait=0)

    anyio.run(take, 3, backend="asyncio")  # its client closes with its loop
    anyio.run(take, 3, backend="trio")
    with pytest.raises(RateLimitTimeoutError):
        anyio.run(take, 1, backend="asyncio")


async def test_the_fallback_takes_this_process_share_of_the_shared_rate(valkey: ValkeyServer) -> None:
    first, second = (RedisRateLimiter(valkey.url, key=KEY, per_second=40, adaptive=False) for _ in range(2))
    await first.acquire()
    await second.acquire()
    await first.acquire()
    assert first.processes == 2
    assert first.rate == 40.0
    valkey.kill()
    await first.acquire()
    assert "local fallback" in repr(first)
    assert first.rate == 20.0  # 40 a second shared by the two processes last seen
    for limiter in (first, second):
        await limiter.aclose()
