"""The client base: what a client is made of, and how it opens and closes.

The rest of a client is in modules by concern: ``options.py`` (the options
``with_options`` can change, and their checks), ``session.py`` (credentials,
sessions, the aiobotocore client), ``views.py`` (``with_options``), ``calls.py``
(the call entry point the generated methods use), and below it the pipeline
(``pipeline.py``) and the transports (``transport.py``).
"""

from __future__ import annotations

import warnings
import weakref
from contextlib import AsyncExitStack
from types import TracebackType
from typing import Any, Literal, TypeVar, cast

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession

from ..retry import RetryPolicy
from . import checks, redact
from .botocore_path import BotocoreTransport
from .budget import RetryBudget
from .calls import Caller
from .direct import DirectTransport, open_transport
from .options import UNSET, RateLimiters, Unset, check_rate_limiter, check_retry_policy, check_timeout
from .session import USER_AGENT, Secret, open_aiobotocore_client
from .transport import Transport

__all__ = ["UNSET", "USER_AGENT", "BaseClient", "RateLimiters", "Unset", "drop_none", "raw_bytes_as"]

# A TypeVar rather than typing.Self: jedi (IPython, Jupyter, several editors) resolves
# Self to this base class, so `async with RekognitionClient() as rek: rek.` completed nothing.
ClientT = TypeVar("ClientT", bound="BaseClient")


def drop_none(**params: Any) -> dict[str, Any]:
    """Keep the parameters a caller passed; ``None`` means "not given"."""
    return {k: v for k, v in params.items() if v is not None}


def raw_bytes_as(value: object, member: str) -> object:
    """A structure given as raw ``bytes`` (``image=b"..."``): the structure with ``member`` set to them."""
    return {member: value} if isinstance(value, bytes) else value


class BaseClient(Caller):
    """Connection handling and the call pipeline; the generated clients add one method per operation."""

    def __init__(
        self,
        *,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        profile_name: str | None = None,
        retry_policy: RetryPolicy | None = None,
        timeout: float | None = None,
        rate_limiter: RateLimiters | None = None,
        rate_limit_max_wait: float | None = None,
        config: AioConfig | None = None,
        session: AioSession | None = None,
        client: Any = None,
        http_backend: Literal["auto", "aiohttp", "httpx"] = "auto",
        direct: bool = True,
    ) -> None:
        """Describe the client; the connection opens in ``async with``.

        All arguments are optional: without credentials or region, the default
        AWS chain applies (environment, config files, instance metadata).

        Args:
            region_name: The AWS Region, such as ``"us-east-1"``.
            endpoint_url: Send requests here instead of the AWS endpoint, such
                as the embedded emulator's URL.
            aws_access_key_id: An access key id.
            aws_secret_access_key: The secret access key; never logged or shown.
            aws_session_token: A session token; never logged or shown.
            profile_name: A profile of the AWS config files.
            retry_policy: How failed requests are retried.
            timeout: The most seconds one call may take, its retries, backoff
                and rate-limit waits included (for a paginator, each page; for
                a waiter, each poll); past it the call raises
                ``CallTimeoutError``. ``None``: no limit.
            rate_limiter: A ``RateLimiter`` that every request (every attempt)
                of this client draws a token from, or a mapping from operation
                names as AWS spells them (``"DetectCustomLabels"``) to limiters,
                for those operations only. A limiter may be shared by many
                clients and tasks, to keep a whole process within a quota.
            rate_limit_max_wait: The most seconds a request waits for a
                rate-limit token; when it would wait longer, the call raises
                ``RateLimitTimeoutError`` at once, sending nothing. ``None``:
                wait as long as needed.
            config: botocore settings (timeouts, pool size, proxies). Its
                retry settings are overridden: the SDK does the retrying.
            session: An aiobotocore session to create the client from.
            client: An open aiobotocore client to use as it is. The caller
                keeps ownership: it is not closed on exit.
            http_backend: aiobotocore's HTTP layer: ``"aiohttp"`` (asyncio
                only), ``"httpx"`` (asyncio and trio), or ``"auto"``: httpx when
                the client is opened under trio, aiohttp otherwise.
            direct: Send operations whose input is all JSON body (every
                Rekognition operation) on the SDK's direct path: signed and
                sent with the aiobotocore client's credentials, signer,
                endpoint and HTTP session, skipping botocore's per-call
                validation, serialization and events. ``False`` keeps
                botocore's path, for handlers or instrumentation hooked to
                botocore's per-call events (``before-call``, ``request-created``,
                ``before-send``, ``after-call``, ...), which do not fire on the
                direct path.
        """
        spec = self._service
        if spec.deprecation:
            warnings.warn(spec.deprecation, DeprecationWarning, stacklevel=2)
        if client is not None and (session is not None or profile_name is not None):
            raise ValueError("pass either client= or session=/profile_name=, not both")
        if session is not None and profile_name is not None:
            raise ValueError("pass either session= or profile_name=, not both")
        self._region_name = region_name
        self._endpoint_url = endpoint_url
        self._access_key = Secret(aws_access_key_id)
        self._secret_key = Secret(aws_secret_access_key)
        self._session_token = Secret(aws_session_token)
        self._profile_name = profile_name
        self._retry_policy = RetryPolicy() if retry_policy is None else check_retry_policy(retry_policy)
        self._timeout = check_timeout("timeout", timeout)
        self._rate_limiter = check_rate_limiter(spec, rate_limiter)
        self._rate_limit_max_wait = check_timeout("rate_limit_max_wait", rate_limit_max_wait)
        # A view made by with_options sends through this client's connection.
        self._root = None
        self._opened_root = False
        self._config = config
        self._session = session
        self._given_client = client
        if http_backend not in ("auto", "aiohttp", "httpx"):
            raise ValueError(f"http_backend must be 'auto', 'aiohttp' or 'httpx', not {http_backend!r}")
        self._http_backend: Literal["auto", "aiohttp", "httpx"] = http_backend
        self._direct = checks.boolean("direct", direct)
        self._client: Any = None
        self._transport: Transport | None = None
        self._span_identity: tuple[str, str | None] | None = None
        self._stack: AsyncExitStack | None = None
        self._budget = RetryBudget()
        # Scrubs error messages; holds this client's secrets while it is open.
        self._protection = redact.Protection(())
        self._finalizer: weakref.finalize[Any, Any] | None = None
        if client is not None:
            self._adopt(client)

    def __repr__(self) -> str:
        parts = [f"service={self._service.service_name!r}"]
        if self._region_name:
            parts.append(f"region_name={self._region_name!r}")
        if self._endpoint_url:
            parts.append(f"endpoint_url={self._endpoint_url!r}")
        if self._profile_name:
            parts.append(f"profile_name={self._profile_name!r}")
        if self._timeout is not None:
            parts.append(f"timeout={self._timeout!r}")
        if self._root is not None:
            parts.append("view")
        parts.append("open" if self._home._transport is not None else "closed")
        return f"<{type(self).__name__} {' '.join(parts)}>"

    @property
    def aiobotocore_client(self) -> Any:
        """The underlying aiobotocore client, for what the SDK does not cover.

        Raises:
            RuntimeError: The client is not open.
        """
        home = self._home
        client = home._client if isinstance(home, BaseClient) else None
        if client is None:
            raise RuntimeError(f"{type(self).__name__} is not open: use 'async with'")
        return client

    @property
    def _root_client(self) -> BaseClient | None:
        # The client this one is a view of (views are made by with_options: of the same class).
        return cast("BaseClient | None", self._root)

    def _adopt(self, client: Any) -> None:
        # Hooks the SDK into the client; a botocore internal that has moved is
        # found (and logged) here, at start, not in a call.
        transport = open_transport(client, direct=self._direct)
        meta: Any = client.meta
        self._attach(transport, service_id=str(meta.service_model.service_id), region=meta.region_name)
        self._client = client

    def _attach(self, transport: Transport, *, service_id: str, region: str | None) -> None:
        """Send through ``transport`` from now on (unit tests attach an in-memory one)."""
        self._transport = transport
        self._span_identity = (service_id, region)

    async def __aenter__(self: ClientT) -> ClientT:
        root = self._root_client
        if root is not None:
            if root._transport is None:
                await root.__aenter__()
                self._opened_root = True
            return self
        if self._transport is not None:
            if self._given_client is None:
                raise RuntimeError(f"{type(self).__name__} is open already")
            return self
        self._hold_secrets()
        stack = AsyncExitStack()
        try:
            client = await open_aiobotocore_client(
                stack,
                self._service,
                session=self._session,
                profile_name=self._profile_name,
                region_name=self._region_name,
                endpoint_url=self._endpoint_url,
                access_key=self._access_key,
                secret_key=self._secret_key,
                session_token=self._session_token,
                config=self._config,
                http_backend=self._http_backend,
            )
        except BaseException:
            await stack.aclose()
            self._release_secrets()
            raise
        self._stack = stack
        self._adopt(client)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection pool; a client handed in by the caller is left open.

        A view made by ``with_options`` closes the pool only if entering it opened it.
        """
        if self._root_client is not None:
            opened, self._opened_root = self._opened_root, False
            if opened:
                await self._root_client.close()
            return
        stack, self._stack = self._stack, None
        if self._given_client is None:
            transport, self._transport = self._transport, None
            if isinstance(transport, BotocoreTransport | DirectTransport):
                # A call still running fails at its next attempt, not on a closed pool.
                transport.close(f"{type(self).__name__} was closed during the call")
            self._client = None
        try:
            if stack is not None:
                await stack.aclose()
        finally:
            self._release_secrets()

    def _hold_secrets(self) -> None:
        self._protection = redact.protect(self._secret_key.value, self._session_token.value)
        # A client dropped unclosed must not keep its secrets tracked forever.
        self._finalizer = weakref.finalize(self, self._protection.release)

    def _release_secrets(self) -> None:
        # Kept (not reset) so that a late error of this client is still scrubbed.
        self._protection.release()
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
