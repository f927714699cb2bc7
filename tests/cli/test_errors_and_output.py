"""The command's failures are one line with the right exit status; its output to a pipe is never wrapped."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from aws_vision_async.emulator import Emulator, Faults, Timings

from ._support import ENV, ok, run, trained_versions

UNKNOWN_VERSION = "arn:aws:rekognition:us-east-1:123456789012:project/sample-project-1/version/nope/1700000000000"
NO_COLUMNS = {k: v for k, v in ENV.items() if k != "COLUMNS"}  # as a pipe sees it: rich assumes 80


def one_line_error(stderr: str) -> str:
    """The command's stderr, which must be exactly one line: no traceback, no dump, no page."""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    return lines[0]


def dataset_arn(emu: Emulator) -> str:
    projects = json.loads(ok(run(emu, "projects", "list", "--output", "json")))
    return next(d["arn"] for p in projects for d in p["datasets"] if d["type"] == "TRAIN")


# -- paths ----------------------------------------------------------------------------------------


def test_an_export_to_a_missing_directory_is_a_usage_error(emu: Emulator, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.jsonl"
    result = run(emu, "datasets", "export", dataset_arn(emu), "-o", str(target))
    assert result.returncode == 2
    line = one_line_error(result.stderr)
    assert str(target) in line
    assert "no directory" in line
    assert emu.requests["rekognition:ListDatasetEntries"] == 0  # checked before anything is sent


def test_an_export_to_a_directory_is_a_usage_error(emu: Emulator, tmp_path: Path) -> None:
    result = run(emu, "datasets", "export", dataset_arn(emu), "-o", str(tmp_path))
    assert result.returncode == 2
    assert "is a directory" in one_line_error(result.stderr)
    assert list(tmp_path.iterdir()) == []  # no state file left behind either


def test_an_export_whose_state_file_cannot_be_written_is_a_usage_error(emu: Emulator, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.export-state.json.tmp").mkdir()  # where the state is written first
    result = run(emu, "datasets", "export", dataset_arn(emu), "-o", str(out))
    assert result.returncode == 2
    assert "cannot write" in one_line_error(result.stderr)


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_an_import_from_an_unusable_file_is_a_usage_error(emu: Emulator, tmp_path: Path, kind: str) -> None:
    manifest = tmp_path / "missing.jsonl" if kind == "missing" else tmp_path
    result = run(emu, "datasets", "import", dataset_arn(emu), str(manifest))
    assert result.returncode == 2
    line = one_line_error(result.stderr)
    assert f"cannot read {manifest}" in line
    assert emu.requests["rekognition:UpdateDatasetEntries"] == 0


# -- output to a pipe ---------------------------------------------------------------------------------


def long_projects(emu: Emulator, count: int = 3) -> list[str]:
    """Projects whose ARNs are far longer than 80 columns."""
    return [
        emu.state.rek_create_project({"ProjectName": f"a-project-with-a-very-long-name-{i}-" + "x" * 90})["ProjectArn"]
        for i in range(count)
    ]


def test_a_table_to_a_pipe_is_one_line_per_record_never_wrapped(emu: Emulator) -> None:
    arns = long_projects(emu)
    out = ok(run(emu, "projects", "list", env=NO_COLUMNS))
    lines = out.splitlines()
    assert len(lines) == 1 + 1 + len(arns)  # the header, the sample project, these
    assert lines[0].split()[:2] == ["project", "arn"]
    for arn in arns:
        [line] = [line for line in lines if arn in line]  # whole, on one line
        assert line.split()[:2] == [arn, "CREATED"]
    assert max(len(line) for line in lines) > 200
    # A project's datasets stay on its line too.
    [sample] = [line for line in lines if "sample-project-1" in line.split()[0]]
    assert "TRAIN:arn:" in sample
    assert "TEST:arn:" in sample


def test_models_list_to_a_pipe_keeps_each_version_on_its_line(emu: Emulator) -> None:
    emu.timings = Timings.instant()
    versions = anyio_run_trained(emu, "version-" + "v" * 80, "other")
    lines = ok(run(emu, "models", "list", env=NO_COLUMNS)).splitlines()
    assert len(lines) == 1 + len(versions)
    for arn in versions:
        assert any(line.split()[:2] == [arn, "TRAINING_COMPLETED"] for line in lines), lines


def test_json_to_a_pipe_is_one_line(emu: Emulator) -> None:
    arns = long_projects(emu)
    out = ok(run(emu, "projects", "list", "--output", "json", env=NO_COLUMNS))
    assert out.count("\n") == 1
    assert set(arns) <= {p["project_arn"] for p in json.loads(out)}


def test_the_final_status_line_is_never_wrapped(emu: Emulator) -> None:
    emu.timings = Timings.instant()
    [arn] = anyio_run_trained(emu, "v" * 100)
    out = ok(run(emu, "models", "watch", arn, "--interval", "0.05", env=NO_COLUMNS))
    assert out == f"{arn}: TRAINING_COMPLETED\n"


def anyio_run_trained(emu: Emulator, *names: str) -> list[str]:
    import anyio

    return anyio.run(trained_versions, emu, *names)


# -- service and network errors: one line, code, status, request id ----------------------------------


def test_a_service_error_is_one_line_with_code_status_and_request_id(emu: Emulator) -> None:
    result = run(emu, "models", "stop", UNKNOWN_VERSION)
    assert result.returncode == 1
    line = one_line_error(result.stderr)
    assert "ResourceNotFoundException in StopProjectVersion" in line
    assert re.search(r"HTTP 400, request id [0-9a-f-]{36}", line), line


def test_an_injected_server_error_is_one_line(emu: Emulator) -> None:
    emu.faults.set("DescribeProjects", Faults(server_error=1.0))
    result = run(emu, "projects", "list")
    assert result.returncode == 1
    line = one_line_error(result.stderr)
    assert "InternalServerError in DescribeProjects" in line
    assert re.search(r"HTTP 500, request id [0-9a-f-]{36}", line), line


def test_a_bad_request_is_one_line_and_exit_2(emu: Emulator) -> None:
    result = run(emu, "datasets", "export", "not-an-arn")
    assert result.returncode == 2
    line = one_line_error(result.stderr)
    assert "dataset_arn" in line  # the field, not pydantic's dump
    assert "pydantic" not in line


def test_a_network_error_is_one_line() -> None:
    result = run(None, "projects", "list", "--endpoint-url", "http://127.0.0.1:9", timeout=120)
    assert result.returncode == 1
    line = one_line_error(result.stderr)
    assert "ConnectError in DescribeProjects (no reply)" in line


class _Replies(BaseHTTPRequestHandler):
    """A server that answers every request with the reply set on the server."""

    server: _FakeServer

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, content_type, body = self.server.reply
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "rid-0123456789")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _FakeServer(ThreadingHTTPServer):
    reply: tuple[int, str, bytes]


@contextmanager
def fake_server(status: int, content_type: str, body: bytes) -> Iterator[str]:
    server = _FakeServer(("127.0.0.1", 0), _Replies)
    server.reply = (status, content_type, body)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


HTML = (
    b"<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n"
    b"<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n"
)


def test_an_html_page_from_a_proxy_is_one_line() -> None:
    with fake_server(502, "text/html", HTML) as url:
        result = run(None, "projects", "list", "--endpoint-url", url, timeout=120)
    assert result.returncode == 1
    line = one_line_error(result.stderr)
    assert "HttpServerError in DescribeProjects (HTTP 502" in line  # the class: 502 is no code
    assert "502 Bad Gateway" in line  # the page's title
    assert "<" not in line


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-amz-json-1.1", b'{"ProjectDescriptions": "not a list"}'),
        ("text/html", HTML),
        ("application/x-amz-json-1.1", b'{"ProjectDescriptions": [{"ProjectArn": "arn:aws:rekogn'),
    ],
    ids=["wrong-type", "html", "truncated"],
)
def test_a_reply_that_cannot_be_parsed_is_one_line_and_exit_1(content_type: str, body: bytes) -> None:
    with fake_server(200, content_type, body) as url:
        result = run(None, "projects", "list", "--endpoint-url", url, timeout=120)
    assert result.returncode == 1  # the reply's fault, not the caller's (2)
    line = one_line_error(result.stderr)
    assert "InvalidResponseError in DescribeProjects (HTTP 200, request id rid-0123456789)" in line
    assert "<" not in line


# -- --timeout ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon"])
def test_a_bad_timeout_is_a_usage_error_naming_the_option(emu: Emulator, value: str) -> None:
    result = run(emu, "projects", "list", "--timeout", value)
    assert result.returncode == 2
    assert "--timeout" in result.stderr
    assert emu.requests["rekognition:DescribeProjects"] == 0


def test_a_call_slower_than_the_timeout_fails_in_time(emu: Emulator) -> None:
    emu.faults.set("DescribeProjects", Faults(latency=5.0))
    started = time.monotonic()
    result = run(emu, "projects", "list", "--timeout", "0.5")
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    line = one_line_error(result.stderr)
    assert "CallTimeoutError" in line
    assert "timeout=0.5s" in line
    assert elapsed < 5.0  # the emulator's reply would have taken 5 s


def test_a_call_within_the_timeout_succeeds(emu: Emulator) -> None:
    emu.faults.set("DescribeProjects", Faults(latency=0.2))
    assert "sample-project-1" in ok(run(emu, "projects", "list", "--timeout", "10"))


@pytest.mark.parametrize(
    "command",
    [
        ("datasets", "export"),
        ("datasets", "import"),
        ("projects", "list"),
        ("models", "list"),
        ("models", "start"),
        ("models", "stop"),
        ("models", "watch"),
    ],
)
def test_every_command_that_calls_aws_takes_a_timeout(command: tuple[str, ...]) -> None:
    assert "--timeout" in ok(run(None, *command, "--help"))
