"""Stored-video and media analysis jobs on the emulator: states by the clock, tokens, the open-job limit, pages.

Through raw aiobotocore (as users' own code calls it) and the SDK's client.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, MAX_OPEN_VIDEO_JOBS, Emulator, Timings
from aws_vision_async.emulator._video_results import MIN_RESULTS, RESULT_KEYS
from aws_vision_async.rekognition.models import S3Object, Video

from ._model_support import ManualClock
from ._support import rek_raw, shared_session

pytestmark = pytest.mark.anyio

VIDEO = {"S3Object": {"Bucket": "videos", "Name": "street.mp4"}}
CORRUPT = {"S3Object": {"Bucket": "videos", "Name": "clips/corrupt-01.mp4"}}
MEDIA = {
    "OperationsConfig": {"DetectModerationLabels": {"MinConfidence": 50.0}},
    "Input": {"S3Object": {"Bucket": "media", "Name": "manifest.jsonl"}},
    "OutputConfig": {"S3Bucket": "results", "S3KeyPrefix": "out"},
}


def start_params(kind: str, video: dict[str, Any] = VIDEO, **extra: Any) -> dict[str, Any]:
    """The parameters of ``Start<kind>`` on ``video``."""
    params: dict[str, Any] = {"Video": video, **extra}
    if kind == "FaceSearch":
        params["CollectionId"] = "faces"
    if kind == "SegmentDetection":
        params["SegmentTypes"] = ["SHOT", "TECHNICAL_CUE"]
    return params


@pytest.fixture
def clock(emu: Emulator) -> ManualClock:
    clock = ManualClock()
    emu.state.clock = clock
    emu.state.create_collection({"CollectionId": "faces"})
    return clock


@pytest.fixture
async def raw(emu: Emulator, anyio_backend: str) -> AsyncIterator[Any]:
    """A plain aiobotocore Rekognition client of the emulator."""
    session = shared_session(anyio_backend)
    async with session.create_client(
        "rekognition", region_name="us-east-1", endpoint_url=emu.url, **EMULATOR_CREDENTIALS
    ) as client:
        yield client


async def call(raw: Any, operation: str, **params: Any) -> dict[str, Any]:
    reply: dict[str, Any] = await getattr(raw, xform_name(operation))(**params)
    reply.pop("ResponseMetadata", None)
    return reply


def error_code(info: pytest.ExceptionInfo[ClientError]) -> str:
    return str(info.value.response["Error"]["Code"])


async def all_pages(raw: Any, operation: str, key: str, **params: Any) -> tuple[list[Any], int]:
    """Every item of ``key`` over the pages of ``operation``, and how many pages there were."""
    items: list[Any] = []
    pages = 0
    token: str | None = None
    while True:
        reply = await call(raw, operation, **params, **({"NextToken": token} if token else {}))
        items += reply[key]
        pages += 1
        token = reply.get("NextToken")
        if token is None:
            return items, pages


# -- states ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(RESULT_KEYS))
async def test_each_kind_is_in_progress_for_its_timing_then_succeeds_with_results(
    raw: Any, emu: Emulator, clock: ManualClock, kind: str
) -> None:
    job_id = (await call(raw, f"Start{kind}", **start_params(kind)))["JobId"]

    first = await call(raw, f"Get{kind}", JobId=job_id)
    clock.advance(Timings().video_job)
    done = await call(raw, f"Get{kind}", JobId=job_id)

    assert first["JobStatus"] == "IN_PROGRESS"
    assert "VideoMetadata" not in first
    assert done["JobStatus"] == "SUCCEEDED"
    assert done["JobId"] == job_id
    assert done["Video"] == VIDEO
    assert len(done[RESULT_KEYS[kind]]) >= MIN_RESULTS
    metadata = done["VideoMetadata"][0] if kind == "SegmentDetection" else done["VideoMetadata"]
    assert metadata["DurationMillis"] > 0
    assert metadata["FrameRate"] > 0


async def test_the_timing_in_force_at_the_start_counts(raw: Any, emu: Emulator, clock: ManualClock) -> None:
    emu.state.timings = Timings(video_job=5.0)
    job_id = (await call(raw, "StartLabelDetection", Video=VIDEO))["JobId"]

    clock.advance(4.9)
    assert (await call(raw, "GetLabelDetection", JobId=job_id))["JobStatus"] == "IN_PROGRESS"
    clock.advance(0.1)
    assert (await call(raw, "GetLabelDetection", JobId=job_id))["JobStatus"] == "SUCCEEDED"


@pytest.mark.parametrize("kind", sorted(RESULT_KEYS))
async def test_a_corrupt_video_fails_with_a_status_message(raw: Any, clock: ManualClock, kind: str) -> None:
    job_id = (await call(raw, f"Start{kind}", **start_params(kind, CORRUPT)))["JobId"]
    clock.advance(Timings().video_job)

    reply = await call(raw, f"Get{kind}", JobId=job_id)

    assert reply["JobStatus"] == "FAILED"
    assert "corrupt" in reply["StatusMessage"]
    assert reply.get(RESULT_KEYS[kind], []) == []


async def test_an_unknown_job_id_is_not_found(raw: Any, clock: ManualClock) -> None:
    with pytest.raises(ClientError) as info:
        await call(raw, "GetLabelDetection", JobId="0" * 64)
    assert error_code(info) == "ResourceNotFoundException"

    # A job of another kind is not found either.
    job_id = (await call(raw, "StartFaceDetection", Video=VIDEO))["JobId"]
    with pytest.raises(ClientError) as info:
        await call(raw, "GetLabelDetection", JobId=job_id)
    assert error_code(info) == "ResourceNotFoundException"

    with pytest.raises(ClientError) as info:
        await call(raw, "GetMediaAnalysisJob", JobId="0" * 64)
    assert error_code(info) == "ResourceNotFoundException"


async def test_face_search_needs_the_collection(raw: Any, clock: ManualClock) -> None:
    with pytest.raises(ClientError) as info:
        await call(raw, "StartFaceSearch", Video=VIDEO, CollectionId="nobody")
    assert error_code(info) == "ResourceNotFoundException"


async def test_requests_are_validated_by_the_model(emu: Emulator) -> None:
    reply = rek_raw(emu.url, "GetLabelDetection", {"JobId": "bad id!"})
    no_video = rek_raw(emu.url, "StartLabelDetection", {})

    assert (reply.status, reply.json()["__type"]) == (400, "InvalidParameterException")
    assert (no_video.status, no_video.json()["__type"]) == (400, "InvalidParameterException")


# -- idempotency ------------------------------------------------------------------------------------


async def test_a_repeated_client_request_token_returns_the_same_job(
    raw: Any, emu: Emulator, clock: ManualClock
) -> None:
    first = await call(raw, "StartLabelDetection", Video=VIDEO, ClientRequestToken="run-1")
    again = await call(raw, "StartLabelDetection", Video=VIDEO, ClientRequestToken="run-1")
    other = await call(raw, "StartLabelDetection", Video=VIDEO, ClientRequestToken="run-2")

    assert first["JobId"] == again["JobId"] != other["JobId"]
    assert len(emu.state.video_jobs) == 2

    with pytest.raises(ClientError) as info:
        await call(raw, "StartLabelDetection", Video=CORRUPT, ClientRequestToken="run-1")
    assert error_code(info) == "IdempotentParameterMismatchException"


async def test_a_repeated_media_analysis_token_returns_the_same_job(
    raw: Any, emu: Emulator, clock: ManualClock
) -> None:
    first = await call(raw, "StartMediaAnalysisJob", **MEDIA, ClientRequestToken="media-1")
    again = await call(raw, "StartMediaAnalysisJob", **MEDIA, ClientRequestToken="media-1")

    assert first["JobId"] == again["JobId"]
    assert len(emu.state.media_analysis_jobs) == 1


async def test_the_sdk_starts_a_job_once_per_call_and_reads_it(
    emu_rek: RekognitionClient, vision_emulator: Emulator
) -> None:
    video = Video(s3_object=S3Object(bucket="videos", name="street.mp4"))
    started = await emu_rek.start_label_detection(video=video, client_request_token="sdk-1")
    again = await emu_rek.start_label_detection(video=video, client_request_token="sdk-1")
    assert started.job_id == again.job_id

    vision_emulator.state.timings = Timings.instant()
    quick = await emu_rek.start_label_detection(video=video)
    page = await emu_rek.get_label_detection(job_id=quick.job_id or "", max_results=2)

    assert page.job_status == "SUCCEEDED"
    assert page.labels is not None
    assert len(page.labels) == 2
    assert page.next_token is not None
    rest = await emu_rek.get_label_detection(job_id=quick.job_id or "", max_results=2, next_token=page.next_token)
    assert rest.labels is not None
    assert rest.labels != page.labels


# -- the open-job limit -----------------------------------------------------------------------------


async def test_at_most_20_video_jobs_are_open_then_a_start_is_refused_until_one_ends(
    raw: Any, emu: Emulator, clock: ManualClock
) -> None:
    kinds = sorted(RESULT_KEYS)
    for n in range(MAX_OPEN_VIDEO_JOBS):
        kind = kinds[n % len(kinds)]
        await call(raw, f"Start{kind}", **start_params(kind))
    # Media analysis jobs are counted apart.
    await call(raw, "StartMediaAnalysisJob", **MEDIA)

    with pytest.raises(ClientError) as info:
        await call(raw, "StartTextDetection", Video=VIDEO)

    assert error_code(info) == "LimitExceededException"
    assert len(emu.state.open_video_jobs()) == MAX_OPEN_VIDEO_JOBS
    clock.advance(Timings().video_job)
    assert emu.state.open_video_jobs() == []
    assert (await call(raw, "StartTextDetection", Video=VIDEO))["JobId"]


async def test_the_limit_is_configurable(raw: Any, emu: Emulator, clock: ManualClock) -> None:
    emu.state.open_video_jobs_limit = 1
    await call(raw, "StartLabelDetection", Video=VIDEO)

    with pytest.raises(ClientError) as info:
        await call(raw, "StartFaceDetection", Video=VIDEO)

    assert error_code(info) == "LimitExceededException"


async def test_a_repeated_token_at_the_limit_still_returns_its_job(raw: Any, emu: Emulator, clock: ManualClock) -> None:
    emu.state.open_video_jobs_limit = 1
    first = await call(raw, "StartLabelDetection", Video=VIDEO, ClientRequestToken="t")

    again = await call(raw, "StartLabelDetection", Video=VIDEO, ClientRequestToken="t")

    assert again["JobId"] == first["JobId"]


# -- results and pages -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(RESULT_KEYS))
async def test_results_span_pages_and_are_the_same_for_the_same_video(
    raw: Any, emu: Emulator, clock: ManualClock, kind: str
) -> None:
    emu.state.timings = Timings.instant()
    one = (await call(raw, f"Start{kind}", **start_params(kind)))["JobId"]
    two = (await call(raw, f"Start{kind}", **start_params(kind)))["JobId"]
    key = RESULT_KEYS[kind]

    whole = (await call(raw, f"Get{kind}", JobId=one))[key]
    paged, pages = await all_pages(raw, f"Get{kind}", key, JobId=one, MaxResults=2)
    again, _ = await all_pages(raw, f"Get{kind}", key, JobId=two, MaxResults=3)

    assert len(whole) >= MIN_RESULTS
    assert paged == whole == again
    assert pages == -(-len(whole) // 2) >= 3


async def test_another_video_gives_other_results(raw: Any, emu: Emulator, clock: ManualClock) -> None:
    emu.state.timings = Timings.instant()
    other = {"S3Object": {"Bucket": "videos", "Name": "harbour.mp4"}}
    one = (await call(raw, "StartLabelDetection", Video=VIDEO))["JobId"]
    two = (await call(raw, "StartLabelDetection", Video=other))["JobId"]

    assert (await call(raw, "GetLabelDetection", JobId=one))["Labels"] != (
        await call(raw, "GetLabelDetection", JobId=two)
    )["Labels"]


async def test_a_token_of_another_job_or_order_is_refused(raw: Any, emu: Emulator, clock: ManualClock) -> None:
    emu.state.timings = Timings.instant()
    one = (await call(raw, "StartLabelDetection", Video=VIDEO))["JobId"]
    two = (await call(raw, "StartLabelDetection", Video=VIDEO))["JobId"]
    token = (await call(raw, "GetLabelDetection", JobId=one, MaxResults=1))["NextToken"]

    for params in ({"JobId": two}, {"JobId": one, "SortBy": "NAME"}):
        with pytest.raises(ClientError) as info:
            await call(raw, "GetLabelDetection", **params, NextToken=token)
        assert error_code(info) == "InvalidPaginationTokenException"


@pytest.mark.parametrize("kind", ["LabelDetection", "ContentModeration"])
async def test_sort_by_name_or_timestamp_and_aggregate_by_segments(
    raw: Any, emu: Emulator, clock: ManualClock, kind: str
) -> None:
    emu.state.timings = Timings.instant()
    job_id = (await call(raw, f"Start{kind}", Video=VIDEO))["JobId"]
    key, member = RESULT_KEYS[kind], "Label" if kind == "LabelDetection" else "ModerationLabel"

    by_time = await call(raw, f"Get{kind}", JobId=job_id)
    by_name, _ = await all_pages(raw, f"Get{kind}", key, JobId=job_id, SortBy="NAME", MaxResults=4)
    segments = await call(raw, f"Get{kind}", JobId=job_id, AggregateBy="SEGMENTS")

    assert by_time["GetRequestMetadata"] == {"SortBy": "TIMESTAMP", "AggregateBy": "TIMESTAMPS"}
    times = [item["Timestamp"] for item in by_time[key]]
    assert times == sorted(times)
    names = [item[member]["Name"] for item in by_name]
    assert names == sorted(names)
    assert sorted(map(repr, by_name)) == sorted(map(repr, by_time[key]))
    assert segments["GetRequestMetadata"]["AggregateBy"] == "SEGMENTS"
    assert len(segments[key]) >= MIN_RESULTS
    # One segment per thing found, spanning its moments: fewer items, no instances.
    assert len(segments[key]) < len(by_time[key])
    assert all(item["DurationMillis"] > 0 for item in segments[key])
    assert all("Instances" not in item[member] for item in segments[key])


@pytest.mark.parametrize(("kind", "order"), [("PersonTracking", "INDEX"), ("FaceSearch", "INDEX")])
async def test_people_sort_by_index(raw: Any, emu: Emulator, clock: ManualClock, kind: str, order: str) -> None:
    emu.state.timings = Timings.instant()
    job_id = (await call(raw, f"Start{kind}", **start_params(kind)))["JobId"]

    persons = (await call(raw, f"Get{kind}", JobId=job_id, SortBy=order))["Persons"]

    indexes = [p["Person"]["Index"] for p in persons]
    assert indexes == sorted(indexes)
    assert len(set(indexes)) >= MIN_RESULTS


async def test_celebrities_sort_by_id(raw: Any, emu: Emulator, clock: ManualClock) -> None:
    emu.state.timings = Timings.instant()
    job_id = (await call(raw, "StartCelebrityRecognition", Video=VIDEO))["JobId"]

    celebrities = (await call(raw, "GetCelebrityRecognition", JobId=job_id, SortBy="ID"))["Celebrities"]

    ids = [c["Celebrity"]["Id"] for c in celebrities]
    assert ids == sorted(ids)


async def test_segment_detection_finds_the_types_asked_for(raw: Any, emu: Emulator, clock: ManualClock) -> None:
    emu.state.timings = Timings.instant()
    job_id = (await call(raw, "StartSegmentDetection", Video=VIDEO, SegmentTypes=["TECHNICAL_CUE"]))["JobId"]

    reply = await call(raw, "GetSegmentDetection", JobId=job_id)

    assert {s["Type"] for s in reply["Segments"]} == {"TECHNICAL_CUE"}
    assert reply["SelectedSegmentTypes"] == [{"Type": "TECHNICAL_CUE", "ModelVersion": "1.0"}]
    assert reply["AudioMetadata"][0]["NumberOfChannels"] == 2


# -- media analysis -----------------------------------------------------------------------------------


async def test_a_media_analysis_job_succeeds_or_fails_after_its_timing(
    raw: Any, emu: Emulator, clock: ManualClock
) -> None:
    good = (await call(raw, "StartMediaAnalysisJob", **MEDIA, JobName="nightly"))["JobId"]
    bad_input = {"S3Object": {"Bucket": "media", "Name": "corrupt.jsonl"}}
    bad = (await call(raw, "StartMediaAnalysisJob", **{**MEDIA, "Input": bad_input}))["JobId"]

    assert (await call(raw, "GetMediaAnalysisJob", JobId=good))["Status"] == "IN_PROGRESS"
    clock.advance(Timings().media_analysis_job)
    done = await call(raw, "GetMediaAnalysisJob", JobId=good)
    failed = await call(raw, "GetMediaAnalysisJob", JobId=bad)

    assert done["Status"] == "SUCCEEDED"
    assert done["JobName"] == "nightly"
    assert done["Results"]["S3Object"]["Bucket"] == "results"
    assert done["Results"]["S3Object"]["Name"].startswith(f"out/{good}/")
    assert "CompletionTimestamp" in done
    assert failed["Status"] == "FAILED"
    assert failed["FailureDetails"]["Message"]
    assert "Results" not in failed


async def test_list_media_analysis_jobs_pages(raw: Any, emu: Emulator, clock: ManualClock) -> None:
    started = [(await call(raw, "StartMediaAnalysisJob", **MEDIA, JobName=f"job-{n}"))["JobId"] for n in range(7)]

    listed, pages = await all_pages(raw, "ListMediaAnalysisJobs", "MediaAnalysisJobs", MaxResults=3)

    assert [job["JobId"] for job in listed] == started
    assert pages == 3
    assert {job["Status"] for job in listed} == {"IN_PROGRESS"}
    with pytest.raises(ClientError) as info:
        await call(raw, "ListMediaAnalysisJobs", NextToken="bm90IGEgdG9rZW4=")
    assert error_code(info) == "InvalidPaginationTokenException"
