"""One worker process of ``benchmarks/fleet.py``: a client, a fan-out of DetectLabels calls, one JSON line of figures.

Started by ``fleet.py`` (not meant to be run by hand) as::

    python benchmarks/_fleet_worker.py '<json job>'

The job names the emulator's URL, the mode (``redis``: a ``RedisRateLimiter`` on
the job's URL and key, no rate; ``local``: a ``RateLimiter()`` of this process's
own; ``none``: no limiter), the calls to make, the tasks and the async backend.
The worker opens its client, prints ``ready`` and waits for a line on stdin, so
that every worker of the fleet starts at once; then it makes its calls and
prints one JSON line: calls that succeeded and failed, requests sent and
requests throttled, and its seconds from the start signal to its last outcome.

Requests and throttles are counted from the SDK's own OpenTelemetry spans (one
span per call, with its attempt count and one ``retry`` event per failed
attempt that was retried, carrying the attempt's error code, and the final
error code when the call failed), the same way in every mode, so the limiter
under test counts nothing itself.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import anyio
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider

from aws_vision_async import RateLimiter, RekognitionClient, fan_out
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, scene_image
from aws_vision_async.rekognition.models import Image

OPERATION = "DetectLabels"
THROTTLING = "ThrottlingException"


@dataclass
class Figures:
    """What one worker did (printed as JSON)."""

    calls: int = 0
    ok: int = 0
    failed: int = 0
    failures: dict[str, int] = field(default_factory=dict[str, int])
    requests: int = 0
    throttled: int = 0
    seconds: float = 0.0


class CountingProcessor(SpanProcessor):
    """Counts the requests and throttled requests of every DetectLabels call from its span."""

    def __init__(self, figures: Figures) -> None:
        self.figures = figures

    def on_end(self, span: ReadableSpan) -> None:
        attributes = span.attributes or {}
        if attributes.get("rpc.method") != OPERATION:
            return
        attempts = attributes.get("aws_vision_async.attempts", 0)
        self.figures.requests += attempts if isinstance(attempts, int) else 0
        # One retry event per failed attempt that was retried; the last attempt's error is the span's.
        for event in span.events:
            if event.name == "retry" and (event.attributes or {}).get("error.type") == THROTTLING:
                self.figures.throttled += 1
        if attributes.get("error.type") == THROTTLING:
            self.figures.throttled += 1


def make_limiter(job: dict[str, Any]) -> RateLimiter | None:
    """The mode's limiter: shared through Redis, one of this process's own, or none."""
    mode = job["mode"]
    if mode == "redis":
        from aws_vision_async.ratelimit import RedisRateLimiter

        return RedisRateLimiter(job["redis_url"], key=job["key"])
    if mode == "local":
        return RateLimiter()
    if mode == "none":
        return None
    raise ValueError(f"unknown mode {mode!r}")


async def run(job: dict[str, Any]) -> Figures:
    """Open the client, wait for the start signal, make the calls; the figures."""
    figures = Figures(calls=job["calls"])
    provider = TracerProvider()
    provider.add_span_processor(CountingProcessor(figures))
    trace.set_tracer_provider(provider)
    image = Image(bytes=scene_image(labels=("x",)))
    limiter = make_limiter(job)

    def inputs() -> Iterator[dict[str, Any]]:
        for _ in range(job["calls"]):
            yield {"image": image}

    async with RekognitionClient(
        endpoint_url=job["url"], region_name="us-east-1", rate_limiter=limiter, **EMULATOR_CREDENTIALS
    ) as rek:
        print("ready", flush=True)
        await anyio.to_thread.run_sync(sys.stdin.readline)
        start = time.monotonic()
        async with fan_out(rek.detect_labels, inputs(), concurrency=job["tasks"], total=job["calls"]) as outcomes:
            async for outcome in outcomes:
                if outcome.error is None:
                    figures.ok += 1
                else:
                    kind = getattr(outcome.error, "code", None) or type(outcome.error).__name__
                    figures.failures[kind] = figures.failures.get(kind, 0) + 1
                    figures.failed += 1
        figures.seconds = time.monotonic() - start
    if job["mode"] == "redis":
        from aws_vision_async.ratelimit import RedisRateLimiter

        assert isinstance(limiter, RedisRateLimiter)
        await limiter.aclose()  # its connection to Redis
    provider.shutdown()
    return figures


def main() -> None:
    job: dict[str, Any] = json.loads(sys.argv[1])
    figures = anyio.run(run, job, backend=job["backend"])
    print(json.dumps(asdict(figures)), flush=True)


if __name__ == "__main__":
    main()
