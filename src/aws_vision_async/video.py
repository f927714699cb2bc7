"""Bulk video jobs: start one job per input, at most ``max_open`` open at once, wait for each, one outcome per input.

``rek.video_jobs(rek.start_label_detection, inputs, max_open=20)`` runs the start
method for each keyword-argument mapping of ``inputs`` (an iterable or an async
iterable, read lazily), keeps at most ``max_open`` jobs open, waits for each with
the matching waiter (``wait_until_label_detection_completed``) and yields one
:class:`~aws_vision_async.fanout.Outcome` per input: the completed job's ``Get*``
response as the result (its first page; paginate the rest with the ``Get*``
method), or the error::

    inputs = ({"video": Video(s3_object=S3Object(bucket="videos", name=key))} for key in keys)
    async with rek.video_jobs(rek.start_label_detection, inputs, max_open=20) as outcomes:
        async for outcome in outcomes:
            if outcome.error is None:
                print(outcome.kwargs["video"], outcome.unwrap().job_status)

Rekognition Video allows 20 open stored-video jobs per account by default, counted
across every process of the account: a start refused with ``LimitExceededException``
is not a failure; it waits until one of this block's jobs finishes (or a backoff
passes, for jobs of other processes) and tries again. Every start carries a client
request token, the same on every try, so a retried start never opens two jobs.
With ``slots=RedisSemaphore(url, key=..., limit=20)`` (``aws_vision_async.ratelimit``)
each job also holds one slot shared by the whole fleet, from before its start until
its waiter returns, so that the processes of an account keep within its limit
together instead of each being refused in turn.

Leaving the block early cancels the waits, but a job started on AWS cannot be
cancelled: the jobs still open are logged at WARNING with their ``JobId``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Mapping
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar, overload

import anyio

from ._core import checks
from ._core.client_token import new_client_token
from ._core.waiter import WaiterSpec, backoff_delay, resolve_timing
from .errors import QuotaExceededError

if TYPE_CHECKING:
    from typing_extensions import Self

    # Loaded on first use, not with the client: fan-out's streams are not cold-start cost.
    from .fanout import FanOut, FanOutProgress, Outcome

    # Annotations only, and never the generated client: it imports this module.
    from .rekognition.models import (
        GetCelebrityRecognitionResponse,
        GetContentModerationResponse,
        GetFaceDetectionResponse,
        GetFaceSearchResponse,
        GetLabelDetectionResponse,
        GetMediaAnalysisJobResponse,
        GetPersonTrackingResponse,
        GetSegmentDetectionResponse,
        GetTextDetectionResponse,
        StartCelebrityRecognitionResponse,
        StartContentModerationResponse,
        StartFaceDetectionResponse,
        StartFaceSearchResponse,
        StartLabelDetectionResponse,
        StartMediaAnalysisJobResponse,
        StartPersonTrackingResponse,
        StartSegmentDetectionResponse,
        StartTextDetectionResponse,
    )

__all__ = ["VideoJobs", "VideoJobsMixin"]

_log = logging.getLogger("aws_vision_async")

R = TypeVar("R")

#: Rekognition Video's default quota of open stored-video jobs per account.
DEFAULT_MAX_OPEN: Final = 20
#: The backoff between starts refused at the open-job limit, when none of this block's jobs frees a slot.
_LIMIT_BACKOFF: Final = (1.0, 30.0)


def _job_kind(start: Callable[..., Awaitable[Any]]) -> str:
    """``label_detection`` for ``rek.start_label_detection``: the waiter's name follows from it."""
    name = getattr(start, "__name__", "")
    if not name.startswith("start_"):
        raise TypeError(
            f"start must be a client's start method for a video or media analysis job "
            f"(such as rek.start_label_detection), got {start!r:.80}"
        )
    return name.removeprefix("start_")


class VideoJobs(Generic[R]):
    """A running bulk of video jobs: an async context manager whose value is an async iterator of outcomes.

    Made by ``RekognitionClient.video_jobs``; use it once, as ``async with rek.video_jobs(...) as outcomes``.
    """

    def __init__(
        self,
        client: object,
        start: Callable[..., Awaitable[Any]],
        inputs: Iterable[Mapping[str, Any]] | AsyncIterable[Mapping[str, Any]],
        *,
        max_open: int,
        max_wait: float | None,
        min_delay: float | None,
        max_delay: float | None,
        slots: AbstractAsyncContextManager[object] | None = None,
    ) -> None:
        kind = _job_kind(start)
        waiter = getattr(client, f"wait_until_{kind}_completed", None)
        if waiter is None:
            raise TypeError(f"start must start a job that has a waiter; the client has no wait_until_{kind}_completed")
        checks.positive_int("max_open", max_open)
        if slots is not None and not (hasattr(slots, "__aenter__") and hasattr(slots, "__aexit__")):
            raise TypeError(f"slots must be usable as `async with slots:` (a RedisSemaphore), got {slots!r:.80}")
        self._slots = slots
        self._start = start
        self._waiter: Callable[..., Awaitable[R]] = waiter
        from .rekognition import _waiters  # noqa: PLC0415 - the generated client imports this module

        # Checked now, with the waiter's defaults for what is not given: a delay refused
        # only by the first wait would come after a billed job had started.
        spec: WaiterSpec = getattr(_waiters, f"{kind.upper()}_COMPLETED")
        resolve_timing(spec, max_wait=max_wait, min_delay=min_delay, max_delay=max_delay)
        self._timing = {"max_wait": max_wait, "min_delay": min_delay, "max_delay": max_delay}
        self._open: set[str] = set()  # the JobIds still running, for the log on an early exit
        self._freed = anyio.Event()
        from .fanout import fan_out  # noqa: PLC0415 - not imported with the client (cold start)

        self._fan_out: FanOut[R] = fan_out(self._run, inputs, concurrency=max_open)

    @property
    def progress(self) -> FanOutProgress:
        """Live counters: started, in flight (open jobs and starts), succeeded, failed, done, total."""
        return self._fan_out.progress

    @property
    def open_jobs(self) -> list[str]:
        """The ``JobId`` of every job this block started that has not finished yet."""
        return sorted(self._open)

    async def __aenter__(self) -> Self:
        await self._fan_out.__aenter__()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        try:
            return await self._fan_out.__aexit__(exc_type, exc, tb)
        finally:
            if self._open:
                _log.warning(
                    "left video_jobs with %d job(s) still running on AWS (they cannot be cancelled): %s",
                    len(self._open),
                    ", ".join(sorted(self._open)),
                )

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> Outcome[R]:
        return await self._fan_out.__anext__()

    async def _run(self, **kwargs: Any) -> R:
        if self._slots is None:
            return await self._job(kwargs)
        async with self._slots:  # held from before the start until the job is done (or no longer waited for)
            return await self._job(kwargs)

    async def _job(self, kwargs: dict[str, Any]) -> R:
        # One token for every try of this input: a start retried after a lost reply never opens a second job.
        params = {**kwargs}
        params.setdefault("client_request_token", new_client_token())
        refused = 0
        while True:
            try:
                started = await self._start(**params)
                break
            except QuotaExceededError:  # LimitExceededException: too many open jobs in the account
                refused += 1
                low, high = _LIMIT_BACKOFF
                delay = backoff_delay(refused, min_delay=low, max_delay=high, remaining=math.inf)
                with anyio.move_on_after(delay):
                    await self._freed.wait()  # or sooner, when one of ours finishes
        job_id: str = started.job_id
        self._open.add(job_id)
        try:
            result = await self._waiter(job_id=job_id, **self._timing)
        except anyio.get_cancelled_exc_class():
            raise  # the block was left: the job runs on, and is logged on the way out
        except Exception:
            self._finished(job_id)  # failed, or no longer waited for (a time-out is its outcome)
            raise
        self._finished(job_id)
        return result

    def _finished(self, job_id: str) -> None:
        # A slot may be free for a start refused at the limit: wake it now rather than after its backoff.
        self._open.discard(job_id)
        freed, self._freed = self._freed, anyio.Event()
        freed.set()


class VideoJobsMixin:
    """Hand-written method of ``RekognitionClient`` for bulk video and media analysis jobs."""

    @overload
    def video_jobs(
        self,
        start: Callable[..., Awaitable[StartLabelDetectionResponse]],
        inputs: Iterable[Mapping[str, Any]] | AsyncIterable[Mapping[str, Any]],
        *,
        max_open: int = ...,
        max_wait: float | None = ...,
        min_delay: float | None = ...,
        max_delay: float | None = ...,
        slots: AbstractAsyncContextManager[object] | None = ...,
    ) -> VideoJobs[GetLabelDetectionResponse]: ...

    @overload
    def video_jobs(
        self,
        start: Callable[..., Awaitable[StartFaceDetectionResponse]],
        inputs: Iterable[Mapping[str, Any]] | AsyncIterable[Mapping[str, Any]],
        *,
        max_open: int = ...,
        max_wait: float | None = ...,
        min_delay: float | None = ...,
        max_delay: float | None = ...,
        slots: AbstractAsyncContextManager[object] | None = ...,
    ) -> VideoJobs[GetFaceDetectionResponse]: ...

    @overload
    def video_jobs(
        self,
        start: Callable[..., Awaitable[StartFaceSearchResponse]],
        inputs: Iterable[Mapping[str, Any]] | AsyncIterable[Mapping[str, Any]],
        *,
        max_open: int = ...,
        max_wait: float | None = ...,
        min_delay: float | None = ...,
        max_delay: float | None = ...,
        slots: AbstractAsyncContextManager[object] | None = ...,
    ) -> VideoJobs[GetFaceSearchResponse]: ...

    @overload
    def video_jobs(
        self,
        start: Callable[..., Awaitable[StartPersonTrackingResponse]],
        inputs: Iterable[Mapping[str, Any]] | AsyncIterable[Mapping[str, Any]],
        *,
        max_open: int = ...,
        max_wait: float | None = ...,
        min_delay: float | None = ...,
        max_delay: float | None = ...,
        slots: AbstractAsyncContextManager[object] | None = ...,
    ) -> VideoJobs[GetPersonTrackingResponse]: ...

    @overload
    def video_jobs(
        self,
        start: Callable[..., Awaitable[StartCelebrityRecognitionResponse]],
        inputs: Iterable[Mapping[str, Any]] | AsyncIterable[Mapping[str, Any]],
        *,
        max_open: int = ...,
        max_wait: float | None = ...,
        min_delay: float | None = ...,
        max_delay: float | None = ...,
        slots: AbstractAsyncContextManager[object] | None = ...,
    ) -> VideoJobs[GetCelebrityRecognitionResponse]: ...

    @overload
    def video_jobs(
        self,
        start: Callable[..., Awaitable[StartContentModerationResponse]],
        inputs: Iterable[Mapping[str, Any]] | AsyncIterable[Mapping[str, Any]],
        *,
        max_open: int = ...,
        max_wait: float | None = ...,
        min_delay: float | None = ...,
        max_delay: float | None = ...,
        slots: AbstractAsyncContextManager[object] | None = ...,
    ) -> VideoJobs[GetContentModerationResponse]: ...

    @overload
    def video_jobs(
        self,
        start: Callable[..., Awaitable[StartSegmentDetectionResponse]],
        inputs: Iterable[Mapping[str, Any]] | AsyncIterable[Mapping[str, Any]],
        *,
        max_open: int = ...,
        max_wait: float | None = ...,
        min_delay: float | None = ...,
        max_delay: float | None = ...,
        slots: AbstractAsyncContextManager[object] | None = ...,
    ) -> VideoJobs[GetSegmentDetectionResponse]: ...

    @overload
    def video_jobs(
        self,
        start: Callable[..., Awaitable[StartTextDetectionResponse]],
        inputs: Iterable[Mapping[str, Any]] | AsyncIterable[Mapping[str, Any]],
        *,
        max_open: int = ...,
        max_wait: float | None = ...,
        min_delay: float | None = ...,
        max_delay: float | None = ...,
        slots: AbstractAsyncContextManager[object] | None = ...,
    ) -> VideoJobs[GetTextDetectionResponse]: ...

    @overload
    def video_jobs(
        self,
        start: Callable[..., Awaitable[StartMediaAnalysisJobResponse]],
        inputs: Iterable[Mapping[str, Any]] | AsyncIterable[Mapping[str, Any]],
        *,
        max_open: int = ...,
        max_wait: float | None = ...,
        min_delay: float | None = ...,
        max_delay: float | None = ...,
        slots: AbstractAsyncContextManager[object] | None = ...,
    ) -> VideoJobs[GetMediaAnalysisJobResponse]: ...

    def video_jobs(
        self,
        start: Callable[..., Awaitable[Any]],
        inputs: Iterable[Mapping[str, Any]] | AsyncIterable[Mapping[str, Any]],
        *,
        max_open: int = DEFAULT_MAX_OPEN,
        max_wait: float | None = None,
        min_delay: float | None = None,
        max_delay: float | None = None,
        slots: AbstractAsyncContextManager[object] | None = None,
    ) -> VideoJobs[Any]:
        """Start a job per input, at most ``max_open`` open at once, wait for each, and yield one outcome per input.

        Use it as ``async with rek.video_jobs(rek.start_label_detection, inputs) as
        outcomes: async for outcome in outcomes: ...``. Leaving the block cancels the
        waits and starts still running (jobs already open on AWS are logged).

        Args:
            start: The client's start method (``rek.start_label_detection``, any of the
                eight stored-video analyses, or ``rek.start_media_analysis_job``).
            inputs: Its keyword arguments, one mapping per job: an iterable or an async
                iterable, read lazily. A ``client_request_token`` given is kept.
            max_open: The most jobs open at once (Rekognition Video's default account
                quota is 20, shared with other processes).
            max_wait: Seconds each job's waiter waits; its default if ``None``.
            min_delay: Shortest delay between polls of a job; the waiter's default if ``None``.
            max_delay: Longest delay between polls of a job; the waiter's default if ``None``.
            slots: Slots shared with other processes, such as a
                ``RedisSemaphore(url, key=..., limit=20)``: each job holds one (``async
                with slots:``) from before its start until its waiter returns or fails,
                so that the fleet's open jobs stay within the account's limit.

        Returns:
            The running bulk, to enter with ``async with``; each outcome's result is
            the completed job's ``Get*`` response (its first page).

        Raises:
            TypeError: ``start`` is not a start method with a waiter, or an argument
                has the wrong type; nothing is started.
            ValueError: ``max_open`` is below 1, or a delay is out of range.
        """
        return VideoJobs(
            self,
            start,
            inputs,
            max_open=max_open,
            max_wait=max_wait,
            min_delay=min_delay,
            max_delay=max_delay,
            slots=slots,
        )
