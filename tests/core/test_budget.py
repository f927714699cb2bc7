"""The retry budget: the token bucket itself, and how BaseClient spends and refunds it."""

from __future__ import annotations

import logging

import pytest

from aws_vision_async import ConnectionLostError, ReadTimeoutError, RekognitionClient
from aws_vision_async._core import budget as budget_mod
from aws_vision_async._core.budget import RetryBudget
from aws_vision_async.rekognition import errors as rek_errors

from ..fakeaws import FakeAws, drop, ok, rek_error
from ._support import COLLECTION_BODY, open_rek, slow

pytestmark = pytest.mark.anyio

SERVER_ERROR = rek_error("InternalServerError", "oops", 500)


def drained(capacity: int = 10) -> RetryBudget:
    budget = RetryBudget(capacity=capacity)
    assert budget.acquire(capacity)
    assert budget.tokens == 0
    return budget


class TestRetryBudgetUnit:
    def test_documented_constants(self) -> None:
        assert budget_mod.CAPACITY == 500
        assert budget_mod.RETRY_COST == 5
        assert budget_mod.TIMEOUT_RETRY_COST == 10
        assert budget_mod.NO_RETRY_INCREMENT == 1

    def test_starts_full(self) -> None:
        assert RetryBudget().tokens == 500
        assert RetryBudget(capacity=7).tokens == 7

    def test_acquire_spends(self) -> None:
        budget = RetryBudget(capacity=20)
        assert budget.acquire(5) is True
        assert budget.tokens == 15
        assert budget.acquire(10) is True
        assert budget.tokens == 5

    def test_acquire_exactly_the_rest(self) -> None:
        budget = RetryBudget(capacity=10)
        assert budget.acquire(10) is True
        assert budget.tokens == 0
        assert budget.acquire(1) is False
        assert budget.tokens == 0

    def test_acquire_too_much_spends_nothing(self) -> None:
        budget = RetryBudget(capacity=12)
        assert budget.acquire(5)
        assert budget.acquire(10) is False
        assert budget.tokens == 7
        assert budget.acquire(5) is True
        assert budget.tokens == 2
        assert budget.acquire(5) is False
        assert budget.tokens == 2

    def test_release_refills_up_to_capacity(self) -> None:
        budget = RetryBudget(capacity=10)
        budget.release(5)
        assert budget.tokens == 10  # never above capacity
        assert budget.acquire(10)
        budget.release(1)
        assert budget.tokens == 1
        budget.release(5)
        assert budget.tokens == 6
        budget.release(100)
        assert budget.tokens == 10

    def test_drain_then_refill_cycle(self) -> None:
        budget = RetryBudget()
        spent = 0
        while budget.acquire(5):
            spent += 1
        assert spent == 100
        assert budget.tokens == 0
        for _ in range(5):
            budget.release(1)
        assert budget.acquire(5)
        assert not budget.acquire(1)


class TestBudgetInTheClient:
    async def test_each_client_has_a_full_budget(self, rek: RekognitionClient) -> None:
        assert isinstance(rek._budget, RetryBudget)
        assert rek._budget.tokens == 500

    async def test_retries_spend_five_each(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", SERVER_ERROR)
        with pytest.raises(rek_errors.InternalServerError):
            await rek.describe_collection(collection_id="c")
        assert len(fake_aws.requests) == 4
        assert rek._budget.tokens == 500 - 3 * 5

    async def test_last_attempt_spends_nothing(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", SERVER_ERROR)
        async with open_rek(fake_aws, max_attempts=1) as rek:
            with pytest.raises(rek_errors.InternalServerError):
                await rek.describe_collection(collection_id="c")
            assert rek._budget.tokens == 500

    async def test_non_retryable_failure_spends_nothing(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", rek_error("ResourceNotFoundException", "gone", 400))
        with pytest.raises(rek_errors.ResourceNotFoundException):
            await rek.describe_collection(collection_id="c")
        assert rek._budget.tokens == 500

    async def test_empty_budget_raises_after_one_request(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        rek._budget = RetryBudget(capacity=10)
        fake_aws.always("DescribeCollection", SERVER_ERROR)
        # 10 tokens pay for two retries of 5; the third retry cannot be paid for.
        with pytest.raises(rek_errors.InternalServerError):
            await rek.describe_collection(collection_id="c")
        assert len(fake_aws.requests) == 3
        assert rek._budget.tokens == 0
        # Empty now: the next retryable failure is raised at once.
        fake_aws.requests.clear()
        fake_aws.on("DescribeCollection", rek_error("ThrottlingException", "slow", 400), ok(COLLECTION_BODY))
        with pytest.raises(rek_errors.ThrottlingException):
            await rek.describe_collection(collection_id="c")
        assert len(fake_aws.requests) == 1

    async def test_empty_budget_is_logged(
        self, rek: RekognitionClient, fake_aws: FakeAws, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG, logger="aws_vision_async")
        rek._budget = drained()
        fake_aws.always("DescribeCollection", SERVER_ERROR)
        with pytest.raises(rek_errors.InternalServerError):
            await rek.describe_collection(collection_id="c")
        assert "DescribeCollection: retry budget exhausted, not retrying InternalServerError" in [
            r.getMessage() for r in caplog.records
        ]

    async def test_empty_budget_network_error_raised_at_once(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        rek._budget = drained()
        fake_aws.on("DescribeCollection", drop(), ok(COLLECTION_BODY))
        with pytest.raises(ConnectionLostError):
            await rek.describe_collection(collection_id="c")
        assert len(fake_aws.requests) == 1

    async def test_success_without_retry_refunds_one(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        rek._budget = drained()
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        for expected in (1, 2, 3):
            await rek.describe_collection(collection_id="c")
            assert rek._budget.tokens == expected

    async def test_successes_refill_until_a_retry_is_affordable(
        self, rek: RekognitionClient, fake_aws: FakeAws
    ) -> None:
        rek._budget = drained()
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        for _ in range(4):
            await rek.describe_collection(collection_id="c")
        assert rek._budget.tokens == 4
        # 4 tokens: not enough for a retry.
        fake_aws.on("DescribeCollection", SERVER_ERROR)
        with pytest.raises(rek_errors.InternalServerError):
            await rek.describe_collection(collection_id="c")
        await rek.describe_collection(collection_id="c")
        assert rek._budget.tokens == 5
        # 5 tokens: one retry is paid for, and its success gives the 5 back.
        fake_aws.requests.clear()
        fake_aws.on("DescribeCollection", SERVER_ERROR)
        reply = await rek.describe_collection(collection_id="c")
        assert reply.face_count == 3
        assert len(fake_aws.requests) == 2
        assert rek._budget.tokens == 5

    async def test_success_after_retries_refunds_last_retry_cost(
        self, rek: RekognitionClient, fake_aws: FakeAws
    ) -> None:
        fake_aws.on("DescribeCollection", SERVER_ERROR, SERVER_ERROR, ok(COLLECTION_BODY))
        await rek.describe_collection(collection_id="c")
        assert rek._budget.tokens == 500 - 10 + 5

    async def test_refund_capped_at_capacity(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", ok(COLLECTION_BODY))
        await rek.describe_collection(collection_id="c")
        assert rek._budget.tokens == 500

    async def test_timeout_retry_costs_ten(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", slow(0.6))
        async with open_rek(fake_aws, read_timeout=True, max_attempts=4) as rek:
            rek._budget = RetryBudget(capacity=10)
            with pytest.raises(ReadTimeoutError):
                await rek.describe_collection(collection_id="c")
            # One timeout retry costs all 10 tokens; the second cannot be paid for.
            assert len(fake_aws.requests) == 2
            assert rek._budget.tokens == 0

    async def test_budget_is_per_client(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", SERVER_ERROR)
        async with open_rek(fake_aws) as first, open_rek(fake_aws) as second:
            first._budget = drained()
            with pytest.raises(rek_errors.InternalServerError):
                await second.describe_collection(collection_id="c")
            assert len(fake_aws.requests) == 4
            assert second._budget.tokens == 485
            assert first._budget.tokens == 0


class TestBudgetSwitchedOff:
    async def test_use_budget_false_retries_on_empty_budget(self, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeCollection", SERVER_ERROR)
        async with open_rek(fake_aws, max_attempts=4, use_budget=False) as rek:
            rek._budget = drained()
            with pytest.raises(rek_errors.InternalServerError):
                await rek.describe_collection(collection_id="c")
            assert len(fake_aws.requests) == 4
            assert rek._budget.tokens == 0

    async def test_use_budget_false_neither_spends_nor_refunds(self, fake_aws: FakeAws) -> None:
        fake_aws.on("DescribeCollection", SERVER_ERROR, SERVER_ERROR, ok(COLLECTION_BODY), ok(COLLECTION_BODY))
        async with open_rek(fake_aws, use_budget=False) as rek:
            rek._budget = RetryBudget(capacity=10)
            assert rek._budget.acquire(3)
            await rek.describe_collection(collection_id="c")
            await rek.describe_collection(collection_id="c")
            assert rek._budget.tokens == 7
        assert len(fake_aws.requests) == 4
