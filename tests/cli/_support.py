"""What the command line's tests share: running the command in a subprocess against an emulator."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator
from aws_vision_async.rekognition.models import OutputConfig

#: The TRAIN dataset of the sample project: five pages of 100.
ENTRIES = 450

ENV = {
    **os.environ,
    "AWS_ACCESS_KEY_ID": EMULATOR_CREDENTIALS["aws_access_key_id"],
    "AWS_SECRET_ACCESS_KEY": EMULATOR_CREDENTIALS["aws_secret_access_key"],
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "COLUMNS": "200",
}

CLI = (sys.executable, "-m", "aws_vision_async.cli")


def command(emu: Emulator, *args: str) -> list[str]:
    return [*CLI, *args, "--endpoint-url", emu.url]


def run(
    emu: Emulator | None, *args: str, timeout: float = 60, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    argv = command(emu, *args) if emu is not None else [*CLI, *args]
    return subprocess.run(argv, env=env or ENV, capture_output=True, text=True, timeout=timeout, check=False)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


async def trained_versions(emu: Emulator, *names: str) -> list[str]:
    """Train model versions of the sample project (at the emulator's timings); their ARNs."""
    async with RekognitionClient(endpoint_url=emu.url, region_name="us-east-1", **EMULATOR_CREDENTIALS) as rek:
        [project] = [p async for p in rek.describe_projects(project_names=["sample-project-1"])]
        assert project.project_arn is not None
        output = OutputConfig(s3_bucket="out", s3_key_prefix="models")
        arns: list[str] = []
        for name in names:
            created = await rek.create_project_version(
                project_arn=project.project_arn, version_name=name, output_config=output
            )
            assert created.project_version_arn is not None
            arns.append(created.project_version_arn)
        return arns
