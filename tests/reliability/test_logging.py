"""A whole session logged at DEBUG, faults and retries included, shows no credential."""

from __future__ import annotations

import base64
import logging
import random
import re
from collections.abc import Iterator
from urllib.parse import quote

import anyio
import pytest

from aws_vision_async import RetryPolicy
from aws_vision_async.emulator import Emulator, Faults

from ._support import SEED, add_rek_dataset, open_lfv, open_rek, record

pytestmark = pytest.mark.anyio

ACCESS_KEY = "AKIDRELIABILITYTEST1"
SECRET_KEY = "reliability/Secret+Key/0123456789abcdefGHIJ"
# Shaped like a real STS token: long, base64 with '+', '/' and '='.
SESSION_TOKEN = "IQoJb3JpZ2luX2Vj" + base64.b64encode(random.Random(SEED).randbytes(300)).decode()  # noqa: S311
CREDENTIALS = {
    "aws_access_key_id": ACCESS_KEY,
    "aws_secret_access_key": SECRET_KEY,
    "aws_session_token": SESSION_TOKEN,
}


class Capture(logging.Handler):
    """Keeps every formatted record."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []
        self.names: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        self.names.add(record.name)
        self.lines.append(self.format(record))


@pytest.fixture
def debug_log() -> Iterator[Capture]:
    """The root logger at DEBUG into a Capture; the configuration is restored afterwards."""
    root = logging.getLogger()
    level = root.level
    capture = Capture()
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        root.removeHandler(capture)
        root.setLevel(level)


def _leaks(text: str) -> list[str]:
    """Any trace of the secret key or the session token in ``text``."""
    pieces = {
        "secret key": SECRET_KEY,
        "session token": SESSION_TOKEN,
        "start of the token": SESSION_TOKEN[:24],
        "end of the token": SESSION_TOKEN[-24:],
        "URL-encoded token": quote(SESSION_TOKEN, safe=""),
        "URL-encoded secret": quote(SECRET_KEY, safe=""),
    }
    return [name for name, piece in pieces.items() if piece in text]


async def test_a_debug_log_of_a_faulty_session_shows_no_secret(
    anyio_backend: str, emu: Emulator, debug_log: Capture
) -> None:
    dataset_arn, expected = add_rek_dataset(emu, 300)
    for cid in ("log-1", "log-2", "log-3"):
        emu.state.create_collection({"CollectionId": cid})
    emu.faults.set("rekognition:ListCollections", Faults(throttle=0.3, server_error=0.2))
    emu.faults.set("rekognition:DescribeCollection", Faults(throttle=0.3))
    emu.faults.set("rekognition:ListDatasetEntries", Faults(throttle=0.2, server_error=0.1, drop=0.1))
    emu.faults.set("lookoutvision:CreateProject", Faults(commit_then_fail=0.3, throttle=0.2))
    emu.faults.set("lookoutvision:ListProjects", Faults(server_error=0.3))
    emu.faults.reseed(SEED)
    policy = RetryPolicy(max_attempts=12, use_budget=False)
    calls = 0
    with anyio.fail_after(120):
        async with open_rek(emu, retry_policy=policy, **CREDENTIALS) as rek:
            collections = [c.collection_id async for c in rek.list_collections(max_results=1)]
            assert collections == ["log-1", "log-2", "log-3"]
            for cid in collections:
                await rek.describe_collection(collection_id=cid)
            entries = [e async for e in rek.list_dataset_entries(dataset_arn=dataset_arn, max_results=50)]
            assert entries == expected
            calls += 3 + 3 + 6
        async with open_lfv(emu, retry_policy=policy, **CREDENTIALS) as lfv:
            for i in range(8):
                await lfv.create_project(project_name=f"logged-{i}")
            names = [p.project_name async for p in lfv.list_projects(max_results=3)]
            assert names == [f"logged-{i}" for i in range(8)]
            calls += 8 + 3

    requests = sum(emu.requests.values())
    assert requests > calls  # faults happened and were retried
    text = "\n".join(debug_log.lines)
    assert "retrying in" in text  # the SDK's own retry records are in the capture

    # Every layer logged into the capture: the SDK, botocore, aiobotocore, and
    # under trio the httpx stack.
    families = {name.split(".")[0] for name in debug_log.names}
    assert {"aws_vision_async", "botocore", "aiobotocore"} <= families
    if anyio_backend == "trio":
        assert {"httpx2", "httpcore2"} <= families

    assert _leaks(text) == []
    # The token header is there, masked: the redaction worked, not the absence of logs.
    assert "X-Amz-Security-Token" in text
    masked = re.findall(r"x-amz-security-token['\"]?\s*[:=]\s*b?['\"]?<redacted>", text, re.IGNORECASE)
    # Lookout for Vision's requests go through botocore, which logs each (headers included) more than once;
    # Rekognition's take the direct path, which logs one line per attempt and no headers.
    botocore_path = sum(n for name, n in emu.requests.items() if name.startswith("lookoutvision:"))
    direct = sum(n for name, n in emu.requests.items() if name.startswith("rekognition:"))
    assert len(masked) >= botocore_path
    assert text.count("(direct path, ") >= direct
    record(anyio_backend, debug_records=len(debug_log.lines))
