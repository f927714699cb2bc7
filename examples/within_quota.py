"""Fan DetectCustomLabels out over many images, within the operation's quota, with nothing lost.

Run it with ``python3 -m uv run --locked --no-dev python examples/within_quota.py``.

The emulator enforces a quota of 20 requests a second on DetectCustomLabels,
as AWS does (``Faults(tps=20)``). One ``RateLimiter`` shared by every call
slow-starts from 10 requests a second and learns that rate from the first
throttling replies (no ``per_second`` given);
``fan_out`` keeps 32 calls in flight, reads the inputs lazily and yields one
outcome per image, so one failed image never stops the others.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, TypedDict

import anyio

from aws_vision_async import RateLimiter, RekognitionClient, RetryPolicy, fan_out
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator, Faults, Timings
from aws_vision_async.manifest import DatasetEntry, to_changes
from aws_vision_async.rekognition.models import Image, OutputConfig

IMAGES = 300


class Polling(TypedDict):
    """The waiters' timing arguments, typed for ``**`` unpacking."""

    min_delay: float
    max_delay: float
    max_wait: float


# The emulator's fractions of a second stand in for AWS's minutes: poll often here.
POLL: Polling = {"min_delay": 0.02, "max_delay": 0.2, "max_wait": 30.0}


async def train(rek: RekognitionClient) -> tuple[str, str]:
    """A project with a trained model version, as in examples/custom_labels_lifecycle.py."""
    project_arn = (await rek.create_project(project_name="widgets")).project_arn or ""
    for kind in ("TRAIN", "TEST"):
        dataset_arn = (await rek.create_dataset(project_arn=project_arn, dataset_type=kind)).dataset_arn or ""
        entries = [
            DatasetEntry.classification(f"s3://widget-photos/{kind}/{i}.jpg", "dent" if i % 3 == 0 else "ok")
            for i in range(30)
        ]
        for changes in to_changes(entries):
            await rek.update_dataset_entries(dataset_arn=dataset_arn, changes=changes)
        await rek.wait_until_dataset_updated(dataset_arn=dataset_arn, **POLL)
    version = await rek.create_project_version(
        project_arn=project_arn,
        version_name="v1",
        output_config=OutputConfig(s3_bucket="widget-models", s3_key_prefix="v1/"),
    )
    await rek.wait_until_project_version_training_completed(project_arn=project_arn, version_names=["v1"], **POLL)
    return project_arn, version.project_version_arn or ""


async def main() -> None:
    fast = Timings(training=0.05, starting=0.05, stopping=0.05)
    async with (
        Emulator(timings=fast, faults={"DetectCustomLabels": Faults(tps=20)}) as emulator,
        RekognitionClient(endpoint_url=emulator.url, region_name="us-east-1", **EMULATOR_CREDENTIALS) as rek,
    ):
        _, version_arn = await train(rek)
        # One limiter for the whole process: share it with every client that calls this operation.
        limiter = RateLimiter()
        # A throttled request did no work, and while the limiter learns a request may be
        # throttled again: a bulk job gives each image more tries than the default 3.
        detect = rek.with_options(
            rate_limiter={"DetectCustomLabels": limiter}, retry_policy=RetryPolicy(max_attempts=8)
        )

        def images() -> Iterator[dict[str, Any]]:
            # Lazily: a million images would not be read into memory at once.
            for i in range(IMAGES):
                photo = b"\xff\xd8\xff\xe0" + f"widget photo {i}".encode() * 10
                yield {"project_version_arn": version_arn, "image": Image(bytes=photo), "min_confidence": 0}

        async with rek.running_model(version_arn, min_inference_units=1, **POLL):
            start = time.monotonic()
            labels: dict[str, int] = {}
            failed = 0
            async with fan_out(detect.detect_custom_labels, images(), concurrency=32) as outcomes:
                async for outcome in outcomes:
                    if outcome.error is not None:
                        failed += 1
                        print(f"image {outcome.index}: {outcome.error}")
                        continue
                    for label in (outcome.unwrap().custom_labels or [])[:1]:
                        labels[label.name or "?"] = labels.get(label.name or "?", 0) + 1
                    done = outcomes.progress
                    if (done.succeeded + done.failed) % 100 == 0:
                        print(f"{done.succeeded} succeeded, {done.failed} failed, {done.in_flight} in flight")
            seconds = time.monotonic() - start

        requests = emulator.requests["rekognition:DetectCustomLabels"]
        print(f"{IMAGES} images in {seconds:.1f} s ({IMAGES / seconds:.1f}/s against a quota of 20/s), {failed} failed")
        print(f"top labels: {dict(sorted(labels.items()))}")
        print(f"{requests - IMAGES} of {requests} requests throttled; the limiter learnt {limiter.rate or 0:.1f}/s")


if __name__ == "__main__":
    anyio.run(main)
