"""Skip botocore's Python response parser on successful replies.

botocore parses every JSON reply into dicts (about 4 ms for a page of 100
projects) which pydantic would then validate again. Instead, a successful reply
whose output lives wholly in the JSON body is handed on as raw bytes and
validated straight into the response model. Errors, streams and replies with
members bound to headers still go through botocore's parser.
"""

from __future__ import annotations

from typing import Any, Final

from . import compat
from .attempt import CURRENT_ATTEMPT

RAW_BODY: Final = "__aws_vision_async_raw_body__"


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
        in_sdk_call = CURRENT_ATTEMPT.get() is not None
        if in_sdk_call and response["status_code"] < 300 and isinstance(body, bytes) and _body_only(shape):
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


def install(client: Any) -> None:
    """Make ``client`` hand successful JSON bodies on raw during SDK calls.

    Raises:
        AttributeError: botocore's parser factory is not where ``compat`` reads it;
            the client keeps parsing, and the SDK validates parsed dicts.
    """
    factory = compat.response_parser_factory(client)
    if factory is None:
        raise AttributeError("the endpoint has no response parser factory")
    if not isinstance(factory, RawBodyParserFactory):
        compat.set_response_parser_factory(client, RawBodyParserFactory(factory))
