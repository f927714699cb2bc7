"""The three ways to start the emulator (``running``, ``Emulator``, the command line) and the pytest fixture."""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from aws_vision_async import ConnectError
from aws_vision_async.emulator import Emulator, Faults, running
from aws_vision_async.emulator.__main__ import main
from aws_vision_async.lookoutvision import errors as lfv_errors
from aws_vision_async.rekognition import errors as rek_errors

from ._support import lfv_client, port_is_free, port_of, rek_client, rek_raw

pytestmark = pytest.mark.anyio

URL_RE = re.compile(r"http://127\.0\.0\.1:(\d+)")
STARTUP_TIMEOUT = 60.0
CLI = [sys.executable, "-m", "aws_vision_async.emulator"]


# -- running() ------------------------------------------------------------------------------------------


async def test_running_yields_a_working_url_and_stops_on_exit() -> None:
    async with running(sample=True) as url:
        assert URL_RE.fullmatch(url)
        async with rek_client(url) as rek:
            collections = [c.collection_id async for c in rek.list_collections()]
        assert collections == ["sample-collection-1", "sample-collection-2", "sample-collection-3"]

    assert port_is_free(port_of(url))
    async with rek_client(url) as rek:
        with pytest.raises(ConnectError):
            await rek.list_collections()


async def test_running_passes_its_arguments_on() -> None:
    faults = {"ListProjects": Faults(throttle=1.0)}
    async with running(faults=faults, region="eu-west-1") as url, lfv_client(url) as lfv:
        created = await lfv.create_project(project_name="p")
        with pytest.raises(lfv_errors.ThrottlingException):
            await lfv.list_projects()

    assert created.project_metadata is not None
    assert created.project_metadata.project_arn == "arn:aws:lookoutvision:eu-west-1:123456789012:project/p"


# -- Emulator ------------------------------------------------------------------------------------------


async def test_emulator_as_async_context_manager() -> None:
    emulator = Emulator()
    assert emulator.url == ""
    assert "not started" in repr(emulator)

    async with emulator as emu:
        assert emu is emulator
        assert URL_RE.fullmatch(emu.url)
        assert emu.url in repr(emu)
        async with rek_client(emu.url) as rek:
            await rek.create_project(project_name="p")
        assert list(emu.state.rek_projects) == ["p"]
        assert emu.requests == {"rekognition:CreateProject": 1}
        port = port_of(emu.url)

    assert port_is_free(port)


async def test_two_emulators_are_independent() -> None:
    async with Emulator() as first, Emulator() as second, rek_client(first.url) as rek:
        await rek.create_collection(collection_id="only-in-first")

        assert first.url != second.url
        assert list(first.state.collections) == ["only-in-first"]
        assert second.state.collections == {}


def test_start_and_stop() -> None:
    emulator = Emulator()
    emulator.stop()  # not started: nothing to do

    url = emulator.start()
    try:
        assert url == emulator.url
        assert URL_RE.fullmatch(url)
        assert rek_raw(url, "ListCollections", {}).status == 200
        with pytest.raises(RuntimeError, match="running already"):
            emulator.start()
    finally:
        emulator.stop()
    emulator.stop()  # idempotent

    assert port_is_free(port_of(url))


def test_start_again_after_stop() -> None:
    emulator = Emulator()
    first = emulator.start()
    emulator.stop()

    second = emulator.start()
    try:
        assert rek_raw(second, "ListCollections", {}).status == 200
    finally:
        emulator.stop()
    assert port_is_free(port_of(first))
    assert port_is_free(port_of(second))


def test_start_on_a_busy_port_fails() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        emulator = Emulator(port=port)

        with pytest.raises(RuntimeError, match="did not start"):
            emulator.start()
        emulator.stop()


def test_a_fixed_port_is_used() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    emulator = Emulator(port=port)
    try:
        assert emulator.start() == f"http://127.0.0.1:{port}"
    finally:
        emulator.stop()


# -- the command line -------------------------------------------------------------------------------------


@contextmanager
def cli(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Run the command line; yield the process and the URL it logged. Always stopped afterwards."""
    process = subprocess.Popen(
        [*CLI, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str | None] = queue.Queue()
    stderr = process.stderr
    assert stderr is not None

    def drain() -> None:  # read stderr to its end, so the pipe never fills
        for line in stderr:
            lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        seen: list[str] = []
        url = None
        while url is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"the emulator printed no URL in {STARTUP_TIMEOUT}s: {seen}")
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                pytest.fail(f"the emulator exited with {process.wait(5)} before printing a URL: {seen}")
            seen.append(line)
            if "emulator listening on" in line:
                match = URL_RE.search(line)
                assert match, line
                url = match.group(0)
        yield process, url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        reader.join(timeout=10)
        stderr.close()


async def test_command_line_serves_the_sdk() -> None:
    with cli(
        *("--port", "0", "--sample", "--seed", "1", "--faults", "*:latency=0"),
        *("--faults", "CreateCollection:throttle=1", "--sample-entries", "20", "--sample-collections", "1"),
        *("--region", "eu-west-1"),
    ) as (process, url):
        async with rek_client(url) as rek, lfv_client(url) as lfv:
            projects = [p async for p in rek.describe_projects()]
            train = next(d.dataset_arn for d in projects[0].datasets or [] if d.dataset_type == "TRAIN")
            entries = [e async for e in rek.list_dataset_entries(dataset_arn=train)]  # type: ignore[arg-type]
            collections = [c.collection_id async for c in rek.list_collections()]
            lfv_projects = [p.project_name async for p in lfv.list_projects()]
            with pytest.raises(rek_errors.ThrottlingException):
                await rek.create_collection(collection_id="c")
        assert process.poll() is None

    assert len(projects) == 3
    assert all((p.project_arn or "").startswith("arn:aws:rekognition:eu-west-1:") for p in projects)
    assert len(entries) == 20
    assert collections == ["sample-collection-1"]
    assert lfv_projects == ["sample-lfv-project-1", "sample-lfv-project-2", "sample-lfv-project-3"]
    assert process.returncode is not None
    assert port_is_free(port_of(url))


def test_command_line_rejects_bad_faults_with_status_2() -> None:
    done = subprocess.run(
        [*CLI, "--port", "0", "--faults", "CreateProject:throttle=7"],
        capture_output=True,
        text=True,
        timeout=STARTUP_TIMEOUT,
        check=False,
        stdin=subprocess.DEVNULL,
    )

    assert done.returncode == 2
    assert "error:" in done.stderr
    assert "between 0 and 1" in done.stderr
    assert "listening" not in done.stderr


def test_command_line_help() -> None:
    done = subprocess.run(
        [*CLI, "--help"], capture_output=True, text=True, timeout=STARTUP_TIMEOUT, check=False, stdin=subprocess.DEVNULL
    )

    assert done.returncode == 0
    for option in ("--port", "--host", "--sample", "--sample-entries", "--faults", "--seed", "--region"):
        assert option in done.stdout
    assert "python -m aws_vision_async.emulator" in done.stdout


@pytest.mark.parametrize(
    ("faults", "fragment"),
    [
        ("nonsense", "expected 'Operation:name=value"),
        ("CreateProject:bogus=1", "unknown fault setting"),
        ("CreateProject:throttle=abc", "abc"),
        ("CreateProject:throttle=0.6,drop=0.6", "add up"),
        ("*:latency=-1", "latency"),
    ],
)
def test_main_rejects_bad_faults_before_serving(capsys: pytest.CaptureFixture[str], faults: str, fragment: str) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--port", "0", "--faults", "*:latency=0", "--faults", faults])

    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "error:" in err
    assert fragment in err


# -- the pytest fixture ---------------------------------------------------------------------------------------


async def fixture_round(emu: Emulator) -> None:
    """What each of the two tests below does: expects a clean emulator, then leaves it dirty."""
    assert emu.state.rek_projects == {}
    assert emu.state.lfv_projects == {}
    assert emu.requests == {}
    assert emu.faults.draw("rekognition:CreateProject", "CreateProject") == (None, 0.0)
    async with rek_client(emu.url) as rek, lfv_client(emu.url) as lfv:
        await rek.create_project(project_name="same-name")
        await lfv.create_project(project_name="same-name", client_token="same-token")
    emu.faults.set("*", Faults(throttle=1.0))


async def test_fixture_gives_a_clean_emulator(emu: Emulator) -> None:
    await fixture_round(emu)


async def test_fixture_gives_a_clean_emulator_again(emu: Emulator) -> None:
    await fixture_round(emu)


def test_fixture_url(vision_emulator_url: str, vision_emulator: Emulator) -> None:
    assert vision_emulator_url == vision_emulator.url
    assert rek_raw(vision_emulator_url, "ListCollections", {}).json() == {"CollectionIds": [], "FaceModelVersions": []}
