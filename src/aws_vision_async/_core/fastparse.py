"""Skip botocore's Python response parser on successful replies.

botocore parses every JSON reply into dicts (about 4 ms for a page of 100
projects) which pydantic would then validate again. Instead, a successful reply
whose output lives wholly in the JSON body is handed on as raw bytes and
validated straight into the response model. Errors, streams and replies with
members bound to headers still go through botocore's parser.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Final

RAW_BODY: Final = "__aws_vision_async_raw_body__"

#: True while the SDK's own pipeline sends a request. The hooks installed on an
#: aiobotocore client act only then, so calls made on that client directly
#: (``aiobotocore_client``, or a client the caller handed in) behave as plain
#: botocore: parsed replies, botocore's retry settings.
IN_SDK_CALL: ContextVar[bool] = ContextVar("aws_vision_async_in_sdk_call", default=False)


def _body_only(shape: Any) -> bool:
    if shape is None or shape.serialization.get("payload") or shape.serialization.get("eventstream"):
        return False
    return all("location" not in m.serialization for m in shape.members.values())


class _RawBodyParser:
    """Wraps one of botocore's parsers; returns 2xx JSON bodies unparsed."""

    __slots__ = ("_inner",)

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    async def parse(self, response: dict[str, Any], shape: Any) -> Any:
        body = response.get("body")
        if IN_SDK_CALL.get() and response["status_code"] < 300 and isinstance(body, bytes) and _body_only(shape):
            headers: dict[str, str] = {str(k).lower(): v for k, v in response["headers"].items()}
            return {
                RAW_BODY: body,
                "ResponseMetadata": {
                    "RequestId": headers.get("x-amzn-requestid"),
                    "HTTPStatusCode": response["status_code"],
                    "HTTPHeaders": headers,
                },
            }
        return await self._inner.parse(response, shape)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class RawBodyParserFactory:
    """A botocore response-parser factory whose parsers keep 2xx bodies raw."""

    __slots__ = ("_inner",)

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def create_parser(self, protocol_name: str) -> _RawBodyParser:
        return _RawBodyParser(self._inner.create_parser(protocol_name))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def never_retry(**_: Any) -> bool | None:
    """A ``needs-retry`` handler that vetoes botocore's retries during SDK calls.

    botocore takes the first answer that is not None from its handlers; this one
    is registered first, so during an SDK call botocore never retries and the
    SDK stays the only retry layer.
    """
    return False if IN_SDK_CALL.get() else None


def install(client: Any) -> bool:
    """Make ``client`` hand successful JSON bodies on raw during SDK calls, and not retry them.

    The endpoint's parser factory is a private attribute of botocore; if it is
    not there the client keeps parsing and the SDK validates parsed dicts.

    Returns:
        Whether the fast path is in place.
    """
    service = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register_first(f"needs-retry.{service}", never_retry, unique_id="aws-vision-async-no-retry")
    endpoint = getattr(client, "_endpoint", None)
    factory = getattr(endpoint, "_response_parser_factory", None)
    if factory is None:
        return False
    if not isinstance(factory, RawBodyParserFactory):
        endpoint._response_parser_factory = RawBodyParserFactory(factory)  # type: ignore[union-attr]  # pyright: ignore[reportOptionalMemberAccess, reportAttributeAccessIssue]
    return True
