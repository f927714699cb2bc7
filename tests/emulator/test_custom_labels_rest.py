"""DeleteDataset, DistributeDatasetEntries, tags at creation, DetectCustomLabels on described scenes."""

from __future__ import annotations

import pytest

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import Emulator, Timings, scene_image
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import DatasetChanges, DistributeDataset, Image

from ._model_support import OUTPUT, ManualClock, classification_lines, detection_lines, trainable_project
from ._support import ACCOUNT, jsonl

pytestmark = pytest.mark.anyio

UPDATE, TRAINING, STARTING = 3.0, 10.0, 5.0


@pytest.fixture
def vision_emulator_timings() -> Timings:
    return Timings(dataset_update=UPDATE, training=TRAINING, starting=STARTING)


@pytest.fixture
def clock(emu: Emulator) -> ManualClock:
    clock = ManualClock()
    emu.state.clock = clock
    return clock


async def status(rek: RekognitionClient, arn: str) -> str | None:
    described = (await rek.describe_dataset(dataset_arn=arn)).dataset_description
    assert described is not None
    return described.status


async def entries(rek: RekognitionClient, arn: str) -> list[str]:
    return [line async for line in rek.list_dataset_entries(dataset_arn=arn)]


async def datasets(rek: RekognitionClient, project_arn: str) -> tuple[str, str]:
    """A TRAIN dataset of ten image-level entries and an empty TEST dataset, complete."""
    train = (await rek.create_dataset(project_arn=project_arn, dataset_type="TRAIN")).dataset_arn
    test = (await rek.create_dataset(project_arn=project_arn, dataset_type="TEST")).dataset_arn
    assert train is not None
    assert test is not None
    lines = classification_lines(("cat", "dog"), per_label=5)
    await rek.update_dataset_entries(dataset_arn=train, changes=DatasetChanges(ground_truth=jsonl(*lines)))
    return train, test


def pair(train: str, test: str) -> list[DistributeDataset]:
    return [DistributeDataset(arn=train), DistributeDataset(arn=test)]


async def new_project(rek: RekognitionClient, name: str = "p") -> str:
    arn = (await rek.create_project(project_name=name)).project_arn
    assert arn is not None
    return arn


# -- DeleteDataset ----------------------------------------------------------------------------------


async def test_delete_dataset_then_recreate(rek: RekognitionClient, clock: ManualClock) -> None:
    project = await new_project(rek)
    train, test = await datasets(rek, project)

    with pytest.raises(rek_errors.ResourceInUseException):  # being updated
        await rek.delete_dataset(dataset_arn=train)
    clock.advance(UPDATE)
    await rek.delete_dataset(dataset_arn=train)

    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.describe_dataset(dataset_arn=train)
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.delete_dataset(dataset_arn=train)
    [described] = (await rek.describe_projects(project_names=["p"])).project_descriptions or []
    assert [d.dataset_type for d in described.datasets or []] == ["TEST"]  # the other dataset stays
    assert await status(rek, test) == "CREATE_COMPLETE"

    clock.advance(1)
    again = (await rek.create_dataset(project_arn=project, dataset_type="TRAIN")).dataset_arn
    assert again is not None
    assert again != train
    assert await entries(rek, again) == []


async def test_delete_unknown_dataset_is_not_found(rek: RekognitionClient) -> None:
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.delete_dataset(dataset_arn=f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/p/dataset/train/1")


# -- DistributeDatasetEntries -------------------------------------------------------------------------


async def test_distribute_moves_a_fifth_of_the_entries(rek: RekognitionClient, clock: ManualClock) -> None:
    project = await new_project(rek)
    train, test = await datasets(rek, project)
    clock.advance(UPDATE)
    before = await entries(rek, train)

    await rek.distribute_dataset_entries(datasets=pair(test, train))  # either order

    assert [await status(rek, arn) for arn in (train, test)] == ["UPDATE_IN_PROGRESS"] * 2
    with pytest.raises(rek_errors.ResourceNotReadyException):
        await rek.distribute_dataset_entries(datasets=pair(train, test))
    clock.advance(UPDATE)
    assert [await status(rek, arn) for arn in (train, test)] == ["UPDATE_COMPLETE"] * 2
    kept, moved = await entries(rek, train), await entries(rek, test)
    assert len(moved) == 2
    assert len(kept) == 8
    assert sorted(kept + moved) == sorted(before)
    assert moved == [before[4], before[9]]  # every fifth: the same ones each time

    # "The test dataset must be empty": a second distribution is refused.
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.distribute_dataset_entries(datasets=pair(train, test))

    # The split datasets train a model.
    arn = (
        await rek.create_project_version(project_arn=project, version_name="v1", output_config=OUTPUT)
    ).project_version_arn
    clock.advance(TRAINING)
    [version] = (await rek.describe_project_versions(project_arn=project)).project_version_descriptions or []
    assert (version.project_version_arn, version.status) == (arn, "TRAINING_COMPLETED")


async def test_distribute_errors(rek: RekognitionClient, clock: ManualClock) -> None:
    project = await new_project(rek)
    train, test = await datasets(rek, project)
    clock.advance(UPDATE)
    other = await new_project(rek, "other")
    other_train, other_test = await datasets(rek, other)
    clock.advance(UPDATE)
    unknown = f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/p/dataset/test/1"

    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.distribute_dataset_entries(datasets=pair(train, unknown))
    with pytest.raises(rek_errors.InvalidParameterException):  # two training datasets
        await rek.distribute_dataset_entries(datasets=pair(train, other_train))
    with pytest.raises(rek_errors.InvalidParameterException):  # not of one project
        await rek.distribute_dataset_entries(datasets=pair(train, other_test))
    await rek.delete_dataset(dataset_arn=other_train)
    again = (await rek.create_dataset(project_arn=other, dataset_type="TRAIN")).dataset_arn
    assert again is not None
    with pytest.raises(rek_errors.InvalidParameterException):  # nothing to split
        await rek.distribute_dataset_entries(datasets=pair(again, other_test))
    # Nothing moved by the refusals.
    assert len(await entries(rek, train)) == 10
    assert await entries(rek, test) == []


async def test_distribute_waits_for_a_dataset_being_created(rek: RekognitionClient, emu: Emulator) -> None:
    emu.timings = Timings(dataset_create=60.0)
    project = await new_project(rek)
    train = (await rek.create_dataset(project_arn=project, dataset_type="TRAIN")).dataset_arn
    test = (await rek.create_dataset(project_arn=project, dataset_type="TEST")).dataset_arn
    assert train is not None
    assert test is not None

    with pytest.raises(rek_errors.ResourceNotReadyException):
        await rek.distribute_dataset_entries(datasets=pair(train, test))


# -- tags at creation ---------------------------------------------------------------------------------


async def test_tags_at_creation_and_forgotten_at_deletion(rek: RekognitionClient, emu: Emulator) -> None:
    emu.timings = Timings.instant()
    t = await trainable_project(rek, "tagged")
    project = (await rek.create_project(project_name="keys", tags={"team": "vision"})).project_arn
    assert project is not None
    dataset = (await rek.create_dataset(project_arn=project, dataset_type="TRAIN", tags={"kind": "train"})).dataset_arn
    assert dataset is not None
    version = (
        await rek.create_project_version(
            project_arn=t.project_arn, version_name="v1", output_config=OUTPUT, tags={"stage": "dev"}
        )
    ).project_version_arn
    assert version is not None
    copy = (
        await rek.copy_project_version(
            source_project_arn=t.project_arn,
            source_project_version_arn=version,
            destination_project_arn=t.project_arn,
            version_name="copy",
            output_config=OUTPUT,
            tags={"stage": "copy"},
        )
    ).project_version_arn
    assert copy is not None
    tags = emu.state.resource_tags
    key = emu.state.tag_key

    assert tags[key(project)] == {"team": "vision"}
    assert tags[key(dataset)] == {"kind": "train"}
    assert tags[key(version)] == {"stage": "dev"}
    assert tags[key(copy)] == {"stage": "copy"}
    assert tags[key(t.project_arn)] == {}  # taggable, no tags given

    await rek.delete_project_version(project_version_arn=copy)
    await rek.delete_dataset(dataset_arn=dataset)
    assert key(copy) not in tags
    assert key(dataset) not in tags
    assert tags[key(version)] == {"stage": "dev"}
    await rek.create_dataset(project_arn=project, dataset_type="TEST", tags={"kind": "test"})
    await rek.delete_project(project_arn=project)
    assert not any(k.startswith(key(project).rsplit("/", 1)[0]) for k in tags)  # the project and its dataset


# -- DetectCustomLabels on a described scene ----------------------------------------------------------


async def running_model(rek: RekognitionClient, emu: Emulator, lines: list[str] | None = None) -> str:
    emu.timings = Timings.instant()
    t = await trainable_project(rek, "scenes", train=lines, test=lines)
    arn = (
        await rek.create_project_version(project_arn=t.project_arn, version_name="v1", output_config=OUTPUT)
    ).project_version_arn
    assert arn is not None
    await rek.start_project_version(project_version_arn=arn, min_inference_units=1)
    return arn


async def test_a_scene_gets_its_labels_as_given(rek: RekognitionClient, emu: Emulator) -> None:
    arn = await running_model(rek, emu)
    picture = Image(bytes=scene_image(labels=("cat", "sofa", "cat")))

    found = (await rek.detect_custom_labels(project_version_arn=arn, image=picture)).custom_labels or []
    again = (await rek.detect_custom_labels(project_version_arn=arn, image=picture)).custom_labels or []

    assert sorted(label.name or "" for label in found) == ["cat", "sofa"]  # image-level: each name once
    assert all((label.confidence or 0) >= 90 and label.geometry is None for label in found)
    confidences = [label.confidence or 0 for label in found]
    assert confidences == sorted(confidences, reverse=True)
    assert again == found
    top = (await rek.detect_custom_labels(project_version_arn=arn, image=picture, max_results=1)).custom_labels
    assert top == found[:1]
    none = await rek.detect_custom_labels(project_version_arn=arn, image=picture, min_confidence=100)
    assert none.custom_labels == []
    empty = await rek.detect_custom_labels(project_version_arn=arn, image=Image(bytes=scene_image()))
    assert empty.custom_labels == []


async def test_an_object_localization_model_boxes_each_occurrence(rek: RekognitionClient, emu: Emulator) -> None:
    arn = await running_model(rek, emu, detection_lines())
    picture = Image(bytes=scene_image(labels=("dent", "dent", "scratch")))

    found = (await rek.detect_custom_labels(project_version_arn=arn, image=picture)).custom_labels or []

    assert sorted(label.name or "" for label in found) == ["dent", "dent", "scratch"]
    boxes = [label.geometry.bounding_box for label in found if label.geometry is not None]
    assert len(boxes) == 3
    for box in boxes:
        assert box is not None
        assert 0 <= (box.left or 0) <= (box.left or 0) + (box.width or 0) <= 1
        assert 0 <= (box.top or 0) <= (box.top or 0) + (box.height or 0) <= 1
