"""What the command prints for a failure (one line) and the exit status it chooses."""

from __future__ import annotations

import re
from typing import Final

from botocore.exceptions import (
    BotoCoreError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
)
from pydantic import ValidationError

from .. import AwsVisionError, NetworkError, ServiceError
from ._common import EXIT_ERROR, EXIT_USAGE, Interrupted, UsageError

__all__ = ["explain", "one_line"]

#: The most characters of a service's message shown: a message, not a body.
_MAX_MESSAGE: Final = 200
_HTML: Final = re.compile(r"<\s*(?:!doctype|html|head|body|title)\b", re.IGNORECASE)
_TITLE: Final = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)


def one_line(text: str, limit: int = _MAX_MESSAGE) -> str:
    """``text`` on one line, at most ``limit`` characters, any HTML in it replaced by a mention of it.

    A proxy or load balancer answers with an HTML page where the service would
    send an error code: a person needs its title, not its markup.
    """
    html = _HTML.search(text)
    if html:
        title = _TITLE.search(text)
        titled = f" titled {' '.join(title.group(1).split())!r}" if title else ""
        before = text[: html.start()].rstrip(" '\"")  # a reason quoting the body: what it said first
        text = f"{before} (an HTML page{titled})".lstrip()
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _reply(
    name: str, *, operation: str, status: int | None, request_id: str | None, detail: str, no_reply: bool = False
) -> str:
    # One shape for every failure that involves a request: what, where, the reply's status and id, why.
    where = f" in {operation}" if operation else ""
    if no_reply:
        meta = "no reply"
    else:
        rid = f"request id {request_id}" if request_id else "no request id"
        meta = f"HTTP {status}, {rid}" if status else rid
    return f"{name}{where} ({meta}): {one_line(detail) or '(no message)'}"


def _validation_summary(error: ValidationError) -> str:
    problems = error.errors()
    first = problems[0] if problems else None
    if first is None:
        return one_line(str(error))
    where = ".".join(str(p) for p in first["loc"])
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return one_line(f"{where}: {first['msg']}" if where else str(first["msg"])) + more


def explain(error: BaseException) -> tuple[str, int] | None:  # noqa: PLR0911 - one return per kind of failure
    """The one-line message and the exit status for ``error``, or ``None`` for a bug (let it show).

    Exit status 2 when the command could not run as given (bad usage or input,
    a path it cannot use, a missing region or credentials): nothing, or nothing
    more, was sent. Exit status 1 when a service or the network failed, or a
    reply could not be understood.
    """
    if isinstance(error, Interrupted):
        return error.message, error.exit_status
    if isinstance(error, UsageError):
        return str(error), EXIT_USAGE
    if isinstance(error, ServiceError):
        detail = error.message
        # A proxy's reply has no error code: botocore names it by its status ("502").
        name = type(error).__name__ if error.code.isdigit() else error.code
        return _reply(
            name, operation=error.operation_name, status=error.status_code, request_id=error.request_id, detail=detail
        ), EXIT_ERROR
    if isinstance(error, NetworkError):
        return _reply(
            type(error).__name__,
            operation=error.operation_name,
            status=None,
            request_id=None,
            detail=str(error),
            no_reply=True,
        ), EXIT_ERROR
    if isinstance(error, AwsVisionError):
        # Anything else the SDK raises. InvalidResponseError (an unparsable 2xx reply
        # or a redirect) has a status and a request id: shown as a service error's.
        status: object = getattr(error, "status_code", None)
        if not isinstance(status, int):  # a waiter, a timeout, a pagination loop...
            return f"{type(error).__name__}: {one_line(str(error))}", EXIT_ERROR
        reason: object = getattr(error, "reason", None)
        return _reply(
            type(error).__name__,
            operation=str(getattr(error, "operation_name", "") or ""),
            status=status,
            request_id=_text(getattr(error, "request_id", None)),
            detail=reason if isinstance(reason, str) else str(error),
        ), EXIT_ERROR
    if isinstance(error, ValidationError):
        if error.title.endswith("Response"):
            # A reply that does not fit its response model (before InvalidResponseError
            # existed, the SDK let pydantic's error through): the service's fault, not the caller's.
            operation = error.title.removesuffix("Response")
            return _reply(
                "InvalidResponse", operation=operation, status=None, request_id=None, detail=_validation_summary(error)
            ), EXIT_ERROR
        return _validation_summary(error), EXIT_USAGE  # the request's validation: nothing was sent
    if isinstance(error, ValueError):
        return one_line(str(error)), EXIT_USAGE
    if isinstance(error, (NoRegionError, NoCredentialsError, PartialCredentialsError, ProfileNotFound)):
        return f"{one_line(str(error))} (see --region, --profile and the AWS configuration)", EXIT_USAGE
    if isinstance(error, BotoCoreError):
        return f"{type(error).__name__}: {one_line(str(error))}", EXIT_ERROR
    if isinstance(error, OSError):
        # A file that failed mid-run (a full disk): paths are checked before anything is sent.
        return one_line(str(error)), EXIT_ERROR
    return None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
