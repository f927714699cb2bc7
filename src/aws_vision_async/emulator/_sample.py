"""Sample data: projects, datasets of Ground Truth manifest lines, collections."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from ._entries import Entry
from ._resources import LfvDataset, LfvProject
from ._state import State
from ._timings import Timings

__all__ = ["SampleData", "populate"]

_DEFECTS = ("scratch", "dent", "crack")


@dataclass(frozen=True, kw_only=True)
class SampleData:
    """How much sample data to create.

    Attributes:
        projects: Rekognition Custom Labels projects, each with a TRAIN and a
            TEST dataset, and as many Lookout for Vision projects with a train dataset.
        entries: JSON Lines in each Rekognition TRAIN dataset (the TEST
            dataset gets a fifth of that) and each Lookout for Vision dataset.
        collections: Rekognition face collections.
        seed: Seed of the random choices, for the same data every time.
    """

    projects: int = 3
    entries: int = 250
    collections: int = 3
    seed: int = 7


def rekognition_line(i: int, rng: random.Random) -> str:
    """One Rekognition Custom Labels manifest line: image-level or bounding boxes, some with errors."""
    created = "2024-05-01T12:00:00.000"
    ref = f"s3://sample-vision-bucket/widgets/{'train' if i % 5 else 'review'}/img-{i:06d}.jpg"
    if i % 2 == 0:
        label = rng.choice(_DEFECTS)
        line: dict[str, object] = {
            "source-ref": ref,
            "defect": 1,
            "defect-metadata": {
                "confidence": 1,
                "class-name": label,
                "human-annotated": "yes",
                "creation-date": created,
                "type": "groundtruth/image-classification",
            },
        }
    else:
        boxes = [
            {
                "class_id": rng.randrange(len(_DEFECTS)),
                "left": rng.randrange(0, 500),
                "top": rng.randrange(0, 380),
                "width": rng.randrange(10, 140),
                "height": rng.randrange(10, 100),
            }
            for _ in range(rng.randint(1, 3))
        ]
        metadata: dict[str, object] = {
            "objects": [{"confidence": 1} for _ in boxes],
            "class-map": {str(k): v for k, v in enumerate(_DEFECTS)},
            "type": "groundtruth/object-detection",
            "human-annotated": "yes",
            "creation-date": created,
            "job-name": "labeling-job/widgets",
        }
        if i % 7 == 1:
            metadata["errors"] = [
                {"code": "ERROR_INVALID_BOUNDING_BOX", "message": "A bounding box lies outside the image."}
            ]
        line = {
            "source-ref": ref,
            "bounding-box": {"image_size": [{"width": 640, "height": 480, "depth": 3}], "annotations": boxes},
            "bounding-box-metadata": metadata,
        }
    if i % 11 == 3:
        line = {"source-ref": ref}  # not labeled yet
    return json.dumps(line, separators=(",", ":"))


def lookoutvision_line(i: int, rng: random.Random) -> str:
    """One Lookout for Vision manifest line: normal or anomaly."""
    anomaly = rng.random() < 0.3
    return json.dumps(
        {
            "source-ref": f"s3://sample-vision-bucket/circuits/{'anomaly' if anomaly else 'normal'}/img-{i:06d}.jpg",
            "anomaly-label": 1 if anomaly else 0,
            "anomaly-label-metadata": {
                "confidence": 1,
                "job-name": "labeling-job/circuits",
                "class-name": "anomaly" if anomaly else "normal",
                "human-annotated": "yes",
                "creation-date": "2024-05-01T12:00:00.000",
                "type": "groundtruth/image-classification",
            },
        },
        separators=(",", ":"),
    )


def populate(state: State, sample: SampleData) -> None:
    """Add the sample resources to ``state``, ready to use whatever the state's timings."""
    timings, state.timings = state.timings, Timings.instant()
    try:
        _populate(state, sample)
    finally:
        state.timings = timings


def _populate(state: State, sample: SampleData) -> None:
    rng = random.Random(sample.seed)  # noqa: S311 - sample data, not cryptography
    for n in range(sample.projects):
        name = f"sample-project-{n + 1}"
        arn = state.rek_create_project({"ProjectName": name})["ProjectArn"]
        for kind, count in (("TRAIN", sample.entries), ("TEST", max(1, sample.entries // 5))):
            dataset_arn = state.rek_create_dataset({"ProjectArn": arn, "DatasetType": kind})["DatasetArn"]
            lines = "\n".join(rekognition_line(i, rng) for i in range(count)).encode()
            state.rek_update_dataset_entries({"DatasetArn": dataset_arn, "Changes": {"GroundTruth": lines}})
        lfv_name = f"sample-lfv-project-{n + 1}"
        state.lfv_create_project({"ProjectName": lfv_name})
        project: LfvProject = state.lfv_projects[lfv_name]
        dataset = LfvDataset("train", project.created)
        created = project.created
        dataset.entries = [Entry.parse(lookoutvision_line(i, rng), created) for i in range(sample.entries)]
        project.datasets["train"] = dataset
    for n in range(sample.collections):
        state.create_collection({"CollectionId": f"sample-collection-{n + 1}"})
