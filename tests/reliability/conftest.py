"""The reliability suite: every test under asyncio and trio, on a fresh emulator; one summary line."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from aws_vision_async.emulator import Emulator

from ._support import SEED, TIMINGS, summary_line


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    backend: str = request.param
    return backend


@pytest.fixture(autouse=True)
def _timed(request: pytest.FixtureRequest) -> Iterator[None]:
    start = time.perf_counter()
    yield
    callspec = getattr(request.node, "callspec", None)
    backend = str(callspec.params.get("anyio_backend", "sync")) if callspec is not None else "sync"
    TIMINGS[backend] += time.perf_counter() - start


@pytest.fixture
def emu() -> Iterator[Emulator]:
    """A fresh emulator of its own (so that its port sees this test's connections only), seeded."""
    emulator = Emulator(seed=SEED)
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    line = summary_line()
    if line is not None:
        terminalreporter.write_line(line)
