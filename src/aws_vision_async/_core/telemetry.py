"""OpenTelemetry spans for calls, paginations, waiters and fan-outs.

Active when ``opentelemetry-api`` is installed (the ``[otel]`` extra) and the
program has set a tracer provider: every span goes to that provider. The SDK
imports nothing of OpenTelemetry before the program has imported
``opentelemetry.trace`` itself, and makes no span while no provider is set;
each call then pays a dictionary lookup or two.

Attributes follow OpenTelemetry's conventions for AWS SDK calls:
``rpc.system="aws-api"``, ``rpc.service``, ``rpc.method``, ``aws.request_id``,
``cloud.region``, ``http.response.status_code``, ``error.type``; the SDK's own
are under ``aws_vision_async.``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final, TypeVar

from .. import __version__

if TYPE_CHECKING:
    from opentelemetry.trace import Span, Tracer

__all__ = ["CallObserver", "PaginationTrace", "call_attributes", "end_span", "traced_call", "tracer"]

T = TypeVar("T")

#: The instrumentation scope name the spans carry.
SCOPE: Final = "aws_vision_async"
ATTEMPTS: Final = "aws_vision_async.attempts"
LIMITER_WAIT: Final = "aws_vision_async.rate_limiter.wait"

_UNRESOLVED: Final = object()
_tracer: Any = _UNRESOLVED
#: Whether _tracer is the API's proxy, which records nothing until a provider is set.
_is_proxy = False
_no_provider: tuple[Callable[[], object], tuple[type, ...]] | None = None


def tracer() -> Tracer | None:
    """The SDK's tracer, or ``None`` when nothing would record a span.

    ``None`` when ``opentelemetry-api`` is not installed, and also while the
    program has set no tracer provider (or a no-op one): the API is often
    installed as another package's dependency, and its no-op spans would
    still cost every call a few microseconds.
    """
    global _tracer, _is_proxy  # noqa: PLW0603 - resolved once per process
    found = _tracer
    if found is _UNRESOLVED:
        if "opentelemetry.trace" not in sys.modules and "OTEL_PYTHON_TRACER_PROVIDER" not in os.environ:
            # A program that set a tracer provider has imported the API's trace
            # module (or names a provider for it to load): until then, importing
            # it (about 20 ms) would only learn that nothing records.
            return None
        found = None
        try:
            installed = importlib.util.find_spec("opentelemetry.trace") is not None
        except (ImportError, ValueError):  # no "opentelemetry" package at all, or a stub in sys.modules
            installed = False
        if installed:
            from opentelemetry import trace  # noqa: PLC0415 - the optional extra

            # A proxy when no provider is set yet: it follows one set later.
            found = trace.get_tracer(SCOPE, __version__)
            _is_proxy = isinstance(found, trace.ProxyTracer)
        _tracer = found
    if found is None or (_is_proxy and not _provider_set()):
        return None
    result: Tracer = found
    return result


def _provider_set() -> bool:
    global _no_provider  # noqa: PLW0603 - the API's classes, looked up once
    if _no_provider is None:
        from opentelemetry import trace  # noqa: PLC0415 - imported by tracer() already

        _no_provider = (trace.get_tracer_provider, (trace.ProxyTracerProvider, trace.NoOpTracerProvider))
    get_provider, placeholders = _no_provider
    return not isinstance(get_provider(), placeholders)


def reset() -> None:
    """Look for the API again on next use (tests)."""
    global _tracer, _is_proxy
    _tracer, _is_proxy = _UNRESOLVED, False


def call_attributes(service_id: str, operation: str, region: str | None) -> dict[str, Any]:
    """The attributes every span about one operation carries."""
    attributes: dict[str, Any] = {"rpc.system": "aws-api", "rpc.service": service_id, "rpc.method": operation}
    if region:
        attributes["cloud.region"] = region
    return attributes


class CallObserver:
    """What the pipeline tells the span of one call: attempts, retries, rate-limiter waits."""

    __slots__ = ("attempts", "limiter_wait", "span")

    def __init__(self, span: Span) -> None:
        self.span = span
        self.attempts = 0
        self.limiter_wait = 0.0

    def retrying(self, number: int, error: BaseException, delay: float) -> None:
        """Attempt ``number`` failed with ``error``; the next starts in ``delay`` seconds."""
        attributes: dict[str, Any] = {
            "aws_vision_async.attempt": number,
            "error.type": _error_type(error),
            "aws_vision_async.retry.delay": delay,
        }
        request_id = getattr(error, "request_id", None)
        if request_id:
            attributes["aws.request_id"] = request_id
        self.span.add_event("retry", attributes)


async def traced_call(tracer: Tracer, attributes: dict[str, Any], run: Callable[[CallObserver], Awaitable[T]]) -> T:
    """Run one call in a client span named ``Service.Operation``."""
    from opentelemetry.trace import SpanKind  # noqa: PLC0415 - imported by now: tracer() found it

    name = f"{attributes['rpc.service']}.{attributes['rpc.method']}"
    with tracer.start_as_current_span(
        name, kind=SpanKind.CLIENT, attributes=attributes, record_exception=False, set_status_on_exception=False
    ) as span:
        observer = CallObserver(span)
        try:
            result = await run(observer)
        except BaseException as error:
            _call_done(span, observer)
            end_span(span, error, ended=False)
            raise
        _call_done(span, observer)
        metadata = getattr(result, "response_metadata", None)
        if metadata is not None:
            if metadata.request_id:
                span.set_attribute("aws.request_id", metadata.request_id)
            if metadata.http_status is not None:
                span.set_attribute("http.response.status_code", metadata.http_status)
        return result


def _call_done(span: Span, observer: CallObserver) -> None:
    span.set_attribute(ATTEMPTS, observer.attempts)
    span.set_attribute(LIMITER_WAIT, observer.limiter_wait)


def end_span(span: Span, error: BaseException | None, *, ended: bool = True) -> None:
    """Record how a span's work ended (``error`` or success), and end it unless ``ended`` is False."""
    if error is not None:
        from opentelemetry.trace import Status, StatusCode  # noqa: PLC0415

        if _is_cancellation(error):
            span.set_attribute("aws_vision_async.cancelled", True)
        else:
            span.set_attribute("error.type", _error_type(error))
            request_id = getattr(error, "request_id", None)
            if request_id:
                span.set_attribute("aws.request_id", request_id)
            status = getattr(error, "status_code", None)
            if isinstance(status, int):
                span.set_attribute("http.response.status_code", status)
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))
    if ended:
        span.end()


def _error_type(error: BaseException) -> str:
    # A service error is known by its AWS code; anything else by its class.
    code = getattr(error, "code", None)
    return code if isinstance(code, str) and code else type(error).__qualname__


def _is_cancellation(error: BaseException) -> bool:
    import anyio  # noqa: PLC0415 - loaded by the client already

    return isinstance(error, (anyio.get_cancelled_exc_class(), GeneratorExit))


class PaginationTrace:
    """The span of one whole pagination: opened by its first page, closed by its last.

    The span of every page request is its child. A pagination left before its
    last page ends its span when it is closed (``aclose``) or collected.
    """

    __slots__ = ("_attributes", "_pages", "_span", "_tracer")

    def __init__(self, tracer: Tracer, attributes: Callable[[], dict[str, Any]]) -> None:
        self._tracer = tracer
        self._attributes = attributes  # read at the first page: the client is open by then
        self._span: Span | None = None
        self._pages = 0

    async def fetch(self, fetch: Callable[[], Awaitable[T]]) -> T:
        """Request one page inside the pagination's span."""
        from opentelemetry.trace import SpanKind, use_span  # noqa: PLC0415

        span = self._span
        if span is None:
            attributes = self._attributes()
            name = f"{attributes['rpc.service']}.{attributes['rpc.method']} pagination"
            span = self._span = self._tracer.start_span(name, kind=SpanKind.INTERNAL, attributes=attributes)
        with use_span(span, end_on_exit=False, record_exception=False, set_status_on_exception=False):
            page = await fetch()
        self._pages += 1
        return page

    def end(self, error: BaseException | None = None) -> None:
        """Close the span (once): after the last page, an error, or when the caller stops."""
        span, self._span = self._span, None
        if span is None:
            return
        span.set_attribute("aws_vision_async.pages", self._pages)
        end_span(span, error)

    def __del__(self) -> None:
        # A loop left with `break` and never closed: the span still ends.
        self.end()
