"""Helpers of the Custom Labels model tests: trainable datasets, images, a manual clock."""

from __future__ import annotations

from dataclasses import dataclass

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import State
from aws_vision_async.rekognition.models import DatasetChanges, Image, OutputConfig, ProjectVersionDescription

from ._support import classification, detection, jsonl

# Magic numbers are all the emulator checks of an image: these are a JPEG and a PNG to it.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"emulated jpeg body"
PNG = b"\x89PNG\r\n\x1a\n" + b"emulated png body"
OUTPUT = OutputConfig(s3_bucket="training-output", s3_key_prefix="models")
OUTPUT_WIRE = {"S3Bucket": "training-output", "S3KeyPrefix": "models"}

CLASSES = ("cat", "dog", "bird")
OBJECTS = {"0": "scratch", "1": "dent"}


def image(n: int) -> Image:
    """The n-th test image, as bytes (each one different)."""
    return Image(bytes=JPEG + str(n).encode())


def classification_lines(labels: tuple[str, ...] = CLASSES, per_label: int = 3, bucket: str = "b") -> list[str]:
    """Image-level lines: ``per_label`` images of each label."""
    return [classification(f"s3://{bucket}/{label}/{i}.jpg", label) for label in labels for i in range(per_label)]


def detection_lines(count: int = 6, bucket: str = "b") -> list[str]:
    """Object-detection lines, boxes of both classes of ``OBJECTS``."""
    return [detection(f"s3://{bucket}/parts/{i}.jpg", [i % 2, 1], OBJECTS) for i in range(count)]


@dataclass
class Trainable:
    """A project with a TRAIN and a TEST dataset, ready to train."""

    project_arn: str
    train_arn: str
    test_arn: str


async def trainable_project(
    rek: RekognitionClient,
    name: str = "models",
    train: list[str] | None = None,
    test: list[str] | None = None,
) -> Trainable:
    """Create a project with a TRAIN and a TEST dataset of these lines (by default, three labels each)."""
    project = (await rek.create_project(project_name=name)).project_arn
    assert project is not None
    arns = []
    for kind, lines in (("TRAIN", train), ("TEST", test)):
        arn = (await rek.create_dataset(project_arn=project, dataset_type=kind)).dataset_arn  # type: ignore[arg-type]
        assert arn is not None
        chosen = classification_lines() if lines is None else lines
        if chosen:
            await rek.update_dataset_entries(dataset_arn=arn, changes=DatasetChanges(ground_truth=jsonl(*chosen)))
        arns.append(arn)
    return Trainable(project, arns[0], arns[1])


def trainable_state(state: State, name: str = "models", lines: list[str] | None = None) -> str:
    """``trainable_project`` through the state directly (no requests): the project ARN."""
    project = state.rek_create_project({"ProjectName": name})["ProjectArn"]
    body = jsonl(*(classification_lines() if lines is None else lines))
    for kind in ("TRAIN", "TEST"):
        dataset = state.rek_create_dataset({"ProjectArn": project, "DatasetType": kind})["DatasetArn"]
        state.rek_update_dataset_entries({"DatasetArn": dataset, "Changes": {"GroundTruth": body}})
    return str(project)


async def describe(rek: RekognitionClient, project_arn: str, version: str) -> ProjectVersionDescription:
    page = await rek.describe_project_versions(project_arn=project_arn, version_names=[version])
    [description] = page.project_version_descriptions or []
    return description


class ManualClock:
    """A clock that moves only when told: the emulator's timed statuses, step by step."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
