"""The client base and the call pipeline shared by both services."""

from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import Callable, Iterable
from contextlib import AsyncExitStack
from types import TracebackType
from typing import Any, ClassVar, Literal, TypeVar

import anyio
import botocore.exceptions as bce
from aiobotocore.config import AioConfig
from aiobotocore.httpsession import AIOHTTPSession
from aiobotocore.httpxsession import HttpxSession
from aiobotocore.session import AioSession
from pydantic import BaseModel
from tenacity import AsyncRetrying, RetryCallState, stop_never
from typing_extensions import Self

from ..errors import (
    ConnectError,
    ConnectionLostError,
    NetworkError,
    ReadTimeoutError,
    ServiceError,
    ThrottlingError,
)
from ..retry import RetryPolicy
from . import fastparse, redact
from .budget import NO_RETRY_INCREMENT, RETRY_COST, TIMEOUT_RETRY_COST, RetryBudget
from .model import validate_response_json, validate_response_obj
from .operation import OperationSpec, ServiceSpec
from .pagination import AsyncPaginator
from .tokens import new_client_token

__all__ = ["BaseClient", "drop_none"]

_log = logging.getLogger("aws_vision_async")

ReqT = TypeVar("ReqT", bound=BaseModel)
RespT = TypeVar("RespT", bound=BaseModel)
ItemT = TypeVar("ItemT")


def drop_none(**params: Any) -> dict[str, Any]:
    """Keep the parameters a caller passed; ``None`` means "not given"."""
    return {k: v for k, v in params.items() if v is not None}


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
        config: AioConfig | None = None,
        session: AioSession | None = None,
        client: Any = None,
        http_backend: Literal["auto", "aiohttp", "httpx"] = "auto",
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
            config: botocore settings (timeouts, pool size, proxies). Its
                retry settings are overridden: the SDK does the retrying.
            session: An aiobotocore session to create the client from.
            client: An open aiobotocore client to use as it is. The caller
                keeps ownership: it is not closed on exit.
            http_backend: aiobotocore's HTTP layer: ``"aiohttp"`` (asyncio
                only), ``"httpx"`` (asyncio and trio), or ``"auto"``: httpx when
                the client is opened under trio, aiohttp otherwise.
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
        self._retry_policy = retry_policy or RetryPolicy()
        self._config = config
        self._session = session
        self._given_client = client
        if http_backend not in ("auto", "aiohttp", "httpx"):
            raise ValueError(f"http_backend must be 'auto', 'aiohttp' or 'httpx', not {http_backend!r}")
        self._http_backend = http_backend
        self._client: Any = None
        self._stack: AsyncExitStack | None = None
        self._budget = RetryBudget()
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
        parts.append("open" if self._client is not None else "closed")
        return f"<{type(self).__name__} {' '.join(parts)}>"

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry policy of this client."""
        return self._retry_policy

    @property
    def aiobotocore_client(self) -> Any:
        """The underlying aiobotocore client, for what the SDK does not cover.

        Raises:
            RuntimeError: The client is not open.
        """
        if self._client is None:
            raise RuntimeError(f"{type(self).__name__} is not open: use 'async with'")
        return self._client

    def _adopt(self, client: Any) -> None:
        redact.protect(self._secret_key.value, self._session_token.value)
        fastparse.install(client)
        self._client = client

    async def __aenter__(self) -> Self:
        if self._client is not None:
            if self._given_client is None:
                raise RuntimeError(f"{type(self).__name__} is open already")
            return self
        spec = self._service
        use_httpx = self._http_backend == "httpx" or (self._http_backend == "auto" and _running_under_trio())
        # botocore is untyped: keep what comes from it as Any, here only.
        session: Any = self._session
        if session is None:
            session = AioSession(profile=self._profile_name)
            if use_httpx:
                # aiobotocore picks its async primitives (asyncio or anyio) from
                # the session's default client config.
                session.set_default_client_config(AioConfig(http_session_cls=HttpxSession))
        if spec.data_path is not None:
            _add_data_path(session, spec.data_path)
        ours = AioConfig(
            retries={"total_max_attempts": 1, "mode": "standard"},
            http_session_cls=HttpxSession if use_httpx else _NoReplayAIOHTTPSession,
        )
        user_config: Any = self._config
        config: AioConfig = user_config.merge(ours) if user_config is not None else ours
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
        """Close the connection pool; a client handed in by the caller is left open."""
        stack, self._stack = self._stack, None
        if self._given_client is None:
            self._client = None
        if stack is not None:
            await stack.aclose()

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

        return AsyncPaginator(
            fetch,
            first_token=params.get(wire_input),
            next_token=next_token,
            items=items,
            operation_name=op.name,
        )

    async def _send(self, op: OperationSpec[ReqT, RespT], params: dict[str, Any]) -> RespT:
        if self._client is None:
            raise RuntimeError(f"{type(self).__name__} is not open: use 'async with'")
        policy = self._retry_policy
        budget = self._budget if policy.use_budget else None
        last_cost = 0

        def should_retry(state: RetryCallState) -> bool:
            nonlocal last_cost
            outcome = state.outcome
            exc = outcome.exception() if outcome is not None else None
            if exc is None or state.attempt_number >= policy.max_attempts:
                return False
            if not self._is_retryable(op, exc):
                return False
            cost = TIMEOUT_RETRY_COST if isinstance(exc, ReadTimeoutError) else RETRY_COST
            if budget is not None and not budget.acquire(cost):
                _log.debug("%s: retry budget exhausted, not retrying %s", op.name, type(exc).__name__)
                return False
            last_cost = cost
            return True

        def wait(state: RetryCallState) -> float:
            outcome = state.outcome
            exc = outcome.exception() if outcome is not None else None
            retry_after = exc.retry_after if isinstance(exc, ServiceError) else None
            delay = policy.backoff(state.attempt_number, retry_after)
            _log.debug(
                "%s: attempt %d of %d failed with %s; retrying in %.3fs",
                op.name,
                state.attempt_number,
                policy.max_attempts,
                type(exc).__name__,
                delay,
            )
            return delay

        retrying = AsyncRetrying(
            retry=should_retry,
            wait=wait,
            stop=stop_never,  # should_retry counts the attempts
            reraise=True,
            sleep=_sleep,
        )
        result: RespT = await retrying(self._attempt, op, params)
        if budget is not None:
            budget.release(last_cost or NO_RETRY_INCREMENT)
        return result

    @staticmethod
    def _is_retryable(op: OperationSpec[Any, Any], exc: BaseException) -> bool:
        if isinstance(exc, ServiceError):
            if exc.code not in op.retryable:
                return False
            # A throttling reply means the service did no work; any other
            # failure may have been applied, so only repeat safe calls.
            return op.safe_to_retry or isinstance(exc, ThrottlingError)
        if isinstance(exc, NetworkError):
            return op.safe_to_retry or not exc.may_have_reached_server
        return False

    async def _attempt(self, op: OperationSpec[ReqT, RespT], params: dict[str, Any]) -> RespT:
        client = self._client
        if client is None:
            raise RuntimeError(f"{type(self).__name__} was closed during the call")
        marker = fastparse.IN_SDK_CALL.set(True)
        try:
            parsed: dict[str, Any] = await getattr(client, op.method)(**params)
        except bce.ClientError as exc:
            # Not chained: the typed error carries all of it, and botocore's
            # message may quote the signed request (session token included).
            raise self._service_error(op, exc) from None
        except (bce.ConnectTimeoutError, bce.EndpointConnectionError) as exc:
            raise ConnectError(f"{op.name}: could not connect: {exc}", operation_name=op.name) from exc
        except bce.ReadTimeoutError as exc:
            raise ReadTimeoutError(f"{op.name}: no reply in time: {exc}", operation_name=op.name) from exc
        except bce.HTTPClientError as exc:
            raise ConnectionLostError(f"{op.name}: connection lost: {exc}", operation_name=op.name) from exc
        finally:
            fastparse.IN_SDK_CALL.reset(marker)
        raw = parsed.get(fastparse.RAW_BODY)
        if raw is not None:
            return validate_response_json(op.response, raw)
        return validate_response_obj(op.response, parsed)

    def _service_error(self, op: OperationSpec[Any, Any], exc: bce.ClientError) -> ServiceError:
        response: dict[str, Any] = exc.response  # pyright: ignore[reportAssignmentType]
        error: dict[str, Any] = response.get("Error") or {}
        meta: dict[str, Any] = response.get("ResponseMetadata") or {}
        headers: dict[str, str] = meta.get("HTTPHeaders") or {}
        code = str(error.get("Code") or "")
        cls = self._service.errors.get(code, self._service.base_error)
        return cls(
            # A service may quote the signed request back (signature mismatch
            # replies do), session token included.
            redact.scrub(str(error.get("Message") or error.get("message") or "")),
            code=code,
            status_code=int(meta.get("HTTPStatusCode") or 0),
            request_id=meta.get("RequestId") or headers.get("x-amzn-requestid"),
            operation_name=op.name,
            retry_after=_retry_after(headers.get("retry-after")),
        )


class _NoReplayAIOHTTPSession(AIOHTTPSession):  # type: ignore[misc]  # aiobotocore is untyped
    """aiobotocore's aiohttp session, without aiohttp's silent resend.

    aiohttp sends an idempotent request (GET, PUT, DELETE) a second time when a
    pooled connection turns out to be closed. That hidden attempt would break
    "max_attempts=N means N requests at most"; the SDK's retry layer decides.
    """

    async def _get_session(self, proxy_url: Any) -> Any:
        session = await super()._get_session(proxy_url)  # pyright: ignore[reportUnknownMemberType]
        session._retry_connection = False  # pyright: ignore[reportPrivateUsage]  # aiohttp's switch for that resend
        return session


def _add_data_path(session: Any, path: str) -> None:
    # Lookout for Vision's model is no longer in botocore: add the shipped one.
    loader = session.get_component("data_loader")
    paths: list[str] = loader.search_paths
    if path in paths:
        return
    paths.insert(0, path)
    # The loader memoizes what it found on the old paths (a session shared with
    # a client opened before may have listed the services already): forget it.
    cache = getattr(loader, "_cache", None)
    if isinstance(cache, dict):
        cache.clear()


def _running_under_trio() -> bool:
    trio: Any = sys.modules.get("trio")
    if trio is None:
        return False
    try:
        trio.lowlevel.current_task()
    except RuntimeError:
        return False
    return True


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None  # an HTTP date: AWS sends seconds, so ignore the rare other form
    return seconds if seconds >= 0 else None


async def _sleep(seconds: float) -> None:
    # anyio, so that the backoff runs under asyncio and trio alike.
    await anyio.sleep(seconds)
