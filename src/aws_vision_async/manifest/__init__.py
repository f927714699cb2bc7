"""Typed dataset entries: the SageMaker Ground Truth JSON Lines of Rekognition Custom Labels.

A Custom Labels dataset is a list of JSON Lines, one per image: ``list_dataset_entries``
yields them as strings and ``update_dataset_entries`` takes them as bytes. This module
reads such a line into a typed :class:`DatasetEntry`, builds new entries that follow the
documented manifest rules, and batches entries into ``DatasetChanges`` that fit one
``UpdateDatasetEntries`` request::

    from aws_vision_async.manifest import BoundingBox, DatasetEntry, read_entries, to_changes

    async for entry in read_entries(rek.list_dataset_entries(dataset_arn=arn, has_errors=True)):
        print(entry.source_ref, entry.label_names, [e.code for e in entry.all_errors])

    entries = [
        DatasetEntry.classification("s3://my-bucket/images/sunrise.png", "Sunrise"),
        DatasetEntry.object_detection(
            "s3://my-bucket/images/IMG_1186.png",
            [BoundingBox(label="Echo Dot", left=399, top=251, width=155, height=101)],
            image_size=(640, 480),
        ),
    ]
    for changes in to_changes(entries):
        await rek.update_dataset_entries(dataset_arn=arn, changes=changes)

Parsing is lenient, building is strict:

* :meth:`DatasetEntry.parse` accepts any JSON object. What matches a documented shape
  (an image-level label, a set of bounding boxes, ``errors`` and ``warnings`` arrays)
  becomes typed; everything else (keys added later, a ``type`` this module does not
  know, a label attribute the service flagged as malformed) is kept verbatim in the
  ``extra`` mappings, so :meth:`DatasetEntry.to_json_line` writes back a line equal,
  as JSON, to the one parsed.
* The builders (:meth:`DatasetEntry.classification`, :meth:`DatasetEntry.object_detection`)
  and :meth:`DatasetEntry.check` enforce the rules of the Amazon Rekognition Custom Labels
  Developer Guide before anything is sent, raising :class:`ManifestRuleError`, which names
  the rule, the error code Custom Labels would otherwise write into the line, and the page
  that documents it.

Pages cited (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/ unless
noted): "Creating a manifest file", "Image-Level labels in manifest files"
(md-create-manifest-file-classification.html), "Object localization in manifest files"
(cd-manifest-files-object-detection.html), "Validation rules for manifest files"
(cd-manifest-files-validation-rules.html), "Guidelines and quotas in Amazon Rekognition
Custom Labels" (limits.html), "Non-Terminal JSON Line Validation Errors"
(tm-debugging-json-line-errors.html), "Understanding training and testing validation
result manifests" (tm-debugging-scope-json-line.html), and the Amazon Rekognition API
Reference pages UpdateDatasetEntries, DatasetChanges and ListDatasetEntries.
"""

from __future__ import annotations

from ._changes import ChangesIterator, to_changes
from ._entry import DatasetEntry
from ._kinds import BoundingBox, ImageLabel, ImageSize, ObjectDetection, ValidationIssue
from ._listing import EntryIterator, read_entries
from ._rules import (
    CLASSIFICATION_TYPE,
    GROUND_TRUTH_MAX_BYTES,
    MAX_ASPECT_RATIO,
    MAX_BOXES_PER_IMAGE,
    MAX_ENTRY_LENGTH,
    MAX_IMAGE_DIMENSION,
    MAX_LABEL_NAME_LENGTH,
    MAX_LABELS_PER_IMAGE,
    MIN_IMAGE_DIMENSION,
    OBJECT_DETECTION_TYPE,
    ManifestRuleError,
)

__all__ = [
    "CLASSIFICATION_TYPE",
    "GROUND_TRUTH_MAX_BYTES",
    "MAX_ASPECT_RATIO",
    "MAX_BOXES_PER_IMAGE",
    "MAX_ENTRY_LENGTH",
    "MAX_IMAGE_DIMENSION",
    "MAX_LABELS_PER_IMAGE",
    "MAX_LABEL_NAME_LENGTH",
    "MIN_IMAGE_DIMENSION",
    "OBJECT_DETECTION_TYPE",
    "BoundingBox",
    "DatasetEntry",
    "ImageLabel",
    "ImageSize",
    "ManifestRuleError",
    "ObjectDetection",
    "ValidationIssue",
    "read_entries",
    "to_changes",
]

# Public classes and functions say they come from here, where users import them: reprs,
# tracebacks, pickles and the docs name aws_vision_async.manifest, not a private module.
# Every field annotation is resolved when a model class is made, in its own module, so
# a deferred model build does not need that module's names. The two iteration types are
# importable here for annotations; they are made by read_entries and to_changes only.
for _public in (
    BoundingBox,
    ChangesIterator,
    DatasetEntry,
    EntryIterator,
    ImageLabel,
    ImageSize,
    ManifestRuleError,
    ObjectDetection,
    ValidationIssue,
    read_entries,
    to_changes,
):
    _public.__module__ = __name__
del _public
