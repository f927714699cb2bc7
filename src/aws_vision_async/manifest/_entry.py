"""The typed JSON Line: :class:`DatasetEntry`, what it holds, and how to read, make, write and check one."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pydantic import Field, StrictStr, model_validator
from typing_extensions import Self

from . import _builders
from ._checks import violations
from ._kinds import BoundingBox, ImageLabel, ImageSize, JsonObject, ManifestModel, ObjectDetection, ValidationIssue
from ._reading import parse_line
from ._rules import METADATA_SUFFIX, RESERVED_KEYS, SOURCE_REF, ManifestRuleError
from ._writing import emits, entry_dict


class DatasetEntry(ManifestModel):
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
    extra: JsonObject = Field(default_factory=dict)
    """Every other key of the line, kept as it was: keys added later, label attributes of a
    ``type`` this module does not know, and label attributes that do not have their
    documented shape (with their ``-metadata``)."""

    @model_validator(mode="after")
    def _keys_are_unique(self) -> Self:
        seen = set(self._top_keys())
        names = [label.attribute for label in self.image_labels] + [d.attribute for d in self.detections]
        for name in names:
            if not name or name in RESERVED_KEYS or name.endswith(METADATA_SUFFIX):
                raise ValueError(
                    f"label attribute name {name!r} is not usable: it must be non-empty, not one of "
                    f"{sorted(RESERVED_KEYS)}, and not end with {METADATA_SUFFIX!r} (the metadata key is the "
                    f"attribute name with {METADATA_SUFFIX!r} appended)"
                )
            for key in (name, name + METADATA_SUFFIX):
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
        return parse_line(DatasetEntry, line)

    # -- writing -------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object of the line: ``json.loads`` of :meth:`to_json_line`."""
        return entry_dict(self)

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
        return _builders.classification(
            cls,
            source_ref,
            labels,
            attribute=attribute,
            confidence=confidence,
            human_annotated=human_annotated,
            job_name=job_name,
            creation_date=creation_date,
        )

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
        return _builders.object_detection(
            cls,
            source_ref,
            boxes,
            image_size=image_size,
            attribute=attribute,
            human_annotated=human_annotated,
            job_name=job_name,
            creation_date=creation_date,
        )

    def without_errors(self) -> DatasetEntry:
        """Return a copy without the errors and warnings Custom Labels wrote, at every level.

        Useful before sending back a line you have fixed, so that the old errors are
        not sent with it.
        """
        return _builders.without_errors(self)

    # -- rules ---------------------------------------------------------------------------------

    def violations(self) -> tuple[ManifestRuleError, ...]:
        """List every documented manifest rule the entry breaks (empty if none).

        The rules are those of one JSON Line. The rules of a whole dataset (at most
        250 labels and 250,000 images, images from one S3 bucket, ...) are not checked.

        Returns:
            One ``ManifestRuleError`` per broken rule and place, in the order of the line.
        """
        return violations(self)

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
        return any(key.endswith(METADATA_SUFFIX) and key[: -len(METADATA_SUFFIX)] in self.extra for key in self.extra)

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
        keys = [SOURCE_REF] if self.source_ref is not None else []
        keys += [name for name in ("errors", "warnings") if emits(self, name, getattr(self, name))]
        return keys
