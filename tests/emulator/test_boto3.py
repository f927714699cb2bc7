"""boto3, unchanged, against the emulator: video jobs, their pages, the open-job limit, faces.

boto3 is synchronous: these tests call it from plain test functions while the session's
emulator serves from its own thread. Its retries are off, so each call is one request.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator, Timings, scene_image

VIDEO = {"S3Object": {"Bucket": "videos", "Name": "street.mp4"}}


@pytest.fixture
def client(emu: Emulator) -> Iterator[Any]:
    made = boto3.session.Session().client(
        "rekognition",
        endpoint_url=emu.url,
        region_name="us-east-1",
        config=Config(retries={"total_max_attempts": 1}),
        **EMULATOR_CREDENTIALS,
    )
    yield made
    made.close()


def wait_succeeded(client: Any, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        reply: dict[str, Any] = client.get_label_detection(JobId=job_id)
        if reply["JobStatus"] != "IN_PROGRESS":
            return reply
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} still in progress after 10 s")


def test_a_video_job_is_started_once_per_token_and_read_page_by_page(client: Any, emu: Emulator) -> None:
    first = client.start_label_detection(Video=VIDEO, ClientRequestToken="street-1")
    again = client.start_label_detection(Video=VIDEO, ClientRequestToken="street-1")
    assert again["JobId"] == first["JobId"]
    assert len(emu.state.video_jobs) == 1

    assert wait_succeeded(client, first["JobId"])["JobStatus"] == "SUCCEEDED"
    labels: list[dict[str, Any]] = []
    pages = 0
    token: str | None = None
    while True:
        extra = {"NextToken": token} if token else {}
        page = client.get_label_detection(JobId=first["JobId"], MaxResults=2, **extra)
        assert page["JobStatus"] == "SUCCEEDED"  # the job's fields on every page
        labels += page["Labels"]
        pages += 1
        token = page.get("NextToken")
        if not token:
            break
    assert len(labels) >= 5
    assert pages >= 3
    assert labels == client.get_label_detection(JobId=first["JobId"])["Labels"]


def test_a_start_beyond_the_open_job_limit_is_limit_exceeded(client: Any, emu: Emulator) -> None:
    emu.state.open_video_jobs_limit = 2
    emu.state.timings = Timings(video_job=60.0)  # the two stay open
    for n in range(2):
        client.start_text_detection(Video={"S3Object": {"Bucket": "videos", "Name": f"{n}.mp4"}})
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        client.start_face_detection(Video=VIDEO)
    assert caught.value.response["Error"]["Code"] == "LimitExceededException"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_face_detection(JobId="f" * 64)


def test_botocore_paginators_and_faces(client: Any) -> None:
    for n in range(5):
        client.create_collection(CollectionId=f"team-{n}")
    pages = list(client.get_paginator("list_collections").paginate(PaginationConfig={"PageSize": 2}))
    assert [c for page in pages for c in page["CollectionIds"]] == [f"team-{n}" for n in range(5)]
    assert len(pages) == 3

    indexed = client.index_faces(CollectionId="team-0", Image={"Bytes": scene_image(faces=("ada",))})
    face_id = indexed["FaceRecords"][0]["Face"]["FaceId"]
    found = client.search_faces_by_image(CollectionId="team-0", Image={"Bytes": scene_image(faces=("ada", "bo"))})
    assert [m["Face"]["FaceId"] for m in found["FaceMatches"]] == [face_id]
    assert found["FaceMatches"][0]["Similarity"] >= 90
    stranger = client.search_faces_by_image(CollectionId="team-0", Image={"Bytes": scene_image(faces=("bo",))})
    assert stranger["FaceMatches"] == []
