"""Cold start: what importing the SDK and opening clients costs, in fresh processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from aiobotocore.session import AioSession
from botocore.exceptions import DataNotFoundError, UnknownServiceError
from botocore.loaders import Loader, create_loader

from aws_vision_async import LookoutVisionClient, RekognitionClient
from aws_vision_async._core import loader

from ..conftest import client_kwargs
from ..fakeaws import FakeAws


def run_fresh(code: str, *args: str) -> Any:
    """Run ``code`` in a new interpreter; it prints one JSON value last."""
    env = {**os.environ, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    proc = subprocess.run(
        [sys.executable, "-W", "ignore::DeprecationWarning", "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


OPEN_TWICE = """
    import asyncio, json, sys, time
    from unittest import mock
    import botocore.loaders, botocore.session
    from aiobotocore.session import get_session
    from aws_vision_async import LookoutVisionClient, RekognitionClient

    KW = dict(endpoint_url="http://127.0.0.1:9", region_name="us-east-1",
              aws_access_key_id="AKIDTEST", aws_secret_access_key="secret")
    cls = {"rekognition": RekognitionClient, "lookoutvision": LookoutVisionClient}[sys.argv[1]]

    async def open_close():
        start = time.perf_counter()
        async with cls(**KW) as client:
            elapsed = time.perf_counter() - start
            client.aiobotocore_client.meta.service_model.operation_names
        return elapsed

    async def raw_open(session):
        start = time.perf_counter()
        async with session.create_client(sys.argv[1], **KW):
            return time.perf_counter() - start

    async def main():
        await open_close()
        reads = mock.patch.object(botocore.loaders.JSONFileLoader, "load_file", autospec=True,
                                  side_effect=botocore.loaders.JSONFileLoader.load_file)
        builtin = mock.patch.object(botocore.session.Session, "_register_builtin_handlers", autospec=True,
                                    side_effect=botocore.session.Session._register_builtin_handlers)
        with reads as read, builtin as registered:
            second = [await open_close() for _ in range(5)]
        session = get_session()
        if sys.argv[1] == "lookoutvision":
            session.get_component("data_loader").search_paths.insert(0, cls._service.data_path)
        await raw_open(session)
        raw = [await raw_open(session) for _ in range(5)]
        return {"files_read": read.call_count, "handlers_registered": registered.call_count,
                "second": min(second), "raw_second": min(raw)}

    print(json.dumps(asyncio.run(main())))
"""


@pytest.mark.parametrize("service", ["rekognition", "lookoutvision"])
def test_a_second_client_reads_no_file_and_opens_about_as_fast_as_a_raw_one(service: str) -> None:
    result = run_fresh(OPEN_TWICE, service)
    # The service model, endpoint rules and partitions were read by the first client only.
    assert result["files_read"] == 0, result
    # botocore's ~600 builtin handlers are copied, not registered one by one again.
    assert result["handlers_registered"] == 0, result
    # Under 5 ms on an idle machine; relative to raw aiobotocore reusing its session,
    # so that a loaded machine slows both alike.
    assert result["second"] < 2 * result["raw_second"] + 0.002, result


@pytest.mark.anyio
async def test_sessions_share_the_loader_but_not_profiles_or_handlers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.write_text("[default]\nregion = us-east-1\n[profile other]\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    one, two = loader.new_session(None, None), loader.new_session("other", None)
    assert one.get_component("data_loader") is two.get_component("data_loader")
    assert (one.profile, two.profile) == (None, "other")
    assert (one.get_config_variable("region"), two.get_config_variable("region")) == ("us-east-1", "eu-west-1")
    assert one.get_component("credential_provider") is not two.get_component("credential_provider")
    seen: list[str] = []
    one.register("before-send.rekognition", lambda **_: seen.append("one"))
    # A handler registered on one session reaches no other.
    assert one.get_component("event_emitter") is not two.get_component("event_emitter")
    two_emitter: Any = two.get_component("event_emitter")
    await two_emitter.emit("before-send.rekognition.DescribeProjects", request=None)
    assert seen == []


def test_the_lookoutvision_loader_searches_the_shipped_model_first() -> None:
    path = LookoutVisionClient._service.data_path
    assert path is not None
    shipped = loader.new_session(None, path).get_component("data_loader")
    assert shipped.search_paths[0] == path
    assert loader.new_session(None, None).get_component("data_loader") is not shipped
    assert "lookoutvision" in shipped.list_available_services("service-2")


@pytest.mark.anyio
async def test_a_session_handed_in_keeps_its_own_loader(fake_aws: FakeAws) -> None:
    session = AioSession()
    own = session.get_component("data_loader")
    async with RekognitionClient(**client_kwargs(fake_aws, session=session)):
        pass
    assert session.get_component("data_loader") is own
    assert own is not loader.shared_loader(None, None)


@pytest.mark.anyio
async def test_lookoutvision_opens_after_rekognition_in_one_process(fake_aws: FakeAws) -> None:
    async with RekognitionClient(**client_kwargs(fake_aws)):
        pass
    with pytest.warns(DeprecationWarning, match="end of support"):
        lfv = LookoutVisionClient(**client_kwargs(fake_aws))
    async with lfv:
        assert lfv.aiobotocore_client.meta.service_model.service_name == "lookoutvision"


def test_the_shared_loader_loads_what_botocores_loads_without_listing_every_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours, botocores = loader.shared_loader(str(tmp_path / "none"), None), create_loader(str(tmp_path / "none"))
    listed: list[str] = []
    real = Loader.list_available_services

    def spy(self: Any, type_name: str) -> Any:
        if self is ours:
            listed.append(type_name)
        return real(self, type_name)

    monkeypatch.setattr(Loader, "list_available_services", spy)
    for kind in ("service-2", "endpoint-rule-set-1", "paginators-1", "waiters-2"):
        assert ours.load_service_model("rekognition", kind) == botocores.load_service_model("rekognition", kind)
    assert ours.load_service_model("rekognition", "service-2", "2016-06-27")["metadata"]["apiVersion"] == "2016-06-27"
    assert listed == []
    # endpoints.json comes as plain dicts, equal to botocore's OrderedDicts.
    endpoints = ours.load_data("endpoints")
    assert type(endpoints) is dict
    assert endpoints == botocores.load_data("endpoints")
    assert type(ours.load_data("partitions")) is type(botocores.load_data("partitions"))


def test_the_shared_loader_reports_an_unknown_service_or_version_as_botocore_does(tmp_path: Path) -> None:
    ours = loader.shared_loader(str(tmp_path / "none"), None)
    with pytest.raises(UnknownServiceError, match="rekognitoin"):
        ours.load_service_model("rekognitoin", "service-2")
    with pytest.raises(DataNotFoundError):
        ours.load_service_model("rekognition", "service-2", "1999-01-01")


def test_the_shared_loader_reads_a_model_from_the_aws_data_path_first(tmp_path: Path) -> None:
    folder = tmp_path / "rekognition" / "2016-06-27"
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps({"metadata": {"apiVersion": "2016-06-27"}, "custom": True}))
    (tmp_path / "rekognition" / "2099-01-01").mkdir()
    (tmp_path / "rekognition" / "2099-01-01" / "service-2.json").write_text(json.dumps({"newer": True}))
    ours = loader.shared_loader(str(tmp_path), None)
    # The latest version wins, across the search paths, as botocore picks it.
    assert ours.load_service_model("rekognition", "service-2") == {"newer": True}
    assert ours.load_service_model("rekognition", "service-2", "2016-06-27")["custom"] is True


def test_importing_a_client_leaves_retry_and_prefetch_machinery_unloaded() -> None:
    # tenacity loads on a call's first retry, anyio's streams when prefetching starts.
    loaded = run_fresh("""
        import json, sys
        from aws_vision_async import RekognitionClient
        RekognitionClient.describe_projects
        print(json.dumps(sorted(m for m in ("tenacity", "anyio.streams.memory") if m in sys.modules)))
    """)
    assert loaded == []
