"""Opening, closing and re-opening clients; clients and sessions handed in by the caller."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiobotocore.session import AioSession, get_session

from aws_vision_async import RekognitionClient, RetryPolicy

from ..conftest import ACCESS_KEY, SECRET_KEY, client_kwargs
from ..fakeaws import FakeAws, ok
from ._support import COLLECTION_BODY

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def raw_client(fake: FakeAws, session: AioSession | None = None) -> AsyncIterator[Any]:
    """An aiobotocore Rekognition client the test owns, with botocore's default settings."""
    session = session or get_session()
    async with session.create_client(
        "rekognition",
        region_name="us-east-1",
        endpoint_url=fake.url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    ) as client:
        yield client


class TestOutsideAsyncWith:
    async def test_call_before_open_raises(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        client = RekognitionClient(**client_kwargs(fake_aws))
        with pytest.raises(RuntimeError, match="not open"):
            await client.describe_collection(collection_id="c")
        assert fake_aws.requests == []

    async def test_paginator_before_open_raises_when_awaited(self, fake_aws: FakeAws) -> None:
        client = RekognitionClient(**client_kwargs(fake_aws))
        pager = client.list_collections()  # building it sends nothing
        with pytest.raises(RuntimeError, match="not open"):
            await pager
        with pytest.raises(RuntimeError, match="not open"):
            async for _ in pager:
                pass
        assert fake_aws.requests == []

    async def test_call_after_exit_raises(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        async with RekognitionClient(**client_kwargs(fake_aws)) as client:
            await client.describe_collection(collection_id="c")
        with pytest.raises(RuntimeError, match="not open"):
            await client.describe_collection(collection_id="c")
        assert len(fake_aws.requests) == 1

    async def test_aiobotocore_client_property_when_closed(self, fake_aws: FakeAws) -> None:
        client = RekognitionClient(**client_kwargs(fake_aws))
        with pytest.raises(RuntimeError, match="not open"):
            _ = client.aiobotocore_client
        async with client:
            pass
        with pytest.raises(RuntimeError, match="not open"):
            _ = client.aiobotocore_client

    async def test_invalid_input_rejected_before_the_open_check(self, fake_aws: FakeAws) -> None:
        client = RekognitionClient(**client_kwargs(fake_aws))
        with pytest.raises(ValueError, match="collection_id"):
            await client.describe_collection(collection_id="not valid!")


class TestOpenAndClose:
    async def test_aenter_returns_the_client(self, fake_aws: FakeAws) -> None:
        client = RekognitionClient(**client_kwargs(fake_aws))
        async with client as entered:
            assert entered is client

    async def test_repr_shows_state(self, fake_aws: FakeAws) -> None:
        client = RekognitionClient(**client_kwargs(fake_aws))
        assert repr(client) == (
            f"<RekognitionClient service='rekognition' region_name='us-east-1' endpoint_url={fake_aws.url!r} closed>"
        )
        async with client:
            assert repr(client).endswith(" open>")
        assert repr(client).endswith(" closed>")

    async def test_close_is_idempotent(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        client = RekognitionClient(**client_kwargs(fake_aws))
        await client.close()  # never opened: nothing to do
        async with client:
            await client.describe_collection(collection_id="c")
            await client.close()
            await client.close()
            with pytest.raises(RuntimeError, match="not open"):
                await client.describe_collection(collection_id="c")
        await client.close()
        assert len(fake_aws.requests) == 1

    async def test_close_releases_the_connection_pool(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        client = RekognitionClient(**client_kwargs(fake_aws))
        async with client:
            raw = client.aiobotocore_client
            await client.describe_collection(collection_id="c")
            assert raw._endpoint.http_session._sessions is not None
        # aiobotocore drops its pools (sets them to None) when the client is closed.
        assert raw._endpoint.http_session._sessions is None

    async def test_enter_twice_while_open_raises(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        async with RekognitionClient(**client_kwargs(fake_aws)) as client:
            with pytest.raises(RuntimeError, match="open already"):
                await client.__aenter__()
            # Still usable afterwards.
            reply = await client.describe_collection(collection_id="c")
            assert reply.face_count == 3

    async def test_reenter_after_exit_opens_a_new_connection(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        client = RekognitionClient(**client_kwargs(fake_aws))
        async with client:
            first = client.aiobotocore_client
            await client.describe_collection(collection_id="c")
        async with client:
            second = client.aiobotocore_client
            reply = await client.describe_collection(collection_id="c")
        assert reply.face_count == 3
        assert second is not first
        assert len(fake_aws.requests) == 2
        with pytest.raises(RuntimeError):
            await client.describe_collection(collection_id="c")

    async def test_exit_on_exception_closes(self, fake_aws: FakeAws) -> None:
        client = RekognitionClient(**client_kwargs(fake_aws))
        with pytest.raises(KeyError):
            async with client:
                raise KeyError("boom")
        assert repr(client).endswith(" closed>")
        with pytest.raises(RuntimeError, match="not open"):
            _ = client.aiobotocore_client

    async def test_retry_policy_property(self, fake_aws: FakeAws) -> None:
        policy = RetryPolicy(max_attempts=7)
        assert RekognitionClient(**client_kwargs(fake_aws, retry_policy=policy)).retry_policy is policy
        assert RekognitionClient().retry_policy == RetryPolicy()


class TestAiobotocoreClientProperty:
    async def test_is_the_open_aiobotocore_client(self, rek: RekognitionClient) -> None:
        raw = rek.aiobotocore_client
        assert raw is rek.aiobotocore_client
        assert raw.meta.service_model.service_name == "rekognition"
        assert raw.meta.region_name == "us-east-1"

    async def test_raw_calls_return_botocore_parsed_output(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        # The property is documented "for what the SDK does not cover": calls through it must
        # behave as aiobotocore documents, returning the parsed output.
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        out = await rek.aiobotocore_client.describe_collection(CollectionId="c")
        assert out["FaceCount"] == 3
        assert out["CollectionARN"] == COLLECTION_BODY["CollectionARN"]
        assert out["ResponseMetadata"]["HTTPStatusCode"] == 200


class TestClientHandedIn:
    async def test_is_used_and_exposed(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        async with raw_client(fake_aws) as raw:
            rek = RekognitionClient(client=raw)
            assert rek.aiobotocore_client is raw  # usable at once
            async with rek:
                assert rek.aiobotocore_client is raw
                reply = await rek.describe_collection(collection_id="c")
        assert reply.face_count == 3
        assert len(fake_aws.requests) == 1

    async def test_not_closed_on_exit(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        async with raw_client(fake_aws) as raw:
            async with RekognitionClient(client=raw) as rek:
                await rek.describe_collection(collection_id="c")
            await rek.close()
            # The caller's client still works.
            await raw.describe_collection(CollectionId="c")
            assert len(fake_aws.requests) == 2
            # And the SDK client over it stays usable: it never owned the connection.
            reply = await rek.describe_collection(collection_id="c")
            assert reply.face_count == 3
            async with rek:
                await rek.describe_collection(collection_id="c")
        assert len(fake_aws.requests) == 4

    async def test_callers_client_keeps_parsing_after_the_sdk_is_done(self, fake_aws: FakeAws) -> None:
        # "The caller keeps ownership": once the SDK client is gone, the caller's own calls
        # return what aiobotocore documents (parsed output), not SDK-internal raw bodies.
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        async with raw_client(fake_aws) as raw:
            async with RekognitionClient(client=raw) as rek:
                await rek.describe_collection(collection_id="c")
            out = await raw.describe_collection(CollectionId="c")
        assert out["FaceCount"] == 3

    async def test_client_and_session_together_rejected(self, fake_aws: FakeAws) -> None:
        async with raw_client(fake_aws) as raw:
            with pytest.raises(ValueError, match="not both"):
                RekognitionClient(client=raw, session=get_session())
            with pytest.raises(ValueError, match="not both"):
                RekognitionClient(client=raw, profile_name="default")

    def test_session_and_profile_together_rejected(self) -> None:
        with pytest.raises(ValueError, match="not both"):
            RekognitionClient(session=get_session(), profile_name="default")


class TestSessionHandedIn:
    async def test_session_credentials_and_events_are_used(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        session = get_session()
        session.set_credentials("AKIDFROMTHESESSION", "session-secret")
        seen: list[str] = []

        def on_send(**kwargs: Any) -> None:
            seen.append(kwargs["request"].url)

        session.register("before-send.rekognition", on_send)
        for direct in (True, False):
            client = RekognitionClient(
                session=session,
                region_name="us-east-1",
                endpoint_url=fake_aws.url,
                retry_policy=RetryPolicy(max_attempts=1),
                direct=direct,
            )
            async with client:
                await client.describe_collection(collection_id="c")
        # botocore's per-call events fire on botocore's path only (direct=False).
        assert len(seen) == 1
        for request in fake_aws.requests:
            assert "Credential=AKIDFROMTHESESSION/" in request.headers["Authorization"]
        assert len(fake_aws.requests) == 2

    async def test_reentering_with_a_session_reuses_it(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        session = get_session()
        session.set_credentials("AKIDFROMTHESESSION", "session-secret")
        client = RekognitionClient(session=session, region_name="us-east-1", endpoint_url=fake_aws.url)
        for _ in range(2):
            async with client:
                await client.describe_collection(collection_id="c")
        assert len(fake_aws.requests) == 2
        assert all("Credential=AKIDFROMTHESESSION/" in r.headers["Authorization"] for r in fake_aws.requests)

    async def test_explicit_keys_sign_requests(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        await rek.describe_collection(collection_id="c")
        (request,) = fake_aws.requests
        assert f"Credential={ACCESS_KEY}/" in request.headers["Authorization"]
        assert request.headers["X-Amz-Security-Token"]
