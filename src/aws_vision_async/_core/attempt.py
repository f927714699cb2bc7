"""The attempt the SDK is sending in this task: the hooks on a shared aiobotocore client read it here.

A user may call the aiobotocore client directly (``aiobotocore_client``, or a
client handed in with ``client=``). Everything the SDK hooks into that client
(the raw-body parser, the retry veto, the attempt headers, the quieting of
botocore's retry log lines) acts only while :data:`CURRENT_ATTEMPT` is set, so
those direct calls stay plain botocore.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["CURRENT_ATTEMPT", "Attempt"]


@dataclass(frozen=True, slots=True)
class Attempt:
    """One request of one logical call, as the AWS SDKs number it.

    Attributes:
        invocation_id: One id for every attempt of the call (``amz-sdk-invocation-id``).
        number: 1 for the first request, 2 for the first retry, and so on.
        max_attempts: The most requests the call may make.
    """

    invocation_id: str
    number: int
    max_attempts: int


#: The attempt the SDK is sending in this task, or ``None`` outside SDK calls.
CURRENT_ATTEMPT: ContextVar[Attempt | None] = ContextVar("aws_vision_async_attempt", default=None)
