"""What the emulator reports about one face: ``FaceDetail`` (DetectFaces, IndexFaces) and ``ComparedFace``.

Every number is fixed by the face's identity (:func:`~._scene.stable_float`), and
its place by its rank in the image (:func:`~._scene.face_box`): the same face in the
same place is always described the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from ._scene import face_box, stable, stable_float

__all__ = ["FACE_ATTRIBUTES", "compared_face", "face_detail"]

#: The values of ``Attributes`` (DetectFaces, IndexFaces) that name one attribute.
FACE_ATTRIBUTES: Final = (
    "AGE_RANGE",
    "BEARD",
    "EMOTIONS",
    "EYE_DIRECTION",
    "EYEGLASSES",
    "EYES_OPEN",
    "GENDER",
    "MOUTH_OPEN",
    "MUSTACHE",
    "FACE_OCCLUDED",
    "SMILE",
    "SUNGLASSES",
)

# Where each landmark sits in its face's box, as fractions of its width and height.
_LANDMARKS: Final = (
    ("eyeLeft", 0.3, 0.38),
    ("eyeRight", 0.7, 0.38),
    ("nose", 0.5, 0.55),
    ("mouthLeft", 0.35, 0.75),
    ("mouthRight", 0.65, 0.75),
    ("leftEyeBrowLeft", 0.18, 0.28),
    ("leftEyeBrowRight", 0.42, 0.27),
    ("leftEyeBrowUp", 0.3, 0.24),
    ("rightEyeBrowLeft", 0.58, 0.27),
    ("rightEyeBrowRight", 0.82, 0.28),
    ("rightEyeBrowUp", 0.7, 0.24),
    ("leftEyeLeft", 0.22, 0.38),
    ("leftEyeRight", 0.38, 0.38),
    ("leftEyeUp", 0.3, 0.35),
    ("leftEyeDown", 0.3, 0.41),
    ("rightEyeLeft", 0.62, 0.38),
    ("rightEyeRight", 0.78, 0.38),
    ("rightEyeUp", 0.7, 0.35),
    ("rightEyeDown", 0.7, 0.41),
    ("noseLeft", 0.43, 0.6),
    ("noseRight", 0.57, 0.6),
    ("mouthUp", 0.5, 0.71),
    ("mouthDown", 0.5, 0.8),
    ("leftPupil", 0.3, 0.38),
    ("rightPupil", 0.7, 0.38),
    ("upperJawlineLeft", 0.05, 0.4),
    ("midJawlineLeft", 0.15, 0.78),
    ("chinBottom", 0.5, 0.98),
    ("midJawlineRight", 0.85, 0.78),
    ("upperJawlineRight", 0.95, 0.4),
)
# ComparedFace (CompareFaces, RecognizeCelebrities) carries the five main landmarks only.
_COMPARED_LANDMARKS: Final = 5
_EMOTIONS: Final = ("HAPPY", "SAD", "ANGRY", "CONFUSED", "DISGUSTED", "SURPRISED", "CALM", "FEAR")


def _landmarks(box: dict[str, float], count: int) -> list[dict[str, Any]]:
    return [
        {"Type": name, "X": round(box["Left"] + x * box["Width"], 4), "Y": round(box["Top"] + y * box["Height"], 4)}
        for name, x, y in _LANDMARKS[:count]
    ]


def _common(identity: str, index: int, count: int, landmarks: int) -> dict[str, Any]:
    box = face_box(index, count)
    return {
        "BoundingBox": box,
        "Confidence": stable_float(99.5, 99.99, "confidence", identity),
        "Landmarks": _landmarks(box, landmarks),
        "Pose": {
            "Roll": stable_float(-10.0, 10.0, "roll", identity),
            "Yaw": stable_float(-20.0, 20.0, "yaw", identity),
            "Pitch": stable_float(-15.0, 15.0, "pitch", identity),
        },
        "Quality": {
            "Brightness": stable_float(60.0, 95.0, "brightness", identity),
            "Sharpness": stable_float(70.0, 98.0, "sharpness", identity),
        },
    }


def _flag(identity: str, name: str, share: int) -> dict[str, Any]:
    # Value true for about ``share`` faces in 100, always the same for one identity.
    return {
        "Value": stable(name, identity)[0] % 100 < share,
        "Confidence": stable_float(85.0, 99.9, name, "confidence", identity),
    }


def _attributes(identity: str) -> dict[str, Any]:
    low = 18 + stable(identity, "age")[0] % 50
    first = stable(identity, "emotion")[0] % len(_EMOTIONS)
    emotions = [
        {"Type": _EMOTIONS[(first + i) % len(_EMOTIONS)], "Confidence": c}
        for i, c in enumerate((stable_float(70.0, 99.0, "emotion", identity), 5.2, 1.4, 0.6, 0.3, 0.2, 0.1, 0.1))
    ]
    return {
        "AGE_RANGE": ("AgeRange", {"Low": low, "High": low + 4 + stable(identity, "age")[1] % 8}),
        "SMILE": ("Smile", _flag(identity, "smile", 50)),
        "EYEGLASSES": ("Eyeglasses", _flag(identity, "eyeglasses", 30)),
        "SUNGLASSES": ("Sunglasses", _flag(identity, "sunglasses", 5)),
        "GENDER": (
            "Gender",
            {
                "Value": "Female" if stable(identity, "gender")[0] % 2 else "Male",
                "Confidence": stable_float(90.0, 99.9, "gender", identity),
            },
        ),
        "BEARD": ("Beard", _flag(identity, "beard", 20)),
        "MUSTACHE": ("Mustache", _flag(identity, "mustache", 10)),
        "EYES_OPEN": ("EyesOpen", _flag(identity, "eyes", 95)),
        "MOUTH_OPEN": ("MouthOpen", _flag(identity, "mouth", 20)),
        "EMOTIONS": ("Emotions", emotions),
        "FACE_OCCLUDED": ("FaceOccluded", _flag(identity, "occluded", 3)),
        "EYE_DIRECTION": (
            "EyeDirection",
            {
                "Yaw": stable_float(-10.0, 10.0, "gaze-yaw", identity),
                "Pitch": stable_float(-10.0, 10.0, "gaze-pitch", identity),
                "Confidence": stable_float(90.0, 99.9, "gaze", identity),
            },
        ),
    }


def face_detail(identity: str, index: int, count: int, attributes: Sequence[str] | None) -> dict[str, Any]:
    """A ``FaceDetail`` as DetectFaces and IndexFaces return it.

    Args:
        identity: The face's person identity (from the image's scene).
        index: Its rank in the image, the largest face first.
        count: How many faces the image shows.
        attributes: ``Attributes`` as requested: ``None``, ``[]`` or ``["DEFAULT"]``
            give the default set (BoundingBox, Confidence, Landmarks, Pose, Quality);
            ``"ALL"`` adds every attribute; a named attribute (``"SMILE"``...) adds
            that one, as the API reference says.

    Returns:
        The face's description.
    """
    detail = _common(identity, index, count, len(_LANDMARKS))
    wanted = set(attributes or ())
    extra = _attributes(identity)
    for name in FACE_ATTRIBUTES:
        if "ALL" in wanted or name in wanted:
            member, value = extra[name]
            detail[member] = value
    return detail


def compared_face(identity: str, index: int, count: int) -> dict[str, Any]:
    """A ``ComparedFace`` as CompareFaces and RecognizeCelebrities return it.

    Args:
        identity: The face's person identity (from the image's scene).
        index: Its rank in the image, the largest face first.
        count: How many faces the image shows.

    Returns:
        Its BoundingBox, Confidence, the five main Landmarks, Pose and Quality.
    """
    return _common(identity, index, count, _COMPARED_LANDMARKS)
