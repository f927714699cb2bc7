"""Fan out DetectCustomLabels against a 20 TPS quota: with a shared adaptive limiter, and without one.

The embedded emulator enforces the quota as AWS does (``Faults(tps=20)``: a
token bucket of 20, each request above it refused with Rekognition's
``ThrottlingException``). Both runs make the same calls with ``fan_out`` at the
same concurrency, through the SDK's default retry policy (real backoff waits),
in one process, one after the other, each starting with a full quota bucket.
The limiter is ``RateLimiter()``: no ``per_second``, so it knows nothing of the
quota at first; it starts at 10 requests a second and grows from there (slow
start) until the first throttle, then follows CUBIC. The script prints, for each run, the calls
that failed, the share of requests throttled, and the rate achieved (calls that
succeeded per second of the run) against the quota; then PASS or FAIL against
the goals: at most 5% of requests throttled, no failed call, at least 85% of
the quota. Run it with::

    uv run python benchmarks/quota.py [--calls 2000] [--concurrency 64] [--tps 20]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from aws_vision_async import RateLimiter, RekognitionClient, fan_out
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator, Faults, Timings
from aws_vision_async.rekognition.models import Image

# The examples are scripts, not a package: import the one whose training this benchmark reuses.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
import within_quota

OPERATION = "DetectCustomLabels"
IMAGE = Image(bytes=b"\xff\xd8\xff\xe0" + b"a photo of a widget" * 20)


MAX_THROTTLED = 0.05
MIN_OF_QUOTA = 0.85


@dataclass
class Run:
    """What one run did."""

    name: str
    calls: int
    failed: int
    failures: dict[str, int]
    requests: int
    seconds: float

    @property
    def throttled(self) -> int:
        # Every request beyond the first of each call that succeeded was refused (the only fault).
        return self.requests - (self.calls - self.failed)

    def rate(self) -> float:
        return (self.calls - self.failed) / self.seconds


async def _train_and_start(rek: RekognitionClient) -> str:
    # The same trained model as examples/within_quota.py, then started.
    project_arn, version_arn = await within_quota.train(rek)
    await rek.start_project_version(project_version_arn=version_arn, min_inference_units=1)
    await rek.wait_until_project_version_running(project_arn=project_arn, version_names=["v1"], **within_quota.POLL)
    return version_arn


async def _run(
    name: str, emulator: Emulator, rek: RekognitionClient, *, version_arn: str, calls: int, concurrency: int
) -> Run:
    def inputs() -> Iterator[dict[str, Any]]:
        for _ in range(calls):
            yield {"project_version_arn": version_arn, "image": IMAGE, "min_confidence": 0}

    before = emulator.requests[f"rekognition:{OPERATION}"]
    failures: dict[str, int] = {}
    start = time.monotonic()
    async with fan_out(rek.detect_custom_labels, inputs(), concurrency=concurrency, total=calls) as outcomes:
        async for outcome in outcomes:
            if outcome.error is not None:
                kind = type(outcome.error).__name__
                failures[kind] = failures.get(kind, 0) + 1
    seconds = time.monotonic() - start
    requests = emulator.requests[f"rekognition:{OPERATION}"] - before
    return Run(name, calls, sum(failures.values()), failures, requests, seconds)


def _report(run: Run, tps: float, limiter: RateLimiter | None) -> bool:
    share = run.throttled / run.requests if run.requests else 0.0
    of_quota = run.rate() / tps
    print(f"\n{run.name}")
    print(f"  calls {run.calls}: {run.calls - run.failed} succeeded, {run.failed} failed {run.failures or ''}".rstrip())
    print(f"  requests {run.requests}, throttled {run.throttled} ({share:.1%} of requests)")
    print(f"  {run.seconds:.1f} s, {run.rate():.2f} calls/s = {of_quota:.1%} of the {tps:g} TPS quota")
    if limiter is not None:
        print(f"  limiter: learnt rate {limiter.rate or 0:.2f}/s after {limiter.throttles} throttles")
    return share <= MAX_THROTTLED and run.failed == 0 and of_quota >= MIN_OF_QUOTA


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--tps", type=float, default=20.0)
    parser.add_argument("--skip-unlimited", action="store_true", help="run with the limiter only")
    args = parser.parse_args()

    fast = Timings(training=0.05, starting=0.05, stopping=0.05)
    async with (
        Emulator(timings=fast) as emulator,
        RekognitionClient(endpoint_url=emulator.url, region_name="us-east-1", **EMULATOR_CREDENTIALS) as rek,
    ):
        version_arn = await _train_and_start(rek)
        emulator.faults.set(OPERATION, Faults(tps=args.tps))
        print(f"{args.calls} {OPERATION} calls, concurrency {args.concurrency}, quota {args.tps:g} TPS (emulator)")

        limiter = RateLimiter()  # no per_second: slow start from 10/s, then it learns the quota from throttles
        limited = await _run(
            "shared adaptive RateLimiter()",
            emulator,
            rek.with_options(rate_limiter=limiter),
            version_arn=version_arn,
            calls=args.calls,
            concurrency=args.concurrency,
        )
        passed = _report(limited, args.tps, limiter)
        if not args.skip_unlimited:
            await anyio.sleep(1.5)  # the quota bucket fills up again: the same start for both
            unlimited = await _run(
                "no limiter", emulator, rek, version_arn=version_arn, calls=args.calls, concurrency=args.concurrency
            )
            _report(unlimited, args.tps, None)
        await rek.stop_project_version(project_version_arn=version_arn)
    goals = f"throttled <= {MAX_THROTTLED:.0%}, no failure, >= {MIN_OF_QUOTA:.0%} of the quota"
    print(f"\nwith the limiter: {'PASS' if passed else 'FAIL'} ({goals})")


if __name__ == "__main__":
    anyio.run(main)
