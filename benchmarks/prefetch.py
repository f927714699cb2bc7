"""Paginate DescribeProjects sequentially and with ``prefetch(pages=2)`` when both the server and the loop are slow.

The server (a separate process on 127.0.0.1) sleeps ``--latency`` before each reply and
the loop body spends ``--work`` per page (``await asyncio.sleep``). Sequential iteration
pays latency plus work per page; prefetching overlaps them, so a page costs the larger
of the two. Both run in the same process against the same server, in alternating
rounds; the script prints the median time of each and the ratio prefetch/sequential,
and PASS when that ratio is at most ``--target``. Run it with::

    uv run python benchmarks/prefetch.py [--pages 40] [--latency 0.02] [--work 0.02] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import statistics
import sys
import time
from typing import Any

from aiohttp import web

PER_PAGE = 10
CREDS = {"aws_access_key_id": "AKIDBENCH", "aws_secret_access_key": "bench-secret", "region_name": "us-east-1"}


def _project(i: int) -> dict[str, Any]:
    arn = f"arn:aws:rekognition:us-east-1:123456789012:project/project-{i:06d}/{1700000000000 + i}"
    return {"ProjectArn": arn, "CreationTimestamp": 1700000000.123 + i, "Status": "CREATED", "Feature": "CUSTOM_LABELS"}


def _pages(pages: int) -> dict[str | None, bytes]:
    out: dict[str | None, bytes] = {}
    for p in range(pages):
        nxt = {"NextToken": f"t{p + 1}"} if p + 1 < pages else {}
        projects = [_project(p * PER_PAGE + i) for i in range(PER_PAGE)]
        out[f"t{p}" if p else None] = json.dumps({"ProjectDescriptions": projects, **nxt}).encode()
    return out


def _serve(port_queue: Any, pages: int, latency: float) -> None:
    bodies = _pages(pages)

    async def handle(request: web.Request) -> web.Response:
        token = json.loads(await request.read()).get("NextToken")
        await asyncio.sleep(latency)
        return web.Response(body=bodies[token], content_type="application/x-amz-json-1.1")

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


async def _sequential(rek: Any, work: float) -> tuple[float, int]:
    count = 0
    start = time.perf_counter()
    async for page in rek.describe_projects(max_results=PER_PAGE).pages():
        count += len(page.project_descriptions or [])
        await asyncio.sleep(work)  # the loop body's work on one page
    return time.perf_counter() - start, count


async def _prefetched(rek: Any, work: float, ahead: int) -> tuple[float, int]:
    count = 0
    start = time.perf_counter()
    async with rek.describe_projects(max_results=PER_PAGE).prefetch_pages(pages=ahead) as pages:
        async for page in pages:
            count += len(page.project_descriptions or [])
            await asyncio.sleep(work)
    return time.perf_counter() - start, count


async def _run(url: str, args: argparse.Namespace) -> bool:
    from aws_vision_async import RekognitionClient

    async with RekognitionClient(endpoint_url=url, **CREDS) as rek:
        # One warm-up of each, so imports, model builds and connections are not timed.
        await _sequential(rek, args.work)
        await _prefetched(rek, args.work, args.ahead)
        seq_times, pre_times = [], []
        for _ in range(args.rounds):
            t, n = await _sequential(rek, args.work)
            assert n == args.pages * PER_PAGE, n
            seq_times.append(t)
            t, n = await _prefetched(rek, args.work, args.ahead)
            assert n == args.pages * PER_PAGE, n
            pre_times.append(t)
    seq, pre = statistics.median(seq_times), statistics.median(pre_times)
    ratio = pre / seq
    print(
        f"{args.pages} pages x {PER_PAGE} projects, server latency {args.latency * 1000:.0f} ms/page, "
        f"loop work {args.work * 1000:.0f} ms/page, median of {args.rounds} rounds, server in another process"
    )
    floor = args.pages * (args.latency + args.work)
    print(f"sequential            {seq * 1000:8.1f} ms   (latency + work alone: {floor * 1000:.0f} ms)")
    print(f"prefetch(pages={args.ahead})     {pre * 1000:8.1f} ms")
    passed = ratio <= args.target
    print(f"ratio prefetch/sequential {ratio:.2f}   target <= {args.target:.2f}   {'PASS' if passed else 'FAIL'}")
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--latency", type=float, default=0.02, help="server delay per reply, seconds")
    parser.add_argument("--work", type=float, default=0.02, help="loop body time per page, seconds")
    parser.add_argument("--ahead", type=int, default=2, help="prefetch(pages=...)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--target", type=float, default=0.6, help="the highest ratio that passes")
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    ports: Any = ctx.Queue()
    server = ctx.Process(target=_serve, args=(ports, args.pages, args.latency), daemon=True)
    server.start()
    try:
        port = ports.get(timeout=60)
        passed = asyncio.run(_run(f"http://127.0.0.1:{port}", args))
    finally:
        server.terminate()
        server.join(5)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
