# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (a scene comment and the arguments checked here are untyped until checked)
"""Images that say what is in them: the emulator's image analysis reads the scene from the image.

:func:`scene_image` makes a small valid JPEG whose comment segment (``COM``) lists
its faces, labels, text, moderation labels, celebrities and protective
equipment; the emulator's image operations report exactly that scene. Any other
JPEG or PNG gets a scene derived from the SHA-256 of its bytes: the same image
gives the same results in every process and release.

Faces are person identities: two faces of the same identity match with a
similarity of at least 90 (:func:`similarity`), faces of different identities
stay below 80.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

__all__ = [
    "SCENE_FIELDS",
    "Scene",
    "face_box",
    "read_scene",
    "scene_image",
    "similarity",
    "stable",
    "stable_float",
]

# The comment segment that carries the scene starts with this line; a version lets a
# later release read the scenes of this one.
_MARKER: Final = b"aws-vision-async scene 1\n"
#: The scene's fields, in the order of scene_image's arguments.
SCENE_FIELDS: Final = ("faces", "labels", "text", "moderation", "celebrities", "ppe")
# A JPEG segment's length field counts itself: at most 65535 - 2 bytes of payload.
_MAX_COMMENT: Final = 65533

# An 8x8 grey baseline JPEG (283 bytes, JFIF APP0 onwards), made once with Pillow; the
# scene's comment segment goes between its SOI marker and the rest.
_JPEG_BODY: Final = bytes.fromhex(
    "ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e1211101318281a18161618"
    "3123251d283a333d3c3933383740485c4e404457453738506d51575f626768673e4d71797064785c656763ff"
    "db0043011112121815182f1a1a2f634238426363636363636363636363636363636363636363636363636363"
    "636363636363636363636363636363636363636363636363ffc00011080008000803012200021101031101ff"
    "c40014000100000000000000000000000000000000ffc40014100100000000000000000000000000000000ff"
    "c40014010100000000000000000000000000000000ffc40014110100000000000000000000000000000000ff"
    "da000c03010002110311003f00000fffd9"
)
_SOI: Final = b"\xff\xd8"

# What a photograph with no described scene shows, picked by its hash.
_LABELS: Final = (
    "Person", "Car", "Tree", "Building", "Dog", "Cat", "Bicycle", "Chair", "Table", "Sky",
    "Road", "Flower", "Bird", "Book", "Laptop", "Phone", "Cup", "Bottle", "Boat", "Mountain",
)  # fmt: skip
_WORDS: Final = ("OPEN", "EXIT", "STOP", "SALE", "CAFE", "PARKING", "HELLO", "WELCOME", "NO ENTRY", "PUSH")
_MODERATION: Final = ("Suggestive", "Violence", "Drugs & Tobacco", "Alcohol", "Rude Gestures")


@dataclass(frozen=True)
class Scene:
    """What an image shows, as the emulator's image operations report it.

    Attributes:
        faces: Person identities, largest face first.
        labels: Object and scene labels.
        text: Lines of text.
        moderation: Moderation labels.
        celebrities: Celebrity names.
        ppe: Protective equipment types (``FACE_COVER``, ``HAND_COVER``, ``HEAD_COVER``).
        described: Whether the image came from :func:`scene_image` (else the scene
            is derived from the image's hash).
        digest: The SHA-256 of the image's bytes.
    """

    faces: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    moderation: tuple[str, ...] = ()
    celebrities: tuple[str, ...] = ()
    ppe: tuple[str, ...] = ()
    described: bool = False
    digest: bytes = b""


def _names(parameter: str, value: object) -> tuple[str, ...]:
    # A bare string is a sequence of characters: almost surely a forgotten tuple.
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"scene_image({parameter}=...) must be a sequence of names, such as a tuple, not {value!r}")
    names: tuple[object, ...] = tuple(value)
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"scene_image({parameter}=...): every name must be a non-empty string, not {name!r}")
    return tuple(str(n) for n in names)


def scene_image(
    *,
    faces: Sequence[str] = (),
    labels: Sequence[str] = (),
    text: Sequence[str] = (),
    moderation: Sequence[str] = (),
    celebrities: Sequence[str] = (),
    ppe: Sequence[str] = (),
) -> bytes:
    """A small valid JPEG whose analysis by the emulator reports exactly this scene.

    The scene travels in the JPEG's comment segment; any image viewer shows an
    8x8 grey square. The same arguments always give the same bytes.

    Args:
        faces: Person identities, one face each, largest first: two images with
            the same identity show the same person (``SearchFacesByImage``,
            ``CompareFaces`` match them with a similarity of at least 90), different
            identities never match at a threshold of 80 or more.
        labels: Labels ``DetectLabels`` (and ``DetectCustomLabels``) report.
        text: Lines of text ``DetectText`` reports (each line's words too).
        moderation: Labels ``DetectModerationLabels`` reports.
        celebrities: Names ``RecognizeCelebrities`` reports.
        ppe: Equipment types ``DetectProtectiveEquipment`` reports, such as
            ``"FACE_COVER"``, ``"HAND_COVER"``, ``"HEAD_COVER"``.

    Returns:
        The JPEG's bytes, to send as ``Image(bytes=...)`` or store with ``put_object``.

    Raises:
        TypeError: An argument is not a sequence of names (a bare string is refused).
        ValueError: A name is empty, or the scene does not fit in a JPEG comment (64 KiB).
    """
    values = (faces, labels, text, moderation, celebrities, ppe)
    scene = {name: list(_names(name, value)) for name, value in zip(SCENE_FIELDS, values, strict=True)}
    payload = _MARKER + json.dumps(scene, separators=(",", ":"), ensure_ascii=False).encode()
    if len(payload) > _MAX_COMMENT:
        raise ValueError(
            f"scene_image(): the scene takes {len(payload)} bytes, above the {_MAX_COMMENT} a JPEG comment holds"
        )
    return _SOI + b"\xff\xfe" + struct.pack(">H", len(payload) + 2) + payload + _JPEG_BODY


def _comment(data: bytes) -> bytes | None:
    """The scene comment's payload in a JPEG's header segments, if there is one."""
    if not data.startswith(_SOI):
        return None
    at = 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xDA:  # start of scan: no more header segments
            return None
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        body = data[at + 4 : at + 2 + length]
        if marker == 0xFE and body.startswith(_MARKER):
            return body[len(_MARKER) :]
        at += 2 + length
    return None


def stable(*parts: object) -> bytes:
    """A SHA-256 of ``parts``: the same in every process and release (no ``hash()``)."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()


def stable_float(low: float, high: float, *parts: object) -> float:
    """A number in ``[low, high)`` fixed by ``parts``, rounded to two decimals."""
    fraction = int.from_bytes(stable(*parts)[:8], "big") / 2.0**64
    return round(low + (high - low) * fraction, 2)


def _pick(digest: bytes, at: int, vocabulary: Sequence[str], count: int) -> tuple[str, ...]:
    picked: list[str] = []
    for i in range(len(vocabulary)):
        if len(picked) == count:
            break
        word = vocabulary[(digest[(at + i) % len(digest)] + i) % len(vocabulary)]
        if word not in picked:
            picked.append(word)
    return tuple(picked)


def read_scene(data: bytes) -> Scene:
    """The scene an image shows: the one :func:`scene_image` wrote, else one from its hash.

    Args:
        data: The image's bytes (already checked to be a JPEG or PNG), or what stands
            for an image the emulator cannot read (an S3 location not in its S3).

    Returns:
        The scene.
    """
    digest = hashlib.sha256(data).digest()
    comment = _comment(data)
    if comment is not None:
        try:
            raw = json.loads(comment)
        except ValueError:
            raw = None
        if isinstance(raw, dict):
            fields: dict[str, tuple[str, ...]] = {}
            for name in SCENE_FIELDS:
                value: object = raw.get(name, [])
                items = value if isinstance(value, list) else []
                fields[name] = tuple(str(v) for v in items)
            return Scene(**fields, described=True, digest=digest)
    # A photograph: 0 to 2 faces of people seen nowhere else, 2 to 5 labels, maybe text.
    faces = tuple(f"person-{digest.hex()[:12]}-{i}" for i in range(digest[0] % 3))
    labels = _pick(digest, 1, _LABELS, 2 + digest[1] % 4)
    text = _pick(digest, 9, _WORDS, digest[2] % 3)
    moderation = _pick(digest, 17, _MODERATION, 1) if digest[3] % 10 == 0 else ()
    return Scene(faces=faces, labels=labels, text=text, moderation=moderation, digest=digest)


def similarity(a: str, b: str) -> float:
    """How alike two faces are, in percent: 90 or more for one person, below 80 for two.

    Symmetric and stable: the same two identities always give the same number.
    """
    low, high = sorted((a, b))
    if a == b:
        return stable_float(95.0, 99.99, "same", a)
    return stable_float(5.0, 60.0, "pair", low, high)


def face_box(index: int, count: int) -> dict[str, float]:
    """The ``BoundingBox`` of face ``index`` of ``count``: side by side, the first the largest."""
    # Each face gets an equal column; its size shrinks with its rank, so that "the
    # largest face" (SearchFacesByImage, CompareFaces' source) is the first one.
    column = 1.0 / max(count, 1)
    width = round(column * (0.8 - 0.4 * index / max(count, 1)), 4)
    return {
        "Width": width,
        "Height": round(min(width * 1.3, 0.9), 4),
        "Left": round(column * index + (column - width) / 2, 4),
        "Top": 0.1,
    }
