"""Type-check usage of aws_vision_async.manifest (checked, never run)."""

from __future__ import annotations

from contextlib import aclosing
from datetime import datetime, timezone

from typing_extensions import assert_type

from aws_vision_async import RekognitionClient
from aws_vision_async.manifest import (
    BoundingBox,
    DatasetEntry,
    ImageLabel,
    ImageSize,
    ManifestRuleError,
    ObjectDetection,
    ValidationIssue,
    read_entries,
    to_changes,
)
from aws_vision_async.rekognition.models import DatasetChanges


async def usage(rek: RekognitionClient, arn: str) -> None:
    async for entry in read_entries(rek.list_dataset_entries(dataset_arn=arn)):
        assert_type(entry, DatasetEntry)
        assert_type(entry.source_ref, str | None)
        assert_type(entry.image_labels, tuple[ImageLabel, ...])
        assert_type(entry.detections, tuple[ObjectDetection, ...])
        assert_type(entry.boxes, tuple[BoundingBox, ...])
        assert_type(entry.image_size, ImageSize | None)
        assert_type(entry.label_names, tuple[str, ...])
        assert_type(entry.all_errors, tuple[ValidationIssue, ...])
        assert_type(entry.has_errors, bool)
        for label in entry.image_labels:
            assert_type(label.name, str)
            assert_type(label.confidence, int | float)
            assert_type(label.human_annotated, bool)
            assert_type(label.job_name, str | None)
            assert_type(label.created, datetime | None)
        for box in entry.boxes:
            assert_type(box.label, str)
            assert_type(box.left, int | float)
            assert_type(box.class_id, int | None)
        assert_type(entry.to_json_line(), str)
    async with aclosing(read_entries(rek.list_dataset_entries(dataset_arn=arn))) as entries:
        async for first in entries:
            assert_type(first, DatasetEntry)
            break

    made = [
        DatasetEntry.classification("s3://b/k.png", "dent", creation_date=datetime.now(timezone.utc)),
        DatasetEntry.classification(
            "s3://b/k.png", ["a", "b"], attribute="sport", confidence=0.5, human_annotated=False
        ),
        DatasetEntry.object_detection(
            "s3://b/k.png", [BoundingBox(label="dent", left=1, top=2, width=3, height=4)], image_size=(640, 480)
        ),
        DatasetEntry.object_detection("s3://b/k.png", [], image_size=ImageSize(width=64, height=64, depth=1)),
    ]
    for changes in to_changes(made):
        assert_type(changes, DatasetChanges)
        await rek.update_dataset_entries(dataset_arn=arn, changes=changes)
    async for batch in to_changes(read_entries(rek.list_dataset_entries(dataset_arn=arn)), max_bytes=1_000_000):
        assert_type(batch, DatasetChanges)
    try:
        made[0].check()
    except ManifestRuleError as exc:
        assert_type(exc.code, str | None)
        assert_type(exc.rule, str)
    assert_type(made[0].violations(), tuple[ManifestRuleError, ...])


def misuse() -> None:
    DatasetEntry.classification("s3://b/k.png", 3)  # type: ignore[arg-type]  # E: a label is a str
    DatasetEntry.object_detection("s3://b/k.png", [], image_size=640)  # type: ignore[arg-type]  # E: (w, h)
    BoundingBox(label="x", left="1", top=0, width=1, height=1)  # pyright: ignore[reportArgumentType]
    entry = DatasetEntry.parse("{}")
    entry.source_ref = "s3://b/k"  # type: ignore[misc]  # E: frozen
    entry.extra["x"] = 1  # type: ignore[index]  # E: read-only mapping
