"""OpenTelemetry spans: one per call, around a pagination, a waiter and a fan-out; none without the API."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from aws_vision_async import (
    LookoutVisionClient,
    NotFoundError,
    PaginationError,
    RateLimiter,
    RekognitionClient,
    WaiterFailedError,
    fan_out,
)
from aws_vision_async._core import telemetry

from ..conftest import client_kwargs
from ..fakeaws import FakeAws, ok, rek_error
from .test_cold_start import run_fresh

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def spans(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemorySpanExporter]:
    """The SDK's spans, exported to memory by a provider of this test alone."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(telemetry, "_tracer", provider.get_tracer(telemetry.SCOPE))
    monkeypatch.setattr(telemetry, "_is_proxy", False)
    yield exporter
    provider.shutdown()


def named(exporter: InMemorySpanExporter, name: str) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.name == name]


def attrs(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


COLLECTION = {"FaceCount": 3, "FaceModelVersion": "7.0"}


async def test_a_call_is_a_client_span_with_the_aws_attributes(spans: InMemorySpanExporter, fake_aws: FakeAws) -> None:
    fake_aws.on("DescribeCollection", rek_error("ThrottlingException", "slow down"), ok(COLLECTION))
    async with RekognitionClient(**client_kwargs(fake_aws)) as rek:
        await rek.describe_collection(collection_id="c1")
    (span,) = spans.get_finished_spans()
    assert span.name == "Rekognition.DescribeCollection"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    assert attrs(span) == {
        "rpc.system": "aws-api",
        "rpc.service": "Rekognition",
        "rpc.method": "DescribeCollection",
        "cloud.region": "us-east-1",
        "aws.request_id": "req-2",
        "http.response.status_code": 200,
        "aws_vision_async.attempts": 2,
        "aws_vision_async.rate_limiter.wait": 0.0,
    }
    (retry,) = span.events
    assert retry.name == "retry"
    assert dict(retry.attributes or {}) == {
        "aws_vision_async.attempt": 1,
        "error.type": "ThrottlingException",
        "aws_vision_async.retry.delay": 0.0,  # tests run with set_testing(True): no waits
        "aws.request_id": "req-1",
    }


async def test_a_failed_call_is_an_error_span(spans: InMemorySpanExporter, fake_aws: FakeAws) -> None:
    fake_aws.on("DescribeCollection", rek_error("ResourceNotFoundException", "no such collection"))
    async with RekognitionClient(**client_kwargs(fake_aws)) as rek:
        with pytest.raises(NotFoundError):
            await rek.describe_collection(collection_id="c1")
    (span,) = spans.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert attrs(span)["error.type"] == "ResourceNotFoundException"
    assert attrs(span)["aws.request_id"] == "req-1"
    assert attrs(span)["http.response.status_code"] == 400
    assert attrs(span)["aws_vision_async.attempts"] == 1
    assert [e.name for e in span.events] == ["exception"]
    # Credentials never reach a span.
    assert "secret" not in json.dumps([attrs(s) for s in spans.get_finished_spans()]).lower()


async def test_the_rate_limiter_wait_is_on_the_span(spans: InMemorySpanExporter, fake_aws: FakeAws) -> None:
    fake_aws.always("DescribeCollection", ok(COLLECTION))
    limiter = RateLimiter(per_second=20, burst=1)
    async with RekognitionClient(**client_kwargs(fake_aws, rate_limiter=limiter)) as rek:
        for _ in range(3):
            await rek.describe_collection(collection_id="c1")
    waits = [attrs(s)["aws_vision_async.rate_limiter.wait"] for s in spans.get_finished_spans()]
    # One token a 50 ms: the second and third calls waited for theirs.
    assert waits[0] < 0.02
    assert all(0.02 < w < 0.5 for w in waits[1:]), waits


async def test_a_lookout_for_vision_call_names_its_service(
    spans: InMemorySpanExporter, lfv: LookoutVisionClient, fake_aws: FakeAws
) -> None:
    fake_aws.on("ListProjects", ok({"Projects": []}))
    await lfv.list_projects()
    (span,) = spans.get_finished_spans()
    assert span.name == "LookoutVision.ListProjects"
    assert attrs(span)["rpc.service"] == "LookoutVision"


PAGE = {"ProjectDescriptions": [{"ProjectArn": "arn:aws:rekognition:us-east-1:1:project/p/1"}]}


async def test_a_pagination_is_one_span_over_its_page_calls(spans: InMemorySpanExporter, fake_aws: FakeAws) -> None:
    fake_aws.on("DescribeProjects", ok({**PAGE, "NextToken": "t1"}), ok({**PAGE, "NextToken": "t2"}), ok(PAGE))
    async with RekognitionClient(**client_kwargs(fake_aws)) as rek:
        found = [p async for p in rek.describe_projects()]
    assert len(found) == 3
    (whole,) = named(spans, "Rekognition.DescribeProjects pagination")
    pages = named(spans, "Rekognition.DescribeProjects")
    assert len(pages) == 3
    assert attrs(whole)["aws_vision_async.pages"] == 3
    assert attrs(whole)["rpc.method"] == "DescribeProjects"
    assert whole.context is not None
    assert all(p.parent is not None and p.parent.span_id == whole.context.span_id for p in pages)
    assert whole.status.status_code is StatusCode.UNSET


async def test_a_pagination_left_early_still_ends_its_span(spans: InMemorySpanExporter, fake_aws: FakeAws) -> None:
    fake_aws.always("DescribeProjects", ok({**PAGE, "NextToken": "again"}))
    async with RekognitionClient(**client_kwargs(fake_aws)) as rek:
        pages = rek.describe_projects().pages()
        await pages.__anext__()
        await pages.aclose()
        assert len(named(spans, "Rekognition.DescribeProjects pagination")) == 1
        # Left with `break` and never closed: the span ends when the iterator goes.
        async for _ in rek.describe_projects():
            break
        gc.collect()
        assert len(named(spans, "Rekognition.DescribeProjects pagination")) == 2


async def test_a_pagination_that_fails_ends_in_error(spans: InMemorySpanExporter, fake_aws: FakeAws) -> None:
    fake_aws.always("DescribeProjects", ok({**PAGE, "NextToken": "same"}))
    async with RekognitionClient(**client_kwargs(fake_aws, retry_policy=None)) as rek:
        with pytest.raises(PaginationError):
            async for _ in rek.describe_projects().pages():
                pass
    (whole,) = named(spans, "Rekognition.DescribeProjects pagination")
    assert whole.status.status_code is StatusCode.ERROR
    assert attrs(whole)["error.type"] == "PaginationError"


PROJECT = "arn:aws:rekognition:us-east-1:123456789012:project/p/1700000000000"
VERSION = "arn:aws:rekognition:us-east-1:123456789012:project/p/version/v1/1700000000000"


async def test_a_waiter_is_one_span_over_its_polls(spans: InMemorySpanExporter, fake_aws: FakeAws) -> None:
    def status(value: str) -> Any:
        return ok({"ProjectVersionDescriptions": [{"ProjectVersionArn": VERSION, "Status": value}]})

    fake_aws.on("DescribeProjectVersions", status("STARTING"), status("RUNNING"), status("STARTING"), status("FAILED"))
    async with RekognitionClient(**client_kwargs(fake_aws)) as rek:
        await rek.wait_until_project_version_running(project_arn=PROJECT, min_delay=0.01, max_delay=0.01)
        with pytest.raises(WaiterFailedError):
            await rek.wait_until_project_version_running(project_arn=PROJECT, min_delay=0.01, max_delay=0.01)
    done, failed = named(spans, "Rekognition.ProjectVersionRunning waiter")
    polls = named(spans, "Rekognition.DescribeProjectVersions")
    assert attrs(done)["aws_vision_async.polls"] == 2
    assert attrs(done)["aws_vision_async.waiter"] == "ProjectVersionRunning"
    assert done.status.status_code is StatusCode.UNSET
    assert failed.status.status_code is StatusCode.ERROR
    assert attrs(failed)["error.type"] == "ProjectVersionRunningFailedError"  # the waiter's own WaiterFailedError
    assert done.context is not None
    assert failed.context is not None
    assert [p.parent.span_id for p in polls if p.parent] == [done.context.span_id] * 2 + [failed.context.span_id] * 2


async def test_a_fan_out_is_one_span_over_its_calls(spans: InMemorySpanExporter, fake_aws: FakeAws) -> None:
    fake_aws.on("DescribeCollection", ok(COLLECTION), rek_error("ResourceNotFoundException", "gone"), ok(COLLECTION))
    async with RekognitionClient(**client_kwargs(fake_aws)) as rek:
        inputs = [{"collection_id": f"c{i}"} for i in range(3)]
        async with fan_out(rek.describe_collection, inputs, concurrency=2) as outcomes:
            results = [o async for o in outcomes]
    assert sorted(o.ok for o in results) == [False, True, True]
    (whole,) = named(spans, "aws_vision_async.fan_out")
    calls = named(spans, "Rekognition.DescribeCollection")
    assert attrs(whole) == {
        "aws_vision_async.fan_out.call": "RekognitionClient.describe_collection",
        "aws_vision_async.fan_out.concurrency": 2,
        "aws_vision_async.fan_out.total": 3,
        "aws_vision_async.fan_out.started": 3,
        "aws_vision_async.fan_out.succeeded": 2,
        "aws_vision_async.fan_out.failed": 1,
    }
    assert whole.context is not None
    assert len(calls) == 3
    assert all(c.parent is not None and c.parent.span_id == whole.context.span_id for c in calls)
    # One call failing is an outcome, not a failed fan-out.
    assert whole.status.status_code is StatusCode.UNSET


NO_OTEL = """
    import asyncio, importlib.abc, json, sys

    class Hide(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "opentelemetry" or name.startswith("opentelemetry."):
                raise ModuleNotFoundError(name)
            return None

    sys.meta_path.insert(0, Hide())
    from aws_vision_async import RekognitionClient, fan_out
    from aws_vision_async._core import telemetry
    from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator

    async def main():
        async with Emulator(sample=True) as emulator:
            async with RekognitionClient(endpoint_url=emulator.url, region_name="us-east-1",
                                         **EMULATOR_CREDENTIALS) as rek:
                projects = [p async for p in rek.describe_projects()]
                async with fan_out(rek.list_collections, [{}]) as outcomes:
                    done = [o.ok async for o in outcomes]
        return len(projects), done

    found, done = asyncio.run(main())
    print(json.dumps({"tracer": telemetry.tracer() is not None, "projects": found, "done": done,
                      "loaded": sorted(m for m in sys.modules if m.startswith("opentelemetry"))}))
"""


def test_without_the_api_nothing_is_traced_or_imported() -> None:
    result = run_fresh(NO_OTEL)
    assert result["tracer"] is False
    assert result["projects"] > 0
    assert result["done"] == [True]
    assert result["loaded"] == []


PROVIDER_LATER = """
    import asyncio, json
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from aws_vision_async import RekognitionClient
    from aws_vision_async._core import telemetry
    from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator

    async def main():
        async with Emulator() as emulator:
            async with RekognitionClient(endpoint_url=emulator.url, region_name="us-east-1",
                                         **EMULATOR_CREDENTIALS) as rek:
                await rek.list_collections()  # no provider yet: no span, not even a no-op one
                before = telemetry.tracer() is not None
                exporter = InMemorySpanExporter()
                provider = TracerProvider()
                provider.add_span_processor(SimpleSpanProcessor(exporter))
                trace.set_tracer_provider(provider)
                await rek.list_collections()
                return before, [s.name for s in exporter.get_finished_spans()]

    before, names = asyncio.run(main())
    print(json.dumps({"before": before, "names": names}))
"""


def test_spans_start_once_the_program_sets_a_tracer_provider() -> None:
    result = run_fresh(PROVIDER_LATER)
    assert result == {"before": False, "names": ["Rekognition.ListCollections"]}


UNUSED_API = """
    import asyncio, json, sys
    from aws_vision_async import RekognitionClient
    from aws_vision_async._core import telemetry
    from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator

    async def main():
        async with Emulator() as emulator:
            async with RekognitionClient(endpoint_url=emulator.url, region_name="us-east-1",
                                         **EMULATOR_CREDENTIALS) as rek:
                await rek.list_collections()

    asyncio.run(main())
    print(json.dumps({"tracer": telemetry.tracer() is not None,
                      "loaded": sorted(m for m in sys.modules if m.startswith("opentelemetry"))}))
"""


def test_an_installed_api_that_the_program_never_imports_costs_no_import() -> None:
    result = run_fresh(UNUSED_API)
    assert result == {"tracer": False, "loaded": []}
