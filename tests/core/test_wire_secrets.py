"""No secret is reachable from an exception the SDK raises: not its text, not its chain, not a frame's locals.

Error reporters (Sentry and the like) capture every frame's local variables and
every chained exception. Walked here, for errors raised on both request paths
and both HTTP backends: each exception of the ``__cause__``/``__context__``
chain (its str, repr, args and attributes) and, in every frame of the SDK's own
code in their tracebacks, the repr of each local, and of what it holds, a few
levels down: the items of lists, tuples and dicts, and the attributes of the
SDK's objects that do not define their own repr (those that do, such as
credential holders, are trusted to show what they choose). Neither the secret
access key nor the session token may appear. Log records too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import aws_vision_async
from aws_vision_async import (
    ConnectError,
    ConnectionLostError,
    InvalidResponseError,
    RekognitionClient,
    RetryPolicy,
    ServiceError,
)
from aws_vision_async._core import attempt

from ..conftest import SECRET_KEY, SESSION_TOKEN, client_kwargs
from ..fakeaws import FakeAws, Reply, drop, proxy_error, rek_error
from ._support import closed_port
from ._wire import anyio_backend, http_backend

__all__ = ["anyio_backend", "http_backend"]

pytestmark = pytest.mark.anyio

SECRETS = (SECRET_KEY, SESSION_TOKEN)
SDK_DIR = str(Path(aws_vision_async.__file__).parent)


def _safe_repr(value: object) -> str:
    try:
        return repr(value)
    except Exception as exc:  # a repr that fails shows nothing
        return f"<repr failed: {type(exc).__name__}>"


def _is_sdk_object(value: object) -> bool:
    kind = type(value)
    return kind.__module__.startswith("aws_vision_async") and kind.__repr__ is object.__repr__


def _attributes(value: object) -> list[object]:
    found: list[object] = list(getattr(value, "__dict__", {}).values())
    for kind in type(value).__mro__:
        for name in getattr(kind, "__slots__", ()):
            if hasattr(value, name) and name != "__weakref__":
                found.append(getattr(value, name))
    return found


def _keys_and_values(mapping: Any) -> list[object]:
    return [*mapping.keys(), *mapping.values()]


def shown(value: object, depth: int = 3) -> Iterator[str]:
    """The repr of ``value`` and of what it holds, ``depth`` levels down."""
    yield _safe_repr(value)
    if depth <= 0:
        return
    thing: Any = value  # containers of anything: their items' types do not matter here
    items: list[object] = []
    if type(thing) in (list, tuple, set, frozenset):
        items = list(thing)
    elif type(thing) is dict:
        items = _keys_and_values(value)
    elif _is_sdk_object(thing):
        items = _attributes(thing)
    for item in items:
        yield from shown(item, depth - 1)


def reachable(err: BaseException) -> Iterator[tuple[str, str]]:
    """Every text an error reporter could find from ``err``: (where, text)."""
    seen: set[int] = set()
    todo: list[BaseException] = [err]
    while todo:
        exc = todo.pop()
        if id(exc) in seen:
            continue
        seen.add(id(exc))
        name = type(exc).__name__
        yield f"{name} str", str(exc)
        yield f"{name} repr", repr(exc)
        yield f"{name} args", _safe_repr(exc.args)
        for value in vars(exc).values():
            for text in shown(value, 2):
                yield f"{name} attribute", text
        tb = exc.__traceback__
        while tb is not None:
            code = tb.tb_frame.f_code
            if code.co_filename.startswith(SDK_DIR):
                for local, value in tb.tb_frame.f_locals.items():
                    for text in shown(value):
                        yield f"{name}: local {local!r} of {code.co_name}", text
            tb = tb.tb_next
        todo.extend(e for e in (exc.__cause__, exc.__context__) if e is not None)


def assert_nothing_reachable(err: BaseException) -> int:
    count = 0
    for where, text in reachable(err):
        count += 1
        for secret in SECRETS:
            assert secret not in text, f"secret reachable in {where}: {text[:300]!r}"
    return count


def test_the_walk_finds_a_secret_in_a_frame() -> None:
    # The walk itself: a secret in an SDK object's attribute, held by a local of an SDK frame, is found.
    def fail() -> None:
        holder = attempt.Attempt(SECRET_KEY, 1, 1)
        raise ValueError(f"boom {type(holder).__name__}")

    fail.__code__ = fail.__code__.replace(co_filename=f"{SDK_DIR}/fake.py")
    with pytest.raises(ValueError, match="boom") as caught:
        fail()
    with pytest.raises(AssertionError, match="secret reachable"):
        assert_nothing_reachable(caught.value)


CASES = [
    pytest.param(rek_error("AccessDeniedException", f"denied {SESSION_TOKEN}", 400), ServiceError, id="service"),
    pytest.param(rek_error("InternalServerError", "oops", 500), ServiceError, id="retried-service"),
    pytest.param(drop(), ConnectionLostError, id="dropped"),
    pytest.param(proxy_error(502), ServiceError, id="proxy-page"),
    pytest.param(Reply(200, raw=b"<html>nope</html>", content_type="text/html"), InvalidResponseError, id="invalid"),
    pytest.param(Reply(307, {}, {"Location": "http://127.0.0.1:9/"}), InvalidResponseError, id="redirect"),
]


@pytest.mark.parametrize("direct", [True, False])
@pytest.mark.parametrize(("reply", "expected"), CASES)
async def test_errors_of_a_call(
    fake_aws: FakeAws,
    http_backend: str,
    direct: bool,
    *,
    reply: Reply,
    expected: type[Exception],
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_aws.always("DescribeCollection", reply)
    kwargs = client_kwargs(fake_aws, http_backend=http_backend, direct=direct, retry_policy=RetryPolicy(max_attempts=2))
    with caplog.at_level(logging.DEBUG):
        async with RekognitionClient(**kwargs) as rek:
            with pytest.raises(expected) as caught:
                await rek.describe_collection(collection_id="c")
    assert assert_nothing_reachable(caught.value) > 20  # the walk saw frames, not just the message
    for record in caplog.records:
        for secret in SECRETS:
            assert secret not in record.getMessage()


@pytest.mark.parametrize("direct", [True, False])
async def test_a_connect_error(fake_aws: FakeAws, http_backend: str, direct: bool) -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}"
    kwargs = client_kwargs(fake_aws, http_backend=http_backend, direct=direct, endpoint_url=endpoint)
    async with RekognitionClient(**kwargs) as rek:
        with pytest.raises(ConnectError) as caught:
            await rek.describe_collection(collection_id="c")
    assert caught.value.__cause__ is not None  # the HTTP layer's error is kept, scrubbed
    assert_nothing_reachable(caught.value)


async def test_a_dropped_connection_keeps_its_cause_without_the_request(fake_aws: FakeAws, http_backend: str) -> None:
    fake_aws.always("DescribeCollection", drop())
    async with RekognitionClient(**client_kwargs(fake_aws, http_backend=http_backend, direct=False)) as rek:
        with pytest.raises(ConnectionLostError) as caught:
            await rek.describe_collection(collection_id="c")
    cause: Any = caught.value.__cause__
    assert cause is not None
    assert "request" not in cause.kwargs


async def test_a_service_error_carries_no_botocore_context(fake_aws: FakeAws, http_backend: str) -> None:
    fake_aws.always("DescribeCollection", rek_error("AccessDeniedException", "denied", 400))
    async with RekognitionClient(**client_kwargs(fake_aws, http_backend=http_backend, direct=False)) as rek:
        with pytest.raises(ServiceError) as caught:
            await rek.describe_collection(collection_id="c")
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None


async def test_partial_credentials(fake_aws: FakeAws, http_backend: str) -> None:
    # The secret and token given without an access key id: botocore refuses at open.
    kwargs = client_kwargs(fake_aws, http_backend=http_backend, aws_access_key_id=None)
    with pytest.raises(Exception, match="Partial credentials") as caught:
        async with RekognitionClient(**kwargs):
            pass
    assert_nothing_reachable(caught.value)


@pytest.mark.parametrize("direct", [True, False])
async def test_no_credentials(
    fake_aws: FakeAws, http_backend: str, direct: bool, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Every source of botocore's chain switched off, none reached over the network.
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    kwargs = client_kwargs(fake_aws, http_backend=http_backend, direct=direct)
    del kwargs["aws_access_key_id"], kwargs["aws_secret_access_key"], kwargs["aws_session_token"]
    async with RekognitionClient(**kwargs) as rek:
        with pytest.raises(Exception, match="Unable to locate credentials") as caught:
            await rek.describe_collection(collection_id="c")
    assert_nothing_reachable(caught.value)
    assert fake_aws.requests == []
