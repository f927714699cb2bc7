"""Concurrent work over many projects: an anyio task group bounded by a CapacityLimiter.

For every Rekognition project, count the entries of each dataset, at most
``--limit`` requests in flight. Runs against the emulator in-process unless
``--endpoint-url`` is given.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

import anyio

from aws_vision_async import RekognitionClient, RetryPolicy
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator, SampleData


@asynccontextmanager
async def endpoint(url: str | None) -> AsyncGenerator[str, None]:
    """Yield ``url``, or the URL of an emulator started with 12 sample projects."""
    if url:
        yield url
        return
    async with Emulator(sample=SampleData(projects=12, entries=150, collections=1)) as emulator:
        yield emulator.url


async def count_entries(rek: RekognitionClient, dataset_arn: str, limiter: anyio.CapacityLimiter) -> int:
    """Count a dataset's entries; each page request waits for a limiter slot."""
    count = 0
    async with limiter:
        async for page in rek.list_dataset_entries(dataset_arn=dataset_arn).pages():
            count += len(page.dataset_entries or [])
    return count


async def main(url: str | None, limit: int) -> dict[str, int]:
    """Return the entry count of every dataset, by dataset ARN."""
    counts: dict[str, int] = {}
    limiter = anyio.CapacityLimiter(limit)
    async with (
        endpoint(url) as where,
        RekognitionClient(
            endpoint_url=where,
            region_name="us-east-1",
            retry_policy=RetryPolicy(max_attempts=5),
            **EMULATOR_CREDENTIALS,
        ) as rek,
    ):
        datasets = [
            dataset.dataset_arn
            async for project in rek.describe_projects()
            for dataset in project.datasets or []
            if dataset.dataset_arn
        ]

        async def one(arn: str) -> None:
            counts[arn] = await count_entries(rek, arn, limiter)

        async with anyio.create_task_group() as tg:
            for arn in datasets:
                tg.start_soon(one, arn)
    for arn in sorted(counts):
        print(f"{counts[arn]:6d}  {arn}")
    print(f"{len(counts)} datasets, {sum(counts.values())} entries")
    return counts


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--endpoint-url", default=None)
    parser.add_argument("--limit", type=int, default=4, help="requests in flight at most")
    args = parser.parse_args()
    anyio.run(main, args.endpoint_url, args.limit)
