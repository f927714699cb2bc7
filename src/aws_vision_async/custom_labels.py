"""The Custom Labels model lifecycle: a model session that always stops, and what runs now.

A running Custom Labels model is billed per inference unit and hour until someone
calls StopProjectVersion. ``RekognitionClient.running_model`` starts a model version
for the length of an ``async with`` block and stops it on the way out, whatever the
way out is::

    async with rek.running_model(version_arn, min_inference_units=1) as model:
        labels = await model.detect_custom_labels(image=Image(bytes=jpeg))

and ``RekognitionClient.running_model_versions`` lists what costs money now.
These methods live here, in a mixin the generated client derives from.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Final, cast

import anyio

from .errors import NetworkError, TransientError

if TYPE_CHECKING:
    # Only for annotations: the generated client imports this module.
    from .rekognition.client import RekognitionClient
    from .rekognition.models import DetectCustomLabelsResponse, Image, ProjectVersionDescription

__all__ = ["ACTIVE_STATUSES", "CustomLabelsMixin", "RunningModel", "parse_version_arn"]

_log = logging.getLogger("aws_vision_async")

#: Statuses of a model version that is billed for inference units (or about to be).
ACTIVE_STATUSES: Final = frozenset({"STARTING", "RUNNING", "STOPPING"})

# arn:aws:rekognition:REGION:ACCOUNT:project/PROJECT/version/VERSION/CREATED
_VERSION_ARN: Final = re.compile(r"^arn:[^:]+:rekognition:[^:]*:[^:]*:project/([^/]+)/version/([^/]+)/[0-9]+$")


def parse_version_arn(project_version_arn: str) -> tuple[str, str]:
    """The project name and the version name of a model version ARN.

    Args:
        project_version_arn: Such as ``arn:aws:rekognition:us-east-1:111122223333:project/widgets/``
            ``version/widgets.2024-05-01T12.00.00/1714564800000``.

    Returns:
        ``(project_name, version_name)``.

    Raises:
        ValueError: Not a Custom Labels model version ARN.
    """
    match = _VERSION_ARN.match(project_version_arn)
    if match is None:
        raise ValueError(f"not a Custom Labels model version ARN: {project_version_arn[:200]!r}")
    return match.group(1), match.group(2)


class RunningModel:
    """A model version that runs for the length of an ``async with rek.running_model(...)`` block.

    Attributes:
        project_version_arn: The model version.
        project_arn: Its project.
        started_here: Whether this session started it (and so stops it by default).
    """

    __slots__ = ("_client", "project_arn", "project_version_arn", "started_here")

    def __init__(
        self, client: RekognitionClient, project_version_arn: str, project_arn: str, started_here: bool
    ) -> None:
        self._client = client
        self.project_version_arn = project_version_arn
        self.project_arn = project_arn
        self.started_here = started_here

    def __repr__(self) -> str:
        return f"<RunningModel {self.project_version_arn}>"

    async def detect_custom_labels(
        self,
        *,
        image: Image | bytes,
        max_results: int | None = None,
        min_confidence: float | None = None,
    ) -> DetectCustomLabelsResponse:
        """Detect this model's labels in an image (DetectCustomLabels).

        Args:
            image: The image: an ``Image`` (bytes or an S3 object), or the raw bytes of
                a JPEG or PNG (the SDK base64-encodes them).
            max_results: The most labels to return, highest confidence first.
            min_confidence: The lowest confidence (0-100) of a label to return.

        Returns:
            The labels found.
        """
        from .rekognition.models import Image  # noqa: PLC0415 - the generated package imports this module

        return await self._client.detect_custom_labels(
            project_version_arn=self.project_version_arn,
            image=Image(bytes=image) if isinstance(image, bytes) else image,
            max_results=max_results,
            min_confidence=min_confidence,
        )

    async def describe(self) -> ProjectVersionDescription:
        """The model version's description as the service has it now.

        Raises:
            LookupError: The service no longer lists the version.
        """
        return await _describe_version(self._client, self.project_arn, self.project_version_arn)


async def _find_project_arn(client: RekognitionClient, project_name: str) -> str:
    async for project in client.describe_projects(project_names=[project_name]):
        if project.project_arn is not None:
            return project.project_arn
    raise LookupError(f"no Custom Labels project named {project_name!r}")


async def _describe_version(client: RekognitionClient, project_arn: str, version_arn: str) -> ProjectVersionDescription:
    _, version_name = parse_version_arn(version_arn)
    async for version in client.describe_project_versions(project_arn=project_arn, version_names=[version_name]):
        if version.project_version_arn == version_arn:
            return version
    raise LookupError(f"no model version {version_arn!r}")


class CustomLabelsMixin:
    """Hand-written methods of ``RekognitionClient`` for the Custom Labels model lifecycle."""

    @asynccontextmanager
    async def running_model(
        self,
        project_version_arn: str,
        *,
        min_inference_units: int = 1,
        max_inference_units: int | None = None,
        stop_on_exit: bool | None = None,
        max_wait: float | None = None,
        min_delay: float | None = None,
        max_delay: float | None = None,
    ) -> AsyncGenerator[RunningModel, None]:
        """Run a model version for the length of an ``async with`` block, and stop it after.

        The version is started (StartProjectVersion) unless it is starting or
        running already, and the block begins once it runs. On leaving the block
        for any reason (normal exit, an exception, cancellation of the
        surrounding scope, a failure while starting) StopProjectVersion is sent,
        shielded from cancellation: if this session started the model
        (``stop_on_exit=None``), always (``True``) or never (``False``). A stop
        that fails is logged at WARNING and raised.

        Args:
            project_version_arn: The model version to run.
            min_inference_units: Inference units to start with (each is billed per hour).
            max_inference_units: The most inference units auto-scaling may use.
            stop_on_exit: Whether to stop the model on exit; ``None``: if this session started it.
            max_wait: Seconds to wait for the model to run; the waiter's default if ``None``.
            min_delay: Shortest delay between polls of its status; the waiter's default if ``None``.
            max_delay: Longest delay between polls of its status; the waiter's default if ``None``.

        Yields:
            The running model.

        Raises:
            WaiterFailedError: The model failed to start.
            WaiterTimeoutError: It did not run within ``max_wait``.
        """
        client = cast("RekognitionClient", self)
        project_name, version_name = parse_version_arn(project_version_arn)
        project_arn = await _find_project_arn(client, project_name)
        started = False
        try:
            current = await _describe_version(client, project_arn, project_version_arn)
            if current.status not in ("STARTING", "RUNNING"):
                try:
                    await client.start_project_version(
                        project_version_arn=project_version_arn,
                        min_inference_units=min_inference_units,
                        max_inference_units=max_inference_units,
                    )
                except (NetworkError, TransientError) as exc:
                    # The service may have acted on it: the model may be starting, and billed.
                    started = not isinstance(exc, NetworkError) or exc.may_have_reached_server
                    raise
                started = True
            await client.wait_until_project_version_running(
                project_arn=project_arn,
                version_names=[version_name],
                max_wait=max_wait,
                min_delay=min_delay,
                max_delay=max_delay,
            )
            yield RunningModel(client, project_version_arn, project_arn, started)
        finally:
            if stop_on_exit if stop_on_exit is not None else started:
                await _stop(client, project_version_arn)

    async def running_model_versions(
        self, *, project_names: Sequence[str] | None = None
    ) -> AsyncIterator[ProjectVersionDescription]:
        """Every model version that is starting, running or stopping: what costs money now.

        Args:
            project_names: Only these projects; all Custom Labels projects if ``None``.

        Yields:
            Each such version's description, with its inference units
            (``min_inference_units``, ``max_inference_units``).
        """
        client = cast("RekognitionClient", self)
        async for project in client.describe_projects(
            project_names=list(project_names) if project_names is not None else None, features=["CUSTOM_LABELS"]
        ):
            if project.project_arn is None:
                continue
            async for version in client.describe_project_versions(project_arn=project.project_arn):
                if version.status in ACTIVE_STATUSES:
                    yield version


async def _stop(client: RekognitionClient, project_version_arn: str) -> None:
    # Shielded: a cancelled scope must not leave a model running, billed by the hour.
    with anyio.CancelScope(shield=True):
        try:
            await client.stop_project_version(project_version_arn=project_version_arn)
        except Exception as exc:
            _log.warning(
                "could not stop model version %s, which may still run and be billed: %s", project_version_arn, exc
            )
            raise
