"""A Custom Labels project on the emulator, ready to train: shared by the waiter and model-session tests."""

from __future__ import annotations

from aws_vision_async import RekognitionClient
from aws_vision_async.manifest import DatasetEntry, to_changes
from aws_vision_async.rekognition.models import OutputConfig

#: Short delays between polls: the emulator's default timings are fractions of a second.
FAST = {"min_delay": 0.01, "max_delay": 0.05, "max_wait": 10.0}

OUTPUT = OutputConfig(s3_bucket="models-bucket", s3_key_prefix="output/")


def classification_entries(kind: str, labels: tuple[str, ...], count: int = 20) -> list[DatasetEntry]:
    return [
        DatasetEntry.classification(f"s3://images-bucket/{kind.lower()}/{i:04d}.jpg", labels[i % len(labels)])
        for i in range(count)
    ]


async def project_with_datasets(
    rek: RekognitionClient, name: str = "widgets", labels: tuple[str, ...] = ("ok", "defect")
) -> str:
    """A project with TRAIN and TEST datasets of image-level labels; its ARN."""
    project = await rek.create_project(project_name=name)
    assert project.project_arn is not None
    for kind in ("TRAIN", "TEST"):
        dataset = await rek.create_dataset(project_arn=project.project_arn, dataset_type=kind)
        assert dataset.dataset_arn is not None
        for changes in to_changes(classification_entries(kind, labels)):
            await rek.update_dataset_entries(dataset_arn=dataset.dataset_arn, changes=changes)
    return project.project_arn


async def trained_version(rek: RekognitionClient, project_arn: str, version_name: str = "v1") -> str:
    """Train a model version and wait for it; its ARN."""
    created = await rek.create_project_version(project_arn=project_arn, version_name=version_name, output_config=OUTPUT)
    assert created.project_version_arn is not None
    await rek.wait_until_project_version_training_completed(
        project_arn=project_arn, version_names=[version_name], **FAST
    )
    return created.project_version_arn
