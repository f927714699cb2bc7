"""The secret access key and the session token never show: not in reprs, errors or the SDK's logs."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator

import pytest

from aws_vision_async import (
    AwsVisionError,
    ConnectError,
    ConnectionLostError,
    LookoutVisionClient,
    ReadTimeoutError,
    RekognitionClient,
    ServiceError,
)
from aws_vision_async.rekognition import errors as rek_errors

from ..conftest import SECRET_KEY, SESSION_TOKEN, client_kwargs
from ..fakeaws import FakeAws, Recorded, Reply, drop, lfv_error, ok, rek_error
from ._support import COLLECTION_BODY, closed_port, open_rek, slow

pytestmark = pytest.mark.anyio

SECRETS = (SECRET_KEY, SESSION_TOKEN)


def assert_no_secret(text: str, what: str = "") -> None:
    for secret in SECRETS:
        assert secret not in text, f"secret shown in {what}: {text!r}"


def error_texts(err: BaseException) -> Iterator[tuple[str, str]]:
    """Every text a caller may print for ``err``: str, repr, the chained cause, the formatted traceback."""
    yield "str", str(err)
    yield "repr", repr(err)
    yield "args", repr(err.args)
    if err.__cause__ is not None:
        yield "cause str", str(err.__cause__)
        yield "cause repr", repr(err.__cause__)
    yield "traceback", "".join(traceback.format_exception(err))


def assert_error_clean(err: BaseException) -> None:
    for what, text in error_texts(err):
        assert_no_secret(text, what)


class TestClientText:
    async def test_repr_and_str_of_client(self, fake_aws: FakeAws) -> None:
        client = RekognitionClient(**client_kwargs(fake_aws))
        texts = [repr(client), str(client)]
        async with client:
            texts += [repr(client), str(client)]
        texts += [repr(client), str(client)]
        for text in texts:
            assert_no_secret(text, "client repr/str")

    async def test_client_attributes_hide_credentials(self, fake_aws: FakeAws) -> None:
        client = RekognitionClient(**client_kwargs(fake_aws))
        assert_no_secret(repr(vars(client)) if hasattr(client, "__dict__") else "", "vars(client)")
        async with client:
            assert_no_secret(repr(vars(client)), "vars(open client)")

    async def test_lookoutvision_client_repr(self, fake_aws: FakeAws) -> None:
        with pytest.warns(DeprecationWarning, match="end of support"):
            client = LookoutVisionClient(**client_kwargs(fake_aws))
        async with client:
            assert_no_secret(repr(client))
            assert_no_secret(str(client))


class TestErrorText:
    @pytest.mark.parametrize(
        ("reply", "cls"),
        [
            (rek_error("ThrottlingException", "slow down", 400), rek_errors.ThrottlingException),
            (rek_error("InternalServerError", "oops", 500), rek_errors.InternalServerError),
            (rek_error("AccessDeniedException", "denied", 400), rek_errors.AccessDeniedException),
            (rek_error("UnrecognizedClientException", "bad token", 400), rek_errors.RekognitionError),
        ],
    )
    async def test_service_errors(
        self, rek: RekognitionClient, fake_aws: FakeAws, reply: Reply, cls: type[ServiceError]
    ) -> None:
        fake_aws.always("DescribeCollection", reply)
        with pytest.raises(cls) as caught:
            await rek.describe_collection(collection_id="c")
        assert_error_clean(caught.value)

    async def test_lookoutvision_service_error(self, lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeProject", lfv_error("ThrottlingException", 429, "slow", retry_after=1))
        with pytest.raises(ServiceError) as caught:
            await lfv.describe_project(project_name="p")
        assert_error_clean(caught.value)

    async def test_dropped_connection(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", drop())
        with pytest.raises(ConnectionLostError) as caught:
            await rek.describe_collection(collection_id="c")
        assert_error_clean(caught.value)

    async def test_read_timeout(self, fake_aws: FakeAws) -> None:
        fake_aws.always("CreateCollection", slow(0.6))
        async with open_rek(fake_aws, read_timeout=True) as rek:
            with pytest.raises(ReadTimeoutError) as caught:
                await rek.create_collection(collection_id="c")
        assert_error_clean(caught.value)

    async def test_connect_error(self, fake_aws: FakeAws) -> None:
        async with open_rek(fake_aws, max_attempts=2, endpoint_url=f"http://127.0.0.1:{closed_port()}") as rek:
            with pytest.raises(ConnectError) as caught:
                await rek.create_user(collection_id="c", user_id="u")
        assert_error_clean(caught.value)

    async def test_validation_error(self, rek: RekognitionClient) -> None:
        with pytest.raises(ValueError, match="collection_id") as caught:
            await rek.describe_collection(collection_id="no spaces allowed")
        assert_error_clean(caught.value)

    async def test_service_echoing_the_token_does_not_leak_it(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        # AWS's signature-mismatch replies quote the canonical request, signed headers and their
        # values included (x-amz-security-token among them). The token must not reach the error.
        def echo(request: Recorded) -> Reply:
            headers = {k.lower(): v for k, v in request.headers.items()}
            signed = headers["authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
            canonical = "\n".join(f"{name}:{headers[name]}" for name in signed)
            message = (
                "The request signature we calculated does not match the signature you provided. "
                f"The Canonical String for this request should have been\n'POST\n/\n\n{canonical}'"
            )
            return Reply(400, {"__type": "InvalidSignatureException", "message": message})

        fake_aws.always("DescribeCollection", echo)
        with pytest.raises(AwsVisionError) as caught:
            await rek.describe_collection(collection_id="c")
        assert "Canonical String" in str(caught.value)  # the reply did arrive
        assert_error_clean(caught.value)


class TestWire:
    async def test_secret_key_never_sent(self, fake_aws: FakeAws) -> None:
        fake_aws.on("DescribeCollection", rek_error("InternalServerError", "x", 500), ok(COLLECTION_BODY))
        async with open_rek(fake_aws) as rek:
            await rek.describe_collection(collection_id="c")
        assert len(fake_aws.requests) == 2
        for request in fake_aws.requests:
            assert SECRET_KEY not in repr(request.headers)
            assert SECRET_KEY.encode() not in request.body
            # The session token does travel, in its own header, as SigV4 requires.
            assert request.headers["X-Amz-Security-Token"] == SESSION_TOKEN


class TestLogs:
    @pytest.fixture
    def sdk_logs(self, caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
        caplog.set_level(logging.DEBUG, logger="aws_vision_async")
        return caplog

    @staticmethod
    def sdk_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.name == "aws_vision_async" or r.name.startswith("aws_vision_async.")]

    def assert_records_clean(self, records: list[logging.LogRecord]) -> None:
        formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
        for record in records:
            assert_no_secret(formatter.format(record), "log line")
            assert_no_secret(repr(record.args), "log args")
            assert_no_secret(repr(record.__dict__), "log record")

    async def test_retries_of_every_kind(self, fake_aws: FakeAws, sdk_logs: pytest.LogCaptureFixture) -> None:
        fake_aws.on(
            "DescribeCollection",
            rek_error("ThrottlingException", "slow", 400),
            drop(),
            rek_error("InternalServerError", "oops", 500),
            ok(COLLECTION_BODY),
        )
        fake_aws.always("CreateUser", rek_error("ProvisionedThroughputExceededException", "pte", 400))
        async with open_rek(fake_aws) as rek:
            await rek.describe_collection(collection_id="c")
            with pytest.raises(ServiceError):
                await rek.create_user(collection_id="c", user_id="u")
        records = self.sdk_records(sdk_logs)
        # The retries were logged (so this test looks at something), and nothing secret was.
        assert len(records) >= 6
        self.assert_records_clean(records)

    async def test_timeouts_and_connect_errors(self, fake_aws: FakeAws, sdk_logs: pytest.LogCaptureFixture) -> None:
        fake_aws.on("DescribeCollection", slow(0.6), ok(COLLECTION_BODY))
        async with open_rek(fake_aws, read_timeout=True) as rek:
            await rek.describe_collection(collection_id="c")
        async with open_rek(fake_aws, max_attempts=2, endpoint_url=f"http://127.0.0.1:{closed_port()}") as rek:
            with pytest.raises(ConnectError):
                await rek.describe_collection(collection_id="c")
        records = self.sdk_records(sdk_logs)
        assert len(records) >= 2
        self.assert_records_clean(records)

    async def test_budget_exhaustion(self, fake_aws: FakeAws, sdk_logs: pytest.LogCaptureFixture) -> None:
        from aws_vision_async._core.budget import RetryBudget

        fake_aws.always("DescribeCollection", rek_error("InternalServerError", "oops", 500))
        async with open_rek(fake_aws) as rek:
            rek._budget = RetryBudget(capacity=5)
            with pytest.raises(ServiceError):
                await rek.describe_collection(collection_id="c")
        records = self.sdk_records(sdk_logs)
        assert any("budget" in r.getMessage() for r in records)
        self.assert_records_clean(records)
