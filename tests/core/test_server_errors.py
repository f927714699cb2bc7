"""A 5xx without an AWS error code (a proxy's or load balancer's page) is transient, retried where safe."""

from __future__ import annotations

import pytest

from aws_vision_async import LookoutVisionClient, ServiceError, TransientError
from aws_vision_async.lookoutvision import errors as lfv_errors
from aws_vision_async.rekognition import _operations as rek_ops
from aws_vision_async.rekognition import errors as rek_errors

from ..fakeaws import FakeAws, ok, proxy_error, rek_error
from ._support import COLLECTION_BODY, open_rek

pytestmark = pytest.mark.anyio

BARE_STATUSES = [500, 502, 503, 504]


class TestClassification:
    @pytest.mark.parametrize("status", BARE_STATUSES)
    async def test_bare_5xx_is_a_transient_service_error(self, fake_aws: FakeAws, status: int) -> None:
        fake_aws.always("DescribeCollection", proxy_error(status))
        async with open_rek(fake_aws, max_attempts=1) as rek:
            with pytest.raises(TransientError) as caught:
                await rek.describe_collection(collection_id="c")
        err = caught.value
        assert type(err) is rek_errors.HttpServerError
        assert isinstance(err, rek_errors.RekognitionError)
        assert err.retryable
        assert err.code == str(status)
        assert err.status_code == status
        assert err.operation_name == "DescribeCollection"
        assert "<html>" not in str(err)

    async def test_bare_501_is_not_transient(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", proxy_error(501))
        async with open_rek(fake_aws) as rek:
            with pytest.raises(ServiceError) as caught:
                await rek.describe_collection(collection_id="c")
        assert type(caught.value) is rek_errors.RekognitionError
        assert len(fake_aws.requests) == 1

    async def test_a_coded_undocumented_5xx_stays_the_base_error(self, fake_aws: FakeAws) -> None:
        # AWS names its own errors: a code it sends but does not document is not guessed at.
        fake_aws.always("DescribeCollection", rek_error("BrandNewException", "new", 503))
        async with open_rek(fake_aws) as rek:
            with pytest.raises(ServiceError) as caught:
                await rek.describe_collection(collection_id="c")
        assert type(caught.value) is rek_errors.RekognitionError
        assert len(fake_aws.requests) == 1

    async def test_lookoutvision_bare_5xx(self, lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
        fake_aws.on("DescribeProject", proxy_error(502), ok({"ProjectDescription": {"ProjectName": "p"}}))
        reply = await lfv.describe_project(project_name="p")
        assert reply.project_description is not None
        assert len(fake_aws.requests) == 2
        fake_aws.reset()
        fake_aws.always("DescribeProject", proxy_error(503))
        with pytest.raises(lfv_errors.HttpServerError):
            await lfv.describe_project(project_name="p")


class TestRetries:
    @pytest.mark.parametrize("status", [502, 503])
    async def test_read_is_retried(self, fake_aws: FakeAws, status: int) -> None:
        fake_aws.on("DescribeCollection", proxy_error(status), proxy_error(status), ok(COLLECTION_BODY))
        async with open_rek(fake_aws, max_attempts=4) as rek:
            reply = await rek.describe_collection(collection_id="c")
        assert reply.face_count == 3
        assert len(fake_aws.requests) == 3

    async def test_read_gives_up_after_max_attempts(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", proxy_error(503))
        async with open_rek(fake_aws, max_attempts=3) as rek:
            with pytest.raises(rek_errors.HttpServerError):
                await rek.describe_collection(collection_id="c")
        assert len(fake_aws.requests) == 3

    @pytest.mark.parametrize("status", [502, 503])
    async def test_tokenless_write_is_raised_once(self, fake_aws: FakeAws, status: int) -> None:
        assert not rek_ops.CREATE_PROJECT.safe_to_retry
        fake_aws.on("CreateProject", proxy_error(status), ok({"ProjectArn": "arn:p"}))
        async with open_rek(fake_aws, max_attempts=4) as rek:
            with pytest.raises(TransientError) as caught:
                await rek.create_project(project_name="p")
        assert type(caught.value) is rek_errors.HttpServerError
        # The proxy may have passed the request on: the write is not replayed.
        assert len(fake_aws.requests) == 1

    @pytest.mark.parametrize("status", [502, 503])
    async def test_write_with_a_token_is_retried_with_that_token(self, fake_aws: FakeAws, status: int) -> None:
        fake_aws.on("CreateUser", proxy_error(status), proxy_error(status), ok({}))
        async with open_rek(fake_aws, max_attempts=4) as rek:
            await rek.create_user(collection_id="c", user_id="u1")
        calls = fake_aws.calls("CreateUser")
        assert len(calls) == 3
        assert len({c.json["ClientRequestToken"] for c in calls}) == 1
