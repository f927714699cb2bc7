"""Stream processors on the emulator, through the SDK: statuses by the clock, errors, paging, concurrent starts."""

from __future__ import annotations

import re
import uuid
from typing import Any

import anyio
import pytest
from pydantic import BaseModel

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import Emulator, Timings
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import (
    RegionOfInterest,
    StreamProcessingStartSelector,
    StreamProcessingStopSelector,
    StreamProcessorDataSharingPreference,
    StreamProcessorInput,
    StreamProcessorNotificationChannel,
    StreamProcessorOutput,
    StreamProcessorSettings,
    StreamProcessorSettingsForUpdate,
)

from ._model_support import ManualClock
from ._support import ACCOUNT

pytestmark = pytest.mark.anyio

ROLE = f"arn:aws:iam::{ACCOUNT}:role/rekognition-streams"
VIDEO_STREAM = {"KinesisVideoStream": {"Arn": f"arn:aws:kinesisvideo:us-east-1:{ACCOUNT}:stream/door/1700000000000"}}
DATA_STREAM = {"KinesisDataStream": {"Arn": f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/faces"}}
S3_OUT = {"S3Destination": {"Bucket": "doorbell", "KeyPrefix": "events/"}}
TOPIC = {"SNSTopicArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:doorbell"}
FACES = {"FaceSearch": {"CollectionId": "faces", "FaceMatchThreshold": 85.0}}
HOME = {"ConnectedHome": {"Labels": ["PERSON", "PACKAGE"], "MinConfidence": 60.0}}
BOX = {"BoundingBox": {"Width": 0.5, "Height": 0.5, "Left": 0.1, "Top": 0.1}}
START = StreamProcessingStartSelector.model_validate({"KVSStreamStartSelector": {"ProducerTimestamp": 1700000000000}})


@pytest.fixture
def clock(emu: Emulator) -> ManualClock:
    clock = ManualClock()
    emu.state.clock = clock
    emu.state.create_collection({"CollectionId": "faces"})
    return clock


async def face_search(rek: RekognitionClient, name: str = "door", **extra: Any) -> str:
    reply = await rek.create_stream_processor(
        name=name,
        input=StreamProcessorInput.model_validate(VIDEO_STREAM),
        output=StreamProcessorOutput.model_validate(DATA_STREAM),
        settings=StreamProcessorSettings.model_validate(FACES),
        role_arn=ROLE,
        **extra,
    )
    assert reply.stream_processor_arn is not None
    return reply.stream_processor_arn


async def connected_home(rek: RekognitionClient, name: str = "porch", **extra: Any) -> str:
    reply = await rek.create_stream_processor(
        name=name,
        input=StreamProcessorInput.model_validate(VIDEO_STREAM),
        output=StreamProcessorOutput.model_validate(S3_OUT),
        settings=StreamProcessorSettings.model_validate(HOME),
        role_arn=ROLE,
        notification_channel=StreamProcessorNotificationChannel.model_validate(TOPIC),
        **extra,
    )
    assert reply.stream_processor_arn is not None
    return reply.stream_processor_arn


def wire(model: BaseModel | None) -> Any:
    """A reply's member as the service sent it."""
    assert model is not None
    return model.model_dump(by_alias=True, exclude_none=True)


async def status(rek: RekognitionClient, name: str) -> str:
    return str((await rek.describe_stream_processor(name=name)).status)


# -- creation -------------------------------------------------------------------------------------


async def test_a_new_processor_is_stopped_and_described_as_created(rek: RekognitionClient, clock: ManualClock) -> None:
    arn = await connected_home(
        rek,
        kms_key_id="alias/doorbell",
        regions_of_interest=[RegionOfInterest.model_validate(BOX)],
        data_sharing_preference=StreamProcessorDataSharingPreference(opt_in=False),
    )

    desc = await rek.describe_stream_processor(name="porch")

    assert arn == f"arn:aws:rekognition:us-east-1:{ACCOUNT}:streamprocessor/porch"
    assert (desc.name, desc.stream_processor_arn, desc.status) == ("porch", arn, "STOPPED")
    assert desc.status_message
    assert desc.creation_timestamp == desc.last_update_timestamp
    assert desc.creation_timestamp is not None
    assert abs(desc.creation_timestamp.timestamp() - clock.now) < 1
    assert (wire(desc.input), wire(desc.output), wire(desc.settings)) == (VIDEO_STREAM, S3_OUT, HOME)
    assert wire(desc.notification_channel) == TOPIC
    assert (desc.role_arn, desc.kms_key_id) == (ROLE, "alias/doorbell")
    assert [wire(r) for r in desc.regions_of_interest or []] == [BOX]
    assert wire(desc.data_sharing_preference) == {"OptIn": False}


async def test_the_same_create_twice_is_one_processor_and_another_under_its_name_is_in_use(
    rek: RekognitionClient, emu: Emulator, clock: ManualClock
) -> None:
    first = await face_search(rek)
    again = await face_search(rek)

    assert first == again
    assert list(emu.state.stream_processors) == ["door"]
    with pytest.raises(rek_errors.ResourceInUseException):
        await connected_home(rek, name="door")


async def test_face_search_needs_an_existing_collection(rek: RekognitionClient, clock: ManualClock) -> None:
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.create_stream_processor(
            name="nobody",
            input=StreamProcessorInput.model_validate(VIDEO_STREAM),
            output=StreamProcessorOutput.model_validate(DATA_STREAM),
            settings=StreamProcessorSettings.model_validate({"FaceSearch": {"CollectionId": "missing"}}),
            role_arn=ROLE,
        )


@pytest.mark.parametrize(
    ("output", "settings", "extra"),
    [
        (S3_OUT, FACES, {}),  # face search writes to a Kinesis data stream
        (DATA_STREAM, HOME, {"NotificationChannel": TOPIC}),  # label detection writes to S3
        (S3_OUT, HOME, {}),  # label detection needs an SNS topic
        (S3_OUT, {"ConnectedHome": {"Labels": ["CAR"]}}, {"NotificationChannel": TOPIC}),
        (DATA_STREAM, {**FACES, **HOME}, {}),
        (DATA_STREAM, FACES, {"KmsKeyId": "alias/k"}),  # not for face search
        (DATA_STREAM, FACES, {"RegionsOfInterest": [BOX]}),
    ],
)
async def test_settings_that_do_not_go_together_are_invalid(
    rek: RekognitionClient, emu: Emulator, clock: ManualClock, *, output: Any, settings: Any, extra: dict[str, Any]
) -> None:
    params: dict[str, Any] = {
        "name": "bad",
        "input": StreamProcessorInput.model_validate(VIDEO_STREAM),
        "output": StreamProcessorOutput.model_validate(output),
        "settings": StreamProcessorSettings.model_validate(settings),
        "role_arn": ROLE,
    }
    if "NotificationChannel" in extra:
        params["notification_channel"] = StreamProcessorNotificationChannel.model_validate(TOPIC)
    if "KmsKeyId" in extra:
        params["kms_key_id"] = extra["KmsKeyId"]
    if "RegionsOfInterest" in extra:
        params["regions_of_interest"] = [RegionOfInterest.model_validate(BOX)]

    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.create_stream_processor(**params)
    assert emu.state.stream_processors == {}


# -- start and stop ---------------------------------------------------------------------------------


async def test_start_then_stop_go_through_their_statuses_by_the_timings(
    rek: RekognitionClient, emu: Emulator, clock: ManualClock
) -> None:
    emu.state.timings = Timings(stream_processor_start=2.0, stream_processor_stop=3.0)
    await face_search(rek)

    started = await rek.start_stream_processor(name="door")
    assert started.session_id is not None
    assert uuid.UUID(started.session_id).version == 4
    assert await status(rek, "door") == "STARTING"
    clock.advance(1.9)
    assert await status(rek, "door") == "STARTING"
    clock.advance(0.1)
    desc = await rek.describe_stream_processor(name="door")
    assert desc.status == "RUNNING"
    assert desc.last_update_timestamp is not None
    assert desc.creation_timestamp is not None
    assert desc.last_update_timestamp > desc.creation_timestamp
    assert [(p.name, p.status) async for p in rek.list_stream_processors()] == [("door", "RUNNING")]

    await rek.stop_stream_processor(name="door")
    assert await status(rek, "door") == "STOPPING"
    clock.advance(3.0)
    assert await status(rek, "door") == "STOPPED"

    again = await rek.start_stream_processor(name="door")
    assert again.session_id != started.session_id


async def test_starting_a_started_one_and_stopping_a_stopped_one_are_in_use(
    rek: RekognitionClient, clock: ManualClock
) -> None:
    await face_search(rek)
    with pytest.raises(rek_errors.ResourceInUseException):
        await rek.stop_stream_processor(name="door")

    await rek.start_stream_processor(name="door")
    with pytest.raises(rek_errors.ResourceInUseException):
        await rek.start_stream_processor(name="door")  # STARTING
    with pytest.raises(rek_errors.ResourceInUseException):
        await rek.stop_stream_processor(name="door")  # not RUNNING yet
    clock.advance(Timings().stream_processor_start)
    with pytest.raises(rek_errors.ResourceInUseException):
        await rek.start_stream_processor(name="door")  # RUNNING


async def test_unknown_processors_are_not_found(rek: RekognitionClient, clock: ManualClock) -> None:
    for call in (
        rek.describe_stream_processor,
        rek.start_stream_processor,
        rek.stop_stream_processor,
        rek.update_stream_processor,
        rek.delete_stream_processor,
    ):
        with pytest.raises(rek_errors.ResourceNotFoundException):
            await call(name="ghost")


async def test_a_label_detection_processor_needs_selectors_and_stops_after_its_duration(
    rek: RekognitionClient, emu: Emulator, clock: ManualClock
) -> None:
    emu.state.timings = Timings(stream_processor_start=1.0, stream_processor_stop=1.0)
    await connected_home(rek)
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.start_stream_processor(name="porch")
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.start_stream_processor(name="porch", start_selector=START)

    stop = StreamProcessingStopSelector(max_duration_in_seconds=30)
    await rek.start_stream_processor(name="porch", start_selector=START, stop_selector=stop)

    seen: list[str] = []
    for step in (0.0, 1.0, 29.9, 0.1, 1.0):
        clock.advance(step)
        seen.append(await status(rek, "porch"))
    assert seen == ["STARTING", "RUNNING", "RUNNING", "STOPPING", "STOPPED"]


async def test_a_face_search_processor_takes_no_selectors(rek: RekognitionClient, clock: ManualClock) -> None:
    await face_search(rek)
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.start_stream_processor(name="door", start_selector=START)
    assert await status(rek, "door") == "STOPPED"


async def test_concurrent_starts_start_it_once(rek: RekognitionClient, emu: Emulator, clock: ManualClock) -> None:
    await face_search(rek)
    outcomes: list[str] = []

    async def start() -> None:
        try:
            reply = await rek.start_stream_processor(name="door")
            outcomes.append(str(reply.session_id))
        except rek_errors.ResourceInUseException:
            outcomes.append("in use")

    async with anyio.create_task_group() as tg:
        for _ in range(4):
            tg.start_soon(start)

    assert sorted(outcomes).count("in use") == 3
    session = next(o for o in outcomes if o != "in use")
    assert emu.state.stream_processors["door"].session_id == session


# -- update and delete --------------------------------------------------------------------------------


async def test_an_update_changes_the_settings_and_is_updating_for_its_timing(
    rek: RekognitionClient, emu: Emulator, clock: ManualClock
) -> None:
    emu.state.timings = Timings(stream_processor_update=2.0)
    await connected_home(rek, regions_of_interest=[RegionOfInterest.model_validate(BOX)])
    update = StreamProcessorSettingsForUpdate.model_validate({"ConnectedHomeForUpdate": {"Labels": ["PET"]}})

    await rek.update_stream_processor(
        name="porch",
        settings_for_update=update,
        data_sharing_preference_for_update=StreamProcessorDataSharingPreference(opt_in=True),
        parameters_to_delete=["ConnectedHomeMinConfidence", "RegionsOfInterest"],
    )

    desc = await rek.describe_stream_processor(name="porch")
    assert desc.status == "UPDATING"
    assert wire(desc.settings) == {"ConnectedHome": {"Labels": ["PET"]}}
    assert desc.regions_of_interest is None
    assert wire(desc.data_sharing_preference) == {"OptIn": True}
    with pytest.raises(rek_errors.ResourceInUseException):
        await rek.start_stream_processor(
            name="porch", start_selector=START, stop_selector=StreamProcessingStopSelector()
        )
    clock.advance(2.0)
    assert await status(rek, "porch") == "STOPPED"


async def test_updates_that_do_not_fit_the_processor_are_refused(rek: RekognitionClient, clock: ManualClock) -> None:
    await face_search(rek)
    await connected_home(rek)
    home = StreamProcessorSettingsForUpdate.model_validate({"ConnectedHomeForUpdate": {"MinConfidence": 70.0}})

    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.update_stream_processor(name="door", settings_for_update=home)  # face search
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.update_stream_processor(
            name="porch", settings_for_update=home, parameters_to_delete=["ConnectedHomeMinConfidence"]
        )
    await rek.start_stream_processor(name="door")
    with pytest.raises(rek_errors.ResourceInUseException):
        await rek.update_stream_processor(
            name="door", data_sharing_preference_for_update=StreamProcessorDataSharingPreference(opt_in=True)
        )


async def test_delete_refuses_a_running_processor_and_forgets_a_stopped_one_with_its_tags(
    rek: RekognitionClient, clock: ManualClock
) -> None:
    arn = await face_search(rek, tags={"team": "doors"})
    await rek.start_stream_processor(name="door")
    clock.advance(Timings().stream_processor_start)
    with pytest.raises(rek_errors.ResourceInUseException):
        await rek.delete_stream_processor(name="door")
    await rek.stop_stream_processor(name="door")
    clock.advance(Timings().stream_processor_stop)

    await rek.delete_stream_processor(name="door")

    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.describe_stream_processor(name="door")
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.list_tags_for_resource(resource_arn=arn)
    assert await face_search(rek) == arn
    assert (await rek.list_tags_for_resource(resource_arn=arn)).tags == {}


# -- listing ------------------------------------------------------------------------------------------


async def test_list_pages_through_every_processor_in_creation_order(rek: RekognitionClient, clock: ManualClock) -> None:
    names = [f"cam-{n}" for n in range(5)]
    for name in names:
        await face_search(rek, name=name)
    await rek.start_stream_processor(name="cam-3")

    pages = [page async for page in rek.list_stream_processors(max_results=2).pages()]

    assert [len(page.stream_processors or []) for page in pages] == [2, 2, 1]
    assert pages[-1].next_token is None
    listed = [(p.name, p.status) for page in pages for p in page.stream_processors or []]
    assert listed == [(n, "STARTING" if n == "cam-3" else "STOPPED") for n in names]
    token = pages[0].next_token
    assert token is not None
    assert len(token) <= 255
    assert re.fullmatch(r"[A-Za-z0-9+/=]+", token)
    with pytest.raises(rek_errors.InvalidPaginationTokenException):
        await rek.list_stream_processors(next_token="bm90IGEgdG9rZW4=")
