"""Many calls against an emulator that fails often: nothing lost, nothing doubled, retries bounded."""

from __future__ import annotations

import anyio
import pytest

from aws_vision_async import RetryPolicy
from aws_vision_async.emulator import Emulator, Faults
from aws_vision_async.errors import ServiceError, TransientError
from aws_vision_async.rekognition.errors import InternalServerError

from ._support import SEED, KeyedEmulator, KeyedFaultPlan, add_rek_dataset, open_lfv, open_rek, record

pytestmark = pytest.mark.anyio

CREATES = 500
CREATE_KEY = "lookoutvision:CreateProject"
CREATE_FAULTS = {CREATE_KEY: Faults(commit_then_fail=0.3, throttle=0.2)}
ENTRIES = 10_000
PAGE = 100
ENTRIES_KEY = "rekognition:ListDatasetEntries"


def expected_budget_run(plan: KeyedFaultPlan, names: list[str], max_attempts: int) -> tuple[set[str], set[str], int]:
    """What one-at-a-time creates do with AWS's standard retry quota, from the fault draws.

    The quota as documented for the standard retry mode: 500 tokens; a retry
    costs 5; a call that succeeds gives back what its last retry cost, or 1 if
    it needed none. Commit-then-fail creates the project even though the call
    fails.

    Returns:
        The names whose call failed, the names a project exists for, and the requests made.
    """
    tokens, failed, created, requests = 500, set[str](), set[str](), 0
    for name in names:
        attempt, last_cost = 0, 0
        while True:
            attempt += 1
            requests += 1
            fault, _ = plan.outcome(name, attempt, CREATE_KEY, "CreateProject")
            if fault in (None, "commit_then_fail"):
                created.add(name)
            if fault is None:
                tokens = min(500, tokens + (last_cost or 1))
                break
            if attempt >= max_attempts or tokens < 5:
                failed.add(name)
                break
            tokens -= 5
            last_cost = 5
    return failed, created, requests


async def test_500_creates_with_commit_then_fail_make_500_projects(anyio_backend: str) -> None:
    names = [f"reliability-{i:04d}" for i in range(CREATES)]
    async with KeyedEmulator(faults=CREATE_FAULTS, seed=SEED) as emu:
        plan = emu.faults
        assert isinstance(plan, KeyedFaultPlan)
        # The draws are keyed per (seed, name, attempt), so the requests each call
        # needs are known in advance, whatever order the concurrent calls arrive in.
        needed = [plan.attempts_needed(name, CREATE_KEY, "CreateProject") for name in names]
        assert max(needed) <= 12, "pick another SEED: some call would need more than 12 attempts"
        expected_requests = sum(needed)
        assert expected_requests > CREATES * 1.5  # about half the requests fail: this is a real test of retries

        # The budget is off here on purpose: at a 50% failure rate, AWS's standard
        # token bucket (500 tokens, 5 per retry, a success gives back only what its
        # last retry cost, or 1) loses about 2 tokens per call and is empty after a
        # few hundred calls, after which failures are raised without retry, by
        # design. test_the_budget_drains_at_a_50_percent_failure_rate shows that.
        results: dict[str, str] = {}
        limiter = anyio.CapacityLimiter(20)
        with anyio.fail_after(120):
            async with open_lfv(emu, retry_policy=RetryPolicy(max_attempts=12, use_budget=False)) as lfv:

                async def create(name: str) -> None:
                    async with limiter:
                        reply = await lfv.create_project(project_name=name)
                    assert reply.project_metadata is not None
                    assert reply.project_metadata.project_name == name
                    results[name] = reply.project_metadata.project_arn or ""

                async with anyio.create_task_group() as tg:
                    for name in names:
                        tg.start_soon(create, name)

        projects = emu.state.lfv_projects
        assert sorted(results) == names  # every call succeeded
        assert sorted(projects) == names  # exactly these projects: none missing, none extra
        assert {name: p.arn for name, p in projects.items()} == results
        requests = emu.requests[CREATE_KEY]
        # Exactly the requests the fault draws call for: no call gave up early,
        # none sent one more than it needed.
        assert requests == expected_requests
        assert sum(emu.requests.values()) == requests
    record(
        anyio_backend,
        creates=CREATES,
        projects=len(projects),
        create_requests=requests,
        create_retries=requests - CREATES,
    )


async def test_the_budget_drains_at_a_50_percent_failure_rate(anyio_backend: str) -> None:
    # The workload of the test above, one call at a time, with the standard
    # budget on: once the bucket is empty, failures are no longer retried.
    names = [f"budget-{i:04d}" for i in range(CREATES)]
    failures: dict[str, ServiceError] = {}
    async with KeyedEmulator(faults=CREATE_FAULTS, seed=SEED) as emu:
        with anyio.fail_after(120):
            async with open_lfv(emu, retry_policy=RetryPolicy(max_attempts=12)) as lfv:
                for name in names:
                    try:
                        await lfv.create_project(project_name=name)
                    except ServiceError as exc:
                        failures[name] = exc
        plan = emu.faults
        assert isinstance(plan, KeyedFaultPlan)
        expected_failed, expected_created, expected_requests = expected_budget_run(plan, names, 12)
        assert expected_failed, "with this SEED the budget would not run out: pick another"
        assert {f.operation_name for f in failures.values()} == {"CreateProject"}
        assert {f.code for f in failures.values()} <= {"ThrottlingException", "InternalServerException"}
        assert set(failures) == expected_failed
        assert set(emu.state.lfv_projects) == expected_created
        assert emu.requests[CREATE_KEY] == expected_requests
    record(anyio_backend, budget_failures=f"{len(failures)} of {CREATES}")


async def test_10000_entries_come_in_order_through_faults(anyio_backend: str, emu: Emulator) -> None:
    dataset_arn, expected = add_rek_dataset(emu, ENTRIES)
    assert len(set(expected)) == ENTRIES
    emu.faults.set(ENTRIES_KEY, Faults(throttle=0.2, server_error=0.1, drop=0.05))
    emu.faults.reseed(SEED)
    got: list[str] = []
    with anyio.fail_after(120):
        async with open_rek(emu, retry_policy=RetryPolicy(max_attempts=12, use_budget=False)) as rek:
            async for entry in rek.list_dataset_entries(dataset_arn=dataset_arn, max_results=PAGE):
                got.append(entry)
    assert len(got) == ENTRIES
    assert got == expected  # in order, none lost, none repeated
    requests = emu.requests[ENTRIES_KEY]
    pages = ENTRIES // PAGE
    assert requests > pages  # faults did happen, and were retried
    record(anyio_backend, entries=len(got), entry_requests=requests, entry_retries=requests - pages)


async def test_the_retry_budget_bounds_requests_in_an_outage(anyio_backend: str, emu: Emulator) -> None:
    calls = 30
    emu.state.create_collection({"CollectionId": "outage"})
    emu.faults.set("rekognition:DescribeCollection", Faults(server_error=1.0))
    per_call: list[int] = []
    with anyio.fail_after(120):
        async with open_rek(emu, retry_policy=RetryPolicy(max_attempts=12)) as rek:
            for _ in range(calls):
                before = emu.requests["rekognition:DescribeCollection"]
                with pytest.raises(InternalServerError) as caught:
                    await rek.describe_collection(collection_id="outage")
                assert isinstance(caught.value, TransientError)
                per_call.append(emu.requests["rekognition:DescribeCollection"] - before)
    total = sum(per_call)
    # 500 tokens at 5 per retry pay for exactly 100 retries, and no call succeeds
    # to give any back: 9 calls retry 11 times, the 10th once, the rest never.
    assert per_call == [12] * 9 + [2] + [1] * (calls - 10)
    assert total == calls + 500 // 5
    record(anyio_backend, budget_requests=total, budget_calls=calls)

    # Without the budget the same outage costs every call its twelve requests.
    emu.requests.clear()
    async with open_rek(emu, retry_policy=RetryPolicy(max_attempts=12, use_budget=False)) as rek:
        for _ in range(5):
            with pytest.raises(InternalServerError):
                await rek.describe_collection(collection_id="outage")
    assert emu.requests["rekognition:DescribeCollection"] == 5 * 12
