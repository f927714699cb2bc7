"""Image bytes are checked before they are sent: JPEG or PNG, within the operation's raw-bytes limit.

Every form a caller may give an image in (raw ``bytes``, ``Image(bytes=...)``, a
``{"Bytes": ...}`` mapping) is refused at the call with a ``ValueError`` naming the
parameter, what was found and the rule, before any request (the emulator counts
none); good images and S3 images go through. ``Image.from_path`` reads a file,
checked the same way.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore import xform_name

from aws_vision_async import RekognitionClient
from aws_vision_async.custom_labels import RunningModel
from aws_vision_async.emulator import Emulator, scene_image
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import Image, S3Object

from ._lifecycle import project_with_datasets, trained_version

pytestmark = pytest.mark.anyio

MB = 1024 * 1024
JPEG = scene_image(labels=("ok",))
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04"
TIFF = b"II*\x00\x08\x00\x00\x00\x0e\x00\x00\x01\x03\x00"
TEXT = b"hello, this is a text file\n"
ARN = "arn:aws:rekognition:us-east-1:123456789012:project/p/version/v/1"
PROJECT_ARN = "arn:aws:rekognition:us-east-1:123456789012:project/p/1"


def png() -> bytes:
    """A real 1x1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b"")
    )


PNG = png()


def padded(size: int) -> bytes:
    """A JPEG (a scene image with zeros after its end) of exactly ``size`` bytes."""
    return JPEG + bytes(size - len(JPEG))


#: The forms an image is given in; the Image form is built at the call, as callers write it.
FORMS: dict[str, Callable[[bytes], Any]] = {
    "raw": lambda data: data,
    "model": lambda data: Image(bytes=data),
    "dict": lambda data: {"Bytes": data},
}


def sent(emulator: Emulator) -> int:
    return sum(emulator.requests.values())


def image_operations() -> dict[str, list[str]]:
    """Every operation whose input has a member of shape Image, and those members' parameter names."""
    model = botocore.session.get_session().get_service_model("rekognition")
    found: dict[str, list[str]] = {}
    for name in model.operation_names:
        members = model.operation_model(name).input_shape.members
        images = [xform_name(m) for m, shape in members.items() if shape.name == "Image"]
        if images:
            found[name] = images
    return found


def call_args(op: str, images: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for ``op``: the images given, and a plain value for each other required member."""
    model = botocore.session.get_session().get_service_model("rekognition")
    shape = model.operation_model(op).input_shape
    kwargs: dict[str, Any] = {}
    for member in shape.required_members:
        name = xform_name(member)
        kwargs[name] = images.get(name, "x")
    return kwargs


@pytest.fixture
async def sdk(emu_rek: RekognitionClient, vision_emulator: Emulator) -> RekognitionClient:
    vision_emulator.requests.clear()  # what the fixtures sent before the test is not counted
    return emu_rek


def test_the_image_operations_are_read_from_the_model() -> None:
    # The generator finds them the same way; a new one in botocore's model is checked too.
    assert set(image_operations()) >= {
        "CompareFaces",
        "DetectCustomLabels",
        "DetectFaces",
        "DetectLabels",
        "DetectModerationLabels",
        "DetectProtectiveEquipment",
        "DetectText",
        "IndexFaces",
        "RecognizeCelebrities",
        "SearchFacesByImage",
        "SearchUsersByImage",
    }
    assert image_operations()["CompareFaces"] == ["source_image", "target_image"]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("data", "found"),
    [
        (GIF, "b'GIF89a' (a GIF image)"),
        (TIFF, "b'II*\\x00' (a TIFF image)"),
        (TEXT, "b'hello, t' (text)"),
    ],
)
async def test_each_form_refused_before_any_request(
    sdk: RekognitionClient, vision_emulator: Emulator, form: str, data: bytes, found: str
) -> None:
    with pytest.raises(ValueError, match="a JPEG or PNG") as caught:
        await sdk.detect_faces(image=FORMS[form](data))
    assert str(caught.value) == f"image must be a JPEG or PNG image, got bytes starting with {found}"
    assert sent(vision_emulator) == 0


@pytest.mark.parametrize("op", sorted(image_operations()))
async def test_every_image_operation_checks_every_image_member(
    sdk: RekognitionClient, vision_emulator: Emulator, op: str
) -> None:
    method = getattr(sdk, xform_name(op))
    members = image_operations()[op]
    for bad in members:
        images = {m: (GIF if m == bad else JPEG) for m in members}
        with pytest.raises(ValueError, match=f"^{bad} must be a JPEG or PNG image, got bytes starting with b'GIF89a'"):
            await method(**call_args(op, images))
    assert sent(vision_emulator) == 0


@pytest.mark.parametrize("form", ["raw", "dict"])
async def test_a_jpeg_above_5_mb_is_refused_with_its_size(
    sdk: RekognitionClient, vision_emulator: Emulator, form: str
) -> None:
    too_large = padded(5 * MB + 1)
    with pytest.raises(ValueError, match="at most") as caught:
        await sdk.detect_faces(image=FORMS[form](too_large))
    assert str(caught.value) == "image must be at most 5242880 bytes for DetectFaces, got 5242881 bytes"
    with pytest.raises(ValueError, match=r"^target_image must be at most 5242880 bytes for CompareFaces, got 5242881"):
        await sdk.compare_faces(source_image=JPEG, target_image=FORMS[form](too_large))
    # An Image model holds at most the ImageBlob maximum: refused as it is made.
    with pytest.raises(ValueError, match="5242880"):
        Image(bytes=too_large)
    assert sent(vision_emulator) == 0


@pytest.mark.parametrize("form", FORMS)
async def test_a_jpeg_above_4_mb_is_refused_by_detect_custom_labels(
    sdk: RekognitionClient, vision_emulator: Emulator, form: str
) -> None:
    too_large = padded(4 * MB + 1)
    message = "^image must be at most 4194304 bytes for DetectCustomLabels, got 4194305 bytes$"
    with pytest.raises(ValueError, match=message):
        await sdk.detect_custom_labels(project_version_arn=ARN, image=FORMS[form](too_large))
    if form != "dict":  # RunningModel takes bytes or an Image
        model = RunningModel(sdk, ARN, PROJECT_ARN, started_here=False)
        with pytest.raises(ValueError, match=message):
            await model.detect_custom_labels(image=FORMS[form](too_large))
        with pytest.raises(ValueError, match=r"^image must be a JPEG or PNG image, got bytes starting with b'GIF89a'"):
            await model.detect_custom_labels(image=FORMS[form](GIF))
    with pytest.raises(ValueError, match="at most 4194304 bytes for DetectProtectiveEquipment, got 4194305"):
        await sdk.detect_protective_equipment(image=FORMS[form](too_large))
    assert sent(vision_emulator) == 0


@pytest.fixture
async def running_version(sdk: RekognitionClient, vision_emulator: Emulator) -> AsyncIterator[RunningModel]:
    arn = await trained_version(sdk, await project_with_datasets(sdk))
    async with sdk.running_model(arn, min_delay=0.01, max_delay=0.05, max_wait=10.0) as model:
        vision_emulator.requests.clear()
        yield model


# aiohttp warns of any large bytes body it sends (the 4 MB image): not this test's concern.
@pytest.mark.filterwarnings("ignore:Sending a large body directly with raw bytes")
async def test_a_png_and_a_jpeg_are_accepted_in_every_form(
    sdk: RekognitionClient, vision_emulator: Emulator, running_version: RunningModel
) -> None:
    calls = 0
    for data in (JPEG, PNG, padded(4 * MB)):  # 4 MB exactly: DetectCustomLabels' limit, still accepted
        for form in FORMS.values():
            reply = await sdk.detect_custom_labels(
                project_version_arn=running_version.project_version_arn, image=form(data)
            )
            assert reply.custom_labels is not None
            calls += 1
        assert (await running_version.detect_custom_labels(image=data)).custom_labels is not None
        assert (await running_version.detect_custom_labels(image=Image(bytes=data))).custom_labels is not None
        calls += 2
    assert vision_emulator.requests["rekognition:DetectCustomLabels"] == calls


async def test_s3_images_pass_untouched(
    sdk: RekognitionClient, vision_emulator: Emulator, running_version: RunningModel
) -> None:
    # Not read client-side: a GIF in S3 reaches the service, which refuses it as AWS does.
    vision_emulator.state.put_object("photos", "cat.gif", GIF)
    vision_emulator.state.put_object("photos", "cat.jpg", JPEG)
    good = Image(s3_object=S3Object(bucket="photos", name="cat.jpg"))
    assert (await running_version.detect_custom_labels(image=good)).custom_labels is not None
    as_dict = {"S3Object": {"Bucket": "photos", "Name": "cat.jpg"}}
    version = running_version.project_version_arn
    reply = await sdk.detect_custom_labels(project_version_arn=version, image=as_dict)  # type: ignore[arg-type]
    assert reply.custom_labels is not None
    with pytest.raises(rek_errors.InvalidImageFormatException):
        await running_version.detect_custom_labels(image=Image(s3_object=S3Object(bucket="photos", name="cat.gif")))
    assert vision_emulator.requests["rekognition:DetectCustomLabels"] == 3


@pytest.mark.parametrize("as_str", [True, False])
async def test_image_from_path(
    tmp_path: Path, sdk: RekognitionClient, vision_emulator: Emulator, running_version: RunningModel, as_str: bool
) -> None:
    for name, data in (("photo.jpg", JPEG), ("graph.png", PNG)):
        path = tmp_path / name
        path.write_bytes(data)
        image = Image.from_path(str(path) if as_str else path)
        assert type(image) is Image
        assert image == Image(bytes=data)
        assert (await running_version.detect_custom_labels(image=image)).custom_labels is not None
    assert vision_emulator.requests["rekognition:DetectCustomLabels"] == 2


def test_image_from_path_refusals(tmp_path: Path) -> None:
    missing = tmp_path / "missing.jpg"
    with pytest.raises(FileNotFoundError):
        Image.from_path(missing)
    with pytest.raises(FileNotFoundError):
        Image.from_path(str(missing))
    with pytest.raises(IsADirectoryError):
        Image.from_path(tmp_path)
    notes = tmp_path / "notes.txt"
    notes.write_bytes(TEXT)
    with pytest.raises(ValueError, match="notes") as caught:
        Image.from_path(notes)
    assert str(caught.value) == (
        f"image file {str(notes)!r} must be a JPEG or PNG image, got bytes starting with b'hello, t' (text)"
    )
    gif = tmp_path / "anim.gif"
    gif.write_bytes(GIF)
    with pytest.raises(ValueError, match=r"anim\.gif' must be a JPEG or PNG image, got .*\(a GIF image\)"):
        Image.from_path(os.fspath(gif))
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="got empty bytes"):
        Image.from_path(empty)
    huge = tmp_path / "huge.jpg"
    huge.write_bytes(padded(5 * MB + 1))
    with pytest.raises(ValueError, match=r"huge\.jpg' must be at most 5242880 bytes, got 5242881 bytes"):
        Image.from_path(huge)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "a WebP image"),
        (b"BM\x36\x00\x00\x00", "a BMP image"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", "a HEIC/HEIF image"),
        (b"%PDF-1.7\n", "a PDF document"),
        (b"MM\x00*\x00\x00\x00\x08", "a TIFF image"),
        (b"/9j/4AAQSkZJRg", "a JPEG in base64 text: pass the raw bytes, the SDK encodes them"),
        (b"\x89PNG", "a PNG signature cut short"),
        (b"\x01\x02\x03\x04\xfe", "not a known image format"),
    ],
)
async def test_other_formats_are_named(
    sdk: RekognitionClient, vision_emulator: Emulator, data: bytes, kind: str
) -> None:
    with pytest.raises(
        ValueError, match=f"^image must be a JPEG or PNG image, got bytes starting with .* \\({re.escape(kind)}\\)$"
    ):
        await sdk.detect_labels(image=data)
    assert sent(vision_emulator) == 0
