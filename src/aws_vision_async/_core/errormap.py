"""The one place where botocore's failures become the SDK's typed errors."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

import botocore.exceptions as bce

from ..errors import (
    AwsVisionError,
    ConnectError,
    ConnectionLostError,
    InvalidResponseError,
    ReadTimeoutError,
    ServiceError,
)
from .operation import OperationSpec, ServiceSpec

__all__ = ["TRANSIENT_STATUS_CODES", "detach_request", "map_error", "redirect_error"]

#: HTTP statuses that say the server (or a proxy before it) failed for now, as
#: botocore's standard retry mode reads them. 501 (not implemented) is no such failure.
TRANSIENT_STATUS_CODES: Final = frozenset({500, 502, 503, 504})
# A proxy's answer to CONNECT that a retry would only repeat: it refuses (403),
# wants credentials (407), or the request is wrong for it. 408 and 429 say "later".
_PROXY_RETRY_LATER: Final = frozenset({408, 429})
_STATUS_AT_START: Final = re.compile(r"^\s*(\d{3})\b")
_MAX_LOCATION: Final = 200


def map_error(
    service: ServiceSpec,
    op: OperationSpec[Any, Any],
    exc: Exception,
    scrub: Callable[[str], str],
) -> AwsVisionError | None:
    """Translate a failure of one botocore call into the SDK's error, or ``None`` if it is no botocore failure.

    Args:
        service: The service called.
        op: The operation called.
        exc: What botocore raised.
        scrub: Masks credentials in a service's message (it may quote the signed request).
    """
    if isinstance(exc, bce.ClientError):
        redirect = redirect_error(op, exc, scrub)
        return redirect if redirect is not None else service_error(service, op, exc, scrub)
    if isinstance(exc, bce.ProxyConnectionError):
        return _proxy_error(op, exc)
    if isinstance(exc, bce.ConnectionError):
        # Connect timeouts, refused or unresolved endpoints, failed TLS
        # handshakes and proxies: the request was never sent.
        return ConnectError(f"{op.name}: could not connect: {exc}", operation_name=op.name)
    if isinstance(exc, bce.ReadTimeoutError):
        return ReadTimeoutError(f"{op.name}: no reply in time: {exc}", operation_name=op.name)
    if isinstance(exc, bce.HTTPClientError):
        return ConnectionLostError(f"{op.name}: connection lost: {exc}", operation_name=op.name)
    return None


def redirect_error(
    op: OperationSpec[Any, Any], exc: bce.ClientError, scrub: Callable[[str], str]
) -> InvalidResponseError | None:
    """The error of a 3xx reply (never followed: nothing goes to another host), or ``None`` for any other reply."""
    response: dict[str, Any] = exc.response  # pyright: ignore[reportAssignmentType]
    meta: dict[str, Any] = response.get("ResponseMetadata") or {}
    status = int(meta.get("HTTPStatusCode") or 0)
    if not 300 <= status < 400:
        return None
    found: dict[str, str] = meta.get("HTTPHeaders") or {}
    headers = _lower(found)
    location = scrub(headers.get("location") or "")
    if len(location) > _MAX_LOCATION:
        location = location[: _MAX_LOCATION - 3] + "..."
    where = f" to {location}" if location else " (no Location)"
    return InvalidResponseError(
        f"a redirect{where}, not followed: check endpoint_url and any proxy",
        operation_name=op.name,
        status_code=status,
        request_id=headers.get("x-amzn-requestid"),
    )


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in headers.items()}


def _proxy_error(op: OperationSpec[Any, Any], exc: bce.ProxyConnectionError) -> ConnectError:
    # aiohttp's ClientHttpProxyError has the CONNECT reply's status; httpx says
    # "403 Forbidden" in its ProxyError's message.
    found_kwargs: dict[str, Any] = exc.kwargs  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
    cause: object = found_kwargs.get("error")
    status: Any = getattr(cause, "status", None)
    if not isinstance(status, int):
        found = _STATUS_AT_START.match(str(cause or ""))
        status = int(found.group(1)) if found else None
    proxy = str(found_kwargs.get("proxy_url") or "the proxy")  # botocore masks its credentials
    if isinstance(status, int) and 400 <= status < 500 and status not in _PROXY_RETRY_LATER:
        return ConnectError(
            f"{op.name}: the proxy {proxy} refused to connect (CONNECT answered HTTP {status}); not retried",
            operation_name=op.name,
            retryable=False,
        )
    answered = f" (CONNECT answered HTTP {status})" if status else ""
    return ConnectError(f"{op.name}: could not connect through the proxy {proxy}{answered}", operation_name=op.name)


def detach_request(exc: BaseException) -> BaseException:
    """Drop the request botocore keeps on its exceptions (its headers carry the session token).

    botocore's ``HTTPClientError`` family holds the signed request (as
    ``request`` and in ``kwargs``); an error reporter walking the chain of a
    ``NetworkError`` would find it. Applied to ``exc`` and the exceptions it
    chains.

    Returns:
        ``exc``, changed in place.
    """
    seen: set[int] = set()
    node: BaseException | None = exc
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        if isinstance(node, bce.BotoCoreError):
            if getattr(node, "request", None) is not None:
                node.request = None  # pyright: ignore[reportAttributeAccessIssue]
            kwargs: dict[str, Any] = node.kwargs  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
            kwargs.pop("request", None)
        node = node.__cause__ or node.__context__
    return exc


def service_error(
    service: ServiceSpec,
    op: OperationSpec[Any, Any],
    exc: bce.ClientError,
    scrub: Callable[[str], str],
) -> ServiceError:
    """The typed error of a reply with an error status.

    A documented code gets its class. A 500/502/503/504 reply with no error code
    at all (an HTML page from a proxy or load balancer) is the service's
    ``server_error``, a ``TransientError``: AWS itself always names its errors.
    Any other code is the service's base error, retried nowhere.
    """
    response: dict[str, Any] = exc.response  # pyright: ignore[reportAssignmentType]
    error: dict[str, Any] = response.get("Error") or {}
    meta: dict[str, Any] = response.get("ResponseMetadata") or {}
    headers: dict[str, str] = meta.get("HTTPHeaders") or {}
    code = str(error.get("Code") or "")
    status = int(meta.get("HTTPStatusCode") or 0)
    cls = service.errors.get(code)
    if cls is None:
        # botocore names a reply that carries no error code by its status ("502").
        bare = not code or code == str(status)
        cls = service.server_error if bare and status in TRANSIENT_STATUS_CODES else service.base_error
    return cls(
        scrub(str(error.get("Message") or error.get("message") or "")),
        code=code,
        status_code=status,
        request_id=meta.get("RequestId") or headers.get("x-amzn-requestid"),
        operation_name=op.name,
        retry_after=_retry_after(headers.get("retry-after")),
    )


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None  # an HTTP date: AWS sends seconds, so ignore the rare other form
    return seconds if seconds >= 0 else None
