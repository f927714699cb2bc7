"""How :meth:`DatasetEntry.classification` and :meth:`DatasetEntry.object_detection` make entries.

The builders are strict: they derive what the line format needs (attribute names,
class ids, the class map, a UTC creation date), then check the entry against the
documented rules (:meth:`DatasetEntry.check`) before returning it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pydantic import BaseModel

from .._core import checks
from ._dates import write_date
from ._kinds import BoundingBox, ImageLabel, ImageSize, ManifestModel, ObjectDetection, build_model

if TYPE_CHECKING:
    from ._entry import DatasetEntry

_M = TypeVar("_M", bound=ManifestModel)
_E = TypeVar("_E", bound="DatasetEntry")


def classification(
    cls: type[_E],
    source_ref: str,
    labels: str | Sequence[str],
    *,
    attribute: str,
    confidence: float,
    human_annotated: bool,
    job_name: str | None,
    creation_date: datetime | None,
) -> _E:
    """Make an entry with image-level labels; see :meth:`DatasetEntry.classification`."""
    names = [labels] if isinstance(labels, str) else checks.str_sequence("labels", labels)
    if not names:
        raise ValueError("classification needs at least one label; DatasetEntry(source_ref=...) is unlabeled")
    created = write_date(creation_date)
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


def object_detection(
    cls: type[_E],
    source_ref: str,
    boxes: Iterable[BoundingBox],
    *,
    image_size: ImageSize | tuple[int, int],
    attribute: str,
    human_annotated: bool,
    job_name: str | None,
    creation_date: datetime | None,
) -> _E:
    """Make an entry with bounding boxes; see :meth:`DatasetEntry.object_detection`."""
    given = box_list(boxes)
    if isinstance(image_size, ImageSize):
        size = image_size
    elif isinstance(image_size, tuple) and len(image_size) == 2:  # pyright: ignore[reportUnnecessaryIsInstance]
        size = ImageSize(width=image_size[0], height=image_size[1])
    else:
        raise TypeError(
            f"image_size must be an ImageSize or a (width, height) tuple, got {image_size!r:.80}"
            f" ({type(image_size).__name__})"
        )
    created = write_date(creation_date)
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


def without_errors(entry: _E) -> _E:
    """A copy of ``entry`` without the errors and warnings Custom Labels wrote, at every level."""
    return clear_fields(
        entry,
        "errors",
        "warnings",
        image_labels=tuple(clear_fields(label, "errors") for label in entry.image_labels),
        detections=tuple(
            clear_fields(
                d, "errors", "warnings", "metadata_errors", boxes=tuple(clear_fields(b, "errors") for b in d.boxes)
            )
            for d in entry.detections
        ),
    )


def clear_fields(model: _M, *names: str, **changes: Any) -> _M:
    """A copy of ``model`` with ``names`` emptied and unset, and ``changes`` applied."""
    # Updating the instance's own dict keeps the fields in the order of the class.
    values = {**model.__dict__, **dict.fromkeys(names, ()), **changes}
    return build_model(type(model), model.model_fields_set - set(names), values)


def box_list(boxes: object) -> list[BoundingBox]:
    """``boxes`` as a list, each checked to be a ``BoundingBox``."""
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
