"""Cold start: import, open a client, first page, in fresh processes, SDK against raw aiobotocore.

Each run is a new Python process (``python -c``) timing, from inside:

- ``import``: ``from aws_vision_async import RekognitionClient`` (and touching it), against
  ``from aiobotocore.session import get_session``;
- ``open 1``: open the first client (``async with``), no request;
- ``open 2``: open a second client in the same process (the SDK makes a new session
  for it; raw aiobotocore reuses its session, as a program would);
- ``first page``: one DescribeProjects page from a local server (a separate process);
- ``total``: import + open + first page, all in one process.

A third program, raw aiobotocore that also imports pydantic (``raw+pyd``), shows
what pydantic's own import costs: the floor for any SDK whose replies are pydantic
models.

Children run with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` removed) after
one untimed run of each, as an installed package runs from its compiled ``.pyc``
files; without them every run would time the compiler.

It prints the median of ``--runs`` runs of each and the ratios. Run it with::

    uv run python benchmarks/coldstart.py [--runs 7]

``--importtime`` prints the slowest modules of ``python -X importtime`` for the SDK import.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
from typing import Any

CREDS = {"aws_access_key_id": "AKIDBENCH", "aws_secret_access_key": "bench-secret", "region_name": "us-east-1"}

_PAGE = json.dumps(
    {
        "ProjectDescriptions": [
            {
                "ProjectArn": f"arn:aws:rekognition:us-east-1:123456789012:project/p{i}/1700000000000",
                "CreationTimestamp": 1700000000.5,
                "Status": "CREATED",
                "Feature": "CUSTOM_LABELS",
            }
            for i in range(10)
        ]
    }
).encode()

# The child programs: each prints one JSON object of phase -> seconds.
_SDK = """
import time, json, sys, asyncio
t0 = time.perf_counter()
from aws_vision_async import RekognitionClient
RekognitionClient.describe_projects
t1 = time.perf_counter()
CREDS = json.loads(sys.argv[2])

async def main():
    url = sys.argv[1]
    a = time.perf_counter()
    async with RekognitionClient(endpoint_url=url, **CREDS) as rek:
        b = time.perf_counter()
        async with RekognitionClient(endpoint_url=url, **CREDS):
            c = time.perf_counter()
        d = time.perf_counter()
        if url != "-":
            await rek.describe_projects(max_results=10)
        e = time.perf_counter()
    return {"open 1": b - a, "open 2": c - b, "first page": e - d, "total": (b - a) + (e - d)}

out = asyncio.run(main())
out["import"] = t1 - t0
out["total"] += t1 - t0
print(json.dumps(out))
"""

_RAW = """
import time, json, sys, asyncio
t0 = time.perf_counter()
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
if sys.argv[3:] == ["pydantic"]:
    from pydantic import BaseModel
t1 = time.perf_counter()
CREDS = json.loads(sys.argv[2])

async def main():
    url = sys.argv[1]
    config = AioConfig(retries={"total_max_attempts": 1, "mode": "standard"})
    a = time.perf_counter()
    session = get_session()
    async with session.create_client("rekognition", endpoint_url=url, config=config, **CREDS) as client:
        b = time.perf_counter()
        async with session.create_client("rekognition", endpoint_url=url, config=config, **CREDS):
            c = time.perf_counter()
        d = time.perf_counter()
        if url != "-":
            await client.describe_projects(MaxResults=10)
        e = time.perf_counter()
    return {"open 1": b - a, "open 2": c - b, "first page": e - d, "total": (b - a) + (e - d)}

out = asyncio.run(main())
out["import"] = t1 - t0
out["total"] += t1 - t0
print(json.dumps(out))
"""

PHASES = ("import", "open 1", "open 2", "first page", "total")


def _serve(port_queue: Any) -> None:
    from aiohttp import web

    async def handle(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=_PAGE, content_type="application/x-amz-json-1.1")

    async def main() -> None:
        app = web.Application()
        app.router.add_post("/", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port_queue.put(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(main())


def _child(program: str, url: str, *extra: str) -> dict[str, float]:
    env = {**os.environ, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = subprocess.run(  # noqa: S603 - our own interpreter and program
        [sys.executable, "-c", program, url, json.dumps(CREDS), *extra],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _importtime(top: int) -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "from aws_vision_async import RekognitionClient as R; R.__name__"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[0].strip().split()[-1].isdigit():
            rows.append((int(parts[0].split()[-1]), int(parts[1]), parts[2].rstrip()))
    print(f"slowest modules by self time (us), of {len(rows)} imported:")
    for self_us, cumulative, name in sorted(rows, reverse=True)[:top]:
        print(f"  {self_us:8d} self {cumulative:9d} cumulative  {name.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--importtime", type=int, default=0, metavar="N", help="show the N slowest imports")
    args = parser.parse_args()
    if args.importtime:
        _importtime(args.importtime)
        return
    ctx = multiprocessing.get_context("spawn")
    ports: Any = ctx.Queue()
    server = ctx.Process(target=_serve, args=(ports,), daemon=True)
    server.start()
    try:
        url = f"http://127.0.0.1:{ports.get(timeout=60)}"
        sdk: dict[str, list[float]] = {p: [] for p in PHASES}
        raw: dict[str, list[float]] = {p: [] for p in PHASES}
        floor: dict[str, list[float]] = {p: [] for p in PHASES}
        programs = ((_SDK, (), sdk), (_RAW, (), raw), (_RAW, ("pydantic",), floor))
        for program, extra, _ in programs:
            _child(program, url, *extra)  # compiles and caches the bytecode, untimed
        for _ in range(args.runs):  # alternate, so that load on the machine hits all alike
            for program, extra, into in programs:
                for phase, value in _child(program, url, *extra).items():
                    into[phase].append(value)
    finally:
        server.terminate()
        server.join(5)
    print(f"median of {args.runs} fresh processes each; server in another process")
    print(f"{'':12s} {'sdk ms':>9s} {'raw ms':>9s} {'raw+pyd ms':>11s} {'sdk/raw':>8s} {'sdk/raw+pyd':>12s}")
    for phase in PHASES:
        s, r, f = (statistics.median(d[phase]) for d in (sdk, raw, floor))
        print(f"{phase:12s} {s * 1000:9.1f} {r * 1000:9.1f} {f * 1000:11.1f} {s / r:8.2f} {s / f:12.2f}")


if __name__ == "__main__":
    main()
