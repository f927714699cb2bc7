"""Builders and the documented manifest rules: valid lines out, each broken rule named before any I/O."""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from aws_vision_async.manifest import (
    MAX_BOXES_PER_IMAGE,
    MAX_ENTRY_LENGTH,
    MAX_LABEL_NAME_LENGTH,
    MAX_LABELS_PER_IMAGE,
    BoundingBox,
    DatasetEntry,
    ImageLabel,
    ImageSize,
    ManifestRuleError,
    ObjectDetection,
)

from . import _docs

UTC = timezone.utc
REF = "s3://amzn-s3-demo-bucket/widgets/img_0001.jpg"
WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def box(
    label: str = "dent", left: int = 10, top: int = 20, width: int = 30, height: int = 40, **kw: Any
) -> BoundingBox:
    return BoundingBox(label=label, left=left, top=top, width=width, height=height, **kw)


# -- valid lines -------------------------------------------------------------------------------


def test_classification_writes_the_guides_image_level_line() -> None:
    # The guide's one-line example, rebuilt: the same JSON.
    entry = DatasetEntry.classification(
        "s3://custom-labels-console-us-east-1-nnnnnnnnnn/gt-job/manifest/IMG_1133.png",
        "Echo Dot",
        attribute="TestCLConsoleBucket",
        confidence=0.95,
        job_name="labeling-job/testclconsolebucket",
        creation_date=datetime(2020, 4, 15, 20, 17, 23, 433061, tzinfo=UTC),
    )

    assert entry.to_dict() == json.loads(_docs.IMAGE_LEVEL_LINE)
    assert DatasetEntry.parse(entry.to_json_line()) == entry


def test_classification_with_several_labels_writes_the_guides_multi_label_shape() -> None:
    entry = DatasetEntry.classification(
        REF,
        ["football", "ball"],
        attribute="sport",
        confidence=0.8,
        job_name="identify-sport",
        creation_date=datetime(2018, 10, 18, 22, 18, 13, 527256, tzinfo=UTC),
    )

    expected = json.loads(_docs.without_comments(_docs.MULTI_LABEL))
    expected["source-ref"] = REF  # the guide's placeholder is not an S3 location
    assert entry.to_dict() == expected
    assert entry.label_names == ("football", "ball")


def test_object_detection_writes_the_guides_bounding_box_line() -> None:
    entry = DatasetEntry.object_detection(
        "s3://bucket/images/IMG_1186.png",
        [
            BoundingBox(label="Echo Dot", class_id=1, top=251, left=399, width=155, height=101),
            BoundingBox(label="Echo", class_id=0, top=65, left=86, width=220, height=334),
        ],
        image_size=(640, 480),
        job_name="my job",
        creation_date=datetime(2013, 11, 18, 2, 53, 27, tzinfo=UTC),
    )

    assert entry.to_dict() == json.loads(_docs.OBJECT_LOCALIZATION_LINE)
    assert DatasetEntry.parse(entry.to_json_line()) == entry


def test_object_detection_assigns_class_ids_by_label() -> None:
    entry = DatasetEntry.object_detection(
        REF,
        [box("scratch"), box("dent"), box("scratch"), box("crack", class_id=0), box("dent")],
        image_size=ImageSize(width=640, height=480),
        creation_date=WHEN,
    )

    (det,) = entry.detections
    assert det.class_map == {"0": "crack", "1": "scratch", "2": "dent"}
    assert [b.class_id for b in det.boxes] == [1, 2, 1, 0, 2]
    assert [b.label for b in det.boxes] == ["scratch", "dent", "scratch", "crack", "dent"]
    line = entry.to_dict()
    assert [a["class_id"] for a in line["bounding-box"]["annotations"]] == [1, 2, 1, 0, 2]
    assert line["bounding-box-metadata"]["objects"] == [{"confidence": 1}] * 5


def test_object_detection_refuses_one_class_id_for_two_labels() -> None:
    with pytest.raises(ValueError, match="class_id 0 is given to both 'a' and 'b'"):
        DatasetEntry.object_detection(REF, [box("a", class_id=0), box("b", class_id=0)], image_size=(640, 480))


def test_object_detection_allows_no_boxes() -> None:
    # "Minimum number of bounding boxes in an image is 0." (Guidelines and quotas)
    entry = DatasetEntry.object_detection(REF, [], image_size=(640, 480), creation_date=WHEN)

    assert entry.boxes == ()
    assert entry.to_dict()["bounding-box"] == {
        "image_size": [{"width": 640, "height": 480, "depth": 3}],
        "annotations": [],
    }


def test_builders_take_their_options() -> None:
    entry = DatasetEntry.object_detection(
        REF,
        [box(confidence=0.25)],
        image_size=ImageSize(width=640, height=480, depth=1),
        attribute="defects",
        human_annotated=False,
        creation_date=WHEN,
    )

    line = entry.to_dict()
    assert set(line) == {"source-ref", "defects", "defects-metadata"}
    metadata: Any = line["defects-metadata"]
    assert metadata["human-annotated"] == "no"
    assert metadata["objects"] == [{"confidence": 0.25}]
    assert "job-name" not in metadata
    assert line["defects"]["image_size"] == [{"width": 640, "height": 480, "depth": 1}]


def test_creation_date_defaults_to_now_in_utc() -> None:
    before = datetime.now(UTC)
    entry = DatasetEntry.classification(REF, "dent")
    after = datetime.now(UTC)

    (label,) = entry.image_labels
    assert label.created is not None
    assert before - timedelta(microseconds=1) <= label.created <= after
    assert not label.creation_date.endswith(("Z", "+00:00"))


def test_creation_date_is_written_in_utc() -> None:
    paris = timezone(timedelta(hours=2))

    entry = DatasetEntry.classification(REF, "dent", creation_date=datetime(2024, 5, 1, 14, 0, 0, 5000, tzinfo=paris))

    assert entry.image_labels[0].creation_date == "2024-05-01T12:00:00.005000"


def test_a_naive_creation_date_is_refused() -> None:
    with pytest.raises(ManifestRuleError, match="Coordinated Universal Time") as info:
        DatasetEntry.classification(REF, "dent", creation_date=datetime(2024, 5, 1, 12, 0))

    assert "no time zone" in str(info.value)


def test_a_label_string_is_one_label() -> None:
    entry = DatasetEntry.classification(REF, "scratch", creation_date=WHEN)

    assert entry.label_names == ("scratch",)
    assert entry.image_labels[0].attribute == "label"


def test_classification_needs_a_label() -> None:
    with pytest.raises(ValueError, match="at least one label"):
        DatasetEntry.classification(REF, [])


def test_limits_themselves_are_allowed() -> None:
    names = [f"label-{n}" for n in range(MAX_LABELS_PER_IMAGE - 1)] + ["x" * MAX_LABEL_NAME_LENGTH]
    DatasetEntry.classification(REF, names, confidence=0)
    DatasetEntry.classification(REF, "dent", confidence=1)
    DatasetEntry.object_detection(REF, [box(left=0, top=0, width=64, height=64)], image_size=(64, 64))
    DatasetEntry.object_detection(REF, [box(left=0, top=0, width=4096, height=4096)], image_size=(4096, 4096))
    DatasetEntry.object_detection(REF, [box(left=0, top=0, width=64, height=1280)], image_size=(64, 1280))
    DatasetEntry.object_detection(REF, [box(width=2, height=2)], image_size=(640, 480))
    DatasetEntry.object_detection(REF, [box(width=4, height=4)], image_size=(4096, 4096))  # 2.5 x 2.5 in training
    DatasetEntry.object_detection(
        REF, [box(top=0, left=0, width=2, height=2)] * MAX_BOXES_PER_IMAGE, image_size=(640, 480)
    )


# -- each documented rule ----------------------------------------------------------------------

CASES: dict[str, tuple[Any, str, str | None]] = {
    # name: (build, words of the rule in the message, the error code Custom Labels would write)
    "source-ref-https": (
        lambda: DatasetEntry.classification("https://bucket/key.jpg", "dent"),
        "s3://BUCKET/OBJECT_PATH",
        "ERROR_INVALID_SOURCE_REF_FORMAT",
    ),
    "source-ref-no-key": (
        lambda: DatasetEntry.classification("s3://bucket", "dent"),
        "s3://BUCKET/OBJECT_PATH",
        "ERROR_INVALID_SOURCE_REF_FORMAT",
    ),
    "source-ref-empty-key": (
        lambda: DatasetEntry.classification("s3://bucket/", "dent"),
        "s3://BUCKET/OBJECT_PATH",
        "ERROR_INVALID_SOURCE_REF_FORMAT",
    ),
    "source-ref-no-bucket": (
        lambda: DatasetEntry.classification("s3:///key.jpg", "dent"),
        "s3://BUCKET/OBJECT_PATH",
        "ERROR_INVALID_SOURCE_REF_FORMAT",
    ),
    "source-ref-bare-path": (
        lambda: DatasetEntry.classification("bucket/key.jpg", "dent"),
        "s3://BUCKET/OBJECT_PATH",
        "ERROR_INVALID_SOURCE_REF_FORMAT",
    ),
    "source-ref-empty": (
        lambda: DatasetEntry.object_detection("", [], image_size=(640, 480)),
        "s3://BUCKET/OBJECT_PATH",
        "ERROR_INVALID_SOURCE_REF_FORMAT",
    ),
    "too-many-labels": (
        lambda: DatasetEntry.classification(REF, [f"l{n}" for n in range(MAX_LABELS_PER_IMAGE + 1)]),
        "at most 50 labels",
        None,
    ),
    "too-many-labels-with-boxes": (
        lambda: DatasetEntry.object_detection(
            REF,
            [box(f"l{n}", left=0, top=0, width=2, height=2) for n in range(MAX_LABELS_PER_IMAGE + 1)],
            image_size=(640, 480),
        ),
        "at most 50 labels",
        None,
    ),
    "label-name-too-long": (
        lambda: DatasetEntry.classification(REF, "x" * (MAX_LABEL_NAME_LENGTH + 1)),
        "1 to 256 characters",
        "ERROR_INVALID_LABEL_NAME_LENGTH",
    ),
    "label-name-empty": (
        lambda: DatasetEntry.classification(REF, ""),
        "1 to 256 characters",
        "ERROR_INVALID_LABEL_NAME_LENGTH",
    ),
    "box-label-name-too-long": (
        lambda: DatasetEntry.object_detection(REF, [box("y" * 257)], image_size=(640, 480)),
        "1 to 256 characters",
        "ERROR_INVALID_LABEL_NAME_LENGTH",
    ),
    "confidence-above-1": (
        lambda: DatasetEntry.classification(REF, "dent", confidence=1.5),
        "between 0 and 1",
        None,
    ),
    "confidence-negative": (
        lambda: DatasetEntry.classification(REF, "dent", confidence=-0.1),
        "between 0 and 1",
        None,
    ),
    "confidence-nan": (
        lambda: DatasetEntry.classification(REF, "dent", confidence=math.nan),
        "between 0 and 1",
        None,
    ),
    "box-confidence": (
        lambda: DatasetEntry.object_detection(REF, [box(confidence=2)], image_size=(640, 480)),
        "between 0 and 1",
        None,
    ),
    "too-many-boxes": (
        lambda: DatasetEntry.object_detection(REF, [box()] * (MAX_BOXES_PER_IMAGE + 1), image_size=(640, 480)),
        "at most 50 bounding boxes",
        "ERROR_TOO_MANY_BOUNDING_BOXES",
    ),
    "box-past-the-right-edge": (
        lambda: DatasetEntry.object_detection(REF, [box(left=600, width=41)], image_size=(640, 480)),
        "inside the image frame",
        "ERROR_INVALID_BOUNDING_BOX",
    ),
    "box-past-the-bottom-edge": (
        lambda: DatasetEntry.object_detection(REF, [box(top=400, height=81)], image_size=(640, 480)),
        "inside the image frame",
        "ERROR_INVALID_BOUNDING_BOX",
    ),
    "box-negative-left": (
        lambda: DatasetEntry.object_detection(REF, [box(left=-1)], image_size=(640, 480)),
        "no negative values",
        "ERROR_INVALID_BOUNDING_BOX",
    ),
    "box-negative-top": (
        lambda: DatasetEntry.object_detection(REF, [box(top=-1)], image_size=(640, 480)),
        "no negative values",
        "ERROR_INVALID_BOUNDING_BOX",
    ),
    "box-negative-width": (
        lambda: DatasetEntry.object_detection(REF, [box(width=-5)], image_size=(640, 480)),
        "no negative values",
        "ERROR_INVALID_BOUNDING_BOX",
    ),
    "box-1-pixel-wide": (
        lambda: DatasetEntry.object_detection(REF, [box(width=1)], image_size=(640, 480)),
        "greater than 1 x 1 pixels",
        "ERROR_BOUNDING_BOX_TOO_SMALL",
    ),
    "box-too-small-once-resized": (
        # 3 pixels of a 4096-pixel side are 0.94 pixels once training resizes it to 1280.
        lambda: DatasetEntry.object_detection(REF, [box(width=3, height=30)], image_size=(4096, 4096)),
        "resized the image to at most 1280 pixels",
        "ERROR_BOUNDING_BOX_TOO_SMALL",
    ),
    "box-fractional-pixels": (
        lambda: DatasetEntry.object_detection(REF, [box(left=10.5)], image_size=(640, 480)),  # type: ignore[arg-type]
        "whole numbers of pixels",
        "ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT",
    ),
    "image-too-narrow": (
        lambda: DatasetEntry.object_detection(REF, [], image_size=(63, 480)),
        "64 to 4096 pixels",
        "ERROR_INVALID_IMAGE_DIMENSION",
    ),
    "image-too-tall": (
        lambda: DatasetEntry.object_detection(REF, [], image_size=(640, 4097)),
        "64 to 4096 pixels",
        "ERROR_INVALID_IMAGE_DIMENSION",
    ),
    "image-aspect-ratio": (
        lambda: DatasetEntry.object_detection(REF, [], image_size=(64, 1281)),
        "aspect ratio is at most 20:1",
        "ERROR_INVALID_IMAGE",
    ),
    "entry-too-long": (
        lambda: DatasetEntry.classification(REF, "dent", job_name="j" * MAX_ENTRY_LENGTH),
        "at most 100,000 characters",
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_broken_rule_is_named_before_anything_is_sent(case: str) -> None:
    build, words, code = CASES[case]

    with pytest.raises(ManifestRuleError) as info:
        build()

    error = info.value
    assert isinstance(error, ValueError)
    assert words in error.rule
    assert words in str(error)
    assert error.code == code
    if code is not None:
        assert code in str(error)
    assert error.source in str(error)
    assert error.source  # a page of the guide or of the API reference


def test_rules_cite_the_guide() -> None:
    sources: set[str] = set()
    for build, _, _ in CASES.values():
        try:
            build()
        except ManifestRuleError as exc:
            sources.update(exc.source.split("; "))
    assert sources == {
        "Image-Level labels in manifest files",
        "Non-Terminal JSON Line Validation Errors",
        "Guidelines and quotas in Amazon Rekognition Custom Labels",
        "Understanding training and testing validation result manifests",
        "ListDatasetEntries API reference",
    }


def test_check_names_the_first_rule_and_counts_the_rest() -> None:
    with pytest.raises(ManifestRuleError, match=r"and 2 more: see DatasetEntry.violations\(\)") as info:
        DatasetEntry.object_detection("bucket/key", [box(left=-1), box(width=1)], image_size=(640, 480))

    assert info.value.code == "ERROR_INVALID_SOURCE_REF_FORMAT"


def test_violations_lists_every_broken_rule_in_order() -> None:
    entry = DatasetEntry(
        source_ref=None,
        image_labels=(ImageLabel(name="", attribute="a", confidence=3, creation_date="later"),),
        detections=(
            ObjectDetection(
                image_size=ImageSize(width=10, height=10),
                boxes=(BoundingBox(label="b", left=5, top=5, width=20, height=2, class_id=0),),
                class_map={"0": "b"},
                creation_date="2024-01-01T00:00:00",
            ),
        ),
    )

    assert [v.code for v in entry.violations()] == [
        "ERROR_MISSING_SOURCE_REF",
        "ERROR_INVALID_LABEL_NAME_LENGTH",
        None,  # confidence
        None,  # creation-date
        "ERROR_INVALID_IMAGE_DIMENSION",
        "ERROR_INVALID_BOUNDING_BOX",
    ]
    assert "image-level label '' (attribute 'a')" in str(entry.violations()[1])
    assert "box 0 ('b') of bounding-box attribute 'bounding-box'" in str(entry.violations()[-1])


def test_the_guides_valid_examples_pass_check() -> None:
    for text in (_docs.IMAGE_LEVEL_LINE, _docs.IMAGE_LEVEL_SUNRISE, _docs.OBJECT_LOCALIZATION_ECHOS):
        DatasetEntry.parse(text).check()


# -- the model's own consistency ---------------------------------------------------------------


def label(attribute: str) -> ImageLabel:
    return ImageLabel(name="dent", attribute=attribute, creation_date="2024-01-01T00:00:00")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"image_labels": (label("source-ref"),)}, "not usable", id="attribute-source-ref"),
        pytest.param({"image_labels": (label("errors"),)}, "not usable", id="attribute-errors"),
        pytest.param({"image_labels": (label(""),)}, "not usable", id="attribute-empty"),
        pytest.param({"image_labels": (label("x-metadata"),)}, "not usable", id="attribute-metadata-suffix"),
        pytest.param({"image_labels": (label("x"), label("x"))}, "would appear twice", id="attribute-twice"),
        pytest.param(
            {"image_labels": (label("x"),), "extra": {"x-metadata": {}}}, "typed fields write", id="extra-clash"
        ),
        pytest.param({"extra": {"source-ref": "s3://b/k"}}, "typed fields write", id="extra-source-ref"),
    ],
)
def test_an_entry_that_would_write_a_key_twice_is_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DatasetEntry(source_ref=REF, **kwargs)


def test_the_detection_attribute_can_share_a_line_with_image_labels() -> None:
    # "Image-level and localization (bounding-box) JSON lines can be chained together."
    detection = DatasetEntry.object_detection(REF, [box("dent")], image_size=(640, 480), creation_date=WHEN)
    both = detection.model_copy(update={"image_labels": (label("label"),)})

    both.check()
    assert both.label_names == ("dent",)
    assert set(both.to_dict()) == {"source-ref", "label", "label-metadata", "bounding-box", "bounding-box-metadata"}
    assert DatasetEntry.parse(both.to_json_line()) == both
