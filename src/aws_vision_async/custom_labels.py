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
from typing import TYPE_CHECKING, Final

from typing_extensions import Self

from . import _model_session
from ._core import checks
from ._core.closing import ClosesOnExit
from ._model_session import DEFAULT_STOP_MAX_WAIT, ModelClient

if TYPE_CHECKING:
    # Only for annotations, and never the generated client: it imports this module.
    from .rekognition.models import DetectCustomLabelsResponse, Image, ProjectDescription, ProjectVersionDescription

__all__ = [
    "ACTIVE_STATUSES",
    "DEFAULT_STOP_MAX_WAIT",
    "CustomLabelsMixin",
    "RunningModel",
    "RunningVersions",
    "parse_version_arn",
]

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
        started_here: Whether this process's sessions on the version started it (this
            one, or another open at the same time), and so stop it by default when
            the last of them leaves.
    """

    __slots__ = ("_client", "project_arn", "project_version_arn", "started_here")

    def __init__(self, client: ModelClient, project_version_arn: str, project_arn: str, started_here: bool) -> None:
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

        Raises:
            ValueError: The image's bytes are neither a JPEG nor a PNG, or are above
                DetectCustomLabels' 4 MB (4194304 bytes); nothing is sent.
        """
        # The client's method checks the image (format, the 4 MB limit) before sending.
        return await self._client.detect_custom_labels(
            project_version_arn=self.project_version_arn,
            image=image,
            max_results=max_results,
            min_confidence=min_confidence,
        )

    async def describe(self) -> ProjectVersionDescription:
        """The model version's description as the service has it now.

        Raises:
            NotFoundError: The service no longer lists the version (``ResourceNotFoundException``).
        """
        version = await _model_session.find_version(self._client, self.project_arn, self.project_version_arn)
        if version is None:
            raise _model_session.not_found(self.project_version_arn)
        return version


class CustomLabelsMixin:
    """Hand-written methods of ``RekognitionClient`` for the Custom Labels model lifecycle."""

    @asynccontextmanager
    async def running_model(
        self: ModelClient,
        project_version_arn: str,
        *,
        min_inference_units: int = 1,
        max_inference_units: int | None = None,
        stop_on_exit: bool | None = None,
        wait_stopped: bool = False,
        stop_max_wait: float = DEFAULT_STOP_MAX_WAIT,
        max_wait: float | None = None,
        min_delay: float | None = None,
        max_delay: float | None = None,
    ) -> AsyncGenerator[RunningModel, None]:
        """Run a model version for the length of an ``async with`` block, and stop it after.

        On entry the version is started (StartProjectVersion), or joined if it
        is starting or running already; a version that is stopping is waited
        on until it has stopped, then started. The block begins once it runs.

        On leaving the block for any reason (normal exit, an exception,
        cancellation, a failure while starting) the model is stopped, shielded
        from cancellation: if this session started it (``stop_on_exit=None``),
        always (``True``) or never (``False``). A start that may have reached
        the service (a lost connection, a 5xx, a cancellation while it was in
        flight) counts as a start: the session then watches a version that
        still looks idle for a while, and stops it if it starts.

        The stop is tried again, with backoff, until the service says the model
        is stopping or stopped (a refusal because it is stopping or stopped
        already counts as success), for up to ``stop_max_wait`` seconds; only
        then is the failure logged at ERROR and raised. When the block itself
        raised, its exception is the one that propagates, with the stop failure
        in a note and in the log.

        Sessions of one process on the same version share one start and one
        stop: the model stops when the last of them leaves (if one of them
        started it, or one asked for ``stop_on_exit=True``; ``True`` wins over
        ``False``).

        Args:
            project_version_arn: The model version to run.
            min_inference_units: Inference units to start with (each is billed per hour).
            max_inference_units: The most inference units auto-scaling may use.
            stop_on_exit: Whether to stop the model on exit; ``None``: if this session started it.
            wait_stopped: Make the exit that stops the model wait until it is
                ``STOPPED`` (within ``stop_max_wait``); other exits return at once.
            stop_max_wait: Seconds the stop on exit keeps trying (900 by default).
            max_wait: Seconds to wait for the model to run, or to stop before it
                is started again; the waiter's default if ``None``.
            min_delay: Shortest delay between polls of its status; the waiter's default if ``None``.
            max_delay: Longest delay between polls of its status; the waiter's default if ``None``.

        Yields:
            The running model.

        Raises:
            NotFoundError: The project or the version does not exist
                (``ResourceNotFoundException``).
            WaiterFailedError: The model failed to start.
            WaiterTimeoutError: It did not run within ``max_wait``.
            TypeError: An argument has the wrong type; nothing is sent.
            ValueError: An argument is out of range, or the ARN is not a model
                version's; nothing is sent.
        """
        client = self
        project_name, version_name = _version_arn_argument(project_version_arn)
        units = checks.positive_int("min_inference_units", min_inference_units)
        if max_inference_units is not None:
            checks.integer("max_inference_units", max_inference_units, minimum=units)
        if stop_on_exit is not None:
            checks.boolean("stop_on_exit", stop_on_exit)
        checks.boolean("wait_stopped", wait_stopped)
        timing = _model_session.Timing(
            max_wait=None if max_wait is None else checks.non_negative_number("max_wait", max_wait),
            min_delay=None if min_delay is None else checks.positive_number("min_delay", min_delay),
            max_delay=None if max_delay is None else checks.positive_number("max_delay", max_delay),
            stop_max_wait=checks.positive_number("stop_max_wait", stop_max_wait),
        )
        if timing.min_delay is not None and timing.max_delay is not None and timing.min_delay > timing.max_delay:
            raise ValueError(f"min_delay must not exceed max_delay, got {min_delay!r} and {max_delay!r}")
        session = _model_session.Session(client, project_version_arn, version_name, timing, stop_on_exit)
        failure: BaseException | None = None
        try:
            await session.enter(project_name, units, max_inference_units)
            assert session.project_arn is not None  # noqa: S101 - enter() looked it up
            yield RunningModel(client, project_version_arn, session.project_arn, session.group.started)
        except BaseException as exc:
            failure = exc
            raise
        finally:
            await session.leave(wait_stopped=wait_stopped, failure=failure)

    def running_model_versions(self: ModelClient, *, project_names: Sequence[str] | None = None) -> RunningVersions:
        """Every model version that is starting, running or stopping: what costs money now.

        Use it as ``async for version in rek.running_model_versions(): ...``, or
        ``async with rek.running_model_versions() as versions: async for ...`` to
        stop the listing as soon as the block ends.

        Args:
            project_names: Only these projects; all Custom Labels projects if ``None``.

        Returns:
            An async iterator (and async context manager) of each such version's
            description, with its inference units (``min_inference_units``,
            ``max_inference_units``). Nothing is sent until it is iterated.

        Raises:
            TypeError: ``project_names`` is a ``str`` or not a sequence of ``str``; nothing is sent.
            ValueError: ``project_names`` is empty; nothing is sent.
        """
        names = None if project_names is None else checks.str_sequence("project_names", project_names, min_items=1)
        return RunningVersions(self, names)


class RunningVersions(ClosesOnExit):
    """The model versions that cost money now; see ``RekognitionClient.running_model_versions``.

    An async iterator and an async context manager, as a paginator's iterators
    are (no async generator: nothing to finalize when a loop stops early).
    """

    __slots__ = ("_client", "_closed", "_names", "_projects", "_versions")

    def __init__(self, client: ModelClient, project_names: list[str] | None) -> None:
        self._client = client
        self._names = project_names
        self._projects: AsyncIterator[ProjectDescription] | None = None
        self._versions: AsyncIterator[ProjectVersionDescription] | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"<RunningVersions projects={self._names!r}>"

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> ProjectVersionDescription:
        if self._closed:
            raise StopAsyncIteration
        if self._projects is None:
            self._projects = aiter(
                self._client.describe_projects(project_names=self._names, features=["CUSTOM_LABELS"])
            )
        while True:
            if self._versions is not None:
                async for version in self._versions:
                    if version.status in ACTIVE_STATUSES:
                        return version
                self._versions = None
            try:
                project = await anext(self._projects)
            except StopAsyncIteration:
                self._closed = True
                raise
            if project.project_arn is not None:
                self._versions = aiter(self._client.describe_project_versions(project_arn=project.project_arn))

    async def aclose(self) -> None:
        """Stop: no more pages are requested."""
        for iterator in (self._versions, self._projects):
            close = getattr(iterator, "aclose", None)
            if close is not None:
                await close()
        self._closed = True
        self._versions = self._projects = None


def _version_arn_argument(project_version_arn: object) -> tuple[str, str]:
    if not isinstance(project_version_arn, str):
        raise TypeError(
            f"project_version_arn must be a str (a model version ARN), got {type(project_version_arn).__name__}"
        )
    try:
        return parse_version_arn(project_version_arn)
    except ValueError:
        raise ValueError(
            f"project_version_arn must be a Custom Labels model version ARN "
            f"(arn:aws:rekognition:REGION:ACCOUNT:project/NAME/version/NAME/NUMBER), got {project_version_arn[:200]!r}"
        ) from None
