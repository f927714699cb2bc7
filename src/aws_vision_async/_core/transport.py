"""The transport seam: one request in, the service's reply or a failure out.

The call pipeline (``_core/pipeline.py``) makes each attempt through
:func:`exchange`, which sends a :class:`Request` through a :class:`Transport`
and turns what comes back into the operation's response model or the SDK's
typed error. Three transports implement the protocol:

* ``_core/botocore_path.py``: botocore's own request path (signing, endpoint,
  HTTP, parsing), with the SDK's hooks;
* ``_core/direct.py``: the SDK's direct path, which signs and sends JSON
  operations itself and leaves the others to botocore's path;
* ``_core/memory_transport.py``: replies from memory, for unit tests of the
  pipeline without sockets.

A transport reports an error reply as botocore does, with a ``ClientError``
carrying the parsed error, and a failed exchange with one of botocore's
network exceptions (``EndpointConnectionError``, ``ReadTimeoutError``, ...):
``_core/errormap.py`` is the one place that translates them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from botocore.exceptions import ClientError
from pydantic import BaseModel, ValidationError

from ..errors import AwsVisionError, InvalidResponseError
from .attempt import CURRENT_ATTEMPT, Attempt
from .clock import OFFSET, ClientClock, new_offset
from .errormap import detach_request, map_error
from .model import (
    ResponseMetadata,
    attach_metadata,
    invalid_reason,
    validate_response_json,
    validate_response_obj,
)
from .operation import OperationSpec, ServiceSpec

__all__ = ["Reply", "Request", "Transport", "exchange", "lower_headers"]

RespT = TypeVar("RespT", bound=BaseModel)

_log = logging.getLogger("aws_vision_async")


@dataclass(frozen=True, slots=True)
class Request:
    """One request of one attempt.

    Attributes:
        operation: The operation called.
        params: The request, by wire names (``model_dump(by_alias=True, exclude_unset=True)``).
        attempt: Which attempt of which logical call this is.
    """

    operation: OperationSpec[Any, Any]
    params: dict[str, Any]
    attempt: Attempt


@dataclass(frozen=True, slots=True)
class Reply:
    """A successful reply (status below 300, or a 3xx that botocore's parsers let through).

    Attributes:
        status: The HTTP status, when known.
        headers: The reply's headers (names in lower case, or a case-insensitive mapping).
        body: The raw JSON body, validated straight into the response model; or ``None``.
        parsed: botocore's parsed reply, validated when ``body`` is ``None``.
    """

    status: int | None
    headers: Mapping[str, str]
    body: bytes | None = None
    parsed: dict[str, Any] | None = None


class Transport(Protocol):
    """Sends one request; see the module docstring.

    Attributes:
        clock: The clock correction requests are signed with.
    """

    clock: ClientClock

    async def send(self, request: Request) -> Reply:
        """Send ``request`` and return the service's successful reply.

        Raises:
            botocore.exceptions.ClientError: The service replied with an error.
            botocore.exceptions.HTTPClientError: No reply arrived (or one of
                botocore's other network exceptions).
        """
        ...

    def corrects_clock(self, operation_name: str) -> bool:
        """Whether this transport signs ``operation_name`` with :attr:`clock`'s offset (set up on first ask)."""
        ...


async def exchange(
    transport: Transport,
    service: ServiceSpec,
    op: OperationSpec[Any, RespT],
    params: dict[str, Any],
    *,
    attempt: Attempt,
    scrub: Callable[[str], str],
    _resent: bool = False,
) -> RespT:
    """Make one attempt: send through ``transport``, validate the reply into the operation's response model.

    A reply that says the clock is skewed (see ``_core/clock.py``) makes the
    transport correct its clock and resend at once, once: that extra request
    is part of this attempt.

    Args:
        transport: Where the request goes.
        service: The service called.
        op: The operation called.
        params: The request, by wire names.
        attempt: Which attempt of which logical call this is.
        scrub: Masks credentials in a service's error message.

    Raises:
        ServiceError: The service replied with an error.
        NetworkError: No reply arrived.
        InvalidResponseError: The reply is no valid response (unparsable, or a redirect).
    """
    clock = transport.clock
    # Errors are raised after the except block, never inside it: there they
    # would carry botocore's exception as __context__, and its message or its
    # request may quote the signed request (the session token included).
    error: AwsVisionError | None = None
    cause: BaseException | None = None
    skew: float | None = None
    reply: Reply | None = None
    marker = CURRENT_ATTEMPT.set(attempt)
    offset_marker = OFFSET.set(clock.offset)
    try:
        reply = await transport.send(Request(op, params, attempt))
    except Exception as exc:
        error = map_error(service, op, exc, scrub)
        if error is None:
            raise
        if isinstance(exc, ClientError):
            skew = _skew(exc)
        else:
            # A network failure keeps its cause, less the signed request botocore holds.
            cause = detach_request(exc)
    finally:
        OFFSET.reset(offset_marker)
        CURRENT_ATTEMPT.reset(marker)
    if error is not None or reply is None:
        if skew is not None and not _resent and transport.corrects_clock(op.name):
            _log.warning(
                "%s: the local clock is %+.0f s from the service's; signing with the service's time from now on",
                op.name,
                -skew,
            )
            clock.offset = skew
            return await exchange(transport, service, op, params, attempt=attempt, scrub=scrub, _resent=True)
        raise error or InvalidResponseError("no response", operation_name=op.name) from cause
    response = _validate(
        op, parsed=reply.parsed or {}, raw=reply.body, status=reply.status or 0, headers=reply.headers, scrub=scrub
    )
    _attach(response, reply.status, reply.headers, attempt)
    return response


def _skew(exc: ClientError) -> float | None:
    """The offset to sign with when ``exc`` says the clock is skewed (``_core/clock.py``)."""
    response: dict[str, Any] = exc.response  # pyright: ignore[reportAssignmentType]
    meta: dict[str, Any] = response.get("ResponseMetadata") or {}
    error: dict[str, Any] = response.get("Error") or {}
    code = str(error.get("Code") or "")
    return new_offset(code, lower_headers(meta.get("HTTPHeaders") or {}), OFFSET.get())


def _validate(
    op: OperationSpec[Any, RespT],
    *,
    parsed: dict[str, Any],
    raw: bytes | None,
    status: int,
    headers: Mapping[str, str],
    scrub: Callable[[str], str],
) -> RespT:
    reason: str | None = None
    response: RespT | None = None
    if 300 <= status < 400:
        # botocore's JSON parsers take any status below 301 for a success.
        reason = "a redirect, not followed: check endpoint_url and any proxy"
    else:
        try:
            if raw is not None:
                response = validate_response_json(op.response, raw)
            else:
                response = validate_response_obj(op.response, parsed)
        except ValidationError as exc:
            reason = scrub(invalid_reason(exc, raw, headers.get("content-type")))
    if reason is not None or response is None:
        # Raised out of the except block, not chained: pydantic's error quotes the reply's values.
        raise InvalidResponseError(
            reason or "no response",
            operation_name=op.name,
            status_code=status,
            request_id=headers.get("x-amzn-requestid"),
        )
    return response


def lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """``headers`` with their names in lower case."""
    return {str(k).lower(): str(v) for k, v in headers.items()}


def _attach(response: BaseModel, status: int | None, headers: Mapping[str, str], attempt: Attempt) -> None:
    lowered = {k.lower(): v for k, v in headers.items()}
    attach_metadata(
        response,
        ResponseMetadata(
            request_id=lowered.get("x-amzn-requestid"),
            http_status=status,
            headers=lowered,
            attempts=attempt.number,
        ),
    )
