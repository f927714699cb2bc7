"""Prefetching pagination: pages fetched ahead by one background task, same guarantees, nothing left behind.

Through the whole stack against the fake server, under asyncio and trio.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable
from dataclasses import replace
from typing import Any, TypeVar

import anyio
import anyio.lowlevel
import pytest

from aws_vision_async import RekognitionClient
from aws_vision_async import errors as base
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import DescribeProjectsResponse, ProjectDescription

from ..fakeaws import FakeAws, Recorded, Reply, drop, ok, rek_error

pytestmark = pytest.mark.anyio

T = TypeVar("T")

OP = "DescribeProjects"
#: How long to watch for a request that must not come (a negative needs a time bound).
QUIET = 0.2


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def project(name: str) -> dict[str, Any]:
    """A ProjectDescription as the service sends it."""
    return {
        "ProjectArn": f"arn:aws:rekognition:us-east-1:123456789012:project/{name}/1700000000000",
        "CreationTimestamp": 1700000000.5,
        "Status": "CREATED",
    }


def names(projects: list[ProjectDescription]) -> list[str]:
    return [(p.project_arn or "").split("/")[1] for p in projects]


def page(*items: str, token: str | None = None) -> Reply:
    return ok({"ProjectDescriptions": [project(n) for n in items], **({"NextToken": token} if token else {})})


def endless(rec: Recorded) -> Reply:
    """Page n holds project pn and points to page n + 1, forever."""
    token = rec.json.get("NextToken")
    n = int(token[1:]) if token else 0
    return page(f"p{n}", token=f"t{n + 1}")


def sent_tokens(fake: FakeAws) -> list[str | None]:
    return [c.json.get("NextToken") for c in fake.calls(OP)]


async def wait_for_requests(fake: FakeAws, count: int) -> None:
    """Wait until the server has received ``count`` requests (fails the test after 5 s)."""
    with anyio.fail_after(5):
        while len(fake.calls(OP)) < count:  # noqa: ASYNC110  # another thread's list
            await anyio.sleep(0.005)


async def drain(items: AsyncIterable[T], into: list[T]) -> None:
    """Collect items into ``into`` so that a test still sees them when iteration raises."""
    with anyio.fail_after(10):
        async for item in items:
            into.append(item)


def running_tasks() -> set[int]:
    """The ids of the tasks alive now (both backends); under asyncio, checked against asyncio itself."""
    ids = {task.id for task in anyio.get_running_tasks()}
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return ids
    assert ids == {id(task) for task in asyncio.all_tasks()}
    return ids


async def assert_nothing_left(fake: FakeAws, before: set[int]) -> None:
    """No task of the prefetch outlived its block, and no request comes afterwards."""
    assert running_tasks() == before
    # A request the producer had sent just before it was cancelled may still be on its
    # way to the server's thread: let it land, then check that nothing follows it.
    await anyio.sleep(QUIET)
    sent = len(fake.calls(OP))
    await anyio.sleep(2 * QUIET)
    assert len(fake.calls(OP)) == sent


# -- order -------------------------------------------------------------------------------------


@pytest.mark.parametrize("pages", [1, 2, 5])
async def test_items_come_in_order_across_many_pages_and_empty_ones(
    rek: RekognitionClient, fake_aws: FakeAws, pages: int
) -> None:
    replies: list[Reply] = []
    expected: list[str] = []
    for n in range(30):
        items = [] if n % 4 == 1 else [f"p{n}-{i}" for i in range(n % 3 + 1)]  # every fourth page empty
        expected += items
        replies.append(page(*items, token=f"t{n + 1}" if n < 29 else None))
    fake_aws.on(OP, *replies)
    got: list[ProjectDescription] = []

    async with rek.describe_projects(max_results=3).prefetch(pages=pages) as projects:
        await drain(projects, got)

    assert all(isinstance(p, ProjectDescription) for p in got)
    assert names(got) == expected
    assert sent_tokens(fake_aws) == [None, *(f"t{n}" for n in range(1, 30))]
    assert all(c.json.get("MaxResults") == 3 for c in fake_aws.calls(OP))


async def test_prefetch_pages_yields_typed_page_models(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, page("a", token="t1"), page(token="t2"), page("b"))

    async with rek.describe_projects().prefetch_pages() as pages:
        got = [p async for p in pages]

    assert [type(p) for p in got] == [DescribeProjectsResponse] * 3
    assert [p.next_token for p in got] == ["t1", "t2", None]
    assert [names(p.project_descriptions or []) for p in got] == [["a"], [], ["b"]]


async def test_a_single_page(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, page("only"))

    async with rek.describe_projects().prefetch(pages=3) as projects:
        got = [p async for p in projects]
        # Once finished, the iterator stays finished.
        assert [p async for p in projects] == []

    assert names(got) == ["only"]
    assert len(fake_aws.requests) == 1


# -- running ahead -----------------------------------------------------------------------------


async def test_iterating_the_paginator_directly_stays_sequential(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.always(OP, endless)
    got: list[ProjectDescription] = []

    async for p in rek.describe_projects():
        got.append(p)
        await anyio.sleep(QUIET)  # the body works: no request goes out meanwhile
        assert len(fake_aws.calls(OP)) == len(got)
        if len(got) == 3:
            break

    assert names(got) == ["p0", "p1", "p2"]
    await anyio.sleep(QUIET)
    assert len(fake_aws.calls(OP)) == 3


async def test_the_next_page_is_requested_while_the_body_works(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    # Each reply takes a while: the request for page 2 is in flight while the body holds page 1.
    fake_aws.always(OP, lambda rec: replace(endless(rec), delay=0.05))

    async with rek.describe_projects().prefetch(pages=1) as projects:
        got: list[ProjectDescription] = []
        async for p in projects:
            got.append(p)
            # Sequential iteration would wait here forever (fail_after).
            await wait_for_requests(fake_aws, len(got) + 1)
            if len(got) == 4:
                break

    assert names(got) == ["p0", "p1", "p2", "p3"]
    assert sent_tokens(fake_aws) == [None, "t1", "t2", "t3", "t4"]


@pytest.mark.parametrize("pages", [1, 2, 3])
async def test_at_most_pages_are_fetched_ahead_of_a_stalled_body(
    rek: RekognitionClient, fake_aws: FakeAws, pages: int
) -> None:
    fake_aws.on(OP, *(page(f"p{n}-a", f"p{n}-b", token=f"t{n + 1}") for n in range(9)), page("last"))

    async with rek.describe_projects().prefetch(pages=pages) as projects:
        first = await projects.__anext__()
        # On page 1: `pages` more pages are fetched (or in flight), and no more.
        await wait_for_requests(fake_aws, 1 + pages)
        await anyio.sleep(QUIET)
        assert len(fake_aws.calls(OP)) == 1 + pages
        # Finishing page 1 takes nothing new; the first item of page 2 makes room for one more.
        second = await projects.__anext__()
        await anyio.sleep(QUIET)
        assert len(fake_aws.calls(OP)) == 1 + pages
        third = await projects.__anext__()
        await wait_for_requests(fake_aws, 2 + pages)
        await anyio.sleep(QUIET)
        assert len(fake_aws.calls(OP)) == 2 + pages
        rest = [p async for p in projects]

    assert names([first, second, third, *rest]) == [
        *(f"p{n}-{x}" for n in range(9) for x in "ab"),
        "last",
    ]
    assert len(fake_aws.calls(OP)) == 10


# -- retries and errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(rek_error("ThrottlingException", "slow down"), id="throttling"),
        pytest.param(drop(), id="dropped-connection"),
    ],
)
async def test_a_failing_page_is_retried_in_place(rek: RekognitionClient, fake_aws: FakeAws, failure: Reply) -> None:
    fake_aws.on(OP, page("a", token="t1"), failure, page("b", token="t2"), failure, failure, page("c"))

    async with rek.describe_projects(features=["CUSTOM_LABELS"]).prefetch() as projects:
        got = [p async for p in projects]

    assert names(got) == ["a", "b", "c"]  # nothing lost, nothing twice
    assert sent_tokens(fake_aws) == [None, "t1", "t1", "t2", "t2", "t2"]
    assert all(c.json.get("Features") == ["CUSTOM_LABELS"] for c in fake_aws.calls(OP))


async def test_retries_exhausted_raise_the_typed_error_after_the_earlier_items(
    rek: RekognitionClient, fake_aws: FakeAws
) -> None:
    fake_aws.on(OP, page("a", "b", token="t1"), page(token="t2"), page("c", token="t3"))
    fake_aws.always(OP, rek_error("ThrottlingException", "slow down"))
    got: list[ProjectDescription] = []

    async def consume() -> None:
        async with rek.describe_projects().prefetch(pages=5) as projects:
            got.append(await projects.__anext__())
            # Let the producer reach the failure (3 pages, then 4 attempts) before reading on.
            await wait_for_requests(fake_aws, 3 + 4)
            await drain(projects, got)

    with pytest.raises(rek_errors.ThrottlingException) as info:
        await consume()

    assert type(info.value) is rek_errors.ThrottlingException  # itself, not an exception group
    assert names(got) == ["a", "b", "c"]
    assert sent_tokens(fake_aws) == [None, "t1", "t2", "t3", "t3", "t3", "t3"]
    assert info.value.request_id == "req-7"


async def test_a_non_retryable_error_stops_the_prefetch(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        OP,
        page("a", token="t1"),
        rek_error("InvalidPaginationTokenException", "expired token"),
        page("never"),
    )
    got: list[ProjectDescription] = []

    with pytest.raises(rek_errors.InvalidPaginationTokenException, match="expired token") as info:
        async with rek.describe_projects().prefetch() as projects:
            await drain(projects, got)

    assert type(info.value) is rek_errors.InvalidPaginationTokenException
    assert names(got) == ["a"]
    await anyio.sleep(QUIET)
    assert len(fake_aws.requests) == 2


@pytest.mark.parametrize(
    ("replies", "start", "expected_requests"),
    [
        pytest.param(["t1", "t1"], None, 2, id="same-token-twice-in-a-row"),
        pytest.param(["t1", "t2", "t1"], None, 3, id="token-comes-back-later"),
        pytest.param(["t1"], "t1", 1, id="reply-repeats-the-starting-token"),
    ],
)
async def test_a_repeated_token_raises_pagination_error_after_that_page(
    rek: RekognitionClient, fake_aws: FakeAws, replies: list[str], start: str | None, expected_requests: int
) -> None:
    fake_aws.on(OP, *(page(f"p{i}", token=t) for i, t in enumerate(replies)))
    fake_aws.always(OP, page("never", token="fresh"))
    got: list[ProjectDescription] = []

    with pytest.raises(base.PaginationError, match="DescribeProjects") as info:
        async with rek.describe_projects(next_token=start).prefetch(pages=4) as projects:
            await drain(projects, got)

    assert type(info.value) is base.PaginationError
    assert names(got) == [f"p{i}" for i in range(expected_requests)]
    await anyio.sleep(QUIET)
    assert len(fake_aws.requests) == expected_requests


async def test_prefetch_pages_raises_after_the_page_that_repeated_the_token(
    rek: RekognitionClient, fake_aws: FakeAws
) -> None:
    fake_aws.always(OP, page(token="stuck"))
    pages: list[DescribeProjectsResponse] = []

    with pytest.raises(base.PaginationError):
        async with rek.describe_projects().prefetch_pages() as stream:
            await drain(stream, pages)

    assert [p.next_token for p in pages] == ["stuck", "stuck"]
    assert len(fake_aws.requests) == 2


# -- leaving the block -------------------------------------------------------------------------


async def test_break_leaves_nothing_running(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.always(OP, endless)
    before = running_tasks()
    got: list[ProjectDescription] = []

    async with rek.describe_projects().prefetch(pages=3) as projects:
        async for p in projects:
            got.append(p)
            if len(got) == 5:
                break

    assert names(got) == [f"p{n}" for n in range(5)]
    await assert_nothing_left(fake_aws, before)
    assert len(fake_aws.calls(OP)) <= 5 + 3


async def test_an_exception_in_the_body_propagates_unchanged(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.always(OP, endless)
    before = running_tasks()
    boom = LookupError("the body failed")

    async def consume() -> None:
        async with rek.describe_projects().prefetch() as projects:
            async for p in projects:
                if p.project_arn and "/p2/" in p.project_arn:
                    raise boom

    with pytest.raises(LookupError) as info:
        await consume()

    assert info.value is boom  # not wrapped in an exception group, under either backend
    await assert_nothing_left(fake_aws, before)


async def test_an_exception_in_the_body_wins_over_a_pending_page_error(
    rek: RekognitionClient, fake_aws: FakeAws
) -> None:
    fake_aws.on(OP, page("a", token="t1"))
    fake_aws.always(OP, rek_error("AccessDeniedException", "no", 400))

    async def consume() -> None:
        async with rek.describe_projects().prefetch() as projects:
            async for _ in projects:
                await wait_for_requests(fake_aws, 2)  # the failure is waiting in the stream
                raise KeyError("mine")

    with pytest.raises(KeyError) as info:
        await consume()

    assert info.value.args == ("mine",)


async def test_cancelling_the_body_leaves_nothing_running(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.always(OP, endless)
    before = running_tasks()
    got: list[ProjectDescription] = []

    with anyio.CancelScope() as scope:
        async with rek.describe_projects().prefetch() as projects:
            async for p in projects:
                got.append(p)
                if len(got) == 3:
                    scope.cancel()
                await anyio.lowlevel.checkpoint()  # the cancellation lands here

    assert scope.cancelled_caught
    assert names(got) == ["p0", "p1", "p2"]
    await assert_nothing_left(fake_aws, before)


async def test_a_timeout_while_a_page_is_in_flight_cancels_the_request(
    rek: RekognitionClient, fake_aws: FakeAws
) -> None:
    fake_aws.on(OP, page("a", token="t1"), Reply(200, {"ProjectDescriptions": [project("late")]}, delay=3))
    before = running_tasks()
    got: list[ProjectDescription] = []
    start = anyio.current_time()

    with anyio.move_on_after(0.5) as scope:
        async with rek.describe_projects().prefetch() as projects:
            await drain(projects, got)

    assert scope.cancelled_caught
    assert anyio.current_time() - start < 2  # the slow reply was not waited for
    assert names(got) == ["a"]
    await assert_nothing_left(fake_aws, before)


async def test_leaving_before_iterating_sends_at_most_the_prefetched_pages(
    rek: RekognitionClient, fake_aws: FakeAws
) -> None:
    fake_aws.always(OP, endless)
    before = running_tasks()

    async with rek.describe_projects().prefetch(pages=2):
        await wait_for_requests(fake_aws, 2)

    await assert_nothing_left(fake_aws, before)
    assert len(fake_aws.calls(OP)) == 2


# -- misuse ------------------------------------------------------------------------------------


@pytest.mark.parametrize("pages", [0, -1])
async def test_pages_below_one_is_a_value_error_at_the_call(
    rek: RekognitionClient, fake_aws: FakeAws, pages: int
) -> None:
    paginator = rek.describe_projects()
    with pytest.raises(ValueError, match="pages must be an int of at least 1, got "):
        paginator.prefetch(pages=pages)
    with pytest.raises(ValueError, match="pages must be an int of at least 1, got "):
        paginator.prefetch_pages(pages=pages)
    assert fake_aws.requests == []


async def test_nothing_is_sent_until_the_block_is_entered(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.always(OP, page("a"))
    prefetch = rek.describe_projects().prefetch()
    await anyio.sleep(QUIET)
    assert fake_aws.requests == []
    with pytest.raises(RuntimeError, match="inside its block"):
        await prefetch.__anext__()
    assert fake_aws.requests == []


async def test_entering_twice_is_a_runtime_error(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.always(OP, page("a"))
    prefetch = rek.describe_projects().prefetch()

    async with prefetch as projects:
        assert names([p async for p in projects]) == ["a"]
        with pytest.raises(RuntimeError, match="only once"):
            await prefetch.__aenter__()
    with pytest.raises(RuntimeError, match="only once"):
        await prefetch.__aenter__()


async def test_iterating_after_the_block_is_a_runtime_error(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, page("a", "b", token="t1"), page("c"))

    async with rek.describe_projects().prefetch() as projects:
        first = await projects.__anext__()

    assert names([first]) == ["a"]
    with pytest.raises(RuntimeError, match="inside its block"):
        await projects.__anext__()


async def test_a_finished_iteration_stays_finished_after_the_block(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, page("a"))

    async with rek.describe_projects().prefetch() as projects:
        assert names([p async for p in projects]) == ["a"]

    with pytest.raises(StopAsyncIteration):
        await projects.__anext__()
