# pyright: strict, reportUnnecessaryTypeIgnoreComment=true
"""Static checks of ``video_jobs``: each start method gives outcomes typed by its job's ``Get*`` response."""

from __future__ import annotations

import anyio
from typing_extensions import assert_type

from aws_vision_async import RekognitionClient
from aws_vision_async.fanout import Outcome
from aws_vision_async.rekognition import models as rek_models
from aws_vision_async.video import VideoJobs


async def bulk(rek: RekognitionClient) -> None:
    video = rek_models.Video(s3_object=rek_models.S3Object(bucket="b", name="v.mp4"))
    labels = rek.video_jobs(rek.start_label_detection, [{"video": video}], max_open=5)
    assert_type(labels, VideoJobs[rek_models.GetLabelDetectionResponse])
    async with labels as outcomes:
        async for outcome in outcomes:
            assert_type(outcome, Outcome[rek_models.GetLabelDetectionResponse])
            assert_type(outcome.unwrap().labels, list[rek_models.LabelDetection] | None)
    faces = rek.video_jobs(rek.start_face_search, [{"video": video, "collection_id": "c"}])
    assert_type(faces, VideoJobs[rek_models.GetFaceSearchResponse])
    rek.video_jobs(rek.start_label_detection, [{"video": video}], max_open="5")  # type: ignore[call-overload]  # max_open is an int
    # Slots: anything usable as `async with slots:` (a RedisSemaphore, an anyio.Semaphore).
    local = rek.video_jobs(rek.start_label_detection, [{"video": video}], slots=anyio.Semaphore(3))
    assert_type(local, VideoJobs[rek_models.GetLabelDetectionResponse])
    rek.video_jobs(rek.start_label_detection, [{"video": video}], slots=3)  # type: ignore[call-overload]  # not a context manager
