"""``running_model`` in the sequences users run: back to back, at once, cancelled, failing, refused, signalled."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import pytest

from aws_vision_async import NotFoundError, RekognitionClient
from aws_vision_async.custom_labels import DEFAULT_STOP_MAX_WAIT
from aws_vision_async.emulator import Emulator, Faults, Timings
from aws_vision_async.emulator._wire import ApiError
from aws_vision_async.rekognition import errors as rek_errors

from ._lifecycle import FAST, project_with_datasets, trained_version

pytestmark = pytest.mark.anyio

JPEG = b"\xff\xd8\xff\xe0" + b"widget photo" * 10
START = "rekognition:StartProjectVersion"
STOP = "rekognition:StopProjectVersion"


@pytest.fixture
def vision_emulator_timings() -> Timings:
    # Stopping takes long enough that the next session finds the version STOPPING.
    return Timings(training=0.05, starting=0.1, stopping=0.25)


@pytest.fixture
async def version_arn(emu_rek: RekognitionClient) -> str:
    return await trained_version(emu_rek, await project_with_datasets(emu_rek))


async def status(rek: RekognitionClient, version_arn: str) -> str | None:
    """The version's status as the service reports it."""
    project_name = version_arn.split(":project/", 1)[1].split("/", 1)[0]
    version_name = version_arn.split("/version/", 1)[1].split("/", 1)[0]
    async for project in rek.describe_projects(project_names=[project_name]):
        assert project.project_arn is not None
        versions = rek.describe_project_versions(project_arn=project.project_arn, version_names=[version_name])
        async for version in versions:
            return version.status
    return None


async def until_status(rek: RekognitionClient, version_arn: str, wanted: str, within: float = 5.0) -> None:
    with anyio.fail_after(within):
        while await status(rek, version_arn) != wanted:  # noqa: ASYNC110 - the service's state, polled
            await anyio.sleep(0.02)


def test_the_documented_default_stop_limit() -> None:
    assert DEFAULT_STOP_MAX_WAIT == 900.0


@pytest.mark.parametrize("wait_stopped", [True, False])
async def test_ten_sessions_back_to_back(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str, wait_stopped: bool
) -> None:
    for i in range(10):
        async with emu_rek.running_model(version_arn, wait_stopped=wait_stopped, **FAST) as model:
            assert model.started_here, i
            assert (await model.detect_custom_labels(image=JPEG)).custom_labels
        if wait_stopped:
            assert await status(emu_rek, version_arn) == "STOPPED"
        else:
            # The exit returned at once: the next session finds it STOPPING and waits.
            assert await status(emu_rek, version_arn) == "STOPPING"
    assert vision_emulator.requests[START] == 10
    assert vision_emulator.requests[STOP] == 10
    await until_status(emu_rek, version_arn, "STOPPED")
    assert len(vision_emulator.inference_usage(version_arn)) == 10


async def test_four_sessions_at_once_share_one_start_and_one_stop(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str
) -> None:
    detected: list[int] = []

    async def session(n: int) -> None:
        await anyio.sleep(0.01 * n)
        async with emu_rek.running_model(version_arn, wait_stopped=True, **FAST) as model:
            for _ in range(3 + 2 * n):  # they leave at different times
                # Every detection finds the model running: nobody stopped it under another's feet.
                await model.detect_custom_labels(image=JPEG)
                detected.append(n)
                await anyio.sleep(0.02)

    async with anyio.create_task_group() as tg:
        for n in range(4):
            tg.start_soon(session, n)
    assert sorted(set(detected)) == [0, 1, 2, 3]
    assert vision_emulator.requests[START] == 1
    assert vision_emulator.requests[STOP] == 1
    assert await status(emu_rek, version_arn) == "STOPPED"
    assert vision_emulator.running_versions() == []

    # And again, from a clean slate: the group is gone with its last session.
    async with anyio.create_task_group() as tg:
        for n in range(4):
            tg.start_soon(session, n)
    assert vision_emulator.requests[START] == 2
    assert vision_emulator.requests[STOP] == 2
    assert await status(emu_rek, version_arn) == "STOPPED"


async def test_a_session_arriving_while_the_last_one_stops_starts_it_again(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str
) -> None:
    first_left = anyio.Event()

    async def first() -> None:
        async with emu_rek.running_model(version_arn, **FAST):
            pass
        first_left.set()

    async def second() -> None:
        await anyio.lowlevel.checkpoint()  # arrive while the first one is on its way out
        async with emu_rek.running_model(version_arn, **FAST) as model:
            await model.detect_custom_labels(image=JPEG)
            await first_left.wait()
            # Still running: the second session never joined a model about to stop.
            assert await status(emu_rek, version_arn) == "RUNNING"
            await model.detect_custom_labels(image=JPEG)

    async with anyio.create_task_group() as tg:
        tg.start_soon(first)
        tg.start_soon(second)
    await until_status(emu_rek, version_arn, "STOPPED")
    assert vision_emulator.requests[START] == vision_emulator.requests[STOP]


async def test_a_version_stopping_by_hand_is_waited_on_then_started(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str
) -> None:
    await emu_rek.start_project_version(project_version_arn=version_arn, min_inference_units=1)
    await until_status(emu_rek, version_arn, "RUNNING")
    await emu_rek.stop_project_version(project_version_arn=version_arn)
    async with emu_rek.running_model(version_arn, wait_stopped=True, **FAST) as model:
        assert model.started_here
        assert await status(emu_rek, version_arn) == "RUNNING"
    assert await status(emu_rek, version_arn) == "STOPPED"


async def test_a_version_started_by_hand_is_joined_and_left_running(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str
) -> None:
    await emu_rek.start_project_version(project_version_arn=version_arn, min_inference_units=1)
    async with emu_rek.running_model(version_arn, **FAST) as model:
        assert not model.started_here
    assert vision_emulator.requests[START] == 1
    assert vision_emulator.requests[STOP] == 0
    assert vision_emulator.running_versions() == [version_arn]


async def test_stop_on_exit_true_wins_over_false(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str
) -> None:
    async with (
        emu_rek.running_model(version_arn, stop_on_exit=True, wait_stopped=True, **FAST),
        emu_rek.running_model(version_arn, stop_on_exit=False, **FAST),
    ):
        pass
    assert vision_emulator.requests[STOP] == 1
    assert await status(emu_rek, version_arn) == "STOPPED"
    # Alone, False keeps the model it started running.
    async with emu_rek.running_model(version_arn, stop_on_exit=False, **FAST):
        pass
    assert vision_emulator.running_versions() == [version_arn]


async def test_cancelled_while_the_start_is_in_flight_still_stops_the_model(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str
) -> None:
    # The service acts on the start after the client gave up on it.
    vision_emulator.faults.set("StartProjectVersion", Faults(latency=0.4))
    entered = False
    with anyio.move_on_after(0.15) as scope:
        async with emu_rek.running_model(version_arn, **FAST):
            entered = True
    assert scope.cancelled_caught
    assert not entered
    assert vision_emulator.requests[START] == 1
    # The session watched the idle version, saw the late start and stopped it.
    assert vision_emulator.requests[STOP] == 1
    assert await status(emu_rek, version_arn) in ("STOPPING", "STOPPED")
    await until_status(emu_rek, version_arn, "STOPPED")
    assert vision_emulator.running_versions() == []


async def test_cancelled_while_waiting_for_running_stops_the_model(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str
) -> None:
    vision_emulator.timings = Timings(training=0.05, starting=2.0, stopping=0.05)
    with anyio.move_on_after(0.3):
        async with emu_rek.running_model(version_arn, **FAST):
            pytest.fail("the model cannot run yet")
    assert vision_emulator.requests[STOP] == 1
    assert vision_emulator.running_versions() == []


def _failing_first(emulator: Emulator, times: int, error: ApiError) -> list[int]:
    """Make the first ``times`` StopProjectVersion requests fail with ``error``; the calls' count."""
    real = emulator.state.rekognition["StopProjectVersion"]
    calls: list[int] = []

    def handler(params: dict[str, Any]) -> dict[str, Any]:
        calls.append(1)
        if len(calls) <= times:
            raise error
        return real(params)

    emulator.state.rekognition["StopProjectVersion"] = handler
    return calls


@pytest.mark.parametrize(
    "error",
    [
        ApiError("InternalServerError", 500, "try again"),
        ApiError("ThrottlingException", 400, "slow down"),
        ApiError("ServiceUnavailableException", 503, "try again"),
    ],
    ids=["500", "throttled", "503"],
)
async def test_a_failing_stop_is_tried_again_until_it_stops(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str, error: ApiError
) -> None:
    calls = _failing_first(vision_emulator, 4, error)
    async with emu_rek.running_model(version_arn, stop_max_wait=30, wait_stopped=True, **FAST):
        pass
    assert len(calls) == 5
    assert await status(emu_rek, version_arn) == "STOPPED"


async def test_dropped_connections_on_the_stop_are_tried_again(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str
) -> None:
    async def heal() -> None:
        while vision_emulator.requests[STOP] < 3:  # noqa: ASYNC110 - another thread's counter, polled
            await anyio.sleep(0.01)
        vision_emulator.faults.set("StopProjectVersion", None)

    async with anyio.create_task_group() as tg, emu_rek.running_model(version_arn, wait_stopped=True, **FAST):
        vision_emulator.faults.set("StopProjectVersion", Faults(drop=1.0))
        tg.start_soon(heal)
    assert vision_emulator.requests[STOP] >= 4
    assert await status(emu_rek, version_arn) == "STOPPED"


async def test_a_stop_done_but_answered_with_an_error_counts_as_stopped(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str
) -> None:
    async with emu_rek.running_model(version_arn, wait_stopped=True, **FAST):
        vision_emulator.faults.set("StopProjectVersion", Faults(commit_then_fail=1.0))
    # The retry was refused ("STOPPING, not running"): that is the success it looked for.
    assert vision_emulator.requests[STOP] == 2
    assert await status(emu_rek, version_arn) == "STOPPED"


async def test_the_stop_gives_up_after_stop_max_wait_and_says_so(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="aws_vision_async")
    _failing_first(vision_emulator, 10_000, ApiError("InternalServerError", 500, "down"))
    began = time.monotonic()
    with pytest.raises(rek_errors.InternalServerError):
        async with emu_rek.running_model(version_arn, stop_max_wait=0.5, **FAST):
            pass
    assert time.monotonic() - began < 5
    assert vision_emulator.requests[STOP] >= 2  # tried more than once
    (record,) = [r for r in caplog.records if "may still run" in r.getMessage()]
    assert record.levelno == logging.ERROR
    assert version_arn in record.getMessage()
    assert vision_emulator.running_versions() == [version_arn]


async def test_the_blocks_exception_wins_over_the_stops(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="aws_vision_async")
    _failing_first(vision_emulator, 10_000, ApiError("AccessDeniedException", 400, "not allowed to stop"))
    with pytest.raises(KeyError, match="the real failure") as caught:
        async with emu_rek.running_model(version_arn, **FAST):
            raise KeyError("the real failure")
    notes = getattr(caught.value, "__notes__", [])
    assert any("stopping model version" in note and "AccessDeniedException" in note for note in notes)
    assert isinstance(caught.value.__context__, rek_errors.AccessDeniedException)
    assert any(version_arn in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)
    # Refused for good (not a passing failure): asked once, not for 15 minutes.
    assert vision_emulator.requests[STOP] == 1


async def test_an_unknown_project_or_version_is_not_found(emu_rek: RekognitionClient, version_arn: str) -> None:
    region_account = version_arn.split(":project/", maxsplit=1)[0]
    with pytest.raises(NotFoundError, match="no Custom Labels project named 'nope'"):
        async with emu_rek.running_model(f"{region_account}:project/nope/version/v1/1", **FAST):
            pass
    with pytest.raises(NotFoundError, match="no model version"):
        async with emu_rek.running_model(version_arn.replace("/version/v1/", "/version/v9/"), **FAST):
            pass


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"min_inference_units": 0}, ValueError, "min_inference_units"),
        ({"min_inference_units": 1.5}, TypeError, "min_inference_units"),
        ({"min_inference_units": 3, "max_inference_units": 2}, ValueError, "max_inference_units"),
        ({"stop_on_exit": "yes"}, TypeError, "stop_on_exit"),
        ({"wait_stopped": 1}, TypeError, "wait_stopped"),
        ({"stop_max_wait": 0}, ValueError, "stop_max_wait"),
        ({"stop_max_wait": float("nan")}, ValueError, "stop_max_wait"),
        ({"max_wait": -1}, ValueError, "max_wait"),
        ({"min_delay": 2, "max_delay": 1}, ValueError, "min_delay"),
    ],
)
async def test_bad_arguments_fail_before_any_request(  # noqa: PLR0917 - fixtures and parameters
    emu_rek: RekognitionClient,
    vision_emulator: Emulator,
    version_arn: str,
    kwargs: dict[str, Any],
    error: type[Exception],
    words: str,
) -> None:
    before = sum(vision_emulator.requests.values())
    with pytest.raises(error, match=words):
        async with emu_rek.running_model(version_arn, **kwargs):
            pass
    assert sum(vision_emulator.requests.values()) == before


async def test_bad_version_arns_and_project_names_fail_before_any_request(
    emu_rek: RekognitionClient, vision_emulator: Emulator
) -> None:
    with pytest.raises(ValueError, match="project_version_arn must be a Custom Labels model version ARN"):
        async with emu_rek.running_model("arn:aws:rekognition:us-east-1:111122223333:project/p/1"):
            pass
    with pytest.raises(TypeError, match="project_version_arn must be a str"):
        async with emu_rek.running_model(42):  # type: ignore[arg-type]
            pass
    with pytest.raises(TypeError, match="project_names"):
        _ = [v async for v in emu_rek.running_model_versions(project_names="widgets")]
    assert sum(vision_emulator.requests.values()) == 0


CHILD = Path(__file__).with_name("_sigterm_child.py")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_service_stopped_by_a_signal_stops_its_model(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str, anyio_backend: str, signum: int
) -> None:
    """The docs' few lines (an anyio signal receiver cancelling the scope) stop the model on SIGTERM."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, str(CHILD), vision_emulator.url, version_arn, anyio_backend]
    async with await anyio.open_process(command, env=env) as child:
        assert child.stdout is not None
        with anyio.fail_after(30):
            seen = b""
            while b"running\n" not in seen:
                seen += await child.stdout.receive()
            assert vision_emulator.running_versions() == [version_arn]
            child.send_signal(signum)
            code = await child.wait()
            rest = b"".join([chunk async for chunk in child.stdout])
    assert code == 0, rest
    assert b"stopped cleanly" in rest
    assert vision_emulator.requests[STOP] == 1
    assert vision_emulator.running_versions() == []
