"""One logical call: its attempts, the retry decisions between them, and the waits.

tenacity runs the loop; this module is the one adapter to it. Every attempt of
a call carries the same invocation id and its own number (the attempt headers),
and the same request parameters, so an idempotency token filled in before the
loop is sent on every retry. Each attempt goes through a
:class:`~aws_vision_async._core.transport.Transport` (botocore's path, the
direct path, or replies from memory in unit tests).
"""

from __future__ import annotations

import functools
import inspect
import itertools
import logging
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import anyio

from ..errors import AwsVisionError, NetworkError, ReadTimeoutError, ServiceError, ThrottlingError
from ..ratelimit import RateLimiter
from ..retry import RetryPolicy
from .attempt import Attempt
from .budget import NO_RETRY_INCREMENT, RETRY_COST, TIMEOUT_RETRY_COST, RetryBudget
from .operation import OperationSpec, ServiceSpec
from .transport import Transport, exchange

if TYPE_CHECKING:
    from pydantic import BaseModel
    from tenacity import RetryCallState

    from .telemetry import CallObserver

__all__ = ["is_retryable", "run"]

_log = logging.getLogger("aws_vision_async")

T = TypeVar("T")
RespT = TypeVar("RespT", bound="BaseModel")


@functools.cache
def _hidden_files(with_tenacity: bool) -> tuple[str, ...]:
    # Frames of tenacity and of the future it keeps the outcome in: about eight
    # between the SDK's call and the failed attempt, of no use to a reader.
    future = inspect.getfile(Future)
    if not with_tenacity:
        return (future,)
    import tenacity  # noqa: PLC0415 - imported by now: tenacity ran the call

    return (str(Path(tenacity.__file__).parent), future)


def is_retryable(service: ServiceSpec, op: OperationSpec[Any, Any], exc: BaseException) -> bool:
    """Whether ``exc`` is worth another attempt of ``op``.

    Retried: the retryable errors the operation documents, a 5xx reply without
    a documented code (the service's ``server_error``), and network failures.
    A throttling reply means the service did no work; after any other failure
    it may have acted, so only operations safe to repeat are retried then
    (reads, idempotent writes, writes that carry an idempotency token).
    """
    if isinstance(exc, ServiceError):
        if exc.code not in op.retryable and not isinstance(exc, service.server_error):
            return False
        return op.safe_to_retry or isinstance(exc, ThrottlingError)
    if isinstance(exc, NetworkError):
        if not exc.retryable:  # a refusal, such as a proxy's: another attempt gets the same
            return False
        return op.safe_to_retry or not exc.may_have_reached_server
    return False


async def run(
    service: ServiceSpec,
    op: OperationSpec[Any, RespT],
    params: dict[str, Any],
    *,
    transport: Transport,
    scrub: Callable[[str], str],
    policy: RetryPolicy,
    budget: RetryBudget | None,
    limiter: RateLimiter | None = None,
    max_wait: float | None = None,
    observer: CallObserver | None = None,
) -> RespT:
    """Make one logical call: attempts through ``transport`` until one succeeds or no retry is due.

    Args:
        service: The service called.
        op: The operation called.
        params: The request, by wire names; the same for every attempt.
        transport: Sends each attempt.
        scrub: Masks credentials in a service's error message.
        policy: How many attempts, and the waits between them.
        budget: The client's retry budget, or ``None`` when the policy does not use one.
        limiter: Gives a token to every attempt and learns from its reply.
        max_wait: The most seconds an attempt waits for its token.
        observer: The call's span, told of attempts, retries and token waits (tracing only).

    Returns:
        The response of the successful attempt.

    Raises:
        RateLimitTimeoutError: An attempt's token would take longer than ``max_wait``.
    """
    invocation_id = str(uuid.uuid4())
    attempts = 0
    last_cost = 0

    def send(which: Attempt) -> Awaitable[RespT]:
        return exchange(transport, service, op, params, attempt=which, scrub=scrub)

    async def attempt() -> RespT:
        nonlocal attempts
        attempts += 1
        which = Attempt(invocation_id, attempts, policy.max_attempts)
        if observer is not None:
            observer.attempts = attempts
        if limiter is None:
            return await exchange(transport, service, op, params, attempt=which, scrub=scrub)
        return await _send_limited(send, which, limiter, max_wait, observer)

    def retry_due(number: int, exc: BaseException | None) -> bool:
        """Whether attempt ``number``, which failed with ``exc``, is followed by another."""
        nonlocal last_cost
        if exc is None or number >= policy.max_attempts:
            return False
        if not is_retryable(service, op, exc):
            return False
        cost = TIMEOUT_RETRY_COST if isinstance(exc, ReadTimeoutError) else RETRY_COST
        if budget is not None and not budget.acquire(cost):
            _log.debug("%s: retry budget exhausted, not retrying %s", op.name, type(exc).__name__)
            return False
        last_cost = cost
        return True

    def delay_after(number: int, exc: BaseException | None) -> float:
        retry_after = exc.retry_after if isinstance(exc, ServiceError) else None
        delay = policy.backoff(number, retry_after)
        _log.debug(
            "%s: attempt %d of %d failed with %s; retrying in %.3fs",
            op.name,
            number,
            policy.max_attempts,
            type(exc).__name__,
            delay,
        )
        if observer is not None and exc is not None:
            observer.retrying(number, exc, delay)
        return delay

    # The first attempt runs outside tenacity: most calls succeed at once, and
    # setting tenacity up costs more than the SDK's own work for a request.
    try:
        result: RespT = await attempt()
    except Exception as exc:
        if not retry_due(1, exc):
            if isinstance(exc, AwsVisionError):
                exc.__traceback__ = _without_hidden_frames(exc.__traceback__)
            raise
        first_delay = delay_after(1, exc)
    else:
        if budget is not None:
            budget.release(NO_RETRY_INCREMENT)
        return result
    await anyio.sleep(first_delay)
    # Imported on the first retry: a process whose calls succeed never needs it.
    from tenacity import AsyncRetrying, stop_never  # noqa: PLC0415

    # tenacity counts from 1 again: its attempt n is the call's attempt n + 1.
    def should_retry(state: RetryCallState) -> bool:
        return retry_due(state.attempt_number + 1, _exception(state))

    def wait(state: RetryCallState) -> float:
        return delay_after(state.attempt_number + 1, _exception(state))

    retrying = AsyncRetrying(
        retry=should_retry,
        wait=wait,
        stop=stop_never,  # retry_due counts the attempts
        reraise=True,
        sleep=anyio.sleep,  # asyncio and trio alike
    )
    try:
        result = await retrying(attempt)
    except AwsVisionError as exc:
        exc.__traceback__ = _without_hidden_frames(exc.__traceback__)
        raise
    if budget is not None:
        budget.release(last_cost or NO_RETRY_INCREMENT)
    return result


async def _send_limited(
    send: Callable[[Attempt], Awaitable[T]],
    which: Attempt,
    limiter: RateLimiter,
    max_wait: float | None,
    observer: CallObserver | None,
) -> T:
    # A token per attempt: a retry is one more request against the quota.
    asked_at = time.monotonic()
    await limiter.acquire(max_wait=max_wait)
    sent_at = time.monotonic()
    if observer is not None:
        observer.limiter_wait += sent_at - asked_at
    try:
        result = await send(which)
    except ThrottlingError:
        await limiter.report_reply(throttled=True, sent_at=sent_at)
        raise
    except ServiceError:
        # Any other reply says the rate was accepted, as botocore's adaptive mode counts it.
        await limiter.report_reply(throttled=False, sent_at=sent_at)
        raise
    await limiter.report_reply(throttled=False, sent_at=sent_at)
    return result


def _exception(state: RetryCallState) -> BaseException | None:
    outcome = state.outcome
    return outcome.exception() if outcome is not None else None


def _without_hidden_frames(tb: TracebackType | None) -> TracebackType | None:
    kept: list[TracebackType] = []
    hidden = _hidden_files("tenacity" in sys.modules)
    while tb is not None:
        if not tb.tb_frame.f_code.co_filename.startswith(hidden):
            kept.append(tb)
        tb = tb.tb_next
    for outer, inner in itertools.pairwise(kept):
        outer.tb_next = inner
    if kept:
        kept[-1].tb_next = None
        return kept[0]
    return None
