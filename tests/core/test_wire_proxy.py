"""A proxy that refuses ``CONNECT`` (403, 407) is a ``ConnectError`` that says so and is not retried.

Retrying would only be refused again. A proxy that fails for now (502, 503)
is still a connect failure worth retrying. A bare ``501`` reply (no AWS error
code) is not transient: see ``test_server_errors.py``.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from aiobotocore.config import AioConfig

from aws_vision_async import ConnectError, RekognitionClient, RetryPolicy
from aws_vision_async._core.errormap import TRANSIENT_STATUS_CODES

from ..conftest import client_kwargs
from ..fakeaws import FakeAws
from ._support import closed_port
from ._wire import anyio_backend, http_backend

__all__ = ["anyio_backend", "http_backend"]

pytestmark = pytest.mark.anyio

REASONS = {403: "Forbidden", 407: "Proxy Authentication Required", 502: "Bad Gateway"}


class RefusingProxy:
    """An HTTP proxy on 127.0.0.1 that answers every ``CONNECT`` with one status, and counts them."""

    def __init__(self) -> None:
        self.status = 403
        self.connects: list[str] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, name="refusing-proxy", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    head += chunk
                self.connects.append(head.split(b"\r\n", 1)[0].decode())
                reason = REASONS.get(self.status, "Refused")
                reply = f"HTTP/1.1 {self.status} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                conn.sendall(reply.encode())

    def close(self) -> None:
        self._sock.close()


@pytest.fixture(scope="module")
def proxy() -> Iterator[RefusingProxy]:
    server = RefusingProxy()
    yield server
    server.close()


def through(proxy: RefusingProxy, fake: FakeAws, http_backend: str, direct: bool) -> RekognitionClient:
    # An https endpoint that nothing serves: only the proxy is ever reached.
    return RekognitionClient(
        **client_kwargs(
            fake,
            endpoint_url=f"https://127.0.0.1:{closed_port()}",
            http_backend=http_backend,
            direct=direct,
            retry_policy=RetryPolicy(max_attempts=4),
            config=AioConfig(proxies={"https": proxy.url}, connect_timeout=5),
        )
    )


@pytest.mark.parametrize("direct", [True, False])
@pytest.mark.parametrize("status", [403, 407])
async def test_a_refused_connect_is_a_connect_error_not_retried(
    proxy: RefusingProxy, fake_aws: FakeAws, http_backend: str, direct: bool, status: int
) -> None:
    proxy.status = status
    proxy.connects.clear()
    async with through(proxy, fake_aws, http_backend, direct) as rek:
        with pytest.raises(ConnectError) as caught:
            await rek.describe_collection(collection_id="c")
    assert len(proxy.connects) == 1, proxy.connects
    assert proxy.connects[0].startswith("CONNECT 127.0.0.1:")
    err = caught.value
    assert err.retryable is False
    assert not err.may_have_reached_server
    assert "proxy" in str(err)
    assert "refused" in str(err)
    assert f"HTTP {status}" in str(err)
    assert err.operation_name == "DescribeCollection"


async def test_a_proxy_failing_for_now_is_retried(proxy: RefusingProxy, fake_aws: FakeAws, http_backend: str) -> None:
    proxy.status = 502
    proxy.connects.clear()
    async with through(proxy, fake_aws, http_backend, True) as rek:
        with pytest.raises(ConnectError) as caught:
            await rek.describe_collection(collection_id="c")
    assert len(proxy.connects) == 4
    assert caught.value.retryable
    assert "refused" not in str(caught.value)


def test_501_is_not_a_transient_status() -> None:
    # botocore's transient statuses; a bare 501 through the whole stack: test_server_errors.py.
    assert frozenset({500, 502, 503, 504}) == TRANSIENT_STATUS_CODES
