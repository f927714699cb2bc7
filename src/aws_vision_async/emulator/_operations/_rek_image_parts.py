# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests are decoded JSON, untyped by nature)
"""What DetectLabels and DetectText report about a scene: labels with their taxonomy, image properties, text geometry.

Pure functions of the scene (:func:`~.._scene.read_scene`): every number comes from
:func:`~.._scene.stable_float` of the image's digest and the thing described, so the
same image always gives the same reply, in every process.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from .._scene import Scene, face_box, stable, stable_float

__all__ = [
    "LABEL_MODEL_VERSION",
    "TEXT_MODEL_VERSION",
    "image_properties",
    "label",
    "label_categories",
    "text_detections",
]

LABEL_MODEL_VERSION: Final = "3.0"
TEXT_MODEL_VERSION: Final = "3.0"
# "DetectText can detect up to 100 words in an image." (API reference, DetectText)
MAX_WORDS: Final = 100

# Parents (every ancestor, nearest first), aliases, categories and whether the thing is
# countable (gets Instances with a BoundingBox), by lower-case label name: a small slice
# of Rekognition's taxonomy, covering what hash-derived scenes show and common labels.
_P = tuple[str, ...]
_TAXONOMY: Final[dict[str, tuple[_P, _P, _P, bool]]] = {
    "person": ((), ("Human",), ("Person Description",), True),
    "adult": (("Person",), (), ("Person Description",), True),
    "man": (("Adult", "Male", "Person"), (), ("Person Description",), True),
    "woman": (("Adult", "Female", "Person"), (), ("Person Description",), True),
    "child": (("Person",), ("Kid",), ("Person Description",), True),
    "face": (("Head", "Person"), (), ("Person Description",), False),
    "car": (("Vehicle", "Transportation"), ("Automobile",), ("Vehicles and Automotive",), True),
    "truck": (("Vehicle", "Transportation"), (), ("Vehicles and Automotive",), True),
    "bus": (("Vehicle", "Transportation"), (), ("Vehicles and Automotive",), True),
    "bicycle": (("Vehicle", "Transportation"), ("Bike",), ("Vehicles and Automotive",), True),
    "motorcycle": (("Vehicle", "Transportation"), ("Motorbike",), ("Vehicles and Automotive",), True),
    "boat": (("Vehicle", "Transportation"), ("Watercraft",), ("Vehicles and Automotive",), True),
    "vehicle": (("Transportation",), (), ("Vehicles and Automotive",), False),
    "transportation": ((), (), ("Vehicles and Automotive",), False),
    "dog": (("Animal", "Canine", "Mammal", "Pet"), (), ("Animals and Pets",), True),
    "cat": (("Animal", "Mammal", "Pet"), (), ("Animals and Pets",), True),
    "bird": (("Animal",), (), ("Animals and Pets",), True),
    "horse": (("Animal", "Mammal"), (), ("Animals and Pets",), True),
    "animal": ((), (), ("Animals and Pets",), False),
    "mammal": (("Animal",), (), ("Animals and Pets",), False),
    "pet": (("Animal",), (), ("Animals and Pets",), False),
    "tree": (("Plant",), (), ("Plants and Flowers",), False),
    "flower": (("Plant",), ("Blossom",), ("Plants and Flowers",), False),
    "plant": ((), (), ("Plants and Flowers",), False),
    "building": (("Architecture",), (), ("Buildings and Architecture",), False),
    "house": (("Building", "Architecture"), (), ("Buildings and Architecture",), False),
    "architecture": ((), (), ("Buildings and Architecture",), False),
    "chair": (("Furniture",), (), ("Furniture and Furnishings",), True),
    "table": (("Furniture",), (), ("Furniture and Furnishings",), True),
    "furniture": ((), (), ("Furniture and Furnishings",), False),
    "sky": (("Nature", "Outdoors"), (), ("Nature and Outdoors",), False),
    "mountain": (("Nature", "Outdoors"), ("Mountain Range",), ("Nature and Outdoors",), False),
    "nature": ((), (), ("Nature and Outdoors",), False),
    "outdoors": ((), (), ("Nature and Outdoors",), False),
    "road": (("Tarmac",), ("Street",), ("Travel and Adventure",), False),
    "book": (("Publication",), (), ("Text and Documents",), True),
    "text": ((), (), ("Text and Documents",), False),
    "laptop": (("Computer", "Electronics", "Pc"), (), ("Technology and Computing",), True),
    "computer": (("Electronics",), (), ("Technology and Computing",), True),
    "phone": (("Electronics", "Mobile Phone"), ("Cell Phone",), ("Technology and Computing",), True),
    "electronics": ((), (), ("Technology and Computing",), False),
    "cup": ((), ("Mug",), ("Kitchen and Dining",), True),
    "bottle": ((), (), ("Kitchen and Dining",), True),
    "food": ((), (), ("Food and Beverage",), False),
    "hat": (("Clothing", "Apparel"), (), ("Apparel and Accessories",), True),
    "helmet": (("Clothing", "Apparel"), (), ("Apparel and Accessories",), True),
    "clothing": (("Apparel",), (), ("Apparel and Accessories",), False),
}
# A label the table does not know has no parents or aliases; every Rekognition label is
# in at least one category, and this one is the catch-all of its list of categories.
_OTHER: Final = ((), (), ("Everyday Objects",), False)

# Dominant colors: CSS name, one of the 12 simplified colors, RGB.
_PALETTE: Final = (
    ("dimgray", "grey", 105, 105, 105),
    ("white", "white", 255, 255, 255),
    ("black", "black", 0, 0, 0),
    ("steelblue", "blue", 70, 130, 180),
    ("forestgreen", "green", 34, 139, 34),
    ("firebrick", "red", 178, 34, 34),
    ("goldenrod", "yellow", 218, 165, 32),
    ("sienna", "brown", 160, 82, 45),
    ("orchid", "purple", 218, 112, 214),
    ("darkorange", "orange", 255, 140, 0),
    ("pink", "pink", 255, 192, 203),
    ("teal", "teal", 0, 128, 128),
    ("lightgray", "grey", 211, 211, 211),
    ("navy", "blue", 0, 0, 128),
)


def _taxonomy(name: str) -> tuple[_P, _P, _P, bool]:
    return _TAXONOMY.get(name.lower(), _OTHER)


def label_categories(name: str) -> tuple[str, ...]:
    """The label categories of label ``name`` (``LabelCategory*Filters`` match these)."""
    return _taxonomy(name)[2]


def _clamp_box(left: float, top: float, width: float, height: float) -> dict[str, float]:
    left, top = max(0.0, min(left, 1.0)), max(0.0, min(top, 1.0))
    return {
        "Width": round(min(width, 1.0 - left), 4),
        "Height": round(min(height, 1.0 - top), 4),
        "Left": round(left, 4),
        "Top": round(top, 4),
    }


def _colors(seed: str, part: str, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` dominant colors of ``part`` of the image, the most common first."""
    count = min(limit, 2 + stable(seed, part, "colors")[0] % 4)
    picked: list[tuple[str, str, int, int, int]] = []
    for i in range(len(_PALETTE)):
        if len(picked) == count:
            break
        color = _PALETTE[(stable(seed, part, "color", i)[0] + i) % len(_PALETTE)]
        if color not in picked:
            picked.append(color)
    weights = [stable_float(1.0, 10.0, seed, part, "weight", name) for name, *_ in picked]
    total = sum(weights)
    colors = [
        {
            "Red": red,
            "Blue": blue,
            "Green": green,
            "HexCode": f"#{red:02x}{green:02x}{blue:02x}",
            "CSSColor": css,
            "SimplifiedColor": simple,
            "PixelPercent": round(100.0 * weight / total, 2),
        }
        for (css, simple, red, green, blue), weight in zip(picked, weights, strict=True)
    ]
    return sorted(colors, key=lambda c: -c["PixelPercent"])


def _quality(seed: str, part: str, *, contrast: bool) -> dict[str, float]:
    quality = {
        "Brightness": stable_float(30.0, 95.0, seed, part, "brightness"),
        "Sharpness": stable_float(30.0, 95.0, seed, part, "sharpness"),
    }
    if contrast:
        quality["Contrast"] = stable_float(30.0, 95.0, seed, part, "contrast")
    return quality


def image_properties(scene: Scene, max_colors: int) -> dict[str, Any]:
    """``ImageProperties`` (feature ``IMAGE_PROPERTIES``): quality and dominant colors, of the whole and its parts."""
    seed = scene.digest.hex()
    # The foreground and background report brightness and sharpness; contrast is the whole image's.
    return {
        "Quality": _quality(seed, "image", contrast=True),
        "DominantColors": _colors(seed, "image", max_colors),
        **{
            part.capitalize(): {
                "Quality": _quality(seed, part, contrast=False),
                "DominantColors": _colors(seed, part, max_colors),
            }
            for part in ("foreground", "background")
        },
    }


def _instances(scene: Scene, name: str, confidence: float, colors: int | None) -> list[dict[str, Any]]:
    if not _taxonomy(name)[3]:
        return []
    seed = scene.digest.hex()
    boxes: list[dict[str, float]]
    if name.lower() == "person" and scene.faces:
        # One person under each face: the face's column, from the face down.
        boxes = []
        for i in range(len(scene.faces)):
            face = face_box(i, len(scene.faces))
            boxes.append(_clamp_box(face["Left"] - face["Width"] * 0.1, face["Top"] - 0.05, face["Width"] * 1.2, 0.9))
    else:
        width = stable_float(0.15, 0.6, seed, name, "width")
        height = stable_float(0.15, 0.6, seed, name, "height")
        left = stable_float(0.0, 1.0 - width, seed, name, "left")
        top = stable_float(0.0, 1.0 - height, seed, name, "top")
        boxes = [_clamp_box(left, top, width, height)]
    instances: list[dict[str, Any]] = []
    for i, box in enumerate(boxes):
        instance: dict[str, Any] = {"BoundingBox": box, "Confidence": confidence}
        if colors is not None:  # with IMAGE_PROPERTIES, each instance's colors too
            instance["DominantColors"] = _colors(seed, f"instance {name} {i}", colors)
        instances.append(instance)
    return instances


def label(scene: Scene, name: str, colors: int | None) -> dict[str, Any]:
    """The ``Label`` of ``name`` in ``scene``; ``colors``: the instances' dominant colors to give, if asked."""
    parents, aliases, categories, _ = _taxonomy(name)
    # A label the image was made to show is seen with a confidence of 90 or more.
    confidence = stable_float(90.0, 99.99, scene.digest.hex(), "label", name)
    return {
        "Name": name,
        "Confidence": confidence,
        "Instances": _instances(scene, name, confidence, colors),
        "Parents": [{"Name": p} for p in parents],
        "Aliases": [{"Name": a} for a in aliases],
        "Categories": [{"Name": c} for c in categories],
    }


# -- DetectText --------------------------------------------------------------------------------


def _geometry(left: float, top: float, width: float, height: float) -> dict[str, Any]:
    box = {"Width": round(width, 4), "Height": round(height, 4), "Left": round(left, 4), "Top": round(top, 4)}
    right, bottom = round(left + width, 4), round(top + height, 4)
    corners = ((box["Left"], box["Top"]), (right, box["Top"]), (right, bottom), (box["Left"], bottom))
    return {"BoundingBox": box, "Polygon": [{"X": x, "Y": y} for x, y in corners]}


def _inside(point: tuple[float, float], polygon: Sequence[tuple[float, float]]) -> bool:
    # Ray casting: a point is inside when a ray from it crosses the outline an odd number of times.
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(polygon, [*polygon[1:], polygon[0]], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _share_in(box: dict[str, float], region: dict[str, Any]) -> float:
    """The share of ``box`` inside ``region`` (a ``RegionOfInterest``: BoundingBox or Polygon)."""
    if "BoundingBox" in region:
        r = region["BoundingBox"]
        rl, rt = r.get("Left", 0.0), r.get("Top", 0.0)
        rr, rb = rl + r.get("Width", 0.0), rt + r.get("Height", 0.0)
        width = max(0.0, min(box["Left"] + box["Width"], rr) - max(box["Left"], rl))
        height = max(0.0, min(box["Top"] + box["Height"], rb) - max(box["Top"], rt))
        area = box["Width"] * box["Height"]
        return width * height / area if area > 0 else 0.0
    polygon = [(p.get("X", 0.0), p.get("Y", 0.0)) for p in region.get("Polygon", [])]
    if len(polygon) < 3:
        return 0.0
    # Sample a 10 x 10 grid of the box's points.
    steps = [(i + 0.5) / 10 for i in range(10)]
    grid = [(box["Left"] + box["Width"] * x, box["Top"] + box["Height"] * y) for x in steps for y in steps]
    return sum(_inside(point, polygon) for point in grid) / len(grid)


def _word_kept(word: dict[str, Any], filters: dict[str, Any]) -> bool:
    word_filter = filters.get("WordFilter", {})
    box = word["Geometry"]["BoundingBox"]
    # "The default MinConfidence is 80." (DetectionFilter)
    if word["Confidence"] < word_filter.get("MinConfidence", 80.0):
        return False
    if box["Height"] < word_filter.get("MinBoundingBoxHeight", 0.0):
        return False
    if box["Width"] < word_filter.get("MinBoundingBoxWidth", 0.0):
        return False
    regions = filters.get("RegionsOfInterest") or []
    # "A word ... is included in the region if it is more than half in that region." (RegionOfInterest)
    return not regions or any(_share_in(box, region) > 0.5 for region in regions)


def text_detections(scene: Scene, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """``TextDetections``: each line of the scene's text (as given) and its words, lines first.

    Lines are stacked from the top, their words laid out left to right in a fixed
    character width. A word is kept when it passes ``filters`` (a ``DetectTextFilters``);
    a line when any of its words is kept.
    """
    seed = scene.digest.hex()
    lines = scene.text
    rows = max(len(lines), 1)
    row = 0.9 / rows
    height = min(0.08, row * 0.7)
    longest = max((len(" ".join(line.split())) for line in lines), default=1)
    char = min(0.03, 0.9 / max(longest, 1))
    kept: list[tuple[int, str, list[dict[str, Any]]]] = []
    words_seen = 0
    for i, text in enumerate(lines):
        top = 0.05 + i * row
        left = 0.05
        words: list[dict[str, Any]] = []
        for j, word in enumerate(text.split()):
            words_seen += 1
            if words_seen > MAX_WORDS:
                break
            detection = {
                "DetectedText": word,
                "Type": "WORD",
                "Confidence": stable_float(90.0, 99.99, seed, "word", i, j, word),
                "Geometry": _geometry(left, top, char * len(word), height),
            }
            left += char * (len(word) + 1)
            if _word_kept(detection, filters):
                words.append(detection)
        if words:
            kept.append((i, text, words))
    detections: list[dict[str, Any]] = []
    word_detections: list[dict[str, Any]] = []
    # Ids as the service numbers them: the lines first, then the words, each word naming its line.
    next_word_id = len(kept)
    for line_id, (i, text, words) in enumerate(kept):
        width = char * len(" ".join(text.split()))
        confidence = round(sum(w["Confidence"] for w in words) / len(words), 2)
        geometry = _geometry(0.05, 0.05 + i * row, width, height)
        line = {"DetectedText": text, "Type": "LINE", "Id": line_id, "Confidence": confidence, "Geometry": geometry}
        detections.append(line)
        for found in words:
            word_detections.append({**found, "Id": next_word_id, "ParentId": line_id})
            next_word_id += 1
    return detections + word_detections
