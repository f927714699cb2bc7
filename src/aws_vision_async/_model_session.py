"""How ``running_model`` keeps its promise: one start and one stop per model version, and a stop that keeps trying.

A process may open several sessions on one model version at once (four tasks
of a batch job) or one after the other (a loop). They form a *group*: the
first session of a group starts the model if it is not running, the others
join it, and the last one to leave stops it. The start and the stop of a
group run under its lock, so a session that arrives while the last one is
stopping the model waits for the stop, then for ``STOPPED``, and starts the
model again: it never joins a model about to stop.

A start that may have reached the service (a connection lost, a 5xx, a
cancellation while it was in flight) counts as a start: the model may start a
moment later, so the stop looks for a while and stops it if it does.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Protocol

import anyio
import anyio.lowlevel

from ._core.waiter import backoff_delay
from .errors import (
    AwsVisionError,
    CallTimeoutError,
    NetworkError,
    NotFoundError,
    RateLimitTimeoutError,
    ServiceError,
    ThrottlingError,
    TransientError,
)

if TYPE_CHECKING:
    # Annotations only, and never the generated client: it imports the Custom Labels mixin.
    from ._core.pagination import AsyncPaginator
    from .rekognition.models import (
        CustomizationFeature,
        DescribeProjectsResponse,
        DescribeProjectVersionsResponse,
        DetectCustomLabelsResponse,
        Image,
        ProjectDescription,
        ProjectVersionDescription,
        StartProjectVersionResponse,
        StopProjectVersionResponse,
    )

__all__ = [
    "DEFAULT_STOP_MAX_WAIT",
    "ModelClient",
    "START_SETTLE",
    "Group",
    "Session",
    "Timing",
    "find_project_arn",
    "find_version",
    "not_found",
]

_log = logging.getLogger("aws_vision_async")

#: Seconds the stop on exit keeps trying by default (``stop_max_wait``).
DEFAULT_STOP_MAX_WAIT: Final = 900.0
#: Seconds after a start that may or may not have reached the service during
#: which a version that still looks idle may yet start (the most a request
#: the client gave up on takes to be acted on).
START_SETTLE: Final = 20.0
#: Delays between stop attempts, when the session gave none for its polls.
_STOP_DELAYS: Final = (0.5, 10.0)
#: Statuses in which the model runs, or is about to, and so is billed.
_RUNNING: Final = frozenset({"STARTING", "RUNNING"})
#: How often a start refused as "in use" is tried again after looking at the version.
_START_TRIES: Final = 5


class ModelClient(Protocol):
    """The calls of ``RekognitionClient`` that model sessions make: what the Custom Labels mixin needs of its client.

    The generated client satisfies it; typing the mixin against it keeps the
    mixin's module free of any import of the generated client.
    """

    @property
    def aiobotocore_client(self) -> Any: ...

    def describe_projects(
        self, *, project_names: Sequence[str] | None = None, features: Sequence[CustomizationFeature] | None = None
    ) -> AsyncPaginator[ProjectDescription, DescribeProjectsResponse]: ...

    def describe_project_versions(
        self, *, project_arn: str, version_names: Sequence[str] | None = None
    ) -> AsyncPaginator[ProjectVersionDescription, DescribeProjectVersionsResponse]: ...

    async def start_project_version(
        self, *, project_version_arn: str, min_inference_units: int, max_inference_units: int | None = None
    ) -> StartProjectVersionResponse: ...

    async def stop_project_version(self, *, project_version_arn: str) -> StopProjectVersionResponse: ...

    async def detect_custom_labels(
        self,
        *,
        project_version_arn: str,
        image: Image | bytes,
        max_results: int | None = None,
        min_confidence: float | None = None,
    ) -> DetectCustomLabelsResponse: ...

    async def wait_until_project_version_running(
        self,
        *,
        project_arn: str,
        version_names: Sequence[str] | None = None,
        max_wait: float | None = None,
        min_delay: float | None = None,
        max_delay: float | None = None,
    ) -> DescribeProjectVersionsResponse: ...

    async def wait_until_project_version_stopped(
        self,
        *,
        project_arn: str,
        version_names: Sequence[str] | None = None,
        max_wait: float | None = None,
        min_delay: float | None = None,
        max_delay: float | None = None,
    ) -> DescribeProjectVersionsResponse: ...


@dataclass(eq=False)
class Group:
    """The sessions of one process on one model version (see the module docstring).

    Attributes:
        lock: Held while a session starts the model, and while the last one stops it.
        users: Sessions inside, or on their way in.
        started: A session of the group sent StartProjectVersion, or may have.
        unsure_since: When a start that may or may not have reached the service
            was sent (``anyio.current_time()``); ``None`` once a start is confirmed.
        stop_votes: Sessions that asked for ``stop_on_exit=True``.
        keep_votes: Sessions that asked for ``stop_on_exit=False``.
    """

    lock: anyio.Lock = field(default_factory=anyio.Lock)
    users: int = 0
    started: bool = False
    unsure_since: float | None = None
    stop_votes: int = 0
    keep_votes: int = 0

    def should_stop(self) -> bool:
        """Whether the last session to leave stops the model: asked to, or started by the group and not kept."""
        return self.stop_votes > 0 or (self.started and self.keep_votes == 0)

    def reset(self) -> None:
        """Forget the votes and the start: the next session begins a new round."""
        self.started = False
        self.unsure_since = None
        self.stop_votes = self.keep_votes = 0


@dataclass(frozen=True, slots=True)
class Timing:
    """The time limits and poll delays of one session.

    Attributes:
        max_wait: Seconds to wait for the model to run (or to stop, before a start).
        min_delay: Shortest delay between polls; ``None``: the waiter's default.
        max_delay: Longest delay between polls; ``None``: the waiter's default.
        stop_max_wait: Seconds the stop on exit keeps trying.
    """

    max_wait: float | None
    min_delay: float | None
    max_delay: float | None
    stop_max_wait: float

    def stop_delays(self) -> tuple[float, float]:
        """The delays between stop attempts: the session's poll delays, else ``_STOP_DELAYS``."""
        low = self.min_delay if self.min_delay is not None else min(_STOP_DELAYS[0], self.max_delay or _STOP_DELAYS[0])
        high = self.max_delay if self.max_delay is not None else max(_STOP_DELAYS[1], low)
        return low, high


# Keyed by event loop, endpoint and version: sessions of different loops cannot share a lock.
_groups: dict[tuple[object, str, str], Group] = {}


def _sent_nothing(exc: BaseException) -> bool:
    """Whether a failed StartProjectVersion certainly did not start the model."""
    if isinstance(exc, ServiceError):
        # A refusal (4xx) did nothing; a 5xx may have come after the work.
        return isinstance(exc, ThrottlingError) or (exc.status_code < 500 and not isinstance(exc, TransientError))
    if isinstance(exc, NetworkError):
        return not exc.may_have_reached_server
    # Bad input and a rate-limit wait fail before anything is sent.
    return isinstance(exc, RateLimitTimeoutError | ValueError | TypeError)


class Session:
    """One ``running_model`` session: its place in its group, and what it knows of the version.

    Attributes:
        version_arn: The model version.
        version_name: Its name, as ``DescribeProjectVersions`` filters by.
        project_arn: Its project, once looked up.
        group: The sessions of this process on the version.
    """

    def __init__(
        self, client: ModelClient, version_arn: str, version_name: str, timing: Timing, stop_on_exit: bool | None
    ) -> None:
        self._client = client
        self._timing = timing
        self.version_arn = version_arn
        self.version_name = version_name
        self.project_arn: str | None = None
        endpoint = str(client.aiobotocore_client.meta.endpoint_url)
        self._key = (anyio.lowlevel.current_token(), endpoint, version_arn)
        group = _groups.get(self._key)
        if group is None:
            group = _groups[self._key] = Group()
        group.users += 1
        if stop_on_exit is True:
            group.stop_votes += 1
        elif stop_on_exit is False:
            group.keep_votes += 1
        self.group = group

    async def status(self) -> str | None:
        """The version's status now; ``None`` if it (or its project) no longer exists."""
        if self.project_arn is None:
            return None
        version = await find_version(self._client, self.project_arn, self.version_arn)
        return None if version is None else version.status

    async def enter(self, project_name: str, min_inference_units: int, max_inference_units: int | None) -> None:
        """Find the project, start the model or join it (under the group's lock), and wait until it runs."""
        self.project_arn = await find_project_arn(self._client, project_name)
        async with self.group.lock:
            await self._start(min_inference_units, max_inference_units)
        timing = self._timing
        await self._client.wait_until_project_version_running(
            project_arn=self.project_arn,
            version_names=[self.version_name],
            max_wait=timing.max_wait,
            min_delay=timing.min_delay,
            max_delay=timing.max_delay,
        )

    async def _start(self, min_inference_units: int, max_inference_units: int | None) -> None:
        # Start the model unless it is starting or running; wait for a stopping one to stop first.
        assert self.project_arn is not None  # noqa: S101 - enter() looked it up
        from .rekognition.errors import ResourceInUseException  # noqa: PLC0415 - the generated package imports us

        group, timing = self.group, self._timing
        refused: ServiceError | None = None
        for _ in range(_START_TRIES):
            status = await self.status()
            if status is None:
                raise not_found(self.version_arn)
            if status in _RUNNING:
                return  # join it: started by another session, another process or by hand
            if status == "STOPPING":
                await self._client.wait_until_project_version_stopped(
                    project_arn=self.project_arn,
                    version_names=[self.version_name],
                    max_wait=timing.max_wait,
                    min_delay=timing.min_delay,
                    max_delay=timing.max_delay,
                )
            before = (group.started, group.unsure_since)
            # Counted as started before the request leaves: a cancellation while it is
            # in flight must not leave a model starting with nobody to stop it.
            group.started, group.unsure_since = True, anyio.current_time()
            try:
                await self._client.start_project_version(
                    project_version_arn=self.version_arn,
                    min_inference_units=min_inference_units,
                    max_inference_units=max_inference_units,
                )
            except BaseException as exc:
                if not _sent_nothing(exc):
                    raise
                group.started, group.unsure_since = before
                if not isinstance(exc, ResourceInUseException):
                    raise
                refused = exc  # started or stopped by someone else meanwhile: look again
                continue
            group.unsure_since = None
            return
        assert refused is not None  # noqa: S101 - the loop ends only after a refusal
        raise refused

    async def leave(self, *, wait_stopped: bool, failure: BaseException | None) -> None:
        """Leave the group; the last session out stops the model if the group should.

        Args:
            wait_stopped: Wait until ``STOPPED`` after stopping the model.
            failure: What the block (or the start) raised, if anything: it stays
                the exception that propagates, and a stop failure goes with it.
        """
        group = self.group
        group.users -= 1
        if group.users > 0:
            return  # another session still uses the model
        # Shielded: a cancelled scope must not leave a model running, billed by the hour.
        with anyio.CancelScope(shield=True):
            try:
                async with group.lock:
                    # A session that arrived meanwhile (and waited for the lock) keeps the model.
                    if group.users > 0:
                        return
                    stop, unsure_since = group.should_stop(), group.unsure_since
                    group.reset()
                    if stop and self.project_arn is not None:
                        await self._stop(unsure_since)
                        if wait_stopped:
                            await self._client.wait_until_project_version_stopped(
                                project_arn=self.project_arn,
                                version_names=[self.version_name],
                                max_wait=self._timing.stop_max_wait,
                                min_delay=self._timing.min_delay,
                                max_delay=self._timing.max_delay,
                            )
            except Exception as exc:
                self._stop_failed(exc, failure)
            finally:
                # No await between the check and the drop: nobody can join in between.
                if group.users == 0 and _groups.get(self._key) is group:
                    del _groups[self._key]

    def _stop_failed(self, exc: Exception, failure: BaseException | None) -> None:
        _log.error(
            "could not stop model version %s within %gs; it may still run and be billed: %s",
            self.version_arn,
            self._timing.stop_max_wait,
            exc,
        )
        if failure is None:
            raise exc
        # The block's own failure is the one the caller needs; the stop's goes with it.
        note = f"Also, stopping model version {self.version_arn} failed: {exc!r}"
        if sys.version_info >= (3, 11):
            failure.add_note(note)
        else:  # PEP 678's attribute, which 3.10's traceback does not print but tools read
            notes: list[str] = getattr(failure, "__notes__", [])
            failure.__notes__ = [*notes, note]  # type: ignore[attr-defined]
        if failure.__context__ is None:
            failure.__context__ = exc

    async def _stop(self, unsure_since: float | None) -> None:
        """Stop the model, trying until the service says it is stopping or stopped, within ``stop_max_wait``.

        A refused stop is judged by the version's status: stopping, stopped,
        idle or gone is success. After a start that may not have reached the
        service (``unsure_since``), an idle version is watched until
        ``START_SETTLE`` seconds after that start, and stopped if it starts.

        Failures that may pass (throttling, 5xx, the network, a version busy
        changing state) are tried again; any other refusal of a version that
        still runs (such as ``AccessDeniedException``) is raised at once.

        Raises:
            AwsVisionError: The last failure, once ``stop_max_wait`` has passed,
                or a refusal that trying again cannot change.
            CallTimeoutError: ``stop_max_wait`` passed with no answer at all.
        """
        from .rekognition.errors import ResourceInUseException  # noqa: PLC0415 - the generated package imports us

        timing = self._timing
        low, high = timing.stop_delays()
        deadline = anyio.current_time() + timing.stop_max_wait
        watch_until = None if unsure_since is None else unsure_since + START_SETTLE
        last: BaseException | None = None
        attempt = 0
        with anyio.move_on_after(timing.stop_max_wait):
            while True:
                attempt += 1
                try:
                    if watch_until is not None:
                        status = await self.status()
                        if status in _RUNNING:
                            watch_until = None  # the uncertain start did start it
                        elif status in (None, "STOPPING") or anyio.current_time() >= watch_until:
                            return  # gone, stopping, or idle long after a start that never arrived
                    if watch_until is None:
                        await self._client.stop_project_version(project_version_arn=self.version_arn)
                        return
                except ServiceError as exc:
                    passing = isinstance(exc, ThrottlingError | TransientError) or exc.status_code >= 500
                    if not passing and await self._not_running():
                        return  # refused as "already stopping or stopped", or gone: nothing runs
                    if not passing and not isinstance(exc, ResourceInUseException):
                        raise  # a refusal that trying again cannot change, such as AccessDenied
                    last = exc
                except AwsVisionError as exc:
                    last = exc  # network failures, timeouts: the service may not have heard
                remaining = deadline - anyio.current_time()
                if remaining <= 0:
                    break
                await anyio.sleep(backoff_delay(attempt, min_delay=low, max_delay=high, remaining=remaining))
        raise last or CallTimeoutError(timing.stop_max_wait, operation_name="StopProjectVersion")

    async def _not_running(self) -> bool:
        try:
            status = await self.status()
        except AwsVisionError:
            return False  # cannot tell: try the stop again
        return status not in _RUNNING


async def find_project_arn(client: ModelClient, project_name: str) -> str:
    """The ARN of the project named ``project_name``.

    Raises:
        NotFoundError: No such project (``ResourceNotFoundException``).
    """
    page = None
    async for page in client.describe_projects(project_names=[project_name]).pages():
        for project in page.project_descriptions or ():
            if project.project_arn is not None:
                return project.project_arn
    meta = page.response_metadata if page is not None else None
    from .rekognition.errors import ResourceNotFoundException  # noqa: PLC0415 - the generated package imports us

    # The service answers an unknown name with an empty list; the SDK says what that means.
    raise ResourceNotFoundException(
        f"no Custom Labels project named {project_name!r}",
        code="ResourceNotFoundException",
        status_code=(meta.http_status or 0) if meta is not None else 0,
        request_id=meta.request_id if meta is not None else None,
        operation_name="DescribeProjects",
    )


async def find_version(client: ModelClient, project_arn: str, version_arn: str) -> ProjectVersionDescription | None:
    """The version's description, or ``None`` if neither it nor its project exists any more."""
    version_name = version_arn.split("/version/", 1)[1].split("/", 1)[0]
    try:
        async for version in client.describe_project_versions(project_arn=project_arn, version_names=[version_name]):
            if version.project_version_arn == version_arn:
                return version
    except NotFoundError:
        return None  # the project is gone, and its versions with it
    return None


def not_found(version_arn: str) -> NotFoundError:
    """The error of a model version that does not exist."""
    from .rekognition.errors import ResourceNotFoundException  # noqa: PLC0415 - the generated package imports us

    return ResourceNotFoundException(
        f"no model version {version_arn}", code="ResourceNotFoundException", operation_name="DescribeProjectVersions"
    )
