"""Fixtures of the command line's tests: one emulator per module, made as new for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aws_vision_async.emulator import Emulator, SampleData, Timings

from ._support import ENTRIES


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    emu = Emulator(sample=SampleData(projects=1, entries=ENTRIES, collections=0))
    emu.start()
    yield emu
    emu.stop()


@pytest.fixture
def emu(emulator: Emulator) -> Iterator[Emulator]:
    emulator.reset()
    yield emulator
    emulator.faults.clear()
    emulator.timings = Timings()
