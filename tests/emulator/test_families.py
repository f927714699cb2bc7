"""The emulator's state is composed of families of operations; the handler table is made from their marks."""

from __future__ import annotations

from typing import Any

from aws_vision_async.emulator import State
from aws_vision_async.emulator._operations._base import StateBase, handles
from aws_vision_async.emulator._video_results import RESULT_KEYS

REKOGNITION = {
    "CreateProject",
    "DescribeProjects",
    "DeleteProject",
    "CreateDataset",
    "DescribeDataset",
    "UpdateDatasetEntries",
    "ListDatasetEntries",
    "ListDatasetLabels",
    "CreateProjectVersion",
    "DescribeProjectVersions",
    "StartProjectVersion",
    "StopProjectVersion",
    "DeleteProjectVersion",
    "CopyProjectVersion",
    "DetectCustomLabels",
    "DeleteDataset",
    "DistributeDatasetEntries",
    "DetectModerationLabels",
    "CreateCollection",
    "DeleteCollection",
    "DescribeCollection",
    "ListCollections",
    "IndexFaces",
    "ListFaces",
    "DeleteFaces",
    "SearchFaces",
    "SearchFacesByImage",
    "DetectFaces",
    "CompareFaces",
    "CreateUser",
    "DeleteUser",
    "AssociateFaces",
    "DisassociateFaces",
    "ListUsers",
    "SearchUsers",
    "SearchUsersByImage",
    *(f"{verb}{kind}" for verb in ("Start", "Get") for kind in RESULT_KEYS),
    "StartMediaAnalysisJob",
    "GetMediaAnalysisJob",
    "ListMediaAnalysisJobs",
    "CreateStreamProcessor",
    "DescribeStreamProcessor",
    "ListStreamProcessors",
    "StartStreamProcessor",
    "StopStreamProcessor",
    "UpdateStreamProcessor",
    "DeleteStreamProcessor",
    "CreateFaceLivenessSession",
    "GetFaceLivenessSessionResults",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
    "PutProjectPolicy",
    "ListProjectPolicies",
    "DeleteProjectPolicy",
    "DetectLabels",
    "DetectText",
    "RecognizeCelebrities",
    "GetCelebrityInfo",
    "DetectProtectiveEquipment",
}
LOOKOUTVISION = {
    "CreateProject",
    "DescribeProject",
    "ListProjects",
    "DeleteProject",
    "CreateDataset",
    "ListDatasetEntries",
    "UpdateDatasetEntries",
}


def test_the_handler_table_holds_every_emulated_operation() -> None:
    state = State()

    assert set(state.rekognition) == REKOGNITION
    assert set(state.lookoutvision) == LOOKOUTVISION
    # Each handler is the state's own method, wrapped: the names stay what tests call directly.
    assert state.rekognition["CreateProject"].__name__ == "rek_create_project"
    assert state.lookoutvision["CreateProject"].__name__ == "lfv_create_project"
    assert state.rekognition["CreateCollection"]({"CollectionId": "c"})["StatusCode"] == 200
    assert set(state.collections) == {"c"}


class Echoes(StateBase):
    """A family added the documented way: its store, its transitions, its marked handlers."""

    echoes: list[dict[str, Any]]
    caught_up: list[float]

    def _create_stores(self) -> None:
        super()._create_stores()
        self.echoes = []
        self.caught_up = []

    def _catch_up(self, now: float) -> None:
        super()._catch_up(now)
        self.caught_up.append(now)

    @handles("rekognition", "DetectLabels")
    def detect_labels(self, p: dict[str, Any]) -> dict[str, Any]:
        assert self.lock._is_owned()  # type: ignore[attr-defined]  # run under the state's lock
        self.echoes.append(p)
        return {"Labels": [], "LabelModelVersion": "3.0"}


# Echoes comes first: a family that redefines an operation's handler (DetectLabels) wins.
class Extended(Echoes, State):
    pass


def test_a_new_family_joins_the_state_by_its_bases() -> None:
    state = Extended(clock=lambda: 100.0)

    reply = state.rekognition["DetectLabels"]({"Image": {}})

    assert reply == {"Labels": [], "LabelModelVersion": "3.0"}
    assert state.echoes == [{"Image": {}}]
    assert state.caught_up == [100.0]  # each call brings every family up to the clock first
    assert set(state.rekognition) == REKOGNITION
    assert set(state.lookoutvision) == LOOKOUTVISION
    # The other families keep their stores and transitions.
    state.rekognition["CreateProject"]({"ProjectName": "p"})
    assert set(state.rek_projects) == {"p"}


def test_public_classes_report_the_public_module() -> None:
    from aws_vision_async import emulator

    public = [getattr(emulator, name) for name in emulator.__all__]
    classes = [obj for obj in public if isinstance(obj, type) or callable(obj)]
    assert classes
    for obj in classes:
        assert obj.__module__ == "aws_vision_async.emulator", obj
