"""The paginators of the video ``Get*`` operations and ``ListMediaAnalysisJobs`` (from tools/codegen/paginators/).

Each pages with ``NextToken``/``MaxResults`` like botocore's own paginators; a ``Get*`` page is the
full response, so the job's own fields (``JobStatus``, ``VideoMetadata``...) are on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import pytest
from tools.codegen.service import field_name

from aws_vision_async import RekognitionClient
from aws_vision_async import errors as base
from aws_vision_async._core.pagination import AsyncPaginator

from ..fakeaws import FakeAws, ok

pytestmark = pytest.mark.anyio

JOB = "a" * 64


def media_job(i: int) -> dict[str, Any]:
    return {
        "JobId": f"job-{i}",
        "OperationsConfig": {},
        "Status": "SUCCEEDED",
        "CreationTimestamp": 1700000000,
        "Input": {"S3Object": {"Bucket": "b", "Name": f"m{i}.jsonl"}},
        "OutputConfig": {"S3Bucket": "out"},
    }


# operation, method, items key, one item, the Python name of its distinguishing field
CASES: list[tuple[str, str, str, Callable[[int], dict[str, Any]]]] = [
    ("GetLabelDetection", "get_label_detection", "Labels", lambda i: {"Timestamp": i, "Label": {"Name": f"x{i}"}}),
    ("GetFaceDetection", "get_face_detection", "Faces", lambda i: {"Timestamp": i, "Face": {"Confidence": 90.0}}),
    ("GetFaceSearch", "get_face_search", "Persons", lambda i: {"Timestamp": i, "Person": {"Index": i}}),
    ("GetPersonTracking", "get_person_tracking", "Persons", lambda i: {"Timestamp": i, "Person": {"Index": i}}),
    (
        "GetCelebrityRecognition",
        "get_celebrity_recognition",
        "Celebrities",
        lambda i: {"Timestamp": i, "Celebrity": {"Name": f"c{i}"}},
    ),
    (
        "GetContentModeration",
        "get_content_moderation",
        "ModerationLabels",
        lambda i: {"Timestamp": i, "ModerationLabel": {"Name": f"m{i}"}},
    ),
    (
        "GetSegmentDetection",
        "get_segment_detection",
        "Segments",
        lambda i: {"Type": "SHOT", "StartTimestampMillis": i},
    ),
    (
        "GetTextDetection",
        "get_text_detection",
        "TextDetections",
        lambda i: {"Timestamp": i, "TextDetection": {"DetectedText": f"t{i}"}},
    ),
    ("ListMediaAnalysisJobs", "list_media_analysis_jobs", "MediaAnalysisJobs", media_job),
]
IDS = [c[0] for c in CASES]

VIDEO = {"Codec": "h264", "DurationMillis": 60000, "FrameRate": 30.0}
JOB_FIELDS = {"JobStatus": "SUCCEEDED", "VideoMetadata": VIDEO, "JobId": JOB}


def page(operation: str, key: str, make: Callable[[int], dict[str, Any]], items: range, token: str | None) -> Any:
    body: dict[str, Any] = {key: [make(i) for i in items]}
    if operation.startswith("Get"):
        body.update(JOB_FIELDS)
        if operation == "GetSegmentDetection":  # one VideoMetadata per video stream
            body["VideoMetadata"] = [VIDEO]
    if token is not None:
        body["NextToken"] = token
    return body


def call(rek: RekognitionClient, operation: str, method: str, **kwargs: Any) -> AsyncPaginator[Any, Any]:
    if operation.startswith("Get"):
        kwargs["job_id"] = JOB
    paginator: AsyncPaginator[Any, Any] = getattr(rek, method)(**kwargs)
    return paginator


def serve_three_pages(fake_aws: FakeAws, operation: str, key: str, make: Callable[[int], dict[str, Any]]) -> None:
    fake_aws.on(
        operation,
        ok(page(operation, key, make, range(0, 2), "t1")),
        ok(page(operation, key, make, range(2, 4), "t2")),
        ok(page(operation, key, make, range(4, 5), None)),
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_items_across_pages(
    rek: RekognitionClient, fake_aws: FakeAws, case: tuple[str, str, str, Callable[[int], dict[str, Any]]]
) -> None:
    operation, method, key, make = case
    serve_three_pages(fake_aws, operation, key, make)
    with anyio.fail_after(10):
        items = [item async for item in call(rek, operation, method, max_results=2)]
    if operation == "ListMediaAnalysisJobs":  # timestamps come back as datetimes
        assert [i.job_id for i in items] == [f"job-{i}" for i in range(5)]
    else:
        assert [i.model_dump(by_alias=True, exclude_none=True) for i in items] == [make(i) for i in range(5)]
    sent = [r.json for r in fake_aws.calls(operation)]
    assert [r.get("NextToken") for r in sent] == [None, "t1", "t2"]
    assert all(r["MaxResults"] == 2 for r in sent)
    if operation.startswith("Get"):
        assert all(r["JobId"] == JOB for r in sent)


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_pages_keep_the_job_fields(
    rek: RekognitionClient, fake_aws: FakeAws, case: tuple[str, str, str, Callable[[int], dict[str, Any]]]
) -> None:
    operation, method, key, make = case
    serve_three_pages(fake_aws, operation, key, make)
    with anyio.fail_after(10):
        pages = [p async for p in call(rek, operation, method).pages()]
    assert len(pages) == 3
    assert [len(getattr(p, key_field(key)) or []) for p in pages] == [2, 2, 1]
    if operation.startswith("Get"):
        for p in pages:
            assert p.job_status == "SUCCEEDED"
            assert p.job_id == JOB
            video = p.video_metadata[0] if isinstance(p.video_metadata, list) else p.video_metadata
            assert video.duration_millis == 60000


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_await_gives_one_page(
    rek: RekognitionClient, fake_aws: FakeAws, case: tuple[str, str, str, Callable[[int], dict[str, Any]]]
) -> None:
    operation, method, key, make = case
    serve_three_pages(fake_aws, operation, key, make)
    first = await call(rek, operation, method, next_token="t0")
    assert first.next_token == "t1"
    assert len(getattr(first, key_field(key))) == 2
    assert [r.json.get("NextToken") for r in fake_aws.calls(operation)] == ["t0"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_repeated_token_raises_pagination_error(
    rek: RekognitionClient, fake_aws: FakeAws, case: tuple[str, str, str, Callable[[int], dict[str, Any]]]
) -> None:
    operation, method, key, make = case
    fake_aws.always(operation, ok(page(operation, key, make, range(1), "stuck")))
    got: list[Any] = []

    async def drain() -> None:
        with anyio.fail_after(10):
            async for item in call(rek, operation, method):
                got.append(item)

    with pytest.raises(base.PaginationError, match=operation):
        await drain()
    assert len(got) == len(fake_aws.calls(operation)) == 2


def key_field(key: str) -> str:
    """The Python name of a reply member."""
    return field_name(key)
