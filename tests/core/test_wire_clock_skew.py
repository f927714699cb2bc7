"""A client whose clock is off corrects it from the reply's ``Date`` and resends at once, once.

The server here keeps a clock an hour ahead of this machine and refuses any
request signed more than 5 minutes from it, as AWS does ("Signature expired").
"""

from __future__ import annotations

import calendar
import email.utils
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from aws_vision_async import RekognitionClient, RetryPolicy
from aws_vision_async._core import clock
from aws_vision_async.rekognition import errors as rek_errors

from ..conftest import client_kwargs
from ..fakeaws import FakeAws, Recorded, Reply
from ._support import COLLECTION_BODY
from ._wire import anyio_backend, http_backend

__all__ = ["anyio_backend", "http_backend"]

pytestmark = pytest.mark.anyio

AHEAD = 3600.0


def signed_at(request: Recorded) -> float:
    return float(calendar.timegm(time.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ")))


def server_clock(ahead: float = AHEAD) -> Any:
    """A responder with a clock ``ahead`` seconds from this machine's, strict as AWS."""

    def respond(request: Recorded) -> Reply:
        now = time.time() + ahead
        date = {"Date": email.utils.formatdate(now, usegmt=True)}
        amz = request.headers["X-Amz-Date"]
        if abs(signed_at(request) - now) > 300:
            stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
            limit = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now - 300))
            message = f"Signature expired: {amz} is now earlier than {limit} ({stamp} - 5 min.)"
            return Reply(400, {"__type": "InvalidSignatureException", "Message": message}, date)
        return Reply(200, COLLECTION_BODY, date)

    return respond


@pytest.mark.parametrize("direct", [True, False])
async def test_a_skewed_clock_is_corrected_and_the_call_succeeds(
    fake_aws: FakeAws, http_backend: str, direct: bool
) -> None:
    fake_aws.always("DescribeCollection", server_clock())
    # One attempt allowed: the resend is not one of them.
    kwargs = client_kwargs(fake_aws, http_backend=http_backend, direct=direct, retry_policy=RetryPolicy(max_attempts=1))
    async with RekognitionClient(**kwargs) as rek:
        first = await rek.describe_collection(collection_id="c")
        refused, resent = fake_aws.calls("DescribeCollection")
        assert abs(signed_at(refused) - time.time()) < 60  # the local clock
        assert abs(signed_at(resent) - (time.time() + AHEAD)) < 60  # the server's
        assert first.response_metadata.attempts == 1
        # Same attempt, as the attempt headers say.
        assert refused.headers["amz-sdk-request"] == resent.headers["amz-sdk-request"] == "attempt=1; max=1"
        assert refused.headers["amz-sdk-invocation-id"] == resent.headers["amz-sdk-invocation-id"]

        second = await rek.describe_collection(collection_id="c")
        assert second.face_count == 3
        assert second.response_metadata.attempts == 1
        assert len(fake_aws.calls("DescribeCollection")) == 3  # the second call: one request, accepted


async def test_the_resend_is_not_charged_to_the_retry_budget(fake_aws: FakeAws, http_backend: str) -> None:
    fake_aws.always("DescribeCollection", server_clock())
    async with RekognitionClient(**client_kwargs(fake_aws, http_backend=http_backend)) as rek:
        budget = rek._budget  # pyright: ignore[reportPrivateUsage]
        while budget.acquire(1):  # an empty budget allows no retry at all
            pass
        resp = await rek.describe_collection(collection_id="c")
    assert resp.response_metadata.attempts == 1
    assert len(fake_aws.calls("DescribeCollection")) == 2


@pytest.mark.parametrize("direct", [True, False])
async def test_the_correction_is_per_client_and_for_the_sdks_calls_only(
    fake_aws: FakeAws, http_backend: str, direct: bool
) -> None:
    fake_aws.always("DescribeCollection", server_clock())
    kwargs = client_kwargs(fake_aws, http_backend=http_backend, direct=direct)
    async with RekognitionClient(**kwargs) as rek, RekognitionClient(**kwargs) as other:
        await rek.describe_collection(collection_id="c")
        fake_aws.requests.clear()
        # A user's own aiobotocore call on the same client signs with the local clock, as plain botocore.
        with pytest.raises(ClientError, match="Signature expired"):
            await rek.aiobotocore_client.describe_collection(CollectionId="c")
        # Another client has learnt nothing: its first request is refused, then it corrects too.
        await other.describe_collection(collection_id="c")
    plain, refused, resent = fake_aws.calls("DescribeCollection")
    assert abs(signed_at(plain) - time.time()) < 60
    assert abs(signed_at(refused) - time.time()) < 60
    assert abs(signed_at(resent) - (time.time() + AHEAD)) < 60


@pytest.mark.parametrize("direct", [True, False])
async def test_a_signature_error_with_the_right_time_is_not_resent(
    fake_aws: FakeAws, http_backend: str, direct: bool
) -> None:
    # A wrong secret key: InvalidSignatureException too, but the clocks agree.
    date = {"Date": email.utils.formatdate(time.time(), usegmt=True)}
    fake_aws.always("DescribeCollection", Reply(400, {"__type": "InvalidSignatureException", "Message": "bad"}, date))
    async with RekognitionClient(**client_kwargs(fake_aws, http_backend=http_backend, direct=direct)) as rek:
        with pytest.raises(rek_errors.RekognitionError) as caught:
            await rek.describe_collection(collection_id="c")
    assert caught.value.code == "InvalidSignatureException"
    assert len(fake_aws.calls("DescribeCollection")) == 1


async def test_a_clock_that_stays_wrong_is_resent_once_only(fake_aws: FakeAws, http_backend: str) -> None:
    # A server whose clock jumps again between the requests: no loop.
    fake_aws.on("DescribeCollection", server_clock(AHEAD), server_clock(-AHEAD))
    kwargs = client_kwargs(fake_aws, http_backend=http_backend, retry_policy=RetryPolicy(max_attempts=1))
    async with RekognitionClient(**kwargs) as rek:
        with pytest.raises(rek_errors.RekognitionError, match="Signature expired"):
            await rek.describe_collection(collection_id="c")
    assert len(fake_aws.calls("DescribeCollection")) == 2


@pytest.mark.parametrize(
    ("code", "ahead", "expected"),
    [
        ("InvalidSignatureException", 3600, 3600),
        ("RequestTimeTooSkewed", -900, -900),
        ("RequestExpired", 600, 600),
        ("SignatureDoesNotMatch", 3600, 3600),
        ("AuthFailure", 3600, 3600),
        ("RequestInTheFuture", -3600, -3600),
        ("InvalidSignatureException", 200, None),  # under 4 minutes: no correction
        ("ThrottlingException", 3600, None),  # not a clock error
    ],
)
def test_new_offset(code: str, ahead: float, expected: float | None) -> None:
    now = 1_700_000_000.0
    headers = {"date": email.utils.formatdate(now + ahead, usegmt=True)}
    assert clock.new_offset(code, headers, 0.0, now=now) == expected


def test_new_offset_from_a_corrected_clock() -> None:
    now = 1_700_000_000.0
    at = {"date": email.utils.formatdate(now + 3600, usegmt=True)}
    assert clock.new_offset("RequestExpired", at, 3600.0, now=now) is None  # signed with the right time already
    back = {"date": email.utils.formatdate(now, usegmt=True)}
    assert clock.new_offset("RequestExpired", back, 3600.0, now=now) == 0.0  # the local clock was fixed since
    assert clock.new_offset("RequestExpired", {}, 0.0, now=now) is None
    assert clock.new_offset("RequestExpired", {"date": "not a date"}, 0.0, now=now) is None
