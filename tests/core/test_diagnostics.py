"""What a user reads when something fails: short tracebacks, log lines that tell the truth about attempts."""

from __future__ import annotations

import logging
import traceback

import pytest

from aws_vision_async import ConnectionLostError, RekognitionClient
from aws_vision_async.rekognition import errors as rek_errors

from ..fakeaws import FakeAws, drop, ok, rek_error
from ._support import COLLECTION_BODY, open_rek

pytestmark = pytest.mark.anyio

HIDDEN = ("tenacity", "concurrent/futures")


def frames(exc: BaseException) -> list[str]:
    return [f"{frame.filename}:{frame.name}" for frame in traceback.extract_tb(exc.__traceback__)]


class TestTracebacks:
    async def test_service_error_traceback_skips_the_retry_machinery(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", rek_error("InternalServerError", "oops", 500))
        async with open_rek(fake_aws, max_attempts=3) as rek:
            with pytest.raises(rek_errors.InternalServerError) as caught:
                await rek.describe_collection(collection_id="c")
        stack = frames(caught.value)
        assert not [f for f in stack if any(h in f for h in HIDDEN)], stack
        # The way down is still there: the test, the client method, and where the error was raised.
        assert "test_diagnostics.py" in stack[0]
        assert any(f.endswith(":describe_collection") for f in stack)
        assert "transport.py" in stack[-1]
        # The SDK's own frames only: method, _call, _send, pipeline (run, attempt), transport.
        assert len(stack) <= 8, stack

    async def test_network_error_keeps_its_cause(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", drop())
        async with open_rek(fake_aws, max_attempts=2) as rek:
            with pytest.raises(ConnectionLostError) as caught:
                await rek.describe_collection(collection_id="c")
        assert not [f for f in frames(caught.value) if any(h in f for h in HIDDEN)]
        assert caught.value.__cause__ is not None  # the HTTP layer's exception, for debugging

    async def test_paginated_error_traceback_is_short_too(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeProjects", rek_error("AccessDeniedException", "no", 400))
        with pytest.raises(rek_errors.AccessDeniedException) as caught:
            async for _ in rek.describe_projects():
                pass
        assert not [f for f in frames(caught.value) if any(h in f for h in HIDDEN)]


class TestLogLines:
    async def test_botocore_retry_lines_are_quiet_during_sdk_calls(
        self, fake_aws: FakeAws, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        fake_aws.on("DescribeCollection", rek_error("ThrottlingException", "slow", 400))
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        async with open_rek(fake_aws) as rek:
            await rek.describe_collection(collection_id="c")
            sdk_lines = [r.getMessage() for r in caplog.records]
            caplog.clear()
            # Outside SDK calls botocore's client is left as it is, its log lines included.
            await rek.aiobotocore_client.describe_collection(CollectionId="c")
            direct_lines = [r.getMessage() for r in caplog.records]
        assert not [line for line in sdk_lines if "Max attempts of" in line or line == "Not retrying request."]
        # What the SDK says of its own attempts instead.
        assert any("DescribeCollection: attempt 1 of 4 failed with ThrottlingException" in line for line in sdk_lines)
        assert any("Max attempts of 1 reached." in line for line in direct_lines)
