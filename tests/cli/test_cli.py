"""The ``aws-vision-async`` command, run in a subprocess against the emulator."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import anyio

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator, Faults, Timings

from ._support import ENTRIES, ENV, command, ok, run, trained_versions


def dataset_arn(emu: Emulator, kind: str = "TRAIN") -> str:
    projects = json.loads(ok(run(emu, "projects", "list", "--output", "json")))
    return next(d["arn"] for p in projects for d in p["datasets"] if d["type"] == kind)


# -- exit codes ----------------------------------------------------------------------------------


def test_usage_errors_exit_2(emu: Emulator) -> None:
    bad_flag = run(emu, "projects", "list", "--no-such-flag")
    assert bad_flag.returncode == 2
    assert "--no-such-flag" in bad_flag.stderr
    assert run(emu, "datasets", "export").returncode == 2  # no dataset ARN
    assert run(emu, "projects", "list", "--output", "xml").returncode == 2
    invalid = run(emu, "datasets", "export", "not-an-arn")
    assert invalid.returncode == 2  # the SDK's validation: nothing sent
    assert "Traceback" not in invalid.stderr


def test_a_service_error_exits_1_with_its_request_id(emu: Emulator) -> None:
    arn = dataset_arn(emu).replace("/train/", "/test/")[:-3] + "999"
    result = run(emu, "datasets", "export", arn)
    assert result.returncode == 1
    assert "ResourceNotFoundException" in result.stderr
    assert "request id" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_network_error_exits_1() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "aws_vision_async.cli", "projects", "list", "--endpoint-url", "http://127.0.0.1:9"],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "ConnectError" in result.stderr


def test_help_and_version(emu: Emulator) -> None:
    assert "datasets" in ok(run(None, "--help"))
    assert ok(run(None, "--version")).strip()


# -- projects and models -------------------------------------------------------------------------


def test_projects_list_as_json_and_as_a_table(emu: Emulator) -> None:
    projects = json.loads(ok(run(emu, "projects", "list", "--output", "json")))
    assert [p["status"] for p in projects] == ["CREATED"]
    assert sorted(d["type"] for d in projects[0]["datasets"]) == ["TEST", "TRAIN"]
    table = ok(run(emu, "projects", "list"))
    assert "sample-project-1" in table


async def _trained_version(emu: Emulator) -> str:
    [arn] = await trained_versions(emu, "v1")
    return arn


def test_models_watch_start_list_stop(emu: Emulator) -> None:
    # Slow enough for the watcher to see the model train, start and stop.
    emu.timings = Timings(training=5.0, starting=1.0, stopping=1.0)
    version = anyio.run(_trained_version, emu)
    watched = run(emu, "models", "watch", version, "--interval", "0.05", "--output", "json")
    assert watched.returncode == 0, watched.stderr
    assert json.loads(watched.stdout) == {"version_arn": version, "status": "TRAINING_COMPLETED"}
    assert "TRAINING_IN_PROGRESS" in watched.stderr  # each change, as it happened

    started = run(emu, "models", "start", version, "--min-inference-units", "2", "--wait", "--output", "json")
    assert json.loads(ok(started))["status"] == "RUNNING"
    running = json.loads(ok(run(emu, "models", "list", "--running", "--output", "json")))
    assert [(m["version_arn"], m["status"], m["min_inference_units"]) for m in running] == [(version, "RUNNING", 2)]
    assert emu.running_versions() == [version]

    stopped = run(emu, "models", "stop", version, "--wait", "--output", "json")
    assert json.loads(ok(stopped))["status"] == "STOPPED"
    assert json.loads(ok(run(emu, "models", "list", "--running", "--output", "json"))) == []
    assert [m["status"] for m in json.loads(ok(run(emu, "models", "list", "--output", "json")))] == ["STOPPED"]


def test_models_watch_of_an_unknown_version_exits_2(emu: Emulator) -> None:
    arn = "arn:aws:rekognition:us-east-1:123456789012:project/sample-project-1/version/nope/1700000000000"
    result = run(emu, "models", "watch", arn, "--interval", "0.05")
    assert result.returncode == 2
    assert "no model version 'nope'" in result.stderr


# -- export, with resume ---------------------------------------------------------------------------


def test_export_writes_every_entry_once_in_order(emu: Emulator, tmp_path: Path) -> None:
    arn = dataset_arn(emu)
    to_stdout = ok(run(emu, "datasets", "export", arn)).splitlines()
    assert len(to_stdout) == ENTRIES
    assert all(json.loads(line)["source-ref"].startswith("s3://") for line in to_stdout)
    out = tmp_path / "entries.jsonl"
    result = run(emu, "datasets", "export", arn, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text().splitlines() == to_stdout
    assert not (tmp_path / "entries.jsonl.export-state.json").exists()
    assert f"{ENTRIES} entries written" in result.stderr
    # The file is complete: a second run would clobber it, so it asks first.
    again = run(emu, "datasets", "export", arn, "-o", str(out))
    assert again.returncode == 2
    assert "--overwrite" in again.stderr
    assert run(emu, "datasets", "export", arn, "-o", str(out), "--overwrite").returncode == 0


def test_export_filters(emu: Emulator) -> None:
    arn = dataset_arn(emu)
    every = [json.loads(line) for line in ok(run(emu, "datasets", "export", arn)).splitlines()]
    errors = ok(run(emu, "datasets", "export", arn, "--has-errors")).splitlines()
    assert 0 < len(errors) < len(every)
    assert all("errors" in json.loads(line) for line in errors) or all(
        any(k.endswith("-metadata") and "errors" in json.dumps(v) for k, v in json.loads(line).items())
        for line in errors
    )
    labeled = ok(run(emu, "datasets", "export", arn, "--labeled")).splitlines()
    unlabeled = ok(run(emu, "datasets", "export", arn, "--unlabeled")).splitlines()
    assert len(labeled) + len(unlabeled) == len(every)


def _wait_for_pages(state: Path, pages: int, proc: subprocess.Popen[str], deadline: float = 30.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        assert proc.poll() is None, proc.communicate()
        try:
            if json.loads(state.read_text())["pages"] >= pages:
                return
        except (FileNotFoundError, ValueError, KeyError):
            pass
        time.sleep(0.02)
    raise AssertionError(f"the export did not reach {pages} pages")


def test_an_interrupted_export_resumes_with_every_entry_once(emu: Emulator, tmp_path: Path) -> None:
    arn = dataset_arn(emu)
    expected = ok(run(emu, "datasets", "export", arn)).splitlines()
    out = tmp_path / "entries.jsonl"
    state = tmp_path / "entries.jsonl.export-state.json"
    emu.faults.set("ListDatasetEntries", Faults(latency=0.3))

    # Ctrl-C after the first page: a clean stop, state kept, exit 130.
    proc = subprocess.Popen(
        command(emu, "datasets", "export", arn, "-o", str(out)), env=ENV, stderr=subprocess.PIPE, text=True
    )
    _wait_for_pages(state, 1, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "run the same command to resume" in err
    first = json.loads(state.read_text())
    assert 100 <= first["lines"] < ENTRIES
    assert out.read_text().splitlines()[: first["lines"]] == expected[: first["lines"]]

    # Resumed, then killed outright (no chance to clean up) after more pages.
    proc = subprocess.Popen(
        command(emu, "datasets", "export", arn, "-o", str(out)), env=ENV, stderr=subprocess.PIPE, text=True
    )
    _wait_for_pages(state, first["pages"] + 2, proc)
    proc.kill()
    proc.communicate(timeout=30)
    second = json.loads(state.read_text())
    assert second["lines"] > first["lines"]

    # Resumed to the end: exactly the entries of an uninterrupted export, in order.
    emu.faults.clear()
    result = run(emu, "datasets", "export", arn, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "resuming" in result.stderr
    assert out.read_text().splitlines() == expected
    assert not state.exists()


def test_a_page_written_but_not_recorded_is_not_duplicated(emu: Emulator, tmp_path: Path) -> None:
    arn = dataset_arn(emu)
    expected = ok(run(emu, "datasets", "export", arn)).splitlines()
    out = tmp_path / "entries.jsonl"
    state = tmp_path / "entries.jsonl.export-state.json"
    # As a crash leaves it: two pages recorded, a third half written after them.
    out.write_text("\n".join(expected[:200]) + "\n" + "\n".join(expected[200:250]) + "\n" + expected[250][:10])
    token = _token_after(emu, arn, pages=2)
    offset = len(("\n".join(expected[:200]) + "\n").encode())
    request = {"dataset_arn": arn, "labeled": None, "has_errors": None, "contains_labels": None}
    state.write_text(json.dumps({"request": request, "next_token": token, "lines": 200, "pages": 2, "offset": offset}))
    ok(run(emu, "datasets", "export", arn, "-o", str(out)))
    assert out.read_text().splitlines() == expected


def _token_after(emu: Emulator, arn: str, *, pages: int) -> str:
    async def nth() -> str:
        async with RekognitionClient(endpoint_url=emu.url, region_name="us-east-1", **EMULATOR_CREDENTIALS) as rek:
            seen = 0
            async for page in rek.list_dataset_entries(dataset_arn=arn).pages():
                seen += 1
                if seen == pages:
                    assert page.next_token is not None
                    return page.next_token
        raise AssertionError("not enough pages")

    return anyio.run(nth)


def test_an_unfinished_export_of_something_else_is_not_overwritten(emu: Emulator, tmp_path: Path) -> None:
    arn = dataset_arn(emu)
    out = tmp_path / "entries.jsonl"
    out.write_text("")
    request: dict[str, Any] = {"dataset_arn": arn, "labeled": True, "has_errors": None, "contains_labels": None}
    (tmp_path / "entries.jsonl.export-state.json").write_text(
        json.dumps({"request": request, "next_token": None, "lines": 0, "pages": 0, "offset": 0})
    )
    result = run(emu, "datasets", "export", arn, "-o", str(out))
    assert result.returncode == 2
    assert "--restart" in result.stderr
    assert run(emu, "datasets", "export", arn, "-o", str(out), "--restart").returncode == 0
    assert len(out.read_text().splitlines()) == ENTRIES


# -- import --------------------------------------------------------------------------------------


def test_import_checks_every_line_first_and_sends_nothing_when_one_is_bad(emu: Emulator, tmp_path: Path) -> None:
    arn = dataset_arn(emu, "TEST")
    before = ok(run(emu, "datasets", "export", arn)).splitlines()
    good = json.loads(before[0])
    lines = [json.dumps({**good, "source-ref": f"s3://bucket/new-{i}.jpg"}) for i in range(5)]
    lines[1] = '{"source-ref": 12}'
    lines[3] = "not json"
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("\n".join(lines) + "\n")
    result = run(emu, "datasets", "import", arn, str(manifest))
    assert result.returncode == 2
    assert f"{manifest}:2:" in result.stderr
    assert f"{manifest}:4:" in result.stderr
    assert "nothing sent" in result.stderr
    assert emu.requests.get("rekognition:UpdateDatasetEntries", 0) == 0
    assert ok(run(emu, "datasets", "export", arn)).splitlines() == before


def test_import_then_export_round_trips(emu: Emulator, tmp_path: Path) -> None:
    arn = dataset_arn(emu, "TEST")
    before = ok(run(emu, "datasets", "export", arn)).splitlines()
    good = json.loads(before[0])
    new = [json.dumps({**good, "source-ref": f"s3://bucket/new-{i}.jpg"}) for i in range(30)]
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("\n".join(new) + "\n\n")
    result = run(emu, "datasets", "import", arn, str(manifest), "--output", "json")
    assert json.loads(ok(result)) == {"dataset_arn": arn, "entries": 30}
    after = ok(run(emu, "datasets", "export", arn)).splitlines()
    refs = {json.loads(line)["source-ref"] for line in after}
    assert {f"s3://bucket/new-{i}.jpg" for i in range(30)} <= refs
    assert len(after) == len(before) + 30


def test_emulator_command_is_the_emulators(tmp_path: Path) -> None:
    result = run(None, "emulator", "--help")
    assert result.returncode == 0
    assert "--sample" in result.stdout


def test_the_library_never_imports_the_cli_dependencies() -> None:
    code = (
        "import sys, aws_vision_async; from aws_vision_async import RekognitionClient; "
        "RekognitionClient.describe_projects; import aws_vision_async.emulator; "
        "print(sorted(m for m in ('cyclopts', 'rich', 'aws_vision_async.cli') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_a_reader_that_stops_early_is_no_error(emu: Emulator) -> None:
    arn = dataset_arn(emu)
    emu.faults.set("ListDatasetEntries", Faults(latency=0.2))
    proc = subprocess.Popen(
        command(emu, "datasets", "export", arn), env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith("{")
    proc.stdout.close()  # as `| head -1` does
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
