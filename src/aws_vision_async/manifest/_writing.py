"""Writing a typed entry back as the JSON object of its line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ._kinds import BoundingBox, ImageLabel, ObjectDetection, ValidationIssue
from ._rules import CLASSIFICATION_TYPE, METADATA_SUFFIX, OBJECT_DETECTION_TYPE, SOURCE_REF

if TYPE_CHECKING:
    from ._entry import DatasetEntry


def entry_dict(entry: DatasetEntry) -> dict[str, Any]:
    """The JSON object of ``entry``'s line; see :meth:`DatasetEntry.to_dict`."""
    line: dict[str, Any] = {}
    if entry.source_ref is not None:
        line[SOURCE_REF] = entry.source_ref
    for label in entry.image_labels:
        line.update(label_pair(label))
    for det in entry.detections:
        line.update(detection_pair(det))
    line.update(entry.extra)
    if emits(entry, "errors", entry.errors):
        line["errors"] = issues_json(entry.errors)
    if emits(entry, "warnings", entry.warnings):
        line["warnings"] = issues_json(entry.warnings)
    return line


def emits(model: BaseModel, name: str, value: tuple[ValidationIssue, ...]) -> bool:
    # An issues list is written when it has issues, or when the line read had it (even empty).
    return bool(value) or name in model.model_fields_set


def issues_json(issues: tuple[ValidationIssue, ...]) -> list[dict[str, Any]]:
    return [{"code": i.code, "message": i.message, **i.extra} for i in issues]


def _yes_no(human: bool) -> str:
    return "yes" if human else "no"


def label_pair(label: ImageLabel) -> Iterator[tuple[str, Any]]:
    metadata: dict[str, Any] = {
        "class-name": label.name,
        "confidence": label.confidence,
        "type": CLASSIFICATION_TYPE,
        "human-annotated": _yes_no(label.human_annotated),
        "creation-date": label.creation_date,
    }
    if label.job_name is not None:
        metadata["job-name"] = label.job_name
    if emits(label, "errors", label.errors):
        metadata["errors"] = issues_json(label.errors)
    metadata.update(label.extra)
    yield label.attribute, label.value
    yield label.attribute + METADATA_SUFFIX, metadata


def _annotation(box: BoundingBox) -> dict[str, Any]:
    annotation: dict[str, Any] = {
        "class_id": box.class_id,
        "top": box.top,
        "left": box.left,
        "width": box.width,
        "height": box.height,
    }
    if emits(box, "errors", box.errors):
        annotation["errors"] = issues_json(box.errors)
    annotation.update(box.extra)
    return annotation


def detection_pair(det: ObjectDetection) -> Iterator[tuple[str, Any]]:
    size = det.image_size
    value: dict[str, Any] = {
        "image_size": [{"width": size.width, "height": size.height, "depth": size.depth, **size.extra}],
        "annotations": [_annotation(box) for box in det.boxes],
    }
    if emits(det, "errors", det.errors):
        value["errors"] = issues_json(det.errors)
    if emits(det, "warnings", det.warnings):
        value["warnings"] = issues_json(det.warnings)
    value.update(det.extra)
    metadata: dict[str, Any] = {
        "objects": [{"confidence": box.confidence, **box.object_extra} for box in det.boxes],
        "class-map": dict(det.class_map),
        "type": OBJECT_DETECTION_TYPE,
        "human-annotated": _yes_no(det.human_annotated),
        "creation-date": det.creation_date,
    }
    if det.job_name is not None:
        metadata["job-name"] = det.job_name
    if emits(det, "metadata_errors", det.metadata_errors):
        metadata["errors"] = issues_json(det.metadata_errors)
    metadata.update(det.metadata_extra)
    yield det.attribute, value
    yield det.attribute + METADATA_SUFFIX, metadata
