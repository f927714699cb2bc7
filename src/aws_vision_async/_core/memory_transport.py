"""A transport that answers from memory: the call pipeline tested without sockets.

It implements :class:`~aws_vision_async._core.transport.Transport`: it records
every request, and answers each with the next outcome given for its operation
(the last one repeats), or with what a ``respond`` function returns. An
outcome is a :class:`Reply` (an error status is reported as botocore reports
an error reply, a ``ClientError`` parsed as botocore's JSON parsers parse it),
or an exception to raise (botocore's network exceptions, made by
:func:`connect_failed`, :func:`connection_lost`, :func:`read_timeout`)::

    memory = MemoryTransport()
    memory.reply_with("DescribeCollection", error("ThrottlingException", status=400), ok({"FaceCount": 1}))
    client._attach(memory, service_id="Rekognition", region="us-east-1")
    await client.describe_collection(collection_id="c")
    assert [r.attempt.number for r in memory.requests] == [1, 2]

Private: attaching it to a client (``BaseClient._attach``) is for the SDK's
own tests; users test against the embedded emulator.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final, TypeAlias

from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError, ReadTimeoutError

from .clock import ClientClock
from .transport import Reply, Request

__all__ = [
    "MemoryTransport",
    "Outcome",
    "connect_failed",
    "connection_lost",
    "error",
    "ok",
    "read_timeout",
]

#: What answers one request: a reply, or an exception to raise.
Outcome: TypeAlias = "Reply | BaseException"

_ENDPOINT: Final = "memory://aws-vision-async"


def ok(body: Mapping[str, Any] | None = None, *, status: int = 200, headers: Mapping[str, str] | None = None) -> Reply:
    """A successful JSON reply.

    Args:
        body: The reply's JSON object (by wire names); ``{}`` when ``None``.
        status: The HTTP status.
        headers: More headers (a request id is added unless given).
    """
    return Reply(status, _headers(headers), json.dumps(dict(body or {})).encode())


def error(
    code: str | None,
    message: str = "",
    *,
    status: int = 400,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """An error reply as AWS JSON services send one (``{"__type": code, "message": ...}``).

    Args:
        code: The error code; ``None`` for a reply without one (a proxy's 502 page).
        message: The error message.
        status: The HTTP status.
        headers: More headers, such as ``{"retry-after": "2"}``.
    """
    body = {"__type": code, "message": message} if code is not None else None
    return Reply(status, _headers(headers), json.dumps(body).encode() if body else b"<html>Bad Gateway</html>")


def connect_failed() -> EndpointConnectionError:
    """What botocore raises when no connection could be made (the request was never sent)."""
    return EndpointConnectionError(endpoint_url=_ENDPOINT)


def connection_lost() -> ConnectionClosedError:
    """What botocore raises when the connection closed before a reply (the request may have arrived)."""
    return ConnectionClosedError(endpoint_url=_ENDPOINT)


def read_timeout() -> ReadTimeoutError:
    """What botocore raises when no reply came in time."""
    return ReadTimeoutError(endpoint_url=_ENDPOINT)


def _headers(extra: Mapping[str, str] | None) -> dict[str, str]:
    headers = {"content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "memory-request-id"}
    headers.update({k.lower(): v for k, v in (extra or {}).items()})
    return headers


class MemoryTransport:
    """Answers requests from memory; see the module docstring.

    Attributes:
        requests: Every request sent, in order.
        clock: The clock correction (the pipeline's clock-skew handling reads and sets it).
    """

    def __init__(
        self, respond: Callable[[Request], Outcome | Awaitable[Outcome]] | None = None, *, corrects_clock: bool = True
    ) -> None:
        """Answer with ``respond(request)`` (a function, or a coroutine function), or from :meth:`reply_with`.

        Args:
            respond: Decides the outcome of each request; queued outcomes come first.
            corrects_clock: What :meth:`corrects_clock` answers.
        """
        self._respond = respond
        self._queued: dict[str, list[Outcome]] = {}
        self._corrects_clock = corrects_clock
        self.requests: list[Request] = []
        self.clock = ClientClock()

    def reply_with(self, operation_name: str, *outcomes: Outcome) -> None:
        """Answer the next requests of ``operation_name`` with ``outcomes``, in order; the last one repeats."""
        if not outcomes:
            raise ValueError("give at least one outcome")
        self._queued[operation_name] = list(outcomes)

    def sent(self, operation_name: str) -> list[Request]:
        """The requests of ``operation_name`` sent so far."""
        return [r for r in self.requests if r.operation.name == operation_name]

    async def send(self, request: Request) -> Reply:
        """Record ``request`` and answer it (see :class:`~aws_vision_async._core.transport.Transport`)."""
        self.requests.append(request)
        outcome = await self._outcome(request)
        if isinstance(outcome, BaseException):
            raise outcome
        if outcome.status is not None and outcome.status >= 300:
            raise _client_error(request.operation.name, outcome)
        return outcome

    def corrects_clock(self, operation_name: str) -> bool:
        """Whether the pipeline may correct the clock and resend (set at construction)."""
        return self._corrects_clock

    async def _outcome(self, request: Request) -> Outcome:
        queued = self._queued.get(request.operation.name)
        if queued:
            return queued.pop(0) if len(queued) > 1 else queued[0]
        if self._respond is None:
            raise LookupError(f"no reply given for {request.operation.name}")
        outcome = self._respond(request)
        if inspect.isawaitable(outcome):
            return await outcome
        return outcome


def _client_error(operation_name: str, reply: Reply) -> ClientError:
    """An error reply as botocore's JSON parsers report it."""
    status = reply.status or 0
    headers = dict(reply.headers)
    code, message = "", ""
    try:
        body: Any = json.loads(reply.body or b"")
    except ValueError:
        body = None
    if isinstance(body, dict):
        fields: dict[str, Any] = body  # pyright: ignore[reportUnknownVariableType]
        code = str(fields.get("__type") or "").rsplit("#", 1)[-1]
        message = str(fields.get("message") or fields.get("Message") or "")
    code = code or headers.get("x-amzn-errortype", "").split(":", 1)[0] or str(status)
    parsed: dict[str, Any] = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {
            "RequestId": headers.get("x-amzn-requestid"),
            "HTTPStatusCode": status,
            "HTTPHeaders": headers,
        },
    }
    return ClientError(parsed, operation_name)  # pyright: ignore[reportArgumentType]
