"""Helpers shared by the tests of the hand-written core."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aws_vision_async import RekognitionClient, RetryPolicy

from ..conftest import client_kwargs
from ..fakeaws import FakeAws, Reply

#: Reply to ``DescribeCollection`` with a body the SDK can validate.
COLLECTION_BODY = {
    "FaceCount": 3,
    "FaceModelVersion": "7.0",
    "CollectionARN": "aws:rekognition:us-east-1:123456789012:collection/c",
    "CreationTimestamp": 1700000000,
    "UserCount": 1,
}


def slow(seconds: float = 0.8) -> Reply:
    """A reply that comes later than the 0.3 s read timeout of :func:`open_rek` (``read_timeout=True``)."""
    return Reply(200, COLLECTION_BODY, delay=seconds)


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, noted, closed)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    finally:
        sock.close()
    return port


@asynccontextmanager
async def open_rek(
    fake: FakeAws,
    *,
    max_attempts: int = 4,
    read_timeout: bool = False,
    use_budget: bool = True,
    **extra: Any,
) -> AsyncIterator[RekognitionClient]:
    """An open Rekognition client pointed at ``fake`` with the given retry settings."""
    kwargs = client_kwargs(fake, retry_policy=RetryPolicy(max_attempts=max_attempts, use_budget=use_budget), **extra)
    if read_timeout:
        from aiobotocore.config import AioConfig

        kwargs["config"] = AioConfig(read_timeout=0.3, connect_timeout=2)
    async with RekognitionClient(**kwargs) as client:
        yield client


class SendCounter:
    """Counts the HTTP sends (connection attempts included) of an aiobotocore client."""

    def __init__(self, client: RekognitionClient) -> None:
        self.count = 0
        # Wraps the HTTP session itself: both request paths (direct and botocore's) send through it.
        session = client.aiobotocore_client._endpoint.http_session
        send = session.send

        async def counted(request: Any) -> Any:
            self.count += 1
            return await send(request)

        session.send = counted
