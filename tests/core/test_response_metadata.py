"""Every response tells its request id, HTTP status, headers and attempts, beside its data."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from aws_vision_async import LookoutVisionClient, RekognitionClient, ResponseMetadata
from aws_vision_async._core import model as core_model
from aws_vision_async.rekognition.models import DescribeCollectionResponse, DescribeProjectsResponse

from ..conftest import client_kwargs
from ..fakeaws import FakeAws, lfv_error, ok, rek_error

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


COLLECTION = {"FaceCount": 3, "FaceModelVersion": "7.0", "CollectionARN": "arn:aws:rekognition:x"}


@pytest.mark.parametrize("direct", [True, False])
async def test_a_response_carries_its_request_id_status_headers_and_attempts(fake_aws: FakeAws, direct: bool) -> None:
    fake_aws.on("DescribeCollection", rek_error("ThrottlingException", "slow down"), ok(COLLECTION, **{"X-Extra": "1"}))
    async with RekognitionClient(**client_kwargs(fake_aws, direct=direct)) as rek:
        resp = await rek.describe_collection(collection_id="c1")
    meta = resp.response_metadata
    # The fake numbers its replies: the second request answered.
    assert meta.request_id == "req-2"
    assert meta.http_status == 200
    assert meta.attempts == 2
    assert meta.headers["x-extra"] == "1"
    assert meta.headers["x-amzn-requestid"] == "req-2"
    assert all(name == name.lower() for name in meta.headers)


async def test_lookout_for_vision_responses_carry_it_too(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on("ListProjects", lfv_error("InternalServerException", 500), ok({"Projects": []}))
    resp = await lfv.list_projects()
    assert resp.response_metadata.request_id == "req-2"
    assert resp.response_metadata.http_status == 200
    assert resp.response_metadata.attempts == 2


async def test_each_page_carries_its_own(fake_aws: FakeAws) -> None:
    fake_aws.on("DescribeProjects", ok({"ProjectDescriptions": [], "NextToken": "t"}), ok({"ProjectDescriptions": []}))
    async with RekognitionClient(**client_kwargs(fake_aws)) as rek:
        ids = [page.response_metadata.request_id async for page in rek.describe_projects().pages()]
    assert ids == ["req-1", "req-2"]


async def test_metadata_is_no_field(fake_aws: FakeAws) -> None:
    fake_aws.always("DescribeCollection", ok(COLLECTION))
    async with RekognitionClient(**client_kwargs(fake_aws)) as rek:
        resp = await rek.describe_collection(collection_id="c1")
    by_hand = DescribeCollectionResponse.model_validate(COLLECTION)
    # The data is all that dumps, compares and copies.
    assert resp.model_dump() == by_hand.model_dump()
    assert "response_metadata" not in resp.model_dump_json()
    assert resp == by_hand
    assert resp.model_copy().response_metadata == ResponseMetadata()
    # A response built by hand was never received.
    assert by_hand.response_metadata == ResponseMetadata(request_id=None, http_status=None, headers={}, attempts=0)


def test_metadata_is_read_only() -> None:
    meta = ResponseMetadata(request_id="r", http_status=200, headers={"a": "b"}, attempts=1)
    with pytest.raises(AttributeError, match="read-only"):
        meta.attempts = 2  # type: ignore[misc]
    headers: Any = meta.headers
    with pytest.raises(TypeError):
        headers["a"] = "c"
    assert "request_id='r'" in repr(meta)
    assert meta == ResponseMetadata(request_id="r", http_status=200, headers={"a": "b"}, attempts=1)


async def test_metadata_goes_with_its_response(fake_aws: FakeAws) -> None:
    fake_aws.always("DescribeProjects", ok({"ProjectDescriptions": []}))
    before = len(core_model._metadata)
    async with RekognitionClient(**client_kwargs(fake_aws)) as rek:
        for _ in range(50):
            resp: DescribeProjectsResponse = await rek.describe_projects().pages().__anext__()
            assert resp.response_metadata.http_status == 200
    del resp
    gc.collect()
    assert len(core_model._metadata) == before
