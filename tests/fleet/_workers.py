"""A worker process of the RedisRateLimiter tests: one limiter on a shared key, as one process of a fleet.

``python _workers.py URL KEY BACKEND grants N TASKS PER_SECOND START``: from the wall-clock
time ``START`` (so that every process asks at once), ``TASKS`` tasks take ``N`` tokens
between them from a limiter of ``PER_SECOND`` (non-adaptive), then print the wall-clock
time of each grant as JSON (one host: the processes share its clock).

``python _workers.py URL KEY BACKEND throttle``: take a token, report its reply as a
throttle, print the rate the limiter saw afterwards.
"""

from __future__ import annotations

import json
import sys
import time
from functools import partial

import anyio

from aws_vision_async.ratelimit import RedisRateLimiter


async def grants(url: str, key: str, *, n: int, tasks: int, per_second: float, start: float) -> None:
    limiter = RedisRateLimiter(url, key=key, per_second=per_second, adaptive=False)
    await anyio.sleep(max(0.0, start - time.time()))
    times: list[float] = []

    async def one(count: int) -> None:
        for _ in range(count):
            await limiter.acquire()
            times.append(time.time())

    async with anyio.create_task_group() as group:
        for i in range(tasks):
            group.start_soon(one, n // tasks + (1 if i < n % tasks else 0))
    await limiter.aclose()
    print(json.dumps(times))


async def throttle(url: str, key: str) -> None:
    limiter = RedisRateLimiter(url, key=key)
    await limiter.acquire()
    sent_at = time.monotonic()
    await limiter.report_reply(throttled=True, sent_at=sent_at)
    await limiter.acquire()  # reads the shared state back
    await limiter.aclose()
    print(json.dumps({"rate": limiter.rate, "throttles": limiter.throttles}))


def main(argv: list[str]) -> None:
    url, key, backend, mode, *rest = argv
    if mode == "grants":
        n, tasks, per_second, start = rest
        run = partial(grants, url, key, n=int(n), tasks=int(tasks), per_second=float(per_second), start=float(start))
        anyio.run(run, backend=backend)
    elif mode == "throttle":
        anyio.run(throttle, url, key, backend=backend)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
