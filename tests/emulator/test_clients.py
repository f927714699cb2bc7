"""The SDK's clients against the emulator: sessions shared between clients, HTTP backends.

These are findings about the client side (``aws_vision_async._core.client``)
that the emulator makes visible; the emulator itself behaves as documented.
"""

from __future__ import annotations

import pytest
from aiobotocore.config import AioConfig
from aiobotocore.httpxsession import HttpxSession
from aiobotocore.session import AioSession

from aws_vision_async import ConnectionLostError
from aws_vision_async.emulator import Emulator, Faults

from ._support import lfv_client, rek_client

pytestmark = pytest.mark.anyio


def fresh_session(anyio_backend: str) -> AioSession:
    session = AioSession()
    if anyio_backend == "trio":
        session.set_default_client_config(AioConfig(http_session_cls=HttpxSession))
    return session


async def test_one_session_serves_a_rekognition_then_a_lookoutvision_client(emu: Emulator, anyio_backend: str) -> None:
    """``session=`` is public: the same session must open both clients, whichever comes first.

    The Lookout for Vision model folder is added to the session's loader when
    its client opens; once a Rekognition client has loaded its model through
    that loader, the loader's cached list of services no longer sees it.
    """
    session = fresh_session(anyio_backend)
    async with rek_client(emu.url, session=session) as rek:
        await rek.list_collections()

    async with lfv_client(emu.url, session=session) as lfv:
        page = await lfv.list_projects()

    assert page.projects == []


async def test_one_session_serves_a_lookoutvision_then_a_rekognition_client(emu: Emulator, anyio_backend: str) -> None:
    session = fresh_session(anyio_backend)
    async with lfv_client(emu.url, session=session) as lfv:
        await lfv.list_projects()

    async with rek_client(emu.url, session=session) as rek:
        page = await rek.list_collections()

    assert page.collection_ids == []


@pytest.mark.parametrize("http_backend", ["aiohttp", "httpx"])
async def test_a_dropped_request_is_not_resent_behind_the_retry_policy(
    emu: Emulator, anyio_backend: str, http_backend: str
) -> None:
    """``max_attempts=1`` means one request, also when a kept-alive connection drops.

    aiohttp resends a request with an idempotent method (GET, PUT, DELETE...)
    once by itself when a reused connection closes without a reply
    (``ClientSession._retry_connection``), below the SDK's retry policy: for
    Lookout for Vision's GET and DELETE operations one call can make two requests.
    """
    if anyio_backend == "trio" and http_backend == "aiohttp":
        pytest.skip("aiohttp runs on asyncio only")
    emu.state.lfv_create_project({"ProjectName": "p"})
    async with lfv_client(emu.url, http_backend=http_backend) as lfv:
        await lfv.describe_project(project_name="p")  # the connection is now open and kept alive
        emu.faults.set("lookoutvision:DescribeProject", Faults(drop=1.0))

        with pytest.raises(ConnectionLostError):
            await lfv.describe_project(project_name="p")

    assert emu.requests["lookoutvision:DescribeProject"] == 2  # the first call, and one for the second
