"""Type-check usage of aws_vision_async.fanout (checked, never run)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from typing_extensions import assert_type

from aws_vision_async import RekognitionClient
from aws_vision_async.fanout import FanOut, FanOutProgress, Outcome, fan_out
from aws_vision_async.rekognition.models import DescribeCollectionResponse, DetectCustomLabelsResponse


async def scale(*, n: int) -> float:
    return n * 1.5


async def usage(rek: RekognitionClient, arn: str, images: list[bytes]) -> None:
    inputs = ({"project_version_arn": arn, "image": {"bytes": data}} for data in images)
    fanned = fan_out(rek.detect_custom_labels, inputs, concurrency=16)
    assert_type(fanned, FanOut[DetectCustomLabelsResponse])
    async with fanned as outcomes:
        assert_type(outcomes, FanOut[DetectCustomLabelsResponse])
        assert_type(outcomes.progress, FanOutProgress)
        async for outcome in outcomes:
            assert_type(outcome, Outcome[DetectCustomLabelsResponse])
            assert_type(outcome.result, DetectCustomLabelsResponse | None)
            assert_type(outcome.error, Exception | None)
            assert_type(outcome.index, int)
            assert_type(outcome.kwargs, Mapping[str, Any])
            assert_type(outcome.ok, bool)
            assert_type(outcome.unwrap(), DetectCustomLabelsResponse)

    async def ids() -> AsyncIterator[dict[str, str]]:
        yield {"collection_id": "a"}

    async with fan_out(rek.describe_collection, ids(), ordered=True, total=1) as described:
        async for got in described:
            assert_type(got.unwrap(), DescribeCollectionResponse)
        progress = described.progress
        assert_type(progress.total, int | None)
        assert_type(progress.done, int)
        assert_type(progress.failed, int)
        assert_type(progress.succeeded, int)
        assert_type(progress.in_flight, int)
        assert_type(progress.started, int)

    async with fan_out(scale, [{"n": 1}, {"n": 2}]) as scaled:
        async for item in scaled:
            assert_type(item.result, float | None)
