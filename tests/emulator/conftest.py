"""Fixtures of the emulator's tests: both async backends, SDK clients pointed at the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from aws_vision_async import LookoutVisionClient, RekognitionClient
from aws_vision_async.emulator import Emulator

from ._support import lfv_client, rek_client, shared_session


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    backend: str = request.param
    return backend


@pytest.fixture
def emu(vision_emulator: Emulator) -> Emulator:
    """The session's emulator, with a clean state (reset before and after the test)."""
    return vision_emulator


@pytest.fixture
async def rek(emu: Emulator, anyio_backend: str) -> AsyncIterator[RekognitionClient]:
    """A Rekognition client of the emulator that makes exactly one request per call."""
    async with rek_client(emu.url, session=shared_session(anyio_backend)) as client:
        yield client


@pytest.fixture
async def lfv(emu: Emulator, anyio_backend: str) -> AsyncIterator[LookoutVisionClient]:
    """A Lookout for Vision client of the emulator that makes exactly one request per call."""
    async with lfv_client(emu.url, session=shared_session(anyio_backend)) as client:
        yield client
