"""Image bytes up to Rekognition's limit (5 MB) send without any warning, also under ``-W error``.

aiohttp warns (``ResourceWarning``) about a raw-bytes body over 1 MiB (base64 of
an image over about 786 KB); under ``-W error`` that warning failed the request
as ``ConnectionLostError``, which was retried, sending nothing. pytest here
runs with ``filterwarnings = error``; a subprocess checks ``python -W error``
as users run it.
"""

from __future__ import annotations

import base64
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from aws_vision_async import RekognitionClient, RetryPolicy
from aws_vision_async.rekognition.models import Image

from ..conftest import client_kwargs
from ..fakeaws import FakeAws, Recorded, Reply
from ._wire import anyio_backend, http_backend

__all__ = ["anyio_backend", "http_backend"]

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]
#: The ``ImageBlob`` shape's maximum.
MAX_IMAGE = 5 * 1024 * 1024
#: DetectCustomLabels' limit ("Maximum size of images passed as raw bytes is 4 MB").
MAX_CUSTOM_IMAGE = 4 * 1024 * 1024
ARN = "arn:aws:rekognition:us-east-1:123456789012:project/p/version/v/1"


def image(size: int) -> bytes:
    # Not all one byte: a body a proxy or codec could shrink would prove less.
    return (b"\xff\xd8\xff\xe0" + bytes(range(256)) * (size // 256 + 1))[:size]


def echo_size(request: Recorded) -> Reply:
    sent = base64.b64decode(request.json["Image"]["Bytes"])
    return Reply(200, {"Labels": [{"Name": f"{len(sent)} bytes", "Confidence": 99.0}]})


@pytest.mark.parametrize("direct", [True, False])
@pytest.mark.parametrize("size", [800 * 1024, MAX_IMAGE])
async def test_a_large_image_is_sent_once_whole_without_warning(
    fake_aws: FakeAws, http_backend: str, direct: bool, size: int
) -> None:
    fake_aws.always("DetectLabels", echo_size)
    kwargs = client_kwargs(fake_aws, http_backend=http_backend, direct=direct, retry_policy=RetryPolicy(max_attempts=3))
    async with RekognitionClient(**kwargs) as rek:
        resp = await rek.detect_labels(image=Image(bytes=image(size)))
    assert resp.labels is not None
    assert resp.labels[0].name == f"{size} bytes"
    assert len(fake_aws.calls("DetectLabels")) == 1
    assert resp.response_metadata.attempts == 1


async def test_detect_custom_labels_with_the_largest_image(fake_aws: FakeAws, http_backend: str) -> None:
    fake_aws.always("DetectCustomLabels", Reply(200, {"CustomLabels": []}))
    async with RekognitionClient(**client_kwargs(fake_aws, http_backend=http_backend)) as rek:
        await rek.detect_custom_labels(project_version_arn=ARN, image=Image(bytes=image(MAX_CUSTOM_IMAGE)))
    (sent,) = fake_aws.calls("DetectCustomLabels")
    assert base64.b64decode(sent.json["Image"]["Bytes"]) == image(MAX_CUSTOM_IMAGE)


@pytest.mark.parametrize("backend", ["aiohttp", "httpx"])
def test_under_python_w_error(fake_aws: FakeAws, backend: str) -> None:
    fake_aws.always("DetectCustomLabels", Reply(200, {"CustomLabels": []}))
    code = textwrap.dedent(
        f"""
        import asyncio
        from aws_vision_async import RekognitionClient, RetryPolicy
        from aws_vision_async.rekognition.models import Image

        photo = b"\\xff\\xd8\\xff" + bytes({MAX_CUSTOM_IMAGE - 3})

        async def main():
            for direct in (True, False):
                async with RekognitionClient(
                    endpoint_url={fake_aws.url!r}, region_name="us-east-1",
                    aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
                    retry_policy=RetryPolicy(max_attempts=1), http_backend={backend!r}, direct=direct,
                ) as rek:
                    await rek.detect_custom_labels(project_version_arn={ARN!r}, image=Image(bytes=photo))
            print("sent")

        asyncio.run(main())
        """
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "sent"
    assert done.stderr == ""
    assert len(fake_aws.calls("DetectCustomLabels")) == 2
