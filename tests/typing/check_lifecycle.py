# pyright: strict, reportUnnecessaryTypeIgnoreComment=true
"""Static checks of the waiters and the model session: run by mypy and pyright, never by pytest."""

from __future__ import annotations

from typing_extensions import assert_type

from aws_vision_async import RekognitionClient, WaiterError, WaiterFailedError, WaiterTimeoutError
from aws_vision_async.custom_labels import RunningModel
from aws_vision_async.rekognition import models as rek_models


async def waiters(rek: RekognitionClient) -> None:
    reply = await rek.wait_until_project_version_training_completed(
        project_arn="arn", version_names=("v1",), max_wait=60, min_delay=1.5, max_delay=10
    )
    assert_type(reply, rek_models.DescribeProjectVersionsResponse)
    running = await rek.wait_until_project_version_running(project_arn="arn")
    assert_type(running, rek_models.DescribeProjectVersionsResponse)
    dataset = await rek.wait_until_dataset_created(dataset_arn="arn")
    assert_type(dataset, rek_models.DescribeDatasetResponse)
    projects = await rek.wait_until_project_created(project_names=["p"])
    assert_type(projects, rek_models.DescribeProjectsResponse)
    await rek.wait_until_dataset_updated(datasett_arn="arn")  # type: ignore[call-arg]
    await rek.wait_until_project_version_stopped(project_arn="arn", max_wait="soon")  # type: ignore[arg-type]
    try:
        await rek.wait_until_project_version_copied(project_arn="arn")
    except WaiterFailedError as exc:
        assert_type(exc.waiter_name, str)
        assert_type(exc.attempts, int)
    except WaiterTimeoutError as exc:
        assert_type(exc.attempts, int)
    except WaiterError as exc:
        assert_type(exc.waiter_name, str)


async def model_session(rek: RekognitionClient) -> None:
    async with rek.running_model("arn", min_inference_units=2, stop_on_exit=True) as model:
        assert_type(model, RunningModel)
        assert_type(model.project_version_arn, str)
        found = await model.detect_custom_labels(image=b"\xff\xd8", max_results=5, min_confidence=50.0)
        assert_type(found, rek_models.DetectCustomLabelsResponse)
        await model.detect_custom_labels(image="not bytes")  # type: ignore[arg-type]
    async for version in rek.running_model_versions():
        assert_type(version, rek_models.ProjectVersionDescription)
        assert_type(version.min_inference_units, int | None)
