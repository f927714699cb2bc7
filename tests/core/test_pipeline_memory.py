"""The call pipeline over the in-memory transport: retries, tokens, limiter, errors, clock, spans; no sockets."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from aws_vision_async import (
    ConnectError,
    ConnectionLostError,
    InvalidResponseError,
    RateLimiter,
    RateLimitTimeoutError,
    ReadTimeoutError,
    RekognitionClient,
    RetryPolicy,
    ServiceError,
    ThrottlingError,
)
from aws_vision_async._core import pipeline, telemetry
from aws_vision_async._core.memory_transport import (
    MemoryTransport,
    connect_failed,
    connection_lost,
    error,
    ok,
    read_timeout,
)
from aws_vision_async._core.transport import Request, Transport
from aws_vision_async.rekognition import errors as rek_errors

pytestmark = pytest.mark.anyio

COLLECTION = {"FaceCount": 3, "FaceModelVersion": "7.0", "CollectionARN": "arn:aws:rekognition:c"}


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def memory_client(memory: MemoryTransport, **options: Any) -> RekognitionClient:
    """A client that sends through ``memory``: never opened, no socket, no aiobotocore client."""
    client = RekognitionClient(region_name="eu-west-1", retry_policy=options.pop("retry_policy", None), **options)
    client._attach(memory, service_id="Rekognition", region="eu-west-1")  # pyright: ignore[reportPrivateUsage]
    return client


def test_the_memory_transport_is_a_transport() -> None:
    transport: Transport = MemoryTransport()
    assert transport.corrects_clock("DescribeCollection")


class TestRetries:
    async def test_a_throttled_call_is_retried_with_one_invocation_id_and_counted_attempts(self) -> None:
        memory = MemoryTransport()
        memory.reply_with("DescribeCollection", error("ThrottlingException", "slow down"), ok(COLLECTION))
        response = await memory_client(memory).describe_collection(collection_id="c")
        assert response.face_count == 3
        assert response.response_metadata is not None
        assert response.response_metadata.attempts == 2
        attempts = [r.attempt for r in memory.requests]
        assert [a.number for a in attempts] == [1, 2]
        assert {a.max_attempts for a in attempts} == {3}
        assert len({a.invocation_id for a in attempts}) == 1

    async def test_max_attempts_bounds_the_requests(self) -> None:
        memory = MemoryTransport()
        memory.reply_with("DescribeCollection", error("ThrottlingException"))
        client = memory_client(memory, retry_policy=RetryPolicy(max_attempts=4, use_budget=False))
        with pytest.raises(ThrottlingError):
            await client.describe_collection(collection_id="c")
        assert len(memory.requests) == 4

    async def test_an_undocumented_5xx_is_transient_and_retried(self) -> None:
        memory = MemoryTransport()
        memory.reply_with("DescribeCollection", error(None, status=502), ok(COLLECTION))
        await memory_client(memory).describe_collection(collection_id="c")
        assert len(memory.requests) == 2

    async def test_retry_after_is_read_from_the_reply(self) -> None:
        memory = MemoryTransport()
        memory.reply_with("DescribeCollection", error("ThrottlingException", headers={"Retry-After": "7"}))
        client = memory_client(memory, retry_policy=RetryPolicy(max_attempts=1))
        with pytest.raises(ThrottlingError) as caught:
            await client.describe_collection(collection_id="c")
        assert caught.value.retry_after == 7.0

    async def test_the_budget_stops_retries_when_it_runs_dry(self) -> None:
        memory = MemoryTransport()
        memory.reply_with("DescribeCollection", error("ThrottlingException"))
        client = memory_client(memory, retry_policy=RetryPolicy(max_attempts=3))
        for _ in range(60):
            with pytest.raises(ThrottlingError):
                await client.describe_collection(collection_id="c")
        # Without a budget: 180 requests. With it, retries stop once it is spent.
        assert 60 < len(memory.requests) < 180


class TestIdempotencyTokens:
    async def test_a_token_is_made_once_and_sent_on_every_retry(self) -> None:
        memory = MemoryTransport()
        memory.reply_with("CreateUser", connection_lost(), error(None, status=503), ok({}))
        await memory_client(memory).create_user(collection_id="c", user_id="u")
        tokens = [r.params["ClientRequestToken"] for r in memory.requests]
        assert len(tokens) == 3
        assert len(set(tokens)) == 1
        assert len(tokens[0]) == 36

    async def test_each_logical_call_gets_its_own_token(self) -> None:
        memory = MemoryTransport()
        memory.reply_with("CreateUser", ok({}))
        client = memory_client(memory)
        await client.create_user(collection_id="c", user_id="u")
        await client.create_user(collection_id="c", user_id="u")
        assert len({r.params["ClientRequestToken"] for r in memory.requests}) == 2

    async def test_a_token_given_by_the_caller_is_sent_as_given(self) -> None:
        memory = MemoryTransport()
        memory.reply_with("CreateUser", error("ThrottlingException"), ok({}))
        await memory_client(memory).create_user(collection_id="c", user_id="u", client_request_token="mine")
        assert [r.params["ClientRequestToken"] for r in memory.requests] == ["mine", "mine"]


class TestErrors:
    async def test_a_documented_code_becomes_its_class(self) -> None:
        memory = MemoryTransport()
        memory.reply_with("DescribeCollection", error("ResourceNotFoundException", "no such collection"))
        with pytest.raises(rek_errors.ResourceNotFoundException) as caught:
            await memory_client(memory).describe_collection(collection_id="c")
        assert caught.value.code == "ResourceNotFoundException"
        assert caught.value.status_code == 400
        assert caught.value.request_id == "memory-request-id"
        assert caught.value.operation_name == "DescribeCollection"
        assert "no such collection" in str(caught.value)
        assert len(memory.requests) == 1

    async def test_an_undocumented_code_is_the_service_base_error_and_not_retried(self) -> None:
        memory = MemoryTransport()
        memory.reply_with("DescribeCollection", error("SomethingNewException", status=400))
        with pytest.raises(ServiceError) as caught:
            await memory_client(memory).describe_collection(collection_id="c")
        assert type(caught.value) is rek_errors.RekognitionError
        assert len(memory.requests) == 1

    @pytest.mark.parametrize(
        ("failure", "kind"),
        [(connect_failed, ConnectError), (connection_lost, ConnectionLostError), (read_timeout, ReadTimeoutError)],
    )
    async def test_network_failures_become_network_errors(self, failure: Any, kind: type[Exception]) -> None:
        memory = MemoryTransport()
        memory.reply_with("DescribeCollection", failure())
        client = memory_client(memory, retry_policy=RetryPolicy(max_attempts=2))
        with pytest.raises(kind) as caught:
            await client.describe_collection(collection_id="c")
        assert caught.value.__cause__ is not None
        assert len(memory.requests) == 2  # a read: safe to retry

    async def test_a_write_is_not_resent_after_it_may_have_arrived(self) -> None:
        memory = MemoryTransport()
        memory.reply_with("CreateCollection", connection_lost())
        with pytest.raises(ConnectionLostError):
            await memory_client(memory).create_collection(collection_id="c")
        assert len(memory.requests) == 1

    async def test_a_write_is_resent_when_it_never_left(self) -> None:
        memory = MemoryTransport()
        memory.reply_with("CreateCollection", connect_failed(), ok({"StatusCode": 200}))
        await memory_client(memory).create_collection(collection_id="c")
        assert len(memory.requests) == 2

    async def test_a_reply_that_is_no_response_is_invalid(self) -> None:
        memory = MemoryTransport()
        memory.reply_with("DescribeCollection", ok({"FaceCount": "many"}))
        with pytest.raises(InvalidResponseError):
            await memory_client(memory).describe_collection(collection_id="c")


class TestRateLimiter:
    async def test_every_attempt_draws_a_token_and_a_throttle_cuts_the_rate(self) -> None:
        limiter = RateLimiter(per_second=1000, burst=10)
        memory = MemoryTransport()
        memory.reply_with("DescribeCollection", error("ThrottlingException"), ok(COLLECTION))
        before = limiter.tokens
        await memory_client(memory, rate_limiter=limiter).describe_collection(collection_id="c")
        assert limiter.throttles == 1
        assert limiter.tokens <= before - 2 + 1  # two tokens drawn (refill aside)
        assert limiter.rate is not None
        assert limiter.rate < 1000

    async def test_a_limiter_per_operation_applies_to_that_operation_only(self) -> None:
        limiter = RateLimiter(per_second=1000, burst=10)
        memory = MemoryTransport()
        memory.reply_with("DescribeCollection", error("ThrottlingException"), ok(COLLECTION))
        memory.reply_with("ListCollections", ok({"CollectionIds": []}))
        client = memory_client(memory, rate_limiter={"ListCollections": limiter})
        await client.describe_collection(collection_id="c")
        assert limiter.throttles == 0

    async def test_a_token_too_far_off_fails_before_sending(self) -> None:
        limiter = RateLimiter(per_second=0.01, burst=1)
        memory = MemoryTransport()
        memory.reply_with("DescribeCollection", ok(COLLECTION))
        client = memory_client(memory, rate_limiter=limiter, rate_limit_max_wait=0.5)
        await client.describe_collection(collection_id="c")
        with pytest.raises(RateLimitTimeoutError):
            await client.describe_collection(collection_id="c")
        assert len(memory.requests) == 1


class TestClock:
    async def test_a_skewed_clock_is_corrected_and_the_request_resent_within_the_attempt(self) -> None:
        ahead = email.utils.formatdate(time.time() + 3600, usegmt=True)
        memory = MemoryTransport()
        memory.reply_with(
            "DescribeCollection",
            error("InvalidSignatureException", "Signature expired", headers={"Date": ahead}),
            ok(COLLECTION),
        )
        response = await memory_client(memory).describe_collection(collection_id="c")
        assert response.response_metadata is not None
        assert response.response_metadata.attempts == 1
        assert [r.attempt.number for r in memory.requests] == [1, 1]
        assert 3500 < memory.clock.offset < 3700

    async def test_without_clock_correction_the_error_stands(self) -> None:
        ahead = email.utils.formatdate(time.time() + 3600, usegmt=True)
        memory = MemoryTransport(corrects_clock=False)
        memory.reply_with("DescribeCollection", error("InvalidSignatureException", headers={"Date": ahead}))
        with pytest.raises(rek_errors.RekognitionError):
            await memory_client(memory).describe_collection(collection_id="c")
        assert memory.clock.offset == 0


class TestPipelineDirectly:
    async def test_run_sends_through_any_transport(self) -> None:
        from aws_vision_async.rekognition._operations import DESCRIBE_COLLECTION

        async def respond(request: Request) -> Any:
            return ok(COLLECTION) if request.attempt.number == 2 else error("ThrottlingException")

        memory = MemoryTransport(respond)
        response = await pipeline.run(
            RekognitionClient._service,  # pyright: ignore[reportPrivateUsage]
            DESCRIBE_COLLECTION,
            {"CollectionId": "c"},
            transport=memory,
            scrub=str,
            policy=RetryPolicy(max_attempts=2),
            budget=None,
        )
        assert response.face_count == 3
        assert [r.params for r in memory.requests] == [{"CollectionId": "c"}] * 2


@pytest.fixture
def spans(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(telemetry, "_tracer", provider.get_tracer(telemetry.SCOPE))
    monkeypatch.setattr(telemetry, "_is_proxy", False)
    yield exporter
    provider.shutdown()


class TestTelemetry:
    async def test_a_call_span_counts_attempts_and_records_the_retry(self, spans: InMemorySpanExporter) -> None:
        memory = MemoryTransport()
        memory.reply_with("DescribeCollection", error("ThrottlingException"), ok(COLLECTION))
        await memory_client(memory).describe_collection(collection_id="c")
        (span,) = spans.get_finished_spans()
        attributes = dict(span.attributes or {})
        assert span.name == "Rekognition.DescribeCollection"
        assert attributes["rpc.service"] == "Rekognition"
        assert attributes["cloud.region"] == "eu-west-1"
        assert attributes["aws_vision_async.attempts"] == 2
        assert attributes["aws.request_id"] == "memory-request-id"
        assert [e.name for e in span.events] == ["retry"]
        assert span.status.status_code is StatusCode.UNSET

    async def test_a_failed_call_span_carries_the_error(self, spans: InMemorySpanExporter) -> None:
        memory = MemoryTransport()
        memory.reply_with("DescribeCollection", error("AccessDeniedException", status=400))
        with pytest.raises(rek_errors.AccessDeniedException):
            await memory_client(memory).describe_collection(collection_id="c")
        (span,) = spans.get_finished_spans()
        assert dict(span.attributes or {})["error.type"] == "AccessDeniedException"
        assert span.status.status_code is StatusCode.ERROR

    async def test_a_pagination_span_is_the_parent_of_its_pages(self, spans: InMemorySpanExporter) -> None:
        memory = MemoryTransport()

        def pages(request: Request) -> Any:
            if request.params.get("NextToken") is None:
                return ok({"CollectionIds": ["a"], "FaceModelVersions": ["7"], "NextToken": "t"})
            return ok({"CollectionIds": ["b"], "FaceModelVersions": ["7"]})

        memory = MemoryTransport(pages)
        seen = [c async for c in memory_client(memory).list_collections()]
        assert len(seen) == 2
        finished = spans.get_finished_spans()
        (whole,) = [s for s in finished if s.name.endswith("pagination")]
        calls = [s for s in finished if s.name == "Rekognition.ListCollections"]
        assert len(calls) == 2
        assert whole.context is not None
        assert all(c.parent is not None and c.parent.span_id == whole.context.span_id for c in calls)
