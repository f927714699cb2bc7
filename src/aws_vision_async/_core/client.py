"""The client base and the call pipeline shared by both services."""

from __future__ import annotations

import copy
import enum
import math
import sys
import warnings
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from contextlib import AsyncExitStack
from types import MappingProxyType, TracebackType
from typing import Any, ClassVar, Final, Literal, TypeAlias, TypeVar, cast

import anyio
from aiobotocore.config import AioConfig
from aiobotocore.httpxsession import HttpxSession
from aiobotocore.session import AioSession
from pydantic import BaseModel

from .. import __version__
from ..errors import CallTimeoutError
from ..ratelimit import RateLimiter
from ..retry import RetryPolicy
from . import checks, loader, pipeline, redact, telemetry, transport, waiter
from .budget import RetryBudget
from .operation import OperationSpec, ServiceSpec
from .pagination import AsyncPaginator
from .attempt import Attempt
from .client_token import new_client_token
from .waiter import WaiterSpec

__all__ = ["UNSET", "USER_AGENT", "BaseClient", "RateLimiters", "Unset", "drop_none"]

#: Added to botocore's user agent, as libraries built on botocore do.
USER_AGENT = f"aws-vision-async/{__version__}"

ReqT = TypeVar("ReqT", bound=BaseModel)
RespT = TypeVar("RespT", bound=BaseModel)
ItemT = TypeVar("ItemT")
# A TypeVar rather than typing.Self: jedi (IPython, Jupyter, several editors) resolves
# Self to this base class, so `async with RekognitionClient() as rek: rek.` completed nothing.
ClientT = TypeVar("ClientT", bound="BaseClient")


#: What ``rate_limiter=`` takes: one limiter for every operation, or one per
#: operation name as AWS spells it (``"DetectCustomLabels"``).
RateLimiters: TypeAlias = "RateLimiter | Mapping[str, RateLimiter]"


class Unset(enum.Enum):
    """The type of :data:`UNSET`: an option of ``with_options`` that was not given."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


#: Marks an option of ``with_options`` as not given (``None`` is a value there:
#: "no timeout", "no rate limiter").
UNSET: Final = Unset.UNSET


def drop_none(**params: Any) -> dict[str, Any]:
    """Keep the parameters a caller passed; ``None`` means "not given"."""
    return {k: v for k, v in params.items() if v is not None}


def raw_bytes_as(value: object, member: str) -> object:
    """A structure given as raw ``bytes`` (``image=b"..."``): the structure with ``member`` set to them."""
    return {member: value} if isinstance(value, bytes) else value


class _Secret:
    """Holds a credential; never shows it."""

    __slots__ = ("value",)

    def __init__(self, value: str | None) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<secret>" if self.value else "None"


class BaseClient:
    """Connection handling and the call pipeline; the generated clients add one method per operation."""

    _service: ClassVar[ServiceSpec]

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
        self._access_key = _Secret(aws_access_key_id)
        self._secret_key = _Secret(aws_secret_access_key)
        self._session_token = _Secret(aws_session_token)
        self._profile_name = profile_name
        self._retry_policy = RetryPolicy() if retry_policy is None else _check_retry_policy(retry_policy)
        self._timeout = _check_timeout("timeout", timeout)
        self._rate_limiter = self._check_rate_limiter(rate_limiter)
        self._rate_limit_max_wait = _check_timeout("rate_limit_max_wait", rate_limit_max_wait)
        # A view made by with_options sends through this client's connection.
        self._root: BaseClient | None = None
        self._opened_root = False
        self._config = config
        self._session = session
        self._given_client = client
        if http_backend not in ("auto", "aiohttp", "httpx"):
            raise ValueError(f"http_backend must be 'auto', 'aiohttp' or 'httpx', not {http_backend!r}")
        self._http_backend = http_backend
        self._direct = checks.boolean("direct", direct)
        self._client: Any = None
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
        parts.append("open" if self._home._client is not None else "closed")
        return f"<{type(self).__name__} {' '.join(parts)}>"

    @property
    def _home(self) -> BaseClient:
        # The client that owns the connection: this one, or the one a view came from.
        return self._root or self

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry policy of this client."""
        return self._retry_policy

    @property
    def timeout(self) -> float | None:
        """The most seconds one call may take, or ``None``."""
        return self._timeout

    @property
    def rate_limiter(self) -> RateLimiters | None:
        """The rate limiter (or the mapping of them) requests draw tokens from, or ``None``."""
        return self._rate_limiter

    def with_options(
        self: ClientT,
        *,
        retry_policy: RetryPolicy | Unset = UNSET,
        timeout: float | Unset | None = UNSET,
        rate_limiter: RateLimiters | Unset | None = UNSET,
        rate_limit_max_wait: float | Unset | None = UNSET,
    ) -> ClientT:
        """Return a client that shares this one's connection pool, with other settings.

        Only the options given change; this client is not affected. The new
        client is a view: it sends through this client's connection, so it
        works while this client is open, and closing it does not close the
        pool. Entering it (``async with``) opens this client if it is not
        open yet, and then closes it on exit::

            async with rek.with_options(timeout=5, retry_policy=RetryPolicy(max_attempts=1)) as fast:
                await fast.describe_projects()
            await rek.with_options(rate_limiter=limiter).detect_custom_labels(...)

        Args:
            retry_policy: How failed requests are retried.
            timeout: The most seconds one call may take, retries included;
                ``None`` for no limit.
            rate_limiter: A limiter, or a mapping from operation names to
                limiters; ``None`` for none.
            rate_limit_max_wait: The most seconds to wait for a rate-limit
                token; ``None`` to wait as long as needed.

        Returns:
            A client of the same type with the given options.
        """
        view = copy.copy(self)
        view._root = self._home
        view._stack = None
        view._finalizer = None
        view._opened_root = False
        if not isinstance(retry_policy, Unset):
            view._retry_policy = _check_retry_policy(retry_policy)
        if not isinstance(timeout, Unset):
            view._timeout = _check_timeout("timeout", timeout)
        if not isinstance(rate_limiter, Unset):
            view._rate_limiter = view._check_rate_limiter(rate_limiter)
        if not isinstance(rate_limit_max_wait, Unset):
            view._rate_limit_max_wait = _check_timeout("rate_limit_max_wait", rate_limit_max_wait)
        return view

    def _check_rate_limiter(self, value: object) -> RateLimiters | None:
        # Checked at run time too: a wrong value would otherwise fail at the first call.
        if value is None or isinstance(value, RateLimiter):
            return value
        if not isinstance(value, Mapping):
            raise TypeError(f"rate_limiter must be a RateLimiter or a mapping of them, not {type(value).__name__}")
        known = self._service.operations
        limiters: dict[str, RateLimiter] = {}
        for name, limiter in cast("Mapping[object, object]", value).items():
            if name not in known:
                loose = {op.lower(): op for op in known}.get(str(name).replace("_", "").lower())
                hint = f" (did you mean {loose!r}?)" if loose else ""
                raise ValueError(f"rate_limiter names {name!r}, not a {self._service.service_name} operation{hint}")
            if not isinstance(limiter, RateLimiter):
                raise TypeError(f"rate_limiter[{name!r}] must be a RateLimiter, not {type(limiter).__name__}")
            limiters[str(name)] = limiter
        # A copy: a caller changing its dict later does not reach the client's limits.
        return MappingProxyType(limiters)

    def _limiter_for(self, operation_name: str) -> RateLimiter | None:
        limiter = self._rate_limiter
        if limiter is None or isinstance(limiter, RateLimiter):
            return limiter
        return limiter.get(operation_name)

    @property
    def aiobotocore_client(self) -> Any:
        """The underlying aiobotocore client, for what the SDK does not cover.

        Raises:
            RuntimeError: The client is not open.
        """
        client = self._home._client
        if client is None:
            raise RuntimeError(f"{type(self).__name__} is not open: use 'async with'")
        return client

    def _adopt(self, client: Any) -> None:
        transport.install(client)
        self._client = client

    async def __aenter__(self: ClientT) -> ClientT:
        root = self._root
        if root is not None:
            if root._client is None:
                await root.__aenter__()
                self._opened_root = True
            return self
        if self._client is not None:
            if self._given_client is None:
                raise RuntimeError(f"{type(self).__name__} is open already")
            return self
        spec = self._service
        use_httpx = self._http_backend == "httpx" or (self._http_backend == "auto" and _running_under_trio())
        # botocore is untyped: keep what comes from it as Any, here only.
        session: Any = self._session
        if session is None:
            # Shares the process's loader: the service model is read from JSON once.
            session = loader.new_session(self._profile_name, spec.data_path)
            if use_httpx:
                # aiobotocore picks its async primitives (asyncio or anyio) from
                # the session's default client config.
                session.set_default_client_config(AioConfig(http_session_cls=HttpxSession))
        if spec.data_path is not None:
            _add_data_path(session, spec.data_path)
        user_config: Any = self._config
        user_agent = " ".join(filter(None, [getattr(user_config, "user_agent_extra", None), USER_AGENT]))
        ours = AioConfig(
            retries={"total_max_attempts": 1, "mode": "standard"},
            http_session_cls=HttpxSession if use_httpx else transport.NoReplayAIOHTTPSession,
            user_agent_extra=user_agent,
        )
        config: AioConfig = user_config.merge(ours) if user_config is not None else ours
        self._hold_secrets()
        stack = AsyncExitStack()
        try:
            client = await stack.enter_async_context(
                session.create_client(
                    spec.service_name,
                    region_name=self._region_name,
                    endpoint_url=self._endpoint_url,
                    aws_access_key_id=self._access_key.value,
                    aws_secret_access_key=self._secret_key.value,
                    aws_session_token=self._session_token.value,
                    config=config,
                )
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
        if self._root is not None:
            opened, self._opened_root = self._opened_root, False
            if opened:
                await self._root.close()
            return
        stack, self._stack = self._stack, None
        if self._given_client is None:
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

    # -- the pipeline ------------------------------------------------------

    def _prepare(self, op: OperationSpec[ReqT, RespT], request: ReqT) -> dict[str, Any]:
        if op.token_field is not None and getattr(request, op.token_field) is None:
            # Made once per logical call, so every retry sends the same token.
            request = request.model_copy(update={op.token_field: new_client_token()})
        return request.model_dump(by_alias=True, exclude_unset=True)

    async def _call(self, op: OperationSpec[ReqT, RespT], request: ReqT) -> RespT:
        return await self._send(op, self._prepare(op, request))

    def _paginate(
        self,
        op: OperationSpec[ReqT, RespT],
        request: ReqT,
        items: Callable[[RespT], Iterable[ItemT]],
    ) -> AsyncPaginator[ItemT, RespT]:
        pager = op.paginator
        assert pager is not None  # noqa: S101 - the generator wires only paginated operations here
        params = self._prepare(op, request)
        wire_input = op.request.model_fields[pager.input_token].serialization_alias or pager.input_token
        output_token = pager.output_token

        async def fetch(token: str | None) -> RespT:
            return await self._send(op, params if token is None else {**params, wire_input: token})

        def next_token(page: RespT) -> str | None:
            value: str | None = getattr(page, output_token)
            return value

        tracer = telemetry.tracer()
        trace: Callable[[], telemetry.PaginationTrace] | None = None
        if tracer is not None:
            traced = tracer

            def new_trace() -> telemetry.PaginationTrace:
                return telemetry.PaginationTrace(traced, lambda: self._span_attributes(op.name))

            trace = new_trace

        return AsyncPaginator(
            fetch,
            first_token=params.get(wire_input),
            next_token=next_token,
            items=items,
            operation_name=op.name,
            trace=trace,
        )

    async def _wait(
        self,
        spec: WaiterSpec,
        op: OperationSpec[ReqT, RespT],
        request: ReqT,
        *,
        max_wait: float | None,
        min_delay: float | None,
        max_delay: float | None,
    ) -> RespT:
        params = self._prepare(op, request)
        tracer = telemetry.tracer()
        if tracer is None:
            return await waiter.wait(
                spec, lambda: self._send(op, params), max_wait=max_wait, min_delay=min_delay, max_delay=max_delay
            )
        polls = 0

        def poll() -> Awaitable[RespT]:
            nonlocal polls
            polls += 1
            return self._send(op, params)

        attributes = {**self._span_attributes(op.name), "aws_vision_async.waiter": spec.name}
        with tracer.start_as_current_span(
            f"{attributes['rpc.service']}.{spec.name} waiter",
            attributes=attributes,
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                return await waiter.wait(spec, poll, max_wait=max_wait, min_delay=min_delay, max_delay=max_delay)
            except BaseException as error:
                telemetry.end_span(span, error, ended=False)
                raise
            finally:
                span.set_attribute("aws_vision_async.polls", polls)

    def _send(self, op: OperationSpec[ReqT, RespT], params: dict[str, Any]) -> Coroutine[Any, Any, RespT]:
        # Not async itself: the coroutine it returns is the call, one frame fewer in tracebacks.
        home = self._home
        if home._client is None:
            raise RuntimeError(f"{type(self).__name__} is not open: use 'async with'")
        policy = self._retry_policy

        async def attempt(which: Attempt) -> RespT:
            client = home._client
            if client is None:
                raise RuntimeError(f"{type(self).__name__} was closed during the call")
            return await transport.send(
                client, self._service, op, params, attempt=which, scrub=home._protection.scrub, direct=home._direct
            )

        async def run(observer: telemetry.CallObserver | None) -> RespT:
            call = pipeline.run(
                self._service,
                op,
                attempt,
                policy=policy,
                budget=home._budget if policy.use_budget else None,
                limiter=self._limiter_for(op.name),
                max_wait=self._rate_limit_max_wait,
                observer=observer,
            )
            timeout = self._timeout
            if timeout is None:
                return await call
            with anyio.move_on_after(timeout):
                return await call
            raise CallTimeoutError(timeout, operation_name=op.name)

        tracer = telemetry.tracer()
        if tracer is None:
            return run(None)
        return telemetry.traced_call(tracer, self._span_attributes(op.name), run)

    def _span_attributes(self, operation: str) -> dict[str, Any]:
        meta: Any = self._home.aiobotocore_client.meta
        return telemetry.call_attributes(str(meta.service_model.service_id), operation, meta.region_name)


def _check_retry_policy(value: object) -> RetryPolicy:
    if not isinstance(value, RetryPolicy):
        raise TypeError(
            f"retry_policy must be a RetryPolicy, such as RetryPolicy(max_attempts=5), got {value!r:.80}"
            f" ({type(value).__name__})"
        )
    return value


def _check_timeout(name: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
        raise ValueError(f"{name} must be a positive number of seconds or None, not {value!r}")
    return float(value)


def _add_data_path(session: Any, path: str) -> None:
    # Lookout for Vision's model is no longer in botocore: add the shipped one.
    loader.add_data_path(session.get_component("data_loader"), path)


def _running_under_trio() -> bool:
    trio: Any = sys.modules.get("trio")
    if trio is None:
        return False
    try:
        trio.lowlevel.current_task()
    except RuntimeError:
        return False
    return True
