"""Thousands of concurrent calls on one client stay within its connection pool."""

from __future__ import annotations

import anyio
import pytest
from aiobotocore.config import AioConfig

from aws_vision_async.emulator import Emulator

from ._support import PeakSampler, emulator_port, open_rek, record, wait_for_connections

pytestmark = pytest.mark.anyio

CALLS = 2000
POOL = 20


async def test_2000_concurrent_calls_stay_within_the_pool(anyio_backend: str, emu: Emulator) -> None:
    emu.state.create_collection({"CollectionId": "busy"})
    port = emulator_port(emu)
    succeeded = 0

    with anyio.fail_after(120):
        async with open_rek(emu, config=AioConfig(max_pool_connections=POOL)) as rek:

            async def describe() -> None:
                nonlocal succeeded
                reply = await rek.describe_collection(collection_id="busy")
                assert reply.face_model_version
                succeeded += 1

            # The sampler reads /proc/net/tcp from a thread of its own, every
            # millisecond or so, whatever the event loop is doing.
            with PeakSampler(port) as sampler:
                async with anyio.create_task_group() as tg:
                    for _ in range(CALLS):
                        tg.start_soon(describe)
        assert await wait_for_connections(port, 0) == 0

    assert succeeded == CALLS
    assert emu.requests["rekognition:DescribeCollection"] == CALLS  # no fault, no retry
    assert sampler.samples > 10
    # No slack: a pool of 20 means 20 sockets at most. It was used, too.
    assert 1 < sampler.peak <= POOL, sampler.peak
    record(anyio_backend, concurrent_calls=CALLS, peak_sockets=sampler.peak, pool_size=POOL)
