"""Fan-out: one async call per input, bounded concurrency, one outcome per input, nothing lost.

:func:`fan_out` runs ``call(**kwargs)`` (any async client method, such as
``rek.detect_custom_labels``) for every keyword-argument mapping of an iterable or an
async iterable, at most ``concurrency`` calls at a time, and yields one :class:`Outcome`
per input: the input, then the typed result or the error it raised. One failed item
never stops the others::

    from aws_vision_async.fanout import fan_out
    from aws_vision_async.rekognition.models import Image

    inputs = ({"project_version_arn": arn, "image": Image(bytes=data)} for data in images())
    async with fan_out(rek.detect_custom_labels, inputs, concurrency=16) as outcomes:
        async for outcome in outcomes:
            if outcome.error is None:
                print(outcome.index, outcome.unwrap().custom_labels)
            else:
                print(outcome.index, "failed:", outcome.error)
            print(outcomes.progress)

The ``async with`` block owns the tasks: leaving it (after the last outcome, on ``break``,
on an exception in the loop body, or on cancellation) cancels and awaits every call still
running, so no task outlives the block and nothing depends on the garbage collector.

Inputs are consumed lazily: an input is read only when a worker is free to take it,
so at most ``concurrency`` inputs are read ahead of the outcomes delivered, and a
generator of a million inputs runs in flat memory. The fan-out never closes the inputs:
to close an async generator when the block is left early, wrap it in
``contextlib.aclosing`` around the ``async with``. With ``ordered=True`` outcomes come
in input order; a worker holds its finished outcome until its turn, so at most
``concurrency`` outcomes wait at once (slow items hold back the ones behind them). With
``ordered=False`` (the default) they come as they complete.

Only :class:`Exception` is caught per item: cancellation and other ``BaseException``
subclasses propagate. An exception raised by the inputs themselves is raised from the
``async for`` after the outcomes of the inputs read before it.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import anyio
from anyio.abc import TaskGroup
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from ._core import checks, telemetry

if TYPE_CHECKING:
    from opentelemetry.trace import Span

__all__ = ["FanOut", "FanOutProgress", "Outcome", "fan_out"]

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Outcome(Generic[R]):
    """What became of one input: its position, its keyword arguments, and a result or an error.

    Exactly one of ``result`` and ``error`` is meaningful: ``error is None`` means the call
    succeeded (``result`` may itself be ``None`` if the call returns ``None``).

    Attributes:
        index: The input's position, counting from 0.
        kwargs: The keyword arguments the call received (the input, as given).
        result: The call's return value, or ``None`` if it raised.
        error: The exception the call raised, or ``None`` if it succeeded.
    """

    index: int
    kwargs: Mapping[str, Any]
    result: R | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.error is None

    def unwrap(self) -> R:
        """Return the result, or raise the call's error.

        Returns:
            The call's return value.

        Raises:
            Exception: The error the call raised, unchanged.
        """
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]  # R itself may include None


@dataclass(slots=True)
class _Counters:
    """The mutable counters behind a :class:`FanOutProgress` (the fan-out alone writes them)."""

    total: int | None
    started: int = 0
    in_flight: int = 0
    succeeded: int = 0
    failed: int = 0


class FanOutProgress:
    """Live, read-only counters of a fan-out, for a progress bar or a status endpoint.

    Read it as often as you like; the fan-out updates it in place.
    """

    __slots__ = ("_counters",)

    def __init__(self, counters: _Counters) -> None:
        self._counters = counters

    @property
    def total(self) -> int | None:
        """The number of inputs, if known (a sized input or the ``total`` argument)."""
        return self._counters.total

    @property
    def started(self) -> int:
        """Calls started so far."""
        return self._counters.started

    @property
    def in_flight(self) -> int:
        """Calls running now (never more than ``concurrency``)."""
        return self._counters.in_flight

    @property
    def succeeded(self) -> int:
        """Calls that returned."""
        return self._counters.succeeded

    @property
    def failed(self) -> int:
        """Calls that raised an exception."""
        return self._counters.failed

    @property
    def done(self) -> int:
        """Calls finished either way (``succeeded + failed``)."""
        return self._counters.succeeded + self._counters.failed

    def __repr__(self) -> str:
        total = "?" if self.total is None else str(self.total)
        return (
            f"FanOutProgress(done={self.done}/{total}, succeeded={self.succeeded}, "
            f"failed={self.failed}, in_flight={self.in_flight})"
        )


class FanOut(Generic[R]):
    """A running fan-out: an async context manager whose value is an async iterator of outcomes.

    Made by :func:`fan_out`; use it exactly once, as ``async with fan_out(...) as outcomes``.
    """

    def __init__(
        self,
        call: Callable[..., Awaitable[R]],
        inputs: Iterable[Mapping[str, Any]] | AsyncIterable[Mapping[str, Any]],
        *,
        concurrency: int,
        ordered: bool,
        total: int | None,
    ) -> None:
        _check_arguments(call, inputs)
        checks.positive_int("concurrency", concurrency)
        checks.boolean("ordered", ordered)
        if total is not None:
            checks.integer("total", total, minimum=0)
        if total is None and isinstance(inputs, Sized):
            total = len(inputs)
        self._call = call
        self._inputs = inputs
        self._concurrency = concurrency
        self._ordered = ordered
        self._counters = _Counters(total)
        self._progress = FanOutProgress(self._counters)
        self._task_group: TaskGroup | None = None
        self._span: Span | None = None
        self._entered = False
        self._outcomes: MemoryObjectReceiveStream[Outcome[R]] | None = None
        # The workers take inputs themselves, one at a time: nothing is read ahead of a free worker.
        self._sync_inputs: Iterator[Mapping[str, Any]] | None = None
        self._async_inputs: AsyncIterator[Mapping[str, Any]] | None = None
        self._input_lock = anyio.Lock()
        self._inputs_done = False
        self._pulled = 0
        self._input_error: Exception | None = None
        # Ordered delivery: the next index to hand out, and the workers waiting for their turn.
        self._next_index = 0
        self._turns: dict[int, anyio.Event] = {}

    @property
    def progress(self) -> FanOutProgress:
        """Live counters: started, in flight, succeeded, failed, done, total."""
        return self._progress

    async def __aenter__(self) -> FanOut[R]:
        if self._entered:
            raise RuntimeError("a FanOut can be entered only once")
        self._entered = True
        if isinstance(self._inputs, AsyncIterable):
            self._async_inputs = aiter(self._inputs)
        else:
            self._sync_inputs = iter(self._inputs)
        # No buffer: a worker hands over its outcome only when the consumer asks for one,
        # so finished outcomes wait in at most `concurrency` workers: memory stays flat.
        send_outcomes, self._outcomes = anyio.create_memory_object_stream[Outcome[R]](0)
        task_group = anyio.create_task_group()
        await task_group.__aenter__()
        self._task_group = task_group
        tracer = telemetry.tracer()
        if tracer is None:
            self._start_workers(task_group, send_outcomes)
            return self
        from opentelemetry.trace import use_span  # noqa: PLC0415 - the optional extra, found by tracer()

        attributes: dict[str, Any] = {
            "aws_vision_async.fan_out.call": getattr(self._call, "__qualname__", type(self._call).__qualname__),
            "aws_vision_async.fan_out.concurrency": self._concurrency,
        }
        if self._counters.total is not None:
            attributes["aws_vision_async.fan_out.total"] = self._counters.total
        span = self._span = tracer.start_span("aws_vision_async.fan_out", attributes=attributes)
        # The workers start in the span's context: every call they make is its child.
        with use_span(span, end_on_exit=False):
            self._start_workers(task_group, send_outcomes)
        return self

    def _start_workers(self, task_group: TaskGroup, send_outcomes: MemoryObjectSendStream[Outcome[R]]) -> None:
        with send_outcomes:
            for _ in range(self._concurrency):
                task_group.start_soon(self._work, send_outcomes.clone())

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        task_group = self._task_group
        if task_group is None:
            return False
        self._task_group = None
        task_group.cancel_scope.cancel()
        # Hand only a cancellation to the task group (it may be the group's own); a
        # consumer's error propagates unchanged instead of inside an exception group.
        cancelled = isinstance(exc, anyio.get_cancelled_exc_class())
        try:
            if cancelled:
                await task_group.__aexit__(exc_type, exc, tb)
            else:
                await task_group.__aexit__(None, None, None)
        finally:
            if self._outcomes is not None:
                self._outcomes.close()
            span, self._span = self._span, None
            if span is not None:
                counters = self._counters
                span.set_attribute("aws_vision_async.fan_out.started", counters.started)
                span.set_attribute("aws_vision_async.fan_out.succeeded", counters.succeeded)
                span.set_attribute("aws_vision_async.fan_out.failed", counters.failed)
                telemetry.end_span(span, exc)
        return False

    def __aiter__(self) -> FanOut[R]:
        return self

    async def __anext__(self) -> Outcome[R]:
        if self._outcomes is None or self._task_group is None:
            raise RuntimeError("iterate a fan-out inside `async with fan_out(...) as outcomes`")
        try:
            return await self._outcomes.receive()
        except anyio.EndOfStream:
            if self._input_error is not None:
                error, self._input_error = self._input_error, None
                raise error from None
            raise StopAsyncIteration from None

    async def _next_input(self) -> tuple[int, Mapping[str, Any]] | None:
        """The next input and its index, or ``None`` once the inputs are exhausted or failed."""
        if self._async_inputs is None:
            return await self._pull()
        # Two tasks must never advance one async iterator at once.
        async with self._input_lock:
            return await self._pull()

    async def _pull(self) -> tuple[int, Mapping[str, Any]] | None:
        if self._inputs_done:
            return None
        try:
            if self._sync_inputs is not None:
                kwargs = next(self._sync_inputs)
            elif self._async_inputs is not None:
                kwargs = await anext(self._async_inputs)
            else:
                return None
        except (StopIteration, StopAsyncIteration):
            self._inputs_done = True
            return None
        except Exception as error:  # raised to the consumer after the outcomes so far
            self._input_error = error
            self._inputs_done = True
            return None
        index = self._pulled
        self._pulled += 1
        return index, kwargs

    async def _work(
        self,
        send_outcomes: MemoryObjectSendStream[Outcome[R]],
    ) -> None:
        counters = self._counters
        with send_outcomes:
            while (job := await self._next_input()) is not None:
                index, kwargs = job
                counters.started += 1
                counters.in_flight += 1
                try:
                    outcome: Outcome[R] = Outcome(index, kwargs, result=await self._call(**kwargs))
                except Exception as error:  # one item's failure is its outcome
                    outcome = Outcome(index, kwargs, error=error)
                    counters.failed += 1
                else:
                    counters.succeeded += 1
                finally:
                    counters.in_flight -= 1
                if self._ordered:
                    await self._wait_for_turn(index)
                await send_outcomes.send(outcome)
                if self._ordered:
                    self._next_index = index + 1
                    turn = self._turns.pop(index + 1, None)
                    if turn is not None:
                        turn.set()

    async def _wait_for_turn(self, index: int) -> None:
        if index != self._next_index:
            turn = self._turns[index] = anyio.Event()
            await turn.wait()


def _check_arguments(call: object, inputs: object) -> None:
    if not callable(call):
        raise TypeError(f"call must be an async callable (a client method), got {call!r:.80} ({type(call).__name__})")
    rule = "inputs must be an iterable or async iterable of keyword-argument mappings"
    shown = f"{inputs!r:.80} ({type(inputs).__name__})"
    # A str or one mapping is iterable too, but as letters or keys: never what was meant.
    if isinstance(inputs, (str, bytes, bytearray, memoryview)):
        raise TypeError(f"{rule}, not a single string: got {shown}")
    if isinstance(inputs, Mapping):
        raise TypeError(f"{rule}, not a single mapping: got {shown}; write [{{...}}] for one call")
    if not isinstance(inputs, (Iterable, AsyncIterable)):
        raise TypeError(f"{rule}, got {shown}")


def fan_out(
    call: Callable[..., Awaitable[R]],
    inputs: Iterable[Mapping[str, Any]] | AsyncIterable[Mapping[str, Any]],
    *,
    concurrency: int = 8,
    ordered: bool = False,
    total: int | None = None,
) -> FanOut[R]:
    """Run ``call(**kwargs)`` for every input, at most ``concurrency`` at a time, yielding every outcome.

    Use it as ``async with fan_out(call, inputs) as outcomes: async for outcome in outcomes:``.
    Leaving the block for any reason cancels and awaits the calls still running.

    Args:
        call: Any async callable taking keyword arguments, such as a client method
            (``rek.detect_custom_labels``); its return type becomes the outcomes' result type.
        inputs: Keyword-argument mappings, one per call: an iterable or an async iterable,
            read lazily (never materialized).
        concurrency: The most calls running at once (at least 1).
        ordered: Yield outcomes in input order (holding at most ``concurrency`` finished
            outcomes) rather than as they complete.
        total: The number of inputs, for :attr:`FanOutProgress.total` when ``inputs`` has no
            ``len()``.

    Returns:
        The fan-out, to enter with ``async with``; its :attr:`FanOut.progress` counts calls.

    Raises:
        TypeError: ``call`` is not callable; ``inputs`` is not an iterable (or is a
            single ``str`` or mapping); ``concurrency`` or ``total`` is not an ``int``
            (a ``bool`` is not); ``ordered`` is not a ``bool``.
        ValueError: ``concurrency`` is less than 1, or ``total`` is negative.
    """
    return FanOut(call, inputs, concurrency=concurrency, ordered=ordered, total=total)
