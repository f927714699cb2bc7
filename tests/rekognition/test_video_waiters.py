"""The job waiters (tools/codegen/waiters/): stored-video analyses and media analysis jobs."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from aws_vision_async import RekognitionClient, WaiterFailedError, WaiterTimeoutError
from aws_vision_async.rekognition import _waiters
from aws_vision_async.rekognition import errors as rek_errors

from ..fakeaws import FakeAws, ok, rek_error

pytestmark = pytest.mark.anyio

FAST = {"min_delay": 0.01, "max_delay": 0.05, "max_wait": 10.0}
JOB = "job-1"

VIDEO = {
    "label_detection": "GetLabelDetection",
    "face_detection": "GetFaceDetection",
    "face_search": "GetFaceSearch",
    "person_tracking": "GetPersonTracking",
    "celebrity_recognition": "GetCelebrityRecognition",
    "content_moderation": "GetContentModeration",
    "segment_detection": "GetSegmentDetection",
    "text_detection": "GetTextDetection",
}
WAITERS = sorted([*VIDEO, "media_analysis_job"])


def operation(name: str) -> str:
    return VIDEO.get(name, "GetMediaAnalysisJob")


def state(name: str, status: str, message: str | None = None) -> dict[str, Any]:
    """A reply of the waiter's operation in a given state."""
    if name in VIDEO:
        body: dict[str, Any] = {"JobId": JOB, "JobStatus": status}
        if message:
            body["StatusMessage"] = message
        return body
    body = {
        "JobId": JOB,
        "OperationsConfig": {},
        "Status": status,
        "CreationTimestamp": 1700000000,
        "Input": {"S3Object": {"Bucket": "b", "Name": "manifest.jsonl"}},
        "OutputConfig": {"S3Bucket": "out"},
    }
    if message:
        body["FailureDetails"] = {"Code": "INVALID_MANIFEST", "Message": message}
    return body


def wait(rek: RekognitionClient, name: str, **kwargs: Any) -> Any:
    return getattr(rek, f"wait_until_{name}_completed")(job_id=JOB, **kwargs)


def test_waiters_take_the_job_id_only() -> None:
    for name in WAITERS:
        params = inspect.signature(getattr(RekognitionClient, f"wait_until_{name}_completed")).parameters
        assert list(params) == ["self", "job_id", "max_wait", "min_delay", "max_delay"]


@pytest.mark.parametrize("name", WAITERS)
def test_defaults_fit_video_jobs(name: str) -> None:
    spec = getattr(_waiters, f"{name.upper()}_COMPLETED")
    assert (spec.max_wait, spec.min_delay, spec.max_delay) == (7200.0, 5.0, 60.0)
    doc = getattr(RekognitionClient, f"wait_until_{name}_completed").__doc__
    for default in ("default 7200", "default 5", "default 60"):
        assert default in doc


@pytest.mark.parametrize("name", WAITERS)
async def test_success_returns_the_response(fake_aws: FakeAws, rek: RekognitionClient, name: str) -> None:
    op = operation(name)
    pending = "IN_PROGRESS"
    fake_aws.on(op, ok(state(name, pending)), rek_error("ThrottlingException", "slow"), ok(state(name, pending)))
    fake_aws.always(op, ok(state(name, "SUCCEEDED")))
    reply = await wait(rek, name, **FAST)
    assert (reply.job_status if name in VIDEO else reply.status) == "SUCCEEDED"
    calls = fake_aws.calls(op)
    assert len(calls) == 4
    assert all(c.json == {"JobId": JOB} for c in calls)  # no page token, no page size, no sort


@pytest.mark.parametrize("name", WAITERS)
async def test_failure_quotes_the_message(fake_aws: FakeAws, rek: RekognitionClient, name: str) -> None:
    op = operation(name)
    fake_aws.on(op, ok(state(name, "IN_PROGRESS")), ok(state(name, "FAILED", "the video could not be read")))
    with pytest.raises(WaiterFailedError) as caught:
        await wait(rek, name, **FAST)
    err = caught.value
    assert isinstance(err, getattr(rek_errors, f"{name.title().replace('_', '')}CompletedFailedError"))
    assert "the video could not be read" in str(err)
    assert err.last_response is not None
    assert err.attempts == 2


@pytest.mark.parametrize("name", WAITERS)
async def test_times_out_with_the_last_response(fake_aws: FakeAws, rek: RekognitionClient, name: str) -> None:
    op = operation(name)
    fake_aws.always(op, ok(state(name, "IN_PROGRESS")))
    with pytest.raises(WaiterTimeoutError) as caught:
        await wait(rek, name, min_delay=0.01, max_delay=0.02, max_wait=0.5)
    err = caught.value
    assert isinstance(err, getattr(rek_errors, f"{name.title().replace('_', '')}CompletedTimeoutError"))
    assert err.attempts == len(fake_aws.calls(op)) >= 3
    assert err.last_response is not None
