"""The documented limits and rules of Custom Labels manifests, and the error that names a broken one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

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
TRAINING_MAX_DIMENSION: Final = 1280

# The keys of a line that are not label attributes, and how a label attribute names its metadata.
SOURCE_REF: Final = "source-ref"
METADATA_SUFFIX: Final = "-metadata"
RESERVED_KEYS: Final = frozenset({SOURCE_REF, "errors", "warnings"})

# -- rules ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A documented rule: its words, the error code Custom Labels writes for it, its page."""

    text: str
    code: str | None  # what Custom Labels writes into the line's errors when the rule is broken
    source: str


_JSON_LINE_ERRORS: Final = "Non-Terminal JSON Line Validation Errors"
_QUOTAS: Final = "Guidelines and quotas in Amazon Rekognition Custom Labels"
_IMAGE_LEVEL: Final = "Image-Level labels in manifest files"
_LOCALIZATION: Final = "Object localization in manifest files"

RULE_MISSING_SOURCE_REF: Final = Rule(
    "every JSON Line has a source-ref, the Amazon S3 location of its image", "ERROR_MISSING_SOURCE_REF", _IMAGE_LEVEL
)
RULE_SOURCE_REF_FORMAT: Final = Rule(
    'source-ref has the form "s3://BUCKET/OBJECT_PATH"', "ERROR_INVALID_SOURCE_REF_FORMAT", _JSON_LINE_ERRORS
)
RULE_LABELS_PER_IMAGE: Final = Rule(f"an image has at most {MAX_LABELS_PER_IMAGE} labels", None, _QUOTAS)
RULE_LABEL_NAME: Final = Rule(
    f"a label name (class-name) has 1 to {MAX_LABEL_NAME_LENGTH} characters",
    "ERROR_INVALID_LABEL_NAME_LENGTH",
    _JSON_LINE_ERRORS,
)
# Documented for image-level labels; a box's confidence (required, ERROR_MISSING_BOUNDING_BOX_CONFIDENCE)
# is held to the same range, as in SageMaker Ground Truth's own output.
RULE_CONFIDENCE: Final = Rule("confidence is a value between 0 and 1", None, _IMAGE_LEVEL)
RULE_CREATION_DATE: Final = Rule(
    "creation-date is the Coordinated Universal Time (UTC) date and time that the label was created",
    None,
    f"{_IMAGE_LEVEL}; {_LOCALIZATION}",
)
RULE_BOXES_PER_IMAGE: Final = Rule(
    f"an image has at most {MAX_BOXES_PER_IMAGE} bounding boxes", "ERROR_TOO_MANY_BOUNDING_BOXES", _QUOTAS
)
RULE_WHOLE_PIXELS: Final = Rule(
    "bounding boxes and image sizes are whole numbers of pixels (Int)",
    "ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT",
    "Understanding training and testing validation result manifests",
)
RULE_BOX_IN_IMAGE: Final = Rule(
    "a bounding box lies inside the image frame and has no negative values",
    "ERROR_INVALID_BOUNDING_BOX",
    _JSON_LINE_ERRORS,
)
RULE_BOX_TOO_SMALL: Final = Rule(
    "a bounding box is greater than 1 x 1 pixels, also once training has resized the image to at most "
    f"{TRAINING_MAX_DIMENSION} pixels",
    "ERROR_BOUNDING_BOX_TOO_SMALL",
    _JSON_LINE_ERRORS,
)
RULE_IMAGE_DIMENSION: Final = Rule(
    f"an image with bounding boxes is {MIN_IMAGE_DIMENSION} to {MAX_IMAGE_DIMENSION} pixels wide and high",
    "ERROR_INVALID_IMAGE_DIMENSION",
    _QUOTAS,
)
RULE_ASPECT_RATIO: Final = Rule(
    f"the image aspect ratio is at most {MAX_ASPECT_RATIO}:1", "ERROR_INVALID_IMAGE", _QUOTAS
)
RULE_ENTRY_LENGTH: Final = Rule(
    f"a JSON Line has at most {MAX_ENTRY_LENGTH:,} characters", None, "ListDatasetEntries API reference"
)
RULE_GROUND_TRUTH_SIZE: Final = Rule(
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


def broken(rule: Rule, problem: str) -> ManifestRuleError:
    return ManifestRuleError(problem, rule=rule.text, code=rule.code, source=rule.source)


def excerpt(text: str | bytes, limit: int = 80) -> str:
    """``text`` shortened to ``limit`` characters, as a repr, for messages."""
    shown = text if isinstance(text, str) else text.decode("utf-8", "replace")
    return repr(shown if len(shown) <= limit else shown[: limit - 3] + "...")
