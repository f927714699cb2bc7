"""``running_model`` always stops what it started; ``running_model_versions`` shows what costs money."""

from __future__ import annotations

import logging
import warnings

import anyio
import pytest

from aws_vision_async import RekognitionClient, WaiterTimeoutError
from aws_vision_async.custom_labels import parse_version_arn
from aws_vision_async.emulator import Emulator, Faults, Timings
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import Image

from ._lifecycle import FAST, project_with_datasets, trained_version

pytestmark = pytest.mark.anyio

JPEG = b"\xff\xd8\xff\xe0" + b"widget photo" * 10


@pytest.fixture
async def version_arn(emu_rek: RekognitionClient) -> str:
    return await trained_version(emu_rek, await project_with_datasets(emu_rek))


async def settle(emulator: Emulator, version: str) -> None:
    """Wait until the version's last usage record is closed (STOPPING has become STOPPED)."""
    with anyio.fail_after(5):
        while any(u.stopped is None for u in emulator.inference_usage(version)):
            await anyio.sleep(0.02)
            emulator.state.running_versions()  # reading state moves timed statuses on


def test_parse_version_arn() -> None:
    arn = "arn:aws:rekognition:us-east-1:111122223333:project/widgets/version/widgets.2024-05-01T12.00.00/1714564800000"
    assert parse_version_arn(arn) == ("widgets", "widgets.2024-05-01T12.00.00")
    with pytest.raises(ValueError, match="not a Custom Labels model version ARN"):
        parse_version_arn("arn:aws:rekognition:us-east-1:111122223333:project/widgets/1714564800000")


async def test_normal_exit_stops_the_model(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str
) -> None:
    async with emu_rek.running_model(version_arn, min_inference_units=2, **FAST) as model:
        assert model.project_version_arn == version_arn
        assert model.started_here
        assert vision_emulator.running_versions() == [version_arn]
        first = await model.detect_custom_labels(image=JPEG, max_results=3)
        again = await model.detect_custom_labels(image=Image(bytes=JPEG), max_results=3)
        assert first.custom_labels == again.custom_labels  # deterministic per image
        # The client takes the same image forms as the running model.
        direct = await emu_rek.detect_custom_labels(project_version_arn=version_arn, image=JPEG, max_results=3)
        assert direct.custom_labels == first.custom_labels
        assert first.custom_labels
        assert all(label.name in {"ok", "defect"} for label in first.custom_labels)
    assert vision_emulator.running_versions() == []
    await settle(vision_emulator, version_arn)
    (usage,) = vision_emulator.inference_usage(version_arn)
    assert usage.min_inference_units == 2
    assert usage.stopped is not None


async def test_an_exception_stops_the_model(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str
) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        async with emu_rek.running_model(version_arn, **FAST):
            raise RuntimeError("boom")
    assert vision_emulator.running_versions() == []
    assert vision_emulator.requests["rekognition:StopProjectVersion"] == 1


async def test_cancellation_stops_the_model(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str
) -> None:
    entered = anyio.Event()
    with anyio.move_on_after(5) as scope:
        async with anyio.create_task_group() as tg:

            async def use_model() -> None:
                async with emu_rek.running_model(version_arn, **FAST):
                    entered.set()
                    await anyio.sleep_forever()

            tg.start_soon(use_model)
            await entered.wait()
            tg.cancel_scope.cancel()
    assert not scope.cancelled_caught  # cancelled by the task group, not by the time limit
    # The stop was sent although the scope around it was cancelled (it is shielded).
    assert vision_emulator.requests["rekognition:StopProjectVersion"] == 1
    assert vision_emulator.running_versions() == []


async def test_a_failed_start_stops_the_model(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str
) -> None:
    # The model starts, but not within max_wait: what was started must not stay running.
    vision_emulator.timings = Timings(starting=30)
    with pytest.raises(WaiterTimeoutError):
        async with emu_rek.running_model(version_arn, min_delay=0.02, max_delay=0.05, max_wait=0.3):
            pytest.fail("the block must not run")
    assert vision_emulator.requests["rekognition:StopProjectVersion"] == 1
    assert vision_emulator.running_versions() == []


async def test_a_model_running_already_is_left_running(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str
) -> None:
    await emu_rek.start_project_version(project_version_arn=version_arn, min_inference_units=1)
    async with emu_rek.running_model(version_arn, **FAST) as model:
        assert not model.started_here
    assert vision_emulator.requests["rekognition:StartProjectVersion"] == 1
    assert vision_emulator.requests["rekognition:StopProjectVersion"] == 0
    assert vision_emulator.running_versions() == [version_arn]
    # stop_on_exit=True stops it all the same.
    async with emu_rek.running_model(version_arn, stop_on_exit=True, **FAST):
        pass
    assert vision_emulator.running_versions() == []


async def test_stop_on_exit_false_leaves_it_running(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str
) -> None:
    async with emu_rek.running_model(version_arn, stop_on_exit=False, **FAST):
        pass
    assert vision_emulator.running_versions() == [version_arn]
    await emu_rek.stop_project_version(project_version_arn=version_arn)


async def test_a_failed_stop_is_logged_and_raised(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="aws_vision_async")
    with pytest.raises(rek_errors.AccessDeniedException):
        async with emu_rek.running_model(version_arn, **FAST):
            vision_emulator.state.rekognition["StopProjectVersion"] = _deny
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert any(version_arn in r.getMessage() and "may still run" in r.getMessage() for r in errors)
    assert vision_emulator.running_versions() == [version_arn]


def _deny(params: object) -> dict[str, object]:
    from aws_vision_async.emulator._wire import ApiError

    raise ApiError("AccessDeniedException", 400, "not allowed to stop")


async def test_detect_before_running_is_not_ready(emu_rek: RekognitionClient, version_arn: str) -> None:
    with pytest.raises(rek_errors.ResourceNotReadyException):
        await emu_rek.detect_custom_labels(project_version_arn=version_arn, image=Image(bytes=JPEG))


async def test_running_model_versions_lists_what_costs_money(
    emu_rek: RekognitionClient, vision_emulator: Emulator
) -> None:
    first = await project_with_datasets(emu_rek, name="first")
    second = await project_with_datasets(emu_rek, name="second")
    running = await trained_version(emu_rek, first, "v1")
    await trained_version(emu_rek, first, "v2")  # trained, never started: free
    other = await trained_version(emu_rek, second, "v1")
    assert [v async for v in emu_rek.running_model_versions()] == []
    await emu_rek.start_project_version(project_version_arn=running, min_inference_units=3)
    await emu_rek.start_project_version(project_version_arn=other, min_inference_units=1)
    versions = {v.project_version_arn: v async for v in emu_rek.running_model_versions()}
    assert set(versions) == {running, other}
    assert versions[running].min_inference_units == 3
    assert versions[running].status in ("STARTING", "RUNNING")
    only = [v.project_version_arn async for v in emu_rek.running_model_versions(project_names=["second"])]
    assert only == [other]
    for arn in (running, other):
        await emu_rek.stop_project_version(project_version_arn=arn)


async def test_running_model_versions_stops_early_and_closes(
    emu_rek: RekognitionClient, vision_emulator: Emulator
) -> None:
    arns = []
    for name in ("a", "b"):
        arn = await trained_version(emu_rek, await project_with_datasets(emu_rek, name=name))
        await emu_rek.start_project_version(project_version_arn=arn, min_inference_units=1)
        arns.append(arn)
    listing = emu_rek.running_model_versions()
    assert listing.__aiter__() is listing  # an iterator object, not an async generator
    before = vision_emulator.requests["rekognition:DescribeProjectVersions"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "never closed" warning from either backend
        async for _ in listing:
            break
        await listing.aclose()
        assert [v async for v in listing] == []  # closed: nothing more, nothing sent
        async with emu_rek.running_model_versions() as versions:
            first = await anext(versions)
            assert first.project_version_arn in arns
        assert [v async for v in versions] == []
        # Each early stop read one project's versions, no more.
        assert vision_emulator.requests["rekognition:DescribeProjectVersions"] - before == 2
        assert len([v async for v in emu_rek.running_model_versions()]) == 2
    for arn in arns:
        await emu_rek.stop_project_version(project_version_arn=arn)


async def test_throttled_start_is_retried_and_stopped(
    emu_rek: RekognitionClient, vision_emulator: Emulator, version_arn: str
) -> None:
    vision_emulator.faults.set("StartProjectVersion", Faults(throttle=1.0))
    with pytest.raises(rek_errors.ThrottlingException):
        async with emu_rek.running_model(version_arn, **FAST):
            pytest.fail("the block must not run")
    # Throttled: the service did nothing, so there is nothing to stop.
    assert vision_emulator.requests["rekognition:StopProjectVersion"] == 0
    assert vision_emulator.running_versions() == []
