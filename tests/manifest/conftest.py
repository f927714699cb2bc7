"""Fixtures of the manifest tests: both async backends, a Rekognition client of the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from aws_vision_async import RekognitionClient, RetryPolicy
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    backend: str = request.param
    return backend


@pytest.fixture
async def rek(vision_emulator: Emulator, anyio_backend: str) -> AsyncIterator[RekognitionClient]:
    """A client of the session's emulator (clean state), one request per call."""
    async with RekognitionClient(
        endpoint_url=vision_emulator.url,
        region_name="us-east-1",
        retry_policy=RetryPolicy(max_attempts=1),
        **EMULATOR_CREDENTIALS,
    ) as client:
        yield client
