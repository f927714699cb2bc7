"""Every Rekognition paginator the emulator serves, across several pages, against its own state.

Small pages and the default page size must give the same items in the same order;
``await`` gives the first page; ``.pages()`` gives every page with its own fields.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from aws_vision_async import AsyncPaginator, RekognitionClient
from aws_vision_async.emulator import Emulator, SampleData, Timings, scene_image
from aws_vision_async.rekognition.models import (
    MediaAnalysisInput,
    MediaAnalysisOperationsConfig,
    MediaAnalysisOutputConfig,
    S3Object,
    StreamProcessorInput,
    StreamProcessorOutput,
    StreamProcessorSettings,
    Video,
)

from ._lifecycle import trained_version

pytestmark = pytest.mark.anyio

POLL = {"min_delay": 0.01, "max_delay": 0.05, "max_wait": 20.0}
VIDEO = Video(s3_object=S3Object(bucket="videos", name="street.mp4"))
Paging = Callable[[int | None], AsyncPaginator[Any, Any]]
COLLECTION = "sample-collection-1"
POLICY = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": '
    '"arn:aws:iam::111122223333:root"}, "Action": "rekognition:CopyProjectVersion", "Resource": "*"}]}'
)
STREAM = "arn:aws:kinesisvideo:us-east-1:123456789012:stream/door/1700000000000"
OUTPUT = "arn:aws:kinesis:us-east-1:123456789012:stream/faces"


@pytest.fixture
def vision_emulator_timings() -> Timings:
    return Timings(video_job=0.05, media_analysis_job=0.05, training=0.05)


async def _sample(emulator: Emulator, rek: RekognitionClient) -> tuple[str, str]:
    """Sample projects, datasets and collections; a TRAIN dataset's ARN and a project's."""
    emulator.reset(sample=SampleData(projects=3, entries=30, collections=3))
    project = await rek.describe_projects(project_names=None)
    first = (project.project_descriptions or [])[0]
    datasets = [d.dataset_arn for d in first.datasets or [] if d.dataset_type == "TRAIN"]
    assert first.project_arn is not None
    assert datasets[0] is not None
    return first.project_arn, datasets[0]


async def _video_job(rek: RekognitionClient, start: Callable[..., Awaitable[Any]], **extra: Any) -> str:
    started = await start(video=VIDEO, **extra)
    return str(started.job_id)


async def _faces(rek: RekognitionClient) -> Paging:
    for person in ("ada", "grace", "alan"):
        await rek.index_faces(collection_id=COLLECTION, image=scene_image(faces=(person,)))
    return lambda size: rek.list_faces(collection_id=COLLECTION, max_results=size)


async def _users(rek: RekognitionClient) -> Paging:
    for user in ("ada", "grace", "alan"):
        await rek.create_user(collection_id=COLLECTION, user_id=user)
    return lambda size: rek.list_users(collection_id=COLLECTION, max_results=size)


async def _policies(rek: RekognitionClient, project_arn: str) -> Paging:
    for policy in ("copy-a", "copy-b", "copy-c"):
        await rek.put_project_policy(project_arn=project_arn, policy_name=policy, policy_document=POLICY)
    return lambda size: rek.list_project_policies(project_arn=project_arn, max_results=size)


async def _stream_processors(rek: RekognitionClient) -> Paging:
    for door in ("front", "back", "garage"):
        await rek.create_stream_processor(
            name=f"door-{door}",
            input=StreamProcessorInput.model_validate({"KinesisVideoStream": {"Arn": STREAM}}),
            output=StreamProcessorOutput.model_validate({"KinesisDataStream": {"Arn": OUTPUT}}),
            settings=StreamProcessorSettings.model_validate({"FaceSearch": {"CollectionId": COLLECTION}}),
            role_arn="arn:aws:iam::123456789012:role/rekognition-streams",
        )
    return lambda size: rek.list_stream_processors(max_results=size)


async def _media_analysis_jobs(rek: RekognitionClient) -> Paging:
    for i in range(3):
        await rek.start_media_analysis_job(
            operations_config=MediaAnalysisOperationsConfig.model_validate(
                {"DetectModerationLabels": {"MinConfidence": 50.0}}
            ),
            input=MediaAnalysisInput(s3_object=S3Object(bucket="media", name=f"manifest-{i}.jsonl")),
            output_config=MediaAnalysisOutputConfig(s3_bucket="results"),
        )
    return lambda size: rek.list_media_analysis_jobs(max_results=size)


async def _versions(rek: RekognitionClient, project_arn: str) -> Paging:
    for version in ("v1", "v2", "v3"):
        await trained_version(rek, project_arn, version)
    return lambda size: rek.describe_project_versions(project_arn=project_arn, max_results=size)


async def _video_results(rek: RekognitionClient, name: str) -> Paging:
    kind = name.removeprefix("get_")
    extra: dict[str, Any] = {}
    if kind == "face_search":
        extra["collection_id"] = COLLECTION
    if kind == "segment_detection":
        extra["segment_types"] = ["SHOT", "TECHNICAL_CUE"]
    job_id = await _video_job(rek, getattr(rek, f"start_{kind}"), **extra)
    await getattr(rek, f"wait_until_{kind}_completed")(job_id=job_id, **POLL)
    method = getattr(rek, name)
    return lambda size: method(job_id=job_id, max_results=size)


async def setup(name: str, emulator: Emulator, rek: RekognitionClient) -> Paging:  # noqa: PLR0911 - one per operation
    """Make the state ``name`` lists; return how to list it with a page size."""
    project_arn, dataset_arn = await _sample(emulator, rek)
    if name == "describe_projects":
        return lambda size: rek.describe_projects(max_results=size)
    if name == "describe_project_versions":
        return await _versions(rek, project_arn)
    if name == "list_dataset_entries":
        return lambda size: rek.list_dataset_entries(dataset_arn=dataset_arn, max_results=size)
    if name == "list_dataset_labels":
        return lambda size: rek.list_dataset_labels(dataset_arn=dataset_arn, max_results=size)
    if name == "list_collections":
        return lambda size: rek.list_collections(max_results=size)
    if name == "list_project_policies":
        return await _policies(rek, project_arn)
    simple = {
        "list_faces": _faces,
        "list_users": _users,
        "list_stream_processors": _stream_processors,
        "list_media_analysis_jobs": _media_analysis_jobs,
    }
    if name in simple:
        return await simple[name](rek)
    return await _video_results(rek, name)


PAGINATED = [
    "describe_projects",
    "describe_project_versions",
    "list_dataset_entries",
    "list_dataset_labels",
    "list_collections",
    "list_faces",
    "list_users",
    "list_project_policies",
    "list_stream_processors",
    "list_media_analysis_jobs",
    "get_label_detection",
    "get_face_detection",
    "get_face_search",
    "get_person_tracking",
    "get_celebrity_recognition",
    "get_content_moderation",
    "get_segment_detection",
    "get_text_detection",
]


@pytest.mark.parametrize("name", PAGINATED)
async def test_small_pages_give_the_same_items_as_one_page(
    emu_rek: RekognitionClient, vision_emulator: Emulator, name: str
) -> None:
    listing = await setup(name, vision_emulator, emu_rek)
    everything = [item async for item in listing(None)]
    assert len(everything) >= 3, name
    small = 2 if name != "list_dataset_entries" else 10
    assert [item async for item in listing(small)] == everything
    pages = [page async for page in listing(small).pages()]
    assert len(pages) >= 2
    assert pages[-1].next_token is None
    first = await listing(small)
    assert first == pages[0]
    if name.startswith("get_"):
        assert all(page.job_status == "SUCCEEDED" for page in pages)  # the job's fields on every page


def test_the_list_covers_every_emulated_paginated_operation() -> None:
    import botocore.session
    from botocore import xform_name

    from aws_vision_async.emulator._state import State

    model = botocore.session.get_session().get_service_model("rekognition")
    handled = State("us-east-1").rekognition
    paged = {
        xform_name(op)
        for op in model.operation_names
        if "NextToken" in model.operation_model(op).input_shape.members and op in handled
    }
    assert paged == set(PAGINATED)
