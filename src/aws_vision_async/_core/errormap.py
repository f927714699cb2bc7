"""The one place where botocore's failures become the SDK's typed errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import botocore.exceptions as bce

from ..errors import (
    AwsVisionError,
    ConnectError,
    ConnectionLostError,
    ReadTimeoutError,
    ServiceError,
)
from .operation import OperationSpec, ServiceSpec

__all__ = ["TRANSIENT_STATUS_CODES", "map_error"]

#: HTTP statuses that say the server (or a proxy before it) failed for now, as
#: botocore's standard retry mode reads them. 501 (not implemented) is no such failure.
TRANSIENT_STATUS_CODES: Final = frozenset({500, 502, 503, 504})


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
        return service_error(service, op, exc, scrub)
    if isinstance(exc, bce.ConnectionError):
        # Connect timeouts, refused or unresolved endpoints, failed TLS
        # handshakes and proxies: the request was never sent.
        return ConnectError(f"{op.name}: could not connect: {exc}", operation_name=op.name)
    if isinstance(exc, bce.ReadTimeoutError):
        return ReadTimeoutError(f"{op.name}: no reply in time: {exc}", operation_name=op.name)
    if isinstance(exc, bce.HTTPClientError):
        return ConnectionLostError(f"{op.name}: connection lost: {exc}", operation_name=op.name)
    return None


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
