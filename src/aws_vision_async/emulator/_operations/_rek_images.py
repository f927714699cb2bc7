# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests are decoded JSON, untyped by nature)
"""Rekognition image analysis: labels, text, celebrities, protective equipment.

DetectLabels, DetectText, RecognizeCelebrities, GetCelebrityInfo, DetectProtectiveEquipment.

Stateless, as the service: each reply is read from the image itself
(:func:`~.._scene.read_scene`): an image made by :func:`~.._scene.scene_image`
reports exactly its scene, any other JPEG or PNG a scene derived from the SHA-256
of its bytes. A celebrity's ``Id`` carries its name, so that ``GetCelebrityInfo``
answers it in any process.
"""

from __future__ import annotations

import binascii
from typing import Any, Final

from .._face_details import compared_face
from .._scene import Scene, read_scene, stable, stable_float
from .._wire import ApiError
from ._base import MAX_IMAGE_BYTES, StateBase, handles
from ._rek_image_parts import (
    LABEL_MODEL_VERSION,
    TEXT_MODEL_VERSION,
    image_properties,
    label,
    label_categories,
    text_detections,
)

__all__ = ["ImageAnalysis", "celebrity_id"]

# "The default is 55%." "The default and upper limit is 1000 labels." (DetectLabels)
_MIN_LABEL_CONFIDENCE: Final = 55.0
_MAX_LABELS: Final = 1000
# "The default value is 10." (DetectLabelsImagePropertiesSettings.MaxDominantColors)
_DOMINANT_COLORS: Final = 10
# "RecognizeCelebrities returns the 64 largest faces in the image."
_MAX_CELEBRITY_FACES: Final = 64
# "DetectProtectiveEquipment detects PPE worn by up to 15 persons detected in an image."
_MAX_PERSONS: Final = 15
_PPE_MODEL_VERSION: Final = "1.0"
# "The limit is 4 MB for the DetectProtectiveEquipment API." (raw bytes; "Guidelines and
# quotas in Amazon Rekognition", https://docs.aws.amazon.com/rekognition/latest/dg/limits.html)
_PPE_MAX_BYTES: Final = 4 * 1024 * 1024
# Where each type of equipment is worn: its body parts, and its box within the person's box
# (left, top, width, height, as fractions of the person's box).
_BODY_PARTS: Final = ("FACE", "HEAD", "LEFT_HAND", "RIGHT_HAND")
_WORN_ON: Final = {"FACE_COVER": ("FACE",), "HEAD_COVER": ("HEAD",), "HAND_COVER": ("LEFT_HAND", "RIGHT_HAND")}
_PLACES: Final = {
    "HEAD": (0.3, 0.0, 0.4, 0.12),
    "FACE": (0.35, 0.12, 0.3, 0.1),
    # The person's left hand is on the right of the image: the person faces the camera.
    "LEFT_HAND": (0.78, 0.5, 0.2, 0.1),
    "RIGHT_HAND": (0.02, 0.5, 0.2, 0.1),
}
# A celebrity Id: 8 hexadecimal digits of a checksum, then the name's UTF-8 in hexadecimal
# (RekognitionUniqueId allows [0-9A-Za-z]*): any process can tell the name back.
_CHECK_DIGITS: Final = 8


def celebrity_id(name: str) -> str:
    """The ``Id`` RecognizeCelebrities gives the celebrity ``name`` (the same in every process)."""
    return stable("celebrity", name).hex()[:_CHECK_DIGITS] + name.encode().hex()


def _celebrity_name(celebrity: str) -> str | None:
    """The name a celebrity ``Id`` stands for, if :func:`celebrity_id` made it."""
    try:
        name = bytes.fromhex(celebrity[_CHECK_DIGITS:]).decode()
    except (ValueError, binascii.Error):
        return None
    return name if name and celebrity_id(name) == celebrity else None


def _celebrity_info(name: str) -> dict[str, Any]:
    """What the service knows of a celebrity beyond the face: ``Urls`` and ``KnownGender``."""
    entity = int.from_bytes(stable("wikidata", name)[:4], "big") % 10**8
    gender = ("Male", "Female")[stable("gender", name)[0] % 2]
    return {"Urls": [f"www.wikidata.org/wiki/Q{entity}"], "Name": name, "KnownGender": {"Type": gender}}


def _unique(names: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(names))


def _part_box(person: dict[str, float], part: str) -> dict[str, float]:
    left, top, width, height = _PLACES[part]
    return {
        "Width": round(person["Width"] * width, 4),
        "Height": round(person["Height"] * height, 4),
        "Left": round(person["Left"] + person["Width"] * left, 4),
        "Top": round(person["Top"] + person["Height"] * top, 4),
    }


class ImageAnalysis(StateBase):
    """The image analyses that keep nothing: labels, text, celebrities, protective equipment."""

    def _scene(self, p: dict[str, Any], max_bytes: int = MAX_IMAGE_BYTES) -> Scene:
        return read_scene(self.image_bytes(p["Image"], max_bytes=max_bytes))

    # -- DetectLabels ----------------------------------------------------------------------------

    @handles("rekognition", "DetectLabels")
    def detect_labels(self, p: dict[str, Any]) -> dict[str, Any]:
        """DetectLabels: the scene's labels (in its order), filtered as asked; its ImageProperties if asked."""
        scene = self._scene(p)
        # No Features (or an empty list) is GENERAL_LABELS alone, as the service does.
        features = set(p.get("Features") or ["GENERAL_LABELS"])
        settings = p.get("Settings") or {}
        colors = (settings.get("ImageProperties") or {}).get("MaxDominantColors", _DOMINANT_COLORS)
        reply: dict[str, Any] = {"Labels": [], "LabelModelVersion": LABEL_MODEL_VERSION}
        if "GENERAL_LABELS" in features:
            general = settings.get("GeneralLabels") or {}
            instance_colors = colors if "IMAGE_PROPERTIES" in features else None
            minimum = p.get("MinConfidence", _MIN_LABEL_CONFIDENCE)
            limit = min(p.get("MaxLabels", _MAX_LABELS), _MAX_LABELS)
            # The scene's own order: a scene lists what matters most first, and MaxLabels keeps that.
            labels = [label(scene, name, instance_colors) for name in _unique(scene.labels) if _wanted(name, general)]
            reply["Labels"] = [lab for lab in labels if lab["Confidence"] >= minimum][:limit]
        if "IMAGE_PROPERTIES" in features:
            reply["ImageProperties"] = image_properties(scene, colors)
        return reply

    # -- DetectText ------------------------------------------------------------------------------

    @handles("rekognition", "DetectText")
    def detect_text(self, p: dict[str, Any]) -> dict[str, Any]:
        """DetectText: each line of the scene's text and its words, as the filters allow."""
        scene = self._scene(p)
        return {
            "TextDetections": text_detections(scene, p.get("Filters") or {}),
            "TextModelVersion": TEXT_MODEL_VERSION,
        }

    # -- celebrities -----------------------------------------------------------------------------

    @handles("rekognition", "RecognizeCelebrities")
    def recognize_celebrities(self, p: dict[str, Any]) -> dict[str, Any]:
        """RecognizeCelebrities: the scene's celebrities, and its other faces as unrecognized."""
        scene = self._scene(p)
        # The scene's faces come first (largest first), then its celebrities; the 64 largest count.
        faces = [(identity, False) for identity in scene.faces] + [(name, True) for name in scene.celebrities]
        faces = faces[:_MAX_CELEBRITY_FACES]
        celebrities: list[dict[str, Any]] = []
        unrecognized: list[dict[str, Any]] = []
        for index, (identity, famous) in enumerate(faces):
            face = compared_face(identity, index, len(faces))
            if not famous:
                unrecognized.append(face)
                continue
            info = _celebrity_info(identity)
            celebrities.append(
                {
                    "Urls": info["Urls"],
                    "Name": identity,
                    "Id": celebrity_id(identity),
                    "Face": face,
                    "MatchConfidence": stable_float(90.0, 99.99, "celebrity match", identity, scene.digest.hex()),
                    "KnownGender": info["KnownGender"],
                }
            )
        return {"CelebrityFaces": celebrities, "UnrecognizedFaces": unrecognized}

    @handles("rekognition", "GetCelebrityInfo")
    def get_celebrity_info(self, p: dict[str, Any]) -> dict[str, Any]:
        """GetCelebrityInfo: the name, Urls and KnownGender of a celebrity Id from RecognizeCelebrities."""
        name = _celebrity_name(p["Id"])
        if name is None:
            # ResourceNotFoundException: "The resource specified in the request cannot be found."
            # (API reference, GetCelebrityInfo, Errors)
            raise ApiError(
                "ResourceNotFoundException", 400, f"The resource specified in the request cannot be found: {p['Id']}"
            )
        return _celebrity_info(name)

    # -- DetectProtectiveEquipment ---------------------------------------------------------------

    @handles("rekognition", "DetectProtectiveEquipment")
    def detect_protective_equipment(self, p: dict[str, Any]) -> dict[str, Any]:
        """DetectProtectiveEquipment: one person per scene face (or one wearing the scene's PPE), each wearing it."""
        scene = self._scene(p, _PPE_MAX_BYTES)
        # Rekognition detects three types of equipment only (ProtectiveEquipmentType): a scene
        # naming another (a "SAFETY_VEST") shows something the service does not report, so
        # it is left out rather than answered with a type outside the API's enum.
        worn = [name for name in _unique(scene.ppe) if name in _WORN_ON]
        count = len(scene.faces) or (1 if scene.ppe else 0)
        persons = [self._person(scene, i, min(count, _MAX_PERSONS), worn) for i in range(min(count, _MAX_PERSONS))]
        reply: dict[str, Any] = {"ProtectiveEquipmentModelVersion": _PPE_MODEL_VERSION, "Persons": persons}
        summary = p.get("SummarizationAttributes")
        if summary is not None:
            reply["Summary"] = _summary(persons, summary)
        return reply

    @staticmethod
    def _person(scene: Scene, index: int, count: int, worn: list[str]) -> dict[str, Any]:
        seed = scene.digest.hex()
        column = 1.0 / count
        box = {"Width": round(column * 0.9, 4), "Height": 0.9, "Left": round(column * (index + 0.05), 4), "Top": 0.05}
        parts = []
        for part in _BODY_PARTS:
            detections = [
                {
                    "BoundingBox": _part_box(box, part),
                    "Confidence": stable_float(90.0, 99.99, seed, index, kind, part),
                    "Type": kind,
                    "CoversBodyPart": {
                        "Confidence": stable_float(90.0, 99.99, seed, index, kind, part, "covers"),
                        "Value": True,
                    },
                }
                for kind in worn
                if part in _WORN_ON[kind]
            ]
            confidence = stable_float(90.0, 99.99, seed, index, part)
            parts.append({"Name": part, "Confidence": confidence, "EquipmentDetections": detections})
        confidence = stable_float(90.0, 99.99, seed, index, "person")
        return {"BodyParts": parts, "BoundingBox": box, "Confidence": confidence, "Id": index}


def _wanted(name: str, general: dict[str, Any]) -> bool:
    """Whether label ``name`` passes ``GeneralLabels``' inclusion and exclusion filters.

    An inclusion filter (of labels or categories) keeps what it names; with both, what
    either names. Exclusion filters then drop what they name.
    """
    categories = set(label_categories(name))
    included = general.get("LabelInclusionFilters") or []
    included_categories = general.get("LabelCategoryInclusionFilters") or []
    if (included or included_categories) and not (name in included or categories & set(included_categories)):
        return False
    if name in (general.get("LabelExclusionFilters") or []):
        return False
    return not categories & set(general.get("LabelCategoryExclusionFilters") or [])


def _summary(persons: list[dict[str, Any]], attributes: dict[str, Any]) -> dict[str, list[int]]:
    """``Summary``: who wears every required type, who does not, who cannot be told.

    A person, or a body part a required type is worn on, seen with less than
    ``MinConfidence`` cannot be told; a required type missing, less sure than
    ``MinConfidence`` or not covering its body part is not worn.
    """
    # "If you specify a value that is less than 50%, the results are the same specifying a value of 50%."
    minimum = max(float(attributes["MinConfidence"]), 50.0)
    required = _unique(tuple(attributes["RequiredEquipmentTypes"]))
    summary: dict[str, list[int]] = {
        "PersonsWithRequiredEquipment": [],
        "PersonsWithoutRequiredEquipment": [],
        "PersonsIndeterminate": [],
    }
    for person in persons:
        parts = {part["Name"]: part for part in person["BodyParts"]}
        needed = [parts[name] for kind in required for name in _WORN_ON.get(kind, ())]
        if person["Confidence"] < minimum or any(part["Confidence"] < minimum for part in needed):
            summary["PersonsIndeterminate"].append(person["Id"])
            continue
        wears = all(
            any(
                d["Type"] == kind
                and d["Confidence"] >= minimum
                and d["CoversBodyPart"]["Value"]
                and d["CoversBodyPart"]["Confidence"] >= minimum
                for d in parts[name]["EquipmentDetections"]
            )
            for kind in required
            for name in _WORN_ON.get(kind, ())
        )
        key = "PersonsWithRequiredEquipment" if wears else "PersonsWithoutRequiredEquipment"
        summary[key].append(person["Id"])
    return summary
