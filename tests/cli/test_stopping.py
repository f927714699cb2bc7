"""``models stop --all-running``, and ``models start``/``watch`` under SIGINT and SIGTERM."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from collections.abc import Callable

import anyio
import pytest

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator, Faults, Timings

from ._support import ENV, command, ok, run, trained_versions

STOPPED = {"STOPPING", "STOPPED"}


def status(emu: Emulator, arn: str) -> str:
    project = arn.split("/")[1]
    [version] = [v for v in emu.state.rek_projects[project].versions.values() if v.arn == arn]
    return version.status


def running(emu: Emulator, *names: str, project: str | None = None) -> list[str]:
    """Train and start model versions (at once); their ARNs."""
    emu.timings = Timings.instant()

    async def start() -> list[str]:
        arns = await trained_versions(emu, *names) if project is None else await _other_project(emu, *names)
        async with RekognitionClient(endpoint_url=emu.url, region_name="us-east-1", **EMULATOR_CREDENTIALS) as rek:
            for arn in arns:
                await rek.start_project_version(project_version_arn=arn, min_inference_units=1)
        return arns

    arns = anyio.run(start)
    assert all(status(emu, arn) == "RUNNING" for arn in arns)
    return arns


async def _other_project(emu: Emulator, *names: str) -> list[str]:
    # A second project with the sample project's datasets' content, so that its versions train.
    state = emu.state
    arn = state.rek_create_project({"ProjectName": "other"})["ProjectArn"]
    sample = state.rek_projects["sample-project-1"]
    for kind, dataset in sample.datasets.items():
        state.rek_create_dataset({"ProjectArn": arn, "DatasetType": kind, "DatasetSource": {"DatasetArn": dataset.arn}})
    versions: list[str] = []
    for name in names:
        created = state.rek_create_project_version(
            {"ProjectArn": arn, "VersionName": name, "OutputConfig": {"S3Bucket": "out", "S3KeyPrefix": "m"}}
        )
        versions.append(created["ProjectVersionArn"])
    return versions


# -- models stop --all-running ------------------------------------------------------------------------


def test_without_yes_it_says_what_it_would_stop_and_stops_nothing(emu: Emulator) -> None:
    arns = running(emu, "a", "b")
    result = run(emu, "models", "stop", "--all-running")
    assert result.returncode == 2
    for arn in arns:
        assert f"would stop {arn} (RUNNING" in result.stderr
    assert "--yes" in result.stderr
    assert emu.requests["rekognition:StopProjectVersion"] == 0
    assert sorted(emu.running_versions()) == sorted(arns)


def test_with_yes_it_stops_every_running_version_and_prints_each(emu: Emulator) -> None:
    arns = running(emu, "a", "b")
    [idle] = anyio.run(trained_versions, emu, "idle")
    result = run(emu, "models", "stop", "--all-running", "--yes")
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.splitlines()) == sorted(f"{arn}: STOPPING" for arn in arns)
    assert emu.running_versions() == []
    assert status(emu, idle) == "TRAINING_COMPLETED"  # not running: left alone
    assert emu.requests["rekognition:StopProjectVersion"] == len(arns)


def test_with_wait_and_json_it_reports_each_stopped(emu: Emulator) -> None:
    arns = running(emu, "a", "b")
    emu.timings = Timings(stopping=0.5)
    result = run(emu, "models", "stop", "--all-running", "--yes", "--wait", "--output", "json")
    assert result.returncode == 0, result.stderr
    reported = json.loads(result.stdout)
    assert sorted(r["version_arn"] for r in reported) == sorted(arns)
    assert {(r["status"], r["error"]) for r in reported} == {("STOPPED", None)}
    assert {status(emu, arn) for arn in arns} == {"STOPPED"}


def test_a_project_limits_what_is_stopped(emu: Emulator) -> None:
    [sample] = running(emu, "a")
    [other] = running(emu, "b", project="other")
    result = run(emu, "models", "stop", "--all-running", "--project", "other", "--yes")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{other}: STOPPING\n"
    assert status(emu, other) in STOPPED
    assert emu.running_versions() == [sample]


def test_nothing_running_is_no_error(emu: Emulator) -> None:
    anyio.run(trained_versions, emu, "idle")
    result = run(emu, "models", "stop", "--all-running", "--yes", "--output", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
    assert "no model version is running" in result.stderr


def test_an_unknown_project_is_a_usage_error(emu: Emulator) -> None:
    result = run(emu, "models", "stop", "--all-running", "--project", "no-such-project", "--yes")
    assert result.returncode == 2
    assert "no project named 'no-such-project'" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["models", "stop"],
        ["models", "stop", "arn:aws:rekognition:us-east-1:1:project/p/version/v/1", "--all-running"],
        ["models", "stop", "arn:aws:rekognition:us-east-1:1:project/p/version/v/1", "--yes"],
        ["models", "stop", "arn:aws:rekognition:us-east-1:1:project/p/version/v/1", "--project", "p"],
    ],
    ids=["nothing", "both", "yes-alone", "project-alone"],
)
def test_stop_usage_errors(emu: Emulator, args: list[str]) -> None:
    result = run(emu, *args)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert emu.requests["rekognition:StopProjectVersion"] == 0


def test_a_partial_failure_keeps_going_reports_each_failure_and_exits_1(emu: Emulator) -> None:
    arns = running(emu, "a", "b")  # the emulator, as AWS by default, runs at most two
    # The first stop is slow; once it has arrived, every later one fails.
    emu.faults.set("StopProjectVersion", Faults(latency=1.0))
    proc = subprocess.Popen(
        command(emu, "models", "stop", "--all-running", "--yes"),
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(lambda: emu.requests["rekognition:StopProjectVersion"] >= 1, proc)
    emu.faults.set("StopProjectVersion", Faults(server_error=1.0))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    [stopped_line] = out.splitlines()
    stopped = stopped_line.removesuffix(": STOPPING")
    assert stopped in arns
    failed = [arn for arn in arns if arn != stopped]
    errors = [line for line in err.splitlines() if line.startswith("error: could not stop")]
    assert len(errors) == len(failed)
    for arn, line in zip(sorted(failed), sorted(errors), strict=True):
        assert line.startswith(f"error: could not stop {arn}: InternalServerError in StopProjectVersion")
        assert re.search(r"HTTP 500, request id [0-9a-f-]{36}", line), line
    assert f"{len(failed)} of {len(arns)} model version(s) could not be stopped" in err
    assert status(emu, stopped) in STOPPED
    assert sorted(emu.running_versions()) == sorted(failed)


# -- SIGINT and SIGTERM ---------------------------------------------------------------------------------


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[str], deadline: float = 30.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    proc.kill()
    raise AssertionError(f"not reached in {deadline} s: {proc.communicate()}")


def wait_for_line(proc: subprocess.Popen[str], text: str) -> None:
    """Read the command's stderr until a line holds ``text`` (the command then is where the test wants it)."""
    assert proc.stderr is not None
    seen: list[str] = []
    for line in proc.stderr:
        seen.append(line)
        if text in line:
            return
    raise AssertionError(f"{text!r} never printed: {seen}")


def popen(emu: Emulator, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(command(emu, *args), env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize(("signum", "exit_status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_during_start_wait_stops_the_model(emu: Emulator, signum: signal.Signals, exit_status: int) -> None:
    [arn] = anyio.run(trained_versions, emu, "v1")
    emu.timings = Timings(starting=60.0)  # far longer than the test: only a stop ends it
    proc = popen(emu, "models", "start", arn, "--wait")
    wait_for_line(proc, "STARTING")
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == exit_status, err
    assert f"interrupted by {signum.name}: stopped {arn} (STOPPING)" in err
    assert "Traceback" not in err
    assert out == ""
    assert status(emu, arn) in STOPPED
    assert emu.running_versions() == []


def test_a_signal_while_the_start_is_in_flight_stops_the_model_once_it_starts(emu: Emulator) -> None:
    [arn] = anyio.run(trained_versions, emu, "v1")
    emu.timings = Timings(starting=60.0)
    # The start takes 2 s to be answered: the signal comes while it is in flight,
    # and the model starts after the command stopped waiting for the reply.
    emu.faults.set("StartProjectVersion", Faults(latency=2.0))
    proc = popen(emu, "models", "start", arn, "--wait")
    wait_for(lambda: emu.requests["rekognition:StartProjectVersion"] >= 1, proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert f"stopped {arn}" in err
    assert status(emu, arn) in STOPPED
    assert emu.requests["rekognition:StopProjectVersion"] == 1


def test_a_signal_during_a_watchs_first_look_stops_nothing(emu: Emulator) -> None:
    [arn] = anyio.run(trained_versions, emu, "v1")
    emu.faults.set("DescribeProjects", Faults(latency=5.0))  # the signal comes long before the reply
    before = emu.requests["rekognition:DescribeProjects"]
    proc = popen(emu, "models", "watch", arn, "--interval", "0.05")
    wait_for(lambda: emu.requests["rekognition:DescribeProjects"] > before, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "stopped nothing" in err
    assert emu.requests["rekognition:StopProjectVersion"] == 0


@pytest.mark.parametrize(("signum", "exit_status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_during_watch_ends_it_and_leaves_the_model_as_it_was(
    emu: Emulator, signum: signal.Signals, exit_status: int
) -> None:
    [arn] = anyio.run(trained_versions, emu, "v1")
    emu.timings = Timings(starting=60.0)
    ok(run(emu, "models", "start", arn))  # started by someone else: watch must not stop it
    proc = popen(emu, "models", "watch", arn, "--interval", "0.05")
    wait_for_line(proc, "STARTING")
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == exit_status, err
    assert "Traceback" not in err
    assert status(emu, arn) == "STARTING"
    assert emu.requests["rekognition:StopProjectVersion"] == 0
