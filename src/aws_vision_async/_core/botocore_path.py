"""botocore's own request path, and the hooks that make it the SDK's.

botocore does the signing, the endpoint, the HTTP and the error parsing. The
SDK hooks into each client it uses, and the hooks act only while the SDK sends
(:data:`~aws_vision_async._core.attempt.CURRENT_ATTEMPT` is set):

* botocore's retries are vetoed, so the SDK's retry loop is the only one;
* the attempt headers (``amz-sdk-invocation-id``, ``amz-sdk-request``) count
  the SDK's attempts, as other AWS SDKs send them;
* successful JSON bodies reach the SDK raw (``fastparse``).
"""

from __future__ import annotations

from typing import Any

from . import compat, fastparse
from .attempt import CURRENT_ATTEMPT
from .clock import ClientClock, clock_of, hook_botocore_signer
from .transport import Reply, Request, lower_headers

__all__ = ["BotocoreTransport", "install"]

_HOOK_ID = "aws-vision-async"


def install(client: Any) -> None:
    """Hook the SDK's retry veto and attempt numbers into an aiobotocore client (idempotent: unique ids)."""
    service = client.meta.service_model.service_id.hyphenize()
    events = client.meta.events
    # botocore takes the first answer that is not None; registered first, this one wins.
    events.register_first(f"needs-retry.{service}", _never_retry, unique_id=f"{_HOOK_ID}-no-retry")
    # botocore's add_retry_headers (on "request-created") writes the attempt
    # headers from request.context["retries"], after the signer ran: set the
    # SDK's numbers there first.
    events.register_first("request-created", _number_attempt, unique_id=f"{_HOOK_ID}-attempt")


def _never_retry(**_: Any) -> bool | None:
    return False if CURRENT_ATTEMPT.get() is not None else None


def _number_attempt(request: Any, **_: Any) -> None:
    attempt = CURRENT_ATTEMPT.get()
    if attempt is None:
        return
    compat.set_retry_context(request, attempt.invocation_id, attempt.number, attempt.max_attempts)


class BotocoreTransport:
    """Sends through an aiobotocore client's operation methods: botocore's whole request path.

    Attributes:
        clock: The client's clock correction (shared by every SDK client of one aiobotocore client).
    """

    __slots__ = ("_client", "_closed_message", "clock")

    def __init__(self, client: Any) -> None:
        """Use ``client``, hooked with :func:`install` already.

        Args:
            client: An open aiobotocore client.
        """
        self._client = client
        self._closed_message: str | None = None
        self.clock: ClientClock = clock_of(client)

    def close(self, message: str) -> None:
        """Refuse later requests with ``RuntimeError(message)``: the client was closed."""
        self._closed_message = message

    def check_open(self) -> None:
        """Raise ``RuntimeError`` when the client was closed (during a call: before a retry)."""
        if self._closed_message is not None:
            raise RuntimeError(self._closed_message)

    async def send(self, request: Request) -> Reply:
        """Send ``request`` through botocore (see :class:`~aws_vision_async._core.transport.Transport`)."""
        self.check_open()
        parsed: dict[str, Any] = await getattr(self._client, request.operation.method)(**request.params)
        meta: dict[str, Any] = parsed.get("ResponseMetadata") or {}
        return Reply(
            status=meta.get("HTTPStatusCode"),
            headers=lower_headers(meta.get("HTTPHeaders") or {}),
            body=parsed.get(fastparse.RAW_BODY),
            parsed=parsed,
        )

    def corrects_clock(self, operation_name: str) -> bool:
        """Whether botocore's signer applies the clock's offset (hooked on first ask)."""
        return hook_botocore_signer(self._client, self.clock)
