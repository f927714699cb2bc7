"""Client options: ``rate_limiter=``, ``rate_limit_max_wait=``, ``timeout=`` and ``with_options``."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import anyio
import pytest

from aws_vision_async import (
    CallTimeoutError,
    RateLimiter,
    RateLimitTimeoutError,
    RekognitionClient,
    RetryPolicy,
    ThrottlingError,
)
from aws_vision_async.emulator import Emulator, Faults
from aws_vision_async.errors import AccessDeniedError

from ..conftest import client_kwargs
from ..fakeaws import FakeAws, Recorded, Reply, ok, rek_error


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class CountingLimiter(RateLimiter):
    """A real limiter that also counts what the pipeline asks of it."""

    def __init__(self, **kwargs: float | bool | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.events: list[str] = []

    async def acquire(self, *, max_wait: float | None = None) -> float:
        self.events.append("acquire")
        return await super().acquire(max_wait=max_wait)

    def record_success(self) -> None:
        self.events.append("success")
        super().record_success()

    def record_throttle(self, *, sent_at: float | None = None) -> None:
        assert sent_at is not None  # the pipeline says when the throttled attempt was sent
        self.events.append("throttle")
        super().record_throttle(sent_at=sent_at)


async def first_page(paginated: Callable[[], Awaitable[object]]) -> None:
    """Request one page (the paginated methods return an awaitable paginator, not a coroutine)."""
    await paginated()


@pytest.fixture
async def client(fake_aws: FakeAws) -> AsyncIterator[RekognitionClient]:
    async with RekognitionClient(**client_kwargs(fake_aws)) as rek:
        yield rek


# -- rate_limiter= -------------------------------------------------------------------


@pytest.mark.anyio
async def test_every_attempt_draws_a_token_and_records_its_reply(fake_aws: FakeAws) -> None:
    limiter = CountingLimiter()
    fake_aws.on("DescribeProjects", rek_error("ThrottlingException", "Rate exceeded"), ok({}))
    fake_aws.on("ListCollections", rek_error("AccessDeniedException", "no", 400))
    async with RekognitionClient(**client_kwargs(fake_aws, rate_limiter=limiter)) as rek:
        await rek.describe_projects()
        with pytest.raises(AccessDeniedError):
            await rek.list_collections()
    assert len(fake_aws.calls("DescribeProjects")) == 2
    # The retry drew its own token; the throttle was learnt; an error reply that is not a throttle counts as success.
    assert limiter.events == ["acquire", "throttle", "acquire", "success", "acquire", "success"]
    assert limiter.throttles == 1
    assert limiter.rate is not None


@pytest.mark.anyio
async def test_a_fixed_rate_spaces_the_requests(fake_aws: FakeAws) -> None:
    stamps: list[float] = []

    def stamp(_: Recorded) -> Reply:
        stamps.append(time.monotonic())
        return ok({})

    fake_aws.always("ListCollections", stamp)
    limiter = RateLimiter(per_second=20, adaptive=False)
    async with RekognitionClient(**client_kwargs(fake_aws, rate_limiter=limiter)) as rek:
        await rek.list_collections()  # the first call of a client loads botocore's models: not timed
        start = time.monotonic()
        async with anyio.create_task_group() as tg:
            for _ in range(10):
                tg.start_soon(first_page, rek.list_collections)
        elapsed = time.monotonic() - start
    # Ten more at 20 a second, evenly spaced (a bucket of one): half a second.
    assert elapsed >= 0.45
    assert len(stamps) == 11
    assert stamps[-1] - stamps[1] >= 0.4
    assert sum(b - a < 0.025 for a, b in itertools.pairwise(stamps[1:])) <= 2  # no bursts, some network jitter


@pytest.mark.anyio
async def test_one_limiter_is_shared_by_two_clients(fake_aws: FakeAws) -> None:
    fake_aws.always("ListCollections", ok({}))
    fake_aws.always("DescribeProjects", ok({}))
    limiter = CountingLimiter(per_second=20, adaptive=False)
    async with (
        RekognitionClient(**client_kwargs(fake_aws, rate_limiter=limiter)) as one,
        RekognitionClient(**client_kwargs(fake_aws, rate_limiter=limiter)) as two,
    ):
        start = time.monotonic()
        async with anyio.create_task_group() as tg:
            for _ in range(6):
                tg.start_soon(first_page, one.list_collections)
                tg.start_soon(first_page, two.describe_projects)
        elapsed = time.monotonic() - start
    assert limiter.events.count("acquire") == 12
    # Twelve requests under one rate of 20 a second, not two rates.
    assert elapsed >= 0.5


@pytest.mark.anyio
async def test_a_mapping_limits_only_the_operations_it_names(fake_aws: FakeAws) -> None:
    fake_aws.always("ListCollections", ok({}))
    fake_aws.always("DescribeProjects", ok({}))
    limiter = CountingLimiter(per_second=5, adaptive=False)
    async with RekognitionClient(**client_kwargs(fake_aws, rate_limiter={"ListCollections": limiter})) as rek:
        start = time.monotonic()
        for _ in range(10):
            await rek.describe_projects()
        assert time.monotonic() - start < 1.0  # not limited
        await rek.list_collections()
    assert limiter.events == ["acquire", "success"]


def test_a_mapping_is_checked_when_the_client_is_made() -> None:
    with pytest.raises(ValueError, match=r"'detect_custom_labels'.*did you mean 'DetectCustomLabels'"):
        RekognitionClient(rate_limiter={"detect_custom_labels": RateLimiter()})
    with pytest.raises(ValueError, match="'NoSuchOperation', not a rekognition operation"):
        RekognitionClient(rate_limiter={"NoSuchOperation": RateLimiter()})
    with pytest.raises(TypeError, match=r"rate_limiter\['DetectLabels'\] must be a RateLimiter"):
        RekognitionClient(rate_limiter={"DetectLabels": 20})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="rate_limiter must be a RateLimiter"):
        RekognitionClient(rate_limiter=20)  # type: ignore[arg-type]


def test_a_mapping_is_copied() -> None:
    limiters = {"DetectLabels": RateLimiter()}
    rek = RekognitionClient(rate_limiter=limiters)
    limiters["DetectFaces"] = RateLimiter()
    assert set(rek.rate_limiter or {}) == {"DetectLabels"}


@pytest.mark.anyio
async def test_max_wait_fails_fast_and_sends_nothing(fake_aws: FakeAws) -> None:
    fake_aws.always("ListCollections", ok({}))
    limiter = RateLimiter(per_second=1, adaptive=False)
    kwargs = client_kwargs(fake_aws, rate_limiter=limiter, rate_limit_max_wait=0.2)
    async with RekognitionClient(**kwargs) as rek:
        await rek.list_collections()  # the one token in the bucket
        start = time.monotonic()
        with pytest.raises(RateLimitTimeoutError) as caught:
            await rek.list_collections()
        assert time.monotonic() - start < 0.2  # failed at once, did not wait 0.2 s first
    assert caught.value.max_wait == 0.2
    assert 0.2 < caught.value.wait <= 1.0
    assert len(fake_aws.calls("ListCollections")) == 1


@pytest.mark.anyio
async def test_a_call_cancelled_while_waiting_for_a_token_sends_nothing_and_gives_it_back(fake_aws: FakeAws) -> None:
    fake_aws.always("ListCollections", ok({}))
    limiter = RateLimiter(per_second=0.5, adaptive=False)
    async with RekognitionClient(**client_kwargs(fake_aws, rate_limiter=limiter)) as rek:
        await rek.list_collections()
        with anyio.move_on_after(0.1) as scope:
            await rek.list_collections()  # the next token is two seconds away
        assert scope.cancelled_caught
    assert len(fake_aws.calls("ListCollections")) == 1
    assert limiter.tokens > -0.5  # the reservation was returned


@pytest.mark.anyio
async def test_an_adaptive_limiter_on_the_client_learns_the_emulators_quota(
    emu_rek: RekognitionClient, vision_emulator: Emulator
) -> None:
    emu = vision_emulator
    emu.faults.set("ListCollections", Faults(tps=10))
    limiter = RateLimiter()
    patient = RetryPolicy(max_attempts=10, initial_backoff=0.0, max_backoff=0.0, use_budget=False)
    rek = emu_rek.with_options(rate_limiter=limiter, retry_policy=patient)
    with anyio.fail_after(30):
        async with anyio.create_task_group() as tg:
            for _ in range(60):
                tg.start_soon(first_page, rek.list_collections)
    assert limiter.throttles >= 1
    assert limiter.rate is not None
    assert 5 <= limiter.rate <= 20  # it settled at the quota's order, after slow start grew past it
    sent = emu.requests["rekognition:ListCollections"]
    # Slow start sends 10 a second, growing until the quota throttles; then few: the replies to
    # requests queued at the old rate cut the rate once, not once each.
    assert sent - 60 <= 20, sent


@pytest.mark.anyio
async def test_a_throttle_that_is_not_retried_is_still_recorded(fake_aws: FakeAws) -> None:
    fake_aws.always("ListCollections", rek_error("ThrottlingException", "Rate exceeded"))
    limiter = CountingLimiter()
    kwargs = client_kwargs(fake_aws, rate_limiter=limiter, retry_policy=RetryPolicy(max_attempts=1))
    async with RekognitionClient(**kwargs) as rek:
        with pytest.raises(ThrottlingError):
            await rek.list_collections()
    assert limiter.events == ["acquire", "throttle"]


# -- timeout= ------------------------------------------------------------------------


@pytest.mark.anyio
async def test_timeout_bounds_the_whole_call(fake_aws: FakeAws) -> None:
    fake_aws.always("ListCollections", Reply(200, {}, delay=2.0))
    async with RekognitionClient(**client_kwargs(fake_aws, timeout=0.3)) as rek:
        start = time.monotonic()
        with pytest.raises(CallTimeoutError) as caught:
            await rek.list_collections()
        assert time.monotonic() - start < 1.5
    assert isinstance(caught.value, TimeoutError)
    assert caught.value.timeout == 0.3
    assert caught.value.operation_name == "ListCollections"
    assert str(caught.value) == "ListCollections did not complete within timeout=0.3s"


@pytest.mark.anyio
async def test_timeout_includes_retries(fake_aws: FakeAws) -> None:
    fake_aws.always("ListCollections", Reply(500, {"__type": "InternalServerError"}, delay=0.15))
    kwargs = client_kwargs(fake_aws, timeout=0.5, retry_policy=RetryPolicy(max_attempts=50, use_budget=False))
    async with RekognitionClient(**kwargs) as rek:
        with pytest.raises(CallTimeoutError):
            await rek.list_collections()
    assert 2 <= len(fake_aws.calls("ListCollections")) <= 5


@pytest.mark.anyio
async def test_a_call_within_its_timeout_returns(fake_aws: FakeAws) -> None:
    fake_aws.on("ListCollections", ok({"CollectionIds": ["a"]}))
    async with RekognitionClient(**client_kwargs(fake_aws, timeout=5)) as rek:
        assert (await rek.list_collections()).collection_ids == ["a"]


@pytest.mark.parametrize("bad", [0, -1, float("inf"), float("nan"), True, "5"])
def test_invalid_timeouts_are_value_errors(bad: object) -> None:
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        RekognitionClient(timeout=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rate_limit_max_wait must be a positive number"):
        RekognitionClient(rate_limit_max_wait=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        RekognitionClient().with_options(timeout=bad)  # type: ignore[arg-type]


# -- with_options --------------------------------------------------------------------


@pytest.mark.anyio
async def test_with_options_changes_only_the_view(client: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.always("ListCollections", rek_error("ThrottlingException", "Rate exceeded"))
    once = client.with_options(retry_policy=RetryPolicy(max_attempts=1), timeout=5)
    assert once.retry_policy.max_attempts == 1
    assert once.timeout == 5
    with pytest.raises(ThrottlingError):
        await once.list_collections()
    assert len(fake_aws.calls("ListCollections")) == 1
    # The parent keeps its own settings.
    assert client.retry_policy.max_attempts == 4
    assert client.timeout is None
    fake_aws.reset()
    fake_aws.always("ListCollections", rek_error("ThrottlingException", "Rate exceeded"))
    with pytest.raises(ThrottlingError):
        await client.list_collections()
    assert len(fake_aws.calls("ListCollections")) == 4


@pytest.mark.anyio
async def test_with_options_shares_the_connection_pool(client: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.always("ListCollections", ok({}))
    view = client.with_options(timeout=5)
    assert view.aiobotocore_client is client.aiobotocore_client
    await client.list_collections()
    opened = fake_aws.max_open_connections
    for _ in range(5):
        await view.list_collections()
    assert fake_aws.max_open_connections == opened  # the same keep-alive connection


@pytest.mark.anyio
async def test_leaving_a_view_of_an_open_client_leaves_it_open(client: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.always("ListCollections", ok({}))
    async with client.with_options(timeout=5) as view:
        await view.list_collections()
    await view.close()
    await client.list_collections()  # still open
    assert "open" in repr(client)


@pytest.mark.anyio
async def test_entering_a_view_of_a_closed_client_opens_and_closes_it(fake_aws: FakeAws) -> None:
    fake_aws.always("ListCollections", ok({}))
    rek = RekognitionClient(**client_kwargs(fake_aws))
    async with rek.with_options(timeout=5) as view:
        await view.list_collections()
        await rek.list_collections()  # the parent is open while the view is
        assert "view" in repr(view)
    assert "closed" in repr(rek)
    with pytest.raises(RuntimeError, match="not open"):
        await rek.list_collections()
    with pytest.raises(RuntimeError, match="not open"):
        await view.list_collections()


@pytest.mark.anyio
async def test_a_view_made_before_opening_follows_its_client(fake_aws: FakeAws) -> None:
    fake_aws.always("ListCollections", ok({}))
    rek = RekognitionClient(**client_kwargs(fake_aws))
    view = rek.with_options(retry_policy=RetryPolicy(max_attempts=1))
    with pytest.raises(RuntimeError, match="not open"):
        await view.list_collections()
    async with rek:
        await view.list_collections()
    with pytest.raises(RuntimeError, match="not open"):
        await view.list_collections()


@pytest.mark.anyio
async def test_a_view_of_a_view_keeps_earlier_options(client: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.always("ListCollections", ok({}))
    limiter = CountingLimiter()
    first = client.with_options(rate_limiter=limiter)
    second = first.with_options(timeout=3)
    assert second.rate_limiter is limiter
    assert second.timeout == 3
    await second.list_collections()
    assert limiter.events == ["acquire", "success"]
    # None removes an option in a view.
    third = second.with_options(rate_limiter=None, timeout=None)
    await third.list_collections()
    assert third.rate_limiter is None
    assert third.timeout is None
    assert limiter.events == ["acquire", "success"]


@pytest.mark.anyio
async def test_a_view_keeps_the_client_token_across_retries(client: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on("CreateUser", rek_error("InternalServerError", "oops", 500), ok({}))
    view = client.with_options(timeout=5, rate_limiter=RateLimiter())
    await view.create_user(collection_id="c", user_id="u")
    calls = fake_aws.calls("CreateUser")
    assert len(calls) == 2
    tokens = {call.json.get("ClientRequestToken") for call in calls}
    assert len(tokens) == 1
    assert None not in tokens


def test_with_options_rejects_unknown_or_positional_options() -> None:
    rek = RekognitionClient()
    with pytest.raises(TypeError):
        rek.with_options(retries=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        rek.with_options(RetryPolicy())  # type: ignore[misc]
    assert repr(rek.with_options()).startswith("<RekognitionClient")
