"""Helpers of the emulator's tests: clients, raw HTTP requests, manifest lines."""

from __future__ import annotations

import base64
import json
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.httpxsession import HttpxSession
from aiobotocore.session import AioSession

from aws_vision_async import LookoutVisionClient, RekognitionClient, RetryPolicy
from aws_vision_async.emulator import EMULATOR_CREDENTIALS
from aws_vision_async.lookoutvision._operations import SERVICE as LFV_SERVICE

REK_CONTENT_TYPE = "application/x-amz-json-1.1"
REK_TARGET_PREFIX = "RekognitionService."
LFV_PREFIX = "/2020-11-20"
ACCOUNT = "123456789012"
ROOT = Path(__file__).resolve().parents[2]


_SESSIONS: dict[str, AioSession] = {}


def shared_session(anyio_backend: str) -> AioSession:
    """One aiobotocore session per async backend for the whole run: clients then open in milliseconds.

    Set up as the SDK sets up the sessions it makes itself (httpx under trio,
    Lookout for Vision's model on the search path), except that the model path
    is added before any client loads a model (see ``test_clients.py``).
    """
    session = _SESSIONS.get(anyio_backend)
    if session is None:
        session = AioSession()
        if anyio_backend == "trio":
            session.set_default_client_config(AioConfig(http_session_cls=HttpxSession))
        paths: list[str] = session.get_component("data_loader").search_paths
        paths.insert(0, str(LFV_SERVICE.data_path))
        _SESSIONS[anyio_backend] = session
    return session


def rek_client(url: str, *, max_attempts: int = 1, **extra: Any) -> RekognitionClient:
    """A Rekognition client of the emulator (one request per call unless told)."""
    return RekognitionClient(
        endpoint_url=url,
        region_name="us-east-1",
        retry_policy=RetryPolicy(max_attempts=max_attempts),
        aws_access_key_id=EMULATOR_CREDENTIALS["aws_access_key_id"],
        aws_secret_access_key=EMULATOR_CREDENTIALS["aws_secret_access_key"],
        **extra,
    )


def lfv_client(url: str, *, max_attempts: int = 1, **extra: Any) -> LookoutVisionClient:
    """A Lookout for Vision client of the emulator, its DeprecationWarning swallowed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return LookoutVisionClient(
            endpoint_url=url,
            region_name="us-east-1",
            retry_policy=RetryPolicy(max_attempts=max_attempts),
            aws_access_key_id=EMULATOR_CREDENTIALS["aws_access_key_id"],
            aws_secret_access_key=EMULATOR_CREDENTIALS["aws_secret_access_key"],
            **extra,
        )


# -- raw HTTP ------------------------------------------------------------------------------------


@dataclass
class RawReply:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def http(
    url: str,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> RawReply:
    """One plain HTTP request, unsigned, exactly as given (the SDK would refuse to send some)."""
    target = url + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
    request = urllib.request.Request(target, data=body, method=method, headers=headers or {})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310 - loopback only
            return RawReply(reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return RawReply(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


def rek_raw(url: str, operation: str, body: dict[str, Any] | bytes, *, target: str | None = None) -> RawReply:
    """A Rekognition (awsJson1_1) request: ``operation`` in ``X-Amz-Target``, ``body`` as JSON."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"X-Amz-Target": target or REK_TARGET_PREFIX + operation, "Content-Type": REK_CONTENT_TYPE}
    return http(url, "POST", "/", body=data, headers=headers)


def lfv_raw(
    url: str,
    method: str,
    path: str,
    *,
    body: dict[str, Any] | bytes | None = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> RawReply:
    """A Lookout for Vision (restJson1) request to ``/2020-11-20`` + ``path``."""
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return http(url, method, LFV_PREFIX + path, body=data, headers=all_headers, query=query)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def assert_rek_error(reply: RawReply, code: str, status: int = 400) -> str:
    """Check Rekognition's error shape; return the message."""
    assert reply.status == status, (reply.status, reply.body)
    assert (reply.header("content-type") or "").startswith(REK_CONTENT_TYPE)
    assert reply.header("x-amzn-requestid")
    body = reply.json()
    assert set(body) == {"__type", "Message"}, body
    assert body["__type"] == code, body
    assert isinstance(body["Message"], str)
    assert body["Message"]
    message: str = body["Message"]
    return message


def assert_lfv_error(reply: RawReply, code: str, status: int) -> str:
    """Check Lookout for Vision's error shape; return the message."""
    assert reply.status == status, (reply.status, reply.body)
    assert reply.header("x-amzn-errortype") == code, reply.headers
    assert (reply.header("content-type") or "").startswith("application/json")
    assert reply.header("x-amzn-requestid")
    body = reply.json()
    assert set(body) == {"message"}, body
    assert isinstance(body["message"], str)
    assert body["message"]
    message: str = body["message"]
    return message


def port_is_free(port: int) -> bool:
    """Whether nothing listens on ``127.0.0.1:port``: a server could bind it, and connecting is refused.

    ``SO_REUSEADDR`` as servers set it, so that connections in TIME_WAIT do not count.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        return False
    finally:
        sock.close()
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def port_of(url: str) -> int:
    port = urllib.parse.urlsplit(url).port
    assert port is not None
    return port


# -- manifest lines --------------------------------------------------------------------------------


def classification(ref: str, label: str, *, errors: bool = False) -> str:
    """An image-level (classification) Custom Labels line."""
    metadata: dict[str, Any] = {
        "confidence": 1,
        "class-name": label,
        "human-annotated": "yes",
        "creation-date": "2024-05-01T12:00:00.000",
        "type": "groundtruth/image-classification",
    }
    if errors:
        metadata["errors"] = [{"code": "ERROR_X", "message": "something is wrong"}]
    return json.dumps({"source-ref": ref, "label": 1, "label-metadata": metadata})


def detection(ref: str, class_ids: list[int], class_map: dict[str, str], *, errors: bool = False) -> str:
    """An object-detection (bounding boxes) Custom Labels line."""
    boxes = [{"class_id": c, "left": 1, "top": 2, "width": 3, "height": 4} for c in class_ids]
    metadata: dict[str, Any] = {
        "objects": [{"confidence": 1} for _ in boxes],
        "class-map": class_map,
        "type": "groundtruth/object-detection",
        "human-annotated": "yes",
        "creation-date": "2024-05-01T12:00:00.000",
        "job-name": "labeling-job/x",
    }
    if errors:
        metadata["errors"] = [{"code": "ERROR_INVALID_BOUNDING_BOX", "message": "outside the image"}]
    return json.dumps(
        {
            "source-ref": ref,
            "bounding-box": {"image_size": [{"width": 64, "height": 48, "depth": 3}], "annotations": boxes},
            "bounding-box-metadata": metadata,
        }
    )


def unlabeled(ref: str) -> str:
    return json.dumps({"source-ref": ref})


def lfv_line(ref: str, anomaly: bool) -> str:
    """A Lookout for Vision line, normal or anomaly."""
    return json.dumps(
        {
            "source-ref": ref,
            "anomaly-label": 1 if anomaly else 0,
            "anomaly-label-metadata": {
                "confidence": 1,
                "job-name": "labeling-job/x",
                "class-name": "anomaly" if anomaly else "normal",
                "human-annotated": "yes",
                "creation-date": "2024-05-01T12:00:00.000",
                "type": "groundtruth/image-classification",
            },
        }
    )


def name_of(project_arn: str | None) -> str:
    """The project name in a Rekognition project ARN (``.../project/NAME/123``)."""
    assert project_arn is not None
    return project_arn.split("/")[1]


def source_ref(line: str) -> str:
    ref: str = json.loads(line)["source-ref"]
    return ref


def jsonl(*lines: str) -> bytes:
    return "\n".join(lines).encode()


# -- type checking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MypyError:
    file: str  # the file's name, without its folder
    line: int
    code: str


_MYPY_ERROR_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): error: .*  \[(?P<code>[a-z-]+)\]$")


def run_mypy(files: list[Path], *, cache_dir: Path, cwd: Path = ROOT) -> list[MypyError]:
    """Type-check ``files`` with the repository's settings (strict, the pydantic plugin); return the errors."""
    command = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")]
    command += ["--cache-dir", str(cache_dir), "--no-error-summary", "--hide-error-context", *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=300, check=False)
    output = done.stdout + done.stderr
    errors = []
    for line in done.stdout.splitlines():
        match = _MYPY_ERROR_RE.match(line)
        if match:
            errors.append(MypyError(Path(match["path"]).name, int(match["line"]), match["code"]))
        else:  # nothing else than errors and their notes, or mypy itself failed
            assert ": note: " in line, output
    assert done.returncode == (1 if errors else 0), output
    return errors
