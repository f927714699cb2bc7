"""Sample data: counts and shapes, seen through the SDK; scaling and determinism, seen in the state."""

from __future__ import annotations

import json

import pytest

from aws_vision_async import LookoutVisionClient, RekognitionClient
from aws_vision_async.emulator import Emulator, SampleData, State
from aws_vision_async.emulator._sample import populate

from ._support import name_of

pytestmark = pytest.mark.anyio

DEFECTS = {"scratch", "dent", "crack"}


@pytest.fixture
def sampled(emu: Emulator) -> Emulator:
    emu.reset(sample=True)
    return emu


async def test_default_sample_has_three_projects_with_train_and_test(rek: RekognitionClient, sampled: Emulator) -> None:
    projects = [p async for p in rek.describe_projects()]

    assert [name_of(p.project_arn) for p in projects] == [f"sample-project-{n}" for n in (1, 2, 3)]
    for project in projects:
        kinds = {d.dataset_type: d.dataset_arn for d in project.datasets or []}
        assert set(kinds) == {"TRAIN", "TEST"}
        train = [e async for e in rek.list_dataset_entries(dataset_arn=kinds["TRAIN"])]  # type: ignore[arg-type]
        test = [e async for e in rek.list_dataset_entries(dataset_arn=kinds["TEST"])]  # type: ignore[arg-type]
        assert len(train) == 250
        assert len(test) == 50


async def test_sample_entries_are_ground_truth_lines_of_every_kind(rek: RekognitionClient, sampled: Emulator) -> None:
    [project, *_] = [p async for p in rek.describe_projects()]
    train = next(d.dataset_arn for d in project.datasets or [] if d.dataset_type == "TRAIN")
    assert train is not None

    lines = [json.loads(e) async for e in rek.list_dataset_entries(dataset_arn=train)]
    with_errors = [e async for e in rek.list_dataset_entries(dataset_arn=train, has_errors=True)]
    not_labeled = [json.loads(e) async for e in rek.list_dataset_entries(dataset_arn=train, labeled=False)]
    labels = [x async for x in rek.list_dataset_labels(dataset_arn=train)]

    refs = [line["source-ref"] for line in lines]
    assert all(isinstance(r, str) and r.startswith("s3://") for r in refs)
    assert len(set(refs)) == len(refs)
    boxed = [line for line in lines if "bounding-box" in line]
    assert boxed
    assert all(line["bounding-box"]["annotations"] for line in boxed)
    assert all(
        {"left", "top", "width", "height", "class_id"} <= set(a)
        for b in boxed
        for a in b["bounding-box"]["annotations"]
    )
    assert any("defect-metadata" in line for line in lines)  # image-level labels too
    assert 0 < len(with_errors) < len(lines)
    assert 0 < len(not_labeled) < len(lines)
    assert all(set(line) == {"source-ref"} for line in not_labeled)
    assert {x.label_name for x in labels} == DEFECTS
    assert all(x.label_stats is not None and x.label_stats.entry_count for x in labels)


async def test_sample_lookoutvision_projects_have_normal_and_anomaly_entries(
    lfv: LookoutVisionClient, sampled: Emulator
) -> None:
    projects = [p.project_name async for p in lfv.list_projects()]

    assert projects == [f"sample-lfv-project-{n}" for n in (1, 2, 3)]
    for name in projects:
        assert name is not None
        described = (await lfv.describe_project(project_name=name)).project_description
        assert described is not None
        assert [d.dataset_type for d in described.datasets or []] == ["train"]
        lines = [json.loads(e) async for e in lfv.list_dataset_entries(project_name=name, dataset_type="train")]
        normal = [
            e async for e in lfv.list_dataset_entries(project_name=name, dataset_type="train", anomaly_class="normal")
        ]
        anomaly = [
            e async for e in lfv.list_dataset_entries(project_name=name, dataset_type="train", anomaly_class="anomaly")
        ]
        assert len(lines) == 250
        assert len(normal) + len(anomaly) == 250
        assert normal
        assert anomaly
        classes = {line["anomaly-label-metadata"]["class-name"] for line in lines}
        assert classes == {"normal", "anomaly"}
        assert all(isinstance(line["source-ref"], str) for line in lines)


async def test_sample_collections_are_listed_with_face_model_versions(
    rek: RekognitionClient, sampled: Emulator
) -> None:
    collections = [c async for c in rek.list_collections()]

    assert [c.collection_id for c in collections] == [f"sample-collection-{n}" for n in (1, 2, 3)]
    assert all(c.face_model_version for c in collections)
    described = await rek.describe_collection(collection_id="sample-collection-1")
    assert described.face_model_version == collections[0].face_model_version


async def test_sample_size_is_configurable(rek: RekognitionClient, emu: Emulator) -> None:
    emu.reset(sample=SampleData(projects=1, entries=12, collections=0))

    [project] = [p async for p in rek.describe_projects()]
    sizes = {}
    for d in project.datasets or []:
        sizes[d.dataset_type] = len([e async for e in rek.list_dataset_entries(dataset_arn=d.dataset_arn)])  # type: ignore[arg-type]

    assert sizes == {"TRAIN": 12, "TEST": 2}
    assert [c async for c in rek.list_collections()] == []
    assert list(emu.state.lfv_projects) == ["sample-lfv-project-1"]
    assert len(emu.state.lfv_projects["sample-lfv-project-1"].datasets["train"].entries) == 12


def test_tiny_sample_still_has_a_test_entry() -> None:
    state = State()
    populate(state, SampleData(projects=1, entries=3, collections=1))

    datasets = state.rek_projects["sample-project-1"].datasets
    assert len(datasets["TRAIN"].entries) == 3
    assert len(datasets["TEST"].entries) == 1


def test_sample_is_deterministic_per_seed() -> None:
    def lines(seed: int) -> list[str]:
        state = State()
        populate(state, SampleData(projects=1, entries=40, collections=0, seed=seed))
        rek = [e.line for d in state.rek_projects["sample-project-1"].datasets.values() for e in d.entries]
        lfv = [e.line for e in state.lfv_projects["sample-lfv-project-1"].datasets["train"].entries]
        return rek + lfv

    assert lines(7) == lines(7)
    assert lines(7) != lines(8)


def test_an_emulator_built_with_a_sample_resets_to_it() -> None:
    emulator = Emulator(sample=SampleData(projects=2, entries=5, collections=1))
    assert sorted(emulator.state.rek_projects) == ["sample-project-1", "sample-project-2"]
    emulator.state.rek_projects.clear()

    emulator.reset()
    assert sorted(emulator.state.rek_projects) == ["sample-project-1", "sample-project-2"]
    assert list(emulator.state.collections) == ["sample-collection-1"]

    emulator.reset(sample=False)
    assert emulator.state.rek_projects == {}
    assert emulator.state.lfv_projects == {}
    assert emulator.state.collections == {}
