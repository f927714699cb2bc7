"""Custom Labels models: what training makes of a dataset, and what a model sees in an image.

Training follows the documented minimums and terminal errors; a model's
predictions are made up, but deterministic: the same model and the same image
always give the same labels, confidences and boxes. An image made by
``scene_image`` gets exactly the labels its scene names (:func:`detect_scene`).
Adapters (Custom Moderation) are trained here too (:func:`train_adapter`).
"""

from __future__ import annotations

import hashlib
import random
import struct
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ._entries import Entry, moderation_labels
from ._scene import stable_float

__all__ = [
    "ASSUMED_THRESHOLD",
    "IMAGE_LEVEL_LABELS",
    "OBJECT_LOCALIZATION",
    "Manifest",
    "Training",
    "TrainingFailure",
    "detect",
    "detect_scene",
    "f1_score",
    "train",
    "train_adapter",
]

IMAGE_LEVEL_LABELS = "IMAGE_LEVEL_LABELS"
OBJECT_LOCALIZATION = "OBJECT_LOCALIZATION"

# "Guidelines and quotas in Amazon Rekognition Custom Labels", Training and Testing:
# https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html
# (the page on ERROR_MANIFEST_TOO_FEW_USABLE_LABELS gives the two minimums the other
# way round; the quotas page is the one kept here).
MIN_LABELS = {IMAGE_LEVEL_LABELS: 2, OBJECT_LOCALIZATION: 1}
MAX_LABELS = 250
# "Less than {}% label overlap": 50%, per the page on ERROR_INSUFFICIENT_LABEL_OVERLAP.
MIN_LABEL_OVERLAP = 0.5
# Auto-split moves 20% of the training images to the test set (DistributeDatasetEntries,
# TestingData.AutoCreate): every fifth usable image here.
AUTOSPLIT_EVERY = 5

#: The confidence DetectCustomLabels filters on when no MinConfidence is given: the
#: emulator's "assumed threshold", the same for every label.
ASSUMED_THRESHOLD = 50.0

# Terminal training errors and their messages, from "Debugging a failed model training"
# and "Terminal manifest content errors":
# https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging.html
# https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-aggregate-errors.html
_MESSAGES = {
    "ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT": "The manifest file extension or contents are invalid.",
    "ERROR_EMPTY_MANIFEST": "The manifest file is empty.",
    "ERROR_CANNOT_WRITE_OUTPUT_S3_BUCKET": "Unable to write to output S3 bucket.",
    "ERROR_TOO_MANY_INVALID_ROWS_IN_MANIFEST": "The manifest file contains too many invalid rows.",
    "ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS": "The manifest file contains images from multiple S3 buckets.",
    "ERROR_INSUFFICIENT_IMAGES_PER_LABEL_FOR_AUTOSPLIT": (
        "The manifest file contains insufficient labeled images per label to perform auto-split."
    ),
    "ERROR_MANIFEST_TOO_FEW_LABELS": "The manifest file has too few labels.",
    "ERROR_MANIFEST_TOO_MANY_LABELS": "The manifest file has too many labels.",
    "ERROR_INSUFFICIENT_LABEL_OVERLAP": "Less than 50% label overlap between the training and testing manifest files.",
    "ERROR_MANIFEST_TOO_FEW_USABLE_LABELS": "The manifest file has too few usable labels.",
}
# Manifest file errors stop training before the contents are read: no manifest summary.
_FILE_ERRORS = frozenset(
    {"ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT", "ERROR_EMPTY_MANIFEST", "ERROR_CANNOT_WRITE_OUTPUT_S3_BUCKET"}
)


@dataclass(frozen=True)
class Manifest:
    """The lines of one training or test manifest: a dataset's entries, or an S3 object's.

    Attributes:
        entries: The lines that parse as entries.
        bad_lines: Lines that are not JSON objects with a ``source-ref`` (invalid rows).
        readable: False when the manifest could not be read at all.
    """

    entries: tuple[Entry, ...] = ()
    bad_lines: int = 0
    readable: bool = True

    @classmethod
    def from_text(cls, text: str, created: datetime) -> Manifest:
        """Parse JSON Lines; lines that do not parse count as invalid rows."""
        entries: list[Entry] = []
        bad = 0
        for raw in text.splitlines():
            if not raw.strip():
                continue
            try:
                entries.append(Entry.parse(raw.strip(), created))
            except ValueError:
                bad += 1
        return cls(tuple(entries), bad)


@dataclass(frozen=True)
class TrainingFailure:
    """A terminal training error: its code and documented message."""

    code: str

    @property
    def message(self) -> str:
        """The message, as ``StatusMessage`` reports it: ``"CODE: message"``."""
        return f"{self.code}: {_MESSAGES[self.code]}"

    @property
    def content_error(self) -> bool:
        """A manifest content error (a manifest summary is written), not a manifest file error."""
        return self.code not in _FILE_ERRORS


@dataclass(frozen=True)
class Training:
    """What training makes of the training and test manifests.

    Attributes:
        use_case: ``IMAGE_LEVEL_LABELS`` or ``OBJECT_LOCALIZATION``; ``None``
            when training stopped before the contents were read.
        labels: The labels the model learnt, sorted.
        failure: Why training failed, or ``None``.
        auto_split: Whether the test set was split off the training set.
        ground_truth: An adapter's training images (``source-ref``) and the
            moderation labels they were annotated with; empty for a model.
    """

    use_case: str | None
    labels: tuple[str, ...]
    failure: TrainingFailure | None
    auto_split: bool = False
    ground_truth: dict[str, frozenset[str]] = field(default_factory=dict[str, frozenset[str]])


def _usable(entry: Entry) -> bool:
    # A line with errors, or with no labels at all, is not used for training
    # ("Non-terminal JSON Line validation errors").
    return entry.labeled and not entry.has_errors and entry.source_ref.startswith("s3://")


def _bucket(source_ref: str) -> str:
    return source_ref[len("s3://") :].split("/", 1)[0]


def _labels(entries: Iterable[Entry], use_case: str | None) -> set[str]:
    out: set[str] = set()
    for entry in entries:
        if use_case is None or use_case == IMAGE_LEVEL_LABELS:
            out |= entry.image_labels
        if use_case is None or use_case == OBJECT_LOCALIZATION:
            out |= entry.box_labels
    return out


def _in_use_case(entry: Entry, use_case: str) -> bool:
    return entry.detection if use_case == OBJECT_LOCALIZATION else entry.classification


def _file_error(manifest: Manifest) -> TrainingFailure | None:
    if not manifest.readable:
        return TrainingFailure("ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT")
    if not manifest.entries and not manifest.bad_lines:
        return TrainingFailure("ERROR_EMPTY_MANIFEST")
    return None


def _label_count_error(everything: Sequence[Entry], chosen: Sequence[Entry], use_case: str) -> TrainingFailure | None:
    """Too few labels in all the usable lines, or in the lines of the model's kind; or too many."""
    usable = _labels(chosen, use_case)
    if len(_labels(everything, None)) < MIN_LABELS[use_case]:
        return TrainingFailure("ERROR_MANIFEST_TOO_FEW_LABELS")
    if len(usable) < MIN_LABELS[use_case]:
        return TrainingFailure("ERROR_MANIFEST_TOO_FEW_USABLE_LABELS")
    if len(usable) > MAX_LABELS:
        return TrainingFailure("ERROR_MANIFEST_TOO_MANY_LABELS")
    return None


def _read_failure(manifests: Sequence[Manifest]) -> TrainingFailure | None:
    """Manifest file errors, then the one content error found before the lines are read."""
    for manifest in manifests:
        failure = _file_error(manifest)
        if failure:
            return failure
    for manifest in manifests:
        if len({_bucket(e.source_ref) for e in manifest.entries if e.source_ref.startswith("s3://")}) > 1:
            return TrainingFailure("ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS")
    return None


def _split(
    chosen: list[Entry], use_case: str, testing: Manifest | None
) -> tuple[list[Entry], list[Entry]] | TrainingFailure:
    """The training and test lines of the model's kind: the test manifest's, or a fifth of the training lines."""
    if testing is not None:
        return chosen, [e for e in testing.entries if _usable(e) and _in_use_case(e, use_case)]
    per_label = Counter(label for e in chosen for label in _labels([e], use_case))
    # Each label needs an image on each side of the split.
    if any(count < 2 for count in per_label.values()):
        return TrainingFailure("ERROR_INSUFFICIENT_IMAGES_PER_LABEL_FOR_AUTOSPLIT")
    last = AUTOSPLIT_EVERY - 1
    return [e for i, e in enumerate(chosen) if i % AUTOSPLIT_EVERY != last], [
        e for i, e in enumerate(chosen) if i % AUTOSPLIT_EVERY == last
    ]


def _labels_failure(
    parts: tuple[list[Entry], list[Entry]], usable: tuple[list[Entry], list[Entry]], use_case: str
) -> TrainingFailure | None:
    """The label counts of each side, then their overlap.

    Args:
        parts: The training and test lines of the model's kind; the label
            counts of a split training set are taken after the split.
        usable: All the usable training and test lines, whatever their kind;
            no test lines for a split.
        use_case: The kind of model.
    """
    train_part, test_part = parts
    failure = _label_count_error(usable[0], train_part, use_case)
    if failure is None and usable[1]:
        failure = _label_count_error(usable[1], test_part, use_case)
    test_labels = _labels(test_part, use_case)
    overlap = len(test_labels & _labels(train_part, use_case)) / len(test_labels) if test_labels else 1.0
    if failure is None and overlap < MIN_LABEL_OVERLAP:
        failure = TrainingFailure("ERROR_INSUFFICIENT_LABEL_OVERLAP")
    return failure


def train(training: Manifest, testing: Manifest | None) -> Training:
    """Apply the documented rules to the manifests of a training.

    Args:
        training: The training manifest.
        testing: The test manifest; ``None`` to split one off the training
            manifest (``TestingData.AutoCreate``).
    """
    auto = testing is None
    failure = _read_failure([training] if testing is None else [training, testing])
    if failure:
        return Training(None, (), failure, auto)
    usable = [e for e in training.entries if _usable(e)]
    test_usable = [] if testing is None else [e for e in testing.entries if _usable(e)]
    if not usable or (testing is not None and not test_usable):
        return Training(None, (), TrainingFailure("ERROR_TOO_MANY_INVALID_ROWS_IN_MANIFEST"), auto)
    # The model type follows the lines: whichever format most usable lines have
    # ("ERROR_MANIFEST_TOO_FEW_USABLE_LABELS"); image-level on a tie.
    detection = sum(e.detection for e in usable)
    classification = sum(e.classification for e in usable)
    use_case = OBJECT_LOCALIZATION if detection > classification else IMAGE_LEVEL_LABELS
    parts = _split([e for e in usable if _in_use_case(e, use_case)], use_case, testing)
    if isinstance(parts, TrainingFailure):
        return Training(use_case, (), parts, auto)
    failure = _labels_failure(parts, (usable, test_usable), use_case)
    if failure:
        return Training(use_case, (), failure, auto)
    return Training(use_case, tuple(sorted(_labels(parts[0], use_case))), None, auto)


def train_adapter(training: Manifest, testing: Manifest | None) -> Training:
    """Train a Custom Moderation adapter on its manifests ("Manifest file formats" of the adapters guide).

    The same file errors as a model's, and images in one bucket per manifest; a
    line is used when its image is in S3, it lists no errors and it holds
    ``content-moderation-groundtruth`` annotations (an empty list: no unsafe
    content). The recommended sample counts (50 false negatives or 20 false
    positives, 20 test images) are advice, not checked.

    Args:
        training: The training manifest.
        testing: The test manifest; ``None`` to split one off the training manifest.
    """
    auto = testing is None
    failure = _read_failure([training] if testing is None else [training, testing])
    if failure:
        return Training(None, (), failure, auto)

    def annotated(manifest: Manifest) -> list[tuple[str, frozenset[str]]]:
        lines = [(e.source_ref, moderation_labels(e)) for e in manifest.entries if _usable_ref(e)]
        return [(ref, labels) for ref, labels in lines if labels is not None]

    usable = annotated(training)
    if not usable or (testing is not None and not annotated(testing)):
        return Training(None, (), TrainingFailure("ERROR_TOO_MANY_INVALID_ROWS_IN_MANIFEST"), auto)
    # As for a model, auto-split keeps every fifth image for testing.
    learnt = (
        usable
        if testing is not None
        else [x for i, x in enumerate(usable) if i % AUTOSPLIT_EVERY != AUTOSPLIT_EVERY - 1]
    )
    names = sorted({name for _, labels in learnt for name in labels})
    if not names:
        return Training(None, (), TrainingFailure("ERROR_MANIFEST_TOO_FEW_LABELS"), auto)
    return Training(None, tuple(names), None, auto, dict(learnt))


def _usable_ref(entry: Entry) -> bool:
    return not entry.has_errors and entry.source_ref.startswith("s3://")


# -- predictions ---------------------------------------------------------------------------------


def _float32(value: float) -> float:
    # The service's confidences and box coordinates are 32-bit floats (67.56399536132812).
    result: float = struct.unpack("f", struct.pack("f", value))[0]
    return result


def f1_score(seed: bytes) -> float:
    """The F1 score of a trained model: made up, the same for the same model."""
    return _float32(random.Random(hashlib.sha256(b"f1" + seed).digest()).uniform(0.7, 0.99))  # noqa: S311


def detect(
    seed: bytes,
    use_case: str,
    labels: Sequence[str],
    image: bytes,
    *,
    min_confidence: float | None,
    max_results: int | None,
) -> list[dict[str, Any]]:
    """The custom labels a model finds in an image, most confident first.

    Args:
        seed: The model's identity: the same model finds the same labels.
        use_case: Image-level labels (one likely label per image, the others
            unlikely) or object localization (one to four boxes).
        labels: The labels the model learnt.
        image: What identifies the image: its bytes, or its S3 location.
        min_confidence: Labels below this confidence are left out;
            ``ASSUMED_THRESHOLD`` when ``None``.
        max_results: At most this many labels, the most confident.
    """
    # Not for security: a reproducible draw per (model, image).
    rng = random.Random(hashlib.sha256(seed + hashlib.sha256(image).digest()).digest())  # noqa: S311
    found: list[dict[str, Any]] = []
    if use_case == OBJECT_LOCALIZATION:
        for _ in range(rng.randint(1, 4)):
            name = rng.choice(labels)
            confidence = rng.uniform(30.0, 99.9)
            width, height = rng.uniform(0.05, 0.5), rng.uniform(0.05, 0.5)
            box = {
                "Width": _float32(width),
                "Height": _float32(height),
                "Left": _float32(rng.uniform(0.0, 1.0 - width)),
                "Top": _float32(rng.uniform(0.0, 1.0 - height)),
            }
            found.append({"Name": name, "Confidence": _float32(confidence), "Geometry": {"BoundingBox": box}})
    else:
        likely = rng.choice(labels)
        for name in labels:
            confidence = rng.uniform(70.0, 99.9) if name == likely else rng.uniform(0.5, 60.0)
            found.append({"Name": name, "Confidence": _float32(confidence)})
    threshold = ASSUMED_THRESHOLD if min_confidence is None else min_confidence
    kept = sorted((f for f in found if f["Confidence"] >= threshold), key=lambda f: -f["Confidence"])
    return kept if max_results is None else kept[:max_results]


def detect_scene(
    seed: bytes,
    use_case: str,
    names: Sequence[str],
    digest: bytes,
    *,
    min_confidence: float | None,
    max_results: int | None,
) -> list[dict[str, Any]]:
    """The custom labels of a described scene (``scene_image(labels=...)``), as given, most confident first.

    Each name gets a confidence of at least 90, fixed by the model and the image;
    an object-localization model gives each occurrence of a name a box, an
    image-level model reports each name once.

    Args:
        seed: The model's identity.
        use_case: ``IMAGE_LEVEL_LABELS`` or ``OBJECT_LOCALIZATION``.
        names: The scene's labels.
        digest: The image's SHA-256.
        min_confidence: Labels below this confidence are left out; ``ASSUMED_THRESHOLD`` when ``None``.
        max_results: At most this many labels, the most confident.
    """
    boxes = use_case == OBJECT_LOCALIZATION
    chosen = list(names) if boxes else list(dict.fromkeys(names))
    found: list[dict[str, Any]] = []
    for i, name in enumerate(chosen):
        parts = (seed.hex(), digest.hex(), i, name)
        label: dict[str, Any] = {"Name": name, "Confidence": _float32(stable_float(90.0, 99.99, "confidence", *parts))}
        if boxes:
            width, height = stable_float(0.1, 0.4, "width", *parts), stable_float(0.1, 0.4, "height", *parts)
            box = {
                "Width": _float32(width),
                "Height": _float32(height),
                "Left": _float32(stable_float(0.0, 1.0 - width, "left", *parts)),
                "Top": _float32(stable_float(0.0, 1.0 - height, "top", *parts)),
            }
            label["Geometry"] = {"BoundingBox": box}
        found.append(label)
    threshold = ASSUMED_THRESHOLD if min_confidence is None else min_confidence
    kept = sorted((f for f in found if f["Confidence"] >= threshold), key=lambda f: -f["Confidence"])
    return kept if max_results is None else kept[:max_results]
