"""Reproducible faults: ``reset()`` starts the draws again from the seed; the pytest fixture seeds each test.

The fixture is tested as users get it: pytester runs small test files that enable
the plugin in their own ``conftest.py``.
"""

from __future__ import annotations

import json

import pytest

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import Emulator, FaultPlan, Faults
from aws_vision_async.emulator.pytest_plugin import DEFAULT_SEED
from aws_vision_async.rekognition import errors as rek_errors

from ._support import rek_client, shared_session

pytest_plugins = ["pytester"]

THROTTLED = {"ListCollections": Faults(throttle=0.5)}
COUNT = 32  # requests per run: two seeds agree on all of them once in 2**32


async def outcomes(rek: RekognitionClient, count: int = COUNT) -> list[bool]:
    """Whether each of ``count`` ListCollections calls, one after another, got through."""
    results = []
    for _ in range(count):
        try:
            await rek.list_collections()
        except rek_errors.ThrottlingException:
            results.append(False)
        else:
            results.append(True)
    return results


def expected(seed: int | None, count: int = COUNT) -> list[bool]:
    """What ``outcomes`` gets from an emulator whose draws start from ``seed``."""
    plan = FaultPlan(THROTTLED, seed)
    return [plan.draw("rekognition:ListCollections", "ListCollections")[0] is None for _ in range(count)]


# -- Emulator.reset() ---------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_reset_starts_the_draws_again_from_the_constructors_seed(anyio_backend: str) -> None:
    async with (
        Emulator(faults=THROTTLED, seed=7) as emu,
        rek_client(emu.url, session=shared_session(anyio_backend)) as rek,
    ):
        first = await outcomes(rek)
        emu.reset()
        second = await outcomes(rek)

    assert first == second == expected(7)
    assert 4 < first.count(False) < 28  # p = 0.5: both outcomes, in plausible numbers


@pytest.mark.anyio
async def test_reset_uses_the_seed_attribute(anyio_backend: str) -> None:
    async with (
        Emulator(faults=THROTTLED, seed=7) as emu,
        rek_client(emu.url, session=shared_session(anyio_backend)) as rek,
    ):
        emu.seed = 8
        emu.reset()
        other = await outcomes(rek)
        emu.seed = 7
        emu.reset()
        again = await outcomes(rek)

    assert other == expected(8)
    assert again == expected(7)
    assert other != again


@pytest.mark.anyio
async def test_reset_restores_the_constructors_faults(anyio_backend: str) -> None:
    async with Emulator(faults={"CreateCollection": Faults(throttle=1.0)}) as emu:
        async with rek_client(emu.url, session=shared_session(anyio_backend)) as rek:
            emu.faults.clear()
            emu.faults.set("ListCollections", Faults(throttle=1.0))
            emu.reset()

            await rek.list_collections()  # the fault set since is gone
            with pytest.raises(rek_errors.ThrottlingException):
                await rek.create_collection(collection_id="c")  # the constructor's is back

        assert emu.requests == {"rekognition:ListCollections": 1, "rekognition:CreateCollection": 1}


def test_an_unseeded_emulator_draws_a_new_sequence_on_each_reset() -> None:
    emu = Emulator(faults=THROTTLED)
    assert emu.seed is None

    runs = []
    for _ in range(2):
        emu.reset()
        runs.append([emu.faults.draw("rekognition:ListCollections", "ListCollections")[0] for _ in range(COUNT)])

    assert runs[0] != runs[1]


# -- the pytest fixture ---------------------------------------------------------------------------------

CONFTEST = 'pytest_plugins = ["aws_vision_async.emulator.pytest_plugin"]\n'

# Each test records whether each of its requests got through, one after another,
# in the order pytest ran it. Plain HTTP keeps the inner runs quick and free of
# any async plugin.
RECORDER = f"""
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from aws_vision_async.emulator import Emulator, Faults


def record(name: str, emulator: Emulator) -> None:
    emulator.faults.set("ListCollections", Faults(throttle=0.5))
    results = []
    for _ in range({COUNT}):
        request = urllib.request.Request(
            emulator.url + "/",
            data=b"{{}}",
            method="POST",
            headers={{
                "X-Amz-Target": "RekognitionService.ListCollections",
                "Content-Type": "application/x-amz-json-1.1",
            }},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                results.append(reply.status == 200)
        except urllib.error.HTTPError as exc:
            exc.close()
            results.append(False)
    with Path("outcomes.jsonl").open("a") as out:
        out.write(json.dumps([name, results]) + "\\n")
"""


@pytest.fixture(autouse=True)
def _no_plugin_autoload(monkeypatch: pytest.MonkeyPatch) -> None:
    """No third-party plugins in the inner runs: none is needed, and each run would import them afresh (seconds)."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


def run_inner(
    pytester: pytest.Pytester, tests: str, *, passed: int, conftest: str = CONFTEST, order: tuple[str, ...] = ()
) -> list[tuple[str, list[bool]]]:
    """Run ``tests`` (after the recorder) with the plugin, as a user would; return what each test recorded.

    ``order`` names the tests to run, in that order; by default all of them, in file order.
    """
    pytester.makeconftest(conftest)
    pytester.makepyfile(test_inner=RECORDER + tests)
    selected = [f"test_inner.py::{name}" for name in order]
    result = pytester.runpytest("-p", "no:cacheprovider", "--strict-markers", "-W", "error", *selected)
    result.assert_outcomes(passed=passed)
    lines = (pytester.path / "outcomes.jsonl").read_text().splitlines()
    return [(name, results) for name, results in map(json.loads, lines)]


TWO_TESTS = """

def test_first(vision_emulator: Emulator) -> None:
    record("first", vision_emulator)  # and leaves the draws further on for the next test


def test_second(vision_emulator: Emulator) -> None:
    record("second", vision_emulator)
"""


def test_fixture_every_test_meets_the_same_faults_from_the_default_seed(pytester: pytest.Pytester) -> None:
    recorded = run_inner(pytester, TWO_TESTS, passed=2)

    assert recorded == [("first", expected(DEFAULT_SEED)), ("second", expected(DEFAULT_SEED))]


def test_fixture_same_faults_in_any_test_order(pytester: pytest.Pytester) -> None:
    recorded = run_inner(pytester, TWO_TESTS, passed=2, order=("test_second", "test_first"))

    assert recorded == [("second", expected(DEFAULT_SEED)), ("first", expected(DEFAULT_SEED))]


def test_fixture_seed_overridden_in_a_conftest(pytester: pytest.Pytester) -> None:
    conftest = (
        CONFTEST
        + """
import pytest


@pytest.fixture
def vision_emulator_seed() -> int:
    return 1234
"""
    )
    recorded = run_inner(pytester, TWO_TESTS, passed=2, conftest=conftest)

    assert recorded == [("first", expected(1234)), ("second", expected(1234))]
    assert expected(1234) != expected(DEFAULT_SEED)


def test_fixture_seed_parametrized_for_one_test(pytester: pytest.Pytester) -> None:
    recorded = run_inner(
        pytester,
        """

@pytest.mark.parametrize("vision_emulator_seed", [5, 6], ids=["five", "six"])
def test_seeded(vision_emulator: Emulator, vision_emulator_seed: int) -> None:
    record(str(vision_emulator_seed), vision_emulator)


def test_default(vision_emulator: Emulator) -> None:
    record("default", vision_emulator)
""",
        passed=3,
    )

    assert recorded == [("5", expected(5)), ("6", expected(6)), ("default", expected(DEFAULT_SEED))]
    assert len({json.dumps(results) for _, results in recorded}) == 3


def test_fixture_seed_none_draws_a_new_sequence_in_each_test(pytester: pytest.Pytester) -> None:
    conftest = (
        CONFTEST
        + """
import pytest


@pytest.fixture
def vision_emulator_seed() -> None:
    return None
"""
    )
    (_, first), (_, second) = run_inner(pytester, TWO_TESTS, passed=2, conftest=conftest)

    assert first != second


def test_fixture_a_reset_inside_a_test_keeps_the_tests_seed(pytester: pytest.Pytester) -> None:
    recorded = run_inner(
        pytester,
        """

@pytest.mark.parametrize("vision_emulator_seed", [5])
def test_twice(vision_emulator: Emulator) -> None:
    record("before", vision_emulator)
    vision_emulator.reset()
    record("after", vision_emulator)
""",
        passed=1,
    )

    assert recorded == [("before", expected(5)), ("after", expected(5))]
