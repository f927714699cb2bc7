"""botocore's own Rekognition waiters, through raw aiobotocore, against the emulator on the real clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from botocore.exceptions import WaiterError

from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator, Timings

from ._model_support import OUTPUT_WIRE, trainable_state
from ._support import shared_session

pytestmark = pytest.mark.anyio

FAST = {"Delay": 0.05, "MaxAttempts": 100}


@pytest.fixture
def vision_emulator_timings() -> Timings:
    # Long enough for a few polls of each waiter, short enough for a quick test.
    return Timings(training=0.3, starting=0.3, stopping=0.1)


@pytest.fixture
async def client(emu: Emulator, anyio_backend: str) -> AsyncIterator[Any]:
    """A plain aiobotocore Rekognition client of the emulator (trio: the httpx backend, as the SDK sets it up)."""
    session = shared_session(anyio_backend)
    async with session.create_client(
        "rekognition", region_name="us-east-1", endpoint_url=emu.url, **EMULATOR_CREDENTIALS
    ) as client:
        yield client


async def test_training_completed_then_running(client: Any, emu: Emulator) -> None:
    project = trainable_state(emu.state)
    created = await client.create_project_version(ProjectArn=project, VersionName="v1", OutputConfig=OUTPUT_WIRE)

    await client.get_waiter("project_version_training_completed").wait(
        ProjectArn=project, VersionNames=["v1"], WaiterConfig=FAST
    )

    polls = emu.requests["rekognition:DescribeProjectVersions"]
    assert polls >= 2  # it saw TRAINING_IN_PROGRESS first
    described = await client.describe_project_versions(ProjectArn=project, VersionNames=["v1"])
    assert described["ProjectVersionDescriptions"][0]["Status"] == "TRAINING_COMPLETED"

    started = await client.start_project_version(ProjectVersionArn=created["ProjectVersionArn"], MinInferenceUnits=1)
    assert started["Status"] == "STARTING"
    await client.get_waiter("project_version_running").wait(ProjectArn=project, VersionNames=["v1"], WaiterConfig=FAST)

    assert emu.requests["rekognition:DescribeProjectVersions"] >= polls + 3
    assert emu.running_versions() == [created["ProjectVersionArn"]]
    await client.stop_project_version(ProjectVersionArn=created["ProjectVersionArn"])
    assert emu.running_versions() == []


async def test_a_failed_training_stops_the_waiter(client: Any, emu: Emulator) -> None:
    project = trainable_state(emu.state, lines=[])  # empty datasets: training fails
    await client.create_project_version(ProjectArn=project, VersionName="v1", OutputConfig=OUTPUT_WIRE)

    with pytest.raises(WaiterError) as caught:
        await client.get_waiter("project_version_training_completed").wait(
            ProjectArn=project, VersionNames=["v1"], WaiterConfig=FAST
        )

    assert "terminal failure" in str(caught.value)
    [description] = caught.value.last_response["ProjectVersionDescriptions"]
    assert description["Status"] == "TRAINING_FAILED"
    assert description["StatusMessage"].startswith("ERROR_EMPTY_MANIFEST: ")


async def test_waiting_for_several_versions(client: Any, emu: Emulator) -> None:
    project = trainable_state(emu.state)
    for name in ("a", "b"):
        await client.create_project_version(ProjectArn=project, VersionName=name, OutputConfig=OUTPUT_WIRE)

    await client.get_waiter("project_version_training_completed").wait(
        ProjectArn=project, VersionNames=["a", "b"], WaiterConfig=FAST
    )

    described = await client.describe_project_versions(ProjectArn=project)
    assert {d["Status"] for d in described["ProjectVersionDescriptions"]} == {"TRAINING_COMPLETED"}
