"""The seed-operation tests run under asyncio and under trio; ``emu_rek`` is a client of the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def emu_rek(vision_emulator: Emulator, anyio_backend: str) -> AsyncIterator[RekognitionClient]:
    """A Rekognition client of the session's emulator (clean state, reseeded, default timings)."""
    async with RekognitionClient(
        endpoint_url=vision_emulator.url, region_name="us-east-1", **EMULATOR_CREDENTIALS
    ) as client:
        yield client
