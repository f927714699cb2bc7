"""Every example runs, as a user runs it, against the emulator."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aws_vision_async.emulator import Emulator, SampleData

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_quickstart_walks_through_every_step() -> None:
    out = run("quickstart.py")
    assert "emulator listening on http://127.0.0.1:" in out
    assert "end of support on 2025-10-31" in out
    assert "created Lookout for Vision project arn:aws:lookoutvision:us-east-1:123456789012:project/widgets" in out
    assert out.count("project/sample-project-") >= 3
    assert "that have errors:" in out
    assert "s3://sample-vision-bucket/" in out
    assert "sample-collection-1 (face model 7.0)" in out
    assert "caught ResourceNotFoundException: collection no-such-collection not found (HTTP 400)" in out
    assert "caught a NotFoundError from DeleteCollection: ResourceNotFoundException" in out


def test_concurrent_projects_counts_every_dataset() -> None:
    out = run("concurrent_projects.py", "--limit", "3")
    # 12 projects, each with a TRAIN dataset of 150 entries and a TEST dataset of 30.
    assert out.strip().splitlines()[-1] == "24 datasets, 2160 entries"


def test_concurrent_projects_against_a_given_endpoint() -> None:
    with_data = Emulator(sample=SampleData(projects=2, entries=10, collections=0))
    url = with_data.start()
    try:
        out = run("concurrent_projects.py", "--endpoint-url", url)
    finally:
        with_data.stop()
    assert out.strip().splitlines()[-1] == "4 datasets, 24 entries"


def test_trio_quickstart_runs_under_trio() -> None:
    out = run("trio_quickstart.py")
    assert out.count("project arn:aws:rekognition:") == 3
    for n in range(3):
        assert f"collection trio-collection-{n} (face model 7.0)" in out


@pytest.mark.parametrize("has_errors", [False, True])
def test_export_dataset_writes_json_lines(tmp_path: Path, has_errors: bool) -> None:
    out_file = tmp_path / "entries.jsonl"
    out = run("export_dataset.py", str(out_file), *(["--has-errors"] if has_errors else []))
    lines = out_file.read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    assert all(isinstance(e["source-ref"], str) for e in entries)
    assert len({e["source-ref"] for e in entries}) == len(entries)
    if has_errors:
        assert 0 < len(entries) < 250
        assert all("errors" in json.dumps(e) for e in entries)
    else:
        assert len(entries) == 250  # the sample TRAIN dataset
    assert f"wrote {len(entries)} entries" in out


def test_custom_labels_lifecycle_leaves_nothing_running() -> None:
    out = run("custom_labels_lifecycle.py")
    assert "TRAIN dataset: 60 entries, 2 labels" in out
    assert "TEST dataset: 15 entries, 2 labels" in out
    assert ": TRAINING_COMPLETED, F1 " in out
    assert "running now: 1 model version(s)" in out
    labels = [line.strip().split(":")[0] for line in out.splitlines() if line.startswith("  ")]
    assert sorted(labels) == ["dent", "ok"]
    assert "left running: []" in out


def test_within_quota_loses_nothing_and_stays_near_the_quota() -> None:
    out = run("within_quota.py")
    lines = out.strip().splitlines()
    assert "300 succeeded, 0 failed, 0 in flight" in lines
    summary = next(line for line in lines if line.startswith("300 images in "))
    assert summary.endswith(", 0 failed")
    labels = next(line for line in lines if line.startswith("top labels: "))
    assert "'dent'" in labels
    assert "'ok'" in labels
    throttled = next(line for line in lines if "requests throttled" in line)
    count, total = (int(word) for word in throttled.split()[:3:2])
    assert total == 300 + count
    # The first burst (32 at once, 20 admitted) and a few more while the limiter learns.
    assert count <= 60, throttled


def test_video_labels_runs_every_video_within_the_limit() -> None:
    out = run("video_labels.py")
    assert "30/30 done (29 succeeded, 1 failed)" in out
    assert "street/corrupt-07.mp4: failed: LabelDetectionCompleted: a failure state was reached" in out
    assert "29 jobs succeeded; open now: 0" in out
    summary = next(line for line in out.splitlines() if " labels over " in line)
    labels, pages = int(summary.split()[2]), int(summary.split()[5])
    assert labels >= 5
    assert pages in (-(-labels // 5), -(-labels // 5) + 1)  # pages of 5 (and maybe an empty last one)


def test_faces_finds_the_person_and_her_user() -> None:
    out = run("faces.py")
    assert out.count("indexed ") == 3
    matches = [line for line in out.splitlines() if line.startswith("match: ")]
    # Both photos of Ada, and not Grace's, from a crowd photo whose largest face is Ada's.
    assert sorted(line.split()[1] for line in matches) == ["ada-badge.jpg", "ada-party.jpg"]
    assert all(float(line.rsplit(" ", 1)[1].rstrip(")")) >= 90 for line in matches)
    assert "user match: ada (similarity" in out
    assert "collection staff: 3 faces, 1 users" in out
