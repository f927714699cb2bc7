"""Idempotent starts: ``ClientRequestToken`` filled once per call for the video ``Start*`` operations and
``CreateFaceLivenessSession`` (documented as idempotent, not modelled so: tools/codegen/config.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from aws_vision_async import RekognitionClient
from aws_vision_async.rekognition import _operations as ops
from aws_vision_async.rekognition.models import S3Object, Video

from ..fakeaws import FakeAws, drop, ok

pytestmark = pytest.mark.anyio

VIDEO = Video(s3_object=S3Object(bucket="videos", name="clip.mp4"))
STARTS: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "StartLabelDetection": ("start_label_detection", {"video": VIDEO}, {"JobId": "j"}),
    "StartFaceDetection": ("start_face_detection", {"video": VIDEO}, {"JobId": "j"}),
    "StartFaceSearch": ("start_face_search", {"video": VIDEO, "collection_id": "faces"}, {"JobId": "j"}),
    "StartPersonTracking": ("start_person_tracking", {"video": VIDEO}, {"JobId": "j"}),
    "StartCelebrityRecognition": ("start_celebrity_recognition", {"video": VIDEO}, {"JobId": "j"}),
    "StartContentModeration": ("start_content_moderation", {"video": VIDEO}, {"JobId": "j"}),
    "StartSegmentDetection": ("start_segment_detection", {"video": VIDEO, "segment_types": ["SHOT"]}, {"JobId": "j"}),
    "StartTextDetection": ("start_text_detection", {"video": VIDEO}, {"JobId": "j"}),
    "CreateFaceLivenessSession": ("create_face_liveness_session", {}, {"SessionId": "s"}),
}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.mark.parametrize("op", STARTS)
def test_spec_has_the_token_and_is_safe_to_retry(op: str) -> None:
    method = STARTS[op][0]
    spec = getattr(ops, method.upper())
    assert spec.token_field == "client_request_token"
    assert spec.safe_to_retry


@pytest.mark.parametrize("op", STARTS)
async def test_token_generated_and_kept_across_a_retry(rek: RekognitionClient, fake_aws: FakeAws, op: str) -> None:
    method, kwargs, reply = STARTS[op]
    fake_aws.on(op, drop(), ok(reply))
    await getattr(rek, method)(**kwargs)
    tokens = [c.json["ClientRequestToken"] for c in fake_aws.calls(op)]
    assert len(tokens) == 2
    assert tokens[0] == tokens[1]
    assert UUID.match(tokens[0])


@pytest.mark.parametrize("op", STARTS)
async def test_each_call_gets_its_own_token(rek: RekognitionClient, fake_aws: FakeAws, op: str) -> None:
    method, kwargs, reply = STARTS[op]
    fake_aws.always(op, ok(reply))
    await getattr(rek, method)(**kwargs)
    await getattr(rek, method)(**kwargs)
    first, second = (c.json["ClientRequestToken"] for c in fake_aws.calls(op))
    assert first != second


@pytest.mark.parametrize("op", STARTS)
async def test_a_given_token_is_kept(rek: RekognitionClient, fake_aws: FakeAws, op: str) -> None:
    method, kwargs, reply = STARTS[op]
    fake_aws.on(op, drop(), ok(reply))
    await getattr(rek, method)(**kwargs, client_request_token="mine-1")
    assert [c.json["ClientRequestToken"] for c in fake_aws.calls(op)] == ["mine-1", "mine-1"]
