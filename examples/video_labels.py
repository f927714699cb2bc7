"""Label many stored videos at once, within Rekognition Video's open-job limit, then read each video's labels.

Run it with ``python3 -m uv run --locked --no-dev python examples/video_labels.py``: it
starts its own embedded emulator, which runs video jobs in a fraction of a second and,
like AWS, refuses a 21st open job with ``LimitExceededException``.

``rek.video_jobs`` starts one label detection per video (lazily, from a generator),
keeps at most ``max_open`` jobs open, waits for each with its waiter and yields one
outcome per video; a start refused at the account's limit waits for a slot instead of
failing, and every start carries a client request token, so a retried start never opens
two jobs. Each finished job's labels are then read with the ``GetLabelDetection``
paginator, across all its pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator, Timings
from aws_vision_async.rekognition.models import S3Object, Video

VIDEOS = 30


def videos() -> Iterator[dict[str, Any]]:
    """The start arguments of each video, read lazily (a bucket listing, say)."""
    for i in range(VIDEOS):
        name = f"street/cam-{i:02d}.mp4" if i != 7 else "street/corrupt-07.mp4"  # one bad file
        yield {"video": Video(s3_object=S3Object(bucket="traffic-videos", name=name)), "min_confidence": 50}


async def main() -> None:
    async with (
        Emulator(timings=Timings(video_job=0.2)) as emulator,
        RekognitionClient(endpoint_url=emulator.url, region_name="us-east-1", **EMULATOR_CREDENTIALS) as rek,
    ):
        # AWS's jobs take minutes: poll every few seconds there. The emulator's take 0.2 s.
        polling: dict[str, Any] = {"min_delay": 0.05, "max_delay": 0.2, "max_wait": 60.0}
        finished: list[str] = []
        async with rek.video_jobs(rek.start_label_detection, videos(), max_open=25, **polling) as outcomes:
            async for outcome in outcomes:
                name = outcome.kwargs["video"].s3_object.name
                if outcome.error is not None:
                    print(f"{name}: failed: {outcome.error}")
                    continue
                finished.append(outcome.unwrap().job_id or "")
                done = outcomes.progress
                if done.done % 10 == 0:
                    print(f"{done.done}/{VIDEOS} done ({done.succeeded} succeeded, {done.failed} failed)")
        print(f"{len(finished)} jobs succeeded; open now: {len(emulator.state.open_video_jobs())}")

        # Every label of one video, across pages of 5: the paginator follows NextToken.
        first = finished[0]
        labels = [label async for label in rek.get_label_detection(job_id=first, max_results=5)]
        pages = [page async for page in rek.get_label_detection(job_id=first, max_results=5).pages()]
        print(f"job {first[:12]}...: {len(labels)} labels over {len(pages)} pages, e.g.")
        for found in labels[:3]:
            label = found.label
            if label is not None:
                print(f"  {found.timestamp} ms: {label.name} ({label.confidence or 0:.0f}%)")


if __name__ == "__main__":
    anyio.run(main)
