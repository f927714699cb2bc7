# pyright: strict, reportUnnecessaryTypeIgnoreComment=true
"""Static checks of the waiter errors' ``last_response``: run by mypy and pyright, never by pytest."""

from __future__ import annotations

from typing_extensions import assert_type

from aws_vision_async import RekognitionClient, WaiterError, WaiterFailedError, WaiterTimeoutError
from aws_vision_async._core.model import Response
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition import models as rek_models


async def known_waiter(rek: RekognitionClient) -> None:
    try:
        await rek.wait_until_project_version_training_completed(project_arn="arn", version_names=["v1"])
    except rek_errors.ProjectVersionTrainingCompletedFailedError as exc:
        assert_type(exc.last_response, rek_models.DescribeProjectVersionsResponse | None)
        if exc.last_response is not None:
            (version,) = exc.last_response.project_version_descriptions or []
            assert_type(version.status_message, str | None)
    except rek_errors.ProjectVersionTrainingCompletedTimeoutError as exc:
        assert_type(exc.last_response, rek_models.DescribeProjectVersionsResponse | None)
    try:
        await rek.wait_until_dataset_created(dataset_arn="arn")
    except rek_errors.DatasetCreatedFailedError as exc:
        if exc.last_response is not None:
            assert_type(exc.last_response.dataset_description, rek_models.DatasetDescription | None)
            exc.last_response.project_version_descriptions  # type: ignore[attr-defined]  # noqa: B018


def subclasses_are_the_generic_bases(
    failed: rek_errors.ProjectVersionRunningFailedError, timeout: rek_errors.ProjectCreatedTimeoutError
) -> None:
    as_failed: WaiterFailedError[rek_models.DescribeProjectVersionsResponse] = failed
    as_timeout: WaiterTimeoutError[rek_models.DescribeProjectsResponse] = timeout
    # Covariant: a waiter error of one response is a waiter error of any response.
    anything: WaiterError[Response] = as_failed
    wrong: WaiterFailedError[rek_models.DescribeDatasetResponse] = failed  # type: ignore[assignment]
    assert_type(as_timeout.last_response, rek_models.DescribeProjectsResponse | None)
    del anything, wrong


async def any_waiter(rek: RekognitionClient) -> None:
    try:
        await rek.wait_until_project_version_running(project_arn="arn")
    except WaiterFailedError as exc:
        # Any waiter's error: narrow the response with isinstance, no cast.
        response = exc.last_response
        if isinstance(response, rek_models.DescribeProjectVersionsResponse):
            assert_type(response.project_version_descriptions, list[rek_models.ProjectVersionDescription] | None)
