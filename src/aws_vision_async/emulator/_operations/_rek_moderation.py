# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests are decoded JSON, untyped by nature)
"""DetectModerationLabels: the moderation labels of an image's scene, with or without an adapter.

An image made by ``scene_image(moderation=...)`` gets exactly those labels, each
with a confidence of at least 90; any other image gets the labels of the scene its
hash gives (``read_scene``). Each label's ``ParentName`` and ``TaxonomyLevel`` come
from AWS's moderation taxonomy (:data:`TAXONOMY`); a name it does not hold is a
top-level category. ``HumanLoopConfig`` is accepted but no human loop is started
(no ``HumanLoopActivationOutput``); ``ContentTypes`` is always empty.
"""

from __future__ import annotations

from typing import Any, Final

from .._resources import ProjectVersion
from .._scene import read_scene, stable_float
from .._wire import ApiError
from ._base import handles
from ._rek_adapters import MODERATION_MODEL_VERSION, Adapters

__all__ = ["TAXONOMY", "Moderation"]

#: Moderation labels below the top level, and their parents: the three-level taxonomy
#: of "Detecting inappropriate, unwanted, or offensive content" (model version 7).
TAXONOMY: Final = {
    "Explicit Nudity": "Explicit",
    "Explicit Sexual Activity": "Explicit",
    "Sex Toys": "Explicit",
    "Exposed Male Genitalia": "Explicit Nudity",
    "Exposed Female Genitalia": "Explicit Nudity",
    "Exposed Buttocks or Anus": "Explicit Nudity",
    "Exposed Female Nipple": "Explicit Nudity",
    "Non-Explicit Nudity": "Non-Explicit Nudity of Intimate parts and Kissing",
    "Obstructed Intimate Parts": "Non-Explicit Nudity of Intimate parts and Kissing",
    "Kissing on the Lips": "Non-Explicit Nudity of Intimate parts and Kissing",
    "Bare Back": "Non-Explicit Nudity",
    "Exposed Male Nipple": "Non-Explicit Nudity",
    "Partially Exposed Buttocks": "Non-Explicit Nudity",
    "Partially Exposed Female Breast": "Non-Explicit Nudity",
    "Implied Nudity": "Non-Explicit Nudity",
    "Obstructed Female Nipple": "Obstructed Intimate Parts",
    "Obstructed Male Genitalia": "Obstructed Intimate Parts",
    "Female Swimwear or Underwear": "Swimwear or Underwear",
    "Male Swimwear or Underwear": "Swimwear or Underwear",
    "Weapons": "Violence",
    "Graphic Violence": "Violence",
    "Weapon Violence": "Graphic Violence",
    "Physical Violence": "Graphic Violence",
    "Self-Harm": "Graphic Violence",
    "Blood & Gore": "Graphic Violence",
    "Explosions and Blasts": "Graphic Violence",
    "Death and Emaciation": "Visually Disturbing",
    "Crashes": "Visually Disturbing",
    "Emaciated Bodies": "Death and Emaciation",
    "Corpses": "Death and Emaciation",
    "Air Crash": "Crashes",
    "Products": "Drugs & Tobacco",
    "Drugs & Tobacco Paraphernalia & Use": "Drugs & Tobacco",
    "Pills": "Products",
    "Smoking": "Drugs & Tobacco Paraphernalia & Use",
    "Alcohol Use": "Alcohol",
    "Alcoholic Beverages": "Alcohol",
    "Drinking": "Alcohol Use",
    "Middle Finger": "Rude Gestures",
    "Nazi Party": "Hate Symbols",
    "White Supremacy": "Hate Symbols",
    "Extremist": "Hate Symbols",
}
# "If you don't specify the MinConfidence parameter ... greater than or equal to 50 percent."
_DEFAULT_MIN_CONFIDENCE: Final = 50.0


def _level(name: str) -> int:
    level = 1
    while name in TAXONOMY:
        name, level = TAXONOMY[name], level + 1
    return level


def _location(image: dict[str, Any]) -> str | None:
    s3 = image.get("S3Object")
    return None if s3 is None else f"s3://{s3.get('Bucket', '')}/{s3.get('Name', '')}"


class Moderation(Adapters):
    """``DetectModerationLabels``, with the adapters of :class:`Adapters`."""

    def _adapter(self, arn: str) -> ProjectVersion:
        project, version = self._version(arn)
        if project.feature != "CONTENT_MODERATION":
            raise ApiError(
                "InvalidParameterException", 400, f"{arn} is a Custom Labels model, not a content moderation adapter"
            )
        if version.status != "TRAINING_COMPLETED":
            raise ApiError(
                "ResourceNotReadyException", 400, f"adapter {arn} is {version.status}, not TRAINING_COMPLETED"
            )
        return version

    @handles("rekognition", "DetectModerationLabels")
    def detect_moderation_labels(self, p: dict[str, Any]) -> dict[str, Any]:
        image = self.image_bytes(p["Image"])
        adapter = None if p.get("ProjectVersion") is None else self._adapter(p["ProjectVersion"])
        scene = read_scene(image)
        names = list(dict.fromkeys(scene.moderation))
        if adapter is not None:
            location = _location(p["Image"])
            taught = adapter.training.ground_truth.get(location) if location else None
            if taught is not None:
                # One of its training images: the adapter answers what it was taught.
                names = sorted(taught)
            else:
                # What the base model misses and the adapter learnt to see.
                learnt = set(adapter.training.labels)
                names += [n for n in dict.fromkeys(scene.labels) if n in learnt and n not in names]
        low = 90.0 if scene.described else 55.0
        minimum = p.get("MinConfidence", _DEFAULT_MIN_CONFIDENCE)
        scored = sorted(
            ((stable_float(low, 99.99, "moderation", scene.digest.hex(), name), name) for name in names),
            key=lambda pair: -pair[0],
        )
        kept = [
            {
                "Confidence": confidence,
                "Name": name,
                "ParentName": TAXONOMY.get(name, ""),
                "TaxonomyLevel": _level(name),
            }
            for confidence, name in scored
            if confidence >= minimum
        ]
        reply: dict[str, Any] = {
            "ModerationLabels": kept,
            "ModerationModelVersion": MODERATION_MODEL_VERSION,
            "ContentTypes": [],
        }
        if adapter is not None:
            reply["ProjectVersion"] = adapter.arn
        return reply
