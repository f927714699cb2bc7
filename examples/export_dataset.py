"""Export a Rekognition dataset's entries to a JSON Lines file.

``python examples/export_dataset.py OUT.jsonl [--dataset-arn ARN] [--endpoint-url URL] [--has-errors]``

Without ``--endpoint-url`` it runs against the emulator with sample data and
exports the first project's TRAIN dataset. Entries stream page by page: the
whole dataset is never held in memory.
"""

from __future__ import annotations

import argparse
from contextlib import AsyncExitStack
from pathlib import Path

import anyio

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator


async def export(rek: RekognitionClient, dataset_arn: str, out: Path, *, has_errors: bool | None) -> int:
    """Write every entry of ``dataset_arn`` to ``out``, one JSON Line each; return the count."""
    count = 0
    async with await anyio.open_file(out, "w", encoding="utf-8") as f:
        async for line in rek.list_dataset_entries(dataset_arn=dataset_arn, has_errors=has_errors):
            await f.write(line + "\n")
            count += 1
    return count


async def main(out: Path, dataset_arn: str | None, url: str | None, has_errors: bool | None) -> int:
    """Run the export, starting an emulator when no endpoint is given."""
    async with AsyncExitStack() as stack:
        if url is None:
            url = (await stack.enter_async_context(Emulator(sample=True))).url
        async with RekognitionClient(endpoint_url=url, region_name="us-east-1", **EMULATOR_CREDENTIALS) as rek:
            if dataset_arn is None:
                page = await rek.describe_projects(max_results=1)
                project = (page.project_descriptions or [])[0]
                dataset_arn = next(d.dataset_arn for d in project.datasets or [] if d.dataset_type == "TRAIN")
            if dataset_arn is None:
                raise SystemExit("no dataset to export")
            count = await export(rek, dataset_arn, out, has_errors=has_errors)
    print(f"wrote {count} entries of {dataset_arn} to {out}")
    return count


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--dataset-arn", default=None)
    parser.add_argument("--endpoint-url", default=None)
    parser.add_argument("--has-errors", action="store_true", default=None)
    args = parser.parse_args()
    anyio.run(main, args.out, args.dataset_arn, args.endpoint_url, args.has_errors)
