"""Redaction masks credentials only while their client is open, and never ordinary words."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator

import pytest
from aiobotocore.session import AioSession

from aws_vision_async import RekognitionClient, ServiceError
from aws_vision_async._core import redact
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator

from ..conftest import client_kwargs
from ..fakeaws import FakeAws, Recorded, Reply, ok
from ._support import COLLECTION_BODY

pytestmark = pytest.mark.anyio


def secret(n: int) -> str:
    """A distinct 40-character value shaped like a secret access key."""
    return f"wJalrXUtnFEMI/K7MDENG/{n:018d}"


@pytest.fixture
def debug_lines() -> Iterator[list[str]]:
    """Every formatted record of the botocore and SDK loggers at DEBUG."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(f"{record.name} {record.getMessage()}")

    handler = Keep(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in ("botocore", "aiobotocore", "aws_vision_async")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)


class TestOrdinaryTextIsNotMasked:
    async def test_emulator_message_intact_under_emulator_credentials(
        self, vision_emulator: Emulator, debug_lines: list[str]
    ) -> None:
        # The emulator's secret is the word "emulator", which its own 501 message contains
        # (every operation is emulated: one taken out of the handler table answers 501).
        del vision_emulator.state.rekognition["GetCelebrityInfo"]
        for _ in range(2):  # and stays intact for the next client of the process
            async with RekognitionClient(
                endpoint_url=vision_emulator.url, region_name="us-east-1", **EMULATOR_CREDENTIALS
            ) as rek:
                with pytest.raises(ServiceError) as caught:
                    await rek.get_celebrity_info(id="1")
            assert caught.value.code == "NotImplementedException"
            assert "aws-vision-async's emulator" in caught.value.message
            assert "<redacted>" not in str(caught.value)
        bodies = [line for line in debug_lines if "is not emulated" in line]
        assert bodies
        assert all("<redacted>" not in line for line in bodies)

    def test_short_values_are_not_secrets(self) -> None:
        before = redact.tracked_count()
        protection = redact.protect("emulator", "x" * (redact.MIN_SECRET_LENGTH - 1))
        try:
            assert protection.secrets == ()
            assert redact.tracked_count() == before
            assert redact.scrub("the emulator said") == "the emulator said"
        finally:
            protection.release()

    def test_session_token_header_is_masked_whatever_its_length(self) -> None:
        text = "x-amz-security-token:short"
        assert redact.scrub(text) == "x-amz-security-token:<redacted>"


class TestLifetime:
    def test_ten_thousand_clients_leave_nothing_behind(self) -> None:
        before = redact.tracked_count()
        peak = before
        for n in range(10_000):
            protection = redact.protect(secret(n), secret(n) + "-token")
            assert protection.scrub(f"key {secret(n)}") == "key <redacted>"
            peak = max(peak, redact.tracked_count())
            protection.release()
        assert peak == before + 2
        assert redact.tracked_count() == before

    def test_a_secret_shared_by_two_clients_stays_until_both_release(self) -> None:
        first = redact.protect(secret(1))
        second = redact.protect(secret(1))
        first.release()
        first.release()  # idempotent: does not release the other client's hold
        assert redact.scrub(secret(1)) == "<redacted>"
        second.release()
        assert redact.scrub(secret(1)) == secret(1)

    async def test_hundreds_of_real_clients(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        session = AioSession()  # shared, so that each client opens quickly
        before = redact.tracked_count()
        for n in range(200):
            kwargs = client_kwargs(fake_aws, aws_secret_access_key=secret(n), aws_session_token=secret(n) + "/token")
            async with RekognitionClient(session=session, **kwargs) as rek:
                assert redact.tracked_count() == before + 2
                if n % 50 == 0:
                    await rek.describe_collection(collection_id="c")
            assert redact.tracked_count() == before
        assert len(fake_aws.requests) == 4

    async def test_a_client_dropped_unclosed_releases_its_secrets(self, fake_aws: FakeAws) -> None:
        before = redact.tracked_count()
        client = RekognitionClient(**client_kwargs(fake_aws, aws_secret_access_key=secret(7)))
        await client.__aenter__()
        assert redact.tracked_count() == before + 2  # the key and the session token of client_kwargs
        aiobotocore_client = client.aiobotocore_client
        del client
        gc.collect()
        assert redact.tracked_count() == before
        await aiobotocore_client.close()

    async def test_error_messages_are_scrubbed_with_the_clients_own_secrets(self, fake_aws: FakeAws) -> None:
        mine, other = secret(1), secret(2)

        def echo(request: Recorded) -> Reply:
            return Reply(400, {"__type": "InvalidSignatureException", "message": f"echo {mine} and {other}"})

        fake_aws.always("DescribeCollection", echo)
        other_protection = redact.protect(other)
        try:
            async with RekognitionClient(**client_kwargs(fake_aws, aws_secret_access_key=mine)) as rek:
                with pytest.raises(ServiceError) as caught:
                    await rek.describe_collection(collection_id="c")
        finally:
            other_protection.release()
        # Its own secret is masked; another client's value is not this client's to know of.
        assert caught.value.message == f"echo <redacted> and {other}"
