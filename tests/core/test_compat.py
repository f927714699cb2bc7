"""The seam to botocore's internals: every access works with the installed releases, and a broken one falls back.

When a botocore or aiobotocore release moves something ``_core/compat.py``
reads, the test of that function fails, and its message names the function.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiobotocore
import botocore
import pytest
from aiobotocore.httpsession import AIOHTTPSession
from botocore.loaders import Loader

from aws_vision_async import RekognitionClient
from aws_vision_async._core import compat, direct, loader
from aws_vision_async._core.botocore_path import BotocoreTransport
from aws_vision_async._core.direct import DirectTransport
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator

from ..conftest import client_kwargs
from ..fakeaws import FakeAws, ok

pytestmark = pytest.mark.anyio

COLLECTION = {"FaceCount": 3, "FaceModelVersion": "7.0"}


def broke(name: str, error: BaseException) -> str:
    return (
        f"compat.{name} no longer works with botocore {botocore.__version__} and aiobotocore"
        f" {aiobotocore.__version__} ({type(error).__name__}: {error}): update it in _core/compat.py"
    )


def check(name: str, probe: Callable[[], object]) -> Any:
    """Run ``probe``; on failure, fail the test naming the compat function."""
    try:
        return probe()
    except Exception as exc:
        pytest.fail(broke(name, exc))


@pytest.fixture
async def raw(fake_aws: FakeAws) -> AsyncIterator[Any]:
    """An open aiobotocore client, as the SDK opens it."""
    async with RekognitionClient(**client_kwargs(fake_aws)) as rek:
        yield rek.aiobotocore_client


class TestEachAccess:
    async def test_request_signer(self, raw: Any) -> None:
        signer = check("request_signer", lambda: compat.request_signer(raw))
        assert signer.signing_name == "rekognition", broke("request_signer", AssertionError(signer.signing_name))
        assert signer.region_name == "us-east-1"

    async def test_signer_credentials(self, raw: Any) -> None:
        credentials = check("signer_credentials", lambda: compat.signer_credentials(compat.request_signer(raw)))
        frozen = await credentials.get_frozen_credentials()
        assert frozen.access_key == "AKIDFAKEACCESSKEY", broke("signer_credentials", AssertionError("access key"))

    async def test_http_session(self, raw: Any) -> None:
        session = check("http_session", lambda: compat.http_session(raw))
        assert callable(session.send)

    async def test_response_parser_factory(self, raw: Any) -> None:
        factory = check("response_parser_factory", lambda: compat.response_parser_factory(raw))
        assert callable(factory.create_parser), broke("response_parser_factory", AttributeError("create_parser"))
        check("set_response_parser_factory", lambda: compat.set_response_parser_factory(raw, factory))
        assert compat.response_parser_factory(raw) is factory

    async def test_endpoint_ruleset_resolver(self, raw: Any, fake_aws: FakeAws) -> None:
        resolve = check("endpoint_ruleset_resolver", lambda: compat.endpoint_ruleset_resolver(raw))
        operation = raw.meta.service_model.operation_model("DescribeCollection")
        context: dict[str, Any] = {
            "client_region": "us-east-1",
            "client_config": raw.meta.config,
            "has_streaming_input": False,
            "auth_type": operation.resolved_auth_type,
            "unsigned_payload": operation.unsigned_payload,
            "auth_options": raw.meta.service_model.metadata.get("auth"),
        }
        try:
            url, _headers, _properties = await resolve(operation, {}, context)
        except Exception as exc:
            pytest.fail(broke("endpoint_ruleset_resolver", exc))
        assert url.startswith(fake_aws.url)

    async def test_user_agent_creator(self, raw: Any) -> None:
        creator = check("user_agent_creator", lambda: compat.user_agent_creator(raw))
        assert "aws-vision-async/" in str(creator.to_string())

    def test_normalize_url_path(self) -> None:
        assert check("normalize_url_path", lambda: compat.normalize_url_path("/a/./b/../c")) == "/a/c"

    def test_prepared_request(self) -> None:
        request = check("prepared_request", lambda: compat.prepared_request("https://h/", {"A": "1"}, b"{}"))
        assert (request.method, request.url, request.body) == ("POST", "https://h/", b"{}")
        assert request.headers["A"] == "1"

    async def test_direct_path_failure_is_none_with_the_installed_releases(self, raw: Any) -> None:
        failure = compat.direct_path_failure(raw)
        assert failure is None, broke(*failure) if failure else ""

    async def test_set_retry_context(self) -> None:
        from botocore.awsrequest import AWSRequest

        request: Any = AWSRequest("POST", "https://h/")
        check("set_retry_context", lambda: compat.set_retry_context(request, "id", 2, 3))
        assert request.context["retries"] == {"invocation-id": "id", "attempt": 2, "max": 3}

    async def test_auth_instance_factory(self, raw: Any) -> None:
        signer = compat.request_signer(raw)
        factory = check("auth_instance_factory", lambda: compat.auth_instance_factory(signer))
        auth = await factory(signer.signing_name, signer.region_name, signer.signature_version)
        assert type(auth).__name__.endswith("SigV4Auth")

        async def replaced(*args: Any, **kwargs: Any) -> Any:
            return await factory(*args, **kwargs)

        check("set_auth_instance_factory", lambda: compat.set_auth_instance_factory(signer, replaced))
        assert compat.auth_instance_factory(signer) is replaced

    async def test_shift_signing_time(self, raw: Any) -> None:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest

        assert check("signing_time_shiftable", compat.signing_time_shiftable)
        signer = compat.request_signer(raw)
        frozen = await compat.signer_credentials(signer).get_frozen_credentials()
        auth: Any = SigV4Auth(frozen, "rekognition", "us-east-1")
        check("shift_signing_time", lambda: compat.shift_signing_time(auth, lambda: 3600.0))
        request = AWSRequest("POST", "https://rekognition.us-east-1.amazonaws.com/", data=b"{}")
        auth.add_auth(request)
        signed = datetime.datetime.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc
        )
        ahead = (signed - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        assert 3500 < ahead < 3700, broke("shift_signing_time", AssertionError(f"signed {ahead:+.0f} s off"))

    def test_current_datetime(self) -> None:
        now = check("current_datetime", compat.current_datetime)
        assert isinstance(now, datetime.datetime)


class TestSessionsAndLoader:
    def test_session_components(self) -> None:
        session = loader.new_session(None, None)
        components = check("session_components", lambda: compat.session_components(session))
        assert callable(components.lazy_register_component)

    def test_session_initializers(self) -> None:
        assert isinstance(check("session_initializers", compat.session_initializers), list)

    def test_builtin_handlers(self) -> None:
        from aiobotocore.session import AioSession

        handlers = check("builtin_handlers", lambda: compat.builtin_handlers(AioSession()))
        assert callable(handlers.register_first)

    def test_forget_loader_cache(self) -> None:
        plain: Any = Loader()
        plain.list_available_services("service-2")
        assert isinstance(getattr(plain, "_cache", None), dict), broke("forget_loader_cache", AttributeError("_cache"))
        check("forget_loader_cache", lambda: compat.forget_loader_cache(plain))
        assert plain._cache == {}  # pyright: ignore[reportPrivateUsage, reportUnknownMemberType]

    def test_process_extras_and_load_json_file(self) -> None:
        # The SDK's loader reads a model through both.
        ours = loader.shared_loader(None, None)
        model = check("process_extras", lambda: ours.load_service_model("rekognition", "service-2"))
        assert model["metadata"]["serviceId"] == "Rekognition"
        endpoints = check("load_json_file", lambda: ours.load_data("endpoints"))
        assert "partitions" in endpoints

    def test_instance_cache(self) -> None:
        assert callable(compat.instance_cache)


class TestAiohttpSession:
    def test_the_overridden_methods_exist(self) -> None:
        for name in compat.SESSION_OVERRIDES:
            assert callable(getattr(AIOHTTPSession, name, None)), broke(name, AttributeError(name))

    async def test_aiohttp_session_settings(self, raw: Any) -> None:
        session = compat.http_session(raw)
        settings = check("aiohttp_session_settings", lambda: compat.aiohttp_session_settings(session))
        assert isinstance(settings["max_pool_connections"], int)
        assert isinstance(settings["connector_args"], dict)

    async def test_base_get_session_and_no_connection_resend(self, raw: Any) -> None:
        session = compat.http_session(raw)
        try:
            aiohttp_session = await compat.base_get_session(session, None)
        except Exception as exc:
            pytest.fail(broke("base_get_session", exc))
        check("no_connection_resend", lambda: compat.no_connection_resend(aiohttp_session))
        assert aiohttp_session._retry_connection is False  # pyright: ignore[reportPrivateUsage]

    async def test_base_create_connector(self, raw: Any) -> None:
        session = compat.http_session(raw)
        try:
            connector = await compat.base_create_connector(session, None)
        except Exception as exc:
            pytest.fail(broke("base_create_connector", exc))
        await connector.close()

    async def test_base_build_ssl_contexts_and_cert_path(self, raw: Any) -> None:
        session = compat.http_session(raw)
        contexts = check("base_build_ssl_contexts", lambda: compat.base_build_ssl_contexts(session, None))
        assert len(contexts) == 2
        assert check("cert_path", lambda: compat.cert_path(True))


# -- a broken access, end to end -------------------------------------------------------


def _broken(name: str) -> Callable[..., Any]:
    def broken(*_: Any, **__: Any) -> Any:
        raise AttributeError(f"simulated: a release moved what compat.{name} reads")

    return broken


@pytest.fixture
def warnings_of_the_sdk(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    caplog.set_level(logging.WARNING, logger="aws_vision_async")

    def read() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "aws_vision_async" and r.levelno == logging.WARNING]

    return read


def _transport_of(client: RekognitionClient) -> object:
    return client._transport  # pyright: ignore[reportPrivateUsage]


class TestFallback:
    @pytest.mark.parametrize("name", compat.DIRECT_PATH_ACCESSES)
    async def test_a_broken_access_warns_once_and_the_client_takes_botocores_path(
        self,
        name: str,
        fake_aws: FakeAws,
        monkeypatch: pytest.MonkeyPatch,
        warnings_of_the_sdk: Callable[[], list[str]],
    ) -> None:
        monkeypatch.setattr(compat, name, _broken(name))
        fake_aws.always("DescribeCollection", ok(COLLECTION))
        async with RekognitionClient(**client_kwargs(fake_aws)) as rek:
            (warning,) = warnings_of_the_sdk()
            assert f"compat.{name} failed" in warning
            assert "botocore's own request path" in warning
            assert botocore.__version__ in warning
            assert isinstance(_transport_of(rek), BotocoreTransport)
            for _ in range(3):
                response = await rek.describe_collection(collection_id="c")
                assert response.face_count == 3
        assert len(fake_aws.calls("DescribeCollection")) == 3
        assert len(warnings_of_the_sdk()) == 1  # at start, not per call

    async def test_with_the_installed_releases_nothing_is_logged_and_the_direct_path_is_taken(
        self, fake_aws: FakeAws, warnings_of_the_sdk: Callable[[], list[str]]
    ) -> None:
        fake_aws.always("DescribeCollection", ok(COLLECTION))
        async with RekognitionClient(**client_kwargs(fake_aws)) as rek:
            await rek.describe_collection(collection_id="c")
            assert isinstance(_transport_of(rek), DirectTransport)
        assert warnings_of_the_sdk() == []

    async def test_a_broken_endpoint_resolution_falls_back_for_that_operation(
        self, fake_aws: FakeAws, monkeypatch: pytest.MonkeyPatch, warnings_of_the_sdk: Callable[[], list[str]]
    ) -> None:
        fake_aws.always("DescribeCollection", ok(COLLECTION))

        def resolver(client: Any) -> Any:
            async def resolve(*_: Any) -> Any:
                raise TypeError("simulated: _resolve_endpoint_ruleset takes other arguments")

            return resolve

        monkeypatch.setattr(compat, "endpoint_ruleset_resolver", resolver)
        async with RekognitionClient(**client_kwargs(fake_aws)) as rek:
            assert warnings_of_the_sdk() == []
            for _ in range(2):
                assert (await rek.describe_collection(collection_id="c")).face_count == 3
        (warning,) = warnings_of_the_sdk()
        assert "compat.endpoint_ruleset_resolver failed for DescribeCollection" in warning

    async def test_a_broken_parser_factory_still_answers_calls(
        self, fake_aws: FakeAws, monkeypatch: pytest.MonkeyPatch, warnings_of_the_sdk: Callable[[], list[str]]
    ) -> None:
        monkeypatch.setattr(compat, "response_parser_factory", _broken("response_parser_factory"))
        fake_aws.always("DescribeCollection", ok(COLLECTION))
        async with RekognitionClient(**client_kwargs(fake_aws), direct=False) as rek:
            assert (await rek.describe_collection(collection_id="c")).face_count == 3
        (warning,) = warnings_of_the_sdk()
        assert "compat.response_parser_factory failed" in warning

    async def test_against_the_emulator(
        self,
        vision_emulator: Emulator,
        monkeypatch: pytest.MonkeyPatch,
        warnings_of_the_sdk: Callable[[], list[str]],
    ) -> None:
        monkeypatch.setattr(compat, "request_signer", _broken("request_signer"))
        async with RekognitionClient(
            endpoint_url=vision_emulator.url, region_name="us-east-1", **EMULATOR_CREDENTIALS
        ) as rek:
            await rek.create_collection(collection_id="fallback")
            described = await rek.describe_collection(collection_id="fallback")
            assert described.face_count == 0
            assert len([c async for c in rek.list_collections()]) == 1
        (warning,) = warnings_of_the_sdk()
        assert "compat.request_signer failed" in warning

    def test_the_direct_path_reads_only_through_compat(self) -> None:
        # A reminder for whoever edits direct.py: its botocore internals are compat's.
        import inspect

        source = inspect.getsource(direct)
        for private in ("._request_signer", "._endpoint", "._resolve_endpoint_ruleset", "._user_agent_creator"):
            assert private not in source, private
