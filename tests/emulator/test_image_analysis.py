"""Image analysis on the emulator: labels, text, celebrities, protective equipment.

DetectLabels, DetectText, RecognizeCelebrities, GetCelebrityInfo and DetectProtectiveEquipment,
through the SDK's client (each reply also parsed by the generated models), and raw
HTTP where the SDK would refuse the request before sending it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Awaitable, Callable

import anyio
import pytest
from pydantic import BaseModel

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import Emulator, State, scene_image
from aws_vision_async.emulator._operations._rek_images import celebrity_id
from aws_vision_async.emulator._scene import read_scene
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import (
    BoundingBox,
    DetectionFilter,
    DetectLabelsImagePropertiesSettings,
    DetectLabelsSettings,
    DetectTextFilters,
    GeneralLabelsSettings,
    Image,
    Point,
    ProtectiveEquipmentSummarizationAttributes,
    RegionOfInterest,
    S3Object,
)

from ._support import assert_rek_error, rek_raw

pytestmark = pytest.mark.anyio

SCENE = scene_image(
    faces=("alice", "bob"),
    labels=("Cat", "Sofa", "Car", "Person"),
    text=("HELLO WORLD", "EXIT"),
    celebrities=("Ada Lovelace",),
    ppe=("FACE_COVER", "HAND_COVER"),
)
# Two photographs the emulator knows nothing of: results from their hashes.
PHOTO = b"\xff\xd8\xff\xe0" + b"a holiday photograph" * 10
OTHER = b"\x89PNG\r\n\x1a\n" + b"a screenshot" * 10


def photo_with(**wanted: int) -> bytes:
    """A hash-derived JPEG whose scene has at least ``wanted`` items of each field (labels=3...)."""
    for n in range(10_000):
        data = b"\xff\xd8\xff\xe0" + f"photograph {n}".encode()
        scene = read_scene(data)
        if all(len(getattr(scene, field)) >= count for field, count in wanted.items()):
            return data
    raise AssertionError(wanted)


# -- DetectLabels -------------------------------------------------------------------------------


async def test_detect_labels_reports_the_scene(rek: RekognitionClient) -> None:
    reply = await rek.detect_labels(image=SCENE)

    assert [label.name for label in reply.labels or []] == ["Cat", "Sofa", "Car", "Person"]
    assert reply.label_model_version == "3.0"
    assert reply.image_properties is None  # only when asked
    labels = {label.name: label for label in reply.labels or []}
    for label in labels.values():
        assert label.confidence is not None
        assert label.confidence >= 90
        assert label.categories
    car = labels["Car"]
    assert [p.name for p in car.parents or []] == ["Vehicle", "Transportation"]
    assert [c.name for c in car.categories or []] == ["Vehicles and Automotive"]
    assert [a.name for a in car.aliases or []] == ["Automobile"]
    assert len(car.instances or []) == 1
    # Countable: one person under each of the scene's two faces; a sofa is not in the taxonomy's countables.
    assert len(labels["Person"].instances or []) == 2
    assert labels["Sofa"].instances == []
    for instance in (car.instances or []) + (labels["Person"].instances or []):
        box = instance.bounding_box
        assert box is not None
        assert box.left is not None
        assert box.width is not None
        assert 0 <= box.left <= box.left + box.width <= 1


async def test_detect_labels_min_confidence_and_max_labels(rek: RekognitionClient) -> None:
    everything = (await rek.detect_labels(image=SCENE)).labels or []
    confidences = sorted({label.confidence or 0.0 for label in everything})
    threshold = (confidences[0] + confidences[1]) / 2

    confident = (await rek.detect_labels(image=SCENE, min_confidence=threshold)).labels or []
    first_two = (await rek.detect_labels(image=SCENE, max_labels=2)).labels or []

    assert [label.name for label in confident] == [
        label.name for label in everything if (label.confidence or 0.0) >= threshold
    ]
    assert len(confident) == len(everything) - 1
    assert [label.name for label in first_two] == ["Cat", "Sofa"]


async def test_detect_labels_inclusion_and_exclusion_filters(rek: RekognitionClient) -> None:
    async def names(**general: list[str]) -> list[str]:
        settings = DetectLabelsSettings(general_labels=GeneralLabelsSettings(**general))
        reply = await rek.detect_labels(image=SCENE, settings=settings)
        return [label.name or "" for label in reply.labels or []]

    assert await names(label_inclusion_filters=["Car", "Dog"]) == ["Car"]
    assert await names(label_exclusion_filters=["Car"]) == ["Cat", "Sofa", "Person"]
    assert await names(label_category_inclusion_filters=["Animals and Pets"]) == ["Cat"]
    assert await names(label_category_exclusion_filters=["Animals and Pets", "Person Description"]) == ["Sofa", "Car"]
    # Either inclusion filter keeps a label; exclusions then drop theirs.
    assert await names(
        label_inclusion_filters=["Sofa"],
        label_category_inclusion_filters=["Animals and Pets", "Vehicles and Automotive"],
        label_exclusion_filters=["Cat"],
    ) == ["Sofa", "Car"]


async def test_detect_labels_image_properties_when_asked(rek: RekognitionClient) -> None:
    settings = DetectLabelsSettings(image_properties=DetectLabelsImagePropertiesSettings(max_dominant_colors=2))

    only = await rek.detect_labels(image=SCENE, features=["IMAGE_PROPERTIES"], settings=settings)
    both = await rek.detect_labels(image=SCENE, features=["GENERAL_LABELS", "IMAGE_PROPERTIES"])

    assert only.labels == []
    properties = only.image_properties
    assert properties is not None
    assert properties.quality is not None
    assert properties.quality.contrast is not None
    assert properties.foreground is not None
    assert properties.background is not None
    for colors in (properties.dominant_colors, properties.foreground.dominant_colors):
        assert colors
        assert 1 <= len(colors) <= 2
        assert sum(c.pixel_percent or 0.0 for c in colors) == pytest.approx(100, abs=0.05)
        for color in colors:
            assert color.hex_code == f"#{color.red:02x}{color.green:02x}{color.blue:02x}"
    assert both.image_properties is not None
    assert [label.name for label in both.labels or []] == ["Cat", "Sofa", "Car", "Person"]
    # With IMAGE_PROPERTIES, each instance has its colors too.
    car = next(label for label in both.labels or [] if label.name == "Car")
    assert (car.instances or [])[0].dominant_colors


async def test_hash_images_are_stable_and_differ(rek: RekognitionClient) -> None:
    first = await rek.detect_labels(image=PHOTO)
    again = await rek.detect_labels(image=Image(bytes=PHOTO))
    other = await rek.detect_labels(image=OTHER)

    assert first.model_dump() == again.model_dump()
    assert first.labels
    assert [label.name for label in first.labels] == list(read_scene(PHOTO).labels)
    assert first.model_dump() != other.model_dump()
    # The derivation is SHA-256 of the bytes: fixed for every process and release.
    assert read_scene(PHOTO).digest == hashlib.sha256(PHOTO).digest()


async def test_an_image_in_the_emulators_s3(rek: RekognitionClient, emu: Emulator) -> None:
    emu.state.put_object("photos", "cat.jpg", scene_image(labels=("Cat",)))

    reply = await rek.detect_labels(image=Image(s3_object=S3Object(bucket="photos", name="cat.jpg")))

    assert [label.name for label in reply.labels or []] == ["Cat"]


# -- DetectText ---------------------------------------------------------------------------------


async def test_detect_text_reports_lines_then_words(rek: RekognitionClient) -> None:
    reply = await rek.detect_text(image=SCENE)

    detections = reply.text_detections or []
    assert reply.text_model_version == "3.0"
    assert [(d.type, d.detected_text, d.id, d.parent_id) for d in detections] == [
        ("LINE", "HELLO WORLD", 0, None),
        ("LINE", "EXIT", 1, None),
        ("WORD", "HELLO", 2, 0),
        ("WORD", "WORLD", 3, 0),
        ("WORD", "EXIT", 4, 1),
    ]
    for detection in detections:
        assert detection.confidence is not None
        assert detection.confidence >= 90
        geometry = detection.geometry
        assert geometry is not None
        box = geometry.bounding_box
        assert box is not None
        polygon = geometry.polygon or []
        assert len(polygon) == 4
        assert (polygon[0].x, polygon[0].y) == (box.left, box.top)
    hello, world = detections[2].geometry, detections[3].geometry
    assert hello is not None
    assert world is not None
    assert hello.bounding_box is not None
    assert world.bounding_box is not None
    assert (hello.bounding_box.left or 0) < (world.bounding_box.left or 0)


async def test_detect_text_word_filters(rek: RekognitionClient) -> None:
    image = scene_image(text=("A LONGWORD", "MID"))
    words = [d for d in (await rek.detect_text(image=image)).text_detections or [] if d.type == "WORD"]
    widths = {d.detected_text: d.geometry.bounding_box.width for d in words if d.geometry and d.geometry.bounding_box}
    confidences = sorted(d.confidence or 0.0 for d in words)

    async def kept(word_filter: DetectionFilter) -> list[str]:
        reply = await rek.detect_text(image=image, filters=DetectTextFilters(word_filter=word_filter))
        return [f"{d.type}:{d.detected_text}" for d in reply.text_detections or []]

    wide = await kept(DetectionFilter(min_bounding_box_width=(widths["MID"] or 0) + 0.001))
    assert wide == ["LINE:A LONGWORD", "WORD:LONGWORD"]
    threshold = (confidences[1] + confidences[2]) / 2
    confident = await kept(DetectionFilter(min_confidence=threshold))
    assert len([k for k in confident if k.startswith("WORD:")]) == 1
    assert await kept(DetectionFilter(min_bounding_box_height=0.5)) == []


async def test_detect_text_regions_of_interest(rek: RekognitionClient) -> None:
    image = scene_image(text=("TOP LINE", "BOTTOM LINE"))
    upper_half = RegionOfInterest(bounding_box=BoundingBox(left=0, top=0, width=1, height=0.5))
    lower_half = RegionOfInterest(
        polygon=[Point(x=0, y=0.5), Point(x=1, y=0.5), Point(x=1, y=1), Point(x=0, y=1)],
    )

    upper = await rek.detect_text(image=image, filters=DetectTextFilters(regions_of_interest=[upper_half]))
    lower = await rek.detect_text(image=image, filters=DetectTextFilters(regions_of_interest=[lower_half]))

    assert [d.detected_text for d in upper.text_detections or []] == ["TOP LINE", "TOP", "LINE"]
    assert [d.detected_text for d in lower.text_detections or []] == ["BOTTOM LINE", "BOTTOM", "LINE"]
    assert [d.parent_id for d in lower.text_detections or []] == [None, 0, 0]


async def test_detect_text_of_a_photograph(rek: RekognitionClient) -> None:
    photo = photo_with(text=2)

    lines = [d.detected_text for d in (await rek.detect_text(image=photo)).text_detections or [] if d.type == "LINE"]

    assert lines == list(read_scene(photo).text)


# -- celebrities --------------------------------------------------------------------------------


async def test_recognize_celebrities_and_get_their_info(rek: RekognitionClient) -> None:
    reply = await rek.recognize_celebrities(image=SCENE)

    celebrities = reply.celebrity_faces or []
    assert [c.name for c in celebrities] == ["Ada Lovelace"]
    assert len(reply.unrecognized_faces or []) == 2
    ada = celebrities[0]
    assert ada.id == celebrity_id("Ada Lovelace")
    assert ada.match_confidence is not None
    assert ada.match_confidence >= 90
    assert ada.urls
    assert ada.known_gender is not None
    assert ada.face is not None
    assert ada.face.bounding_box is not None
    # The same Id every time: an application may keep it.
    again = await rek.recognize_celebrities(image=scene_image(celebrities=("Ada Lovelace",)))
    assert [c.id for c in again.celebrity_faces or []] == [ada.id]

    info = await rek.get_celebrity_info(id=ada.id or "")

    assert info.name == "Ada Lovelace"
    assert info.urls == ada.urls
    assert info.known_gender == ada.known_gender


def test_any_state_tells_a_celebrity_by_its_id() -> None:
    """The Id carries the name: a new emulator (another process, a later run) answers it."""
    reply = State().rekognition["GetCelebrityInfo"]({"Id": celebrity_id("Grace Hopper")})

    assert reply["Name"] == "Grace Hopper"
    assert reply["Urls"]


async def test_get_celebrity_info_of_an_unknown_id(rek: RekognitionClient) -> None:
    good = celebrity_id("Ada Lovelace")

    for bad in ("1SK7cR8M", good[:-2], good[:7] + ("0" if good[7] != "0" else "1") + good[8:]):
        with pytest.raises(rek_errors.ResourceNotFoundException):
            await rek.get_celebrity_info(id=bad)


async def test_a_photograph_has_no_celebrities(rek: RekognitionClient) -> None:
    photo = photo_with(faces=1)

    reply = await rek.recognize_celebrities(image=photo)

    assert reply.celebrity_faces == []
    assert len(reply.unrecognized_faces or []) == len(read_scene(photo).faces)


# -- DetectProtectiveEquipment ------------------------------------------------------------------


async def test_protective_equipment_of_each_person(rek: RekognitionClient) -> None:
    reply = await rek.detect_protective_equipment(image=SCENE)

    persons = reply.persons or []
    assert reply.protective_equipment_model_version
    assert reply.summary is None
    assert [p.id for p in persons] == [0, 1]  # one per scene face
    for person in persons:
        worn = {part.name: [d.type for d in part.equipment_detections or []] for part in person.body_parts or []}
        assert worn == {"FACE": ["FACE_COVER"], "HEAD": [], "LEFT_HAND": ["HAND_COVER"], "RIGHT_HAND": ["HAND_COVER"]}
        for part in person.body_parts or []:
            for detection in part.equipment_detections or []:
                assert detection.covers_body_part is not None
                assert detection.covers_body_part.value is True
                assert detection.bounding_box is not None


async def test_protective_equipment_without_faces_is_one_person(rek: RekognitionClient) -> None:
    # An unknown type is not one the service detects: left out.
    image = scene_image(ppe=("HEAD_COVER", "SAFETY_VEST"))

    reply = await rek.detect_protective_equipment(image=image)
    nothing = await rek.detect_protective_equipment(image=scene_image(labels=("Sky",)))

    persons = reply.persons or []
    assert len(persons) == 1
    detections = [d.type for part in persons[0].body_parts or [] for d in part.equipment_detections or []]
    assert detections == ["HEAD_COVER"]
    assert nothing.persons == []


async def test_protective_equipment_summary(rek: RekognitionClient) -> None:
    image = scene_image(faces=("a", "b"), ppe=("FACE_COVER",))

    async def summary(confidence: float, *required: str) -> tuple[list[int], list[int], list[int]]:
        attributes = ProtectiveEquipmentSummarizationAttributes(
            min_confidence=confidence,
            required_equipment_types=list(required),  # type: ignore[arg-type]
        )
        found = (await rek.detect_protective_equipment(image=image, summarization_attributes=attributes)).summary
        assert found is not None
        return (
            list(found.persons_with_required_equipment or []),
            list(found.persons_without_required_equipment or []),
            list(found.persons_indeterminate or []),
        )

    assert await summary(80, "FACE_COVER") == ([0, 1], [], [])
    assert await summary(80, "FACE_COVER", "HAND_COVER") == ([], [0, 1], [])
    # Nothing is seen with a confidence of 100: no one can be told.
    assert await summary(100, "FACE_COVER") == ([], [], [0, 1])


async def test_protective_equipment_of_a_photograph(rek: RekognitionClient) -> None:
    photo = photo_with(faces=2)
    attributes = ProtectiveEquipmentSummarizationAttributes(min_confidence=50, required_equipment_types=["FACE_COVER"])

    reply = await rek.detect_protective_equipment(image=photo, summarization_attributes=attributes)

    persons = reply.persons or []
    assert len(persons) == len(read_scene(photo).faces)
    assert all(not part.equipment_detections for person in persons for part in person.body_parts or [])
    assert reply.summary is not None
    assert reply.summary.persons_without_required_equipment == [p.id for p in persons]


# -- what every image operation checks ----------------------------------------------------------

IMAGE_OPERATIONS = ("DetectLabels", "DetectText", "RecognizeCelebrities", "DetectProtectiveEquipment")


@pytest.mark.parametrize("operation", IMAGE_OPERATIONS)
def test_not_an_image_is_invalid_image_format(emu: Emulator, operation: str) -> None:
    reply = rek_raw(emu.url, operation, {"Image": {"Bytes": base64.b64encode(b"hello").decode()}})

    assert_rek_error(reply, "InvalidImageFormatException", 400)


@pytest.mark.parametrize("operation", IMAGE_OPERATIONS)
def test_bytes_above_5_mb_are_refused(emu: Emulator, operation: str) -> None:
    big = b"\xff\xd8\xff\xe0" + bytes(5 * 1024 * 1024)

    reply = rek_raw(emu.url, operation, {"Image": {"Bytes": base64.b64encode(big).decode()}})

    # Image.Bytes is at most 5242880 bytes long: a request above breaks the model's constraint.
    message = assert_rek_error(reply, "InvalidParameterException", 400)
    assert "5242880" in message


def test_protective_equipment_bytes_above_4_mb_are_image_too_large(emu: Emulator) -> None:
    image = {"Bytes": base64.b64encode(b"\xff\xd8\xff\xe0" + bytes(4 * 1024 * 1024)).decode()}

    refused = rek_raw(emu.url, "DetectProtectiveEquipment", {"Image": image})
    labels = rek_raw(emu.url, "DetectLabels", {"Image": image})

    # DetectProtectiveEquipment's limit is 4 MB of raw bytes; the others' 5 MB.
    assert_rek_error(refused, "ImageTooLargeException", 400)
    assert labels.status == 200


async def test_an_s3_image_above_15_mb_is_image_too_large(rek: RekognitionClient, emu: Emulator) -> None:
    emu.state.put_object("photos", "huge.jpg", b"\xff\xd8\xff\xe0" + bytes(15 * 1024 * 1024))
    image = Image(s3_object=S3Object(bucket="photos", name="huge.jpg"))

    with pytest.raises(rek_errors.ImageTooLargeException):
        await rek.detect_labels(image=image)
    with pytest.raises(rek_errors.ImageTooLargeException):
        await rek.detect_text(image=image)
    with pytest.raises(rek_errors.ImageTooLargeException):
        await rek.recognize_celebrities(image=image)
    with pytest.raises(rek_errors.ImageTooLargeException):
        await rek.detect_protective_equipment(image=image)


async def test_every_operation_twice_and_concurrently_gives_the_same(rek: RekognitionClient) -> None:
    calls: dict[str, Callable[[], Awaitable[BaseModel]]] = {
        "labels": lambda: rek.detect_labels(image=PHOTO, features=["GENERAL_LABELS", "IMAGE_PROPERTIES"]),
        "text": lambda: rek.detect_text(image=SCENE),
        "celebrities": lambda: rek.recognize_celebrities(image=SCENE),
        "ppe": lambda: rek.detect_protective_equipment(image=SCENE),
    }
    results: dict[str, list[str]] = {name: [] for name in calls}

    async def run(name: str) -> None:
        reply = await calls[name]()
        results[name].append(json.dumps(reply.model_dump(mode="json"), sort_keys=True))

    async with anyio.create_task_group() as group:
        for name in calls:
            for _ in range(3):
                group.start_soon(run, name)

    for name, replies in results.items():
        assert len(replies) == 3, name
        assert len(set(replies)) == 1, name
