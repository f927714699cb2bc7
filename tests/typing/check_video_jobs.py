# pyright: strict, reportUnnecessaryTypeIgnoreComment=true
"""Static checks of the video paginators, job waiters and idempotent starts (mypy and pyright; never run)."""

from __future__ import annotations

from typing_extensions import assert_type

from aws_vision_async import AsyncPaginator, RekognitionClient
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition import models as rek_models


async def video_paginators(rek: RekognitionClient) -> None:
    labels = rek.get_label_detection(job_id="j", max_results=100)
    assert_type(labels, AsyncPaginator[rek_models.LabelDetection, rek_models.GetLabelDetectionResponse])
    page = await labels
    assert_type(page.job_status, rek_models.VideoJobStatus | None)
    async for label in rek.get_label_detection(job_id="j"):
        assert_type(label, rek_models.LabelDetection)
    async for person in rek.get_face_search(job_id="j"):
        assert_type(person, rek_models.PersonMatch)
    async for job in rek.list_media_analysis_jobs():
        assert_type(job, rek_models.MediaAnalysisJobDescription)


async def job_waiters(rek: RekognitionClient) -> None:
    done = await rek.wait_until_label_detection_completed(job_id="j", max_wait=600.0)
    assert_type(done, rek_models.GetLabelDetectionResponse)
    media = await rek.wait_until_media_analysis_job_completed(job_id="j")
    assert_type(media, rek_models.GetMediaAnalysisJobResponse)
    try:
        await rek.wait_until_text_detection_completed(job_id="j")
    except rek_errors.TextDetectionCompletedFailedError as err:
        assert_type(err.last_response, rek_models.GetTextDetectionResponse | None)
    await rek.wait_until_label_detection_completed(job_id="j", next_token="t")  # type: ignore[call-arg]  # not a waiter parameter


async def idempotent_start(rek: RekognitionClient) -> None:
    video = rek_models.Video(s3_object=rek_models.S3Object(bucket="b", name="v.mp4"))
    started = await rek.start_label_detection(video=video, client_request_token="mine")
    assert_type(started.job_id, str | None)
