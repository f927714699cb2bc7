"""TLS through the aiohttp backend: verified as botocore configures it, set up once per process.

aiobotocore reads the CA bundle into a new TLS context on the first request of
every client; the SDK's HTTP session keeps one per set of TLS settings, and
builds none for plain HTTP.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiobotocore.httpsession import AIOHTTPSession

from aws_vision_async import ConnectError, RekognitionClient, RetryPolicy
from aws_vision_async._core import http_session

from ..conftest import client_kwargs
from ..fakeaws import FakeAws, ok

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def tls_server(ca: trustme.CA) -> Iterator[FakeAws]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server = FakeAws(ssl_context=context)
    server.start()
    server.always("DescribeProjects", ok({"ProjectDescriptions": []}))
    yield server
    server.stop()


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """aiobotocore's TLS context builds, from now on, with an empty cache."""
    monkeypatch.setattr(http_session, "_tls_contexts", {})
    seen: list[Any] = []
    real = AIOHTTPSession._build_ssl_contexts

    def spy(self: Any, proxy_url: Any) -> Any:
        seen.append(proxy_url)
        return real(self, proxy_url)

    monkeypatch.setattr(AIOHTTPSession, "_build_ssl_contexts", spy)
    return seen


def _bundle(ca: trustme.CA, path: Path) -> str:
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def _append(path: Path, data: bytes) -> None:
    path.write_bytes(path.read_bytes() + data)


@pytest.fixture
def trusted(ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A CA bundle that holds the test server's CA, set as ``AWS_CA_BUNDLE``."""
    path = tmp_path / "ca.pem"
    monkeypatch.setenv("AWS_CA_BUNDLE", _bundle(ca, path))
    return path


async def _call(server: FakeAws, **extra: Any) -> None:
    async with RekognitionClient(**client_kwargs(server, **extra)) as rek:
        await rek.describe_projects(max_results=1)


@pytest.mark.parametrize("direct", [True, False])
async def test_clients_of_a_process_verify_with_one_tls_context(
    tls_server: FakeAws, trusted: Path, builds: list[Any], direct: bool
) -> None:
    for _ in range(3):
        await _call(tls_server, direct=direct)
    assert builds == [None]


async def test_a_changed_ca_bundle_makes_a_new_context(tls_server: FakeAws, trusted: Path, builds: list[Any]) -> None:
    await _call(tls_server)
    # Same CA, rewritten with another one appended: a new file version.
    _append(trusted, trustme.CA().cert_pem.bytes())
    await _call(tls_server)
    assert len(builds) == 2


async def test_a_server_outside_the_ca_bundle_still_fails_verification(
    tls_server: FakeAws, trusted: Path, builds: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    await _call(tls_server)
    # Another bundle, which does not hold the server's CA: verification fails,
    # even with a context for the first bundle cached.
    monkeypatch.setenv("AWS_CA_BUNDLE", _bundle(trustme.CA(), trusted.with_name("other.pem")))
    with pytest.raises(ConnectError, match="CERTIFICATE_VERIFY_FAILED") as caught:
        await _call(tls_server, retry_policy=RetryPolicy(max_attempts=1))
    assert not caught.value.may_have_reached_server
    assert len(builds) == 2


async def test_plain_http_builds_no_tls_context(fake_aws: FakeAws, builds: list[Any]) -> None:
    fake_aws.always("DescribeProjects", ok({"ProjectDescriptions": []}))
    for direct in (True, False):
        await _call(fake_aws, direct=direct)
    assert builds == []
    assert len(fake_aws.calls("DescribeProjects")) == 2
