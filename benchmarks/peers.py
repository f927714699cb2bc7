"""This SDK (A) against capo-rekognition (B) and raw aiobotocore (C) on one local server.

All three read the same replies from one local aiohttp server (a separate process on
127.0.0.1, awsJson1_1 routed by ``X-Amz-Target``), in the same run, alternating A, B
and C round by round (the order rotates each round), so that noise hits all three
alike. For each measure the script prints the median of ``--rounds`` rounds and the
ratios A/B and A/C (above 1: this SDK is slower). Measures:

- ``describe_projects``, ``list_dataset_entries``, ``list_collections``: ``--pages``
  pages of 100 items, every item consumed (one field read per item);
- ``sequential``: ``--calls`` DescribeCollection calls one after another;
- ``concurrent``: ``--calls`` DescribeCollection calls at once (``asyncio.gather``),
  each client with a pool of ``--pool`` connections to the host;
- ``cold``: a fresh interpreter per run (``python -c``) imports the library, opens a
  client and fetches the first DescribeProjects page; timed inside the child from a
  ``time.perf_counter()`` taken by the parent just before the spawn (the clock is
  system-wide), so it includes interpreter start-up; the whole-process wall time
  (with client close and interpreter exit) is printed too. The children may write
  bytecode caches (``PYTHONDONTWRITEBYTECODE`` is dropped for them) and one warm-up run
  of each writes them: otherwise every run would compile every module from source.

Clients: A is ``RekognitionClient`` with its defaults (aiohttp under asyncio), B is
``capo_rekognition.AsyncRekognitionClient`` with its defaults (zapros' own HTTP/1.1
stack), C is an aiobotocore client with its defaults. Only the pool size is set
(``AioConfig(max_pool_connections=...)`` for A and C, zapros' ``max_connections_per_host``
and ``max_idle_connections_per_host`` for B). Static credentials and an explicit
endpoint for all three; the AWS config files and the instance metadata service are
switched off for the run, so nothing leaves the machine. Run it with::

    python3 -m uv run --group bench python benchmarks/peers.py [--rounds 9] [--pages 100]
        [--calls 1000] [--pool 100] [--only describe_projects --only cold ...]

Without the ``bench`` group (capo-rekognition not installed) it says how to install it
and measures A against C.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from aiohttp import web

PER_PAGE = 100
REGION = "us-east-1"
ACCESS_KEY = "AKIDBENCH"
SECRET_KEY = "bench-secret"  # noqa: S105 - a fake key for a local server
CREDS = {"aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY, "region_name": REGION}
DATASET_ARN = "arn:aws:rekognition:us-east-1:123456789012:project/bench/dataset/train/1700000000000"
COLLECTION_ID = "bench-collection"
PAGED = ("describe_projects", "list_dataset_entries", "list_collections")
MEASURES = (*PAGED, "sequential", "concurrent", "cold")
LIBS = ("A", "B", "C")

# Nothing may read a developer's AWS files or reach the instance metadata service.
os.environ.update(
    AWS_CONFIG_FILE=os.devnull,
    AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    AWS_EC2_METADATA_DISABLED="true",
)
for _name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_REKOGNITION"):
    os.environ.pop(_name, None)


# -- the server --------------------------------------------------------------------------------

# The same items as benchmarks/pagination.py serves (this directory is on sys.path when run as a script).
from pagination import _entry, _project  # noqa: E402


def _bodies(pages: int) -> dict[tuple[str, str | None], bytes]:
    out: dict[tuple[str, str | None], bytes] = {}
    for p in range(pages):
        token = f"t{p}" if p else None
        nxt = {"NextToken": f"t{p + 1}"} if p + 1 < pages else {}
        ids = range(p * PER_PAGE, (p + 1) * PER_PAGE)
        out["DescribeProjects", token] = json.dumps({"ProjectDescriptions": [_project(i) for i in ids], **nxt}).encode()
        out["ListDatasetEntries", token] = json.dumps({"DatasetEntries": [_entry(i) for i in ids], **nxt}).encode()
        collections = {
            "CollectionIds": [f"collection-{i:06d}" for i in ids],
            "FaceModelVersions": [f"{6 + i % 2}.0" for i in ids],
        }
        out["ListCollections", token] = json.dumps({**collections, **nxt}).encode()
    out["DescribeCollection", None] = json.dumps(
        {
            "FaceCount": 12345,
            "FaceModelVersion": "7.0",
            "CollectionARN": f"aws:rekognition:us-east-1:123456789012:collection/{COLLECTION_ID}",
            "CreationTimestamp": 1700000000.123,
            "UserCount": 321,
        }
    ).encode()
    return out


def _serve(port_queue: Any, pages: int) -> None:
    bodies = _bodies(pages)
    kind = "application/x-amz-json-1.1"

    async def handle(request: web.Request) -> web.Response:
        op = request.headers.get("X-Amz-Target", "").partition(".")[2]
        raw = await request.read()
        token = None if op == "DescribeCollection" else json.loads(raw).get("NextToken")
        body = bodies.get((op, token))
        if body is None:
            error = {"__type": "InvalidParameterException", "Message": f"unknown {op} {token}"}
            return web.Response(status=400, body=json.dumps(error).encode(), content_type=kind)
        return web.Response(body=body, content_type=kind)

    async def main() -> None:
        app = web.Application()
        app.router.add_post("/", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=4096)
        await site.start()
        port_queue.put(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(main())


# -- the three clients -------------------------------------------------------------------------
# Each runner opens a client (untimed), then times only the work and returns (seconds, items).

Work = Callable[[Any], Awaitable[int]]


async def _a_open_and_time(url: str, pool: int, work: Work) -> tuple[float, int]:
    from aws_vision_async import RekognitionClient

    async with RekognitionClient(endpoint_url=url, config=AioConfig(max_pool_connections=pool), **CREDS) as rek:
        start = time.perf_counter()
        n = await work(rek)
        return time.perf_counter() - start, n


async def _b_open_and_time(url: str, pool: int, work: Work) -> tuple[float, int]:
    from capo_rekognition import AsyncRekognitionClient
    from zapros import AsyncStdNetworkHandler

    handler = AsyncStdNetworkHandler(
        http1={"max_connections_per_host": pool, "max_idle_connections_per_host": pool},
    )
    credentials: Any = {"access_key": ACCESS_KEY, "secret_key": SECRET_KEY}
    client: Any = AsyncRekognitionClient(http_handler=handler, region=REGION, endpoint=url, credentials=credentials)
    async with client:
        start = time.perf_counter()
        n = await work(client)
        return time.perf_counter() - start, n


async def _c_open_and_time(url: str, pool: int, work: Work) -> tuple[float, int]:
    config = AioConfig(max_pool_connections=pool)
    async with get_session().create_client("rekognition", endpoint_url=url, config=config, **CREDS) as client:
        start = time.perf_counter()
        n = await work(client)
        return time.perf_counter() - start, n


# The work, per measure and per client. Every item is consumed: one field read per item.


async def _a_projects(rek: Any) -> int:
    return sum([len(p.project_arn or "") > 0 async for p in rek.describe_projects(max_results=PER_PAGE)])


async def _b_projects(client: Any) -> int:
    return sum([len(p["project_arn"]) > 0 async for p in client.iter_describe_projects(max_results=PER_PAGE)])


async def _c_projects(client: Any) -> int:
    n = 0
    async for page in client.get_paginator("describe_projects").paginate(PaginationConfig={"PageSize": PER_PAGE}):
        n += sum(len(p["ProjectArn"]) > 0 for p in page["ProjectDescriptions"])
    return n


async def _a_entries(rek: Any) -> int:
    lines = rek.list_dataset_entries(dataset_arn=DATASET_ARN, max_results=PER_PAGE)
    return sum([len(line) > 0 async for line in lines])


async def _b_entries(client: Any) -> int:
    lines = client.iter_list_dataset_entries(DATASET_ARN, max_results=PER_PAGE)
    return sum([len(line) > 0 async for line in lines])


async def _c_entries(client: Any) -> int:
    n = 0
    pages = client.get_paginator("list_dataset_entries").paginate(
        DatasetArn=DATASET_ARN, PaginationConfig={"PageSize": PER_PAGE}
    )
    async for page in pages:
        n += sum(len(line) > 0 for line in page["DatasetEntries"])
    return n


async def _a_collections(rek: Any) -> int:
    items = rek.list_collections(max_results=PER_PAGE)
    return sum([bool(c.collection_id and c.face_model_version) async for c in items])


async def _b_collections(client: Any) -> int:
    # capo's iter_list_collections yields the ids only: pair the two arrays page by page,
    # as A and C do, so that all three deliver the same (id, face model version) items.
    n, token = 0, None
    while True:
        page = await client.list_collections(next_token=token, max_results=PER_PAGE)
        pairs = zip(page.get("collection_ids", []), page.get("face_model_versions", []), strict=True)
        n += sum(bool(cid and version) for cid, version in pairs)
        token = page.get("next_token")
        if not token:
            return n


async def _c_collections(client: Any) -> int:
    n = 0
    async for page in client.get_paginator("list_collections").paginate(PaginationConfig={"PageSize": PER_PAGE}):
        pairs = zip(page["CollectionIds"], page["FaceModelVersions"], strict=True)
        n += sum(bool(cid and version) for cid, version in pairs)
    return n


def _describe(lib: str) -> Callable[[Any], Awaitable[int]]:
    async def one(client: Any) -> int:
        if lib == "A":
            return (await client.describe_collection(collection_id=COLLECTION_ID)).face_count
        if lib == "B":
            return (await client.describe_collection(COLLECTION_ID))["face_count"]
        return (await client.describe_collection(CollectionId=COLLECTION_ID))["FaceCount"]

    return one


def _sequential(lib: str, calls: int) -> Work:
    one = _describe(lib)

    async def work(client: Any) -> int:
        return sum([await one(client) > 0 for _ in range(calls)])

    return work


def _concurrent(lib: str, calls: int) -> Work:
    one = _describe(lib)

    async def work(client: Any) -> int:
        return sum(n > 0 for n in await asyncio.gather(*(one(client) for _ in range(calls))))

    return work


OPENERS = {"A": _a_open_and_time, "B": _b_open_and_time, "C": _c_open_and_time}
PAGED_WORK: dict[str, dict[str, Work]] = {
    "describe_projects": {"A": _a_projects, "B": _b_projects, "C": _c_projects},
    "list_dataset_entries": {"A": _a_entries, "B": _b_entries, "C": _c_entries},
    "list_collections": {"A": _a_collections, "B": _b_collections, "C": _c_collections},
}


# -- cold start: a fresh interpreter per run ---------------------------------------------------

_COLD_HEAD = "import asyncio, sys, time\nt0, url = float(sys.argv[1]), sys.argv[2]\n"
_COLD_TAIL = "n, t = asyncio.run(main())\nprint(t - t0, n)\n"
COLD = {
    "A": """
from aws_vision_async import RekognitionClient

async def main():
    async with RekognitionClient(endpoint_url=url, region_name="us-east-1",
                                 aws_access_key_id="AKIDBENCH", aws_secret_access_key="bench-secret") as rek:
        page = await rek.describe_projects(max_results=100)
        return len(page.project_descriptions), time.perf_counter()
""",
    "B": """
from capo_rekognition import AsyncRekognitionClient

async def main():
    async with AsyncRekognitionClient(region="us-east-1", endpoint=url,
                                      credentials={"access_key": "AKIDBENCH", "secret_key": "bench-secret"}) as c:
        page = await c.describe_projects(max_results=100)
        return len(page["project_descriptions"]), time.perf_counter()
""",
    "C": """
from aiobotocore.session import get_session

async def main():
    async with get_session().create_client("rekognition", endpoint_url=url, region_name="us-east-1",
                                           aws_access_key_id="AKIDBENCH",
                                           aws_secret_access_key="bench-secret") as c:
        page = await c.describe_projects(MaxResults=100)
        return len(page["ProjectDescriptions"]), time.perf_counter()
""",
    # The interpreter alone, for reference: spawn to its first statement.
    "python": "async def main():\n    return 0, time.perf_counter()\n",
}


async def _cold(url: str, lib: str) -> tuple[float, float, int]:
    """Return (spawn to first page, whole process, items) of one fresh interpreter."""
    code = _COLD_HEAD + COLD[lib] + _COLD_TAIL
    # Bytecode caches allowed (the warm-up writes them, as an install would), whatever the shell says.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    t0 = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, repr(t0), url, stdout=asyncio.subprocess.PIPE, env=env
    )
    out, _ = await proc.communicate()
    whole = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"cold start of {lib} failed ({proc.returncode})")
    first, n = out.split()
    return float(first), whole, int(n)


# -- the run -----------------------------------------------------------------------------------


class Table:
    """Medians per measure and client, printed as they complete."""

    def __init__(self, libs: list[str]) -> None:
        self.libs = libs
        header = "".join(f"{name:>15s}" for name in ("A this SDK", "B capo", "C aiobotocore"))
        print(f"{'measure':34s}{header}{'A/B':>8s}{'A/C':>8s}")

    def row(self, label: str, times: dict[str, list[float]]) -> None:
        med = {lib: statistics.median(ts) * 1000 for lib, ts in times.items() if ts}
        cells = "".join(f"{med[lib]:12.1f} ms" if lib in med else f"{'n/a':>15s}" for lib in LIBS)
        ab = f"{med['A'] / med['B']:8.2f}" if "B" in med else f"{'n/a':>8s}"
        ac = f"{med['A'] / med['C']:8.2f}"
        print(f"{label:34s}{cells}{ab}{ac}", flush=True)


def _order(libs: list[str], r: int) -> list[str]:
    """Rotate the order each round, so no client always runs first (or last)."""
    k = r % len(libs)
    return libs[k:] + libs[:k]


async def _measure(url: str, args: argparse.Namespace, libs: list[str], name: str, table: Table) -> None:
    times: dict[str, list[float]] = {lib: [] for lib in libs}
    if name == "cold":
        whole: dict[str, list[float]] = {lib: [] for lib in libs}
        base: list[float] = []
        for lib in libs:  # warm-up: bytecode caches, page cache
            await _cold(url, lib)
        for r in range(args.rounds):
            for lib in _order(libs, r):
                first, total, n = await _cold(url, lib)
                assert n == PER_PAGE, (lib, n)
                times[lib].append(first)
                whole[lib].append(total)
            base.append((await _cold(url, "python"))[0])
        table.row("cold: spawn -> first page", times)
        table.row("cold: whole process (with exit)", whole)
        print(f"{'':34s}(bare interpreter spawn -> first statement: {statistics.median(base) * 1000:.1f} ms)")
        return
    expected = args.pages * PER_PAGE if name in PAGED else args.calls
    for r in range(-1, args.rounds):  # round -1 is a warm-up: imports, model builds
        for lib in _order(libs, r):
            if name in PAGED:
                work = PAGED_WORK[name][lib]
            elif name == "sequential":
                work = _sequential(lib, args.calls)
            else:
                work = _concurrent(lib, args.calls)
            t, n = await OPENERS[lib](url, args.pool, work)
            assert n == expected, (name, lib, n, expected)
            if r >= 0:
                times[lib].append(t)
    labels = {
        "describe_projects": f"DescribeProjects {args.pages}x{PER_PAGE}",
        "list_dataset_entries": f"ListDatasetEntries {args.pages}x{PER_PAGE}",
        "list_collections": f"ListCollections {args.pages}x{PER_PAGE}",
        "sequential": f"DescribeCollection {args.calls} sequential",
        "concurrent": f"DescribeCollection {args.calls} concurrent",
    }
    table.row(labels[name], times)


async def _run(url: str, args: argparse.Namespace, libs: list[str]) -> None:
    print(
        f"median of {args.rounds} rounds, order rotated each round; pool {args.pool} connections;"
        f" server in another process; Python {sys.version.split()[0]}"
    )
    table = Table(libs)
    for name in args.only or MEASURES:
        await _measure(url, args, libs, name, table)
    print("A/B, A/C: time of this SDK over the peer's (above 1: this SDK is slower)")


def _capo_installed() -> bool:
    try:
        import capo_rekognition  # noqa: F401
    except ImportError:
        print(
            "capo-rekognition is not installed: measuring A (this SDK) against C (aiobotocore) only.\n"
            "To include it, run: python3 -m uv run --group bench python benchmarks/peers.py\n"
            "(or install it: python3 -m uv sync --group bench, or pip install capo-rekognition==0.11.0)\n"
        )
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--pool", type=int, default=100, help="connections per client (all three alike)")
    parser.add_argument("--only", action="append", choices=MEASURES, metavar="MEASURE", help=", ".join(MEASURES))
    args = parser.parse_args()
    libs = ["A", "B", "C"] if _capo_installed() else ["A", "C"]
    ctx = multiprocessing.get_context("spawn")
    ports: Any = ctx.Queue()
    server = ctx.Process(target=_serve, args=(ports, args.pages), daemon=True)
    server.start()
    try:
        port = ports.get(timeout=60)
        asyncio.run(_run(f"http://127.0.0.1:{port}", args, libs))
    finally:
        server.terminate()
        server.join(5)


if __name__ == "__main__":
    main()
