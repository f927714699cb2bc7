"""The exceptions of aws-vision-async.

Every exception the SDK raises derives from ``AwsVisionError``. A reply
from a service that reports a failure becomes a ``ServiceError``; each
documented error code of each service has its own class (in
``aws_vision_async.rekognition.errors`` and
``aws_vision_async.lookoutvision.errors``) that also derives from one
category base here, so that a kind of failure can be caught across services::

    AwsVisionError
    ├── ServiceError                     a reply with an error code
    │   ├── ThrottlingError              retryable: the request was refused, slow down
    │   ├── TransientError               retryable: the service failed (5xx)
    │   ├── AccessDeniedError
    │   ├── NotFoundError
    │   ├── ConflictError                the resource's state forbids the call
    │   ├── QuotaExceededError           a limit or quota, not a rate
    │   └── InvalidRequestError          the request itself is wrong
    ├── NetworkError                     no reply was received
    │   ├── ConnectError                 never connected: the request was not sent
    │   │                                (not retried when a proxy refused the tunnel)
    │   ├── ReadTimeoutError             sent, but no reply in time
    │   └── ConnectionLostError          the connection dropped after sending
    ├── InvalidResponseError             a reply that is no valid response: unparsable, or a redirect
    ├── PaginationError                  the service repeated a pagination token
    ├── RateLimitTimeoutError            no rate-limit token within max_wait: nothing sent
    ├── CallTimeoutError                 the call's timeout passed (also a TimeoutError)
    └── WaiterError                      a waiter did not reach its success state
        ├── WaiterFailedError            a failure state was reached (training failed, ...)
        └── WaiterTimeoutError           max_wait passed first

Invalid input is rejected before any I/O with pydantic's ``ValidationError``,
a ``ValueError`` that names the field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic

if TYPE_CHECKING:
    from typing_extensions import TypeVar

    from ._core.model import Response

    #: The response model a waiter polls; ``Response`` (any reply) where the waiter is not known.
    ResponseT_co = TypeVar("ResponseT_co", bound=Response, default=Response, covariant=True)
else:
    # The default needs typing_extensions' TypeVar; at run time a plain one does (and imports nothing).
    from typing import TypeVar

    ResponseT_co = TypeVar("ResponseT_co", covariant=True)

__all__ = [
    "AccessDeniedError",
    "AwsVisionError",
    "CallTimeoutError",
    "ConflictError",
    "ConnectError",
    "ConnectionLostError",
    "InvalidRequestError",
    "InvalidResponseError",
    "NetworkError",
    "NotFoundError",
    "PaginationError",
    "QuotaExceededError",
    "RateLimitTimeoutError",
    "ReadTimeoutError",
    "ServiceError",
    "ThrottlingError",
    "TransientError",
    "WaiterError",
    "WaiterFailedError",
    "WaiterTimeoutError",
]


class AwsVisionError(Exception):
    """Base class of every exception raised by aws-vision-async."""


class ServiceError(AwsVisionError):
    """A service answered with an error.

    Attributes:
        code: The error code the service sent (``"ThrottlingException"``).
        message: The service's message, possibly empty.
        status_code: The HTTP status of the reply.
        request_id: The request id the service assigned, for AWS support.
        operation_name: The API operation, as AWS names it (``"CreateProject"``).
        retry_after: Seconds the service asked the client to wait, when it said.
    """

    #: Whether this kind of error may succeed when the call is made again. The one
    #: source of truth: an operation retries the codes it documents whose class says so.
    retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str = "",
        *,
        code: str = "",
        status_code: int = 0,
        request_id: str | None = None,
        operation_name: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.code = code or type(self).__name__
        self.message = message
        self.status_code = status_code
        self.request_id = request_id
        self.operation_name = operation_name
        self.retry_after = retry_after
        super().__init__(message)

    def __str__(self) -> str:
        where = f" in {self.operation_name}" if self.operation_name else ""
        rid = f" (request id {self.request_id})" if self.request_id else ""
        text = f": {self.message}" if self.message else ""
        return f"{self.code}{where}, HTTP {self.status_code}{text}{rid}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, "
            f"status_code={self.status_code!r}, request_id={self.request_id!r}, "
            f"operation_name={self.operation_name!r})"
        )

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only state does not survive the default Exception pickling.
        return (
            _rebuild_service_error,
            (
                type(self),
                self.message,
                self.code,
                self.status_code,
                self.request_id,
                self.operation_name,
                self.retry_after,
            ),
        )


def _rebuild_service_error(  # noqa: PLR0917 - pickle passes state positionally
    cls: type[ServiceError],
    message: str,
    code: str,
    status_code: int,
    request_id: str | None,
    operation_name: str,
    retry_after: float | None,
) -> ServiceError:
    return cls(
        message,
        code=code,
        status_code=status_code,
        request_id=request_id,
        operation_name=operation_name,
        retry_after=retry_after,
    )


class ThrottlingError(ServiceError):
    """The service refused the request because of its rate; retrying later helps."""

    retryable: ClassVar[bool] = True


class TransientError(ServiceError):
    """The service failed internally (HTTP 5xx); retrying may help."""

    retryable: ClassVar[bool] = True


class AccessDeniedError(ServiceError):
    """The caller is not allowed to perform the operation."""


class NotFoundError(ServiceError):
    """A resource the request names does not exist."""


class ConflictError(ServiceError):
    """The resource exists already, is in use, or is not in a state that allows the call."""


class QuotaExceededError(ServiceError):
    """A service limit or quota was reached; retrying soon will not help."""


class InvalidRequestError(ServiceError):
    """The service rejected the request's parameters or content."""


class NetworkError(AwsVisionError):
    """No reply was received from the service.

    The original exception from the HTTP layer is chained as ``__cause__``.

    Attributes:
        operation_name: The API operation, as AWS names it.
        may_have_reached_server: Whether the service may have acted on the request.
        retryable: Whether another attempt may succeed; ``False`` when the
            failure is a refusal that a retry would only repeat (a proxy that
            refuses to open the tunnel).
    """

    may_have_reached_server: ClassVar[bool] = True

    def __init__(self, message: str, *, operation_name: str = "", retryable: bool = True) -> None:
        self.operation_name = operation_name
        self.retryable = retryable
        super().__init__(message)


class ConnectError(NetworkError):
    """The connection could not be established, so the request was never sent."""

    may_have_reached_server: ClassVar[bool] = False


class ReadTimeoutError(NetworkError):
    """The request was sent but no reply arrived in time."""


class ConnectionLostError(NetworkError):
    """The connection closed after the request was sent, before a complete reply."""


class InvalidResponseError(AwsVisionError):
    """A reply that is not a valid response of the operation, so the call's outcome is unknown.

    Either a successful (2xx) reply whose body does not fit the operation's
    response (an HTML page from a proxy, a truncated body, a field of the wrong
    type), or a redirect (3xx), which the SDK never follows: the request, its
    body and its credentials go to the endpoint configured, nowhere else. It is
    not retried. It is not a ``ValueError``: the caller's input was fine.

    Attributes:
        operation_name: The API operation, as AWS names it.
        status_code: The HTTP status of the reply.
        request_id: The request id of the reply, when it had one.
        reason: What was wrong, in a few words (which field, which problem);
            never the reply's body.
    """

    #: The longest ``reason`` kept: a reason quotes a field, never a body.
    MAX_REASON: ClassVar[int] = 300

    def __init__(
        self,
        reason: str,
        *,
        operation_name: str = "",
        status_code: int = 0,
        request_id: str | None = None,
    ) -> None:
        if len(reason) > self.MAX_REASON:
            reason = reason[: self.MAX_REASON - 3] + "..."
        self.reason = reason
        self.operation_name = operation_name
        self.status_code = status_code
        self.request_id = request_id
        super().__init__(reason)

    def __str__(self) -> str:
        where = f" of {self.operation_name}" if self.operation_name else ""
        rid = f" (request id {self.request_id})" if self.request_id else ""
        return f"invalid reply{where}, HTTP {self.status_code}: {self.reason}{rid}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(reason={self.reason!r}, operation_name={self.operation_name!r}, "
            f"status_code={self.status_code!r}, request_id={self.request_id!r})"
        )

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_invalid_response,
            (type(self), self.reason, self.operation_name, self.status_code, self.request_id),
        )


def _rebuild_invalid_response(
    cls: type[InvalidResponseError], reason: str, operation_name: str, status_code: int, request_id: str | None
) -> InvalidResponseError:
    return cls(reason, operation_name=operation_name, status_code=status_code, request_id=request_id)


class PaginationError(AwsVisionError):
    """The service returned a pagination token it had returned before, which would loop."""


class RateLimitTimeoutError(AwsVisionError):
    """No rate-limit token would be free within ``max_wait`` seconds, so the SDK gave up at once.

    Nothing was sent and no token was taken: see ``aws_vision_async.RateLimiter``.

    Attributes:
        wait: The seconds the token would have taken.
        max_wait: The most the caller was ready to wait.
    """

    def __init__(self, wait: float, max_wait: float) -> None:
        super().__init__(f"a rate limit token needs {wait:.3f}s, more than max_wait={max_wait:.3f}s")
        self.wait = wait
        self.max_wait = max_wait

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.wait, self.max_wait))


class CallTimeoutError(AwsVisionError, TimeoutError):
    """A call took longer than its ``timeout`` (retries, backoff and rate-limit waits included).

    It is also a ``TimeoutError``. A request in flight when the time ran out
    was abandoned: the service may have acted on it, as after a
    ``ReadTimeoutError``.

    Attributes:
        timeout: The seconds the call was allowed.
        operation_name: The API operation, as AWS names it.
    """

    def __init__(self, timeout: float, *, operation_name: str = "") -> None:
        super().__init__(f"{operation_name or 'the call'} did not complete within timeout={timeout:g}s")
        self.timeout = timeout
        self.operation_name = operation_name

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_call_timeout, (type(self), self.timeout, self.operation_name))


def _rebuild_call_timeout(cls: type[CallTimeoutError], timeout: float, operation_name: str) -> CallTimeoutError:
    return cls(timeout, operation_name=operation_name)


class WaiterError(AwsVisionError, Generic[ResponseT_co]):
    """A waiter stopped without reaching its success state.

    Generic in the response model the waiter polls. A bare ``except WaiterError``
    (or ``WaiterFailedError``) may catch any waiter's error, so ``last_response``
    is then a ``Response`` (narrow it with ``isinstance``); each waiter also raises
    its own subclasses, whose ``last_response`` is typed precisely::

        from aws_vision_async.rekognition.errors import ProjectVersionTrainingCompletedFailedError

        try:
            await rek.wait_until_project_version_training_completed(project_arn=arn)
        except ProjectVersionTrainingCompletedFailedError as exc:
            if exc.last_response is not None:  # None: the last poll ended in an error
                print(exc.last_response.project_version_descriptions)

    Attributes:
        waiter_name: The waiter, as botocore names it (``"ProjectVersionTrainingCompleted"``).
        attempts: How many times the waiter polled.
    """

    def __init__(
        self, message: str, *, waiter_name: str, attempts: int, last_response: ResponseT_co | None = None
    ) -> None:
        self.waiter_name = waiter_name
        self.attempts = attempts
        self._last_response = last_response
        super().__init__(message)

    @property
    def last_response(self) -> ResponseT_co | None:
        """The last response polled, or ``None`` if the last poll ended in an error (chained as ``__cause__``)."""
        return self._last_response

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only state does not survive the default Exception pickling.
        return (_rebuild_waiter_error, (type(self), str(self), self.waiter_name, self.attempts, self._last_response))


def _rebuild_waiter_error(
    cls: type[WaiterError[Any]], message: str, waiter_name: str, attempts: int, last_response: Any
) -> WaiterError[Any]:
    return cls(message, waiter_name=waiter_name, attempts=attempts, last_response=last_response)


class WaiterFailedError(WaiterError[ResponseT_co]):
    """The waiter reached a failure state, such as a model version whose training failed."""


class WaiterTimeoutError(WaiterError[ResponseT_co]):
    """The waiter's ``max_wait`` passed before a success or failure state."""
