"""``rek.video_jobs``: bulk video jobs within the open-job limit, on the emulator, under asyncio and trio."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import pytest

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import Emulator, Faults, Timings
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import S3Object, Video

pytestmark = pytest.mark.anyio

POLL = {"min_delay": 0.01, "max_delay": 0.05, "max_wait": 20.0}
START = "rekognition:StartLabelDetection"


@pytest.fixture
def vision_emulator_timings() -> Timings:
    return Timings(video_job=0.1)


def videos(count: int, prefix: str = "clip") -> Iterator[dict[str, Any]]:
    """Lazily, as a user reads a bucket listing."""
    for i in range(count):
        yield {"video": Video(s3_object=S3Object(bucket="videos", name=f"{prefix}-{i:03d}.mp4"))}


async def run_all(rek: RekognitionClient, inputs: Any, **kwargs: Any) -> list[Any]:
    async with rek.video_jobs(rek.start_label_detection, inputs, **POLL, **kwargs) as outcomes:
        return [outcome async for outcome in outcomes]


@pytest.mark.parametrize("max_open", [3, 30])
async def test_every_video_gets_one_outcome_within_the_limit(
    emu_rek: RekognitionClient, vision_emulator: Emulator, max_open: int
) -> None:
    # The emulator's account limit is 20: with max_open=30 the service refuses some
    # starts, which wait for a slot instead of failing.
    vision_emulator.state.open_video_jobs_limit = 20
    outcomes = await run_all(emu_rek, videos(40), max_open=max_open)
    assert sorted(o.index for o in outcomes) == list(range(40))
    assert all(o.error is None for o in outcomes), [o.error for o in outcomes if o.error]
    for outcome in outcomes:
        page = outcome.unwrap()
        assert page.job_status == "SUCCEEDED"
        assert page.labels
    # One job per video, never two.
    assert len(vision_emulator.state.video_jobs) == 40
    assert vision_emulator.state.open_video_jobs() == []


async def test_other_jobs_holding_slots_only_slow_the_bulk(
    emu_rek: RekognitionClient, vision_emulator: Emulator
) -> None:
    vision_emulator.state.open_video_jobs_limit = 4
    vision_emulator.timings = Timings(video_job=0.3)
    # Another process's jobs hold three of the four slots for a while.
    for i in range(3):
        await emu_rek.start_label_detection(video=Video(s3_object=S3Object(bucket="videos", name=f"other-{i}.mp4")))
    outcomes = await run_all(emu_rek, videos(6), max_open=4)
    assert all(o.error is None for o in outcomes)
    assert vision_emulator.requests[START] > 3 + 6  # refused starts were tried again
    assert len(vision_emulator.state.video_jobs) == 3 + 6


async def test_failed_jobs_are_outcomes_not_exceptions(emu_rek: RekognitionClient) -> None:
    inputs = [*videos(2), {"video": Video(s3_object=S3Object(bucket="videos", name="corrupt-1.mp4"))}]
    outcomes = {o.index: o for o in await run_all(emu_rek, inputs)}
    assert outcomes[0].error is None
    assert outcomes[1].error is None
    assert isinstance(outcomes[2].error, rek_errors.LabelDetectionCompletedFailedError)


@pytest.mark.parametrize(
    "faults",
    [Faults(throttle=0.3), Faults(drop=0.3), Faults(commit_then_fail=0.3)],
    ids=["throttle", "drop", "commit_then_fail"],
)
async def test_faults_on_starts_never_open_two_jobs(
    emu_rek: RekognitionClient, vision_emulator: Emulator, faults: Faults
) -> None:
    vision_emulator.faults.set("StartLabelDetection", faults)
    outcomes = await run_all(emu_rek, videos(12), max_open=5)
    assert len(outcomes) == 12
    # However a start was retried (the same client request token each time), no video has two jobs.
    names = [job.video["S3Object"]["Name"] for job in vision_emulator.state.video_jobs.values()]
    assert len(names) == len(set(names))
    assert sum(o.error is None for o in outcomes) >= 9  # a few may exhaust their tries
    assert vision_emulator.requests[START] >= 12


async def test_leaving_early_logs_the_jobs_still_running(
    emu_rek: RekognitionClient, vision_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="aws_vision_async")
    vision_emulator.timings = Timings(video_job=5.0)
    async with emu_rek.video_jobs(emu_rek.start_label_detection, videos(100), max_open=4, **POLL) as outcomes:
        with anyio.move_on_after(0.5):
            async for _ in outcomes:
                pytest.fail("no job can finish this soon")
        still = outcomes.open_jobs
    assert len(still) == 4  # four open, the 96 other inputs never read
    assert vision_emulator.requests[START] == 4
    (record,) = [r for r in caplog.records if "still running" in r.getMessage()]
    assert all(job in record.getMessage() for job in still)


async def test_async_inputs_and_a_given_token_are_kept(emu_rek: RekognitionClient, vision_emulator: Emulator) -> None:
    async def inputs() -> AsyncIterator[dict[str, Any]]:
        for i, item in enumerate(videos(3)):
            yield {**item, "client_request_token": f"my-token-{i}"}

    outcomes = await run_all(emu_rek, inputs())
    assert all(o.error is None for o in outcomes)
    # The same token again names the same job: the bulk used the caller's tokens.
    for outcome in outcomes:
        again = await emu_rek.start_label_detection(**outcome.kwargs)
        assert again.job_id == outcome.unwrap().job_id
    assert len(vision_emulator.state.video_jobs) == 3


async def test_bad_arguments_fail_before_any_request(emu_rek: RekognitionClient, vision_emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="max_open"):
        emu_rek.video_jobs(emu_rek.start_label_detection, videos(1), max_open=0)
    with pytest.raises(TypeError, match="start"):
        emu_rek.video_jobs(emu_rek.detect_labels, videos(1))
    with pytest.raises(TypeError, match="inputs"):
        emu_rek.video_jobs(emu_rek.start_label_detection, {"video": None})
    # Delays that clash, one of them the waiter's default (5 s to 60 s): refused before any job starts.
    with pytest.raises(ValueError, match=r"min_delay=5 and max_delay=2 \(LabelDetectionCompleted\)"):
        emu_rek.video_jobs(emu_rek.start_label_detection, videos(1), max_delay=2)
    with pytest.raises(ValueError, match="min_delay=9 and max_delay=3"):
        emu_rek.video_jobs(emu_rek.start_face_search, videos(1), min_delay=9, max_delay=3)
    with pytest.raises(ValueError, match="max_wait"):
        emu_rek.video_jobs(emu_rek.start_label_detection, videos(1), max_wait=-1)
    with pytest.raises(TypeError, match="min_delay"):
        emu_rek.video_jobs(emu_rek.start_label_detection, videos(1), min_delay="1")
    assert sum(vision_emulator.requests.values()) == 0


class CountingSlots:
    """A local semaphore that records how many slots were held at most, and when jobs were open."""

    def __init__(self, limit: int, emulator: Emulator) -> None:
        self._sem = anyio.Semaphore(limit)
        self._emulator = emulator
        self.held = 0
        self.most = 0
        self.taken = 0

    async def __aenter__(self) -> None:
        await self._sem.acquire()
        self.held += 1
        self.taken += 1
        self.most = max(self.most, self.held)

    async def __aexit__(self, *exc: object) -> None:
        # Released only once the job is done: the emulator has no more open jobs than slots held.
        assert len(self._emulator.state.open_video_jobs()) <= self.held
        self.held -= 1
        self._sem.release()


async def test_slots_bound_the_open_jobs_below_max_open(emu_rek: RekognitionClient, vision_emulator: Emulator) -> None:
    slots = CountingSlots(2, vision_emulator)
    inputs = [*videos(7), {"video": Video(s3_object=S3Object(bucket="videos", name="corrupt-1.mp4"))}]
    outcomes = await run_all(emu_rek, inputs, max_open=6, slots=slots)
    assert len(outcomes) == 8
    assert sum(o.error is None for o in outcomes) == 7  # the failed job is an outcome, and gave its slot back
    assert slots.taken == 8
    assert slots.most == 2
    assert slots.held == 0
    assert vision_emulator.requests[START] == 8  # never refused at the limit: no start waited on the service


async def test_slots_must_be_an_async_context_manager(emu_rek: RekognitionClient) -> None:
    with pytest.raises(TypeError, match="slots must be usable as `async with slots:`"):
        # A lock for threads: `with`, not `async with`.
        emu_rek.video_jobs(emu_rek.start_label_detection, videos(1), slots=threading.Lock())  # type: ignore[call-overload]
