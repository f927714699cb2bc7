"""RetryPolicy itself, and the retry pipeline driven through real HTTP against the fake server."""

from __future__ import annotations

import dataclasses
import logging
import random
import uuid
from collections.abc import Callable

import botocore.exceptions as bce
import pytest
from aiobotocore.session import get_session

from aws_vision_async import (
    ConnectError,
    ConnectionLostError,
    ReadTimeoutError,
    RekognitionClient,
    RetryPolicy,
    ServiceError,
    set_testing,
)
from aws_vision_async.rekognition import _operations as rek_ops
from aws_vision_async.rekognition import errors as rek_errors

from ..conftest import ACCESS_KEY, SECRET_KEY, client_kwargs
from ..fakeaws import FakeAws, Reply, drop, lfv_error, ok, rek_error
from ._support import COLLECTION_BODY, SendCounter, closed_port, open_rek, slow

pytestmark = pytest.mark.anyio


# -- RetryPolicy --------------------------------------------------------------------------------------------------


class TestRetryPolicyArguments:
    @pytest.mark.parametrize("attempts", [0, -1, -100])
    def test_max_attempts_below_one_rejected(self, attempts: int) -> None:
        with pytest.raises(ValueError, match="max_attempts"):
            RetryPolicy(max_attempts=attempts)

    @pytest.mark.parametrize(
        ("initial", "maximum"),
        [(-0.1, 20.0), (1.0, -1.0), (-1.0, -1.0)],
    )
    def test_negative_backoffs_rejected(self, initial: float, maximum: float) -> None:
        with pytest.raises(ValueError, match=r"of at least 0|must not exceed"):
            RetryPolicy(initial_backoff=initial, max_backoff=maximum)

    def test_negative_initial_backoff_message(self) -> None:
        with pytest.raises(ValueError, match=r"initial_backoff must be a finite number of at least 0, got -0\.5"):
            RetryPolicy(initial_backoff=-0.5, max_backoff=1.0)

    def test_initial_above_max_rejected(self) -> None:
        with pytest.raises(ValueError, match="initial_backoff must not exceed max_backoff"):
            RetryPolicy(initial_backoff=5.0, max_backoff=2.0)

    def test_edge_values_accepted(self) -> None:
        assert RetryPolicy(max_attempts=1).max_attempts == 1
        zero = RetryPolicy(initial_backoff=0.0, max_backoff=0.0)
        assert (zero.initial_backoff, zero.max_backoff) == (0.0, 0.0)
        same = RetryPolicy(initial_backoff=3.0, max_backoff=3.0)
        assert same.initial_backoff == same.max_backoff == 3.0

    def test_documented_defaults(self) -> None:
        policy = RetryPolicy()
        assert policy.max_attempts == 3
        assert policy.initial_backoff == 1.0
        assert policy.max_backoff == 20.0
        assert policy.use_budget is True

    def test_keyword_only(self) -> None:
        with pytest.raises(TypeError):
            RetryPolicy(3)  # type: ignore[misc]

    def test_frozen(self) -> None:
        policy = RetryPolicy(max_attempts=2)
        with pytest.raises(dataclasses.FrozenInstanceError):
            policy.max_attempts = 5  # type: ignore[misc]
        assert policy.max_attempts == 2

    def test_value_semantics(self) -> None:
        assert RetryPolicy(max_attempts=2) == RetryPolicy(max_attempts=2)
        assert RetryPolicy(max_attempts=2) != RetryPolicy(max_attempts=3)
        assert len({RetryPolicy(max_attempts=2), RetryPolicy(max_attempts=2)}) == 1


class TestBackoff:
    @pytest.fixture(autouse=True)
    def _real_waits(self) -> None:
        # The conftest switches test mode on for every test; these look at real waits.
        set_testing(False)

    @pytest.mark.parametrize(("initial", "maximum"), [(1.0, 20.0), (0.1, 0.5), (0.25, 3.0), (2.0, 2.0)])
    def test_full_jitter_within_bounds(self, initial: float, maximum: float) -> None:
        random.seed(20240501)
        policy = RetryPolicy(initial_backoff=initial, max_backoff=maximum)
        for n in range(1, 11):
            ceiling = min(maximum, initial * 2 ** (n - 1))
            waits = [policy.backoff(n) for _ in range(400)]
            assert all(0.0 <= w <= ceiling for w in waits), (n, ceiling, min(waits), max(waits))
            # Full jitter: the waits spread over the whole interval, not a fixed value.
            assert max(waits) > 0.9 * ceiling
            assert min(waits) < 0.1 * ceiling

    def test_ceiling_grows_exponentially_then_caps(self) -> None:
        random.seed(7)
        policy = RetryPolicy(initial_backoff=1.0, max_backoff=20.0)
        highs = [max(policy.backoff(n) for _ in range(400)) for n in (1, 2, 3, 4, 5, 6, 7)]
        # Upper bounds 1, 2, 4, 8, 16, then capped at 20.
        for high, bound in zip(highs, (1, 2, 4, 8, 16, 20, 20), strict=True):
            assert 0.9 * bound < high <= bound

    def test_zero_in_test_mode(self) -> None:
        policy = RetryPolicy(initial_backoff=5.0, max_backoff=60.0)
        set_testing(True)
        try:
            assert all(policy.backoff(n) == 0.0 for n in range(1, 20))
            assert policy.backoff(3, retry_after=30.0) == 0.0
        finally:
            set_testing(False)
        random.seed(1)
        assert any(policy.backoff(3) > 0.0 for _ in range(10))

    @pytest.mark.parametrize("retry_after", [0.0, 0.3, 1.5, 3.0, 7.0, 19.0, 20.0, 45.0])
    @pytest.mark.parametrize("n", [1, 2, 4, 8])
    def test_retry_after_formula(self, retry_after: float, n: int) -> None:
        policy = RetryPolicy(initial_backoff=0.5, max_backoff=20.0)
        for seed in range(25):
            random.seed(seed)
            jitter = random.uniform(0, min(20.0, 0.5 * 2 ** (n - 1)))  # noqa: S311
            random.seed(seed)
            wait = policy.backoff(n, retry_after)
            assert wait == min(20.0, max(retry_after, jitter))
            assert wait <= 20.0
            assert wait >= min(retry_after, 20.0)

    def test_retry_after_above_max_is_capped(self) -> None:
        policy = RetryPolicy(initial_backoff=0.1, max_backoff=2.0)
        assert all(policy.backoff(1, retry_after=300.0) == 2.0 for _ in range(50))

    def test_retry_after_none_is_plain_jitter(self) -> None:
        policy = RetryPolicy(initial_backoff=1.0, max_backoff=20.0)
        random.seed(99)
        plain = [policy.backoff(2) for _ in range(20)]
        random.seed(99)
        with_none = [policy.backoff(2, None) for _ in range(20)]
        assert plain == with_none


# -- the pipeline, through real HTTP --------------------------------------------------------------------------------

FAILURES: dict[str, Callable[[], Reply]] = {
    "InternalServerError": lambda: rek_error("InternalServerError", "oops", 500),
    "ThrottlingException": lambda: rek_error("ThrottlingException", "slow down", 400),
    "ProvisionedThroughputExceededException": lambda: rek_error("ProvisionedThroughputExceededException", "pte", 400),
    "drop": drop,
}


class TestAttemptCount:
    @pytest.mark.parametrize("attempts", [1, 2, 3, 5])
    @pytest.mark.parametrize("failure", sorted(FAILURES))
    async def test_at_most_max_attempts_requests(self, fake_aws: FakeAws, attempts: int, failure: str) -> None:
        fake_aws.always("DescribeCollection", FAILURES[failure]())
        async with open_rek(fake_aws, max_attempts=attempts) as rek:
            with pytest.raises((ServiceError, ConnectionLostError)):
                await rek.describe_collection(collection_id="c")
        assert len(fake_aws.calls("DescribeCollection")) == attempts

    async def test_max_attempts_one_means_no_retry(self, fake_aws: FakeAws) -> None:
        fake_aws.on("DescribeCollection", rek_error("ThrottlingException", "slow", 400), ok(COLLECTION_BODY))
        async with open_rek(fake_aws, max_attempts=1) as rek:
            with pytest.raises(rek_errors.ThrottlingException):
                await rek.describe_collection(collection_id="c")
        assert len(fake_aws.requests) == 1

    async def test_stops_at_first_success(self, fake_aws: FakeAws) -> None:
        fake_aws.on(
            "DescribeCollection",
            rek_error("InternalServerError", "oops", 500),
            rek_error("ThrottlingException", "slow", 400),
            ok(COLLECTION_BODY),
            rek_error("InternalServerError", "must never be sent", 500),
        )
        async with open_rek(fake_aws, max_attempts=5) as rek:
            reply = await rek.describe_collection(collection_id="c")
        assert reply.face_count == 3
        assert len(fake_aws.requests) == 3

    async def test_success_first_time_is_one_request(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        await rek.describe_collection(collection_id="c")
        assert len(fake_aws.requests) == 1

    async def test_each_attempt_sends_the_same_request(self, fake_aws: FakeAws) -> None:
        fake_aws.on("DescribeCollection", drop(), rek_error("InternalServerError", "x", 500), ok(COLLECTION_BODY))
        async with open_rek(fake_aws) as rek:
            await rek.describe_collection(collection_id="my-coll")
        bodies = [r.json for r in fake_aws.requests]
        assert bodies == [{"CollectionId": "my-coll"}] * 3


class TestReadOperation:
    """``DescribeCollection`` is a read: every documented retryable failure and every network failure is retried."""

    def test_precondition_is_a_safe_read(self) -> None:
        assert rek_ops.DESCRIBE_COLLECTION.safe_to_retry
        assert rek_ops.DESCRIBE_COLLECTION.token_field is None

    @pytest.mark.parametrize("failure", sorted(FAILURES))
    async def test_retried_then_succeeds(self, fake_aws: FakeAws, failure: str) -> None:
        fake_aws.on("DescribeCollection", FAILURES[failure](), ok(COLLECTION_BODY))
        async with open_rek(fake_aws) as rek:
            reply = await rek.describe_collection(collection_id="c")
        assert reply.face_count == 3
        assert len(fake_aws.requests) == 2

    async def test_retried_after_read_timeout(self, fake_aws: FakeAws) -> None:
        fake_aws.on("DescribeCollection", slow(), ok(COLLECTION_BODY))
        async with open_rek(fake_aws, read_timeout=True) as rek:
            reply = await rek.describe_collection(collection_id="c")
        assert reply.face_count == 3
        assert len(fake_aws.requests) == 2

    async def test_persistent_read_timeout_raises_after_max_attempts(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", slow(0.6))
        async with open_rek(fake_aws, read_timeout=True, max_attempts=2) as rek:
            with pytest.raises(ReadTimeoutError) as caught:
                await rek.describe_collection(collection_id="c")
        assert caught.value.operation_name == "DescribeCollection"
        assert len(fake_aws.requests) == 2

    @pytest.mark.parametrize(
        ("code", "status", "cls"),
        [
            ("ResourceNotFoundException", 400, rek_errors.ResourceNotFoundException),
            ("AccessDeniedException", 400, rek_errors.AccessDeniedException),
            ("InvalidParameterException", 400, rek_errors.InvalidParameterException),
        ],
    )
    async def test_non_retryable_code_raised_at_once(
        self, fake_aws: FakeAws, code: str, status: int, cls: type[ServiceError]
    ) -> None:
        fake_aws.on("DescribeCollection", rek_error(code, "no", status), ok(COLLECTION_BODY))
        async with open_rek(fake_aws) as rek:
            with pytest.raises(cls):
                await rek.describe_collection(collection_id="c")
        assert len(fake_aws.requests) == 1


MUTATING_NO_TOKEN = {
    "CreateCollection": lambda rek: rek.create_collection(collection_id="c"),
    "CreateProject": lambda rek: rek.create_project(project_name="p"),
}
MUTATING_OK = {
    "CreateCollection": ok({"StatusCode": 200, "CollectionArn": "arn", "FaceModelVersion": "7.0"}),
    "CreateProject": ok({"ProjectArn": "arn:aws:rekognition:us-east-1:123456789012:project/p/1"}),
}


class TestMutatingWithoutToken:
    """CreateCollection and CreateProject change state and carry no token: retry only where the service did nothing."""

    @pytest.mark.parametrize("op", sorted(MUTATING_NO_TOKEN))
    def test_precondition_unsafe_without_token(self, op: str) -> None:
        spec = {"CreateCollection": rek_ops.CREATE_COLLECTION, "CreateProject": rek_ops.CREATE_PROJECT}[op]
        assert spec.token_field is None
        assert not spec.safe_to_retry
        assert "InternalServerError" in spec.retryable

    @pytest.mark.parametrize("op", sorted(MUTATING_NO_TOKEN))
    @pytest.mark.parametrize("code", ["ThrottlingException", "ProvisionedThroughputExceededException"])
    async def test_retried_after_throttling(self, fake_aws: FakeAws, op: str, code: str) -> None:
        fake_aws.on(op, rek_error(code, "slow down", 400), MUTATING_OK[op])
        async with open_rek(fake_aws) as rek:
            await MUTATING_NO_TOKEN[op](rek)
        assert len(fake_aws.calls(op)) == 2

    @pytest.mark.parametrize("op", sorted(MUTATING_NO_TOKEN))
    async def test_persistent_throttling_stops_at_max_attempts(self, fake_aws: FakeAws, op: str) -> None:
        fake_aws.always(op, rek_error("ThrottlingException", "slow down", 400))
        async with open_rek(fake_aws, max_attempts=3) as rek:
            with pytest.raises(rek_errors.ThrottlingException):
                await MUTATING_NO_TOKEN[op](rek)
        assert len(fake_aws.calls(op)) == 3

    @pytest.mark.parametrize("op", sorted(MUTATING_NO_TOKEN))
    async def test_not_retried_after_internal_server_error(self, fake_aws: FakeAws, op: str) -> None:
        fake_aws.on(op, rek_error("InternalServerError", "oops", 500), MUTATING_OK[op])
        async with open_rek(fake_aws) as rek:
            with pytest.raises(rek_errors.InternalServerError) as caught:
                await MUTATING_NO_TOKEN[op](rek)
        assert caught.value.status_code == 500
        assert caught.value.operation_name == op
        assert len(fake_aws.calls(op)) == 1

    @pytest.mark.parametrize("op", sorted(MUTATING_NO_TOKEN))
    async def test_not_retried_after_dropped_connection(self, fake_aws: FakeAws, op: str) -> None:
        fake_aws.on(op, drop(), MUTATING_OK[op])
        async with open_rek(fake_aws) as rek:
            with pytest.raises(ConnectionLostError) as caught:
                await MUTATING_NO_TOKEN[op](rek)
        assert caught.value.operation_name == op
        assert len(fake_aws.calls(op)) == 1

    @pytest.mark.parametrize("op", sorted(MUTATING_NO_TOKEN))
    async def test_not_retried_after_read_timeout(self, fake_aws: FakeAws, op: str) -> None:
        fake_aws.on(op, Reply(200, MUTATING_OK[op].body, delay=0.8), MUTATING_OK[op])
        async with open_rek(fake_aws, read_timeout=True) as rek:
            with pytest.raises(ReadTimeoutError) as caught:
                await MUTATING_NO_TOKEN[op](rek)
        assert caught.value.operation_name == op
        assert len(fake_aws.calls(op)) == 1

    async def test_limit_exceeded_is_not_retried(self, fake_aws: FakeAws) -> None:
        fake_aws.on("CreateProject", rek_error("LimitExceededException", "too many", 400), MUTATING_OK["CreateProject"])
        async with open_rek(fake_aws) as rek:
            with pytest.raises(rek_errors.LimitExceededException):
                await rek.create_project(project_name="p")
        assert len(fake_aws.requests) == 1


class TestMutatingWithToken:
    """CreateUser carries ClientRequestToken: every retryable failure is retried, with the same token."""

    def test_precondition_has_token(self) -> None:
        assert rek_ops.CREATE_USER.token_field == "client_request_token"
        assert rek_ops.CREATE_USER.safe_to_retry

    @pytest.mark.parametrize("failure", sorted(FAILURES))
    async def test_retried_with_same_token(self, fake_aws: FakeAws, failure: str) -> None:
        fake_aws.on("CreateUser", FAILURES[failure](), FAILURES[failure](), ok({}))
        async with open_rek(fake_aws) as rek:
            await rek.create_user(collection_id="c", user_id="u1")
        calls = fake_aws.calls("CreateUser")
        assert len(calls) == 3
        tokens = {c.json["ClientRequestToken"] for c in calls}
        assert len(tokens) == 1
        (token,) = tokens
        assert str(uuid.UUID(token)) == token
        assert all(c.json["UserId"] == "u1" and c.json["CollectionId"] == "c" for c in calls)

    async def test_retried_after_read_timeout_with_same_token(self, fake_aws: FakeAws) -> None:
        fake_aws.on("CreateUser", Reply(200, {}, delay=0.8), ok({}))
        async with open_rek(fake_aws, read_timeout=True) as rek:
            await rek.create_user(collection_id="c", user_id="u1")
        calls = fake_aws.calls("CreateUser")
        assert len(calls) == 2
        assert calls[0].json["ClientRequestToken"] == calls[1].json["ClientRequestToken"]

    async def test_caller_token_sent_on_every_attempt(self, fake_aws: FakeAws) -> None:
        fake_aws.on("CreateUser", rek_error("InternalServerError", "x", 500), drop(), ok({}))
        async with open_rek(fake_aws) as rek:
            await rek.create_user(collection_id="c", user_id="u1", client_request_token="my-token-1")
        assert [c.json["ClientRequestToken"] for c in fake_aws.calls("CreateUser")] == ["my-token-1"] * 3

    async def test_separate_calls_get_separate_tokens(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("CreateUser", ok({}))
        await rek.create_user(collection_id="c", user_id="u1")
        await rek.create_user(collection_id="c", user_id="u1")
        first, second = (c.json["ClientRequestToken"] for c in fake_aws.calls("CreateUser"))
        assert first != second

    async def test_conflict_not_retried(self, fake_aws: FakeAws) -> None:
        fake_aws.on("CreateUser", rek_error("ConflictException", "exists", 400), ok({}))
        async with open_rek(fake_aws) as rek:
            with pytest.raises(rek_errors.ConflictException):
                await rek.create_user(collection_id="c", user_id="u1")
        assert len(fake_aws.requests) == 1


class TestNeverConnected:
    """A connection that is never established: the request never left, so even a mutating call is retried."""

    @pytest.mark.parametrize(
        "call",
        [
            pytest.param(lambda rek: rek.describe_collection(collection_id="c"), id="read"),
            pytest.param(lambda rek: rek.create_collection(collection_id="c"), id="mutating-no-token"),
            pytest.param(lambda rek: rek.create_user(collection_id="c", user_id="u"), id="with-token"),
        ],
    )
    @pytest.mark.parametrize("attempts", [1, 3])
    async def test_connect_error_after_max_attempts(self, fake_aws: FakeAws, call: Callable, attempts: int) -> None:
        port = closed_port()
        async with open_rek(fake_aws, max_attempts=attempts, endpoint_url=f"http://127.0.0.1:{port}") as rek:
            sends = SendCounter(rek)
            with pytest.raises(ConnectError) as caught:
                await call(rek)
        assert sends.count == attempts
        assert isinstance(caught.value.__cause__, bce.EndpointConnectionError)
        assert caught.value.may_have_reached_server is False
        assert fake_aws.requests == []

    async def test_retry_log_counts_attempts(self, fake_aws: FakeAws, caplog: pytest.LogCaptureFixture) -> None:
        port = closed_port()
        caplog.set_level(logging.DEBUG, logger="aws_vision_async")
        async with open_rek(fake_aws, max_attempts=3, endpoint_url=f"http://127.0.0.1:{port}") as rek:
            with pytest.raises(ConnectError):
                await rek.create_collection(collection_id="c")
        messages = [r.getMessage() for r in caplog.records if r.name == "aws_vision_async"]
        assert [m for m in messages if "ConnectError" in m and "retrying" in m] == [
            "CreateCollection: attempt 1 of 3 failed with ConnectError; retrying in 0.000s",
            "CreateCollection: attempt 2 of 3 failed with ConnectError; retrying in 0.000s",
        ]


async def _no_sleep(seconds: float) -> None:
    return None


class TestBotocoreRetriesOff:
    """The SDK is the only retry layer, for clients it builds and for clients handed in."""

    @pytest.mark.parametrize("attempts", [1, 2])
    async def test_sdk_built_client(self, fake_aws: FakeAws, attempts: int) -> None:
        fake_aws.always("DescribeCollection", rek_error("InternalServerError", "oops", 500))
        async with open_rek(fake_aws, max_attempts=attempts) as rek:
            with pytest.raises(rek_errors.InternalServerError):
                await rek.describe_collection(collection_id="c")
        assert len(fake_aws.requests) == attempts

    async def test_sdk_built_client_ignores_retry_settings_in_config(self, fake_aws: FakeAws) -> None:
        from aiobotocore.config import AioConfig

        fake_aws.always("DescribeCollection", rek_error("ThrottlingException", "slow", 400))
        config = AioConfig(retries={"max_attempts": 9, "mode": "standard"})
        async with open_rek(fake_aws, max_attempts=2, config=config) as rek:
            with pytest.raises(rek_errors.ThrottlingException):
                await rek.describe_collection(collection_id="c")
        assert len(fake_aws.requests) == 2

    @pytest.mark.parametrize(
        ("attempts", "failure"),
        [
            (2, "InternalServerError"),
            (1, "InternalServerError"),
            (2, "ThrottlingException"),
            (2, "drop"),
        ],
    )
    async def test_client_handed_in(
        self, fake_aws: FakeAws, monkeypatch: pytest.MonkeyPatch, attempts: int, failure: str
    ) -> None:
        fake_aws.always("DescribeCollection", FAILURES[failure]())
        session = get_session()
        async with session.create_client(
            "rekognition",
            region_name="us-east-1",
            endpoint_url=fake_aws.url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        ) as raw:
            # Should botocore retry after all, do not wait out its backoff: fail fast on the count.
            monkeypatch.setattr(raw._endpoint, "_sleep", _no_sleep)
            async with RekognitionClient(client=raw, retry_policy=RetryPolicy(max_attempts=attempts)) as rek:
                with pytest.raises((rek_errors.RekognitionError, ConnectionLostError)):
                    await rek.describe_collection(collection_id="c")
        assert len(fake_aws.requests) == attempts


class TestRetryAfter:
    async def test_retry_after_header_sets_the_wait(self, fake_aws: FakeAws, caplog: pytest.LogCaptureFixture) -> None:
        from aws_vision_async import LookoutVisionClient

        set_testing(False)  # real (tiny) waits: the wait is min(max_backoff, max(retry_after, jitter))
        caplog.set_level(logging.DEBUG, logger="aws_vision_async")
        fake_aws.on(
            "DescribeProject",
            lfv_error("ThrottlingException", 429, "slow", retry_after=1),
            ok({"ProjectDescription": {"ProjectName": "p"}}),
        )
        policy = RetryPolicy(max_attempts=3, initial_backoff=0.001, max_backoff=0.05)
        with pytest.warns(DeprecationWarning, match="end of support"):
            lfv = LookoutVisionClient(**client_kwargs(fake_aws, retry_policy=policy))
        async with lfv:
            reply = await lfv.describe_project(project_name="p")
        assert reply.project_description is not None
        assert reply.project_description.project_name == "p"
        assert len(fake_aws.requests) == 2
        waits = [r.getMessage() for r in caplog.records if "retrying in" in r.getMessage()]
        assert waits == ["DescribeProject: attempt 1 of 3 failed with ThrottlingException; retrying in 0.050s"]
