"""Fault injection: each kind on each emulated operation, keys and precedence, seeds, validation, parsing."""

from __future__ import annotations

import math
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from botocore import xform_name

from aws_vision_async import (
    ConnectionLostError,
    LookoutVisionClient,
    RekognitionClient,
    ServiceError,
    ThrottlingError,
    TransientError,
)
from aws_vision_async.emulator import Emulator, FaultPlan, Faults, State, Timings, scene_image
from aws_vision_async.emulator._faults import FAULT_NAMES
from aws_vision_async.emulator._operations._rek_images import celebrity_id
from aws_vision_async.emulator._video_results import RESULT_KEYS
from aws_vision_async.lookoutvision import errors as lfv_errors
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition import models as rek_models
from aws_vision_async.rekognition.models import (
    DatasetChanges,
    DistributeDataset,
    Image,
    MediaAnalysisInput,
    MediaAnalysisOperationsConfig,
    MediaAnalysisOutputConfig,
    Video,
)

from ._model_support import OUTPUT, OUTPUT_WIRE, image, trainable_state
from ._support import (
    assert_lfv_error,
    assert_rek_error,
    classification,
    lfv_client,
    lfv_line,
    lfv_raw,
    rek_client,
    rek_raw,
    shared_session,
)

pytestmark = pytest.mark.anyio

KINDS = ("throttle", "server_error", "drop", "commit_then_fail")


@dataclass
class Base:
    """What every operation below needs, created without faults."""

    project_arn: str
    dataset_arn: str
    models_arn: str  # a project with a trained version and a running one
    trained_arn: str
    running_arn: str
    video_jobs: dict[str, str]  # a finished job of each stored-video kind, by kind
    media_job: str
    split: tuple[str, str]  # a TRAIN dataset of five entries and an empty TEST one, of project "split"
    faces: list[str]  # collection "base": ann's two faces (the first one of user "ann") and ben's
    liveness: str = ""  # a Face Liveness session


def version(state: State, name: str) -> str:
    return state.rek_projects["models"].versions[name].status if name in state.rek_projects["models"].versions else ""


def base(emu: Emulator) -> Base:
    emu.timings = Timings.instant()  # models trained and started at once (the fixture restores the timings)
    state = emu.state
    arn = state.rek_create_project({"ProjectName": "base"})["ProjectArn"]
    dataset = state.rek_create_dataset({"ProjectArn": arn, "DatasetType": "TRAIN"})["DatasetArn"]
    line = classification("s3://b/base.jpg", "cat").encode()
    state.rek_update_dataset_entries({"DatasetArn": dataset, "Changes": {"GroundTruth": line}})
    state.create_collection({"CollectionId": "base"})
    state.lfv_create_project({"ProjectName": "base"})
    state.lfv_create_dataset({"ProjectName": "base", "DatasetType": "train"})
    changes = lfv_line("s3://b/base.jpg", anomaly=False).encode()
    state.lfv_update_dataset_entries({"ProjectName": "base", "DatasetType": "train", "Changes": changes})
    models = trainable_state(state)
    trained, running = (
        state.rek_create_project_version({"ProjectArn": models, "VersionName": name, "OutputConfig": OUTPUT_WIRE})[
            "ProjectVersionArn"
        ]
        for name in ("trained", "running")
    )
    state.rek_start_project_version({"ProjectVersionArn": running, "MinInferenceUnits": 1})
    jobs = {
        kind: state.rekognition[f"Start{kind}"]({"Video": VIDEO_WIRE, **VIDEO_EXTRA.get(kind, {})})["JobId"]
        for kind in RESULT_KEYS
    }
    media = state.rek_start_media_analysis_job(MEDIA_WIRE)["JobId"]
    split = state.rek_create_project({"ProjectName": "split"})["ProjectArn"]
    train, test = (
        state.rek_create_dataset({"ProjectArn": split, "DatasetType": kind})["DatasetArn"] for kind in ("TRAIN", "TEST")
    )
    lines = "\n".join(classification(f"s3://b/{i}.jpg", "cat") for i in range(5)).encode()
    state.rek_update_dataset_entries({"DatasetArn": train, "Changes": {"GroundTruth": lines}})
    faces = [state.index_faces({"CollectionId": "base", "Image": face_image(n)}) for n in ("ann", "ann", "ben")]
    face_ids = [reply["FaceRecords"][0]["Face"]["FaceId"] for reply in faces]
    for user in ("ann", "ben"):
        state.create_user({"CollectionId": "base", "UserId": user})
    state.associate_faces({"CollectionId": "base", "UserId": "ann", "FaceIds": face_ids[:1]})
    liveness = streams_and_policies(state, arn)
    return Base(arn, dataset, models, trained, running, jobs, media, (train, test), faces=face_ids, liveness=liveness)


STREAM_WIRE = {
    "Input": {"KinesisVideoStream": {"Arn": "arn:aws:kinesisvideo:us-east-1:123456789012:stream/base/1"}},
    "Output": {"KinesisDataStream": {"Arn": "arn:aws:kinesis:us-east-1:123456789012:stream/base"}},
    "Settings": {"FaceSearch": {"CollectionId": "base"}},
    "RoleArn": "arn:aws:iam::123456789012:role/streams",
}
STOPPED_ARN = "arn:aws:rekognition:us-east-1:123456789012:streamprocessor/stopped"
POLICY_DOC = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, '
    '"Action": "rekognition:CopyProjectVersion", "Resource": "*"}]}'
)


def streams_and_policies(state: State, project_arn: str) -> str:
    """Stream processors "stopped" (tagged team=base) and "running", the project's policy "base", a liveness session."""
    for name in ("stopped", "running"):
        state.rek_create_stream_processor({**STREAM_WIRE, "Name": name, "Tags": {"team": "base"}})
    state.rek_start_stream_processor({"Name": "running"})
    state.rek_put_project_policy({"ProjectArn": project_arn, "PolicyName": "base", "PolicyDocument": POLICY_DOC})
    return str(state.rek_create_face_liveness_session({})["SessionId"])


def stream_ops() -> list[Op]:
    """The stream processor, Face Liveness, tag and project policy operations."""

    def sp_status(s: State, name: str) -> str:
        return s.stream_processors[name].status if name in s.stream_processors else ""

    return [
        Op(
            "rekognition",
            "CreateStreamProcessor",
            lambda c, b: c.rek.create_stream_processor(
                name="new",
                input=rek_models.StreamProcessorInput.model_validate(STREAM_WIRE["Input"]),
                output=rek_models.StreamProcessorOutput.model_validate(STREAM_WIRE["Output"]),
                settings=rek_models.StreamProcessorSettings.model_validate(STREAM_WIRE["Settings"]),
                role_arn=str(STREAM_WIRE["RoleArn"]),
            ),
            lambda s: "new" in s.stream_processors,
        ),
        Op("rekognition", "DescribeStreamProcessor", lambda c, b: c.rek.describe_stream_processor(name="stopped")),
        Op("rekognition", "ListStreamProcessors", lambda c, b: c.rek.list_stream_processors()),
        Op(
            "rekognition",
            "StartStreamProcessor",
            lambda c, b: c.rek.start_stream_processor(name="stopped"),
            lambda s: sp_status(s, "stopped") == "RUNNING",
        ),
        Op(
            "rekognition",
            "StopStreamProcessor",
            lambda c, b: c.rek.stop_stream_processor(name="running"),
            lambda s: sp_status(s, "running") == "STOPPED",
        ),
        Op(
            "rekognition",
            "UpdateStreamProcessor",
            lambda c, b: c.rek.update_stream_processor(
                name="stopped",
                data_sharing_preference_for_update=rek_models.StreamProcessorDataSharingPreference(opt_in=True),
            ),
            lambda s: "DataSharingPreference" in s.stream_processors["stopped"].settings,
        ),
        Op(
            "rekognition",
            "DeleteStreamProcessor",
            lambda c, b: c.rek.delete_stream_processor(name="stopped"),
            lambda s: sp_status(s, "stopped") == "",
        ),
        Op(
            "rekognition",
            "CreateFaceLivenessSession",
            lambda c, b: c.rek.create_face_liveness_session(),
            lambda s: len(s.liveness_sessions) == 2,
        ),
        Op(
            "rekognition",
            "GetFaceLivenessSessionResults",
            lambda c, b: c.rek.get_face_liveness_session_results(session_id=b.liveness),
        ),
        Op(
            "rekognition",
            "TagResource",
            lambda c, b: c.rek.tag_resource(resource_arn=STOPPED_ARN, tags={"new": "tag"}),
            lambda s: "new" in s.resource_tags[s.tag_key(STOPPED_ARN)],
        ),
        Op(
            "rekognition",
            "UntagResource",
            lambda c, b: c.rek.untag_resource(resource_arn=STOPPED_ARN, tag_keys=["team"]),
            lambda s: "team" not in s.resource_tags[s.tag_key(STOPPED_ARN)],
        ),
        Op("rekognition", "ListTagsForResource", lambda c, b: c.rek.list_tags_for_resource(resource_arn=STOPPED_ARN)),
        Op(
            "rekognition",
            "PutProjectPolicy",
            lambda c, b: c.rek.put_project_policy(
                project_arn=b.project_arn, policy_name="new", policy_document=POLICY_DOC
            ),
            lambda s: len(s.project_policies[s.rek_projects["base"].arn]) == 2,
        ),
        Op("rekognition", "ListProjectPolicies", lambda c, b: c.rek.list_project_policies(project_arn=b.project_arn)),
        Op(
            "rekognition",
            "DeleteProjectPolicy",
            lambda c, b: c.rek.delete_project_policy(project_arn=b.project_arn, policy_name="base"),
            lambda s: s.project_policies[s.rek_projects["base"].arn] == {},
        ),
    ]


def face_image(person: str) -> dict[str, Any]:
    """An image of one person, as a request carries it."""
    return {"Bytes": scene_image(faces=(person,))}


@dataclass
class Clients:
    rek: RekognitionClient
    lfv: LookoutVisionClient


Call = Callable[[Clients, Base], Awaitable[Any]]
Applied = Callable[[State], bool]


@dataclass
class Op:
    service: str
    name: str
    call: Call
    applied: Applied | None = None  # for operations that change state: whether the change happened

    @property
    def key(self) -> str:
        return f"{self.service}:{self.name}"


VIDEO_WIRE = {"S3Object": {"Bucket": "videos", "Name": "base.mp4"}}
VIDEO_EXTRA: dict[str, dict[str, Any]] = {
    "FaceSearch": {"CollectionId": "base"},
    "SegmentDetection": {"SegmentTypes": ["SHOT"]},
}
MEDIA_WIRE = {
    "OperationsConfig": {"DetectModerationLabels": {"MinConfidence": 50.0}},
    "Input": {"S3Object": {"Bucket": "media", "Name": "manifest.jsonl"}},
    "OutputConfig": {"S3Bucket": "results"},
}


def video_ops() -> list[Op]:
    """``Start<kind>`` (a second job on the base video) and ``Get<kind>`` of each stored-video analysis."""
    ops: list[Op] = []
    for kind in RESULT_KEYS:
        method = xform_name(kind)
        extra = {xform_name(k): v for k, v in VIDEO_EXTRA.get(kind, {}).items()}

        def start(c: Clients, b: Base, method: str = method, extra: dict[str, Any] = extra) -> Awaitable[Any]:
            return getattr(c.rek, f"start_{method}")(video=Video.model_validate(VIDEO_WIRE), **extra)

        def get(c: Clients, b: Base, method: str = method, kind: str = kind) -> Awaitable[Any]:
            return getattr(c.rek, f"get_{method}")(job_id=b.video_jobs[kind])

        def started(s: State, kind: str = kind) -> bool:
            return sum(job.kind == kind for job in s.video_jobs.values()) == 2

        ops += [Op("rekognition", f"Start{kind}", start, started), Op("rekognition", f"Get{kind}", get)]
    return ops


FACE = Image(bytes=scene_image(faces=("ann",)))
# DetectLabels, DetectText, RecognizeCelebrities, DetectProtectiveEquipment: an image with something of each.
ANALYSED = scene_image(
    faces=("ann",), labels=("Cat",), text=("EXIT",), celebrities=("Ada Lovelace",), ppe=("FACE_COVER",)
)
NEW_REK_LINE = classification("s3://b/new.jpg", "dog").encode()
NEW_LFV_LINE = lfv_line("s3://b/new.jpg", anomaly=True).encode()

OPS = [
    Op(
        "rekognition",
        "CreateProject",
        lambda c, b: c.rek.create_project(project_name="new"),
        lambda s: "new" in s.rek_projects,
    ),
    Op("rekognition", "DescribeProjects", lambda c, b: c.rek.describe_projects()),
    Op(
        "rekognition",
        "DeleteProject",
        lambda c, b: c.rek.delete_project(project_arn=b.project_arn),
        lambda s: "base" not in s.rek_projects,
    ),
    Op(
        "rekognition",
        "CreateDataset",
        lambda c, b: c.rek.create_dataset(project_arn=b.project_arn, dataset_type="TEST"),
        lambda s: "TEST" in s.rek_projects["base"].datasets,
    ),
    Op(
        "rekognition",
        "UpdateDatasetEntries",
        lambda c, b: c.rek.update_dataset_entries(
            dataset_arn=b.dataset_arn,
            changes=DatasetChanges(ground_truth=NEW_REK_LINE),
        ),
        lambda s: len(s.rek_projects["base"].datasets["TRAIN"].entries) == 2,
    ),
    Op("rekognition", "DescribeDataset", lambda c, b: c.rek.describe_dataset(dataset_arn=b.dataset_arn)),
    Op("rekognition", "ListDatasetEntries", lambda c, b: c.rek.list_dataset_entries(dataset_arn=b.dataset_arn)),
    Op("rekognition", "ListDatasetLabels", lambda c, b: c.rek.list_dataset_labels(dataset_arn=b.dataset_arn)),
    Op(
        "rekognition",
        "CreateProjectVersion",
        lambda c, b: c.rek.create_project_version(project_arn=b.models_arn, version_name="new", output_config=OUTPUT),
        lambda s: version(s, "new") == "TRAINING_COMPLETED",
    ),
    Op(
        "rekognition", "DescribeProjectVersions", lambda c, b: c.rek.describe_project_versions(project_arn=b.models_arn)
    ),
    Op(
        "rekognition",
        "StartProjectVersion",
        lambda c, b: c.rek.start_project_version(project_version_arn=b.trained_arn, min_inference_units=1),
        lambda s: version(s, "trained") == "RUNNING",
    ),
    Op(
        "rekognition",
        "StopProjectVersion",
        lambda c, b: c.rek.stop_project_version(project_version_arn=b.running_arn),
        lambda s: version(s, "running") == "STOPPED",
    ),
    Op(
        "rekognition",
        "DeleteProjectVersion",
        lambda c, b: c.rek.delete_project_version(project_version_arn=b.trained_arn),
        lambda s: version(s, "trained") == "",
    ),
    Op(
        "rekognition",
        "CopyProjectVersion",
        lambda c, b: c.rek.copy_project_version(
            source_project_arn=b.models_arn,
            source_project_version_arn=b.trained_arn,
            destination_project_arn=b.models_arn,
            version_name="copy",
            output_config=OUTPUT,
        ),
        lambda s: version(s, "copy") == "COPYING_COMPLETED",
    ),
    Op(
        "rekognition",
        "DetectCustomLabels",
        lambda c, b: c.rek.detect_custom_labels(project_version_arn=b.running_arn, image=image(1)),
    ),
    Op(
        "rekognition",
        "DeleteDataset",
        lambda c, b: c.rek.delete_dataset(dataset_arn=b.dataset_arn),
        lambda s: "TRAIN" not in s.rek_projects["base"].datasets,
    ),
    Op(
        "rekognition",
        "DistributeDatasetEntries",
        lambda c, b: c.rek.distribute_dataset_entries(
            datasets=[DistributeDataset(arn=b.split[0]), DistributeDataset(arn=b.split[1])]
        ),
        lambda s: len(s.rek_projects["split"].datasets["TEST"].entries) == 1,
    ),
    Op(
        "rekognition",
        "DetectModerationLabels",
        lambda c, b: c.rek.detect_moderation_labels(image=image(1)),
    ),
    Op(
        "rekognition",
        "CreateCollection",
        lambda c, b: c.rek.create_collection(collection_id="new"),
        lambda s: "new" in s.collections,
    ),
    Op(
        "rekognition",
        "DeleteCollection",
        lambda c, b: c.rek.delete_collection(collection_id="base"),
        lambda s: "base" not in s.collections,
    ),
    Op("rekognition", "DescribeCollection", lambda c, b: c.rek.describe_collection(collection_id="base")),
    Op("rekognition", "DetectFaces", lambda c, b: c.rek.detect_faces(image=FACE)),
    Op("rekognition", "CompareFaces", lambda c, b: c.rek.compare_faces(source_image=FACE, target_image=FACE)),
    Op(
        "rekognition",
        "IndexFaces",
        lambda c, b: c.rek.index_faces(collection_id="base", image=FACE),
        lambda s: len(s.collections["base"].faces) == 4,
    ),
    Op("rekognition", "ListFaces", lambda c, b: c.rek.list_faces(collection_id="base")),
    Op(
        "rekognition",
        "DeleteFaces",
        lambda c, b: c.rek.delete_faces(collection_id="base", face_ids=b.faces[2:]),
        lambda s: len(s.collections["base"].faces) == 2,
    ),
    Op("rekognition", "SearchFaces", lambda c, b: c.rek.search_faces(collection_id="base", face_id=b.faces[0])),
    Op("rekognition", "SearchFacesByImage", lambda c, b: c.rek.search_faces_by_image(collection_id="base", image=FACE)),
    Op(
        "rekognition",
        "CreateUser",
        lambda c, b: c.rek.create_user(collection_id="base", user_id="new"),
        lambda s: "new" in s.collections["base"].users,
    ),
    Op(
        "rekognition",
        "DeleteUser",
        lambda c, b: c.rek.delete_user(collection_id="base", user_id="ben"),
        lambda s: "ben" not in s.collections["base"].users,
    ),
    Op(
        "rekognition",
        "AssociateFaces",
        lambda c, b: c.rek.associate_faces(collection_id="base", user_id="ann", face_ids=b.faces[1:2]),
        lambda s: len(s.collections["base"].users["ann"].face_ids) == 2,
    ),
    Op(
        "rekognition",
        "DisassociateFaces",
        lambda c, b: c.rek.disassociate_faces(collection_id="base", user_id="ann", face_ids=b.faces[:1]),
        lambda s: s.collections["base"].users["ann"].face_ids == [],
    ),
    Op("rekognition", "ListUsers", lambda c, b: c.rek.list_users(collection_id="base")),
    Op("rekognition", "SearchUsers", lambda c, b: c.rek.search_users(collection_id="base", user_id="ann")),
    Op("rekognition", "SearchUsersByImage", lambda c, b: c.rek.search_users_by_image(collection_id="base", image=FACE)),
    Op("rekognition", "ListCollections", lambda c, b: c.rek.list_collections()),
    *video_ops(),
    Op(
        "rekognition",
        "StartMediaAnalysisJob",
        lambda c, b: c.rek.start_media_analysis_job(
            operations_config=MediaAnalysisOperationsConfig.model_validate(MEDIA_WIRE["OperationsConfig"]),
            input=MediaAnalysisInput.model_validate(MEDIA_WIRE["Input"]),
            output_config=MediaAnalysisOutputConfig.model_validate(MEDIA_WIRE["OutputConfig"]),
        ),
        lambda s: len(s.media_analysis_jobs) == 2,
    ),
    Op("rekognition", "GetMediaAnalysisJob", lambda c, b: c.rek.get_media_analysis_job(job_id=b.media_job)),
    Op("rekognition", "ListMediaAnalysisJobs", lambda c, b: c.rek.list_media_analysis_jobs()),
    *stream_ops(),
    Op("rekognition", "DetectLabels", lambda c, b: c.rek.detect_labels(image=ANALYSED)),
    Op("rekognition", "DetectText", lambda c, b: c.rek.detect_text(image=ANALYSED)),
    Op("rekognition", "RecognizeCelebrities", lambda c, b: c.rek.recognize_celebrities(image=ANALYSED)),
    Op("rekognition", "GetCelebrityInfo", lambda c, b: c.rek.get_celebrity_info(id=celebrity_id("Ada Lovelace"))),
    Op("rekognition", "DetectProtectiveEquipment", lambda c, b: c.rek.detect_protective_equipment(image=ANALYSED)),
    Op(
        "lookoutvision",
        "CreateProject",
        lambda c, b: c.lfv.create_project(project_name="new"),
        lambda s: "new" in s.lfv_projects,
    ),
    Op("lookoutvision", "DescribeProject", lambda c, b: c.lfv.describe_project(project_name="base")),
    Op("lookoutvision", "ListProjects", lambda c, b: c.lfv.list_projects()),
    Op(
        "lookoutvision",
        "DeleteProject",
        lambda c, b: c.lfv.delete_project(project_name="base"),
        lambda s: "base" not in s.lfv_projects,
    ),
    Op(
        "lookoutvision",
        "CreateDataset",
        lambda c, b: c.lfv.create_dataset(project_name="base", dataset_type="test"),
        lambda s: "test" in s.lfv_projects["base"].datasets,
    ),
    Op(
        "lookoutvision",
        "ListDatasetEntries",
        lambda c, b: c.lfv.list_dataset_entries(project_name="base", dataset_type="train"),
    ),
    Op(
        "lookoutvision",
        "UpdateDatasetEntries",
        lambda c, b: c.lfv.update_dataset_entries(project_name="base", dataset_type="train", changes=NEW_LFV_LINE),
        lambda s: len(s.lfv_projects["base"].datasets["train"].entries) == 2,
    ),
]


def test_the_table_covers_every_emulated_operation() -> None:
    state = State()
    covered = {op.key for op in OPS}

    assert covered == {f"rekognition:{n}" for n in state.rekognition} | {
        f"lookoutvision:{n}" for n in state.lookoutvision
    }


def check_fault(op: Op, kind: str, exc: BaseException) -> None:
    """The raw fault, as one request with no retries shows it."""
    if kind == "drop":
        assert isinstance(exc, ConnectionLostError), repr(exc)
        assert exc.operation_name == op.name
        return
    assert isinstance(exc, ServiceError), repr(exc)
    assert exc.operation_name == op.name
    assert exc.request_id
    rek = op.service == "rekognition"
    if kind == "throttle":
        assert isinstance(exc, rek_errors.ThrottlingException if rek else lfv_errors.ThrottlingException)
        assert isinstance(exc, ThrottlingError)
        assert exc.code == "ThrottlingException"
        assert exc.status_code == (400 if rek else 429)
        assert exc.retry_after == (None if rek else 1.0)
    else:
        assert isinstance(exc, rek_errors.InternalServerError if rek else lfv_errors.InternalServerException)
        assert isinstance(exc, TransientError)
        assert exc.code == ("InternalServerError" if rek else "InternalServerException")
        assert exc.status_code == 500
        assert exc.retry_after == (None if rek else 1.0)


@pytest.mark.parametrize("kind", KINDS)
async def test_each_fault_kind_on_each_operation(emu: Emulator, anyio_backend: str, kind: str) -> None:
    session = shared_session(anyio_backend)
    async with rek_client(emu.url, session=session) as rek, lfv_client(emu.url, session=session) as lfv:
        clients = Clients(rek, lfv)
        for op in OPS:
            emu.reset()
            ctx = base(emu)
            emu.faults.set(op.key, Faults(**{kind: 1.0}))

            with pytest.raises((ServiceError, ConnectionLostError)) as caught:
                await op.call(clients, ctx)

            check_fault(op, kind, caught.value)
            assert set(emu.requests) == {op.key}
            # aiohttp resends a dropped GET/DELETE once on its own (see
            # test_clients.py); apart from that, one call is one request.
            assert emu.requests[op.key] == 1 or (kind == "drop" and emu.requests[op.key] == 2), op.key
            if op.applied is not None:
                # Only commit_then_fail does the work before failing.
                assert op.applied(emu.state) == (kind == "commit_then_fail"), (op.key, kind)

            # The fault is the only thing in the way: without it the same call works.
            emu.reset()
            ctx = base(emu)
            await op.call(clients, ctx)
            if op.applied is not None:
                assert op.applied(emu.state), op.key


async def test_latency_on_each_operation(emu: Emulator, anyio_backend: str) -> None:
    delay = 0.02
    session = shared_session(anyio_backend)
    async with rek_client(emu.url, session=session) as rek, lfv_client(emu.url, session=session) as lfv:
        clients = Clients(rek, lfv)
        for op in OPS:
            emu.reset()
            ctx = base(emu)
            emu.faults.set(op.key, Faults(latency=delay))

            started = time.perf_counter()
            await op.call(clients, ctx)  # slow, but a success
            elapsed = time.perf_counter() - started

            assert elapsed >= delay, (op.key, elapsed)
            if op.applied is not None:
                assert op.applied(emu.state), op.key


async def test_latency_applies_to_faulty_replies_too(rek: RekognitionClient, emu: Emulator) -> None:
    emu.faults.set("ListCollections", Faults(throttle=1.0, latency=0.1))

    started = time.perf_counter()
    with pytest.raises(rek_errors.ThrottlingException):
        await rek.list_collections()

    assert time.perf_counter() - started >= 0.1


def test_raw_fault_replies_have_each_protocols_shape(emu: Emulator) -> None:
    emu.faults.set("ListCollections", Faults(throttle=1.0))
    emu.faults.set("DescribeCollection", Faults(server_error=1.0))
    emu.faults.set("ListProjects", Faults(throttle=1.0))
    emu.faults.set("DescribeProject", Faults(server_error=1.0))

    rek_throttle = rek_raw(emu.url, "ListCollections", {})
    rek_failure = rek_raw(emu.url, "DescribeCollection", {"CollectionId": "c"})
    lfv_throttle = lfv_raw(emu.url, "GET", "/projects")
    lfv_failure = lfv_raw(emu.url, "GET", "/projects/p")

    assert_rek_error(rek_throttle, "ThrottlingException", 400)
    assert_rek_error(rek_failure, "InternalServerError", 500)
    assert_lfv_error(lfv_throttle, "ThrottlingException", 429)
    assert lfv_throttle.header("retry-after") == "1"
    assert_lfv_error(lfv_failure, "InternalServerException", 500)
    assert lfv_failure.header("retry-after") == "1"


# -- which faults apply to which request --------------------------------------------------------------


async def test_service_prefixed_keys_touch_one_service_only(
    rek: RekognitionClient, lfv: LookoutVisionClient, emu: Emulator
) -> None:
    emu.faults.set("lookoutvision:CreateProject", Faults(throttle=1.0))

    await rek.create_project(project_name="rek-ok")
    with pytest.raises(lfv_errors.ThrottlingException):
        await lfv.create_project(project_name="lfv-throttled")

    emu.faults.clear()
    emu.faults.set("rekognition:CreateProject", Faults(throttle=1.0))
    await lfv.create_project(project_name="lfv-ok")
    with pytest.raises(rek_errors.ThrottlingException):
        await rek.create_project(project_name="rek-throttled")

    assert list(emu.state.rek_projects) == ["rek-ok"]
    assert list(emu.state.lfv_projects) == ["lfv-ok"]


async def test_bare_operation_key_touches_both_services(
    rek: RekognitionClient, lfv: LookoutVisionClient, emu: Emulator
) -> None:
    emu.faults.set("CreateProject", Faults(server_error=1.0))

    with pytest.raises(rek_errors.InternalServerError):
        await rek.create_project(project_name="a")
    with pytest.raises(lfv_errors.InternalServerException):
        await lfv.create_project(project_name="a")
    await rek.create_collection(collection_id="other-operations-unaffected")


async def test_the_most_specific_key_wins(rek: RekognitionClient, lfv: LookoutVisionClient, emu: Emulator) -> None:
    emu.faults.set("*", Faults(throttle=1.0))
    emu.faults.set("CreateProject", Faults(server_error=1.0))
    emu.faults.set("lookoutvision:CreateProject", Faults())  # explicitly none

    await lfv.create_project(project_name="fine")
    with pytest.raises(rek_errors.InternalServerError):
        await rek.create_project(project_name="x")
    with pytest.raises(rek_errors.ThrottlingException):
        await rek.list_collections()
    with pytest.raises(lfv_errors.ThrottlingException):
        await lfv.list_projects()


async def test_star_is_the_default_of_every_operation(
    rek: RekognitionClient, lfv: LookoutVisionClient, emu: Emulator
) -> None:
    emu.faults.set("*", Faults(server_error=1.0))

    for call in (rek.describe_projects, rek.list_collections, lfv.list_projects):
        with pytest.raises(TransientError):
            await call()
    with pytest.raises(TransientError):
        await rek.create_collection(collection_id="c")
    assert emu.state.collections == {}

    emu.faults.set("*", None)
    await rek.create_collection(collection_id="c")
    assert list(emu.state.collections) == ["c"]


async def test_set_none_and_clear_remove_faults(rek: RekognitionClient, emu: Emulator) -> None:
    emu.faults.set("ListCollections", Faults(throttle=1.0))
    emu.faults.set("DescribeProjects", Faults(throttle=1.0))
    emu.faults.set("ListCollections", None)

    await rek.list_collections()
    with pytest.raises(rek_errors.ThrottlingException):
        await rek.describe_projects()
    emu.faults.clear()
    await rek.describe_projects()


async def test_faults_given_to_the_constructor() -> None:
    async with Emulator(faults={"CreateCollection": Faults(throttle=1.0)}) as emu, rek_client(emu.url) as rek:
        with pytest.raises(rek_errors.ThrottlingException):
            await rek.create_collection(collection_id="c")
        await rek.describe_projects()
        assert emu.requests == {"rekognition:CreateCollection": 1, "rekognition:DescribeProjects": 1}


# -- reproducibility ------------------------------------------------------------------------------------


async def outcomes(rek: RekognitionClient, count: int = 50) -> list[bool]:
    """Whether each of ``count`` ListCollections calls got through."""
    results = []
    for _ in range(count):
        try:
            await rek.list_collections()
        except rek_errors.ThrottlingException:
            results.append(False)
        else:
            results.append(True)
    return results


async def test_same_seed_same_outcomes_other_seed_other_outcomes(rek: RekognitionClient, emu: Emulator) -> None:
    emu.faults.set("ListCollections", Faults(throttle=0.5))

    emu.faults.reseed(1234)
    first = await outcomes(rek)
    emu.faults.reseed(1234)
    second = await outcomes(rek)
    emu.faults.reseed(4321)
    other = await outcomes(rek)

    assert first == second
    assert first != other
    assert 10 < first.count(False) < 40  # p = 0.5: both outcomes, in plausible numbers
    assert emu.requests["rekognition:ListCollections"] == 150


async def test_seed_given_to_the_constructor_reproduces_a_run() -> None:
    runs = []
    for seed in (7, 7, 8):
        faults = {"ListCollections": Faults(throttle=0.5)}
        async with Emulator(faults=faults, seed=seed) as emu, rek_client(emu.url) as rek:
            runs.append(await outcomes(rek, 25))

    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_fault_plan_draws_every_kind_and_never_none_when_they_add_up_to_one() -> None:
    plan = FaultPlan({"Op": Faults(throttle=0.25, server_error=0.25, drop=0.25, commit_then_fail=0.25)}, seed=3)

    drawn = [plan.draw("svc:Op", "Op") for _ in range(400)]

    assert {fault for fault, _ in drawn} == set(KINDS)
    assert {latency for _, latency in drawn} == {0.0}


def test_fault_plan_without_faults_draws_nothing() -> None:
    plan = FaultPlan({"Other": Faults(throttle=1.0), "Slow": Faults(latency=0.5)}, seed=3)

    assert plan.draw("svc:Op", "Op") == (None, 0.0)
    assert plan.draw("svc:Slow", "Slow") == (None, 0.5)
    assert plan.draw("svc:Other", "Other") == ("throttle", 0.0)


# -- Faults: validation and parsing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"throttle": -0.1},
        {"server_error": 1.5},
        {"drop": 2.0},
        {"commit_then_fail": -1.0},
        {"throttle": math.nan},
        {"throttle": 0.6, "server_error": 0.6},
        {"throttle": 0.3, "server_error": 0.3, "drop": 0.3, "commit_then_fail": 0.3},
        {"latency": -0.001},
    ],
    ids=["negative", "above-one", "two", "negative-commit", "nan", "sum-1.2", "sum-1.2-of-four", "negative-latency"],
)
def test_invalid_faults_are_value_errors(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        Faults(**kwargs)


def test_nan_latency_is_a_value_error() -> None:
    """A NaN latency passes ``latency < 0`` and then hangs every request it applies to."""
    with pytest.raises(ValueError, match="latency"):
        Faults(latency=math.nan)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"throttle": 1.0},
        {"throttle": 0.5, "drop": 0.5},
        {"throttle": 0.25, "server_error": 0.25, "drop": 0.25, "commit_then_fail": 0.25},
        {"latency": 0.0},
        {"latency": 2.5},
    ],
)
def test_valid_faults(kwargs: dict[str, float]) -> None:
    faults = Faults(**kwargs)

    for name, value in kwargs.items():
        assert getattr(faults, name) == value


@pytest.mark.parametrize(
    ("text", "operation", "faults"),
    [
        (
            "CreateProject:throttle=0.2,commit_then_fail=0.3",
            "CreateProject",
            Faults(throttle=0.2, commit_then_fail=0.3),
        ),
        ("*:latency=0.05", "*", Faults(latency=0.05)),
        ("*:latency=0", "*", Faults()),
        (" DescribeProjects : drop = 1 , ", "DescribeProjects", Faults(drop=1.0)),
        ("ListCollections:", "ListCollections", Faults()),
        ("ListProjects:server_error=1e-1", "ListProjects", Faults(server_error=0.1)),
    ],
)
def test_parse_good_text(text: str, operation: str, faults: Faults) -> None:
    assert Faults.parse(text) == (operation, faults)


def test_parse_a_service_prefixed_key() -> None:
    """``FaultPlan`` takes ``lookoutvision:CreateProject``; ``--faults`` must be able to say it too."""
    assert Faults.parse("lookoutvision:CreateProject:throttle=1") == ("lookoutvision:CreateProject", Faults(throttle=1))


@pytest.mark.parametrize(
    "text",
    [
        "CreateProject",
        "",
        ":throttle=1",
        "   :throttle=1",
        "CreateProject:bogus=1",
        "CreateProject:throttle",
        "CreateProject:throttle=",
        "CreateProject:throttle=abc",
        "CreateProject:throttle=2",
        "CreateProject:throttle=0.7,drop=0.7",
        "*:latency=-1",
    ],
)
def test_parse_bad_text_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the messages differ by case
        Faults.parse(text)


# -- unknown names: refused, with the valid ones ------------------------------------------------------


def test_a_misspelt_fault_is_a_type_error_that_lists_the_faults() -> None:
    with pytest.raises(TypeError) as caught:
        Faults(throtle=0.5)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    message = str(caught.value)
    assert "'throtle'" in message
    assert "did you mean 'throttle'?" in message
    for name in FAULT_NAMES:
        assert name in message


@pytest.mark.parametrize(
    ("key", "named", "suggested", "listed"),
    [
        ("DetectCustomLabelz", "operation 'DetectCustomLabelz'", "DetectCustomLabels", "DetectAnomalies"),
        ("rekognition:DetectAnomalies", "rekognition operation 'DetectAnomalies'", None, "DetectCustomLabels"),
        ("lookoutvision:DetectCustomLabels", "lookoutvision operation", "DetectAnomalies", "StartModel"),
        ("lookoutvison:CreateProject", "service 'lookoutvison'", "lookoutvision", "rekognition"),
        ("createproject", "operation 'createproject'", "CreateProject", "ListCollections"),
    ],
)
def test_an_unknown_operation_is_refused_with_the_valid_ones(
    emu: Emulator, key: str, named: str, suggested: str | None, listed: str
) -> None:
    with pytest.raises(ValueError, match="unknown") as caught:
        emu.faults.set(key, Faults(throttle=1.0))
    message = str(caught.value)
    assert named in message
    if suggested is not None:  # nothing of Rekognition's is close to DetectAnomalies
        assert f"did you mean {suggested!r}?" in message
    assert "valid: " in message
    assert listed in message.partition("valid: ")[2]
    with pytest.raises(ValueError, match="unknown"):
        emu.faults.set(key, None)  # clearing a misspelt key would silently do nothing too


@pytest.mark.parametrize(
    "key", ["*", "DetectCustomLabels", "DetectAnomalies", "rekognition:CreateProject", "lookoutvision:CreateProject"]
)
def test_known_operations_and_star_are_accepted(emu: Emulator, key: str) -> None:
    emu.faults.set(key, Faults(throttle=1.0))
    service = "lookoutvision" if "Anomalies" in key or key.startswith("lookoutvision") else "rekognition"
    operation = key.rpartition(":")[2] if key != "*" else "CreateProject"
    assert emu.faults.draw(f"{service}:{operation}", operation) == ("throttle", 0.0)


def test_the_constructor_refuses_an_unknown_operation() -> None:
    with pytest.raises(ValueError, match="did you mean 'ListCollections'"):
        Emulator(faults={"ListCollection": Faults(throttle=1.0)})
    with pytest.raises(ValueError, match="did you mean 'ListCollections'"):
        FaultPlan({"ListCollection": Faults()}, operations={"rekognition": ["ListCollections", "CreateCollection"]})


def _emulator_command(*args: str) -> subprocess.CompletedProcess[str]:
    # --port 0: were the faults accepted, the emulator would serve (and the timeout fail the test).
    argv = [sys.executable, "-m", "aws_vision_async.emulator", "--port", "0", *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(
    ("faults", "expected"),
    [
        ("DetectCustomLabelz:throttle=0.5", ["unknown operation 'DetectCustomLabelz'", "'DetectCustomLabels'"]),
        ("lookoutvision:StartProjectVersion:drop=1", ["unknown lookoutvision operation", "StartModel"]),
        ("DetectCustomLabels:throtle=0.5", ["unknown fault setting 'throtle'", "mean 'throttle'", *FAULT_NAMES]),
    ],
)
def test_the_command_line_refuses_unknown_names(faults: str, expected: list[str]) -> None:
    result = _emulator_command("--faults", faults)
    assert result.returncode == 2, result.stderr
    for text in expected:
        assert text in result.stderr
    assert "Traceback" not in result.stderr


def test_the_command_lines_help_lists_every_fault() -> None:
    result = _emulator_command("--help")
    assert result.returncode == 0, result.stderr
    help_text = " ".join(result.stdout.split())  # argparse wraps lines
    for name in FAULT_NAMES:
        assert f"{name} (" in help_text
