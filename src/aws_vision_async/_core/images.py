"""Image bytes checked before they are sent: a JPEG or a PNG, within the operation's size limit.

Rekognition reads JPEG and PNG only, and refuses raw bytes above a limit (5 MB for
most operations, 4 MB for some) with ``InvalidImageFormatException`` or
``ImageTooLargeException``, after the upload. The generated client methods check
each image member first (``image_arg``) and raise a ``ValueError`` naming the
parameter, what was found and the rule, in the wording of ``checks``::

    ValueError: source_image must be a JPEG or PNG image, got bytes starting with b'GIF89a' (a GIF image)
    ValueError: image must be at most 5242880 bytes for DetectFaces, got 7340032 bytes

The check is a prefix test and a ``len()``: the bytes are never copied. Images in
S3 are not read here (the service reads them). ``ImageFile`` is the mixin that gives
the generated ``Image`` model its ``from_path`` constructor.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, cast

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "IMAGE_PREFIXES",
    "MAX_IMAGE_BYTES",
    "ImageFile",
    "check_image_bytes",
    "describe_image_bytes",
    "image_arg",
]

#: The first bytes of a JPEG (SOI marker and the next marker's 0xFF) and of a PNG (its signature).
IMAGE_PREFIXES: Final = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")

#: The largest raw-bytes image any operation takes (5 MB): ``Image.from_path`` checks this one.
MAX_IMAGE_BYTES: Final = 5 * 1024 * 1024

_RULE: Final = "a JPEG or PNG image"

# What else a caller may have passed, for the message: (prefix, bytes shown, what it is).
_SIGNATURES: Final[tuple[tuple[bytes, int, str], ...]] = (
    (b"GIF87a", 6, "a GIF image"),
    (b"GIF89a", 6, "a GIF image"),
    (b"II*\x00", 4, "a TIFF image"),
    (b"MM\x00*", 4, "a TIFF image"),
    (b"BM", 2, "a BMP image"),
    (b"%PDF-", 5, "a PDF document"),
    (b"\x00\x00\x01\x00", 4, "an ICO icon"),
    (b"PK\x03\x04", 4, "a ZIP archive"),
    # The most common slip: an image already base64-encoded (the SDK encodes raw bytes itself).
    (b"/9j/", 4, "a JPEG in base64 text: pass the raw bytes, the SDK encodes them"),
    (b"iVBORw0KGgo", 11, "a PNG in base64 text: pass the raw bytes, the SDK encodes them"),
    (b"data:", 5, "a data URL: pass the decoded image bytes"),
    # Reached only when the whole signature is not there.
    (b"\x89PNG", 8, "a PNG signature cut short"),
    (b"\xff\xd8", 3, "a JPEG start cut short"),
)
# ISO media brands (bytes 8 to 12, after a box size and b"ftyp").
_ISO_KINDS: Final = {
    **dict.fromkeys((b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"), "a HEIC/HEIF image"),
    **dict.fromkeys((b"avif", b"avis"), "an AVIF image"),
}
_TEXT_BYTES: Final = frozenset(range(0x20, 0x7F)) | {0x09, 0x0A, 0x0D}


def describe_image_bytes(data: bytes) -> str:
    """What ``data`` starts with, for a message: the first bytes and, where known, their format.

    Args:
        data: Bytes that are not a JPEG or a PNG.

    Returns:
        Such as ``"bytes starting with b'GIF89a' (a GIF image)"``, or ``"empty bytes"``.
    """
    if not data:
        return "empty bytes"
    head = data[:16]  # a copy of 16 bytes at most, only on the way to an error
    shown, kind = next(((n, k) for prefix, n, k in _SIGNATURES if head.startswith(prefix)), (8, ""))
    if kind:
        pass  # a signature of the table
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        shown, kind = 12, "a WebP image"
    elif head[4:8] == b"ftyp":  # ISO media: the brand says which
        shown, kind = 12, _ISO_KINDS.get(bytes(head[8:12]), "an ISO media file, such as MP4")
    elif head.lstrip().startswith((b"<svg", b"<?xml")):
        kind = "an SVG or XML document"
    elif all(byte in _TEXT_BYTES for byte in head):
        kind = "text"
    else:
        kind = "not a known image format"
    return f"bytes starting with {head[:shown]!r} ({kind})"


def check_image_bytes(name: str, data: bytes, max_bytes: int, operation: str | None = None) -> None:
    """Check that ``data`` is a JPEG or a PNG of at most ``max_bytes`` bytes.

    Args:
        name: The parameter's name, as the caller wrote it (``source_image``).
        data: The image's bytes.
        max_bytes: The most bytes the operation takes.
        operation: The operation as AWS names it, for the message; ``None``: not named.

    Raises:
        ValueError: ``data`` is larger than ``max_bytes``, or starts as neither a JPEG nor a PNG.
    """
    size = len(data)
    if size > max_bytes:
        where = f" for {operation}" if operation else ""
        raise ValueError(f"{name} must be at most {max_bytes} bytes{where}, got {size} bytes")
    if not data.startswith(IMAGE_PREFIXES):
        raise ValueError(f"{name} must be {_RULE}, got {describe_image_bytes(data)}")


def image_arg(value: object, name: str, max_bytes: int, operation: str) -> object:
    """A generated method's image argument, checked, as its request model takes it.

    Raw ``bytes`` become ``{"Bytes": value}``; an ``Image`` and a mapping pass
    as they are, once their bytes (if any) are checked. An S3 object is not read,
    and a value of another type is left to the request model to refuse.

    Args:
        value: The argument: ``bytes``, an ``Image``, a mapping, or anything else.
        name: The parameter's name.
        max_bytes: The operation's limit for raw bytes.
        operation: The operation as AWS names it.

    Returns:
        The value for the request model.

    Raises:
        ValueError: The image's bytes are not a JPEG or PNG, or are above ``max_bytes``.
    """
    if isinstance(value, bytes):
        check_image_bytes(name, value, max_bytes, operation)
        return {"Bytes": value}
    given: object = value  # returned as it came, whatever isinstance narrows it to
    if isinstance(value, ImageFile):
        data: object = getattr(value, "bytes", None)
    elif isinstance(value, Mapping):
        mapping = cast("Mapping[object, object]", value)
        data = mapping.get("Bytes", mapping.get("bytes"))
    else:
        return given
    if isinstance(data, bytes):
        check_image_bytes(name, data, max_bytes, operation)
    return given


class ImageFile:
    """What the generated ``Image`` model adds to its fields: an image read from a file."""

    __slots__ = ()

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> Self:
        """Read an image file into an ``Image``, checked as the client checks image bytes.

        The file is read whole (at most 5 MB), at once and without blocking
        tricks: call it before entering a busy event loop, or in a worker thread
        (``anyio.to_thread.run_sync``) when that matters.

        Args:
            path: The file's path.

        Returns:
            An ``Image`` holding the file's bytes.

        Raises:
            FileNotFoundError: No file at ``path``.
            IsADirectoryError: ``path`` is a directory.
            ValueError: The file is larger than 5242880 bytes (the most any operation
                takes), or is neither a JPEG nor a PNG. Operations with a lower limit
                (``DetectCustomLabels``: 4 MB) check theirs when called.
        """
        name = f"image file {os.fspath(path)!r}"
        with open(path, "rb") as file:
            # The size first: a large file (a video, say) is refused without being read.
            size = os.fstat(file.fileno()).st_size
            if size > MAX_IMAGE_BYTES:
                raise ValueError(f"{name} must be at most {MAX_IMAGE_BYTES} bytes, got {size} bytes")
            data = file.read(MAX_IMAGE_BYTES + 1)  # the file may have grown since
        check_image_bytes(name, data, MAX_IMAGE_BYTES)
        # The generated model's own constructor; this mixin has no fields of its own.
        image: Self = cast("Any", cls).model_validate({"Bytes": data})
        return image
