"""The transport: one request through aiobotocore, and the hooks that make it the SDK's.

botocore does the signing, the endpoint, the HTTP and the error parsing. The
SDK hooks into each client it uses, and the hooks act only while the SDK sends
(:data:`~aws_vision_async._core.scope.CURRENT_ATTEMPT` is set):

* botocore's retries are vetoed, so the SDK's retry loop is the only one;
* the attempt headers (``amz-sdk-invocation-id``, ``amz-sdk-request``) count
  the SDK's attempts, as other AWS SDKs send them;
* successful JSON bodies reach the SDK raw (``fastparse``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any, Final, TypeVar

import aiohttp
from aiobotocore.httpsession import AIOHTTPSession
from botocore.httpsession import get_cert_path  # pyright: ignore[reportUnknownVariableType]
from pydantic import BaseModel

from ..errors import ServiceError
from . import fastparse
from .direct import direct_path
from .errormap import map_error
from .model import ResponseMetadata, attach_metadata, validate_response_json, validate_response_obj
from .operation import OperationSpec, ServiceSpec
from .scope import CURRENT_ATTEMPT, Attempt

__all__ = ["NoReplayAIOHTTPSession", "install", "send"]

RespT = TypeVar("RespT", bound=BaseModel)

_HOOK_ID = "aws-vision-async"


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
) -> RespT:
    """Send one request and validate its reply into the operation's response model.

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
    """
    route = None
    path = direct_path(client) if direct else None
    if path is not None:
        route = await path.route(op.name)
    marker = CURRENT_ATTEMPT.set(attempt)
    try:
        if path is not None and route is not None:
            body, status, headers = await path.send(route, op.name, params, attempt)
            response = validate_response_json(op.response, body)
            _attach(response, status, headers, attempt)
            return response
        parsed: dict[str, Any] = await getattr(client, op.method)(**params)
    except Exception as exc:
        error = map_error(service, op, exc, scrub)
        if error is None:
            raise
        if isinstance(error, ServiceError):
            # Not chained: the typed error carries all of it, and botocore's
            # message may quote the signed request (session token included).
            raise error from None
        raise error from exc
    finally:
        CURRENT_ATTEMPT.reset(marker)
    raw = parsed.get(fastparse.RAW_BODY)
    response = (
        validate_response_json(op.response, raw) if raw is not None else validate_response_obj(op.response, parsed)
    )
    meta: dict[str, Any] = parsed.get("ResponseMetadata") or {}
    _attach(response, meta.get("HTTPStatusCode"), meta.get("HTTPHeaders") or {}, attempt)
    return response


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
    """aiobotocore's aiohttp session, without aiohttp's silent resend, and with TLS set up once.

    aiohttp sends an idempotent request (GET, PUT, DELETE) a second time when a
    pooled connection turns out to be closed. That hidden attempt would break
    "max_attempts=N means N requests at most"; the SDK's retry layer decides.

    aiobotocore builds a TLS context, reading the whole CA bundle (about 15 ms),
    on the first request of every client. Here a process builds it once per set
    of TLS settings (verify, CA bundle and its file's version, client and proxy
    certificates), and plain HTTP without a proxy builds none: its connections
    carry no TLS, and a redirect to HTTPS would still be verified, by aiohttp's
    default context.
    """

    async def send(self, request: Any) -> Any:
        marker = _PLAIN_HTTP.set(str(request.url).startswith("http://"))
        try:
            base: Any = super()
            return await base.send(request)
        finally:
            _PLAIN_HTTP.reset(marker)

    async def _get_session(self, proxy_url: Any) -> Any:
        if proxy_url is None and _PLAIN_HTTP.get():
            proxy_url = _PLAIN
        session = await super()._get_session(proxy_url)  # pyright: ignore[reportUnknownMemberType]
        session._retry_connection = False  # pyright: ignore[reportPrivateUsage]  # aiohttp's switch for that resend
        return session

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
