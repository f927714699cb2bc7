# pyright: strict, reportUnnecessaryTypeIgnoreComment=true
"""Static checks of ``Image.from_path`` and the image parameters: run by mypy and pyright, never by pytest."""

from __future__ import annotations

from pathlib import Path

from typing_extensions import assert_type

from aws_vision_async import RekognitionClient
from aws_vision_async.custom_labels import RunningModel
from aws_vision_async.rekognition.models import Image


async def from_path(rek: RekognitionClient, model: RunningModel, folder: Path) -> None:
    assert_type(Image.from_path("photo.jpg"), Image)
    assert_type(Image.from_path(folder / "photo.png"), Image)
    image = Image.from_path(folder / "photo.png")
    await rek.detect_faces(image=image)
    await rek.compare_faces(source_image=image, target_image=b"\xff\xd8\xff")
    await model.detect_custom_labels(image=Image.from_path("photo.jpg"))
    Image.from_path(b"photo.jpg")  # type: ignore[arg-type]
    Image.from_path(3)  # type: ignore[arg-type]
    await rek.detect_faces(image="photo.jpg")  # type: ignore[arg-type]
