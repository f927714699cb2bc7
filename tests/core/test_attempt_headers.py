"""What a server sees of the SDK's attempts: one invocation id per call, attempt=N; max=M, the user agent."""

from __future__ import annotations

import re
import uuid

import pytest
from aiobotocore.config import AioConfig

from aws_vision_async import RekognitionClient, __version__

from ..conftest import client_kwargs
from ..fakeaws import FakeAws, Recorded, drop, ok, rek_error
from ._support import COLLECTION_BODY, open_rek

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    # The hook sits in botocore's event chain, under either HTTP backend.
    return str(request.param)


def header(rec: Recorded, name: str) -> str | None:
    return next((v for k, v in rec.headers.items() if k.lower() == name), None)


async def test_retries_share_one_invocation_id_and_count_attempts(fake_aws: FakeAws) -> None:
    fake_aws.on(
        "DescribeCollection",
        rek_error("ThrottlingException", "slow", 400),
        drop(),
        rek_error("InternalServerError", "oops", 500),
        ok(COLLECTION_BODY),
    )
    async with open_rek(fake_aws, max_attempts=5) as rek:
        await rek.describe_collection(collection_id="c")
    calls = fake_aws.calls("DescribeCollection")
    assert [header(c, "amz-sdk-request") for c in calls] == [f"attempt={n}; max=5" for n in (1, 2, 3, 4)]
    ids = {header(c, "amz-sdk-invocation-id") for c in calls}
    assert len(ids) == 1
    (invocation_id,) = ids
    assert invocation_id is not None
    assert str(uuid.UUID(invocation_id)) == invocation_id


async def test_each_call_and_each_page_has_its_own_invocation_id(fake_aws: FakeAws) -> None:
    fake_aws.on(
        "DescribeProjects",
        ok({"ProjectDescriptions": [], "NextToken": "t1"}),
        ok({"ProjectDescriptions": []}),
    )
    fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
    async with open_rek(fake_aws, max_attempts=3) as rek:
        await rek.describe_collection(collection_id="c")
        await rek.describe_collection(collection_id="c")
        pages = [page async for page in rek.describe_projects().pages()]
    assert len(pages) == 2
    ids = [header(c, "amz-sdk-invocation-id") for c in fake_aws.requests]
    assert len(set(ids)) == 4
    assert [header(c, "amz-sdk-request") for c in fake_aws.requests] == ["attempt=1; max=3"] * 4


async def test_the_headers_are_botocores_own_outside_sdk_calls(fake_aws: FakeAws) -> None:
    # A direct call on the aiobotocore client is plain botocore: its own numbering.
    fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
    async with open_rek(fake_aws, max_attempts=4) as rek:
        await rek.aiobotocore_client.describe_collection(CollectionId="c")
    (call,) = fake_aws.requests
    assert header(call, "amz-sdk-request") == "attempt=1"


async def test_user_agent_names_the_sdk(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
    await rek.describe_collection(collection_id="c")
    agent = header(fake_aws.requests[0], "user-agent") or ""
    assert re.search(rf"(^| )aws-vision-async/{re.escape(__version__)}( |$)", agent), agent
    assert agent.startswith("aiobotocore/"), agent  # botocore's own user agent is kept


async def test_user_agent_keeps_the_callers_extra(fake_aws: FakeAws) -> None:
    fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
    config = AioConfig(user_agent_extra="my-service/2.1")
    async with RekognitionClient(**client_kwargs(fake_aws, config=config)) as rek:
        await rek.describe_collection(collection_id="c")
    agent = header(fake_aws.requests[0], "user-agent") or ""
    assert agent.endswith(f"my-service/2.1 aws-vision-async/{__version__}"), agent
