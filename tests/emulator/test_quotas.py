"""Quotas: Faults(tps=N) throttles an operation's requests above N a second, as AWS does."""

from __future__ import annotations

import time
import warnings

import anyio
import pytest

from aws_vision_async import LookoutVisionClient, RekognitionClient, RetryPolicy, ThrottlingError, set_testing
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator, FaultPlan, Faults
from aws_vision_async.ratelimit import RateLimiter

from ._support import assert_lfv_error, assert_rek_error, lfv_raw, rek_raw, shared_session

# Small backoffs, no budget: retries outlast a few seconds of throttling quickly.
PATIENT = RetryPolicy(max_attempts=20, initial_backoff=0.05, max_backoff=0.3, use_budget=False)


def test_requests_above_the_quota_are_throttled_with_rekognitions_error(emu: Emulator) -> None:
    emu.faults.set("DescribeProjects", Faults(tps=3))
    replies = [rek_raw(emu.url, "DescribeProjects", {}) for _ in range(10)]
    ok = [r for r in replies if r.status == 200]
    throttled = [r for r in replies if r.status != 200]
    # A full bucket of 3, plus what refills while the ten requests are made (generous margin).
    assert 3 <= len(ok) <= 6, [r.status for r in replies]
    for reply in throttled:
        assert assert_rek_error(reply, "ThrottlingException", 400) == "Rate exceeded"
    # Other operations have no quota.
    assert all(rek_raw(emu.url, "ListCollections", {}).status == 200 for _ in range(10))


def test_lookoutvision_quota_replies_429_with_retry_after(emu: Emulator) -> None:
    emu.faults.set("lookoutvision:ListProjects", Faults(tps=2))
    replies = [lfv_raw(emu.url, "GET", "/projects") for _ in range(8)]
    throttled = [r for r in replies if r.status != 200]
    assert len(throttled) >= 2, [r.status for r in replies]
    for reply in throttled:
        assert_lfv_error(reply, "ThrottlingException", 429)
        assert reply.header("retry-after") == "1"


def test_requests_below_the_quota_pass(emu: Emulator) -> None:
    emu.faults.set("DescribeProjects", Faults(tps=20))
    for _ in range(8):
        assert rek_raw(emu.url, "DescribeProjects", {}).status == 200
        time.sleep(0.1)  # 10 a second, half the quota


def test_throttled_requests_do_no_work(emu: Emulator) -> None:
    emu.faults.set("CreateCollection", Faults(tps=1))
    statuses = [rek_raw(emu.url, "CreateCollection", {"CollectionId": f"c{i}"}).status for i in range(5)]
    created = set(emu.state.collections)
    assert statuses.count(200) == len(created) >= 1
    assert len(created) < 5


def test_zero_or_none_means_no_quota(emu: Emulator) -> None:
    for faults in (Faults(tps=0), Faults(tps=None)):
        emu.faults.set("DescribeProjects", faults)
        assert all(rek_raw(emu.url, "DescribeProjects", {}).status == 200 for _ in range(15))


def test_the_bucket_refills_at_the_quota() -> None:
    plan = FaultPlan({"Op": Faults(tps=10)})
    assert [plan.draw("svc:Op", "Op")[0] for _ in range(10)] == [None] * 10
    assert plan.draw("svc:Op", "Op")[0] == "quota"
    time.sleep(0.3)  # about three tokens back
    assert plan.draw("svc:Op", "Op")[0] is None
    # Each operation has its own bucket, even under "*".
    star = FaultPlan({"*": Faults(tps=1)})
    assert [star.draw("svc:A", "A")[0], star.draw("svc:B", "B")[0], star.draw("svc:A", "A")[0]] == [None, None, "quota"]


def test_a_quota_below_one_a_second_still_admits_one() -> None:
    plan = FaultPlan({"Op": Faults(tps=0.5)})
    assert [plan.draw("svc:Op", "Op")[0] for _ in range(2)] == [None, "quota"]


def test_parse_a_quota() -> None:
    assert Faults.parse("DetectCustomLabels:tps=20") == ("DetectCustomLabels", Faults(tps=20))
    assert Faults.parse("lookoutvision:DetectAnomalies:tps=5,latency=0.1") == (
        "lookoutvision:DetectAnomalies",
        Faults(tps=5, latency=0.1),
    )


@pytest.mark.parametrize("tps", [-1.0, float("inf"), float("nan")])
def test_invalid_quotas_are_value_errors(tps: float) -> None:
    with pytest.raises(ValueError, match="tps"):
        Faults(tps=tps)


@pytest.mark.anyio
async def test_the_sdk_retries_through_the_quota(emu: Emulator, anyio_backend: str) -> None:
    set_testing(False)  # real (small) backoffs: the quota refills between attempts
    emu.faults.set("DescribeProjects", Faults(tps=3))
    emu.faults.set("lookoutvision:ListProjects", Faults(tps=3))
    key, secret = EMULATOR_CREDENTIALS["aws_access_key_id"], EMULATOR_CREDENTIALS["aws_secret_access_key"]
    session = shared_session(anyio_backend)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        lfv = LookoutVisionClient(
            endpoint_url=emu.url,
            region_name="us-east-1",
            retry_policy=PATIENT,
            session=session,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
        )
    rek = RekognitionClient(
        endpoint_url=emu.url,
        region_name="us-east-1",
        retry_policy=PATIENT,
        session=session,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
    )
    done: list[str] = []

    async def rek_call() -> None:
        await rek.describe_projects()
        done.append("rek")

    async def lfv_call() -> None:
        await lfv.list_projects()
        done.append("lfv")

    with anyio.fail_after(30):  # generous: about 8 requests over 3 a second
        async with rek, lfv, anyio.create_task_group() as tg:
            for _ in range(8):
                tg.start_soon(rek_call)
                tg.start_soon(lfv_call)
    assert sorted(done) == ["lfv"] * 8 + ["rek"] * 8
    assert emu.requests["rekognition:DescribeProjects"] > 8  # some were throttled and retried


@pytest.mark.anyio
async def test_an_adaptive_limiter_learns_the_quota(rek: RekognitionClient, emu: Emulator) -> None:
    # How the pipeline will use a limiter: a token per attempt, and each reply recorded.
    emu.faults.set("DescribeProjects", Faults(tps=5))
    limiter = RateLimiter()
    outcomes: list[bool] = []
    with anyio.fail_after(30):
        for _ in range(20):
            await limiter.acquire()
            try:
                await rek.describe_projects()
            except ThrottlingError:
                limiter.record_throttle()
                outcomes.append(False)
            else:
                limiter.record_success()
                outcomes.append(True)
    assert limiter.throttles == outcomes.count(False) >= 1
    assert limiter.rate is not None  # it limits from the first throttle on
    assert outcomes.count(True) >= 5
