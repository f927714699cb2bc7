"""Paginate DescribeProjects and ListDatasetEntries with the SDK and with raw aiobotocore.

Both read the same 200 pages from one local server (a separate process on
127.0.0.1) in the same run, alternating rounds; the script prints the median
time of each and the ratio SDK/raw. Run it with::

    uv run python benchmarks/pagination.py [--pages 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import statistics
import time
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from aiohttp import web

PER_PAGE = 100
CREDS = {"aws_access_key_id": "AKIDBENCH", "aws_secret_access_key": "bench-secret", "region_name": "us-east-1"}


def _project(i: int) -> dict[str, Any]:
    arn = f"arn:aws:rekognition:us-east-1:123456789012:project/project-{i:06d}/{1700000000000 + i}"
    return {
        "ProjectArn": arn,
        "CreationTimestamp": 1700000000.123 + i,
        "Status": "CREATED",
        "Datasets": [
            {
                "CreationTimestamp": 1700000100.5 + i,
                "DatasetType": kind,
                "DatasetArn": f"{arn}/dataset/{kind.lower()}/{1700000000000 + i}",
                "Status": "CREATE_COMPLETE",
                "StatusMessage": "The dataset was successfully created from the manifest file.",
                "StatusMessageCode": "SUCCESS",
            }
            for kind in ("TRAIN", "TEST")
        ],
        "Feature": "CUSTOM_LABELS",
        "AutoUpdate": "DISABLED",
    }


def _entry(i: int) -> str:
    line = {
        "source-ref": f"s3://bench-bucket/images/img-{i:07d}.jpg",
        "bench-labels": {
            "image_size": [{"width": 640, "height": 480, "depth": 3}],
            "annotations": [{"class_id": 0, "left": 10, "top": 20, "width": 100, "height": 80}],
        },
        "bench-labels-metadata": {
            "class-map": {"0": "widget"},
            "type": "groundtruth/object-detection",
            "human-annotated": "yes",
            "creation-date": "2023-11-14T22:13:20.000",
        },
    }
    return json.dumps(line, separators=(",", ":"))


def _pages(pages: int) -> dict[tuple[str, str | None], bytes]:
    out: dict[tuple[str, str | None], bytes] = {}
    for p in range(pages):
        token = f"t{p}" if p else None
        nxt = {"NextToken": f"t{p + 1}"} if p + 1 < pages else {}
        projects = [_project(p * PER_PAGE + i) for i in range(PER_PAGE)]
        out["DescribeProjects", token] = json.dumps({"ProjectDescriptions": projects, **nxt}).encode()
        entries = [_entry(p * PER_PAGE + i) for i in range(PER_PAGE)]
        out["ListDatasetEntries", token] = json.dumps({"DatasetEntries": entries, **nxt}).encode()
    return out


def _serve(port_queue: Any, pages: int) -> None:
    bodies = _pages(pages)

    async def handle(request: web.Request) -> web.Response:
        op = request.headers["X-Amz-Target"].split(".", 1)[1]
        token = json.loads(await request.read()).get("NextToken")
        return web.Response(body=bodies[op, token], content_type="application/x-amz-json-1.1")

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


async def _raw(url: str, op: str, key: str, arn: str | None) -> tuple[float, int]:
    session = get_session()
    config = AioConfig(retries={"total_max_attempts": 1, "mode": "standard"})
    async with session.create_client("rekognition", endpoint_url=url, config=config, **CREDS) as client:
        kwargs = {"DatasetArn": arn} if arn else {}
        count = 0
        start = time.perf_counter()
        async for page in client.get_paginator(op).paginate(**kwargs, PaginationConfig={"PageSize": PER_PAGE}):
            count += len(page[key])
        return time.perf_counter() - start, count


async def _sdk(url: str, op: str, arn: str | None) -> tuple[float, int]:
    from aws_vision_async import RekognitionClient

    async with RekognitionClient(endpoint_url=url, **CREDS) as rek:
        count = 0
        start = time.perf_counter()
        if op == "describe_projects":
            async for _project_item in rek.describe_projects(max_results=PER_PAGE):
                count += 1
        else:
            assert arn is not None
            async for _line in rek.list_dataset_entries(dataset_arn=arn, max_results=PER_PAGE):
                count += 1
        return time.perf_counter() - start, count


async def _run(url: str, pages: int, rounds: int) -> None:
    arn = "arn:aws:rekognition:us-east-1:123456789012:project/bench/dataset/train/1700000000000"
    cases = [
        ("DescribeProjects", "describe_projects", "ProjectDescriptions", None),
        ("ListDatasetEntries", "list_dataset_entries", "DatasetEntries", arn),
    ]
    # One warm-up of each, so imports and model builds are not timed.
    for _name, op, key, a in cases:
        await _sdk(url, op, a)
        await _raw(url, op, key, a)
    print(f"{pages} pages x {PER_PAGE} items, median of {rounds} rounds, server in another process")
    for name, op, key, a in cases:
        sdk_times, raw_times = [], []
        for _ in range(rounds):
            t, n = await _sdk(url, op, a)
            assert n == pages * PER_PAGE, n
            sdk_times.append(t)
            t, n = await _raw(url, op, key, a)
            assert n == pages * PER_PAGE, n
            raw_times.append(t)
        sdk, raw = statistics.median(sdk_times), statistics.median(raw_times)
        print(
            f"{name:20s} sdk {sdk * 1000:8.1f} ms   raw aiobotocore {raw * 1000:8.1f} ms"
            f"   ratio sdk/raw {sdk / raw:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    ports: Any = ctx.Queue()
    server = ctx.Process(target=_serve, args=(ports, args.pages), daemon=True)
    server.start()
    try:
        port = ports.get(timeout=60)
        asyncio.run(_run(f"http://127.0.0.1:{port}", args.pages, args.rounds))
    finally:
        server.terminate()
        server.join(5)


if __name__ == "__main__":
    main()
