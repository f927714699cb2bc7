"""Reading one JSON Line into a typed entry: leniently, and fast.

What matches a documented shape becomes typed; anything else stays verbatim in the
``extra`` mappings. The values are checked here, field by field, and the models are
made without validating again (:func:`build_model`), which makes a large listing parse
several times faster than pydantic validation would.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

from ._kinds import BoundingBox, ImageLabel, ImageSize, ObjectDetection, ValidationIssue, build_model
from ._rules import CLASSIFICATION_TYPE, METADATA_SUFFIX, OBJECT_DETECTION_TYPE, SOURCE_REF, excerpt

if TYPE_CHECKING:
    from ._entry import DatasetEntry

_E = TypeVar("_E", bound="DatasetEntry")


def parse_line(entry_type: type[_E], line: str | bytes) -> _E:
    """Read one JSON Line; see :meth:`DatasetEntry.parse`."""
    if not isinstance(line, (str, bytes, bytearray)):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"line must be a str or bytes JSON Line, got {line!r:.80} ({type(line).__name__})")
    try:
        data = json.loads(line)
    except ValueError as exc:  # JSONDecodeError, or bytes that are not UTF-8
        raise ValueError(f"not a JSON Line ({exc}): {excerpt(line)}") from None
    if not isinstance(data, dict):
        raise ValueError(f"a JSON Line must be a JSON object, not {type(data).__name__}: {excerpt(line)}")
    return read_entry(entry_type, cast("dict[str, Any]", data))


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
            build_model(
                ValidationIssue, {"code", "message", "extra"}, {"code": code, "message": message, "extra": extra}
            )
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
    return build_model(ImageLabel, fields_set, values)


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
    return build_model(ImageSize, {"width", "height", "depth", "extra"}, values)


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
    return build_model(BoundingBox, fields_set, values)


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
    return build_model(ObjectDetection, fields_set, values)


def read_entry(entry_type: type[_E], data: dict[str, Any]) -> _E:
    """The typed entry of a line's JSON object; what has no documented shape goes in ``extra``."""
    consumed: set[str] = set()
    fields_set = {"source_ref"}
    source_ref = data.get(SOURCE_REF)
    if type(source_ref) is str:
        consumed.add(SOURCE_REF)
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
        if key in consumed or key.endswith(METADATA_SUFFIX):
            continue
        metadata = data.get(key + METADATA_SUFFIX)
        if type(metadata) is not dict:
            continue
        meta = cast("dict[str, Any]", metadata)
        kind = meta.get("type")
        if kind == CLASSIFICATION_TYPE:
            label = _image_label(key, value, meta)
            if label is not None:
                labels.append(label)
                consumed.update((key, key + METADATA_SUFFIX))
        elif kind == OBJECT_DETECTION_TYPE:
            detection = _detection(key, value, meta)
            if detection is not None:
                detections.append(detection)
                consumed.update((key, key + METADATA_SUFFIX))
    values = {
        "source_ref": source_ref,
        "image_labels": tuple(labels),
        "detections": tuple(detections),
        "errors": issues.get("errors", _NO_ISSUES),
        "warnings": issues.get("warnings", _NO_ISSUES),
        "extra": {k: v for k, v in data.items() if k not in consumed} if len(consumed) < len(data) else _EMPTY,
    }
    return build_model(entry_type, fields_set, values)
