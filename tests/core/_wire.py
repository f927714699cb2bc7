"""Shared by the wire tests (``test_wire_*.py``): the backends matrix and a second server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..fakeaws import FakeAws


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=["aiohttp", "httpx"])
def http_backend(request: pytest.FixtureRequest, anyio_backend: str) -> str:
    """Both of aiobotocore's HTTP layers; aiohttp runs under asyncio only."""
    if request.param == "aiohttp" and anyio_backend == "trio":
        pytest.skip("aiohttp runs under asyncio only")
    return str(request.param)


@pytest.fixture(scope="module")
def elsewhere() -> Iterator[FakeAws]:
    """Another server on 127.0.0.1: where a redirect points, which must receive nothing."""
    server = FakeAws()
    server.start()
    yield server
    server.stop()
