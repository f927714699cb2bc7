"""What the emulated stored-video analyses find in a video: made up, the same for the same video.

Every result is drawn from a seed, the SHA-256 of the video's S3 bucket and name,
so that two jobs on the same video (of one kind) find the same things; each kind
finds at least ``MIN_RESULTS``, so that the ``Get*`` pages can be tried.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Callable
from typing import Any, Final

__all__ = ["CORRUPT_MARK", "MIN_RESULTS", "RESULT_KEYS", "audio_metadata", "results", "video_metadata", "video_seed"]

#: A video whose object name contains this ends FAILED, as a corrupt file does.
CORRUPT_MARK: Final = "corrupt"
#: Each kind of analysis finds at least this many things in a video.
MIN_RESULTS: Final = 5
#: The member of each ``Get*`` reply that holds its results, by kind (``Start<kind>``/``Get<kind>``).
RESULT_KEYS: Final = {
    "LabelDetection": "Labels",
    "FaceDetection": "Faces",
    "FaceSearch": "Persons",
    "PersonTracking": "Persons",
    "CelebrityRecognition": "Celebrities",
    "ContentModeration": "ModerationLabels",
    "SegmentDetection": "Segments",
    "TextDetection": "TextDetections",
}

_LABELS = ("Person", "Car", "Dog", "Tree", "Building", "Road", "Bicycle", "Cat", "Sky", "Boat", "Chair", "Laptop")
_MODERATION = (("Smoking", "Drugs & Tobacco"), ("Alcohol", "Alcohol"), ("Violence", ""), ("Gambling", ""))
_MODERATION_MORE = (
    ("Drinking", "Alcohol"),
    ("Weapons", "Violence"),
    ("Rude Gestures", ""),
    ("Tobacco", "Drugs & Tobacco"),
)
_CELEBRITIES = ("Ada Example", "Ben Sample", "Cleo Placeholder", "Dev Mockwell", "Eve Fixture", "Finn Stub")
_WORDS = ("OPEN", "EXIT", "SALE", "STOP", "HELLO", "WORLD", "CAFE", "NEWS", "SCORE", "LIVE")
_CUES = ("ColorBars", "Slate", "StudioLogo", "OpeningCredits", "Content", "BlackFrames", "EndCredits")


def video_seed(video: dict[str, Any]) -> bytes:
    """The seed of a ``Video`` (its ``S3Object`` bucket and name; not its version)."""
    location: dict[str, Any] = video.get("S3Object") or {}
    return hashlib.sha256(f"{location.get('Bucket', '')}/{location.get('Name', '')}".encode()).digest()


def _rng(seed: bytes, kind: str) -> random.Random:
    return random.Random(hashlib.sha256(seed + kind.encode()).digest())  # noqa: S311 - made-up results


def video_metadata(seed: bytes) -> dict[str, Any]:
    """``VideoMetadata``: a 20 to 60 second H.264 video."""
    rng = _rng(seed, "metadata")
    width, height = rng.choice(((1280, 720), (1920, 1080), (640, 360)))
    return {
        "Codec": "h264",
        "DurationMillis": rng.randrange(20_000, 60_000, 1000),
        "Format": "QuickTime / MOV",
        "FrameRate": 30.0,
        "FrameHeight": height,
        "FrameWidth": width,
        "ColorRange": "LIMITED",
    }


def audio_metadata(seed: bytes) -> dict[str, Any]:
    """``AudioMetadata`` (of ``GetSegmentDetection``): one AAC stereo track."""
    duration = video_metadata(seed)["DurationMillis"]
    return {"Codec": "aac", "DurationMillis": duration, "SampleRate": 48000, "NumberOfChannels": 2}


def _box(rng: random.Random) -> dict[str, float]:
    width, height = round(rng.uniform(0.05, 0.4), 4), round(rng.uniform(0.05, 0.4), 4)
    left, top = round(rng.uniform(0, 1 - width), 4), round(rng.uniform(0, 1 - height), 4)
    return {"Width": width, "Height": height, "Left": left, "Top": top}


def _confidence(rng: random.Random) -> float:
    return round(rng.uniform(55.0, 99.9), 3)


def _times(rng: random.Random, duration: int, count: int) -> list[int]:
    # Distinct timestamps on the frame grid (about 33 ms at 30 fps), in order.
    return sorted(rng.sample(range(0, duration, 100), count))


def _tracks(seed: bytes, kind: str, names: tuple[Any, ...]) -> list[tuple[int, Any, float, list[int]]]:
    """Between 5 and 7 things, each seen at 2 to 4 moments: (index, name, confidence, timestamps)."""
    rng = _rng(seed, kind)
    duration = video_metadata(seed)["DurationMillis"]
    chosen = rng.sample(names, rng.randint(MIN_RESULTS, min(7, len(names))))
    return [(i, name, _confidence(rng), _times(rng, duration, rng.randint(2, 4))) for i, name in enumerate(chosen)]


def _span(timestamps: list[int]) -> dict[str, int]:
    start, end = timestamps[0], timestamps[-1] + 100
    return {"StartTimestampMillis": start, "EndTimestampMillis": end, "DurationMillis": end - start}


def _sorted(items: list[dict[str, Any]], member: str, *, by_name: bool) -> list[dict[str, Any]]:
    """By name then time (``SortBy=NAME``), or by time then name (``TIMESTAMP``, the default)."""
    if by_name:
        return sorted(items, key=lambda i: (i[member]["Name"], i["Timestamp"]))
    return sorted(items, key=lambda i: (i["Timestamp"], i[member]["Name"]))


def _labels(seed: bytes, p: dict[str, Any]) -> list[dict[str, Any]]:
    segments = p.get("AggregateBy") == "SEGMENTS"
    items: list[dict[str, Any]] = []
    for _, name, confidence, times in _tracks(seed, "labels", _LABELS):
        label: dict[str, Any] = {"Name": name, "Confidence": confidence, "Parents": [], "Aliases": [], "Categories": []}
        if segments:
            # "If aggregating by SEGMENTS, information about detected instances isn't returned."
            items.append({"Timestamp": times[0], "Label": label, **_span(times)})
        else:
            for t in times:
                items.append({"Timestamp": t, "Label": {**label, "Instances": []}, **_span([t])})
    return _sorted(items, "Label", by_name=p.get("SortBy") == "NAME")


def _moderation(seed: bytes, p: dict[str, Any]) -> list[dict[str, Any]]:
    segments = p.get("AggregateBy") == "SEGMENTS"
    items: list[dict[str, Any]] = []
    for _, (name, parent), confidence, times in _tracks(seed, "moderation", _MODERATION + _MODERATION_MORE):
        label = {"Name": name, "ParentName": parent, "Confidence": confidence, "TaxonomyLevel": 2 if parent else 1}
        for chunk in [times] if segments else [[t] for t in times]:
            items.append({"Timestamp": chunk[0], "ModerationLabel": label, **_span(chunk)})
    return _sorted(items, "ModerationLabel", by_name=p.get("SortBy") == "NAME")


def _people(seed: bytes, p: dict[str, Any], *, faces: bool) -> list[dict[str, Any]]:
    rng = _rng(seed, "people-boxes")
    items: list[dict[str, Any]] = []
    for index, _, confidence, times in _tracks(seed, "people", tuple(range(12))):
        for t in times:
            person: dict[str, Any] = {"Index": index, "BoundingBox": _box(rng)}
            if faces:
                person["Face"] = {"BoundingBox": _box(rng), "Confidence": confidence}
                # The emulator's collections hold no faces: nobody is matched.
                items.append({"Timestamp": t, "Person": person, "FaceMatches": []})
            else:
                items.append({"Timestamp": t, "Person": person})
    if p.get("SortBy") == "INDEX":
        return sorted(items, key=lambda i: (i["Person"]["Index"], i["Timestamp"]))
    return sorted(items, key=lambda i: (i["Timestamp"], i["Person"]["Index"]))


def _faces(seed: bytes, p: dict[str, Any]) -> list[dict[str, Any]]:
    rng = _rng(seed, "face-boxes")
    items = [
        {"Timestamp": t, "Face": {"BoundingBox": _box(rng), "Confidence": confidence}}
        for _, _, confidence, times in _tracks(seed, "faces", tuple(range(12)))
        for t in times
    ]
    return sorted(items, key=lambda i: i["Timestamp"])


def _celebrities(seed: bytes, p: dict[str, Any]) -> list[dict[str, Any]]:
    rng = _rng(seed, "celebrity-boxes")
    items: list[dict[str, Any]] = []
    for _, name, confidence, times in _tracks(seed, "celebrities", _CELEBRITIES):
        celebrity_id = hashlib.sha256(name.encode()).hexdigest()[:8]
        for t in times:
            celebrity: dict[str, Any] = {
                "Urls": [],
                "Name": name,
                "Id": celebrity_id,
                "Confidence": confidence,
                "BoundingBox": _box(rng),
                "KnownGender": {"Type": "Nonbinary"},
            }
            items.append({"Timestamp": t, "Celebrity": celebrity})
    if p.get("SortBy") == "ID":
        return sorted(items, key=lambda i: (i["Celebrity"]["Id"], i["Timestamp"]))
    return sorted(items, key=lambda i: (i["Timestamp"], i["Celebrity"]["Id"]))


def _text(seed: bytes, p: dict[str, Any]) -> list[dict[str, Any]]:
    rng = _rng(seed, "text-boxes")
    items: list[dict[str, Any]] = []
    for index, word, confidence, times in _tracks(seed, "text", _WORDS):
        for t in times:
            box = _box(rng)
            corners = [
                {"X": box["Left"], "Y": box["Top"]},
                {"X": box["Left"] + box["Width"], "Y": box["Top"]},
                {"X": box["Left"] + box["Width"], "Y": box["Top"] + box["Height"]},
                {"X": box["Left"], "Y": box["Top"] + box["Height"]},
            ]
            detection = {
                "DetectedText": word,
                "Type": "LINE",
                "Id": index,
                "Confidence": confidence,
                "Geometry": {"BoundingBox": box, "Polygon": corners},
            }
            items.append({"Timestamp": t, "TextDetection": detection})
    return sorted(items, key=lambda i: (i["Timestamp"], i["TextDetection"]["Id"]))


def _smpte(millis: int) -> str:
    frames = round(millis * 30 / 1000)
    seconds, frame = divmod(frames, 30)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours:02d}:{minute:02d}:{second:02d}:{frame:02d}"


def _cut(rng: random.Random, duration: int, count: int) -> list[tuple[int, int]]:
    bounds = [0, *sorted(rng.sample(range(1000, duration - 1000, 100), count - 1)), duration]
    return list(itertools.pairwise(bounds))


def _segment(kind: str, start: int, end: int, detail: dict[str, Any]) -> dict[str, Any]:
    first, last = round(start * 30 / 1000), round(end * 30 / 1000) - 1
    return {
        "Type": kind,
        "StartTimestampMillis": start,
        "EndTimestampMillis": end,
        "DurationMillis": end - start,
        "StartTimecodeSMPTE": _smpte(start),
        "EndTimecodeSMPTE": _smpte(end),
        "DurationSMPTE": _smpte(end - start),
        "StartFrameNumber": first,
        "EndFrameNumber": last,
        "DurationFrames": last - first + 1,
        **detail,
    }


def _segments(seed: bytes, p: dict[str, Any]) -> list[dict[str, Any]]:
    rng = _rng(seed, "segments")
    duration = video_metadata(seed)["DurationMillis"]
    items: list[dict[str, Any]] = []
    types = p.get("SegmentTypes") or ["SHOT"]
    if "TECHNICAL_CUE" in types:
        for cue, (start, end) in zip(_CUES, _cut(rng, duration, len(_CUES)), strict=True):
            detail = {"TechnicalCueSegment": {"Type": cue, "Confidence": _confidence(rng)}}
            items.append(_segment("TECHNICAL_CUE", start, end, detail))
    if "SHOT" in types:
        for index, (start, end) in enumerate(_cut(rng, duration, rng.randint(MIN_RESULTS, 9))):
            detail = {"ShotSegment": {"Index": index, "Confidence": _confidence(rng)}}
            items.append(_segment("SHOT", start, end, detail))
    return sorted(items, key=lambda i: (i["StartTimestampMillis"], i["Type"]))


def results(kind: str, seed: bytes, p: dict[str, Any]) -> list[dict[str, Any]]:
    """What a job of ``kind`` (``"LabelDetection"``...) finds in the video of ``seed``, in the order asked.

    Args:
        kind: The analysis: a key of ``RESULT_KEYS``.
        seed: The video's seed (``video_seed``).
        p: The parameters that shape the results: ``SortBy``, ``AggregateBy`` of the
            ``Get*`` request; ``SegmentTypes`` of ``StartSegmentDetection``.

    Returns:
        The items of the ``Get*`` reply's result member, all pages together.
    """
    return _KINDS[kind](seed, p)


_KINDS: Final[dict[str, Callable[[bytes, dict[str, Any]], list[dict[str, Any]]]]] = {
    "LabelDetection": _labels,
    "ContentModeration": _moderation,
    "FaceSearch": lambda seed, p: _people(seed, p, faces=True),
    "PersonTracking": lambda seed, p: _people(seed, p, faces=False),
    "FaceDetection": _faces,
    "CelebrityRecognition": _celebrities,
    "TextDetection": _text,
    "SegmentDetection": _segments,
}
