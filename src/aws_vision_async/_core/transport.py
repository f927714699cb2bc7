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

from collections.abc import Callable
from typing import Any, TypeVar

from aiobotocore.httpsession import AIOHTTPSession
from pydantic import BaseModel

from ..errors import ServiceError
from . import fastparse
from .direct import direct_path
from .errormap import map_error
from .model import validate_response_json, validate_response_obj
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
            return validate_response_json(op.response, await path.send(route, op.name, params, attempt))
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
    if raw is not None:
        return validate_response_json(op.response, raw)
    return validate_response_obj(op.response, parsed)


class NoReplayAIOHTTPSession(AIOHTTPSession):  # type: ignore[misc]  # aiobotocore is untyped
    """aiobotocore's aiohttp session, without aiohttp's silent resend.

    aiohttp sends an idempotent request (GET, PUT, DELETE) a second time when a
    pooled connection turns out to be closed. That hidden attempt would break
    "max_attempts=N means N requests at most"; the SDK's retry layer decides.
    """

    async def _get_session(self, proxy_url: Any) -> Any:
        session = await super()._get_session(proxy_url)  # pyright: ignore[reportUnknownMemberType]
        session._retry_connection = False  # pyright: ignore[reportPrivateUsage]  # aiohttp's switch for that resend
        return session
