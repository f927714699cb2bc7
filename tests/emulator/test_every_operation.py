"""The whole service model, walked: the emulator answers every Rekognition operation.

Each operation gets a request made from its input shape (its required members, with
values that fit their constraints, and the resources the walk has made so far), sent
through raw aiobotocore in the order a user would: creations first, deletions last. The
reply must be a success that botocore and our models parse, or an error the operation
documents: never ``NotImplementedException``.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import botocore
import botocore.exceptions
import botocore.session
import pytest
from aiobotocore.config import AioConfig
from botocore.model import Shape, StructureShape

from aws_vision_async.emulator import Emulator, Timings, scene_image
from aws_vision_async.rekognition import models

from ..rekognition._lifecycle import project_with_datasets
from ._support import rek_client, shared_session

MODEL = botocore.session.get_session().get_service_model("rekognition")
#: Errors any operation may answer whether documented or not (as botocore's own models assume).
COMMON = {"ThrottlingException", "AccessDeniedException", "InternalServerError"}
NO_VALIDATION = AioConfig(parameter_validation=False)
IMAGE = scene_image(
    faces=("walker",),
    labels=("Tree",),
    text=("WALK",),
    moderation=("Violence",),
    celebrities=("Walker Star",),
    ppe=("FACE_COVER",),
)
POLICY = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": '
    '"arn:aws:iam::111122223333:root"}, "Action": "rekognition:CopyProjectVersion", "Resource": "*"}]}'
)
# The order a user's session takes: what makes resources, then what uses them, then
# what stops and deletes them (children before parents). Unlisted operations go between.
FIRST = [
    "CreateCollection",
    "CreateProject",
    "CreateProjectVersion",
    "IndexFaces",
    "CreateUser",
    "CreateStreamProcessor",
    "CreateFaceLivenessSession",
    "PutProjectPolicy",
    "TagResource",
    "RecognizeCelebrities",
]
LAST = [
    "UntagResource",
    "StopProjectVersion",
    "StopStreamProcessor",
    "DisassociateFaces",
    "DeleteFaces",
    "DeleteUser",
    "DeleteProjectPolicy",
    "DeleteStreamProcessor",
    "DeleteProjectVersion",
    "DeleteDataset",
    "DeleteProject",
    "DeleteCollection",
]
# Requests the shapes alone cannot make valid: kinds of ARN, and settings that go together.
EXPLICIT: dict[str, dict[str, Any]] = {
    "CreateStreamProcessor": {
        "Input": {"KinesisVideoStream": {"Arn": "arn:aws:kinesisvideo:us-east-1:123456789012:stream/door/1"}},
        "Output": {"KinesisDataStream": {"Arn": "arn:aws:kinesis:us-east-1:123456789012:stream/faces"}},
        "Settings": {"FaceSearch": {"CollectionId": "walk-collection"}},
    },
    "CreateProjectVersion": {"OutputConfig": {"S3Bucket": "walk-models"}},
    "StartMediaAnalysisJob": {
        "OperationsConfig": {"DetectModerationLabels": {"MinConfidence": 50.0}},
        "Input": {"S3Object": {"Bucket": "walk-media", "Name": "manifest.jsonl"}},
        "OutputConfig": {"S3Bucket": "walk-results"},
    },
}


def order(name: str) -> tuple[int, int, str]:
    if name in FIRST:
        return (0, FIRST.index(name), name)
    if name in LAST:
        return (3, LAST.index(name), name)
    return (1 if name.startswith(("Start", "Associate")) else 2, 0, name)


class Walk:
    """What the walk's requests name: the resources made before it, and those it made since."""

    def __init__(self, project_arn: str, dataset_arn: str) -> None:
        self.known: dict[str, Any] = {
            "CollectionId": "walk-collection",
            "ProjectName": "walk-project",
            "ProjectArn": project_arn,
            "SourceProjectArn": project_arn,
            "DestinationProjectArn": project_arn,
            "DatasetArn": dataset_arn,
            "ResourceArn": project_arn,
            "Name": "walk-stream",
            "RoleArn": "arn:aws:iam::123456789012:role/walk",
            "UserId": "walk-user",
            "PolicyName": "walk-policy",
            "PolicyDocument": POLICY,
            "VersionName": "walk-version",
        }
        self.jobs: dict[str, str] = {}  # JobId by the kind of job (LabelDetection, MediaAnalysisJob...)
        self.operation = ""

    def learn(self, operation: str, reply: dict[str, Any]) -> None:
        """Keep the identifiers a successful reply gives, for the operations after it."""
        if "JobId" in reply:
            self.jobs[operation.removeprefix("Start")] = reply["JobId"]
        if operation == "CreateFaceLivenessSession":  # (StartStreamProcessor's SessionId is another kind)
            self.known["SessionId"] = reply["SessionId"]
        if "ProjectVersionArn" in reply:
            self.known["ProjectVersionArn"] = reply["ProjectVersionArn"]
        if "ProjectVersionArn" in reply:
            self.known["SourceProjectVersionArn"] = reply["ProjectVersionArn"]
        faces = reply.get("FaceRecords") or []
        if faces:
            self.known["FaceId"] = faces[0]["Face"]["FaceId"]
            self.known["FaceIds"] = [faces[0]["Face"]["FaceId"]]
        celebrities = reply.get("CelebrityFaces") or []
        if celebrities:
            self.known["Id"] = celebrities[0]["Id"]

    def request(self, operation: str) -> dict[str, Any]:
        """The request of ``operation``: its required members, then the explicit ones."""
        self.operation = operation
        shape = MODEL.operation_model(operation).input_shape
        params: dict[str, Any] = {}
        if shape is not None:
            assert isinstance(shape, StructureShape)
            params = {m: self.value(m, shape.members[m]) for m in shape.required_members}
        return {**params, **EXPLICIT.get(operation, {})}

    def value(self, name: str, shape: Shape) -> Any:
        """A value of ``shape`` for a member called ``name`` that fits its constraints."""
        if name == "JobId":
            return self.jobs.get(self.operation.removeprefix("Get"), "a" * 64)
        if name in self.known and self.known[name] is not None:
            return self.known[name]
        return self.of(shape)

    def of(self, shape: Shape) -> Any:  # noqa: PLR0911 - one per kind of shape
        meta = shape.metadata
        kind = shape.type_name
        if kind == "structure":
            assert isinstance(shape, StructureShape)
            if shape.name in ("Image", "Video"):
                first = "Bytes" if shape.name == "Image" else "S3Object"
                value = IMAGE if first == "Bytes" else {"Bucket": "walk-videos", "Name": "walk.mp4"}
                return {first: value}
            # A structure with no required member is most often a union: one member.
            members = shape.required_members or [m for m in shape.members if m != "NextToken"][:1]
            return {m: self.value(m, shape.members[m]) for m in members}
        if kind == "list":
            return [self.of(shape.member)] if meta.get("min", 0) else []  # type: ignore[attr-defined]
        if kind == "map":
            return {}
        if kind == "string":
            if shape.enum:
                return shape.enum[0]
            text = "walk1"
            pattern = meta.get("pattern")
            if pattern and not re.fullmatch(pattern, text):
                text = "1"
            return text.ljust(meta.get("min", 1), "a")[: meta.get("max", 10**6)]
        if kind in ("integer", "long"):
            return max(int(meta.get("min", 1)), 1)
        if kind in ("float", "double"):
            return float(meta.get("min", 50.0))
        if kind == "boolean":
            return False
        if kind == "blob":
            return IMAGE
        if kind == "timestamp":
            return datetime.now(timezone.utc)
        raise AssertionError(f"no value for a {kind} shape ({shape.name})")


@pytest.fixture
def vision_emulator_timings() -> Timings:
    # Every slow operation done at once: the walk trains, starts and stops without waiting.
    return Timings.instant()


@pytest.fixture
async def walk(emu: Emulator, anyio_backend: str) -> Walk:
    """A Custom Labels project with TRAIN and TEST datasets of entries, made through the SDK."""
    async with rek_client(emu.url, session=shared_session(anyio_backend)) as rek:
        project_arn = await project_with_datasets(rek, "walk-ready")
        described = await rek.describe_projects(project_names=["walk-ready"])
        project = (described.project_descriptions or [])[0]
        train = next(d.dataset_arn for d in project.datasets or [] if d.dataset_type == "TRAIN")
        assert train is not None
    return Walk(project_arn, train)


@pytest.mark.anyio
async def test_every_operation_is_answered_as_its_model_says(emu: Emulator, anyio_backend: str, walk: Walk) -> None:
    answered: dict[str, str] = {}
    problems: list[str] = []
    async with rek_client(emu.url, config=NO_VALIDATION, session=shared_session(anyio_backend)) as rek:
        raw = rek.aiobotocore_client
        for name in sorted(MODEL.operation_names, key=order):
            op = MODEL.operation_model(name)
            method = getattr(raw, botocore.xform_name(name))
            try:
                reply: dict[str, Any] = await method(**walk.request(name))
            except botocore.exceptions.ClientError as exc:
                code = str(exc.response.get("Error", {}).get("Code"))
                answered[name] = code
                if code not in {e.name for e in op.error_shapes} | COMMON:
                    problems.append(f"{name} answered {code}, not an error it documents: {exc}")
                continue
            reply.pop("ResponseMetadata", None)
            answered[name] = "ok"
            walk.learn(name, reply)
            try:
                # Our typed model of the reply parses what the emulator sent.
                getattr(models, f"{name}Response").model_validate(reply)
            except ValueError as exc:
                problems.append(f"{name}: our model refuses the reply: {exc}")
    assert not problems, "\n".join(problems)
    assert set(answered) == set(MODEL.operation_names)
    # The walk reaches the replies, not only the errors: all but a few operations succeed
    # (those whose only minimal request breaks a documented rule, or finds a resource busy).
    failed = {name: code for name, code in answered.items() if code != "ok"}
    assert len(failed) <= 8, failed
