"""The call entry point: what a generated client method calls to make a call, a pagination or a wait."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterable
from typing import Any, TypeVar, cast

import anyio
from pydantic import BaseModel

from ..errors import CallTimeoutError
from . import pipeline, redact, telemetry, waiter
from .budget import RetryBudget
from .client_token import new_client_token
from .operation import OperationSpec
from .options import limiter_for
from .pagination import AsyncPaginator
from .transport import Transport
from .views import ClientView
from .waiter import WaiterSpec

__all__ = ["Caller"]

ReqT = TypeVar("ReqT", bound=BaseModel)
RespT = TypeVar("RespT", bound=BaseModel)
ItemT = TypeVar("ItemT")


class Caller(ClientView):
    """Calls, paginations and waits, sent through the transport of the client that owns the connection."""

    # The connection's state, on the client that owns it (see _home).
    _transport: Transport | None
    #: The span attributes' service id and Region (OpenTelemetry), known once open.
    _span_identity: tuple[str, str | None] | None
    _budget: RetryBudget
    # Scrubs error messages; holds this client's secrets while it is open.
    _protection: redact.Protection

    @property
    def _home(self) -> Caller:
        # The client that owns the connection: this one, or the one a view came from.
        return cast("Caller", self._root or self)

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
        transport = home._transport
        if transport is None:
            raise RuntimeError(f"{type(self).__name__} is not open: use 'async with'")
        policy = self._retry_policy

        async def run(observer: telemetry.CallObserver | None) -> RespT:
            call = pipeline.run(
                self._service,
                op,
                params,
                transport=transport,
                scrub=home._protection.scrub,
                policy=policy,
                budget=home._budget if policy.use_budget else None,
                limiter=limiter_for(self._rate_limiter, op.name),
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
        identity = self._home._span_identity
        if identity is None:
            raise RuntimeError(f"{type(self).__name__} is not open: use 'async with'")
        service_id, region = identity
        return telemetry.call_attributes(service_id, operation, region)
