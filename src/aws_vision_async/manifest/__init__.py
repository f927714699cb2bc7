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

import json
import re
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Final, TypeAlias, TypeVar, cast, overload

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)
from typing_extensions import Self

from ._core import checks

if TYPE_CHECKING:
    from .rekognition.models import DatasetChanges

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

# -- documented limits ----------------------------------------------------------------------------

#: Bytes of JSON Lines in one ``UpdateDatasetEntries`` request: ``GroundTruthBlob`` is at most
#: 5,242,880 bytes in botocore's model and in the DatasetChanges API reference ("Maximum length
#: of 5242880"); the UpdateDatasetEntries reference says "the size of Changes must be less than 5MB".
GROUND_TRUTH_MAX_BYTES: Final = 5_242_880

#: Characters in one JSON Line: the ListDatasetEntries API reference (``DatasetEntry``,
#: "Maximum length of 100000"); a longer line could not be listed back.
MAX_ENTRY_LENGTH: Final = 100_000

#: "Maximum number of labels per image is 50." (Guidelines and quotas, Training and Testing.)
MAX_LABELS_PER_IMAGE: Final = 50

#: "Maximum number of bounding boxes in an image is 50." (Guidelines and quotas; Validation
#: rules for manifest files: "Maximum bounding boxes per image 50"; ERROR_TOO_MANY_BOUNDING_BOXES.)
MAX_BOXES_PER_IMAGE: Final = 50

#: "The maximum length is 256 characters." (Non-Terminal JSON Line Validation Errors,
#: ERROR_INVALID_LABEL_NAME_LENGTH.)
MAX_LABEL_NAME_LENGTH: Final = 256

#: "Minimum image dimension ... is 64 pixels x 64 pixels." (Guidelines and quotas;
#: ERROR_INVALID_IMAGE_DIMENSION, which is reported for images with bounding boxes.)
MIN_IMAGE_DIMENSION: Final = 64

#: "Maximum image dimension ... is 4096 pixels x 4096 pixels." (Guidelines and quotas.)
MAX_IMAGE_DIMENSION: Final = 4096

#: "Maximum image aspect ratio is 20:1." (Guidelines and quotas.)
MAX_ASPECT_RATIO: Final = 20

#: The ``type`` of an image-level label (Image-Level labels in manifest files).
CLASSIFICATION_TYPE: Final = "groundtruth/image-classification"

#: The ``type`` of a set of bounding boxes (Object localization in manifest files).
OBJECT_DETECTION_TYPE: Final = "groundtruth/object-detection"

# ERROR_BOUNDING_BOX_TOO_SMALL: "During training, Amazon Rekognition Custom Labels resizes an
# image if any of its dimensions are greater than 1280 pixels ... The resulting bounding box
# heights and widths must be greater than 1 x 1 pixels."
_TRAINING_MAX_DIMENSION: Final = 1280

_SOURCE_REF: Final = "source-ref"
_METADATA_SUFFIX: Final = "-metadata"
_RESERVED_KEYS: Final = frozenset({_SOURCE_REF, "errors", "warnings"})
# "The format is "s3://BUCKET/OBJECT_PATH"" (Image-Level labels in manifest files, source-ref).
_S3_URI: Final = re.compile(r"s3://([^/\s]+)/(.+)", re.DOTALL)
_DATE: Final = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?", re.ASCII
)

# -- rules ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    text: str
    code: str | None  # what Custom Labels writes into the line's errors when the rule is broken
    source: str


_JSON_LINE_ERRORS: Final = "Non-Terminal JSON Line Validation Errors"
_QUOTAS: Final = "Guidelines and quotas in Amazon Rekognition Custom Labels"
_IMAGE_LEVEL: Final = "Image-Level labels in manifest files"
_LOCALIZATION: Final = "Object localization in manifest files"

_RULE_MISSING_SOURCE_REF: Final = _Rule(
    "every JSON Line has a source-ref, the Amazon S3 location of its image", "ERROR_MISSING_SOURCE_REF", _IMAGE_LEVEL
)
_RULE_SOURCE_REF_FORMAT: Final = _Rule(
    'source-ref has the form "s3://BUCKET/OBJECT_PATH"', "ERROR_INVALID_SOURCE_REF_FORMAT", _JSON_LINE_ERRORS
)
_RULE_LABELS_PER_IMAGE: Final = _Rule(f"an image has at most {MAX_LABELS_PER_IMAGE} labels", None, _QUOTAS)
_RULE_LABEL_NAME: Final = _Rule(
    f"a label name (class-name) has 1 to {MAX_LABEL_NAME_LENGTH} characters",
    "ERROR_INVALID_LABEL_NAME_LENGTH",
    _JSON_LINE_ERRORS,
)
# Documented for image-level labels; a box's confidence (required, ERROR_MISSING_BOUNDING_BOX_CONFIDENCE)
# is held to the same range, as in SageMaker Ground Truth's own output.
_RULE_CONFIDENCE: Final = _Rule("confidence is a value between 0 and 1", None, _IMAGE_LEVEL)
_RULE_CREATION_DATE: Final = _Rule(
    "creation-date is the Coordinated Universal Time (UTC) date and time that the label was created",
    None,
    f"{_IMAGE_LEVEL}; {_LOCALIZATION}",
)
_RULE_BOXES_PER_IMAGE: Final = _Rule(
    f"an image has at most {MAX_BOXES_PER_IMAGE} bounding boxes", "ERROR_TOO_MANY_BOUNDING_BOXES", _QUOTAS
)
_RULE_WHOLE_PIXELS: Final = _Rule(
    "bounding boxes and image sizes are whole numbers of pixels (Int)",
    "ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT",
    "Understanding training and testing validation result manifests",
)
_RULE_BOX_IN_IMAGE: Final = _Rule(
    "a bounding box lies inside the image frame and has no negative values",
    "ERROR_INVALID_BOUNDING_BOX",
    _JSON_LINE_ERRORS,
)
_RULE_BOX_TOO_SMALL: Final = _Rule(
    "a bounding box is greater than 1 x 1 pixels, also once training has resized the image to at most "
    f"{_TRAINING_MAX_DIMENSION} pixels",
    "ERROR_BOUNDING_BOX_TOO_SMALL",
    _JSON_LINE_ERRORS,
)
_RULE_IMAGE_DIMENSION: Final = _Rule(
    f"an image with bounding boxes is {MIN_IMAGE_DIMENSION} to {MAX_IMAGE_DIMENSION} pixels wide and high",
    "ERROR_INVALID_IMAGE_DIMENSION",
    _QUOTAS,
)
_RULE_ASPECT_RATIO: Final = _Rule(
    f"the image aspect ratio is at most {MAX_ASPECT_RATIO}:1", "ERROR_INVALID_IMAGE", _QUOTAS
)
_RULE_ENTRY_LENGTH: Final = _Rule(
    f"a JSON Line has at most {MAX_ENTRY_LENGTH:,} characters", None, "ListDatasetEntries API reference"
)
_RULE_GROUND_TRUTH_SIZE: Final = _Rule(
    f"the JSON Lines of one UpdateDatasetEntries request total at most {GROUND_TRUTH_MAX_BYTES:,} bytes",
    None,
    "UpdateDatasetEntries and DatasetChanges API reference",
)


class ManifestRuleError(ValueError):
    """An entry breaks a documented rule of Custom Labels manifests; nothing was sent.

    Attributes:
        problem: What in the entry breaks the rule, and where.
        rule: The rule, in words.
        code: The error code Custom Labels writes into a JSON Line that breaks the rule
            (``"ERROR_INVALID_BOUNDING_BOX"``, ...), or ``None`` where none is documented.
        source: The documentation page the rule comes from.
    """

    def __init__(self, problem: str, *, rule: str, code: str | None, source: str) -> None:
        self.problem = problem
        self.rule = rule
        self.code = code
        self.source = source
        where = f"{code}; {source}" if code else source
        super().__init__(f"{problem}: {rule} ({where})")


def _broken(rule: _Rule, problem: str) -> ManifestRuleError:
    return ManifestRuleError(problem, rule=rule.text, code=rule.code, source=rule.source)


# -- models ---------------------------------------------------------------------------------------

_M = TypeVar("_M", bound="_ManifestModel")
_Json = Mapping[str, JsonValue]


class _ManifestModel(BaseModel):
    """Base of the models of this module: frozen, strict scalars, unknown keys in ``extra`` fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True, protected_namespaces=())

    def __repr_args__(self) -> Any:
        # Empty and default fields are noise in a repr of a line; show what is there.
        fields = type(self).model_fields
        for name, value in super().__repr_args__():
            if name is not None and name in fields and value in ((), {}, None):
                continue
            yield name, value


_new: Final = object.__new__
_set: Final = object.__setattr__


def _build(cls: type[_M], fields_set: set[str], values: dict[str, Any]) -> _M:
    """Make a model from values already checked field by field, without validating again.

    What ``model_construct`` does, minus its alias and default handling, which makes a
    large listing parse several times faster. ``values`` holds every field, in the order
    of the class; ``fields_set`` names the fields that the line had.
    """
    model = _new(cls)
    _set(model, "__dict__", values)
    _set(model, "__pydantic_fields_set__", fields_set)
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


class ValidationIssue(_ManifestModel):
    """An error or warning that Custom Labels wrote into a JSON Line.

    Non-terminal errors are reported in ``errors`` lists within each JSON Line, at four
    places: the image (the line itself), a label attribute, its ``-metadata``, and one
    bounding box (Understanding training and testing validation result manifests).
    Warnings (``WARNING_UNANNOTATED_RECORD``, ...) have the same form, in ``warnings`` lists.
    """

    code: StrictStr
    """The error code, such as ``"ERROR_INVALID_BOUNDING_BOX"``."""
    message: StrictStr
    """A description and additional contextual details of the error."""
    extra: _Json = Field(default_factory=dict)
    """Keys besides ``code`` and ``message``, kept as they were."""


class ImageSize(_ManifestModel):
    """The size of an image with bounding boxes, in pixels (``image_size``)."""

    width: StrictInt
    """The width of the image in pixels."""
    height: StrictInt
    """The height of the image in pixels."""
    depth: StrictInt = 3
    """The number of channels: 3 for RGB images (not used by Custom Labels, but required)."""
    extra: _Json = Field(default_factory=dict)
    """Unknown keys, kept as they were."""


class ImageLabel(_ManifestModel):
    """An image-level label: a scene, concept or object that applies to the whole image.

    In the line it is a label attribute (any name, with an integer value that Custom
    Labels ignores) and its ``<attribute>-metadata`` object of type
    ``groundtruth/image-classification`` (Image-Level labels in manifest files). An image
    with several labels (multi-label classification) has one attribute per label.
    """

    name: StrictStr
    """The label (``class-name``), such as ``"Sunrise"``."""
    attribute: StrictStr
    """The name of the label attribute, such as ``"testdataset-classification_Sunrise"``."""
    value: StrictInt = 0
    """The label attribute's value, an integer that Custom Labels does not use."""
    confidence: StrictInt | StrictFloat = 1
    """A value between 0 and 1 (not used by Custom Labels, but required)."""
    human_annotated: StrictBool = True
    """Whether a human made the annotation (``"human-annotated": "yes"``)."""
    creation_date: StrictStr
    """When the label was created, in UTC, as written in the line (see ``created``)."""
    job_name: StrictStr | None = None
    """The name of the job that processed the image, if any."""
    errors: tuple[ValidationIssue, ...] = ()
    """Errors Custom Labels wrote into the label's metadata."""
    extra: _Json = Field(default_factory=dict)
    """Unknown keys of the ``-metadata`` object, kept as they were."""

    @property
    def created(self) -> datetime | None:
        """``creation_date`` as a timezone-aware UTC datetime, or ``None`` if it does not read as one."""
        return _read_date(self.creation_date)


class BoundingBox(_ManifestModel):
    """One object located on the image: its label and the box around it, in pixels."""

    label: StrictStr
    """The object's label, through the ``class-map`` of its metadata."""
    left: StrictInt | StrictFloat
    """The distance from the left of the image to the left of the box."""
    top: StrictInt | StrictFloat
    """The distance from the top of the image to the top of the box."""
    width: StrictInt | StrictFloat
    """The width of the box."""
    height: StrictInt | StrictFloat
    """The height of the box."""
    confidence: StrictInt | StrictFloat = 1
    """The box's ``confidence`` in the metadata's ``objects`` (not used by Custom Labels, but required)."""
    class_id: StrictInt | None = None
    """The key of ``label`` in the class map; the builder assigns it when ``None``."""
    errors: tuple[ValidationIssue, ...] = ()
    """Errors Custom Labels wrote into this box's annotation."""
    extra: _Json = Field(default_factory=dict)
    """Unknown keys of the annotation, kept as they were."""
    object_extra: _Json = Field(default_factory=dict)
    """Unknown keys of the box's entry in the metadata's ``objects``, kept as they were."""


class ObjectDetection(_ManifestModel):
    """Bounding boxes around the objects on an image (a ``groundtruth/object-detection`` attribute).

    In the line it is a label attribute (usually ``bounding-box``) holding ``image_size`` and
    ``annotations``, and its ``-metadata`` with ``objects`` (one confidence per box, by
    index), ``class-map`` (class id to label) and the usual metadata (Object localization in
    manifest files). Here each box carries its own label and confidence.
    """

    attribute: StrictStr = "bounding-box"
    """The name of the label attribute."""
    image_size: ImageSize
    """The size of the image."""
    boxes: tuple[BoundingBox, ...] = ()
    """The boxes, in the order of ``annotations``."""
    class_map: Mapping[str, StrictStr]
    """Class id (a string, such as ``"0"``) to label; may name labels that no box uses."""
    human_annotated: StrictBool = True
    """Whether a human made the annotation (``"human-annotated": "yes"``)."""
    creation_date: StrictStr
    """When the labels were created, in UTC, as written in the line (see ``created``)."""
    job_name: StrictStr | None = None
    """The name of the job that processed the image, if any."""
    errors: tuple[ValidationIssue, ...] = ()
    """Errors Custom Labels wrote into the label attribute."""
    warnings: tuple[ValidationIssue, ...] = ()
    """Warnings Custom Labels wrote into the label attribute (``WARNING_NO_ATTRIBUTE_ANNOTATIONS``)."""
    metadata_errors: tuple[ValidationIssue, ...] = ()
    """Errors Custom Labels wrote into the label attribute's metadata."""
    extra: _Json = Field(default_factory=dict)
    """Unknown keys of the label attribute, kept as they were."""
    metadata_extra: _Json = Field(default_factory=dict)
    """Unknown keys of the ``-metadata`` object, kept as they were."""

    @model_validator(mode="after")
    def _class_ids_match_the_class_map(self) -> Self:
        for n, box in enumerate(self.boxes):
            if box.class_id is None or self.class_map.get(str(box.class_id)) != box.label:
                raise ValueError(
                    f"box {n} ({box.label!r}) has class_id {box.class_id!r}, which the class map does not "
                    f"give as {box.label!r}: build boxes with DatasetEntry.object_detection, which assigns class ids"
                )
        return self

    @property
    def created(self) -> datetime | None:
        """``creation_date`` as a timezone-aware UTC datetime, or ``None`` if it does not read as one."""
        return _read_date(self.creation_date)


class DatasetEntry(_ManifestModel):
    """One image of a Custom Labels dataset: a SageMaker Ground Truth JSON Line, typed.

    Read one with :meth:`parse`, make one with :meth:`classification` or
    :meth:`object_detection`, write one with :meth:`to_json_line`. A line can hold
    image-level labels and bounding boxes together ("Image-level and localization
    (bounding-box) JSON lines can be chained together in the same manifest file").

    The model is frozen. ``model_copy(update=...)`` makes a changed copy without
    validating it: call :meth:`check` before sending it.
    """

    source_ref: StrictStr | None
    """The Amazon S3 location of the image (``"s3://BUCKET/OBJECT_PATH"``); ``None`` only
    for a line that has none (which Custom Labels marks ``ERROR_MISSING_SOURCE_REF``)."""
    image_labels: tuple[ImageLabel, ...] = ()
    """Image-level labels (classification), in the order of the line."""
    detections: tuple[ObjectDetection, ...] = ()
    """Sets of bounding boxes (object localization), in the order of the line; usually one."""
    errors: tuple[ValidationIssue, ...] = ()
    """Errors Custom Labels wrote for the image (the line's own ``errors``)."""
    warnings: tuple[ValidationIssue, ...] = ()
    """Warnings Custom Labels wrote for the image (``WARNING_UNANNOTATED_RECORD``, ...)."""
    extra: _Json = Field(default_factory=dict)
    """Every other key of the line, kept as it was: keys added later, label attributes of a
    ``type`` this module does not know, and label attributes that do not have their
    documented shape (with their ``-metadata``)."""

    @model_validator(mode="after")
    def _keys_are_unique(self) -> Self:
        seen = set(self._top_keys())
        names = [label.attribute for label in self.image_labels] + [d.attribute for d in self.detections]
        for name in names:
            if not name or name in _RESERVED_KEYS or name.endswith(_METADATA_SUFFIX):
                raise ValueError(
                    f"label attribute name {name!r} is not usable: it must be non-empty, not one of "
                    f"{sorted(_RESERVED_KEYS)}, and not end with {_METADATA_SUFFIX!r} (the metadata key is the "
                    f"attribute name with {_METADATA_SUFFIX!r} appended)"
                )
            for key in (name, name + _METADATA_SUFFIX):
                if key in seen:
                    raise ValueError(f"the key {key!r} would appear twice in the line")
                seen.add(key)
        clash = seen & set(self.extra)
        if clash:
            raise ValueError(f"extra holds keys that typed fields write already: {sorted(clash)}")
        return self

    # -- reading -------------------------------------------------------------------------------

    @classmethod
    def parse(cls, line: str | bytes) -> DatasetEntry:
        """Read one JSON Line of a Custom Labels dataset or manifest.

        Never fails on content: what does not have a documented shape is kept in
        ``extra``, so ``json.loads(entry.to_json_line()) == json.loads(line)``.

        Args:
            line: The JSON Line, as ``list_dataset_entries`` yields it (surrounding
                whitespace and a final newline are fine).

        Returns:
            The typed entry.

        Raises:
            ValueError: ``line`` is not JSON, or not a JSON object.
            TypeError: ``line`` is neither ``str`` nor ``bytes``.
        """
        if not isinstance(line, (str, bytes, bytearray)):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"line must be a str or bytes JSON Line, got {line!r:.80} ({type(line).__name__})")
        try:
            data = json.loads(line)
        except ValueError as exc:  # JSONDecodeError, or bytes that are not UTF-8
            raise ValueError(f"not a JSON Line ({exc}): {_excerpt(line)}") from None
        if not isinstance(data, dict):
            raise ValueError(f"a JSON Line must be a JSON object, not {type(data).__name__}: {_excerpt(line)}")
        return _read_entry(cast("dict[str, Any]", data))

    # -- writing -------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object of the line: ``json.loads`` of :meth:`to_json_line`."""
        line: dict[str, Any] = {}
        if self.source_ref is not None:
            line[_SOURCE_REF] = self.source_ref
        for label in self.image_labels:
            line.update(_label_pair(label))
        for det in self.detections:
            line.update(_detection_pair(det))
        line.update(self.extra)
        if _emits(self, "errors", self.errors):
            line["errors"] = _issues_json(self.errors)
        if _emits(self, "warnings", self.warnings):
            line["warnings"] = _issues_json(self.warnings)
        return line

    def to_json_line(self) -> str:
        """Return the entry as one compact JSON Line (UTF-8 text, no newline)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    # -- building ------------------------------------------------------------------------------

    @classmethod
    def classification(
        cls,
        source_ref: str,
        labels: str | Sequence[str],
        *,
        attribute: str = "label",
        confidence: float = 1,
        human_annotated: bool = True,
        job_name: str | None = None,
        creation_date: datetime | None = None,
    ) -> DatasetEntry:
        """Make an entry with image-level labels (single- or multi-label classification).

        Args:
            source_ref: The image's Amazon S3 location, ``"s3://BUCKET/OBJECT_PATH"``.
            labels: The label, or the labels of a multi-label image (at most 50).
            attribute: The label attribute name. With several labels, each gets its own
                attribute, ``"<attribute><n>"`` (n = 0, 1, ...), and ``n`` as its value.
            confidence: Between 0 and 1; not used by Custom Labels.
            human_annotated: Whether a human chose the labels.
            job_name: The name of the job that labeled the image, if any.
            creation_date: When the labels were made (timezone-aware); now by default.

        Returns:
            The entry, checked against the documented manifest rules.

        Raises:
            ManifestRuleError: A value breaks a documented rule; the message names it.
            ValueError: ``labels`` is empty, or a value has the wrong type (pydantic's
                ``ValidationError``, naming the field).
            TypeError: ``labels`` is neither a ``str`` nor a sequence of them, or
                ``creation_date`` is not a ``datetime``.
        """
        names = [labels] if isinstance(labels, str) else checks.str_sequence("labels", labels)
        if not names:
            raise ValueError("classification needs at least one label; DatasetEntry(source_ref=...) is unlabeled")
        created = _write_date(creation_date)
        # One attribute per label, numbered as in the guide's multi-label example ("sport0", "sport1").
        attributes = [attribute] if len(names) == 1 else [f"{attribute}{n}" for n in range(len(names))]
        entry = cls(
            source_ref=source_ref,
            image_labels=tuple(
                ImageLabel(
                    name=name,
                    attribute=attr,
                    value=n,
                    confidence=confidence,
                    human_annotated=human_annotated,
                    creation_date=created,
                    job_name=job_name,
                )
                for n, (name, attr) in enumerate(zip(names, attributes, strict=True))
            ),
        )
        entry.check()
        return entry

    @classmethod
    def object_detection(
        cls,
        source_ref: str,
        boxes: Iterable[BoundingBox],
        *,
        image_size: ImageSize | tuple[int, int],
        attribute: str = "bounding-box",
        human_annotated: bool = True,
        job_name: str | None = None,
        creation_date: datetime | None = None,
    ) -> DatasetEntry:
        """Make an entry with bounding boxes around objects (object localization).

        Class ids and the class map are derived from the boxes' labels (a box's own
        ``class_id``, if set, is kept).

        Args:
            source_ref: The image's Amazon S3 location, ``"s3://BUCKET/OBJECT_PATH"``.
            boxes: The boxes, each with its label (at most 50; none is allowed).
            image_size: The image's ``(width, height)`` in pixels (depth 3), or an ``ImageSize``.
            attribute: The label attribute name.
            human_annotated: Whether a human drew the boxes.
            job_name: The name of the job that labeled the image, if any.
            creation_date: When the boxes were made (timezone-aware); now by default.

        Returns:
            The entry, checked against the documented manifest rules.

        Raises:
            ManifestRuleError: A value breaks a documented rule; the message names it.
            ValueError: Two boxes give one class id two labels, or a value has the wrong type (pydantic's
                ``ValidationError``, naming the field).
            TypeError: ``boxes`` is not an iterable of ``BoundingBox`` (one box alone is not),
                ``image_size`` is neither an ``ImageSize`` nor a ``(width, height)`` tuple, or
                ``creation_date`` is not a ``datetime``.
        """
        given = _boxes(boxes)
        if isinstance(image_size, ImageSize):
            size = image_size
        elif isinstance(image_size, tuple) and len(image_size) == 2:  # pyright: ignore[reportUnnecessaryIsInstance]
            size = ImageSize(width=image_size[0], height=image_size[1])
        else:
            raise TypeError(
                f"image_size must be an ImageSize or a (width, height) tuple, got {image_size!r:.80}"
                f" ({type(image_size).__name__})"
            )
        created = _write_date(creation_date)
        class_map: dict[str, str] = {}
        for box in given:
            if box.class_id is not None:
                known = class_map.setdefault(str(box.class_id), box.label)
                if known != box.label:
                    raise ValueError(f"class_id {box.class_id} is given to both {known!r} and {box.label!r}")
        ids = {label: int(key) for key, label in reversed(class_map.items())}
        placed: list[BoundingBox] = []
        for box in given:
            if box.class_id is None:
                class_id = ids.get(box.label)
                if class_id is None:
                    class_id = next(n for n in range(len(class_map) + 1) if str(n) not in class_map)
                    class_map[str(class_id)] = box.label
                    ids[box.label] = class_id
                box = box.model_copy(update={"class_id": class_id})  # noqa: PLW2901 - the placed box
            placed.append(box)
        entry = cls(
            source_ref=source_ref,
            detections=(
                ObjectDetection(
                    attribute=attribute,
                    image_size=size,
                    boxes=tuple(placed),
                    class_map=dict(sorted(class_map.items(), key=lambda kv: int(kv[0]))),
                    human_annotated=human_annotated,
                    creation_date=created,
                    job_name=job_name,
                ),
            ),
        )
        entry.check()
        return entry

    def without_errors(self) -> DatasetEntry:
        """Return a copy without the errors and warnings Custom Labels wrote, at every level.

        Useful before sending back a line you have fixed, so that the old errors are
        not sent with it.
        """
        return _clear(
            self,
            "errors",
            "warnings",
            image_labels=tuple(_clear(label, "errors") for label in self.image_labels),
            detections=tuple(
                _clear(d, "errors", "warnings", "metadata_errors", boxes=tuple(_clear(b, "errors") for b in d.boxes))
                for d in self.detections
            ),
        )

    # -- rules ---------------------------------------------------------------------------------

    def violations(self) -> tuple[ManifestRuleError, ...]:
        """List every documented manifest rule the entry breaks (empty if none).

        The rules are those of one JSON Line. The rules of a whole dataset (at most
        250 labels and 250,000 images, images from one S3 bucket, ...) are not checked.

        Returns:
            One ``ManifestRuleError`` per broken rule and place, in the order of the line.
        """
        found: list[ManifestRuleError] = []

        def add(rule: _Rule, problem: str) -> None:
            found.append(_broken(rule, problem))

        if self.source_ref is None:
            add(_RULE_MISSING_SOURCE_REF, "the entry has no source-ref")
        elif not _S3_URI.fullmatch(self.source_ref):
            add(_RULE_SOURCE_REF_FORMAT, f"source-ref {_excerpt(self.source_ref)} is not an s3://BUCKET/KEY URI")
        for label in self.image_labels:
            where = f"image-level label {_excerpt(label.name)} (attribute {label.attribute!r})"
            _check_label_name(label.name, where, add)
            _check_confidence(label.confidence, where, add)
            _check_date(label.creation_date, where, add)
        for det in self.detections:
            _check_detection(det, add)
        names = self.label_names
        if len(names) > MAX_LABELS_PER_IMAGE:
            add(_RULE_LABELS_PER_IMAGE, f"the entry has {len(names)} labels")
        if self.detections:
            count = sum(len(d.boxes) for d in self.detections)
            if count > MAX_BOXES_PER_IMAGE:
                add(_RULE_BOXES_PER_IMAGE, f"the entry has {count} bounding boxes")
        length = len(self.to_json_line())
        if length > MAX_ENTRY_LENGTH:
            add(_RULE_ENTRY_LENGTH, f"the entry's JSON Line has {length:,} characters")
        return tuple(found)

    def check(self) -> None:
        """Raise if the entry breaks a documented manifest rule (see :meth:`violations`).

        Raises:
            ManifestRuleError: The first rule broken; its message names the rule, the
                error code Custom Labels would write into the line, and the page that
                documents the rule.
        """
        found = self.violations()
        if found:
            first = found[0]
            if len(found) > 1:
                more = f"{first.problem} (and {len(found) - 1} more: see DatasetEntry.violations())"
                raise ManifestRuleError(more, rule=first.rule, code=first.code, source=first.source)
            raise first

    # -- views ---------------------------------------------------------------------------------

    @property
    def label_names(self) -> tuple[str, ...]:
        """Every label of the image, image-level and of its boxes, each once, in order."""
        names = [label.name for label in self.image_labels]
        names.extend(box.label for det in self.detections for box in det.boxes)
        return tuple(dict.fromkeys(names))

    @property
    def boxes(self) -> tuple[BoundingBox, ...]:
        """Every bounding box of the image, across its detection attributes."""
        return tuple(box for det in self.detections for box in det.boxes)

    @property
    def image_size(self) -> ImageSize | None:
        """The image size given with the bounding boxes, if the entry has any."""
        return self.detections[0].image_size if self.detections else None

    @property
    def is_labeled(self) -> bool:
        """Whether the image has a label attribute, typed or kept in ``extra``."""
        if self.image_labels or self.detections:
            return True
        return any(key.endswith(_METADATA_SUFFIX) and key[: -len(_METADATA_SUFFIX)] in self.extra for key in self.extra)

    @property
    def all_errors(self) -> tuple[ValidationIssue, ...]:
        """Every error Custom Labels wrote into the line: the image's, then each label's, then each box's."""
        found = list(self.errors)
        for label in self.image_labels:
            found.extend(label.errors)
        for det in self.detections:
            found.extend(det.errors)
            found.extend(det.metadata_errors)
            for box in det.boxes:
                found.extend(box.errors)
        return tuple(found)

    @property
    def has_errors(self) -> bool:
        """Whether Custom Labels wrote any error into the line (what ``has_errors=True`` lists)."""
        return bool(self.all_errors)

    def _top_keys(self) -> list[str]:
        keys = [_SOURCE_REF] if self.source_ref is not None else []
        keys += [name for name in ("errors", "warnings") if _emits(self, name, getattr(self, name))]
        return keys


# -- writing a line -------------------------------------------------------------------------------


def _emits(model: BaseModel, name: str, value: tuple[ValidationIssue, ...]) -> bool:
    # An issues list is written when it has issues, or when the line read had it (even empty).
    return bool(value) or name in model.model_fields_set


def _issues_json(issues: tuple[ValidationIssue, ...]) -> list[dict[str, Any]]:
    return [{"code": i.code, "message": i.message, **i.extra} for i in issues]


def _yes_no(human: bool) -> str:
    return "yes" if human else "no"


def _label_pair(label: ImageLabel) -> Iterator[tuple[str, Any]]:
    metadata: dict[str, Any] = {
        "class-name": label.name,
        "confidence": label.confidence,
        "type": CLASSIFICATION_TYPE,
        "human-annotated": _yes_no(label.human_annotated),
        "creation-date": label.creation_date,
    }
    if label.job_name is not None:
        metadata["job-name"] = label.job_name
    if _emits(label, "errors", label.errors):
        metadata["errors"] = _issues_json(label.errors)
    metadata.update(label.extra)
    yield label.attribute, label.value
    yield label.attribute + _METADATA_SUFFIX, metadata


def _annotation(box: BoundingBox) -> dict[str, Any]:
    annotation: dict[str, Any] = {
        "class_id": box.class_id,
        "top": box.top,
        "left": box.left,
        "width": box.width,
        "height": box.height,
    }
    if _emits(box, "errors", box.errors):
        annotation["errors"] = _issues_json(box.errors)
    annotation.update(box.extra)
    return annotation


def _detection_pair(det: ObjectDetection) -> Iterator[tuple[str, Any]]:
    size = det.image_size
    value: dict[str, Any] = {
        "image_size": [{"width": size.width, "height": size.height, "depth": size.depth, **size.extra}],
        "annotations": [_annotation(box) for box in det.boxes],
    }
    if _emits(det, "errors", det.errors):
        value["errors"] = _issues_json(det.errors)
    if _emits(det, "warnings", det.warnings):
        value["warnings"] = _issues_json(det.warnings)
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
    if _emits(det, "metadata_errors", det.metadata_errors):
        metadata["errors"] = _issues_json(det.metadata_errors)
    metadata.update(det.metadata_extra)
    yield det.attribute, value
    yield det.attribute + _METADATA_SUFFIX, metadata


# -- reading a line -------------------------------------------------------------------------------

# Exact types: bool is an int subclass and never a count of pixels; JSON gives int or float.
_NUMBER: Final = frozenset({int, float})
_HUMAN: Final = {"yes": True, "no": False}
_CLASSIFICATION_KEYS: Final = frozenset(
    {"class-name", "confidence", "type", "human-annotated", "creation-date", "job-name", "errors"}
)
_DETECTION_KEYS: Final = frozenset({"image_size", "annotations", "errors", "warnings"})
_DETECTION_METADATA_KEYS: Final = frozenset(
    {"objects", "class-map", "type", "human-annotated", "creation-date", "job-name", "errors"}
)
_ANNOTATION_KEYS: Final = frozenset({"class_id", "top", "left", "width", "height", "errors"})
_SIZE_KEYS: Final = frozenset({"width", "height", "depth"})
_ISSUE_KEYS: Final = frozenset({"code", "message"})
_NO_ISSUES: tuple[ValidationIssue, ...] = ()


class _NoKeys(dict[str, Any]):
    """The empty ``extra`` of most parsed parts, shared: it refuses to be changed."""

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("extra is read-only: make a changed copy with model_copy(update=...)")

    __setitem__ = __delitem__ = setdefault = update = pop = popitem = clear = __ior__ = _refuse  # type: ignore[assignment]


# Most parts of a line have no unknown keys: one shared empty mapping spares the garbage
# collector thousands of objects in a large listing.
_EMPTY: Final = _NoKeys()


def _rest(fields: dict[str, Any], known: frozenset[str]) -> dict[str, Any]:
    """The keys of ``fields`` outside ``known``, in order."""
    return {k: v for k, v in fields.items() if k not in known} or _EMPTY


def _issues(value: object) -> tuple[ValidationIssue, ...] | None:
    """A well-formed ``errors``/``warnings`` list, typed; ``None`` if it is not one."""
    if type(value) is not list:
        return None
    issues: list[ValidationIssue] = []
    for item in cast("list[object]", value):
        if type(item) is not dict:
            return None
        fields = cast("dict[str, Any]", item)
        code, message = fields.get("code"), fields.get("message")
        if type(code) is not str or type(message) is not str:
            return None
        extra = _rest(fields, _ISSUE_KEYS)
        issues.append(
            _build(ValidationIssue, {"code", "message", "extra"}, {"code": code, "message": message, "extra": extra})
        )
    return tuple(issues)


def _image_label(attribute: str, value: object, metadata: dict[str, Any]) -> ImageLabel | None:
    name = metadata.get("class-name")
    confidence = metadata.get("confidence")
    human = _HUMAN.get(metadata.get("human-annotated"))  # type: ignore[arg-type]  # any JSON value
    created = metadata.get("creation-date")
    job_name = metadata.get("job-name")
    if (
        type(value) is not int
        or type(name) is not str
        or type(confidence) not in _NUMBER
        or human is None
        or type(created) is not str
        or ("job-name" in metadata and type(job_name) is not str)
    ):
        return None
    fields_set = {"name", "attribute", "value", "confidence", "human_annotated", "creation_date"}
    errors = _NO_ISSUES
    if "errors" in metadata:
        found = _issues(metadata["errors"])
        if found is None:
            return None
        errors = found
        fields_set.add("errors")
    if job_name is not None:
        fields_set.add("job_name")
    extra = _rest(metadata, _CLASSIFICATION_KEYS)
    values = {
        "name": name,
        "attribute": attribute,
        "value": value,
        "confidence": confidence,
        "human_annotated": human,
        "creation_date": created,
        "job_name": job_name,
        "errors": errors,
        "extra": extra,
    }
    return _build(ImageLabel, fields_set, values)


def _image_size(value: object) -> ImageSize | None:
    # "A single element array containing the size of the image in pixels."
    if type(value) is not list or len(cast("list[object]", value)) != 1:
        return None
    size = cast("list[object]", value)[0]
    if type(size) is not dict:
        return None
    fields = cast("dict[str, Any]", size)
    width, height, depth = fields.get("width"), fields.get("height"), fields.get("depth")
    if type(width) is not int or type(height) is not int or type(depth) is not int:
        return None
    extra = _rest(fields, _SIZE_KEYS)
    values = {"width": width, "height": height, "depth": depth, "extra": extra}
    return _build(ImageSize, {"width", "height", "depth", "extra"}, values)


def _box(annotation: object, obj: object, class_map: dict[str, Any]) -> BoundingBox | None:
    if type(annotation) is not dict or type(obj) is not dict:
        return None
    fields = cast("dict[str, Any]", annotation)
    confidences = cast("dict[str, Any]", obj)
    confidence = confidences.get("confidence")
    class_id = fields.get("class_id")
    left, top, width, height = fields.get("left"), fields.get("top"), fields.get("width"), fields.get("height")
    if (
        type(class_id) is not int
        or type(confidence) not in _NUMBER
        or type(left) not in _NUMBER
        or type(top) not in _NUMBER
        or type(width) not in _NUMBER
        or type(height) not in _NUMBER
    ):
        return None
    label = class_map.get(str(class_id))
    if label is None:  # ERROR_MISSING_CLASS_MAP_ID: the attribute stays as it is, untyped
        return None
    fields_set = {"label", "left", "top", "width", "height", "confidence", "class_id"}
    errors = _NO_ISSUES
    if "errors" in fields:
        found = _issues(fields["errors"])
        if found is None:
            return None
        errors = found
        fields_set.add("errors")
    values = {
        "label": label,
        "left": left,
        "top": top,
        "width": width,
        "height": height,
        "confidence": confidence,
        "class_id": class_id,
        "errors": errors,
        "extra": _rest(fields, _ANNOTATION_KEYS),
        "object_extra": _rest(confidences, _CONFIDENCE_KEYS),
    }
    return _build(BoundingBox, fields_set, values)


_CONFIDENCE_KEYS: Final = frozenset({"confidence"})


def _detection(attribute: str, value: object, metadata: dict[str, Any]) -> ObjectDetection | None:
    if type(value) is not dict:
        return None
    fields = cast("dict[str, Any]", value)
    size = _image_size(fields.get("image_size"))
    annotations = fields.get("annotations")
    objects = metadata.get("objects")
    class_map = metadata.get("class-map")
    human = _HUMAN.get(metadata.get("human-annotated"))  # type: ignore[arg-type]  # any JSON value
    created = metadata.get("creation-date")
    job_name = metadata.get("job-name")
    if (
        size is None
        or type(annotations) is not list
        or type(objects) is not list
        # "objects ... Maps to the annotations array by index": a box without its confidence
        # (ERROR_MISSING_BOUNDING_BOX_CONFIDENCE) leaves the attribute untyped.
        or len(cast("list[object]", annotations)) != len(cast("list[object]", objects))
        or type(class_map) is not dict
        or human is None
        or type(created) is not str
        or ("job-name" in metadata and type(job_name) is not str)
    ):
        return None
    names = cast("dict[str, Any]", class_map)
    if any(type(label) is not str for label in names.values()):
        return None
    boxes: list[BoundingBox] = []
    for annotation, obj in zip(cast("list[object]", annotations), cast("list[object]", objects), strict=True):
        box = _box(annotation, obj, names)
        if box is None:
            return None
        boxes.append(box)
    fields_set = {"attribute", "image_size", "boxes", "class_map", "human_annotated", "creation_date"}
    if job_name is not None:
        fields_set.add("job_name")
    issues: dict[str, tuple[ValidationIssue, ...]] = {}
    for source, key, name in (
        (fields, "errors", "errors"),
        (fields, "warnings", "warnings"),
        (metadata, "errors", "metadata_errors"),
    ):
        if key in source:
            found = _issues(source[key])
            if found is None:
                return None
            issues[name] = found
            fields_set.add(name)
    values = {
        "attribute": attribute,
        "image_size": size,
        "boxes": tuple(boxes),
        "class_map": names,
        "human_annotated": human,
        "creation_date": created,
        "job_name": job_name,
        "errors": issues.get("errors", _NO_ISSUES),
        "warnings": issues.get("warnings", _NO_ISSUES),
        "metadata_errors": issues.get("metadata_errors", _NO_ISSUES),
        "extra": _rest(fields, _DETECTION_KEYS),
        "metadata_extra": _rest(metadata, _DETECTION_METADATA_KEYS),
    }
    return _build(ObjectDetection, fields_set, values)


def _read_entry(data: dict[str, Any]) -> DatasetEntry:
    consumed: set[str] = set()
    fields_set = {"source_ref"}
    source_ref = data.get(_SOURCE_REF)
    if type(source_ref) is str:
        consumed.add(_SOURCE_REF)
    else:
        source_ref = None
    issues: dict[str, tuple[ValidationIssue, ...]] = {}
    for key in ("errors", "warnings"):
        if key in data:
            found = _issues(data[key])
            if found is not None:
                issues[key] = found
                fields_set.add(key)
                consumed.add(key)
    labels: list[ImageLabel] = []
    detections: list[ObjectDetection] = []
    for key, value in data.items():
        # A label attribute is a key with a "<key>-metadata" object beside it.
        if key in consumed or key.endswith(_METADATA_SUFFIX):
            continue
        metadata = data.get(key + _METADATA_SUFFIX)
        if type(metadata) is not dict:
            continue
        meta = cast("dict[str, Any]", metadata)
        kind = meta.get("type")
        if kind == CLASSIFICATION_TYPE:
            label = _image_label(key, value, meta)
            if label is not None:
                labels.append(label)
                consumed.update((key, key + _METADATA_SUFFIX))
        elif kind == OBJECT_DETECTION_TYPE:
            detection = _detection(key, value, meta)
            if detection is not None:
                detections.append(detection)
                consumed.update((key, key + _METADATA_SUFFIX))
    values = {
        "source_ref": source_ref,
        "image_labels": tuple(labels),
        "detections": tuple(detections),
        "errors": issues.get("errors", _NO_ISSUES),
        "warnings": issues.get("warnings", _NO_ISSUES),
        "extra": {k: v for k, v in data.items() if k not in consumed} if len(consumed) < len(data) else _EMPTY,
    }
    return _build(DatasetEntry, fields_set, values)


def _excerpt(text: str | bytes, limit: int = 80) -> str:
    shown = text if isinstance(text, str) else text.decode("utf-8", "replace")
    return repr(shown if len(shown) <= limit else shown[: limit - 3] + "...")


def _clear(model: _M, *names: str, **changes: Any) -> _M:
    """A copy of ``model`` with ``names`` emptied and unset, and ``changes`` applied."""
    # Updating the instance's own dict keeps the fields in the order of the class.
    values = {**model.__dict__, **dict.fromkeys(names, ()), **changes}
    return _build(type(model), model.model_fields_set - set(names), values)


# -- dates ----------------------------------------------------------------------------------------


def _read_date(text: str) -> datetime | None:
    # Written as UTC with or without a zone: "2020-03-06T17:46:39.176", "2018-10-18T22:18:13.527256",
    # "2021-06-22T09:58:34.811Z", "2013-11-18 02:53:27" all appear in the guide's examples.
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micros)
    except ValueError:
        return None
    if zone in (None, "Z"):
        return moment.replace(tzinfo=timezone.utc)
    sign = -1 if zone.startswith("-") else 1
    digits = zone[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    if offset >= timedelta(hours=24):
        return None
    return (moment - sign * offset).replace(tzinfo=timezone.utc)


def _boxes(boxes: object) -> list[BoundingBox]:
    # A BoundingBox (a pydantic model) iterates as its fields: one box alone is refused.
    shown = f"{boxes!r:.80} ({type(boxes).__name__})"
    if isinstance(boxes, (BaseModel, str, bytes, Mapping)) or not isinstance(boxes, Iterable):
        raise TypeError(f"boxes must be an iterable of BoundingBox, got {shown}; write [box] for one")
    given: list[BoundingBox] = []
    for index, box in enumerate(cast("Iterable[object]", boxes)):
        if not isinstance(box, BoundingBox):
            raise TypeError(f"boxes[{index}] must be a BoundingBox, got {box!r:.80} ({type(box).__name__})")
        given.append(box)
    return given


def _write_date(moment: datetime | None) -> str:
    if moment is None:
        moment = datetime.now(timezone.utc)
    elif not isinstance(moment, datetime):  # pyright: ignore[reportUnnecessaryIsInstance] - a caller's mistake
        raise TypeError(
            f"creation_date must be a timezone-aware datetime or None, got {moment!r:.80} ({type(moment).__name__})"
        )
    elif moment.tzinfo is None or moment.utcoffset() is None:
        raise _broken(
            _RULE_CREATION_DATE, f"creation_date {moment.isoformat()} has no time zone (pass an aware datetime)"
        )
    # The guide's own formats: UTC without a zone suffix, to the microsecond or the second
    # ("2020-04-15T20:17:23.433061", "2013-11-18T02:53:27").
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat()


# -- rule checks ----------------------------------------------------------------------------------


_Add: TypeAlias = Callable[[_Rule, str], None]


def _check_label_name(name: str, where: str, add: _Add) -> None:
    if not 1 <= len(name) <= MAX_LABEL_NAME_LENGTH:
        add(_RULE_LABEL_NAME, f"{where} has a name of {len(name)} characters")


def _check_confidence(confidence: float, where: str, add: _Add) -> None:
    if not 0 <= confidence <= 1:  # also catches NaN
        add(_RULE_CONFIDENCE, f"{where} has confidence {confidence!r}")


def _check_date(text: str, where: str, add: _Add) -> None:
    if _read_date(text) is None:
        add(_RULE_CREATION_DATE, f"{where} has creation-date {_excerpt(text)}, which is not a date and time")


def _check_detection(det: ObjectDetection, add: _Add) -> None:
    size = det.image_size
    where = f"bounding-box attribute {det.attribute!r}"
    _check_date(det.creation_date, where, add)
    width, height = size.width, size.height
    if not (
        MIN_IMAGE_DIMENSION <= width <= MAX_IMAGE_DIMENSION and MIN_IMAGE_DIMENSION <= height <= MAX_IMAGE_DIMENSION
    ):
        add(_RULE_IMAGE_DIMENSION, f"{where} gives the image size {width} x {height}")
    elif max(width, height) > MAX_ASPECT_RATIO * min(width, height):
        add(_RULE_ASPECT_RATIO, f"{where} gives the image size {width} x {height}")
    # Training scales the longer side down to 1280 pixels (never up).
    scale = min(1.0, _TRAINING_MAX_DIMENSION / max(width, height, 1))
    for n, box in enumerate(det.boxes):
        place = f"box {n} ({_excerpt(box.label)}) of {where}"
        _check_label_name(box.label, place, add)
        _check_confidence(box.confidence, place, add)
        coordinates = (box.left, box.top, box.width, box.height)
        if not all(type(c) is int for c in coordinates):
            add(_RULE_WHOLE_PIXELS, f"{place} is at {coordinates}")
            continue
        if min(coordinates) < 0 or box.left + box.width > width or box.top + box.height > height:
            add(
                _RULE_BOX_IN_IMAGE,
                f"{place} (left {box.left}, top {box.top}, width {box.width}, height {box.height}) "
                f"is not inside the {width} x {height} image",
            )
        elif not (box.width * scale > 1 and box.height * scale > 1):
            add(_RULE_BOX_TOO_SMALL, f"{place} is {box.width} x {box.height} pixels")


# -- reading and writing many ---------------------------------------------------------------------


def read_entries(lines: AsyncIterable[str]) -> AsyncGenerator[DatasetEntry, None]:
    """Parse each JSON Line of a dataset listing as it arrives.

    ``async for entry in read_entries(rek.list_dataset_entries(dataset_arn=arn)):``
    works with any paginator of dataset entries (Rekognition's, Lookout for Vision's) and
    any async iterable of lines; blank lines are skipped.

    Args:
        lines: The JSON Lines, such as ``rek.list_dataset_entries(...)``.

    Yields:
        Each line's :class:`DatasetEntry`, in order.

    Raises:
        TypeError: ``lines`` is not an async iterable (raised at the call).
        ValueError: A line is not a JSON object.
    """
    if not isinstance(lines, AsyncIterable):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(
            "lines must be an async iterable of JSON Lines, such as rek.list_dataset_entries(...);"
            f" got {lines!r:.80} ({type(lines).__name__}): for lines in memory, use DatasetEntry.parse"
        )
    return _read_entries(lines)


async def _read_entries(lines: AsyncIterable[str]) -> AsyncGenerator[DatasetEntry, None]:
    iterator = aiter(lines)
    try:
        async for line in iterator:
            if line and not line.isspace():
                yield DatasetEntry.parse(line)
    finally:
        await _close(iterator)


@overload
def to_changes(
    entries: AsyncIterable[DatasetEntry], *, max_bytes: int = GROUND_TRUTH_MAX_BYTES
) -> AsyncGenerator[DatasetChanges, None]: ...
@overload
def to_changes(
    entries: Iterable[DatasetEntry], *, max_bytes: int = GROUND_TRUTH_MAX_BYTES
) -> Generator[DatasetChanges, None, None]: ...
def to_changes(
    entries: Iterable[DatasetEntry] | AsyncIterable[DatasetEntry], *, max_bytes: int = GROUND_TRUTH_MAX_BYTES
) -> Generator[DatasetChanges, None, None] | AsyncGenerator[DatasetChanges, None]:
    """Pack entries into as few ``DatasetChanges`` as fit, each within one request's size limit.

    ``UpdateDatasetEntries`` takes any number of JSON Lines, but at most
    :data:`GROUND_TRUTH_MAX_BYTES` of them per request. Entries keep their order, each
    appears in exactly one batch, and a batch is its lines joined by newlines::

        for changes in to_changes(entries):
            await rek.update_dataset_entries(dataset_arn=arn, changes=changes)

    Given an async iterable (``read_entries(...)``, an async generator), it returns an
    async iterator: ``async for changes in to_changes(...)``. Entries are not checked
    against the manifest rules here (the builders do that; see :meth:`DatasetEntry.check`).

    Args:
        entries: The entries, an iterable or an async iterable.
        max_bytes: The most bytes of one batch, at most :data:`GROUND_TRUTH_MAX_BYTES`.

    Returns:
        The batches, made as they are iterated.

    Raises:
        ValueError: ``max_bytes`` is out of range.
        TypeError: ``entries`` is one entry, or not an iterable.
        ManifestRuleError: One entry alone is longer than ``max_bytes`` (raised when
            iteration reaches it; the batches before it have been yielded).
    """
    if type(max_bytes) is not int or not 1 <= max_bytes <= GROUND_TRUTH_MAX_BYTES:
        raise ValueError(f"max_bytes must be an int from 1 to {GROUND_TRUTH_MAX_BYTES:,}, not {max_bytes!r}")
    # One entry (a pydantic model) iterates as its fields: never what was meant.
    if isinstance(entries, (DatasetEntry, str, bytes)) or not isinstance(entries, (Iterable, AsyncIterable)):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(
            "entries must be an iterable or async iterable of DatasetEntry,"
            f" got {entries!r:.80} ({type(entries).__name__}); write [entry] for one"
        )
    if isinstance(entries, AsyncIterable):
        return _changes_async(entries, max_bytes)
    return _changes(entries, max_bytes)


class _Batcher:
    """Greedy packing of encoded lines: a batch is full when the next line would not fit."""

    __slots__ = ("_lines", "_max", "_size")

    def __init__(self, max_bytes: int) -> None:
        self._max = max_bytes
        self._lines: list[bytes] = []
        self._size = 0

    def add(self, entry: object) -> bytes | None:
        """Add an entry; return the batch it closed, if any."""
        if not isinstance(entry, DatasetEntry):  # raw lines, most likely: say what to do
            raise TypeError(
                f"to_changes takes DatasetEntry objects, not {type(entry).__name__}: "
                "read lines with read_entries(...) or DatasetEntry.parse(line)"
            )
        line = entry.to_json_line().encode()
        if len(line) > self._max:
            raise _broken(
                _RULE_GROUND_TRUTH_SIZE,
                f"the entry {_excerpt(entry.source_ref or line)} is {len(line):,} bytes as a JSON Line, "
                f"more than a batch of at most {self._max:,} bytes can hold",
            )
        done = None
        # Lines are joined by one "\n" each.
        if self._lines and self._size + 1 + len(line) > self._max:
            done = self.flush()
        self._size += len(line) + (1 if self._lines else 0)
        self._lines.append(line)
        return done

    def flush(self) -> bytes | None:
        """Return the batch so far, if any, and start a new one."""
        if not self._lines:
            return None
        batch = b"\n".join(self._lines)
        self._lines, self._size = [], 0
        return batch


def _changes_model(batch: bytes) -> DatasetChanges:
    # Imported here: the Rekognition models are the largest import of the package, and
    # reading entries does not need them.
    from .rekognition.models import DatasetChanges  # noqa: PLC0415 - see above

    return DatasetChanges(ground_truth=batch)


def _changes(entries: Iterable[DatasetEntry], max_bytes: int) -> Generator[DatasetChanges, None, None]:
    batcher = _Batcher(max_bytes)
    for entry in entries:
        batch = batcher.add(entry)
        if batch is not None:
            yield _changes_model(batch)
    batch = batcher.flush()
    if batch is not None:
        yield _changes_model(batch)


async def _changes_async(entries: AsyncIterable[DatasetEntry], max_bytes: int) -> AsyncGenerator[DatasetChanges, None]:
    batcher = _Batcher(max_bytes)
    iterator = aiter(entries)
    try:
        async for entry in iterator:
            batch = batcher.add(entry)
            if batch is not None:
                yield _changes_model(batch)
    finally:
        await _close(iterator)
    batch = batcher.flush()
    if batch is not None:
        yield _changes_model(batch)


async def _close(iterator: AsyncIterator[Any]) -> None:
    # An async generator left suspended (the consumer stopped, or a line failed) is
    # finalized whenever the garbage collector gets to it, outside any task: close it now.
    aclose = getattr(iterator, "aclose", None)
    if aclose is not None:
        await aclose()
