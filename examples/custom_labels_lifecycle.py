"""The Custom Labels lifecycle on the emulator: dataset, train, wait, run, detect, stop.

Run it with ``python3 -m uv run --locked --no-dev python examples/custom_labels_lifecycle.py``.

1. Build TRAIN and TEST datasets from typed entries (``aws_vision_async.manifest``).
2. Train a model version and wait for training with a waiter.
3. Run the model only inside ``async with rek.running_model(...)``: it is stopped on
   the way out, whatever the way out is, so it is not billed by the hour afterwards.
4. Detect labels in an image; check that nothing is left running.
"""

from __future__ import annotations

from typing import TypedDict, TypeVar

import anyio

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator
from aws_vision_async.manifest import DatasetEntry, to_changes
from aws_vision_async.rekognition.models import DatasetType, OutputConfig

# A JPEG's first bytes are enough for the emulator; send real photos to AWS.
IMAGE = b"\xff\xd8\xff\xe0" + b"a photo of a widget" * 20

T = TypeVar("T")


class Polling(TypedDict):
    """The waiters' timing arguments, typed for ``**`` unpacking."""

    min_delay: float
    max_delay: float
    max_wait: float


# The emulator's fractions of a second stand in for AWS's minutes and hours:
# poll often here, and keep the waiters' defaults against AWS.
POLL: Polling = {"min_delay": 0.02, "max_delay": 0.2, "max_wait": 30.0}


def required(value: T | None, what: str) -> T:
    """A reply's field the service always sets; ``None`` means something is badly wrong."""
    if value is None:
        raise SystemExit(f"the reply has no {what}")
    return value


def entries(kind: str, count: int) -> list[DatasetEntry]:
    """Image-level labels: every third widget is dented."""
    return [
        DatasetEntry.classification(f"s3://widget-photos/{kind}/{i:04d}.jpg", "dent" if i % 3 == 0 else "ok")
        for i in range(count)
    ]


async def main() -> None:
    async with (
        Emulator() as emulator,
        RekognitionClient(endpoint_url=emulator.url, region_name="us-east-1", **EMULATOR_CREDENTIALS) as rek,
    ):
        project_arn = required((await rek.create_project(project_name="widgets")).project_arn, "project ARN")
        print(f"project {project_arn}")

        sizes: dict[DatasetType, int] = {"TRAIN": 60, "TEST": 15}
        for kind, count in sizes.items():
            dataset = await rek.create_dataset(project_arn=project_arn, dataset_type=kind)
            dataset_arn = required(dataset.dataset_arn, "dataset ARN")
            # Any number of entries, in batches within UpdateDatasetEntries' size limit.
            for changes in to_changes(entries(kind.lower(), count)):
                await rek.update_dataset_entries(dataset_arn=dataset_arn, changes=changes)
            described = await rek.wait_until_dataset_updated(dataset_arn=dataset_arn, **POLL)
            stats = required(described.dataset_description, "dataset description").dataset_stats
            if stats is not None:
                print(f"{kind} dataset: {stats.total_entries} entries, {stats.total_labels} labels")

        version = await rek.create_project_version(
            project_arn=project_arn,
            version_name="v1",
            output_config=OutputConfig(s3_bucket="widget-models", s3_key_prefix="v1/"),
        )
        version_arn = required(version.project_version_arn, "model version ARN")
        trained = await rek.wait_until_project_version_training_completed(
            project_arn=project_arn, version_names=["v1"], **POLL
        )
        for description in trained.project_version_descriptions or []:
            f1 = description.evaluation_result.f1_score if description.evaluation_result else None
            print(f"model {description.project_version_arn}: {description.status}, F1 {f1}")

        async with rek.running_model(version_arn, min_inference_units=1, **POLL) as model:
            running = [v.project_version_arn async for v in rek.running_model_versions()]
            print(f"running now: {len(running)} model version(s)")
            found = await model.detect_custom_labels(image=IMAGE, min_confidence=0)
            for label in found.custom_labels or []:
                print(f"  {label.name}: {label.confidence:.1f}%")
        # Stopped on the way out of the block.
        print(f"left running: {emulator.running_versions()}")
        usage = emulator.inference_usage(version_arn)
        print(f"inference-unit seconds billed: {sum(u.inference_unit_seconds for u in usage):.2f}")


if __name__ == "__main__":
    anyio.run(main)
