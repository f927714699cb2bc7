"""``projects list`` and ``models list|start|stop|watch``."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Annotated, Any, Final

import anyio
from cyclopts import App, Parameter

from .. import AwsVisionError, RekognitionClient, ServiceError
from ..custom_labels import parse_version_arn
from ._common import (
    DEFAULT_CONNECTION,
    EXIT_ERROR,
    EXIT_OK,
    Connection,
    UsageError,
    emit,
    iso,
    print_line,
    stderr,
)
from ._errors import explain
from ._signals import interruptible

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

    On Ctrl-C (SIGINT) or SIGTERM before the command ends, the model it started is
    stopped again (exit status 130 or 143): an interrupted start leaves nothing running.

    Args:
        version_arn: The model version's ARN.
        min_inference_units: Inference units to start with.
        max_inference_units: The most inference units auto-scaling may use.
        wait: Wait until the model is running (or failed to start).
        connection: The options every command takes.
    """
    async with connection.client() as rek:
        launch = _Launch()

        async def body() -> str | None:
            launch.sent = True  # from here on the service may start the model, even if this call is cut short
            reply = await rek.start_project_version(
                project_version_arn=version_arn,
                min_inference_units=min_inference_units,
                max_inference_units=max_inference_units,
            )
            launch.answered = True
            return await _watch(rek, version_arn, interval=None) if wait else reply.status

        async def cleanup(_: int) -> str:
            if not launch.sent:
                return "nothing was started"
            return await _stop_started(rek, version_arn, answered=launch.answered)

        status = await interruptible(body, cleanup)
    return _conclude(connection, version_arn, status)


@models.command
async def stop(
    version_arn: str | None = None,
    /,
    *,
    all_running: Annotated[bool, Parameter(negative=())] = False,
    project: Annotated[list[str] | None, Parameter(name="--project", negative_iterable=())] = None,
    yes: Annotated[bool, Parameter(negative=())] = False,
    wait: Annotated[bool, Parameter(negative=())] = False,
    connection: Connection = DEFAULT_CONNECTION,
) -> int:
    """Stop a running model version, or with --all-running every one that is running or starting.

    --all-running is the clean-up after a crash: it lists what it would stop and
    stops it only with --yes. It prints each version it stopped, keeps going when
    one fails, reports each failure and then exits 1.

    Args:
        version_arn: The model version's ARN.
        all_running: Stop every model version that is running or starting (all projects, or --project).
        project: With --all-running, only this project's versions (a name; repeatable).
        yes: With --all-running, stop them (without it, only say what would be stopped).
        wait: Wait until the model is stopped.
        connection: The options every command takes.
    """
    if all_running:
        if version_arn is not None:
            raise UsageError("give a version ARN or --all-running, not both")
        return await _stop_all_running(connection, projects=project or [], yes=yes, wait=wait)
    if version_arn is None:
        raise UsageError("give the ARN of the version to stop, or --all-running (with --yes) to stop every one")
    if project or yes:
        raise UsageError("--project and --yes go with --all-running")
    async with connection.client() as rek:
        reply = await rek.stop_project_version(project_version_arn=version_arn)
        status = await _watch(rek, version_arn, interval=None) if wait else reply.status
    return _conclude(connection, version_arn, status)


@models.command
async def watch(version_arn: str, /, *, interval: float = 10.0, connection: Connection = DEFAULT_CONNECTION) -> int:
    """Print a model version's status as it changes, until it reaches a final state.

    Exits 0 on a final state that is no failure (RUNNING, STOPPED, TRAINING_COMPLETED...),
    1 on a failure (TRAINING_FAILED, FAILED...). It changes nothing, so Ctrl-C (SIGINT)
    and SIGTERM just end it (exit status 130 or 143).

    Args:
        version_arn: The model version's ARN.
        interval: Seconds between two looks.
        connection: The options every command takes.
    """
    if not 0 < interval < math.inf:
        raise UsageError("--interval must be a positive number of seconds")

    async def nothing_started(_: int) -> str:
        return "watch starts nothing, so it stopped nothing"

    async with connection.client() as rek:
        status = await interruptible(lambda: _watch(rek, version_arn, interval=interval), nothing_started)
    return _conclude(connection, version_arn, status)


async def _watch(rek: RekognitionClient, version_arn: str, *, interval: float | None) -> str:
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
        print_line(json.dumps({"version_arn": version_arn, "status": status}))
    else:
        print_line(f"{version_arn}: {status}")
    return EXIT_ERROR if status in _FAILED else EXIT_OK


# -- stopping what was started, and everything running --------------------------------------------

#: Statuses in which a model is billed and can be stopped.
_STOPPABLE: Final = frozenset({"STARTING", "RUNNING"})
#: Statuses that say a stop is under way or done.
_STOPPED: Final = frozenset({"STOPPING", "STOPPED"})
#: How long an interrupted start may take to stop what it started: a start cut short
#: in flight may still land, so the command keeps looking for that long.
STOP_LIMIT: Final = 20.0


@dataclass
class _Launch:
    """How far a start went: ``sent``, it may have reached the service; ``answered``, it did."""

    sent: bool = False
    answered: bool = False


async def _stop_started(rek: RekognitionClient, version_arn: str, *, answered: bool) -> str:
    """Stop a version this command started, or may have started; a line saying what happened.

    A start whose reply was never read may yet take effect: until the version is
    seen starting (then stopped) or stopping, the command keeps looking, for at
    most ``STOP_LIMIT`` seconds. Each failure is retried within that time.
    """
    last = "unknown"
    problem = ""
    with anyio.move_on_after(STOP_LIMIT):
        delay = 0.1
        while True:
            try:
                last = str((await _version(rek, version_arn)).status)
                if last in _STOPPABLE:
                    reply = await rek.stop_project_version(project_version_arn=version_arn)
                    return f"stopped {version_arn} ({reply.status})"
                if answered or last == "STOPPING":
                    # Answered: it is starting or it is not (failed, stopped by another); nothing to wait for.
                    return f"{version_arn} is {last}, nothing to stop"
            except (AwsVisionError, UsageError) as error:
                problem = _describe(error)
            await anyio.sleep(delay)
            delay = min(delay * 2, 2.0)
    if problem:
        return f"could not stop {version_arn} ({problem}): it may be running and billed, stop it with 'models stop'"
    return (
        f"{version_arn} did not start within {STOP_LIMIT:g} s (it is {last}); "
        "check with 'models list --running' that it is not running"
    )


def _describe(error: Exception) -> str:
    explained = explain(error)
    return explained[0] if explained is not None else f"{type(error).__name__}: {error}"


async def _stop_one(rek: RekognitionClient, version_arn: str) -> str:
    """Stop one version; its status after. An error that finds it already stopping is no failure."""
    try:
        reply = await rek.stop_project_version(project_version_arn=version_arn)
    except ServiceError:
        # Stopped by someone else since it was listed? Then the job is done.
        status = str((await _version(rek, version_arn)).status)
        if status in _STOPPED:
            return status
        raise
    return str(reply.status)


async def _stop_listed(rek: RekognitionClient, connection: Connection, arn: str, listed: str) -> dict[str, Any]:
    """Stop one of the versions --all-running found, saying so; a failure is reported, not raised."""
    try:
        status = await _stop_one(rek, arn)
    except (AwsVisionError, UsageError) as error:  # keep going: stop every other one
        message = _describe(error)
        stderr.print(f"error: could not stop {arn}: {message}", markup=False)
        return {"version_arn": arn, "status": listed, "error": message}
    if connection.output != "json":
        print_line(f"{arn}: {status}")
    return {"version_arn": arn, "status": status, "error": None}


async def _stop_all_running(connection: Connection, *, projects: list[str], yes: bool, wait: bool) -> int:
    async with connection.client() as rek:
        for name in projects:
            await _project_arn(rek, name)  # a misspelt project is an error, not "nothing running"
        targets = [
            version
            async for version in rek.running_model_versions(project_names=projects or None)
            if version.status in _STOPPABLE and version.project_version_arn
        ]
        if not targets:
            stderr.print("no model version is running or starting", markup=False)
            if connection.output == "json":
                print_line("[]")
            return EXIT_OK
        if not yes:
            for version in targets:
                held = version.min_inference_units
                units = "" if held is None else f", {held} inference units"
                stderr.print(f"would stop {version.project_version_arn} ({version.status}{units})", markup=False)
            raise UsageError(f"{len(targets)} model version(s) would be stopped: pass --yes to stop them")
        results = [await _stop_listed(rek, connection, str(v.project_version_arn), str(v.status)) for v in targets]
        if wait:
            for result in results:
                if result["error"] is None:
                    result["status"] = await _watch(rek, result["version_arn"], interval=None)
    if connection.output == "json":
        print_line(json.dumps(results))
    failed = sum(1 for r in results if r["error"] is not None)
    if failed:
        stderr.print(f"{failed} of {len(results)} model version(s) could not be stopped", markup=False)
        return EXIT_ERROR
    return EXIT_OK
