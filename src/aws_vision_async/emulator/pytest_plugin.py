"""pytest fixtures for the emulator.

Enable them in a ``conftest.py``::

    pytest_plugins = ["aws_vision_async.emulator.pytest_plugin"]

``vision_emulator`` is one emulator per test session, reset before each test
(no resources, faults or counts left over); ``vision_emulator_url`` is its URL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._server import Emulator


@pytest.fixture(scope="session")
def _vision_emulator_session() -> Iterator[Emulator]:
    emulator = Emulator()
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def vision_emulator(_vision_emulator_session: Emulator) -> Iterator[Emulator]:
    """A running emulator with a clean state."""
    _vision_emulator_session.reset(sample=False)
    yield _vision_emulator_session
    _vision_emulator_session.reset(sample=False)


@pytest.fixture
def vision_emulator_url(vision_emulator: Emulator) -> str:
    """The endpoint URL of a running emulator with a clean state."""
    return vision_emulator.url
