"""The documented rules of one JSON Line, checked: what :meth:`DatasetEntry.violations` reports."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Final, TypeAlias

from ._dates import read_date
from ._kinds import ObjectDetection
from ._rules import (
    MAX_ASPECT_RATIO,
    MAX_BOXES_PER_IMAGE,
    MAX_ENTRY_LENGTH,
    MAX_IMAGE_DIMENSION,
    MAX_LABEL_NAME_LENGTH,
    MAX_LABELS_PER_IMAGE,
    MIN_IMAGE_DIMENSION,
    RULE_ASPECT_RATIO,
    RULE_BOX_IN_IMAGE,
    RULE_BOX_TOO_SMALL,
    RULE_BOXES_PER_IMAGE,
    RULE_CONFIDENCE,
    RULE_CREATION_DATE,
    RULE_ENTRY_LENGTH,
    RULE_IMAGE_DIMENSION,
    RULE_LABEL_NAME,
    RULE_LABELS_PER_IMAGE,
    RULE_MISSING_SOURCE_REF,
    RULE_SOURCE_REF_FORMAT,
    RULE_WHOLE_PIXELS,
    TRAINING_MAX_DIMENSION,
    ManifestRuleError,
    Rule,
    broken,
    excerpt,
)

if TYPE_CHECKING:
    from ._entry import DatasetEntry

# "The format is "s3://BUCKET/OBJECT_PATH"" (Image-Level labels in manifest files, source-ref).
_S3_URI: Final = re.compile(r"s3://([^/\s]+)/(.+)", re.DOTALL)


def violations(entry: DatasetEntry) -> tuple[ManifestRuleError, ...]:
    """Every documented rule of one JSON Line that ``entry`` breaks; see :meth:`DatasetEntry.violations`."""
    found: list[ManifestRuleError] = []

    def add(rule: Rule, problem: str) -> None:
        found.append(broken(rule, problem))

    if entry.source_ref is None:
        add(RULE_MISSING_SOURCE_REF, "the entry has no source-ref")
    elif not _S3_URI.fullmatch(entry.source_ref):
        add(RULE_SOURCE_REF_FORMAT, f"source-ref {excerpt(entry.source_ref)} is not an s3://BUCKET/KEY URI")
    for label in entry.image_labels:
        where = f"image-level label {excerpt(label.name)} (attribute {label.attribute!r})"
        _check_label_name(label.name, where, add)
        _check_confidence(label.confidence, where, add)
        _check_date(label.creation_date, where, add)
    for det in entry.detections:
        _check_detection(det, add)
    names = entry.label_names
    if len(names) > MAX_LABELS_PER_IMAGE:
        add(RULE_LABELS_PER_IMAGE, f"the entry has {len(names)} labels")
    if entry.detections:
        count = sum(len(d.boxes) for d in entry.detections)
        if count > MAX_BOXES_PER_IMAGE:
            add(RULE_BOXES_PER_IMAGE, f"the entry has {count} bounding boxes")
    length = len(entry.to_json_line())
    if length > MAX_ENTRY_LENGTH:
        add(RULE_ENTRY_LENGTH, f"the entry's JSON Line has {length:,} characters")
    return tuple(found)


_Add: TypeAlias = Callable[[Rule, str], None]


def _check_label_name(name: str, where: str, add: _Add) -> None:
    if not 1 <= len(name) <= MAX_LABEL_NAME_LENGTH:
        add(RULE_LABEL_NAME, f"{where} has a name of {len(name)} characters")


def _check_confidence(confidence: float, where: str, add: _Add) -> None:
    if not 0 <= confidence <= 1:  # also catches NaN
        add(RULE_CONFIDENCE, f"{where} has confidence {confidence!r}")


def _check_date(text: str, where: str, add: _Add) -> None:
    if read_date(text) is None:
        add(RULE_CREATION_DATE, f"{where} has creation-date {excerpt(text)}, which is not a date and time")


def _check_detection(det: ObjectDetection, add: _Add) -> None:
    size = det.image_size
    where = f"bounding-box attribute {det.attribute!r}"
    _check_date(det.creation_date, where, add)
    width, height = size.width, size.height
    if not (
        MIN_IMAGE_DIMENSION <= width <= MAX_IMAGE_DIMENSION and MIN_IMAGE_DIMENSION <= height <= MAX_IMAGE_DIMENSION
    ):
        add(RULE_IMAGE_DIMENSION, f"{where} gives the image size {width} x {height}")
    elif max(width, height) > MAX_ASPECT_RATIO * min(width, height):
        add(RULE_ASPECT_RATIO, f"{where} gives the image size {width} x {height}")
    # Training scales the longer side down to 1280 pixels (never up).
    scale = min(1.0, TRAINING_MAX_DIMENSION / max(width, height, 1))
    for n, box in enumerate(det.boxes):
        place = f"box {n} ({excerpt(box.label)}) of {where}"
        _check_label_name(box.label, place, add)
        _check_confidence(box.confidence, place, add)
        coordinates = (box.left, box.top, box.width, box.height)
        if not all(type(c) is int for c in coordinates):
            add(RULE_WHOLE_PIXELS, f"{place} is at {coordinates}")
            continue
        if min(coordinates) < 0 or box.left + box.width > width or box.top + box.height > height:
            add(
                RULE_BOX_IN_IMAGE,
                f"{place} (left {box.left}, top {box.top}, width {box.width}, height {box.height}) "
                f"is not inside the {width} x {height} image",
            )
        elif not (box.width * scale > 1 and box.height * scale > 1):
            add(RULE_BOX_TOO_SMALL, f"{place} is {box.width} x {box.height} pixels")
