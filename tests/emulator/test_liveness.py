"""Face Liveness sessions on the emulator, through the SDK: CREATED, then SUCCEEDED or EXPIRED by the clock."""

from __future__ import annotations

import uuid

import pytest

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import Emulator, Timings
from aws_vision_async.emulator._operations._rek_liveness import LIVENESS_SESSION_LIFETIME
from aws_vision_async.emulator._scene import read_scene
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import CreateFaceLivenessSessionRequestSettings

from ._model_support import ManualClock

pytestmark = pytest.mark.anyio


@pytest.fixture
def clock(emu: Emulator) -> ManualClock:
    clock = ManualClock()
    emu.state.clock = clock
    return clock


def settings(**wire: object) -> CreateFaceLivenessSessionRequestSettings:
    return CreateFaceLivenessSessionRequestSettings.model_validate(wire)


async def new_session(rek: RekognitionClient, **kwargs: object) -> str:
    session = (await rek.create_face_liveness_session(**kwargs)).session_id  # type: ignore[arg-type]
    assert session is not None
    assert uuid.UUID(session).version == 4
    return session


async def test_a_session_is_created_then_succeeds_with_images_that_show_one_face(
    rek: RekognitionClient, emu: Emulator, clock: ManualClock
) -> None:
    emu.state.timings = Timings(liveness_session=5.0)
    session = await new_session(rek, settings=settings(AuditImagesLimit=2))

    waiting = await rek.get_face_liveness_session_results(session_id=session)
    clock.advance(5.0)
    done = await rek.get_face_liveness_session_results(session_id=session)
    later = await rek.get_face_liveness_session_results(session_id=session)

    assert (waiting.session_id, waiting.status, waiting.confidence) == (session, "CREATED", None)
    assert (done.session_id, done.status) == (session, "SUCCEEDED")
    assert done.confidence is not None
    assert 50 <= done.confidence <= 100
    assert later == done  # the same results on every read
    assert done.challenge is not None
    assert (done.challenge.type, done.challenge.version) == ("FaceMovementAndLightChallenge", "2.0.0")
    assert done.feedback == []
    assert done.reference_image is not None
    assert done.reference_image.bytes is not None
    assert done.reference_image.bounding_box is not None
    assert len(read_scene(done.reference_image.bytes).faces) == 1
    assert len(done.audit_images or []) == 2
    assert all(image.bytes == done.reference_image.bytes for image in done.audit_images or [])


async def test_with_an_output_config_the_images_are_written_to_s3(
    rek: RekognitionClient, emu: Emulator, clock: ManualClock
) -> None:
    output = {"S3Bucket": "liveness", "S3KeyPrefix": "checks/"}
    session = await new_session(rek, settings=settings(OutputConfig=output, AuditImagesLimit=1))
    clock.advance(Timings().liveness_session)

    done = await rek.get_face_liveness_session_results(session_id=session)

    assert done.reference_image is not None
    assert done.reference_image.bytes is None
    assert done.reference_image.s3_object is not None
    assert (done.reference_image.s3_object.bucket, done.reference_image.s3_object.name) == (
        "liveness",
        f"checks/{session}/reference.jpg",
    )
    assert [(i.s3_object.name if i.s3_object else None) for i in done.audit_images or []] == [
        f"checks/{session}/audit_1.jpg"
    ]
    stored = emu.state.s3_objects[("liveness", f"checks/{session}/reference.jpg")]
    assert len(read_scene(stored).faces) == 1


async def test_the_challenge_follows_the_preferences(rek: RekognitionClient, clock: ManualClock) -> None:
    movement = {"Type": "FaceMovementChallenge", "Versions": {"Minimum": "1.0.0"}}
    too_new = {"Type": "FaceMovementAndLightChallenge", "Versions": {"Minimum": "9.0.0"}}
    session = await new_session(rek, settings=settings(ChallengePreferences=[too_new, movement]))
    clock.advance(Timings().liveness_session)

    done = await rek.get_face_liveness_session_results(session_id=session)

    assert done.challenge is not None
    assert (done.challenge.type, done.challenge.version) == ("FaceMovementChallenge", "1.0.0")
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.create_face_liveness_session(settings=settings(ChallengePreferences=[too_new]))


async def test_a_session_nobody_streams_to_expires_after_three_minutes(
    rek: RekognitionClient, emu: Emulator, clock: ManualClock
) -> None:
    emu.state.timings = Timings(liveness_session=LIVENESS_SESSION_LIFETIME)
    session = await new_session(rek)

    clock.advance(LIVENESS_SESSION_LIFETIME - 0.1)
    assert (await rek.get_face_liveness_session_results(session_id=session)).status == "CREATED"
    clock.advance(0.1)
    expired = await rek.get_face_liveness_session_results(session_id=session)

    assert (expired.status, expired.confidence, expired.reference_image) == ("EXPIRED", None, None)


async def test_a_client_request_token_returns_the_same_session(
    rek: RekognitionClient, emu: Emulator, clock: ManualClock
) -> None:
    first = await new_session(rek, client_request_token="check-1")
    again = await new_session(rek, client_request_token="check-1")
    other = await new_session(rek, client_request_token="check-2")
    untokened = [await new_session(rek), await new_session(rek)]

    assert first == again != other
    assert len(set(untokened)) == 2
    assert len(emu.state.liveness_sessions) == 4
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.create_face_liveness_session(client_request_token="check-1", kms_key_id="alias/other")


async def test_an_unknown_session_is_not_found(rek: RekognitionClient, clock: ManualClock) -> None:
    with pytest.raises(rek_errors.SessionNotFoundException):
        await rek.get_face_liveness_session_results(session_id=str(uuid.UUID(int=7, version=4)))
