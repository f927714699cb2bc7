"""Timings: the dataclass, and setting them from Python, the command line and the pytest fixture."""

from __future__ import annotations

import dataclasses
import math

import pytest

from aws_vision_async.emulator import Emulator, Timings, running
from aws_vision_async.emulator.__main__ import main
from aws_vision_async.emulator.pytest_plugin import DEFAULT_TIMINGS
from aws_vision_async.rekognition.models import DatasetChanges

from ._model_support import OUTPUT, classification_lines, describe
from ._support import jsonl, rek_client, rek_raw
from .test_starting import cli

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.anyio

NAMES = [
    "project_create",
    "dataset_create",
    "dataset_update",
    "training",
    "copying",
    "starting",
    "stopping",
    "deleting",
    "video_job",
    "media_analysis_job",
    "stream_processor_start",
    "stream_processor_stop",
    "stream_processor_update",
    "liveness_session",
]


# -- the dataclass ------------------------------------------------------------------------------------


def test_defaults_are_fractions_of_a_second_and_zero_for_projects_datasets_and_deleting() -> None:
    timings = Timings()

    assert [f.name for f in dataclasses.fields(Timings)] == NAMES
    assert (timings.project_create, timings.dataset_create, timings.dataset_update, timings.deleting) == (0, 0, 0, 0)
    assert all(0 < getattr(timings, name) < 1 for name in ("training", "copying", "starting", "stopping"))
    assert timings == DEFAULT_TIMINGS


def test_instant_is_zero_everywhere() -> None:
    assert dataclasses.astuple(Timings.instant()) == (0.0,) * len(NAMES)


def test_timings_are_frozen_and_keyword_only() -> None:
    timings = Timings(training=2)

    with pytest.raises(dataclasses.FrozenInstanceError):
        timings.training = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        Timings(1.0)  # type: ignore[misc]


@pytest.mark.parametrize("value", [-1.0, math.inf, math.nan, True, "1"])
def test_a_timing_is_a_finite_number_of_seconds(value: object) -> None:
    with pytest.raises(ValueError, match="training"):
        Timings(training=value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("training=2,starting=1", Timings(training=2, starting=1)),
        (" training = 2 , ", Timings(training=2)),
        ("", Timings()),
        ("deleting=0.5,project_create=1e-3", Timings(deleting=0.5, project_create=0.001)),
    ],
)
def test_parse(text: str, expected: Timings) -> None:
    assert Timings.parse(text) == expected


def test_parse_over_a_base() -> None:
    assert Timings.parse("starting=1", Timings(training=5)) == Timings(training=5, starting=1)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("training", "unknown timing"),
        ("trainng=1", "unknown timing"),
        ("training=soon", "'soon'"),
        ("training=-1", "not negative"),
    ],
)
def test_parse_rejects_bad_text(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        Timings.parse(text)


# -- from Python ---------------------------------------------------------------------------------------


async def test_emulator_and_running_take_timings(anyio_backend: str) -> None:
    slow = Timings(project_create=30)
    async with Emulator(timings=slow) as emu:
        assert emu.timings is slow
        assert emu.state.timings is slow
        rek_raw(emu.url, "CreateProject", {"ProjectName": "p"})
        assert emu.state.rek_projects["p"].status == "CREATING"
        emu.reset()
        assert emu.state.timings is slow  # a reset keeps the timings

    async with running(timings=slow) as url, rek_client(url) as rek:
        await rek.create_project(project_name="p")
        [project] = [p async for p in rek.describe_projects()]
        assert project.status == "CREATING"


async def test_changing_the_timings_applies_to_what_is_asked_for_next(anyio_backend: str) -> None:
    async with Emulator(timings=Timings(project_create=30)) as emu:
        rek_raw(emu.url, "CreateProject", {"ProjectName": "slow"})
        emu.timings = Timings.instant()
        rek_raw(emu.url, "CreateProject", {"ProjectName": "fast"})

        assert emu.state.timings == Timings.instant()
        assert {p.name: p.status for p in emu.state.rek_projects.values()} == {"slow": "CREATING", "fast": "CREATED"}


# -- from the command line ----------------------------------------------------------------------------


async def test_command_line_timings() -> None:
    with cli("--port", "0", "--timings", "training=30", "--timings", "starting=0") as (_, url):
        async with rek_client(url) as rek:
            project = (await rek.create_project(project_name="p")).project_arn
            assert project is not None
            for kind in ("TRAIN", "TEST"):
                dataset = (await rek.create_dataset(project_arn=project, dataset_type=kind)).dataset_arn  # type: ignore[arg-type]
                assert dataset is not None
                changes = DatasetChanges(ground_truth=jsonl(*classification_lines()))
                await rek.update_dataset_entries(dataset_arn=dataset, changes=changes)
            await rek.create_project_version(project_arn=project, version_name="v1", output_config=OUTPUT)

            [described] = [p async for p in rek.describe_projects()]
            training = await describe(rek, project, "v1")

    assert described.status == "CREATED"  # project_create keeps its default, 0
    assert training.status == "TRAINING_IN_PROGRESS"  # for 30 seconds


@pytest.mark.parametrize(
    ("timings", "fragment"),
    [("training=-1", "not negative"), ("nonsense=1", "unknown timing"), ("training=x", "'x'")],
)
def test_main_rejects_bad_timings_before_serving(
    capsys: pytest.CaptureFixture[str], timings: str, fragment: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--port", "0", "--timings", timings])

    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "error:" in err
    assert fragment in err


def test_command_line_help_names_the_timings(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])

    out = capsys.readouterr().out
    assert "--timings" in out
    for name in NAMES:
        assert name in out


# -- from the pytest fixture ------------------------------------------------------------------------------


async def test_the_fixture_gives_the_default_timings(emu: Emulator) -> None:
    assert emu.timings == DEFAULT_TIMINGS
    assert emu.state.timings == DEFAULT_TIMINGS


class TestFixtureOverride:
    @pytest.fixture
    def vision_emulator_timings(self) -> Timings:
        return Timings(project_create=30)

    async def test_an_override_reaches_the_served_state(self, emu: Emulator) -> None:
        reply = rek_raw(emu.url, "CreateProject", {"ProjectName": "p"})

        assert reply.status == 200
        assert emu.timings == Timings(project_create=30)
        assert emu.state.rek_projects["p"].status == "CREATING"


INNER_TESTS = """
import json
import urllib.request

import pytest

from aws_vision_async.emulator import Emulator, Timings
from aws_vision_async.emulator.pytest_plugin import DEFAULT_TIMINGS


def project_status(emulator: Emulator) -> str:
    request = urllib.request.Request(
        emulator.url + "/",
        data=json.dumps({"ProjectName": "p"}).encode(),
        method="POST",
        headers={"X-Amz-Target": "RekognitionService.CreateProject", "Content-Type": "application/x-amz-json-1.1"},
    )
    with urllib.request.urlopen(request, timeout=10):
        pass
    return emulator.state.rek_projects["p"].status


@pytest.mark.parametrize("vision_emulator_timings", [Timings(project_create=60)])
def test_parametrized(vision_emulator: Emulator) -> None:
    assert project_status(vision_emulator) == "CREATING"


def test_from_the_conftest(vision_emulator: Emulator) -> None:
    assert vision_emulator.timings == Timings(project_create=0, training=9)
    assert project_status(vision_emulator) == "CREATED"


def test_a_reset_keeps_them(vision_emulator: Emulator) -> None:
    vision_emulator.reset()
    assert vision_emulator.timings == Timings(project_create=0, training=9)
"""

INNER_CONFTEST = """
import pytest

from aws_vision_async.emulator import Timings

pytest_plugins = ["aws_vision_async.emulator.pytest_plugin"]


@pytest.fixture
def vision_emulator_timings() -> Timings:
    return Timings(project_create=0, training=9)
"""


def test_the_fixture_can_be_overridden_in_a_conftest_or_parametrized(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makeconftest(INNER_CONFTEST)
    pytester.makepyfile(test_inner=INNER_TESTS)

    result = pytester.runpytest("-p", "no:cacheprovider", "--strict-markers", "-W", "error")

    result.assert_outcomes(passed=3)
