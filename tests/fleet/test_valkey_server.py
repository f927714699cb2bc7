"""The fleet tests' server is a real Valkey process: it answers, dies and comes back empty."""

from __future__ import annotations

import coredis
import pytest

from ._valkey import ValkeyServer

pytestmark = pytest.mark.anyio


async def test_a_real_server_answers_and_restarts_empty(valkey: ValkeyServer) -> None:
    client = coredis.Redis.from_url(valkey.url, decode_responses=True)
    async with client:
        await client.set("k", "v")
        assert await client.get("k") == "v"
        info = await client.info("server")
        assert "valkey_version" in info or "redis_version" in info
    valkey.kill()
    assert not valkey.running
    valkey.start()
    client = coredis.Redis.from_url(valkey.url, decode_responses=True)
    async with client:
        assert await client.get("k") is None
