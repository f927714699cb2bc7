"""``fan_out``: one outcome per input, bounded concurrency, lazy inputs, no task left behind."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import aclosing
from typing import Any

import anyio
import anyio.lowlevel
import pytest

from aws_vision_async import RekognitionClient
from aws_vision_async.fanout import Outcome, fan_out
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import DescribeCollectionResponse

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class Tracker:
    """A plain async call that records how many run at once and which ones finished."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.max_in_flight = 0
        self.finished = 0
        self.cleaned_up = 0

    async def __call__(self, *, n: int, delay: float = 0.0, fail: bool = False) -> int:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await anyio.sleep(delay)
            if fail:
                raise ValueError(f"item {n} failed")
            self.finished += 1
            return n * 10
        finally:
            self.in_flight -= 1
            self.cleaned_up += 1


class Source:
    """A lazy input: records how far it was read."""

    def __init__(self, count: int, **extra: Any) -> None:
        self.count = count
        self.extra = extra
        self.pulled = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for n in range(self.count):
            self.pulled += 1
            yield {"n": n, **self.extra}


async def test_emulator_calls_one_outcome_each_with_typed_errors(emu_rek: RekognitionClient) -> None:
    await emu_rek.create_collection(collection_id="fan-present")
    ids = [f"fan-missing-{n}" if n % 3 else "fan-present" for n in range(12)]
    for ordered in (False, True):
        async with fan_out(
            emu_rek.describe_collection,
            ({"collection_id": cid} for cid in ids),
            concurrency=4,
            ordered=ordered,
        ) as outcomes:
            got = [outcome async for outcome in outcomes]
        assert sorted(o.index for o in got) == list(range(12))
        if ordered:
            assert [o.index for o in got] == list(range(12))
        for o in got:
            assert o.kwargs == {"collection_id": ids[o.index]}
            if o.index % 3:
                assert isinstance(o.error, rek_errors.ResourceNotFoundException)
                assert o.result is None
                assert not o.ok
                with pytest.raises(rek_errors.ResourceNotFoundException):
                    o.unwrap()
            else:
                assert o.ok
                assert isinstance(o.unwrap(), DescribeCollectionResponse)
        assert outcomes.progress.succeeded == 4
        assert outcomes.progress.failed == 8
        assert outcomes.progress.done == 12
        assert outcomes.progress.in_flight == 0
        assert outcomes.progress.total is None


async def test_emulator_create_collection_conflicts_are_outcomes(emu_rek: RekognitionClient) -> None:
    inputs = [{"collection_id": f"fan-new-{n % 5}"} for n in range(10)]
    async with fan_out(emu_rek.create_collection, inputs, concurrency=3) as outcomes:
        got = [o async for o in outcomes]
    assert len(got) == 10
    assert sum(o.ok for o in got) == 5
    assert all(isinstance(o.error, rek_errors.ResourceAlreadyExistsException) for o in got if not o.ok)
    assert outcomes.progress.total == 10


@pytest.mark.parametrize("ordered", [False, True])
async def test_concurrency_is_respected_and_every_input_gets_one_outcome(ordered: bool) -> None:
    call = Tracker()
    delays = [0.001 * ((n * 7) % 5) for n in range(60)]
    inputs = [{"n": n, "delay": d, "fail": n % 4 == 0} for n, d in enumerate(delays)]
    seen_in_flight: list[int] = []
    with anyio.fail_after(10):
        async with fan_out(call, inputs, concurrency=5, ordered=ordered) as outcomes:
            got: list[Outcome[int]] = []
            async for o in outcomes:
                seen_in_flight.append(outcomes.progress.in_flight)
                got.append(o)
    assert call.max_in_flight == 5
    assert max(seen_in_flight) <= 5
    assert sorted(o.index for o in got) == list(range(60))
    for o in got:
        if o.index % 4 == 0:
            assert isinstance(o.error, ValueError)
            assert str(o.error) == f"item {o.index} failed"
        else:
            assert o.result == o.index * 10
    progress = outcomes.progress
    assert (progress.started, progress.succeeded, progress.failed, progress.done) == (60, 45, 15, 60)
    assert "done=60/60" in repr(progress)


async def test_unordered_yields_as_completed_and_ordered_in_input_order() -> None:
    inputs = [{"n": 0, "delay": 0.2}, {"n": 1}, {"n": 2}, {"n": 3}]
    with anyio.fail_after(10):
        async with fan_out(Tracker(), inputs, concurrency=4) as outcomes:
            unordered = [o.index async for o in outcomes]
        async with fan_out(Tracker(), inputs, concurrency=4, ordered=True) as outcomes:
            ordered = [o.index async for o in outcomes]
    assert unordered[-1] == 0
    assert sorted(unordered) == [0, 1, 2, 3]
    assert ordered == [0, 1, 2, 3]


@pytest.mark.parametrize("ordered", [False, True])
async def test_inputs_are_read_lazily_and_results_held_are_bounded(ordered: bool) -> None:
    # The first item is slow: in order, everything behind it waits, but no more than
    # `concurrency` finished outcomes are held and no more inputs are read ahead.
    call = Tracker()
    source = Source(200)
    delivered = 0
    worst_ahead = 0
    worst_held = 0

    def slow_first() -> Iterator[dict[str, Any]]:
        for kwargs in source:
            yield {**kwargs, "delay": 0.05 if kwargs["n"] == 0 else 0.0}

    with anyio.fail_after(10):
        async with fan_out(call, slow_first(), concurrency=4, ordered=ordered) as outcomes:
            async for _ in outcomes:
                delivered += 1
                worst_ahead = max(worst_ahead, source.pulled - delivered)
                worst_held = max(worst_held, call.finished - delivered)
                await anyio.lowlevel.checkpoint()
    assert delivered == 200
    assert worst_ahead <= 4 + 1
    assert worst_held <= 4


async def test_async_iterable_inputs() -> None:
    async def inputs() -> AsyncIterator[Mapping[str, Any]]:
        for n in range(20):
            await anyio.lowlevel.checkpoint()
            yield {"n": n}

    async with fan_out(Tracker(), inputs(), concurrency=3, ordered=True, total=20) as outcomes:
        assert outcomes.progress.total == 20
        results = [o.unwrap() async for o in outcomes]
    assert results == [n * 10 for n in range(20)]


async def test_an_async_generator_input_closes_with_aclosing_on_early_exit() -> None:
    closed = False

    async def inputs() -> AsyncIterator[Mapping[str, Any]]:
        nonlocal closed
        try:
            for n in range(1_000):
                yield {"n": n, "delay": 0.01}
        finally:
            closed = True

    async with aclosing(inputs()) as source, fan_out(Tracker(), source, concurrency=3) as outcomes:
        async for _ in outcomes:
            break
    assert closed


async def test_many_inputs_keep_memory_flat() -> None:
    async def cheap(*, n: int) -> int:
        await anyio.lowlevel.checkpoint()
        return n

    count = 30_000
    source = Source(count)
    gc.collect()
    tracemalloc.start()
    try:
        async with fan_out(cheap, source, concurrency=16) as outcomes:
            total = 0
            async for _ in outcomes:
                total += 1
                if total == 2_000:
                    # Past the warm-up: from here on memory must not grow with the count.
                    warm, _ = tracemalloc.get_traced_memory()
                    tracemalloc.reset_peak()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == count
    assert outcomes.progress.done == count
    assert peak - warm < 256 * 1024, f"memory grew by {peak - warm} bytes over {count} inputs"


async def test_break_leaves_no_task_behind() -> None:
    call = Tracker()
    source = Source(1_000, delay=0.01)
    async with fan_out(call, source, concurrency=8) as outcomes:
        async for o in outcomes:
            if o.index >= 0:
                break
    assert call.in_flight == 0
    assert call.cleaned_up == outcomes.progress.started
    assert source.pulled <= 8 + 2
    await anyio.sleep(0.05)
    assert call.cleaned_up == outcomes.progress.started  # nothing started after the block


async def test_consumer_exception_propagates_unchanged_and_cancels_calls() -> None:
    call = Tracker()
    inputs = [{"n": 0}] + [{"n": n, "delay": 10} for n in range(1, 10)]
    fanned = fan_out(call, inputs, concurrency=4)

    async def consume() -> None:
        async with fanned as outcomes:
            async for _ in outcomes:
                with anyio.fail_after(5):
                    while call.in_flight < 3:  # noqa: ASYNC110  # polling a plain counter
                        await anyio.sleep(0.01)
                raise RuntimeError("consumer broke")

    with pytest.raises(RuntimeError, match="consumer broke"):
        await consume()
    outcomes = fanned
    assert call.in_flight == 0
    assert call.cleaned_up == outcomes.progress.started >= 4


async def test_cancellation_leaves_no_task_behind() -> None:
    call = Tracker()
    with anyio.move_on_after(0.1) as scope:
        async with fan_out(call, Source(100, delay=10), concurrency=6) as outcomes:
            async for _ in outcomes:
                pass  # pragma: no cover
    assert scope.cancelled_caught
    assert outcomes.progress.started == 6
    assert call.in_flight == 0
    assert call.cleaned_up == 6
    assert outcomes.progress.done == 0


async def test_an_error_from_the_inputs_comes_after_the_outcomes_before_it() -> None:
    def inputs() -> Iterator[dict[str, Any]]:
        yield {"n": 1}
        yield {"n": 2}
        raise KeyError("bad input source")

    got: list[int] = []

    async def consume() -> None:
        async with fan_out(Tracker(), inputs(), concurrency=2, ordered=True) as outcomes:
            async for o in outcomes:
                got.append(o.unwrap())

    with pytest.raises(KeyError, match="bad input source"):
        await consume()
    assert got == [10, 20]


async def test_misuse_is_reported() -> None:
    with pytest.raises(ValueError, match="concurrency must be an int of at least 1, got 0"):
        fan_out(Tracker(), [], concurrency=0)
    unentered = fan_out(Tracker(), [{"n": 1}])
    with pytest.raises(RuntimeError, match="inside `async with"):
        await unentered.__anext__()
    async with unentered as outcomes:
        assert [o.result async for o in outcomes] == [10]
    with pytest.raises(RuntimeError, match="entered only once"):
        async with unentered:
            pass  # pragma: no cover


class Stop(BaseException):
    """Not an ``Exception``: it must not become an outcome."""


async def test_a_base_exception_from_a_call_is_not_an_outcome() -> None:
    call = Tracker()

    async def stops(*, n: int) -> int:
        if n == 3:
            raise Stop
        return await call(n=n, delay=10)

    got: list[Outcome[int]] = []

    async def consume() -> None:
        async with fan_out(stops, Source(10), concurrency=4) as outcomes:
            got.extend([o async for o in outcomes])

    with anyio.fail_after(5), pytest.RaisesGroup(Stop, flatten_subgroups=True):
        await consume()
    assert got == []
    assert call.in_flight == 0
