"""pytest fixtures for the emulator.

Enable them in a ``conftest.py``::

    pytest_plugins = ["aws_vision_async.emulator.pytest_plugin"]

``vision_emulator`` is one emulator per test session, reset before each test
(no resources, faults or counts left over, and the fault draws started again
from ``vision_emulator_seed``); ``vision_emulator_url`` is its URL.

Fault draws are reproducible per test: every test starts the same random
sequence, ``DEFAULT_SEED`` unless ``vision_emulator_seed`` is overridden, so a
test under ``Faults(throttle=0.5)`` meets the same faults on every run and in
any test order, as long as it sends its requests one after another. Choose
another seed by overriding the fixture in a ``conftest.py``, a test module or a
class::

    @pytest.fixture
    def vision_emulator_seed() -> int | None:
        return 1234  # None: a new sequence in every test

or for one test, with ``@pytest.mark.parametrize("vision_emulator_seed", [1, 2, 3])``.

Slow operations (training a model, starting it...) take the times of
``vision_emulator_timings``, ``DEFAULT_TIMINGS`` (fractions of a second) unless
it is overridden the same way::

    @pytest.fixture
    def vision_emulator_timings() -> Timings:
        return Timings(training=1.0, starting=0.5)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import pytest

from ._server import Emulator
from ._timings import Timings

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_TIMINGS",
    "vision_emulator",
    "vision_emulator_seed",
    "vision_emulator_timings",
    "vision_emulator_url",
]

#: The seed of the fault draws in each test, unless ``vision_emulator_seed`` is overridden.
DEFAULT_SEED: Final = 0
#: The timings of each test, unless ``vision_emulator_timings`` is overridden: ``Timings()``.
DEFAULT_TIMINGS: Final = Timings()


@pytest.fixture(scope="session")
def _vision_emulator_session() -> Iterator[Emulator]:
    emulator = Emulator(seed=DEFAULT_SEED, timings=DEFAULT_TIMINGS)
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def vision_emulator_seed() -> int | None:
    """The seed the fault draws of each test start from: ``DEFAULT_SEED``; override it to choose.

    ``None`` seeds from the system's randomness: a new sequence in every test.
    """
    return DEFAULT_SEED


@pytest.fixture
def vision_emulator_timings() -> Timings:
    """How long slow operations take in each test: ``DEFAULT_TIMINGS``; override it to choose."""
    return DEFAULT_TIMINGS


@pytest.fixture
def vision_emulator(
    _vision_emulator_session: Emulator, vision_emulator_seed: int | None, vision_emulator_timings: Timings
) -> Iterator[Emulator]:
    """A running emulator with a clean state, its fault draws started from ``vision_emulator_seed``.

    Its slow operations take ``vision_emulator_timings``.
    """
    emulator = _vision_emulator_session
    # Set as the emulator's own seed and timings, so that a reset() inside the test keeps them.
    emulator.seed = vision_emulator_seed
    emulator.timings = vision_emulator_timings
    emulator.reset(sample=False)
    yield emulator
    emulator.seed = DEFAULT_SEED
    emulator.timings = DEFAULT_TIMINGS
    emulator.reset(sample=False)


@pytest.fixture
def vision_emulator_url(vision_emulator: Emulator) -> str:
    """The endpoint URL of a running emulator with a clean state."""
    return vision_emulator.url
