# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests are decoded JSON, untyped by nature)
"""Rekognition Video stored-video jobs and media analysis jobs.

StartLabelDetection, StartFaceDetection, StartFaceSearch, StartPersonTracking,
StartCelebrityRecognition, StartContentModeration, StartSegmentDetection,
StartTextDetection and their ``Get*``; StartMediaAnalysisJob, GetMediaAnalysisJob,
ListMediaAnalysisJobs. A job is ``IN_PROGRESS`` for its ``Timings`` (``video_job``,
``media_analysis_job``), then ``SUCCEEDED`` with results made up from the video's
location (``_video_results``), or ``FAILED`` when the object's name contains
``corrupt``. ``ClientRequestToken`` makes a start idempotent within ``IDEMPOTENCY_WINDOW``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any, Final

from .._resources import MediaAnalysisJob, VideoJob
from .._video_results import CORRUPT_MARK, RESULT_KEYS, audio_metadata, results, video_metadata, video_seed
from .._wire import ApiError
from ._base import Handler, handles, with_token
from ._rek_collections import FaceCollections

__all__ = ["MAX_OPEN_VIDEO_JOBS", "VideoJobs"]

#: Open (IN_PROGRESS) stored-video jobs per account, all kinds together: "Concurrent
#: stored video jobs: 20" ("Guidelines and quotas in Amazon Rekognition",
#: https://docs.aws.amazon.com/rekognition/latest/dg/limits.html).
MAX_OPEN_VIDEO_JOBS: Final = 20
# Get*: "The largest value you can specify is 1000 ... The default value is 1000" (MaxResults).
_VIDEO_PAGE: Final = 1000
# ListMediaAnalysisJobs: MaxResults 1 to 100, the default 100.
_MEDIA_PAGE: Final = 100
# The model versions each reply names, as the API reference's examples do.
_MODEL_VERSIONS: Final = {
    "LabelDetection": ("LabelModelVersion", "3.0"),
    "ContentModeration": ("ModerationModelVersion", "7.0"),
    "TextDetection": ("TextModelVersion", "3.0"),
}
VIDEO_FAILURE: Final = "Unable to process the video: the file is corrupt or its codec is not supported."
MEDIA_FAILURE: Final = "The input manifest or a media file it names is corrupt and cannot be read."


def _invalid_token() -> ApiError:
    return ApiError("InvalidPaginationTokenException", 400, "Invalid Token")


def _not_found(job_id: str) -> ApiError:
    # The Get* operations and GetMediaAnalysisJob document ResourceNotFoundException
    # for it: "The resource specified in the request cannot be found." (API reference,
    # GetLabelDetection "Errors"; botocore's model lists it for every Get* of a job).
    return ApiError(
        "ResourceNotFoundException", 400, f"The resource specified in the request cannot be found: {job_id}"
    )


class VideoJobs(FaceCollections):
    """The stored-video analyses and media analysis jobs (``StartFaceSearch`` reads the face collections).

    Attributes:
        video_jobs: Stored-video jobs by ``JobId``, every kind.
        media_analysis_jobs: Media analysis jobs by ``JobId``.
        open_video_jobs_limit: How many stored-video jobs may be IN_PROGRESS at
            once (``MAX_OPEN_VIDEO_JOBS``); one more start is a ``LimitExceededException``.
    """

    video_jobs: dict[str, VideoJob]
    media_analysis_jobs: dict[str, MediaAnalysisJob]
    open_video_jobs_limit: int

    def _create_stores(self) -> None:
        super()._create_stores()
        self.video_jobs = {}
        self.media_analysis_jobs = {}
        self.open_video_jobs_limit = MAX_OPEN_VIDEO_JOBS

    def _catch_up(self, now: float) -> None:
        super()._catch_up(now)
        for job in self.video_jobs.values():
            if job.status == "IN_PROGRESS" and now >= job.done_at:
                job.status = job.outcome
                if job.outcome == "FAILED":
                    job.status_message = VIDEO_FAILURE
        for media in self.media_analysis_jobs.values():
            if media.status == "IN_PROGRESS" and now >= media.done_at:
                media.status = media.outcome
                media.completed = datetime.fromtimestamp(media.done_at, timezone.utc)

    def open_video_jobs(self) -> list[str]:
        """The ``JobId`` of each stored-video job still ``IN_PROGRESS``, oldest first."""
        with self.lock:
            self.tick()
            return [job.job_id for job in self.video_jobs.values() if job.status == "IN_PROGRESS"]

    def _job_id(self, kind: str) -> str:
        # 64 hexadecimal digits, as the service's job ids; unique in the account.
        created = self._created()
        return hashlib.sha256(f"{self.region}:{kind}:{self._serial}:{created.isoformat()}".encode()).hexdigest()

    def _start(self, operation: str, p: dict[str, Any], run: Handler) -> dict[str, Any]:
        # "If you use the same token with multiple Start... requests, the same JobId is
        # returned" (ClientRequestToken, in each Start* of the API reference).
        mismatch = ApiError(
            "IdempotentParameterMismatchException",
            400,
            "A ClientRequestToken input parameter was reused with an operation, but at least one of the other "
            "input parameters is different from the previous call to the operation.",
        )
        return self.idempotent(
            service="rekognition",
            operation=operation,
            params=p,
            token_member="ClientRequestToken",  # noqa: S106 - a member name, not a secret
            mismatch=mismatch,
            run=run,
        )

    def _start_video(self, kind: str, p: dict[str, Any]) -> dict[str, Any]:
        def run(params: dict[str, Any]) -> dict[str, Any]:
            if len(self.open_video_jobs()) >= self.open_video_jobs_limit:
                # LimitExceededException: "if you start too many jobs concurrently, subsequent
                # calls to start operations ... will raise a LimitExceededException exception
                # (HTTP status code: 400) until the number of concurrently running jobs is
                # below the Amazon Rekognition service limit." (API reference, Errors).
                raise ApiError(
                    "LimitExceededException",
                    400,
                    f"{self.open_video_jobs_limit} stored video jobs are in progress already, the most an "
                    "account may have open",
                )
            video = params["Video"]
            name = str((video.get("S3Object") or {}).get("Name", ""))
            job = VideoJob(
                job_id=self._job_id(kind),
                kind=kind,
                video=video,
                params={k: v for k, v in params.items() if k != "ClientRequestToken"},
                seed=video_seed(video),
                done_at=self.clock() + self.timings.video_job,
                outcome="FAILED" if CORRUPT_MARK in name.lower() else "SUCCEEDED",
            )
            self.video_jobs[job.job_id] = job
            self._catch_up(self.clock())
            return {"JobId": job.job_id}

        return self._start(f"Start{kind}", p, run)

    def _get_video(self, kind: str, p: dict[str, Any]) -> dict[str, Any]:
        job = self.video_jobs.get(p["JobId"])
        if job is None or job.kind != kind:
            raise _not_found(p["JobId"])
        reply: dict[str, Any] = {"JobStatus": job.status, "JobId": job.job_id, "Video": job.video}
        if "JobTag" in job.params:
            reply["JobTag"] = job.params["JobTag"]
        if kind in _MODEL_VERSIONS:
            member, version = _MODEL_VERSIONS[kind]
            reply[member] = version
        if kind in ("LabelDetection", "ContentModeration"):
            reply["GetRequestMetadata"] = {
                "SortBy": p.get("SortBy", "TIMESTAMP"),
                "AggregateBy": p.get("AggregateBy", "TIMESTAMPS"),
            }
        if job.status == "FAILED":
            reply["StatusMessage"] = job.status_message
        if job.status != "SUCCEEDED":
            return reply
        metadata = video_metadata(job.seed)
        if kind == "SegmentDetection":
            # GetSegmentDetection reports a list of video and audio streams.
            reply["VideoMetadata"], reply["AudioMetadata"] = [metadata], [audio_metadata(job.seed)]
            types = job.params.get("SegmentTypes") or ["SHOT"]
            reply["SelectedSegmentTypes"] = [{"Type": t, "ModelVersion": "1.0"} for t in types]
        else:
            reply["VideoMetadata"] = metadata
        found = results(kind, job.seed, {**job.params, **p})
        size = min(p.get("MaxResults") or _VIDEO_PAGE, _VIDEO_PAGE)
        page, nxt = self.page(f"Get{kind}", {**p, "MaxResults": size}, found, _invalid_token())
        reply[RESULT_KEYS[kind]] = list(page)
        return with_token(reply, nxt)

    # -- the stored-video operations ------------------------------------------------------------

    @handles("rekognition", "StartLabelDetection")
    def rek_start_label_detection(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._start_video("LabelDetection", p)

    @handles("rekognition", "GetLabelDetection")
    def rek_get_label_detection(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._get_video("LabelDetection", p)

    @handles("rekognition", "StartFaceDetection")
    def rek_start_face_detection(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._start_video("FaceDetection", p)

    @handles("rekognition", "GetFaceDetection")
    def rek_get_face_detection(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._get_video("FaceDetection", p)

    @handles("rekognition", "StartFaceSearch")
    def rek_start_face_search(self, p: dict[str, Any]) -> dict[str, Any]:
        self._collection(p["CollectionId"])  # ResourceNotFoundException when there is none
        return self._start_video("FaceSearch", p)

    @handles("rekognition", "GetFaceSearch")
    def rek_get_face_search(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._get_video("FaceSearch", p)

    @handles("rekognition", "StartPersonTracking")
    def rek_start_person_tracking(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._start_video("PersonTracking", p)

    @handles("rekognition", "GetPersonTracking")
    def rek_get_person_tracking(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._get_video("PersonTracking", p)

    @handles("rekognition", "StartCelebrityRecognition")
    def rek_start_celebrity_recognition(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._start_video("CelebrityRecognition", p)

    @handles("rekognition", "GetCelebrityRecognition")
    def rek_get_celebrity_recognition(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._get_video("CelebrityRecognition", p)

    @handles("rekognition", "StartContentModeration")
    def rek_start_content_moderation(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._start_video("ContentModeration", p)

    @handles("rekognition", "GetContentModeration")
    def rek_get_content_moderation(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._get_video("ContentModeration", p)

    @handles("rekognition", "StartSegmentDetection")
    def rek_start_segment_detection(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._start_video("SegmentDetection", p)

    @handles("rekognition", "GetSegmentDetection")
    def rek_get_segment_detection(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._get_video("SegmentDetection", p)

    @handles("rekognition", "StartTextDetection")
    def rek_start_text_detection(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._start_video("TextDetection", p)

    @handles("rekognition", "GetTextDetection")
    def rek_get_text_detection(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._get_video("TextDetection", p)

    # -- media analysis -------------------------------------------------------------------------

    @handles("rekognition", "StartMediaAnalysisJob")
    def rek_start_media_analysis_job(self, p: dict[str, Any]) -> dict[str, Any]:
        def run(params: dict[str, Any]) -> dict[str, Any]:
            name = str(params["Input"]["S3Object"].get("Name", ""))
            job = MediaAnalysisJob(
                job_id=self._job_id("MediaAnalysis"),
                created=self._created(),
                params={k: v for k, v in params.items() if k != "ClientRequestToken"},
                done_at=self.clock() + self.timings.media_analysis_job,
                outcome="FAILED" if CORRUPT_MARK in name.lower() else "SUCCEEDED",
            )
            self.media_analysis_jobs[job.job_id] = job
            self._catch_up(self.clock())
            return {"JobId": job.job_id}

        return self._start("StartMediaAnalysisJob", p, run)

    def _describe_media(self, job: MediaAnalysisJob) -> dict[str, Any]:
        p = job.params
        desc: dict[str, Any] = {
            "JobId": job.job_id,
            "OperationsConfig": p["OperationsConfig"],
            "Status": job.status,
            "CreationTimestamp": job.created,
            "Input": p["Input"],
            "OutputConfig": p["OutputConfig"],
        }
        optional: dict[str, Any] = {"JobName": p.get("JobName"), "KmsKeyId": p.get("KmsKeyId")}
        desc.update({k: v for k, v in optional.items() if v is not None})
        if job.completed is not None:
            desc["CompletionTimestamp"] = job.completed
        if job.status == "FAILED":
            desc["FailureDetails"] = {"Code": "INVALID_MANIFEST", "Message": MEDIA_FAILURE}
        elif job.status == "SUCCEEDED":
            output = p["OutputConfig"]
            prefix = str(output.get("S3KeyPrefix") or "").rstrip("/")

            def where(name: str) -> dict[str, Any]:
                key = f"{prefix}/{job.job_id}/{name}" if prefix else f"{job.job_id}/{name}"
                return {"S3Object": {"Bucket": output["S3Bucket"], "Name": key}}

            desc["Results"] = {**where("results.json"), "ModelVersions": {"Moderation": "7.0"}}
            desc["ManifestSummary"] = where("manifest-summary.json")
        return desc

    @handles("rekognition", "GetMediaAnalysisJob")
    def rek_get_media_analysis_job(self, p: dict[str, Any]) -> dict[str, Any]:
        job = self.media_analysis_jobs.get(p["JobId"])
        if job is None:
            raise _not_found(p["JobId"])
        return self._describe_media(job)

    @handles("rekognition", "ListMediaAnalysisJobs")
    def rek_list_media_analysis_jobs(self, p: dict[str, Any]) -> dict[str, Any]:
        ordered = sorted(self.media_analysis_jobs.values(), key=lambda j: j.created)
        size = p.get("MaxResults") or _MEDIA_PAGE
        page, nxt = self.page("ListMediaAnalysisJobs", {**p, "MaxResults": size}, ordered, _invalid_token())
        return with_token({"MediaAnalysisJobs": [self._describe_media(j) for j in page]}, nxt)
