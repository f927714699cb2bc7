"""The inference units each model version held: what AWS bills, and what shows a model was left running."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import Emulator, InferenceUsage, Timings

from ._model_support import OUTPUT_WIRE, ManualClock, trainable_state

pytestmark = pytest.mark.anyio

STARTING, STOPPING = 30.0, 20.0
T0 = 1_700_000_000.0


@pytest.fixture
def vision_emulator_timings() -> Timings:
    return Timings(training=0, starting=STARTING, stopping=STOPPING)


@pytest.fixture
def clock(emu: Emulator) -> ManualClock:
    clock = ManualClock(T0)
    emu.state.clock = clock
    return clock


def trained(emu: Emulator, *names: str, project: str = "models") -> list[str]:
    arn = trainable_state(emu.state, project)
    return [
        emu.state.rek_create_project_version({"ProjectArn": arn, "VersionName": n, "OutputConfig": OUTPUT_WIRE})[
            "ProjectVersionArn"
        ]
        for n in names
    ]


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(T0 + seconds, timezone.utc)


async def test_a_start_is_billed_from_the_request_until_stopped(
    rek: RekognitionClient, emu: Emulator, clock: ManualClock
) -> None:
    [arn] = trained(emu, "v1")

    await rek.start_project_version(project_version_arn=arn, min_inference_units=3)
    clock.advance(STARTING + 100)
    [running] = emu.inference_usage()
    await rek.stop_project_version(project_version_arn=arn)
    clock.advance(STOPPING / 2)
    [stopping] = emu.inference_usage()
    clock.advance(STOPPING / 2 + 1000)  # stopped: no more billing
    [stopped] = emu.inference_usage()

    assert running == InferenceUsage(
        project_version_arn=arn,
        min_inference_units=3,
        max_inference_units=None,
        started=at(0),
        stopped=None,
        seconds=STARTING + 100,
    )
    assert (stopping.stopped, stopping.seconds) == (None, STARTING + 100 + STOPPING / 2)
    assert (stopped.stopped, stopped.seconds) == (at(STARTING + 100 + STOPPING), STARTING + 100 + STOPPING)
    assert stopped.inference_unit_seconds == 3 * 150
    assert stopped.inference_hours == pytest.approx(450 / 3600)


async def test_one_record_per_start_filtered_by_version(
    rek: RekognitionClient, emu: Emulator, clock: ManualClock
) -> None:
    first, second = trained(emu, "a", "b")

    for units in (1, 2):
        await rek.start_project_version(project_version_arn=first, min_inference_units=units, max_inference_units=5)
        clock.advance(STARTING)
        await rek.stop_project_version(project_version_arn=first)
        clock.advance(STOPPING)
    await rek.start_project_version(project_version_arn=second, min_inference_units=4)

    records = emu.inference_usage()
    assert [(r.project_version_arn, r.min_inference_units, r.max_inference_units) for r in records] == [
        (first, 1, 5),
        (first, 2, 5),
        (second, 4, None),
    ]
    assert [r.started for r in records] == [at(0), at(50), at(100)]
    assert [r.stopped for r in records] == [at(50), at(100), None]
    assert emu.inference_usage(first) == records[:2]
    assert emu.inference_usage(second) == records[2:]
    assert emu.state.inference_usage() == records
    assert sum(r.inference_unit_seconds for r in records) == 1 * 50 + 2 * 50 + 0


async def test_running_versions_are_the_started_and_not_stopped(
    rek: RekognitionClient, emu: Emulator, clock: ManualClock
) -> None:
    a, b = trained(emu, "a", "b")
    [c] = trained(emu, "c", project="other")
    assert emu.running_versions() == []

    await rek.start_project_version(project_version_arn=c, min_inference_units=1)
    await rek.start_project_version(project_version_arn=a, min_inference_units=1)
    assert emu.running_versions() == [a, c]  # starting counts, oldest version first
    clock.advance(STARTING)
    assert emu.running_versions() == [a, c]
    await rek.stop_project_version(project_version_arn=a)
    assert emu.running_versions() == [c]  # stopping is asked for: not left running
    await rek.stop_project_version(project_version_arn=c)
    clock.advance(STOPPING)

    assert emu.running_versions() == []
    assert emu.state.running_versions() == []
    assert b not in {r.project_version_arn for r in emu.inference_usage()}


async def test_a_reset_forgets_the_usage(rek: RekognitionClient, emu: Emulator, clock: ManualClock) -> None:
    [arn] = trained(emu, "v1")
    await rek.start_project_version(project_version_arn=arn, min_inference_units=1)

    emu.reset()

    assert emu.inference_usage() == []
    assert emu.running_versions() == []


async def test_nothing_left_running_the_way_a_test_checks_it(rek: RekognitionClient, emu: Emulator) -> None:
    """The pattern of the testing guide, on the real clock: start, use, stop; then nothing runs."""
    emu.timings = Timings(training=0, starting=0.01, stopping=0.01)
    [arn] = trained(emu, "v1")

    await rek.start_project_version(project_version_arn=arn, min_inference_units=1)
    assert emu.running_versions() == [arn]
    await rek.stop_project_version(project_version_arn=arn)

    assert emu.running_versions() == []
    [usage] = emu.inference_usage()
    assert usage.seconds > 0
