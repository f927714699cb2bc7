"""The transport: one request through aiobotocore, and the hooks that make it the SDK's.

botocore does the signing, the endpoint, the HTTP and the error parsing. The
SDK hooks into each client it uses, and the hooks act only while the SDK sends
(:data:`~aws_vision_async._core.attempt.CURRENT_ATTEMPT` is set):

* botocore's retries are vetoed, so the SDK's retry loop is the only one;
* the attempt headers (``amz-sdk-invocation-id``, ``amz-sdk-request``) count
  the SDK's attempts, as other AWS SDKs send them;
* successful JSON bodies reach the SDK raw (``fastparse``).
"""

from __future__ import annotations

import io
import logging
import os
import threading
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any, Final, TypeVar

import aiohttp
from aiobotocore.httpsession import AIOHTTPSession
from botocore.exceptions import ClientError
from botocore.httpsession import get_cert_path  # pyright: ignore[reportUnknownVariableType]
from pydantic import BaseModel, ValidationError

from ..errors import AwsVisionError, InvalidResponseError
from . import fastparse
from .clock import OFFSET, clock_of, hook_botocore_signer, new_offset
from .direct import direct_path
from .errormap import detach_request, map_error
from .model import (
    ResponseMetadata,
    attach_metadata,
    invalid_reason,
    validate_response_json,
    validate_response_obj,
)
from .operation import OperationSpec, ServiceSpec
from .attempt import CURRENT_ATTEMPT, Attempt

__all__ = ["NoReplayAIOHTTPSession", "install", "send"]

RespT = TypeVar("RespT", bound=BaseModel)

_HOOK_ID = "aws-vision-async"
_log = logging.getLogger("aws_vision_async")


def install(client: Any) -> None:
    """Hook the SDK into an aiobotocore client (idempotent: hooks have unique ids)."""
    service = client.meta.service_model.service_id.hyphenize()
    events = client.meta.events
    # botocore takes the first answer that is not None; registered first, this one wins.
    events.register_first(f"needs-retry.{service}", _never_retry, unique_id=f"{_HOOK_ID}-no-retry")
    # botocore's add_retry_headers (on "request-created") writes the attempt
    # headers from request.context["retries"], after the signer ran: set the
    # SDK's numbers there first.
    events.register_first("request-created", _number_attempt, unique_id=f"{_HOOK_ID}-attempt")
    fastparse.install(client)


def _never_retry(**_: Any) -> bool | None:
    return False if CURRENT_ATTEMPT.get() is not None else None


def _number_attempt(request: Any, **_: Any) -> None:
    attempt = CURRENT_ATTEMPT.get()
    if attempt is None:
        return
    retries: dict[str, Any] = request.context.setdefault("retries", {})
    retries["invocation-id"] = attempt.invocation_id
    retries["attempt"] = attempt.number
    retries["max"] = attempt.max_attempts


async def send(
    client: Any,
    service: ServiceSpec,
    op: OperationSpec[Any, RespT],
    params: dict[str, Any],
    *,
    attempt: Attempt,
    scrub: Callable[[str], str],
    direct: bool = True,
    _resent: bool = False,
) -> RespT:
    """Send one request and validate its reply into the operation's response model.

    A reply that says the clock is skewed (see ``_core/clock.py``) makes the
    client correct its clock and resend at once, once: that extra request is
    part of this attempt.

    Args:
        client: The open aiobotocore client.
        service: The service called.
        op: The operation called.
        params: The request, by wire names.
        attempt: Which attempt of which logical call this is.
        scrub: Masks credentials in a service's error message.
        direct: Take the direct path (``_core/direct.py``) where the operation allows it.

    Raises:
        ServiceError: The service replied with an error.
        NetworkError: No reply arrived.
        InvalidResponseError: The reply is no valid response (unparsable, or a redirect).
    """
    route = None
    path = direct_path(client) if direct else None
    if path is not None:
        route = await path.route(op.name)
    clock = clock_of(client)
    # Errors are raised after the except block, never inside it: there they
    # would carry botocore's exception as __context__, and its message or its
    # request may quote the signed request (the session token included).
    error: AwsVisionError | None = None
    cause: BaseException | None = None
    skew: float | None = None
    body: bytes | None = None
    parsed: dict[str, Any] = {}
    status: int | None = None
    headers: Mapping[str, str] = {}
    marker = CURRENT_ATTEMPT.set(attempt)
    offset_marker = OFFSET.set(clock.offset)
    try:
        if path is not None and route is not None:
            body, status, headers = await path.send(route, op.name, params, attempt)
        else:
            parsed = await getattr(client, op.method)(**params)
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
    if error is not None:
        # The direct path signs with the clock's offset itself; botocore's signer needs a hook.
        if skew is not None and not _resent and (route is not None or hook_botocore_signer(client, clock)):
            _log.warning(
                "%s: the local clock is %+.0f s from the service's; signing with the service's time from now on",
                op.name,
                -skew,
            )
            clock.offset = skew
            return await send(client, service, op, params, attempt=attempt, scrub=scrub, direct=direct, _resent=True)
        raise error from cause
    if body is None:
        meta: dict[str, Any] = parsed.get("ResponseMetadata") or {}
        status, headers = meta.get("HTTPStatusCode"), _lower(meta.get("HTTPHeaders") or {})
    raw = body if body is not None else parsed.get(fastparse.RAW_BODY)
    response = _validate(op, parsed=parsed, raw=raw, status=status or 0, headers=headers, scrub=scrub)
    _attach(response, status, headers, attempt)
    return response


def _skew(exc: ClientError) -> float | None:
    """The offset to sign with when ``exc`` says the clock is skewed (``_core/clock.py``)."""
    response: dict[str, Any] = exc.response  # pyright: ignore[reportAssignmentType]
    meta: dict[str, Any] = response.get("ResponseMetadata") or {}
    error: dict[str, Any] = response.get("Error") or {}
    code = str(error.get("Code") or "")
    return new_offset(code, _lower(meta.get("HTTPHeaders") or {}), OFFSET.get())


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


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
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


#: Whether the request being sent is plain HTTP (an emulator, a local endpoint).
_PLAIN_HTTP: ContextVar[bool] = ContextVar("aws_vision_async_plain_http", default=False)
#: The key, among aiobotocore's sessions by proxy URL, of the one for plain HTTP without a proxy.
_PLAIN: Final = "\x00plain http, no proxy"
#: TLS contexts built, by everything that shapes them, shared by the clients of a process.
_tls_contexts: dict[tuple[Any, ...], tuple[Any, Any]] = {}
_tls_lock = threading.Lock()


class NoReplayAIOHTTPSession(AIOHTTPSession):  # type: ignore[misc]  # aiobotocore is untyped
    """aiobotocore's aiohttp session, without aiohttp's silent resends, and with TLS set up once.

    aiohttp sends an idempotent request (GET, PUT, DELETE) a second time when a
    pooled connection turns out to be closed. That hidden attempt would break
    "max_attempts=N means N requests at most"; the SDK's retry layer decides.

    aiohttp also follows redirects unless told not to: a ``307`` would send the
    request, its body and its session token to whatever host the ``Location``
    names. Here no redirect is followed (as botocore, the httpx backend and the
    AWS SDKs do); the transport reports the 3xx reply as an error.

    aiohttp warns (``ResourceWarning``) when a body of raw bytes is larger than
    1 MiB, which ``-W error`` turns into a failed request: a large body is
    handed to it as a ``BytesIO`` payload, which it writes in chunks, without
    copying it.

    aiobotocore builds a TLS context, reading the whole CA bundle (about 15 ms),
    on the first request of every client. Here a process builds it once per set
    of TLS settings (verify, CA bundle and its file's version, client and proxy
    certificates), and plain HTTP without a proxy builds none: its connections
    carry no TLS, and a redirect to HTTPS would still be verified, by aiohttp's
    default context.
    """

    async def send(self, request: Any) -> Any:
        marker = _PLAIN_HTTP.set(str(request.url).startswith("http://"))
        # The signed request (its headers carry the session token) is handed on,
        # not kept as a local of this frame: error reporters read frame locals.
        outgoing = [request]
        del request
        try:
            base: Any = super()
            return await base.send(outgoing.pop())
        finally:
            _PLAIN_HTTP.reset(marker)

    async def _get_session(self, proxy_url: Any) -> Any:
        if proxy_url is None and _PLAIN_HTTP.get():
            proxy_url = _PLAIN
        session = await super()._get_session(proxy_url)  # pyright: ignore[reportUnknownMemberType]
        session._retry_connection = False  # pyright: ignore[reportPrivateUsage]  # aiohttp's switch for that resend
        # aiobotocore's send calls only the session's request(): that one call is
        # where redirects are turned off and large bodies wrapped.
        return _RequestOptions(session)

    async def _create_connector(self, proxy_url: Any) -> Any:
        if proxy_url == _PLAIN:
            this: Any = self
            args: dict[str, Any] = this._connector_args
            return aiohttp.TCPConnector(limit=this._max_pool_connections, **args)
        return await super()._create_connector(proxy_url)  # pyright: ignore[reportUnknownMemberType]

    def _build_ssl_contexts(self, proxy_url: Any) -> Any:
        # Runs in a worker thread (aiobotocore's choice): the stat calls too.
        this: Any = self  # aiobotocore is untyped: Any, here only
        settings: dict[str, Any] = this._proxy_config.settings
        where: Any = get_cert_path  # pyright: ignore[reportUnknownVariableType]
        cert: Any = where(this._verify) if this._verify else None
        files: tuple[Any, ...] = (
            cert,
            this._cert_file,
            this._key_file,
            settings.get("proxy_ca_bundle"),
            settings.get("proxy_client_cert"),
        )
        key = (this._verify, proxy_url, repr(sorted(settings.items())), *(_version(f) for f in files))
        with _tls_lock:
            built = _tls_contexts.get(key)
        if built is None:
            built = super()._build_ssl_contexts(proxy_url)  # pyright: ignore[reportUnknownMemberType]
            with _tls_lock:
                built = _tls_contexts.setdefault(key, built)
        return built


#: Bodies larger than this go to aiohttp as a ``BytesIO`` (it warns above 1 MiB of raw bytes).
_LARGE_BODY: Final = 64 * 1024


class _RequestOptions:
    """An aiohttp session as aiobotocore's ``send`` uses it, with the SDK's request options."""

    __slots__ = ("_session",)

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    def request(self, method: str, url: Any, **kwargs: Any) -> Any:
        data = kwargs.get("data")
        if isinstance(data, bytes | bytearray) and len(data) > _LARGE_BODY:
            kwargs["data"] = aiohttp.BytesIOPayload(io.BytesIO(data))
        kwargs["allow_redirects"] = False
        return self._session.request(method, url, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


def _version(path: Any) -> tuple[Any, ...]:
    """A file's path, modification time and size: a changed file makes a new TLS context."""
    if isinstance(path, tuple):  # a (certificate, key) pair
        return tuple(_version(p) for p in path)  # pyright: ignore[reportUnknownVariableType]
    if not isinstance(path, str):
        return (path,)
    try:
        stat = os.stat(path)
    except OSError:
        return (path,)  # botocore reports it, as before
    return (path, stat.st_mtime_ns, stat.st_size)
