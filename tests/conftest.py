"""Shared fixtures: the fake AWS server and clients wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from aws_vision_async import LookoutVisionClient, RekognitionClient, RetryPolicy, set_testing
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator

from .fakeaws import FakeAws, serve

# The emulator's fixtures (vision_emulator, vision_emulator_url), as users get them.
pytest_plugins = ["aws_vision_async.emulator.pytest_plugin"]

ACCESS_KEY = "AKIDFAKEACCESSKEY"
SECRET_KEY = "fake/Secret+Key/value/NEVER/SHOWN"
SESSION_TOKEN = "FakeSessionTokenNeverShown"


@pytest.fixture(scope="session")
def _server() -> Iterator[FakeAws]:
    yield from serve()


@pytest.fixture
def fake_aws(_server: FakeAws) -> Iterator[FakeAws]:
    """The fake server, with no scripts and no recorded requests."""
    _server.reset()
    yield _server
    _server.reset()


@pytest.fixture(autouse=True)
def _no_backoff_waits() -> Iterator[None]:
    set_testing(True)
    yield
    set_testing(False)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def client_kwargs(fake: FakeAws, **extra: Any) -> dict[str, Any]:
    return {
        "region_name": "us-east-1",
        "endpoint_url": fake.url,
        "aws_access_key_id": ACCESS_KEY,
        "aws_secret_access_key": SECRET_KEY,
        "aws_session_token": SESSION_TOKEN,
        "retry_policy": RetryPolicy(max_attempts=4),
        **extra,
    }


@pytest.fixture
async def rek(fake_aws: FakeAws) -> AsyncIterator[RekognitionClient]:
    async with RekognitionClient(**client_kwargs(fake_aws)) as client:
        yield client


@pytest.fixture
async def emu_rek(vision_emulator: Emulator, anyio_backend: str) -> AsyncIterator[RekognitionClient]:
    """A Rekognition client of the session's emulator (clean state, reseeded, default timings)."""
    async with RekognitionClient(
        endpoint_url=vision_emulator.url, region_name="us-east-1", **EMULATOR_CREDENTIALS
    ) as client:
        yield client


@pytest.fixture
async def lfv(fake_aws: FakeAws) -> AsyncIterator[LookoutVisionClient]:
    with pytest.warns(DeprecationWarning, match="end of support"):
        client = LookoutVisionClient(**client_kwargs(fake_aws))
    async with client:
        yield client
