"""Fixtures of the emulator's tests: both async backends, SDK clients pointed at the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

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


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A mypy cache for the run's type checks: only the first one pays for checking the SDK."""
    return tmp_path_factory.mktemp("mypy-cache")
