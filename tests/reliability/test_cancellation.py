"""Cancelling a call mid-pagination or mid-backoff leaves no task, no connection, no broken client."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import anyio
import pytest

from aws_vision_async import RetryPolicy, set_testing
from aws_vision_async.emulator import Emulator, Faults

from ._support import (
    add_rek_dataset,
    client_connections,
    emulator_port,
    live_tasks,
    open_lfv,
    open_rek,
    record,
    tasks_left_behind,
    wait_for_connections,
)

pytestmark = pytest.mark.anyio

ENTRIES_KEY = "rekognition:ListDatasetEntries"
CANCELLATIONS = 3  # the tests of this module, per backend


@pytest.fixture
def real_waits() -> Iterator[None]:
    """Backoff waits as in production, for this test only (the suite's autouse fixture zeroes them)."""
    set_testing(False)
    try:
        yield
    finally:
        set_testing(True)


def _waits_announced(caplog: pytest.LogCaptureFixture) -> int:
    return sum("retrying in" in r.getMessage() for r in caplog.records if r.name == "aws_vision_async")


async def _closed_cleanly(backend: str, port: int, before: set[object]) -> None:
    # Closing is asynchronous on the socket level: give it a moment, then insist.
    assert await wait_for_connections(port, 0) == 0, "a connection to the emulator is still open"
    assert await tasks_left_behind(backend, before) == set()


async def test_cancel_in_the_middle_of_a_pagination(anyio_backend: str, emu: Emulator) -> None:
    dataset_arn, expected = add_rek_dataset(emu, 2000)
    # Every page takes 0.1 s to come; the cancel comes while the 4th is on its way.
    emu.faults.set(ENTRIES_KEY, Faults(latency=0.1))
    port = emulator_port(emu)
    before = live_tasks(anyio_backend)
    got: list[str] = []
    with anyio.fail_after(120):
        async with open_rek(emu) as rek:
            scope = anyio.CancelScope()

            async def cancel_during_page_4() -> None:
                # The count changes in the emulator's thread: there is nothing to wait on but time.
                while emu.requests[ENTRIES_KEY] < 4:  # noqa: ASYNC110
                    await anyio.sleep(0.005)
                scope.cancel()

            async with anyio.create_task_group() as tg:
                tg.start_soon(cancel_during_page_4)
                with scope:
                    async for entry in rek.list_dataset_entries(dataset_arn=dataset_arn, max_results=100):
                        got.append(entry)
            assert scope.cancelled_caught
            assert got == expected[:300]  # three whole pages, in order
            assert emu.requests[ENTRIES_KEY] == 4  # the 4th reached the emulator and was abandoned

            # The same client goes on working.
            emu.faults.clear()
            page = await rek.list_dataset_entries(dataset_arn=dataset_arn, max_results=100)
            assert page.dataset_entries == expected[:100]
            assert client_connections(port) >= 1  # the measurement sees the pooled connection
        await _closed_cleanly(anyio_backend, port, before)

        # And a new client works.
        async with open_rek(emu) as rek:
            again = [entry async for entry in rek.list_dataset_entries(dataset_arn=dataset_arn)]
        assert again == expected
        await _closed_cleanly(anyio_backend, port, before)
    record(anyio_backend, cancellations=CANCELLATIONS)


@pytest.mark.usefixtures("real_waits")
async def test_cancel_in_a_lookout_for_vision_backoff(
    anyio_backend: str, emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    # Lookout for Vision's throttling reply carries Retry-After: 1, so the first
    # wait is at least a second (at most max_backoff = 5): the cancel at 0.5 s
    # lands in it.
    key = "lookoutvision:CreateProject"
    emu.faults.set(key, Faults(throttle=1.0))
    port = emulator_port(emu)
    before = live_tasks(anyio_backend)
    policy = RetryPolicy(max_attempts=5, initial_backoff=5, max_backoff=5)
    caplog.set_level(logging.DEBUG, logger="aws_vision_async")
    with anyio.fail_after(120):
        async with open_lfv(emu, retry_policy=policy) as lfv:
            start = anyio.current_time()
            with anyio.move_on_after(0.5) as scope:
                await lfv.create_project(project_name="cancelled")
            elapsed = anyio.current_time() - start
            assert scope.cancelled_caught
            # One request, its wait of 1 to 5 s announced, and the cancel came before it ended.
            assert emu.requests[key] == 1
            assert _waits_announced(caplog) == 1
            assert elapsed < 1.0
            assert "cancelled" not in emu.state.lfv_projects

            emu.faults.clear()
            reply = await lfv.create_project(project_name="after-cancel")
            assert reply.project_metadata is not None
            assert reply.project_metadata.project_name == "after-cancel"
        await _closed_cleanly(anyio_backend, port, before)

        async with open_lfv(emu) as lfv:
            await lfv.create_project(project_name="new-client")
        await _closed_cleanly(anyio_backend, port, before)
    assert sorted(emu.state.lfv_projects) == ["after-cancel", "new-client"]


@pytest.mark.usefixtures("real_waits")
async def test_cancel_in_a_rekognition_backoff_mid_pagination(
    anyio_backend: str, emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    # Rekognition sends no Retry-After: the waits are full-jitter draws from
    # [0, 5 s]. Page one comes through; page two fails until the cancel.
    dataset_arn, expected = add_rek_dataset(emu, 300)
    port = emulator_port(emu)
    before = live_tasks(anyio_backend)
    policy = RetryPolicy(max_attempts=12, initial_backoff=5, max_backoff=5)
    caplog.set_level(logging.DEBUG, logger="aws_vision_async")
    got: list[str] = []
    with anyio.fail_after(120):
        async with open_rek(emu, retry_policy=policy) as rek:
            start = anyio.current_time()
            with anyio.move_on_after(0.5) as scope:
                async for entry in rek.list_dataset_entries(dataset_arn=dataset_arn, max_results=100):
                    got.append(entry)
                    if len(got) == 100:
                        emu.faults.set(ENTRIES_KEY, Faults(server_error=1.0))
            elapsed = anyio.current_time() - start
            assert scope.cancelled_caught
            assert elapsed < 1.5  # a wait of up to 5 s was cut short
            assert got == expected[:100]
            # Page two failed at least once; each failure announced a wait, the last one cut short.
            failures = emu.requests[ENTRIES_KEY] - 1
            assert failures >= 1
            assert _waits_announced(caplog) == failures

            emu.faults.clear()
            page = await rek.list_dataset_entries(dataset_arn=dataset_arn, max_results=100)
            assert page.dataset_entries == expected[:100]
        await _closed_cleanly(anyio_backend, port, before)

        async with open_rek(emu) as rek:
            assert [entry async for entry in rek.list_dataset_entries(dataset_arn=dataset_arn)] == expected
        await _closed_cleanly(anyio_backend, port, before)
