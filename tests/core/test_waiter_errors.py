"""Waiter errors: each waiter raises its own subclasses, typed by the response it polls; bad waiter options.

The static side (``last_response`` typed without casts) is in tests/typing/check_waiter_errors.py.
"""

from __future__ import annotations

import math
import pickle
from typing import Any

import pytest

from aws_vision_async import RekognitionClient, WaiterError, WaiterFailedError, WaiterTimeoutError
from aws_vision_async.rekognition import _waiters
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition import models as rek_models

from ..fakeaws import FakeAws, ok

pytestmark = pytest.mark.anyio

PROJECT_ARN = "arn:aws:rekognition:us-east-1:123456789012:project/p/1"
DATASET_ARN = "arn:aws:rekognition:us-east-1:123456789012:project/p/dataset/train/1"


def versions(status: str) -> dict[str, Any]:
    return {"ProjectVersionDescriptions": [{"Status": status, "StatusMessage": f"it is {status}"}]}


# waiter: (operation, kwargs, response model, a pending reply, a failure reply or None)
WAITERS: dict[str, tuple[str, dict[str, Any], type[rek_models.Response], dict[str, Any], dict[str, Any] | None]] = {
    "ProjectVersionTrainingCompleted": (
        "DescribeProjectVersions",
        {"project_arn": PROJECT_ARN},
        rek_models.DescribeProjectVersionsResponse,
        versions("TRAINING_IN_PROGRESS"),
        versions("TRAINING_FAILED"),
    ),
    "ProjectVersionRunning": (
        "DescribeProjectVersions",
        {"project_arn": PROJECT_ARN},
        rek_models.DescribeProjectVersionsResponse,
        versions("STARTING"),
        versions("FAILED"),
    ),
    "ProjectVersionStopped": (
        "DescribeProjectVersions",
        {"project_arn": PROJECT_ARN},
        rek_models.DescribeProjectVersionsResponse,
        versions("STOPPING"),
        None,
    ),
    "ProjectVersionCopied": (
        "DescribeProjectVersions",
        {"project_arn": PROJECT_ARN},
        rek_models.DescribeProjectVersionsResponse,
        versions("COPYING_IN_PROGRESS"),
        versions("COPYING_FAILED"),
    ),
    "ProjectVersionDeleted": (
        "DescribeProjectVersions",
        {"project_arn": PROJECT_ARN},
        rek_models.DescribeProjectVersionsResponse,
        versions("DELETING"),
        None,
    ),
    "DatasetCreated": (
        "DescribeDataset",
        {"dataset_arn": DATASET_ARN},
        rek_models.DescribeDatasetResponse,
        {"DatasetDescription": {"Status": "CREATE_IN_PROGRESS"}},
        {"DatasetDescription": {"Status": "CREATE_FAILED"}},
    ),
    "DatasetUpdated": (
        "DescribeDataset",
        {"dataset_arn": DATASET_ARN},
        rek_models.DescribeDatasetResponse,
        {"DatasetDescription": {"Status": "UPDATE_IN_PROGRESS"}},
        {"DatasetDescription": {"Status": "UPDATE_FAILED"}},
    ),
    "ProjectCreated": (
        "DescribeProjects",
        {"project_names": ["p"]},
        rek_models.DescribeProjectsResponse,
        {"ProjectDescriptions": [{"Status": "CREATING"}]},
        None,
    ),
}
# The job waiters (tools/codegen/waiters/): JobStatus, StatusMessage.
for _job in (
    "CelebrityRecognition",
    "ContentModeration",
    "FaceDetection",
    "FaceSearch",
    "LabelDetection",
    "PersonTracking",
    "SegmentDetection",
    "TextDetection",
):
    WAITERS[f"{_job}Completed"] = (
        f"Get{_job}",
        {"job_id": "job-1"},
        getattr(rek_models, f"Get{_job}Response"),
        {"JobStatus": "IN_PROGRESS"},
        {"JobStatus": "FAILED", "StatusMessage": "it is FAILED"},
    )
_MEDIA_JOB = {  # no CreationTimestamp: the tests compare replies with their dump
    "JobId": "job-1",
    "OperationsConfig": {},
    "Input": {"S3Object": {"Bucket": "b", "Name": "m.jsonl"}},
    "OutputConfig": {"S3Bucket": "out"},
}
WAITERS["MediaAnalysisJobCompleted"] = (
    "GetMediaAnalysisJob",
    {"job_id": "job-1"},
    rek_models.GetMediaAnalysisJobResponse,
    {**_MEDIA_JOB, "Status": "IN_PROGRESS"},
    {**_MEDIA_JOB, "Status": "FAILED", "FailureDetails": {"Message": "it is FAILED"}},
)
FAILING = [name for name, case in WAITERS.items() if case[4] is not None]
SHORT = {"min_delay": 0.01, "max_delay": 0.02}


def method(rek: RekognitionClient, waiter: str) -> Any:
    return getattr(rek, f"wait_until_{_snake(waiter)}")


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def test_every_waiter_is_in_this_table() -> None:
    specs = {spec.name for spec in vars(_waiters).values() if isinstance(spec, _waiters.WaiterSpec)}
    assert specs == set(WAITERS)


@pytest.mark.parametrize("waiter", sorted(WAITERS))
def test_each_waiter_has_its_own_subclasses(waiter: str) -> None:
    spec = getattr(_waiters, _snake(waiter).upper())
    assert spec.failed_error is getattr(rek_errors, f"{waiter}FailedError")
    assert spec.timeout_error is getattr(rek_errors, f"{waiter}TimeoutError")
    assert issubclass(spec.failed_error, WaiterFailedError)
    assert issubclass(spec.timeout_error, WaiterTimeoutError)
    assert not issubclass(spec.failed_error, WaiterTimeoutError)
    assert {f"{waiter}FailedError", f"{waiter}TimeoutError"} <= set(rek_errors.__all__)
    # Not service error codes: the error map never returns them for a reply.
    assert f"{waiter}FailedError" not in rek_errors.ERRORS


@pytest.mark.parametrize("waiter", FAILING)
async def test_failure_raises_the_waiters_class_with_its_response(
    fake_aws: FakeAws, rek: RekognitionClient, waiter: str
) -> None:
    operation, kwargs, response_type, pending, failed = WAITERS[waiter]
    assert failed is not None
    fake_aws.on(operation, ok(pending), ok(failed))
    with pytest.raises(WaiterFailedError) as caught:
        await method(rek, waiter)(**kwargs, **SHORT)
    err = caught.value
    assert type(err) is getattr(rek_errors, f"{waiter}FailedError")
    assert type(err.last_response) is response_type
    assert err.last_response.model_dump(by_alias=True, exclude_none=True) == failed
    assert err.waiter_name == waiter
    assert err.attempts == 2


@pytest.mark.parametrize("waiter", sorted(WAITERS))
async def test_time_out_raises_the_waiters_class_with_its_response(
    fake_aws: FakeAws, rek: RekognitionClient, waiter: str
) -> None:
    operation, kwargs, response_type, pending, _ = WAITERS[waiter]
    fake_aws.always(operation, ok(pending))
    with pytest.raises(WaiterTimeoutError) as caught:
        await method(rek, waiter)(**kwargs, **SHORT, max_wait=0.1)
    err = caught.value
    assert type(err) is getattr(rek_errors, f"{waiter}TimeoutError")
    assert type(err.last_response) is response_type


class TestPickleAndRepr:
    def test_a_generated_subclass_round_trips_with_its_response(self) -> None:
        response = rek_models.DescribeProjectVersionsResponse.model_validate(versions("TRAINING_FAILED"))
        err = rek_errors.ProjectVersionTrainingCompletedFailedError(
            "ProjectVersionTrainingCompleted: failed",
            waiter_name="ProjectVersionTrainingCompleted",
            attempts=3,
            last_response=response,
        )
        back = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own bytes
        assert type(back) is rek_errors.ProjectVersionTrainingCompletedFailedError
        assert str(back) == str(err) == "ProjectVersionTrainingCompleted: failed"
        assert (back.waiter_name, back.attempts) == ("ProjectVersionTrainingCompleted", 3)
        assert back.last_response == response
        assert (
            repr(back)
            == repr(err)
            == "ProjectVersionTrainingCompletedFailedError('ProjectVersionTrainingCompleted: failed')"
        )

    @pytest.mark.parametrize("cls", [WaiterError, WaiterFailedError, WaiterTimeoutError])
    def test_the_bases_round_trip_without_a_response(self, cls: type[WaiterError[Any]]) -> None:
        err = cls("w: timed out", waiter_name="w", attempts=1)
        back = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own bytes
        assert type(back) is cls
        assert (str(back), back.waiter_name, back.attempts, back.last_response) == ("w: timed out", "w", 1, None)

    def test_the_bases_are_generic_at_run_time(self) -> None:
        alias = WaiterFailedError[rek_models.DescribeDatasetResponse]
        assert alias.__origin__ is WaiterFailedError  # type: ignore[attr-defined]
        assert rek_errors.DatasetCreatedFailedError.__orig_bases__[0].__origin__ is WaiterFailedError  # type: ignore[attr-defined]

    def test_last_response_is_read_only(self) -> None:
        err = WaiterFailedError("w", waiter_name="w", attempts=1)
        with pytest.raises(AttributeError):
            err.last_response = None  # type: ignore[misc]


# -- bad waiter options: refused before the first poll --------------------------------------

BAD_OPTIONS: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"max_wait": -1}, ValueError, "max_wait must be a finite number of at least 0, got -1"),
    ({"max_wait": math.nan}, ValueError, "max_wait must be a finite number of at least 0, got nan"),
    ({"max_wait": math.inf}, ValueError, "max_wait must be a finite number of at least 0, got inf"),
    ({"max_wait": "60"}, TypeError, "max_wait must be a number (int or float), got '60' (str)"),
    ({"max_wait": True}, TypeError, "max_wait must be a number (int or float), got True (bool)"),
    ({"min_delay": 0}, ValueError, "min_delay must be a finite number greater than 0, got 0"),
    ({"min_delay": -0.5}, ValueError, "min_delay must be a finite number greater than 0, got -0.5"),
    ({"max_delay": math.nan}, ValueError, "max_delay must be a finite number greater than 0, got nan"),
    ({"max_delay": "10"}, TypeError, "max_delay must be a number (int or float), got '10' (str)"),
    (
        {"min_delay": 5, "max_delay": 2},
        ValueError,
        "min_delay must not exceed max_delay, got min_delay=5 and max_delay=2 (ProjectVersionRunning)",
    ),
    # max_delay alone below the waiter's default min_delay (30 s): the message says which values clash.
    (
        {"max_delay": 10},
        ValueError,
        "min_delay must not exceed max_delay, got min_delay=30 and max_delay=10 (ProjectVersionRunning)",
    ),
]


@pytest.mark.parametrize(("options", "error", "message"), BAD_OPTIONS, ids=[m for _, _, m in BAD_OPTIONS])
async def test_bad_waiter_options_are_refused_before_any_poll(
    fake_aws: FakeAws, rek: RekognitionClient, options: dict[str, Any], error: type[Exception], message: str
) -> None:
    fake_aws.always("DescribeProjectVersions", ok(versions("RUNNING")))
    with pytest.raises(error) as caught:
        await rek.wait_until_project_version_running(project_arn=PROJECT_ARN, **options)
    assert str(caught.value) == message
    assert fake_aws.requests == []


async def test_good_options_still_poll(fake_aws: FakeAws, rek: RekognitionClient) -> None:
    fake_aws.always("DescribeProjectVersions", ok(versions("RUNNING")))
    reply = await rek.wait_until_project_version_running(project_arn=PROJECT_ARN, max_wait=0, min_delay=1, max_delay=1)
    assert len(fake_aws.requests) == 1
    assert reply.project_version_descriptions is not None
