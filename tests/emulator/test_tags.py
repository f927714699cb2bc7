"""Tags on every taggable Rekognition resource of the emulator, through the SDK: both collection ARN forms, limits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import Emulator, Timings
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import (
    StreamProcessorInput,
    StreamProcessorOutput,
    StreamProcessorSettings,
)

from ._model_support import OUTPUT, trainable_project
from ._support import ACCOUNT, assert_rek_error, rek_raw

pytestmark = pytest.mark.anyio

CREATED = {"team": "vision", "cost-center": "42"}
Make = Callable[[RekognitionClient], Awaitable[str]]


async def collection(rek: RekognitionClient) -> str:
    arn = (await rek.create_collection(collection_id="faces", tags=CREATED)).collection_arn
    assert arn is not None
    return arn


async def project(rek: RekognitionClient) -> str:
    arn = (await rek.create_project(project_name="tagged", tags=CREATED)).project_arn
    assert arn is not None
    return arn


async def dataset(rek: RekognitionClient) -> str:
    parent = await project(rek)
    arn = (await rek.create_dataset(project_arn=parent, dataset_type="TRAIN", tags=CREATED)).dataset_arn
    assert arn is not None
    return arn


async def model_version(rek: RekognitionClient) -> str:
    trainable = await trainable_project(rek)
    created = await rek.create_project_version(
        project_arn=trainable.project_arn, version_name="v1", output_config=OUTPUT, tags=CREATED
    )
    assert created.project_version_arn is not None
    return created.project_version_arn


async def stream_processor(rek: RekognitionClient, tags: dict[str, str] = CREATED) -> str:
    await rek.create_collection(collection_id="doors")
    arn = (
        await rek.create_stream_processor(
            name="door",
            input=StreamProcessorInput.model_validate(
                {"KinesisVideoStream": {"Arn": f"arn:aws:kinesisvideo:us-east-1:{ACCOUNT}:stream/door/1"}}
            ),
            output=StreamProcessorOutput.model_validate(
                {"KinesisDataStream": {"Arn": f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/faces"}}
            ),
            settings=StreamProcessorSettings.model_validate({"FaceSearch": {"CollectionId": "doors"}}),
            role_arn=f"arn:aws:iam::{ACCOUNT}:role/streams",
            tags=tags,
        )
    ).stream_processor_arn
    assert arn is not None
    return arn


KINDS: dict[str, Make] = {
    "collection": collection,
    "project": project,
    "dataset": dataset,
    "model version": model_version,
    "stream processor": stream_processor,
}


@pytest.fixture(autouse=True)
def instant(emu: Emulator) -> None:
    emu.state.timings = Timings.instant()


@pytest.mark.parametrize("kind", KINDS)
async def test_tags_given_at_creation_then_added_replaced_and_removed(rek: RekognitionClient, kind: str) -> None:
    arn = await KINDS[kind](rek)

    at_creation = (await rek.list_tags_for_resource(resource_arn=arn)).tags
    await rek.tag_resource(resource_arn=arn, tags={"team": "faces", "stage": "prod"})
    tagged = (await rek.list_tags_for_resource(resource_arn=arn)).tags
    await rek.untag_resource(resource_arn=arn, tag_keys=["cost-center", "not-there"])
    untagged = (await rek.list_tags_for_resource(resource_arn=arn)).tags

    assert at_creation == CREATED
    assert tagged == {"team": "faces", "cost-center": "42", "stage": "prod"}
    assert untagged == {"team": "faces", "stage": "prod"}


async def test_a_collection_is_reached_by_both_of_its_arn_forms(rek: RekognitionClient) -> None:
    returned = await collection(rek)
    documented = f"arn:aws:rekognition:us-east-1:{ACCOUNT}:collection/faces"

    assert returned == f"aws:rekognition:us-east-1:{ACCOUNT}:collection/faces"
    await rek.tag_resource(resource_arn=documented, tags={"via": "documented"})
    assert (await rek.list_tags_for_resource(resource_arn=returned)).tags == {**CREATED, "via": "documented"}
    await rek.untag_resource(resource_arn=returned, tag_keys=["team"])
    assert (await rek.list_tags_for_resource(resource_arn=documented)).tags == {
        "cost-center": "42",
        "via": "documented",
    }


async def test_tags_of_a_deleted_resource_are_gone_with_it(rek: RekognitionClient) -> None:
    arn = await collection(rek)
    await rek.delete_collection(collection_id="faces")

    for call in (
        rek.list_tags_for_resource(resource_arn=arn),
        rek.tag_resource(resource_arn=arn, tags={"a": "b"}),
        rek.untag_resource(resource_arn=arn, tag_keys=["team"]),
    ):
        with pytest.raises(rek_errors.ResourceNotFoundException):
            await call
    again = (await rek.create_collection(collection_id="faces")).collection_arn
    assert again == arn
    assert (await rek.list_tags_for_resource(resource_arn=arn)).tags == {}


@pytest.mark.parametrize(
    "arn",
    [
        f"arn:aws:rekognition:us-east-1:{ACCOUNT}:collection/nobody",
        f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/nothing/1700000000000",
        f"arn:aws:rekognition:us-east-1:{ACCOUNT}:streamprocessor/ghost",
        "arn:aws:s3:::a-bucket-not-a-rekognition-resource",
    ],
)
async def test_an_arn_of_no_resource_is_not_found(rek: RekognitionClient, arn: str) -> None:
    await collection(rek)
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.list_tags_for_resource(resource_arn=arn)
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.tag_resource(resource_arn=arn, tags={"a": "b"})


async def test_a_resource_holds_at_most_fifty_tags(rek: RekognitionClient) -> None:
    arn = await collection(rek)  # 2 tags
    await rek.tag_resource(resource_arn=arn, tags={f"k{n}": "v" for n in range(48)})
    # Replacing values does not add tags.
    await rek.tag_resource(resource_arn=arn, tags={"k0": "new", "team": "other"})

    with pytest.raises(rek_errors.ServiceQuotaExceededException):
        await rek.tag_resource(resource_arn=arn, tags={"one-more": "v"})
    assert len((await rek.list_tags_for_resource(resource_arn=arn)).tags or {}) == 50


async def test_a_stream_processor_is_not_created_with_more_than_fifty_tags(
    rek: RekognitionClient, emu: Emulator
) -> None:
    with pytest.raises(rek_errors.ServiceQuotaExceededException):
        await stream_processor(rek, tags={f"k{n}": "v" for n in range(51)})
    assert emu.state.stream_processors == {}


async def test_a_collection_or_model_version_is_not_created_with_more_than_fifty_tags(
    rek: RekognitionClient, emu: Emulator
) -> None:
    many = {f"k{n}": "v" for n in range(51)}
    with pytest.raises(rek_errors.ServiceQuotaExceededException):
        await rek.create_collection(collection_id="crowded", tags=many)
    project = await trainable_project(rek)
    with pytest.raises(rek_errors.ServiceQuotaExceededException):
        await rek.create_project_version(
            project_arn=project.project_arn, version_name="v1", output_config=OUTPUT, tags=many
        )
    assert emu.state.collections == {}
    assert all(not project.versions for project in emu.state.rek_projects.values())


@pytest.mark.parametrize(
    "tags",
    [
        {"aws:reserved": "v"},  # the prefix is AWS's
        {"k" * 129: "v"},  # keys up to 128 characters
        {"ok": "v" * 257},  # values up to 256
        {"bad#char": "v"},
    ],
)
async def test_keys_and_values_are_checked_as_documented(
    rek: RekognitionClient, emu: Emulator, tags: dict[str, str]
) -> None:
    arn = await collection(rek)

    with pytest.raises(ValueError, match="tags"):  # the SDK checks before sending
        await rek.tag_resource(resource_arn=arn, tags=tags)
    reply = rek_raw(emu.url, "TagResource", {"ResourceArn": arn, "Tags": tags})

    assert_rek_error(reply, "InvalidParameterException")
    assert (await rek.list_tags_for_resource(resource_arn=arn)).tags == CREATED
