"""A 3xx reply is never followed, on both HTTP backends and both request paths.

aiohttp follows redirects unless told not to: a 307 would send the request,
its body and its session token to the host the ``Location`` names. The SDK
sends nothing there, reports the reply as an ``InvalidResponseError`` that
names the status and the ``Location``, and does not retry it.
"""

from __future__ import annotations

import pytest

from aws_vision_async import InvalidResponseError, LookoutVisionClient, RekognitionClient, RetryPolicy

from ..conftest import client_kwargs
from ..fakeaws import FakeAws, Reply
from ._support import COLLECTION_BODY
from ._wire import anyio_backend, elsewhere, http_backend

__all__ = ["anyio_backend", "elsewhere", "http_backend"]

pytestmark = pytest.mark.anyio


def redirect(status: int, location: str) -> Reply:
    return Reply(status, {}, {"Location": location})


@pytest.mark.parametrize("direct", [True, False])
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirect_is_an_error_and_nothing_reaches_the_other_host(
    fake_aws: FakeAws, elsewhere: FakeAws, http_backend: str, direct: bool, status: int
) -> None:
    elsewhere.reset()
    elsewhere.always("DescribeCollection", Reply(200, COLLECTION_BODY))
    target = f"{elsewhere.url}/stolen"
    fake_aws.always("DescribeCollection", redirect(status, target))
    kwargs = client_kwargs(fake_aws, http_backend=http_backend, direct=direct, retry_policy=RetryPolicy(max_attempts=4))
    async with RekognitionClient(**kwargs) as rek:
        with pytest.raises(InvalidResponseError) as caught:
            await rek.describe_collection(collection_id="c")
    assert elsewhere.requests == []
    assert len(fake_aws.calls("DescribeCollection")) == 1  # not retried
    err = caught.value
    assert not isinstance(err, ValueError)
    assert err.status_code == status
    assert err.operation_name == "DescribeCollection"
    assert err.request_id == "req-1"
    assert target in str(err)
    assert f"HTTP {status}" in str(err)
    assert "redirect" in str(err)
    assert "\n" not in str(err)


async def test_a_redirect_without_location_is_still_an_error(fake_aws: FakeAws, http_backend: str) -> None:
    fake_aws.always("DescribeCollection", Reply(307, {}))
    async with RekognitionClient(**client_kwargs(fake_aws, http_backend=http_backend)) as rek:
        with pytest.raises(InvalidResponseError, match="no Location"):
            await rek.describe_collection(collection_id="c")
    assert len(fake_aws.calls("DescribeCollection")) == 1


async def test_lookoutvision_redirect(fake_aws: FakeAws, elsewhere: FakeAws, http_backend: str) -> None:
    # restJson1, botocore's path always; a write with a client token, which would be retried if it failed otherwise.
    elsewhere.reset()
    fake_aws.always("CreateProject", redirect(307, f"{elsewhere.url}/2020-11-20/projects"))
    with pytest.warns(DeprecationWarning, match="end of support"):
        lfv = LookoutVisionClient(**client_kwargs(fake_aws, http_backend=http_backend))
    async with lfv:
        with pytest.raises(InvalidResponseError) as caught:
            await lfv.create_project(project_name="p")
    assert caught.value.status_code == 307
    assert elsewhere.requests == []
    assert len(fake_aws.calls("CreateProject")) == 1


@pytest.mark.parametrize("direct", [True, False])
async def test_a_user_calling_aiobotocore_directly_is_not_redirected_either(
    fake_aws: FakeAws, elsewhere: FakeAws, anyio_backend: str, direct: bool
) -> None:
    # The session is the SDK's for the whole client: a plain aiobotocore call through it does not follow either.
    if anyio_backend == "trio":
        pytest.skip("the aiohttp session: asyncio only")
    elsewhere.reset()
    fake_aws.always("DescribeCollection", redirect(307, f"{elsewhere.url}/"))
    async with RekognitionClient(**client_kwargs(fake_aws, http_backend="aiohttp", direct=direct)) as rek:
        with pytest.raises(Exception, match="307"):
            await rek.aiobotocore_client.describe_collection(CollectionId="c")
    assert elsewhere.requests == []
