"""``projects list`` and ``models list|start|stop|watch``."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from typing import Annotated, Any, Final

import anyio
from cyclopts import App, Parameter
from rich.console import Console

from .. import RekognitionClient
from ..custom_labels import parse_version_arn
from ._common import DEFAULT_CONNECTION, EXIT_ERROR, EXIT_OK, Connection, UsageError, emit, iso, stderr

__all__ = ["models", "projects"]

projects = App(name="projects", help="Custom Labels projects.")
models = App(name="models", help="Custom Labels model versions: list, start, stop, watch.")


@projects.command(name="list")
async def list_projects(*, connection: Connection = DEFAULT_CONNECTION) -> None:
    """List the Custom Labels projects of the account and Region.

    Args:
        connection: The options every command takes.
    """
    async with connection.client() as rek:
        rows = [
            {
                "project_arn": p.project_arn,
                "status": p.status,
                "feature": p.feature,
                "created": iso(p.creation_timestamp),
                "datasets": [{"type": d.dataset_type, "arn": d.dataset_arn} for d in p.datasets or ()],
            }
            async for p in rek.describe_projects()
        ]
    emit(connection, rows, title="Projects", columns=("project_arn", "status", "feature", "created", "datasets"))


#: Statuses a model version stays in; "watch" stops at any other.
_TRANSITIONAL: Final = frozenset({"TRAINING_IN_PROGRESS", "STARTING", "STOPPING", "DELETING", "COPYING_IN_PROGRESS"})
#: Final statuses that mean the last change failed.
_FAILED: Final = frozenset({"TRAINING_FAILED", "FAILED", "COPYING_FAILED", "EXPIRED", "DEPRECATED"})


async def _project_arn(rek: RekognitionClient, project_name: str) -> str:
    async for project in rek.describe_projects(project_names=[project_name]):
        if project.project_arn:
            return project.project_arn
    raise UsageError(f"no project named {project_name!r} in this account and Region")


async def _version(rek: RekognitionClient, version_arn: str) -> Any:
    try:
        project_name, version_name = parse_version_arn(version_arn)
    except ValueError as error:
        raise UsageError(str(error)) from None
    project_arn = await _project_arn(rek, project_name)
    async for version in rek.describe_project_versions(project_arn=project_arn, version_names=[version_name]):
        return version
    raise UsageError(f"no model version {version_name!r} in project {project_name!r}")


def _version_row(version: Any, now: datetime) -> dict[str, Any]:
    created: datetime | None = version.creation_timestamp
    return {
        "version_arn": version.project_version_arn,
        "status": version.status,
        "min_inference_units": version.min_inference_units,
        "max_inference_units": version.max_inference_units,
        "created": iso(created),
        "age_hours": None if created is None else round((now - created).total_seconds() / 3600, 1),
        "billable_training_seconds": version.billable_training_time_in_seconds,
    }


@models.command(name="list")
async def list_models(
    *,
    project_arn: Annotated[list[str] | None, Parameter(name="--project-arn", negative_iterable=())] = None,
    running: Annotated[bool, Parameter(negative=())] = False,
    connection: Connection = DEFAULT_CONNECTION,
) -> None:
    """List model versions with their status and inference units.

    Args:
        project_arn: Only these projects (repeatable); by default every project.
        running: Only the versions that are running (billed by the hour) or starting.
        connection: The options every command takes.
    """
    now = datetime.now(timezone.utc)
    rows: list[dict[str, Any]] = []
    async with connection.client() as rek:
        arns = project_arn or [p.project_arn async for p in rek.describe_projects() if p.project_arn]
        for arn in arns:
            async for version in rek.describe_project_versions(project_arn=arn):
                if running and version.status not in ("RUNNING", "STARTING"):
                    continue
                rows.append(_version_row(version, now))
    emit(
        connection,
        rows,
        title="Running model versions" if running else "Model versions",
        columns=("version_arn", "status", "min_inference_units", "max_inference_units", "created", "age_hours"),
    )


@models.command
async def start(
    version_arn: str,
    /,
    *,
    min_inference_units: int = 1,
    max_inference_units: int | None = None,
    wait: Annotated[bool, Parameter(negative=())] = False,
    connection: Connection = DEFAULT_CONNECTION,
) -> int:
    """Start a model version (billed by the hour while it runs: stop it with "models stop").

    Args:
        version_arn: The model version's ARN.
        min_inference_units: Inference units to start with.
        max_inference_units: The most inference units auto-scaling may use.
        wait: Wait until the model is running (or failed to start).
        connection: The options every command takes.
    """
    async with connection.client() as rek:
        reply = await rek.start_project_version(
            project_version_arn=version_arn,
            min_inference_units=min_inference_units,
            max_inference_units=max_inference_units,
        )
        status = await _watch(rek, version_arn, connection, interval=None) if wait else reply.status
    return _conclude(connection, version_arn, status)


@models.command
async def stop(
    version_arn: str,
    /,
    *,
    wait: Annotated[bool, Parameter(negative=())] = False,
    connection: Connection = DEFAULT_CONNECTION,
) -> int:
    """Stop a running model version.

    Args:
        version_arn: The model version's ARN.
        wait: Wait until the model is stopped.
        connection: The options every command takes.
    """
    async with connection.client() as rek:
        reply = await rek.stop_project_version(project_version_arn=version_arn)
        status = await _watch(rek, version_arn, connection, interval=None) if wait else reply.status
    return _conclude(connection, version_arn, status)


@models.command
async def watch(version_arn: str, /, *, interval: float = 10.0, connection: Connection = DEFAULT_CONNECTION) -> int:
    """Print a model version's status as it changes, until it reaches a final state.

    Exits 0 on a final state that is no failure (RUNNING, STOPPED, TRAINING_COMPLETED...),
    1 on a failure (TRAINING_FAILED, FAILED...).

    Args:
        version_arn: The model version's ARN.
        interval: Seconds between two looks.
        connection: The options every command takes.
    """
    if not interval > 0:
        raise UsageError("--interval must be a positive number of seconds")
    async with connection.client() as rek:
        status = await _watch(rek, version_arn, connection, interval=interval)
    return _conclude(connection, version_arn, status)


async def _watch(rek: RekognitionClient, version_arn: str, connection: Connection, *, interval: float | None) -> str:
    """Poll until the status is final; print each change to stderr (for people) and return the last."""
    last: str | None = None
    delay = interval if interval is not None else 1.0
    while True:
        version = await _version(rek, version_arn)
        status = str(version.status)
        if status != last:
            stamp = datetime.now(timezone.utc).strftime("%H:%M:%S")
            message = f" ({version.status_message})" if version.status_message else ""
            stderr.print(f"{stamp} {status}{message}")
            last = status
        if status not in _TRANSITIONAL:
            return status
        await anyio.sleep(delay)
        if interval is None:
            delay = min(delay * 2, 30.0)  # --wait: quick at first, then every 30 s


def _conclude(connection: Connection, version_arn: str, status: str | None) -> int:
    """Print the final status; the exit status: 1 for a failed state, else 0."""
    if connection.output == "json":
        sys.stdout.write(json.dumps({"version_arn": version_arn, "status": status}) + "\n")
    else:
        Console(highlight=False).print(f"{version_arn}: {status}")
    return EXIT_ERROR if status in _FAILED else EXIT_OK
