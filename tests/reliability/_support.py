"""Helpers of the reliability suite: clients on the emulator, sockets, tasks, the summary."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

import anyio
from aiohttp import web

from aws_vision_async import LookoutVisionClient, RekognitionClient, RetryPolicy
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator, FaultPlan, Faults

#: Every randomised thing in the suite derives from this seed.
SEED = 20240501

# -- clients ------------------------------------------------------------------------------------------


def client_kwargs(emu: Emulator, **extra: Any) -> dict[str, Any]:
    """Keyword arguments for an SDK client pointed at ``emu``."""
    return {
        "endpoint_url": emu.url,
        "region_name": "us-east-1",
        **EMULATOR_CREDENTIALS,
        "retry_policy": RetryPolicy(max_attempts=12, use_budget=False),
        **extra,
    }


@asynccontextmanager
async def open_rek(emu: Emulator, **extra: Any) -> AsyncIterator[RekognitionClient]:
    """An open Rekognition client on the emulator."""
    async with RekognitionClient(**client_kwargs(emu, **extra)) as client:
        yield client


def new_lfv(emu: Emulator, **extra: Any) -> LookoutVisionClient:
    """A Lookout for Vision client on the emulator (its deprecation warning silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return LookoutVisionClient(**client_kwargs(emu, **extra))


@asynccontextmanager
async def open_lfv(emu: Emulator, **extra: Any) -> AsyncIterator[LookoutVisionClient]:
    """An open Lookout for Vision client on the emulator."""
    async with new_lfv(emu, **extra) as client:
        yield client


def add_rek_dataset(emu: Emulator, count: int, project: str = "reliability") -> tuple[str, list[str]]:
    """Put a Rekognition project with a TRAIN dataset of ``count`` entries in the emulator's state.

    Returns:
        The dataset ARN and its JSON Lines, in the order the service keeps them.
    """
    state = emu.state
    project_arn = state.rek_create_project({"ProjectName": project})["ProjectArn"]
    dataset_arn = state.rek_create_dataset({"ProjectArn": project_arn, "DatasetType": "TRAIN"})["DatasetArn"]
    lines = [
        json.dumps(
            {
                "source-ref": f"s3://reliability-bucket/img-{i:06d}.jpg",
                "defect": 1,
                "defect-metadata": {"class-name": "scratch" if i % 3 else "dent", "type": "groundtruth/x"},
            },
            separators=(",", ":"),
        )
        for i in range(count)
    ]
    state.rek_update_dataset_entries({"DatasetArn": dataset_arn, "Changes": {"GroundTruth": "\n".join(lines).encode()}})
    return dataset_arn, lines


# -- deterministic faults under concurrency -----------------------------------------------------------

_REQUEST_KEY: ContextVar[str | None] = ContextVar("reliability_request_key", default=None)


class KeyedFaultPlan(FaultPlan):
    """The same :class:`Faults`, drawn per (seed, resource name, attempt) instead of per arrival.

    The emulator's own plan draws from one random sequence in the order requests
    arrive. With many calls in flight that order depends on scheduling, so which
    call gets which fault (and whether one call is unlucky twelve times in a
    row) changes from run to run. Here the draw for the n-th request about a
    given name comes from a generator seeded with ``(seed, name, n)``: the
    outcome of every call, and so every figure of the test, is reproducible,
    and :meth:`attempts_needed` predicts it.
    """

    def __init__(self, faults: Mapping[str, Faults], seed: int) -> None:
        super().__init__(faults, seed)
        self._mapping = dict(faults)
        self._seed = seed
        self._seen: Counter[str] = Counter()
        self._seen_lock = threading.Lock()

    def set(self, operation: str, faults: Faults | None) -> None:
        super().set(operation, faults)
        if faults is None:
            self._mapping.pop(operation, None)
        else:
            self._mapping[operation] = faults

    def clear(self) -> None:
        super().clear()
        self._mapping.clear()

    def outcome(self, name: str, attempt: int, *keys: str) -> tuple[Any, float]:
        """The fault (or none) and latency of the ``attempt``-th request about ``name``."""
        # A one-off plan seeded for this very request: the emulator's draw logic, reused as is.
        digest = hashlib.sha256(f"{self._seed}:{name}:{attempt}".encode()).digest()
        return FaultPlan(self._mapping, seed=int.from_bytes(digest[:8], "big")).draw(*keys)

    def draw(self, *keys: str) -> tuple[Any, float]:
        name = _REQUEST_KEY.get()
        if name is None:
            return super().draw(*keys)
        with self._seen_lock:
            self._seen[name] += 1
            attempt = self._seen[name]
        return self.outcome(name, attempt, *keys)

    def attempts_needed(self, name: str, *keys: str, limit: int = 1000) -> int:
        """How many requests a call about ``name`` needs until one gets no fault."""
        for attempt in range(1, limit + 1):
            fault, _ = self.outcome(name, attempt, *keys)
            if fault is None:
                return attempt
        return limit


class KeyedEmulator(Emulator):
    """An emulator whose fault draws are keyed on the ``ProjectName`` of each request (see KeyedFaultPlan)."""

    def __init__(self, *, faults: Mapping[str, Faults], seed: int, **kwargs: Any) -> None:
        super().__init__(seed=seed, **kwargs)
        self.faults = KeyedFaultPlan(faults, seed)

    def app(self) -> web.Application:
        app = super().app()

        @web.middleware
        async def keyed(
            request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
        ) -> web.StreamResponse:
            body = await request.read()  # aiohttp keeps it for the handler
            try:
                name = json.loads(body).get("ProjectName") if body else None
            except ValueError:
                name = None
            token = _REQUEST_KEY.set(name if isinstance(name, str) else None)
            try:
                return await handler(request)
            finally:
                _REQUEST_KEY.reset(token)

        app.middlewares.append(keyed)
        return app


# -- sockets -------------------------------------------------------------------------------------------

_ESTABLISHED = "01"


def _port_of(address: str) -> tuple[str, int]:
    host, _, port = address.partition(":")
    return host, int(port, 16)


def client_connections(port: int) -> int:
    """ESTABLISHED TCP connections from a client to 127.0.0.1:``port`` (this host, any process).

    Read from ``/proc/net/tcp`` and ``/proc/net/tcp6``: the client side of a
    connection is the entry whose *remote* end is the emulator's port. The
    kernel writes those tables a chunk at a time, so a read that races new
    connections can list one row twice (seen: 29 rows for 20 sockets); rows
    are counted once per (local, remote) pair.
    """
    seen: set[tuple[str, str]] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as f:
                rows = f.read().splitlines()[1:]
        except FileNotFoundError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) < 4 or fields[3] != _ESTABLISHED:
                continue
            host, remote_port = _port_of(fields[2])
            # 127.0.0.1 as /proc writes it: little-endian hex, plain or IPv4-mapped IPv6.
            if remote_port == port and host in ("0100007F", "0000000000000000FFFF00000100007F"):
                seen.add((fields[1], fields[2]))
    return len(seen)


def emulator_port(emu: Emulator) -> int:
    return int(emu.url.rsplit(":", 1)[1])


async def wait_for_connections(port: int, expected: int, within: float = 3.0) -> int:
    """Poll until ``expected`` client connections remain (closing is asynchronous); return the last count."""
    deadline = time.monotonic() + within
    while True:
        count = client_connections(port)
        if count == expected or time.monotonic() > deadline:
            return count
        await anyio.sleep(0.01)


class PeakSampler:
    """Samples :func:`client_connections` in a thread of its own and keeps the peak."""

    def __init__(self, port: int, interval: float = 0.001) -> None:
        self.port = port
        self.interval = interval
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reliability-socket-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, client_connections(self.port))
            self.samples += 1
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(5)


# -- tasks ---------------------------------------------------------------------------------------------


def live_tasks(backend: str) -> set[Any]:
    """Every task of the running event loop (asyncio) or of trio's task tree."""
    if backend == "asyncio":
        import asyncio

        return set(asyncio.all_tasks())
    import trio

    found: set[Any] = set()
    pending = [trio.lowlevel.current_root_task()]
    while pending:
        task = pending.pop()
        found.add(task)
        for nursery in task.child_nurseries:
            pending.extend(nursery.child_tasks)
    return found


async def tasks_left_behind(backend: str, before: set[Any], within: float = 2.0) -> set[Any]:
    """Tasks alive now that were not alive ``before``, once they have had ``within`` seconds to finish."""
    deadline = time.monotonic() + within
    while True:
        extra = live_tasks(backend) - before
        if not extra or time.monotonic() > deadline:
            return extra
        await anyio.sleep(0.01)


# -- the summary -------------------------------------------------------------------------------------------

#: figure name -> backend -> value, filled by the tests, printed once at the end.
FIGURES: defaultdict[str, dict[str, Any]] = defaultdict(dict)
#: backend -> seconds spent in the suite's tests (setup and teardown included).
TIMINGS: defaultdict[str, float] = defaultdict(float)


def record(backend: str, **figures: Any) -> None:
    for name, value in figures.items():
        FIGURES[name][backend] = value


def _figure(name: str) -> str:
    values = FIGURES.get(name, {})
    distinct = {str(v) for v in values.values()}
    if len(distinct) == 1:
        return distinct.pop()
    return "/".join(f"{v}({b})" for b, v in sorted(values.items()))


_PARTS: list[tuple[tuple[str, ...], str]] = [
    (
        ("creates", "projects", "create_requests", "create_retries"),
        "{} creates -> {} projects, {} requests ({} retries)",
    ),
    (("budget_failures",), "same with budget on: {} calls failed"),
    (("entries", "entry_requests", "entry_retries"), "{} entries in order, {} requests ({} retries)"),
    (("budget_requests", "budget_calls"), "budget: {} requests for {} failing calls"),
    (("non_retryable",), "{} non-retryable errors -> 1 request each"),
    (("cancellations",), "{} cancellations clean"),
    (("invalid_inputs",), "{} invalid inputs -> 0 requests"),
    (("debug_records",), "debug log clean ({} records)"),
    (("concurrent_calls", "peak_sockets", "pool_size"), "{} concurrent calls, peak sockets {} <= {}"),
]


def summary_line() -> str | None:
    """The one line the suite prints at the end, or ``None`` if no test recorded anything."""
    if not FIGURES:
        return None
    parts = [
        template.format(*(_figure(n) for n in names)) for names, template in _PARTS if all(n in FIGURES for n in names)
    ]
    if TIMINGS:
        spent = ", ".join(f"{b} {s:.1f}s" for b, s in sorted(TIMINGS.items()) if b != "sync")
        parts.append(f"time {spent}")
    return "reliability: " + "; ".join(parts)
