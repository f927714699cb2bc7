"""``running()`` takes the emulator's keyword arguments, typed: a type checker catches a misspelt one."""

from __future__ import annotations

import inspect
from pathlib import Path

from aws_vision_async.emulator import Emulator, running

from ._support import MypyError, run_mypy

# Each line that must be an error ends with "# error: <mypy code>".
USER_CODE = """\
from aws_vision_async.emulator import Faults, SampleData, Timings, running


async def every_argument() -> str:
    async with running(
        host="127.0.0.1",
        port=0,
        sample=SampleData(projects=1),
        faults={"*": Faults(latency=0.01)},
        seed=1,
        region="eu-west-1",
        timings=Timings(training=1.0),
    ) as url:
        return url


async def defaults() -> str:
    async with running(sample=True) as url:
        return url


async def misspelt() -> None:
    async with running(sampel=True):  # error: call-arg
        pass


async def wrong_type() -> None:
    async with running(seed="1"):  # error: arg-type
        pass


async def positional() -> None:
    async with running("127.0.0.1"):  # error: call-arg
        pass
"""


def test_running_has_the_emulators_keyword_arguments() -> None:
    """The two signatures are kept in sync by hand: this says when they drift."""
    ours = list(inspect.signature(running).parameters.values())
    emulators = list(inspect.signature(Emulator.__init__).parameters.values())[1:]  # without self

    assert ours == emulators
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in ours)


def test_mypy_reports_a_misspelt_or_mistyped_argument(tmp_path: Path, mypy_cache: Path) -> None:
    source = tmp_path / "user_code.py"
    source.write_text(USER_CODE)

    errors = run_mypy([source], cache_dir=mypy_cache)

    marked = [
        MypyError("user_code.py", number, line.rpartition("# error: ")[2])
        for number, line in enumerate(USER_CODE.splitlines(), start=1)
        if "# error: " in line
    ]
    assert errors == marked
