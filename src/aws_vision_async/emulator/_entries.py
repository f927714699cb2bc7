# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (manifest lines are decoded JSON, untyped by nature)
"""Dataset entries: Ground Truth manifest lines, read once for what filters and training need."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["Entry", "boxes_by_label", "changes_lines", "merge_entries", "moderation_labels"]


@dataclass
class Entry:
    """One JSON Line of a dataset, with what the filters and training need read from it once.

    Attributes:
        line: The line as given.
        source_ref: The image's location.
        labels: Every label of the line: ``image_labels | box_labels``.
        labeled: Whether a Ground Truth label attribute is present.
        has_errors: Whether the line or one of its attributes lists errors.
        anomaly_class: Lookout for Vision's ``normal`` or ``anomaly``, if given.
        created: When the line was added.
        image_labels: Image-level labels (``class-name`` of classification attributes).
        box_labels: Labels of the bounding boxes (``class-map`` names the boxes use).
        classification: Whether the line has an image-level (classification) attribute.
        detection: Whether the line has an object-detection attribute, boxes or not.
    """

    line: str
    source_ref: str
    labels: frozenset[str]
    labeled: bool
    has_errors: bool
    anomaly_class: str | None
    created: datetime
    image_labels: frozenset[str] = frozenset()
    box_labels: frozenset[str] = frozenset()
    classification: bool = False
    detection: bool = False

    @classmethod
    def parse(cls, line: str, created: datetime) -> Entry:
        """Read a Ground Truth manifest line.

        Raises:
            ValueError: The line is not a JSON object with a ``source-ref``.
        """
        data = json.loads(line)
        if not isinstance(data, dict) or not isinstance(data.get("source-ref"), str):
            raise ValueError("each JSON Line needs a string 'source-ref'")
        image_labels: set[str] = set()
        box_labels: set[str] = set()
        labeled = classification = detection = False
        has_errors = bool(data.get("errors"))
        anomaly_class = None
        for key, value in data.items():
            if not key.endswith("-metadata") or not isinstance(value, dict):
                continue
            kind = str(value.get("type", ""))
            if kind.startswith("groundtruth/"):
                labeled = True
            if isinstance(value.get("class-name"), str):
                classification = True
                image_labels.add(value["class-name"])
                if value["class-name"] in ("normal", "anomaly"):
                    anomaly_class = value["class-name"]
            class_map = value.get("class-map")
            attribute = data.get(key[: -len("-metadata")])
            annotations = attribute.get("annotations", []) if isinstance(attribute, dict) else []
            if isinstance(class_map, dict):
                detection = True
                used = {str(a.get("class_id")) for a in annotations if isinstance(a, dict)}
                box_labels.update(str(v) for k, v in class_map.items() if k in used)
            classification = classification or kind == "groundtruth/image-classification"
            detection = detection or kind == "groundtruth/object-detection"
            has_errors = has_errors or bool(value.get("errors"))
        return cls(
            line,
            data["source-ref"],
            frozenset(image_labels | box_labels),
            labeled,
            has_errors,
            anomaly_class,
            created,
            frozenset(image_labels),
            frozenset(box_labels),
            classification,
            detection,
        )


def boxes_by_label(data: dict[str, Any]) -> dict[str, int]:
    """Bounding boxes per label of one manifest line, through each attribute's class-map."""
    out: dict[str, int] = {}
    for key, value in data.items():
        if not key.endswith("-metadata") or not isinstance(value, dict):
            continue
        class_map = value.get("class-map")
        attribute = data.get(key[: -len("-metadata")])
        if not isinstance(class_map, dict) or not isinstance(attribute, dict):
            continue
        for box in attribute.get("annotations", []):
            label = class_map.get(str(box.get("class_id"))) if isinstance(box, dict) else None
            if isinstance(label, str):
                out[label] = out.get(label, 0) + 1
    return out


def moderation_labels(entry: Entry) -> frozenset[str] | None:
    """The moderation labels of a Custom Moderation (adapter) manifest line, if it has its annotations.

    An adapter's line holds ``{"content-moderation-groundtruth": {"ModerationLabels":
    [{"Name": ...}]}}`` ("Manifest file formats" of the adapters guide); an empty list
    says the image shows no unsafe content.

    Returns:
        The names; ``None`` when the line has no such annotations.
    """
    truth = json.loads(entry.line).get("content-moderation-groundtruth")
    labels = truth.get("ModerationLabels") if isinstance(truth, dict) else None
    if not isinstance(labels, list):
        return None
    return frozenset(str(label["Name"]) for label in labels if isinstance(label, dict) and label.get("Name"))


def merge_entries(entries: list[Entry], lines: Iterable[str], created: datetime) -> list[Entry]:
    """``entries`` with ``lines`` added; a line whose source-ref exists already replaces it, as the services do.

    Raises:
        ValueError: A line is not a JSON object with a ``source-ref``.
    """
    index = {e.source_ref: i for i, e in enumerate(entries)}
    for raw in lines:
        if not raw.strip():
            continue
        entry = Entry.parse(raw.strip(), created)
        if entry.source_ref in index:
            entries[index[entry.source_ref]] = entry
        else:
            index[entry.source_ref] = len(entries)
            entries.append(entry)
    return entries


def changes_lines(blob: bytes) -> list[str]:
    """The JSON Lines of a change set.

    Raises:
        ValueError: The bytes are not UTF-8.
    """
    try:
        return blob.decode().splitlines()
    except UnicodeDecodeError:
        raise ValueError("the changes are not UTF-8 JSON Lines") from None
