"""``RedisSemaphore`` on a real Valkey server: a fleet's slots, leases, cancellation, Redis failures."""

from __future__ import annotations

import functools
import gc
import logging
import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import coredis
import pytest

from aws_vision_async import RekognitionClient
from aws_vision_async._fleet.semaphore import DEFAULT_LEASE, RedisSemaphore, SlotTimeoutError
from aws_vision_async.emulator import Emulator, Timings
from aws_vision_async.rekognition.models import S3Object, Video

from ._valkey import COREDIS_UNCLOSED_STREAMS, ValkeyServer

pytestmark = [pytest.mark.anyio, COREDIS_UNCLOSED_STREAMS]

WORKER = Path(__file__).with_name("_sem_workers.py")
KEY = "rek:123456789012:us-east-1:video"


async def redis_get(url: str, key: str) -> int:
    async with coredis.Redis.from_url(url, decode_responses=True) as client:
        value = await client.get(key)
    return int(value or 0)


async def wait_until(condition: Any, within: float) -> None:
    """Poll the async ``condition`` (a state in Redis, which sends no event) until it is true."""
    with anyio.fail_after(within):
        while not await condition():  # noqa: ASYNC110 - Redis is polled, as another process would
            await anyio.sleep(0.05)


def worker(url: str, backend: str, *args: object, limit: int = 3, lease: float = 1.5) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), url, KEY, str(limit), str(lease), backend, *map(str, args)],
        stdout=subprocess.DEVNULL,
    )


@pytest.fixture(autouse=True)
def _collect_leaks() -> Iterator[None]:
    # Collected here, under this module's filter, rather than in whichever test comes next.
    yield
    gc.collect()


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


async def test_many_tasks_never_hold_more_than_the_limit(valkey_url: str) -> None:
    sem = RedisSemaphore(valkey_url, key=KEY, limit=3, lease=2)
    held = most = entries = 0
    seen_in_redis: list[int] = []

    async def task() -> None:
        nonlocal held, most, entries
        for _ in range(3):
            async with sem:
                held += 1
                entries += 1
                most = max(most, held)
                await anyio.sleep(0.02)
                held -= 1

    async def sample() -> None:
        while True:
            seen_in_redis.append(await sem.in_use())
            await anyio.sleep(0.01)

    with anyio.fail_after(30):
        async with anyio.create_task_group() as group:
            group.start_soon(sample)
            async with anyio.create_task_group() as tasks:
                for _ in range(12):
                    tasks.start_soon(task)
            group.cancel_scope.cancel()
    assert entries == 36
    assert most == 3
    assert max(seen_in_redis) <= 3
    assert await sem.in_use() == 0


async def test_processes_share_the_limit(valkey_url: str, anyio_backend: str, processes: list[Any]) -> None:
    # Three processes of six tasks, three slots: the most holders at once, counted in Redis by
    # the holders themselves, is the limit and never more.
    processes.extend(worker(valkey_url, anyio_backend, "churn", 6, 4, 0.03) for _ in range(3))
    for process in processes:
        assert await anyio.to_thread.run_sync(functools.partial(process.wait, timeout=60)) == 0
    assert await redis_get(valkey_url, f"{KEY}:entries") == 3 * 6 * 4
    assert await redis_get(valkey_url, f"{KEY}:most") == 3
    assert await redis_get(valkey_url, f"{KEY}:now") == 0
    assert await RedisSemaphore(valkey_url, key=KEY, limit=3).in_use() == 0


async def test_a_held_slot_is_renewed_for_as_long_as_it_is_held(valkey_url: str) -> None:
    sem = RedisSemaphore(valkey_url, key=KEY, limit=1, lease=1)
    async with sem:
        # Three leases long: without renewal, the slot would lapse and another would get it.
        with pytest.raises(SlotTimeoutError):
            async with sem.slot(max_wait=3.2):
                pytest.fail("the held slot was lost")
        assert await sem.in_use() == 1
    assert await sem.in_use() == 0


async def test_a_killed_process_frees_its_slot_when_its_lease_lapses(
    valkey_url: str, anyio_backend: str, processes: list[Any]
) -> None:
    lease = 1.5
    sem = RedisSemaphore(valkey_url, key=KEY, limit=1, lease=lease)
    processes.append(worker(valkey_url, anyio_backend, "hold", limit=1, lease=lease))

    async def held() -> bool:
        return await sem.in_use() == 1

    await wait_until(held, within=30)
    await anyio.sleep(lease)  # renewed meanwhile: still held
    assert await sem.in_use() == 1
    processes[0].kill()  # SIGKILL: no release, no more renewals
    start = anyio.current_time()
    async with sem.slot(max_wait=lease + 1.5):
        waited = anyio.current_time() - start
    # Renewed at most a third of a lease before the kill, so it lapsed between 2/3 and 1 lease later.
    assert lease / 2 <= waited <= lease + 1.5


async def test_cancelled_while_waiting_takes_no_slot(valkey_url: str) -> None:
    sem = RedisSemaphore(valkey_url, key=KEY, limit=1, lease=2)
    got_it = False
    async with sem:
        with anyio.move_on_after(0.3) as scope:
            async with sem:
                got_it = True
        assert scope.cancelled_caught
        assert await sem.in_use() == 1  # only the holder's
    assert not got_it
    assert await sem.in_use() == 0
    async with sem.slot(max_wait=0):  # free at once: nothing was left behind by the cancelled waiter
        pass


async def test_cancelled_while_holding_releases_the_slot(valkey_url: str) -> None:
    sem = RedisSemaphore(valkey_url, key=KEY, limit=2, lease=2)
    inside = anyio.Event()

    async def holder() -> None:
        async with sem:
            inside.set()
            await anyio.sleep_forever()

    async with anyio.create_task_group() as group:
        group.start_soon(holder)
        group.start_soon(holder)
        await inside.wait()
        await wait_until(lambda: _in_use_is(sem, 2), within=5)
        group.cancel_scope.cancel()
    assert await sem.in_use() == 0


async def _in_use_is(sem: RedisSemaphore, count: int) -> bool:
    return await sem.in_use() == count


async def test_an_error_in_the_block_releases_the_slot(valkey_url: str) -> None:
    sem = RedisSemaphore(valkey_url, key=KEY, limit=1, lease=2)
    with pytest.raises(ZeroDivisionError):
        async with sem:
            _ = 1 / 0
    assert await sem.in_use() == 0


async def test_max_wait(valkey_url: str) -> None:
    sem = RedisSemaphore(valkey_url, key=KEY, limit=1, lease=2, max_wait=0.4)
    async with sem:
        start = anyio.current_time()
        with pytest.raises(SlotTimeoutError, match=r"no slot of .* \(limit 1\) came free within max_wait=0.4s") as info:
            async with sem:
                pytest.fail("no slot was free")
        assert 0.4 <= anyio.current_time() - start < 2.0
        assert isinstance(info.value, TimeoutError)
        assert (info.value.key, info.value.limit, info.value.max_wait) == (KEY, 1, 0.4)
        with pytest.raises(SlotTimeoutError):
            async with sem.slot(max_wait=0):
                pass
    async with sem.slot(max_wait=0):  # one try, and a free slot
        assert await sem.in_use() == 1


async def test_a_slot_freed_by_another_process_is_taken_without_waiting_out_max_wait(valkey_url: str) -> None:
    # Two semaphore objects, as two processes: the waiter sees the release at its next poll.
    first = RedisSemaphore(valkey_url, key=KEY, limit=1, lease=2)
    second = RedisSemaphore(valkey_url, key=KEY, limit=1, lease=2)
    async with anyio.create_task_group() as group:
        taken = anyio.Event()

        async def hold() -> None:
            async with first:
                taken.set()
                await anyio.sleep(0.3)

        group.start_soon(hold)
        await taken.wait()
        start = anyio.current_time()
        async with second.slot(max_wait=10):
            assert anyio.current_time() - start < 2.0


async def test_redis_killed_and_restarted(valkey: ValkeyServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="aws_vision_async")
    sem = RedisSemaphore(valkey.url, key=KEY, limit=1, lease=1.5)
    release = anyio.Event()
    holder_done = anyio.Event()

    async def holder() -> None:
        async with sem:
            await release.wait()
        holder_done.set()

    def logged(text: str) -> bool:
        return any(text in record.getMessage() for record in caplog.records)

    async with anyio.create_task_group() as group:
        group.start_soon(holder)
        await wait_until(lambda: _in_use_is(sem, 1), within=5)
        valkey.kill()
        # Redis is away: no local fallback, a waiter takes nothing (N processes would hold N slots).
        with pytest.raises(SlotTimeoutError):
            async with sem.slot(max_wait=1.5):
                pytest.fail("a slot without Redis")
        assert logged("Redis cannot be reached")
        valkey.start()  # empty, as after a crash
        # A waiter now lets the holders put their leases back first: the holder's slot is its
        # own again, and the waiter waits for it as before the restart.
        start = anyio.current_time()
        with pytest.raises(SlotTimeoutError):
            async with sem.slot(max_wait=2.5):
                pytest.fail("the holder's slot was given to a waiter")
        assert anyio.current_time() - start >= 2.5
        assert logged("had lapsed in Redis")
        assert logged("Redis answers again")
        assert await sem.in_use() == 1
        assert not holder_done.is_set()  # the holder was never interrupted
        release.set()
        await holder_done.wait()
        with anyio.fail_after(5):
            async with sem:
                assert await sem.in_use() == 1
    assert await sem.in_use() == 0


async def test_no_redis_at_all_waits_within_max_wait(anyio_backend: str) -> None:
    sem = RedisSemaphore("redis://127.0.0.1:1/0", key=KEY, limit=1, lease=1, max_wait=0.5)
    with anyio.fail_after(10), pytest.raises(SlotTimeoutError):
        async with sem:
            pass


def test_arguments_are_checked() -> None:
    url = "redis://user:s3cret@127.0.0.1:6379/0"
    sem = RedisSemaphore(url, key=KEY, limit=20)
    assert sem.lease == DEFAULT_LEASE == 30.0
    assert (sem.key, sem.limit) == (KEY, 20)
    assert "s3cret" not in repr(sem)
    assert "user:***@127.0.0.1:6379" in repr(sem)
    with pytest.raises(ValueError, match="limit must be an int of at least 1, got 0"):
        RedisSemaphore(url, key=KEY, limit=0)
    with pytest.raises(TypeError, match=r"limit must be an int, got 2\.0"):
        RedisSemaphore(url, key=KEY, limit=2.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"lease must be a finite number of at least 1, got 0\.5"):
        RedisSemaphore(url, key=KEY, limit=1, lease=0.5)
    with pytest.raises(ValueError, match="lease must be a finite number of at least 1, got inf"):
        RedisSemaphore(url, key=KEY, limit=1, lease=math.inf)
    with pytest.raises(ValueError, match="max_wait must be a finite number of at least 0"):
        RedisSemaphore(url, key=KEY, limit=1, max_wait=-1)
    with pytest.raises(ValueError, match="key must be a non-empty str"):
        RedisSemaphore(url, key="", limit=1)
    with pytest.raises(TypeError, match="key must be a str"):
        RedisSemaphore(url, key=7, limit=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="max_wait must be a number"):
        sem.slot(max_wait="1")  # type: ignore[arg-type]


async def test_closed_semaphore_takes_no_new_slot(valkey_url: str) -> None:
    sem = RedisSemaphore(valkey_url, key=KEY, limit=2, lease=2)
    async with sem:
        await sem.aclose()
        with pytest.raises(RuntimeError, match="closed"):
            async with sem:
                pass
    assert await RedisSemaphore(valkey_url, key=KEY, limit=2).in_use() == 0


# -- video_jobs: the fleet's open jobs within the account's limit -----------------------------

POLL = {"min_delay": 0.01, "max_delay": 0.05, "max_wait": 30.0}


def videos(count: int, prefix: str) -> Iterator[dict[str, Any]]:
    for i in range(count):
        yield {"video": Video(s3_object=S3Object(bucket="videos", name=f"{prefix}-{i:03d}.mp4"))}


async def test_two_bulks_sharing_slots_stay_within_the_account_limit(
    emu_rek: RekognitionClient, vision_emulator: Emulator, valkey_url: str
) -> None:
    # The account allows 3 open jobs; two bulks (two processes, as far as Redis knows: two
    # semaphore objects) each allow 3 of their own, but share 3 slots: the service never
    # refuses a start, and never holds more than 3 open jobs.
    vision_emulator.state.open_video_jobs_limit = 3
    vision_emulator.timings = Timings(video_job=0.2)
    most = 0

    async def bulk(prefix: str) -> list[Any]:
        slots = RedisSemaphore(valkey_url, key=KEY, limit=3, lease=2)
        inputs = videos(8, prefix)
        outcomes: list[Any] = []
        async with emu_rek.video_jobs(emu_rek.start_label_detection, inputs, max_open=3, slots=slots, **POLL) as out:
            outcomes.extend([outcome async for outcome in out])
        return outcomes

    async def sample() -> None:
        nonlocal most
        while True:
            most = max(most, len(vision_emulator.state.open_video_jobs()))
            await anyio.sleep(0.01)

    results: dict[str, list[Any]] = {}

    async def run(prefix: str) -> None:
        results[prefix] = await bulk(prefix)

    with anyio.fail_after(60):
        async with anyio.create_task_group() as group:
            group.start_soon(sample)
            async with anyio.create_task_group() as bulks:
                bulks.start_soon(run, "a")
                bulks.start_soon(run, "b")
            group.cancel_scope.cancel()
    outcomes = results["a"] + results["b"]
    assert len(outcomes) == 16
    assert all(o.error is None for o in outcomes), [o.error for o in outcomes if o.error]
    assert vision_emulator.requests["rekognition:StartLabelDetection"] == 16  # no start refused at the limit
    assert 1 <= most <= 3
    assert vision_emulator.state.open_video_jobs() == []
