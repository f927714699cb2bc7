"""The waiter loop: poll an operation until an acceptor says success or failure.

Waiters are data in botocore's waiter format (``waiters-2.json``): an operation and
acceptors. The loop follows the Smithy waiter rules, as the AWS SDK for Rust does,
rather than botocore's fixed delay: the delay before poll ``n + 1`` is drawn between
``min_delay`` and ``min(max_delay, min_delay * 2 ** (n - 1))``, and never runs past
``max_wait``. Sleeps use anyio (asyncio and trio); each poll goes through the call
pipeline, so retries, typed errors and attempt headers apply to it as to any call.
"""

from __future__ import annotations

import math
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import anyio
import jmespath
from pydantic import BaseModel

from ..errors import ServiceError, WaiterFailedError, WaiterTimeoutError
from . import checks

__all__ = ["Acceptor", "WaiterSpec", "backoff_delay", "resolve_timing", "wait"]

RespT = TypeVar("RespT", bound=BaseModel)

State = Literal["success", "failure", "retry"]


@dataclass(frozen=True, slots=True)
class Acceptor:
    """One acceptor of a waiter, as botocore's waiter format writes it.

    Attributes:
        state: What a match means.
        matcher: ``path``, ``pathAll``, ``pathAny``, ``status`` or ``error``.
        expected: The value to compare with (for ``error``: an error code, or
            ``True``/``False`` for any error / no error).
        argument: A JMESPath expression over the response, by wire names.
    """

    state: State
    matcher: Literal["path", "pathAll", "pathAny", "status", "error"]
    expected: Any
    argument: str | None = None


@dataclass(frozen=True, slots=True)
class WaiterSpec:
    """One waiter.

    Attributes:
        name: The waiter's name (``"ProjectVersionRunning"``).
        acceptors: Checked in order; the first that matches decides.
        max_wait: The default total time limit, in seconds.
        min_delay: The default shortest delay between polls, in seconds.
        max_delay: The default longest delay between polls, in seconds.
        status_message: A JMESPath expression for the service's explanation of a
            failure state (a ``StatusMessage``), quoted in the error.
        failed_error: Raised on a failure state: the waiter's own subclass, whose
            ``last_response`` is typed as the response it polls.
        timeout_error: Raised when ``max_wait`` passes: the waiter's own subclass.
    """

    name: str
    acceptors: tuple[Acceptor, ...]
    max_wait: float
    min_delay: float
    max_delay: float
    status_message: str | None = None
    failed_error: type[WaiterFailedError[Any]] = WaiterFailedError
    timeout_error: type[WaiterTimeoutError[Any]] = WaiterTimeoutError


def backoff_delay(attempt: int, *, min_delay: float, max_delay: float, remaining: float) -> float:
    """The delay before the poll after ``attempt`` (1-based), by the Smithy waiter rules.

    ``delay = uniform(min_delay, min(max_delay, min_delay * 2 ** (attempt - 1)))``; when
    what would remain of ``max_wait`` after it is ``min_delay`` or less, the delay is
    ``remaining`` instead, so that the last poll falls on the deadline.
    """
    ceiling = max_delay
    if min_delay > 0 and attempt <= math.log2(max_delay / min_delay) + 1:
        ceiling = min_delay * 2 ** (attempt - 1)
    delay = random.uniform(min_delay, ceiling)  # noqa: S311 - jitter, not cryptography
    if remaining - delay <= min_delay:
        delay = remaining
    return max(delay, 0.0)


def _matches(acceptor: Acceptor, data: dict[str, Any] | None, error: ServiceError | None) -> bool:
    if acceptor.matcher in ("error", "status"):
        return _matches_error(acceptor, error)
    if data is None:
        return False
    found = jmespath.search(acceptor.argument or "@", data)
    if acceptor.matcher == "path":
        return bool(found == acceptor.expected)
    values: list[Any] = found if isinstance(found, list) else []  # pyright: ignore[reportUnknownVariableType]
    test = all if acceptor.matcher == "pathAll" else any
    # An empty list matches neither, as in botocore: nothing to be all or any of.
    return bool(values) and test(v == acceptor.expected for v in values)


def _matches_error(acceptor: Acceptor, error: ServiceError | None) -> bool:
    if acceptor.matcher == "status":
        return error is not None and error.status_code == acceptor.expected
    if isinstance(acceptor.expected, bool):
        return (error is not None) is acceptor.expected
    return error is not None and error.code == acceptor.expected


def _status_message(spec: WaiterSpec, data: dict[str, Any] | None) -> str:
    if spec.status_message is None or data is None:
        return ""
    found = jmespath.search(spec.status_message, data)
    values: list[Any] = found if isinstance(found, list) else [found]  # pyright: ignore[reportUnknownVariableType]
    return "; ".join(str(v) for v in values if v)


def resolve_timing(
    spec: WaiterSpec, *, max_wait: float | None, min_delay: float | None, max_delay: float | None
) -> tuple[float, float, float]:
    """A waiter's ``(max_wait, min_delay, max_delay)``: the given ones checked, the spec's for ``None``.

    Callers that start something billed before they wait (``video_jobs``) check the
    timing with this first, so that a bad delay is refused before any job starts.

    Raises:
        TypeError: A value is not a number.
        ValueError: The delays are not finite with ``0 < min_delay <= max_delay``, or
            ``max_wait`` is negative or not finite.
    """
    limit = spec.max_wait if max_wait is None else checks.non_negative_number("max_wait", max_wait)
    low = spec.min_delay if min_delay is None else checks.positive_number("min_delay", min_delay)
    high = spec.max_delay if max_delay is None else checks.positive_number("max_delay", max_delay)
    if low > high:
        # One of the two may be the waiter's default: say which values clash.
        raise ValueError(
            f"min_delay must not exceed max_delay, got min_delay={low:g} and max_delay={high:g} ({spec.name})"
        )
    return limit, low, high


async def wait(
    spec: WaiterSpec,
    poll: Callable[[], Awaitable[RespT]],
    *,
    max_wait: float | None = None,
    min_delay: float | None = None,
    max_delay: float | None = None,
) -> RespT:
    """Poll until an acceptor reaches success (returning that response) or failure.

    Args:
        spec: The waiter.
        poll: Makes one call of the waiter's operation.
        max_wait: Seconds to wait at the most; the spec's default if ``None``.
        min_delay: Shortest delay between polls; the spec's default if ``None``.
        max_delay: Longest delay between polls; the spec's default if ``None``.

    Raises:
        WaiterFailedError: A failure state was reached (``spec.failed_error``).
        WaiterTimeoutError: ``max_wait`` passed first (``spec.timeout_error``).
        ServiceError: A poll failed with an error no acceptor names.
        TypeError: ``max_wait``, ``min_delay`` or ``max_delay`` is not a number.
        ValueError: The delays are not finite with ``0 < min_delay <= max_delay``, or
            ``max_wait`` is negative or not finite; nothing is polled.
    """
    limit, low, high = resolve_timing(spec, max_wait=max_wait, min_delay=min_delay, max_delay=max_delay)
    deadline = anyio.current_time() + limit
    attempt = 0
    while True:
        attempt += 1
        response: RespT | None = None
        error: ServiceError | None = None
        try:
            response = await poll()
        except ServiceError as exc:
            error = exc
        data = response.model_dump(by_alias=True) if response is not None else None
        matched = next((a for a in spec.acceptors if _matches(a, data, error)), None)
        if error is not None and matched is None:
            raise error  # no acceptor names it: not the waiter's to judge
        state: State = "retry" if matched is None else matched.state
        if state == "success" and response is not None:
            return response
        if state != "retry":
            # A failure state; a success acceptor on an error is refused by the generator.
            why = _status_message(spec, data) or (str(error) if error is not None else "")
            raise spec.failed_error(
                f"{spec.name}: a failure state was reached after {attempt} poll(s)" + (f": {why}" if why else ""),
                waiter_name=spec.name,
                attempts=attempt,
                last_response=response,
            ) from error
        remaining = deadline - anyio.current_time()
        if remaining <= 0:
            raise spec.timeout_error(
                f"{spec.name}: no success or failure state within {limit:g} s ({attempt} poll(s))",
                waiter_name=spec.name,
                attempts=attempt,
                last_response=response,
            ) from error
        await anyio.sleep(backoff_delay(attempt, min_delay=low, max_delay=high, remaining=remaining))
