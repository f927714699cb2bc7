"""Error mapping: codes to classes, text of errors, pickling, and network errors' causes."""

from __future__ import annotations

import pickle

import botocore.exceptions as bce
import pytest

from aws_vision_async import (
    AccessDeniedError,
    AwsVisionError,
    ConflictError,
    ConnectError,
    ConnectionLostError,
    InvalidRequestError,
    LookoutVisionClient,
    NetworkError,
    NotFoundError,
    PaginationError,
    QuotaExceededError,
    ReadTimeoutError,
    RekognitionClient,
    ServiceError,
    ThrottlingError,
    TransientError,
)
from aws_vision_async.lookoutvision import errors as lfv_errors
from aws_vision_async.rekognition import errors as rek_errors

from ..fakeaws import FakeAws, Reply, drop, lfv_error, ok, rek_error
from ._support import COLLECTION_BODY, closed_port, open_rek, slow

pytestmark = pytest.mark.anyio

LFV_TYPE = ":http://internal.amazon.com/coral/com.amazonaws.lookoutvision/"


class TestErrorMapping:
    @pytest.mark.parametrize("status", [400, 500, 503])
    async def test_undocumented_code_is_the_service_base_error(
        self, rek: RekognitionClient, fake_aws: FakeAws, status: int
    ) -> None:
        fake_aws.on("DescribeCollection", rek_error("BrandNewException", "never seen", status), ok(COLLECTION_BODY))
        with pytest.raises(rek_errors.RekognitionError) as caught:
            await rek.describe_collection(collection_id="c")
        err = caught.value
        assert type(err) is rek_errors.RekognitionError
        assert err.code == "BrandNewException"
        assert err.message == "never seen"
        assert err.status_code == status
        assert err.operation_name == "DescribeCollection"
        assert err.request_id == "req-1"
        assert not isinstance(err, ThrottlingError | TransientError)
        # Not documented as retryable, so not retried, whatever the status.
        assert len(fake_aws.requests) == 1

    async def test_undocumented_code_lookoutvision(self, lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
        fake_aws.on("DescribeProject", lfv_error("MysteryException", 500, "hm"), ok({}))
        with pytest.raises(lfv_errors.LookoutVisionError) as caught:
            await lfv.describe_project(project_name="p")
        assert type(caught.value) is lfv_errors.LookoutVisionError
        assert caught.value.code == "MysteryException"
        assert caught.value.status_code == 500
        assert len(fake_aws.requests) == 1

    async def test_documented_code_not_in_operation_is_not_retried(
        self, rek: RekognitionClient, fake_aws: FakeAws
    ) -> None:
        # ResourceNotReadyException is documented for the service, is not retryable.
        fake_aws.on("DescribeCollection", rek_error("ResourceNotReadyException", "wait", 400), ok(COLLECTION_BODY))
        with pytest.raises(rek_errors.ResourceNotReadyException):
            await rek.describe_collection(collection_id="c")
        assert len(fake_aws.requests) == 1

    @pytest.mark.parametrize(
        ("code", "status", "cls", "category"),
        [
            ("ThrottlingException", 400, rek_errors.ThrottlingException, ThrottlingError),
            (
                "ProvisionedThroughputExceededException",
                400,
                rek_errors.ProvisionedThroughputExceededException,
                ThrottlingError,
            ),
            ("InternalServerError", 500, rek_errors.InternalServerError, TransientError),
            ("AccessDeniedException", 400, rek_errors.AccessDeniedException, AccessDeniedError),
            ("ResourceNotFoundException", 400, rek_errors.ResourceNotFoundException, NotFoundError),
            ("InvalidParameterException", 400, rek_errors.InvalidParameterException, InvalidRequestError),
        ],
    )
    async def test_documented_code_maps_to_class_and_category(
        self,
        fake_aws: FakeAws,
        code: str,
        status: int,
        cls: type[ServiceError],
        category: type[ServiceError],
    ) -> None:
        fake_aws.always("DescribeCollection", rek_error(code, "msg", status))
        async with open_rek(fake_aws, max_attempts=1) as rek:
            with pytest.raises(category) as caught:
                await rek.describe_collection(collection_id="c")
        assert type(caught.value) is cls
        assert isinstance(caught.value, rek_errors.RekognitionError)
        assert caught.value.code == code

    async def test_lookoutvision_categories(self, fake_aws: FakeAws, lfv: LookoutVisionClient) -> None:
        fake_aws.on("DescribeProject", lfv_error("ConflictException", 409, "busy"))
        with pytest.raises(ConflictError) as caught:
            await lfv.describe_project(project_name="p")
        assert isinstance(caught.value, lfv_errors.LookoutVisionError)
        fake_aws.on("CreateProject", lfv_error("ServiceQuotaExceededException", 402, "quota"))
        with pytest.raises(QuotaExceededError):
            await lfv.create_project(project_name="p")

    def test_hierarchy(self) -> None:
        for cls in (ServiceError, NetworkError, PaginationError):
            assert issubclass(cls, AwsVisionError)
        for cls in (ConnectError, ReadTimeoutError, ConnectionLostError):
            assert issubclass(cls, NetworkError)
        for cls in rek_errors.ERRORS.values():
            assert issubclass(cls, rek_errors.RekognitionError)
        assert ThrottlingError.retryable is True
        assert TransientError.retryable is True
        assert NotFoundError.retryable is False

    def test_code_defaults_to_class_name(self) -> None:
        assert rek_errors.ThrottlingException("x").code == "ThrottlingException"
        assert ServiceError().code == "ServiceError"


class TestErrorText:
    async def test_str_and_repr_of_a_reply_error(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.on("DescribeCollection", rek_error("ResourceNotFoundException", "collection c is gone", 400))
        with pytest.raises(rek_errors.ResourceNotFoundException) as caught:
            await rek.describe_collection(collection_id="c")
        text = str(caught.value)
        assert text == (
            "ResourceNotFoundException in DescribeCollection, HTTP 400: collection c is gone (request id req-1)"
        )
        rep = repr(caught.value)
        assert rep.startswith("ResourceNotFoundException(")
        for part in (
            "code='ResourceNotFoundException'",
            "message='collection c is gone'",
            "status_code=400",
            "request_id='req-1'",
            "operation_name='DescribeCollection'",
        ):
            assert part in rep

    async def test_lookoutvision_request_id_and_retry_after(self, lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeProject", lfv_error("ThrottlingException", 429, "slow down", retry_after=3))
        with pytest.raises(lfv_errors.ThrottlingException) as caught:
            await lfv.describe_project(project_name="p")
        err = caught.value
        assert err.retry_after == 3.0
        assert err.status_code == 429
        assert err.request_id == "req-4"  # the last of four attempts
        assert str(err) == "ThrottlingException in DescribeProject, HTTP 429: slow down (request id req-4)"

    @pytest.mark.parametrize("value", ["Wed, 21 Oct 2015 07:28:00 GMT", "-5", "soon"])
    async def test_unusable_retry_after_is_none(self, lfv: LookoutVisionClient, fake_aws: FakeAws, value: str) -> None:
        headers = {"X-Amzn-ErrorType": "AccessDeniedException" + LFV_TYPE, "Retry-After": value}
        fake_aws.on("DescribeProject", Reply(403, {"message": "no"}, headers))
        with pytest.raises(lfv_errors.AccessDeniedException) as caught:
            await lfv.describe_project(project_name="p")
        assert caught.value.retry_after is None

    async def test_rekognition_has_no_retry_after(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.on("DescribeCollection", rek_error("AccessDeniedException", "no", 400))
        with pytest.raises(rek_errors.AccessDeniedException) as caught:
            await rek.describe_collection(collection_id="c")
        assert caught.value.retry_after is None

    def test_str_without_optional_parts(self) -> None:
        assert str(rek_errors.ThrottlingException(code="ThrottlingException", status_code=400)) == (
            "ThrottlingException, HTTP 400"
        )

    async def test_empty_message(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.on("DescribeCollection", Reply(400, {"__type": "AccessDeniedException"}))
        with pytest.raises(rek_errors.AccessDeniedException) as caught:
            await rek.describe_collection(collection_id="c")
        assert caught.value.message == ""
        assert str(caught.value) == "AccessDeniedException in DescribeCollection, HTTP 400 (request id req-1)"

    async def test_service_error_does_not_chain_botocore_error(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        # botocore's ClientError text may quote the signed request (session token
        # included), and the typed error carries all it says: it is not chained.
        fake_aws.on("DescribeCollection", rek_error("AccessDeniedException", "no", 400))
        with pytest.raises(rek_errors.AccessDeniedException) as caught:
            await rek.describe_collection(collection_id="c")
        assert caught.value.__cause__ is None
        assert caught.value.__suppress_context__


class TestPickling:
    def _round_trip(self, err: BaseException) -> BaseException:
        return pickle.loads(pickle.dumps(err))  # noqa: S301 - our own data

    async def test_reply_errors_round_trip(self, lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeProject", lfv_error("ThrottlingException", 429, "slow down", retry_after=7))
        with pytest.raises(lfv_errors.ThrottlingException) as caught:
            await lfv.describe_project(project_name="p")
        err = caught.value
        back = self._round_trip(err)
        assert type(back) is lfv_errors.ThrottlingException
        assert isinstance(back, ServiceError)
        for attr in ("code", "message", "status_code", "request_id", "operation_name", "retry_after"):
            assert getattr(back, attr) == getattr(err, attr), attr
        assert back.retry_after == 7.0
        assert str(back) == str(err)
        assert repr(back) == repr(err)

    async def test_base_service_error_round_trips(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.on("DescribeCollection", rek_error("BrandNewException", "odd", 418))
        with pytest.raises(rek_errors.RekognitionError) as caught:
            await rek.describe_collection(collection_id="c")
        back = self._round_trip(caught.value)
        assert type(back) is rek_errors.RekognitionError
        assert isinstance(back, ServiceError)
        assert (back.code, back.status_code, back.request_id, back.operation_name) == (
            "BrandNewException",
            418,
            "req-1",
            "DescribeCollection",
        )

    @pytest.mark.parametrize("cls", [ServiceError, *sorted(rek_errors.ERRORS.values(), key=lambda c: c.__name__)])
    def test_every_service_error_class_round_trips(self, cls: type[ServiceError]) -> None:
        err = cls("m", code="C", status_code=503, request_id="rid", operation_name="Op", retry_after=1.5)
        back = self._round_trip(err)
        assert type(back) is cls
        assert (back.message, back.code, back.status_code, back.request_id, back.operation_name, back.retry_after) == (
            "m",
            "C",
            503,
            "rid",
            "Op",
            1.5,
        )

    @pytest.mark.parametrize("cls", [NetworkError, ConnectError, ReadTimeoutError, ConnectionLostError])
    def test_network_errors_round_trip(self, cls: type[NetworkError]) -> None:
        err = cls("Op: broke", operation_name="Op")
        back = self._round_trip(err)
        assert type(back) is cls
        assert back.operation_name == "Op"
        assert str(back) == "Op: broke"
        assert back.may_have_reached_server is cls.may_have_reached_server

    async def test_network_error_from_a_call_round_trips(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", drop())
        with pytest.raises(ConnectionLostError) as caught:
            await rek.describe_collection(collection_id="c")
        back = self._round_trip(caught.value)
        assert type(back) is ConnectionLostError
        assert back.operation_name == "DescribeCollection"
        assert str(back) == str(caught.value)

    def test_pagination_error_round_trips(self) -> None:
        back = self._round_trip(PaginationError("ListX returned the pagination token 't' a second time"))
        assert type(back) is PaginationError
        assert "a second time" in str(back)


class TestNetworkErrors:
    async def test_dropped_connection(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", drop())
        async with open_rek(fake_aws, max_attempts=2) as rek:
            with pytest.raises(ConnectionLostError) as caught:
                await rek.describe_collection(collection_id="c")
        err = caught.value
        assert isinstance(err.__cause__, bce.HTTPClientError)
        assert not isinstance(err.__cause__, bce.ReadTimeoutError | bce.EndpointConnectionError)
        assert err.operation_name == "DescribeCollection"
        assert err.may_have_reached_server is True
        assert str(err).startswith("DescribeCollection: connection lost:")

    async def test_read_timeout(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", slow(0.6))
        async with open_rek(fake_aws, max_attempts=1, read_timeout=True) as rek:
            with pytest.raises(ReadTimeoutError) as caught:
                await rek.describe_collection(collection_id="c")
        err = caught.value
        assert isinstance(err.__cause__, bce.ReadTimeoutError)
        assert err.operation_name == "DescribeCollection"
        assert err.may_have_reached_server is True
        assert str(err).startswith("DescribeCollection: no reply in time:")

    async def test_never_connected(self, fake_aws: FakeAws) -> None:
        async with open_rek(fake_aws, max_attempts=1, endpoint_url=f"http://127.0.0.1:{closed_port()}") as rek:
            with pytest.raises(ConnectError) as caught:
                await rek.describe_collection(collection_id="c")
        err = caught.value
        assert isinstance(err.__cause__, bce.EndpointConnectionError)
        assert err.operation_name == "DescribeCollection"
        assert err.may_have_reached_server is False
        assert str(err).startswith("DescribeCollection: could not connect:")

    async def test_network_errors_are_not_service_errors(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", drop())
        async with open_rek(fake_aws, max_attempts=1) as rek:
            with pytest.raises(AwsVisionError) as caught:
                await rek.describe_collection(collection_id="c")
        assert not isinstance(caught.value, ServiceError)
