"""The parts of an entry: label attributes and their kinds, bounding boxes, image sizes, issues.

A JSON Line holds label attributes, each of a ``type``: an :class:`ImageLabel`
(``groundtruth/image-classification``) or an :class:`ObjectDetection`
(``groundtruth/object-detection``, holding :class:`BoundingBox` es and an :class:`ImageSize`).
Errors and warnings that Custom Labels wrote into a line, at any level, are
:class:`ValidationIssue` s. :class:`~aws_vision_async.manifest.DatasetEntry` holds them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final, TypeVar

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

from ._dates import read_date

_M = TypeVar("_M", bound="ManifestModel")
#: A JSON object, as `json.loads` gives it: the `extra` fields keep unknown keys so.
JsonObject = Mapping[str, JsonValue]


class ManifestModel(BaseModel):
    """Base of the manifest models: frozen, strict scalars, unknown keys in ``extra`` fields."""

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


def build_model(cls: type[_M], fields_set: set[str], values: dict[str, Any]) -> _M:
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


class ValidationIssue(ManifestModel):
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
    extra: JsonObject = Field(default_factory=dict)
    """Keys besides ``code`` and ``message``, kept as they were."""


class ImageSize(ManifestModel):
    """The size of an image with bounding boxes, in pixels (``image_size``)."""

    width: StrictInt
    """The width of the image in pixels."""
    height: StrictInt
    """The height of the image in pixels."""
    depth: StrictInt = 3
    """The number of channels: 3 for RGB images (not used by Custom Labels, but required)."""
    extra: JsonObject = Field(default_factory=dict)
    """Unknown keys, kept as they were."""


class ImageLabel(ManifestModel):
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
    extra: JsonObject = Field(default_factory=dict)
    """Unknown keys of the ``-metadata`` object, kept as they were."""

    @property
    def created(self) -> datetime | None:
        """``creation_date`` as a timezone-aware UTC datetime, or ``None`` if it does not read as one."""
        return read_date(self.creation_date)


class BoundingBox(ManifestModel):
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
    extra: JsonObject = Field(default_factory=dict)
    """Unknown keys of the annotation, kept as they were."""
    object_extra: JsonObject = Field(default_factory=dict)
    """Unknown keys of the box's entry in the metadata's ``objects``, kept as they were."""


class ObjectDetection(ManifestModel):
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
    extra: JsonObject = Field(default_factory=dict)
    """Unknown keys of the label attribute, kept as they were."""
    metadata_extra: JsonObject = Field(default_factory=dict)
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
        return read_date(self.creation_date)
