"""aiobotocore's aiohttp session, made safe for the SDK: no silent resends, no redirects, TLS set up once."""

from __future__ import annotations

import io
import os
import threading
from contextvars import ContextVar
from typing import Any, Final

import aiohttp
from aiobotocore.httpsession import AIOHTTPSession

from . import compat

__all__ = ["NoReplayAIOHTTPSession"]

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

    The private methods overridden and the settings read are aiobotocore's
    (``_core/compat.py``); should a release rename one, the override is no
    longer called and aiobotocore's own behaviour applies.
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
        session = await compat.base_get_session(self, proxy_url)
        compat.no_connection_resend(session)
        # aiobotocore's send calls only the session's request(): that one call is
        # where redirects are turned off and large bodies wrapped.
        return _RequestOptions(session)

    async def _create_connector(self, proxy_url: Any) -> Any:
        if proxy_url == _PLAIN:
            settings = compat.aiohttp_session_settings(self)
            return aiohttp.TCPConnector(limit=settings["max_pool_connections"], **settings["connector_args"])
        return await compat.base_create_connector(self, proxy_url)

    def _build_ssl_contexts(self, proxy_url: Any) -> Any:
        # Runs in a worker thread (aiobotocore's choice): the stat calls too.
        settings = compat.aiohttp_session_settings(self)
        proxy: dict[str, Any] = settings["proxy_settings"]
        verify = settings["verify"]
        cert: Any = compat.cert_path(verify) if verify else None
        files: tuple[Any, ...] = (
            cert,
            settings["cert_file"],
            settings["key_file"],
            proxy.get("proxy_ca_bundle"),
            proxy.get("proxy_client_cert"),
        )
        key = (verify, proxy_url, repr(sorted(proxy.items())), *(_version(f) for f in files))
        with _tls_lock:
            built = _tls_contexts.get(key)
        if built is None:
            built = compat.base_build_ssl_contexts(self, proxy_url)
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
