"""The emulated Rekognition operations, through the SDK's client: projects, datasets, entries, labels, collections."""

from __future__ import annotations

import json
from datetime import timezone
from typing import Any

import pytest

from aws_vision_async import ConflictError, InvalidRequestError, NotFoundError, RekognitionClient
from aws_vision_async.emulator import Emulator, scene_image
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import CollectionSummary, DatasetChanges, DatasetSource

from ._support import ACCOUNT, classification, detection, jsonl, name_of, rek_client, unlabeled

pytestmark = pytest.mark.anyio


async def names(rek: RekognitionClient, **kwargs: Any) -> list[str]:
    return [name_of(p.project_arn) async for p in rek.describe_projects(**kwargs)]


async def entries(rek: RekognitionClient, dataset_arn: str, **filters: Any) -> list[str]:
    return [e async for e in rek.list_dataset_entries(dataset_arn=dataset_arn, **filters)]


async def new_dataset(rek: RekognitionClient, project: str = "p", kind: str = "TRAIN") -> str:
    arn = (await rek.create_project(project_name=project)).project_arn
    assert arn is not None
    dataset = (await rek.create_dataset(project_arn=arn, dataset_type=kind)).dataset_arn  # type: ignore[arg-type]
    assert dataset is not None
    return dataset


async def update(rek: RekognitionClient, dataset_arn: str, *lines: str) -> None:
    await rek.update_dataset_entries(dataset_arn=dataset_arn, changes=DatasetChanges(ground_truth=jsonl(*lines)))


# -- projects --------------------------------------------------------------------------------------


async def test_create_project_returns_an_arn_and_describe_projects_lists_it(rek: RekognitionClient) -> None:
    created = await rek.create_project(project_name="widgets")

    assert created.project_arn is not None
    assert created.project_arn.startswith(f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/widgets/")
    page = await rek.describe_projects()
    assert page.next_token is None
    [project] = page.project_descriptions or []
    assert project.project_arn == created.project_arn
    assert project.status == "CREATED"
    assert project.feature == "CUSTOM_LABELS"
    assert project.datasets == []
    assert project.creation_timestamp is not None
    assert project.creation_timestamp.tzinfo is not None
    assert project.creation_timestamp.utcoffset() == timezone.utc.utcoffset(None)


async def test_describe_projects_filters_by_names_and_features(rek: RekognitionClient) -> None:
    await rek.create_project(project_name="p1")
    await rek.create_project(project_name="moderation", feature="CONTENT_MODERATION", auto_update="ENABLED")
    await rek.create_project(project_name="p3", feature="CUSTOM_LABELS")

    # Without Features, only Custom Labels projects: the moderation project is hidden.
    assert await names(rek) == ["p1", "p3"]
    assert await names(rek, project_names=["moderation"]) == []
    moderation = [p async for p in rek.describe_projects(features=["CONTENT_MODERATION"])]
    assert [p.feature for p in moderation] == ["CONTENT_MODERATION"]
    assert moderation[0].auto_update == "ENABLED"
    assert await names(rek, features=["CUSTOM_LABELS", "CONTENT_MODERATION"]) == ["p1", "moderation", "p3"]
    assert await names(rek, project_names=["p3", "absent"]) == ["p3"]
    assert await names(rek, project_names=["p1", "moderation"], features=["CONTENT_MODERATION"]) == ["moderation"]
    assert await names(rek, project_names=["absent"]) == []


async def test_auto_update_applies_to_content_moderation_only(rek: RekognitionClient) -> None:
    await rek.create_project(project_name="custom", auto_update="ENABLED")

    [project] = [p async for p in rek.describe_projects()]
    assert project.auto_update is None


async def test_create_project_twice_is_resource_in_use(rek: RekognitionClient, emu: Emulator) -> None:
    await rek.create_project(project_name="twice")

    with pytest.raises(rek_errors.ResourceInUseException) as caught:
        await rek.create_project(project_name="twice")

    assert isinstance(caught.value, ConflictError)
    assert caught.value.status_code == 400
    assert "twice" in caught.value.message
    assert caught.value.request_id
    assert len(emu.state.rek_projects) == 1


async def test_delete_project_then_it_is_not_found(rek: RekognitionClient) -> None:
    arn = (await rek.create_project(project_name="gone")).project_arn
    assert arn is not None
    await rek.create_project(project_name="kept")

    deleted = await rek.delete_project(project_arn=arn)

    assert deleted.status == "DELETING"
    assert await names(rek) == ["kept"]
    with pytest.raises(rek_errors.ResourceNotFoundException) as caught:
        await rek.delete_project(project_arn=arn)
    assert isinstance(caught.value, NotFoundError)
    assert caught.value.status_code == 400
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.create_dataset(project_arn=arn, dataset_type="TRAIN")
    # The name is free again.
    assert (await rek.create_project(project_name="gone")).project_arn


# -- datasets ------------------------------------------------------------------------------------


async def test_create_train_and_test_datasets(rek: RekognitionClient) -> None:
    project = (await rek.create_project(project_name="p")).project_arn
    assert project is not None

    train = (await rek.create_dataset(project_arn=project, dataset_type="TRAIN")).dataset_arn
    test = (await rek.create_dataset(project_arn=project, dataset_type="TEST")).dataset_arn

    assert train is not None
    assert test is not None
    assert train.startswith(f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/p/dataset/train/")
    assert test.startswith(f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/p/dataset/test/")
    [described] = [p async for p in rek.describe_projects()]
    datasets = {d.dataset_type: d for d in described.datasets or []}
    assert set(datasets) == {"TRAIN", "TEST"}
    assert datasets["TRAIN"].dataset_arn == train
    assert datasets["TEST"].dataset_arn == test
    assert {d.status for d in datasets.values()} == {"CREATE_COMPLETE"}
    assert await entries(rek, train) == []


async def test_duplicate_dataset_is_resource_already_exists(rek: RekognitionClient) -> None:
    project = (await rek.create_project(project_name="p")).project_arn
    assert project is not None
    await rek.create_dataset(project_arn=project, dataset_type="TRAIN")

    with pytest.raises(rek_errors.ResourceAlreadyExistsException) as caught:
        await rek.create_dataset(project_arn=project, dataset_type="TRAIN")

    assert isinstance(caught.value, ConflictError)
    assert caught.value.status_code == 400


async def test_create_dataset_of_unknown_project_is_not_found(rek: RekognitionClient) -> None:
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.create_dataset(
            project_arn=f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/none/1700000000000", dataset_type="TRAIN"
        )


async def test_create_dataset_copies_another_dataset(rek: RekognitionClient, emu: Emulator) -> None:
    source = await new_dataset(rek, "source")
    lines = [classification(f"s3://b/{i}.jpg", "cat") for i in range(3)]
    await update(rek, source, *lines)
    target_project = (await rek.create_project(project_name="target")).project_arn
    assert target_project is not None

    copy = (
        await rek.create_dataset(
            project_arn=target_project, dataset_type="TEST", dataset_source=DatasetSource(dataset_arn=source)
        )
    ).dataset_arn

    assert copy is not None
    assert copy != source
    assert await entries(rek, copy) == lines
    # A copy, not the same list: changing it leaves the source alone.
    await update(rek, copy, classification("s3://b/new.jpg", "dog"))
    assert len(await entries(rek, copy)) == 4
    assert await entries(rek, source) == lines


async def test_create_dataset_from_unknown_dataset_is_not_found_and_creates_nothing(
    rek: RekognitionClient, emu: Emulator
) -> None:
    project = (await rek.create_project(project_name="p")).project_arn
    assert project is not None
    missing = f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/other/dataset/train/1700000000000"

    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.create_dataset(
            project_arn=project, dataset_type="TRAIN", dataset_source=DatasetSource(dataset_arn=missing)
        )

    assert emu.state.rek_projects["p"].datasets == {}


# -- dataset entries --------------------------------------------------------------------------------


async def test_update_dataset_entries_adds_lines_and_replaces_by_source_ref(rek: RekognitionClient) -> None:
    dataset = await new_dataset(rek)
    a, b, c = (classification(f"s3://b/{n}.jpg", "cat") for n in "abc")
    await update(rek, dataset, a, b)
    await update(rek, dataset, c, "", "   ")  # blank lines are ignored

    assert await entries(rek, dataset) == [a, b, c]

    b2 = classification("s3://b/b.jpg", "dog")
    d = unlabeled("s3://b/d.jpg")
    await update(rek, dataset, b2, d)

    # b's line is replaced where it was; d is added at the end.
    assert await entries(rek, dataset) == [a, b2, c, d]
    labels = {x.label_name async for x in rek.list_dataset_labels(dataset_arn=dataset)}
    assert labels == {"cat", "dog"}


@pytest.mark.parametrize(
    "bad",
    [
        b"not json at all",
        b'{"no-source-ref": 1}',
        b'{"source-ref": 5}',
        b'["s3://b/a.jpg"]',
        b'{"source-ref": "s3://b/a.jpg"',
        b"\xff\xfe not utf-8",
    ],
    ids=["not-json", "no-source-ref", "source-ref-not-a-string", "not-an-object", "truncated", "not-utf8"],
)
async def test_invalid_lines_are_rejected_and_nothing_is_applied(rek: RekognitionClient, bad: bytes) -> None:
    dataset = await new_dataset(rek)
    first = classification("s3://b/a.jpg", "cat")
    await update(rek, dataset, first)

    good = classification("s3://b/good.jpg", "dog").encode()
    replacing = classification("s3://b/a.jpg", "dog").encode()
    with pytest.raises(rek_errors.InvalidParameterException) as caught:
        await rek.update_dataset_entries(
            dataset_arn=dataset, changes=DatasetChanges(ground_truth=b"\n".join([good, replacing, bad]))
        )

    assert isinstance(caught.value, InvalidRequestError)
    assert caught.value.status_code == 400
    assert await entries(rek, dataset) == [first]


async def test_entries_of_unknown_dataset_are_not_found(rek: RekognitionClient) -> None:
    arn = f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/none/dataset/train/1700000000000"

    with pytest.raises(rek_errors.ResourceNotFoundException):
        await entries(rek, arn)
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await update(rek, arn, classification("s3://b/a.jpg", "cat"))
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.list_dataset_labels(dataset_arn=arn)


# The filter fixture: what each line has.
CAT = classification("s3://b/pets/cat.jpg", "cat")
# Boxes of class 1 only: "dog" is used, "cat" is only in the class map.
DOG_BOXES = detection("s3://b/pets/dog-boxes.jpg", [1, 1], {"0": "cat", "1": "dog"}, errors=True)
RAW = unlabeled("s3://b/other/raw.jpg")
DOG = classification("s3://b/other/dog.jpg", "dog", errors=True)
BIRD = classification("s3://b/pets/bird.jpg", "bird")
ALL = [CAT, DOG_BOXES, RAW, DOG, BIRD]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ALL),
        ({"contains_labels": ["cat"]}, [CAT]),
        ({"contains_labels": ["dog"]}, [DOG_BOXES, DOG]),
        ({"contains_labels": ["cat", "bird"]}, [CAT, BIRD]),
        ({"contains_labels": ["fish"]}, []),
        ({"labeled": True}, [CAT, DOG_BOXES, DOG, BIRD]),
        ({"labeled": False}, [RAW]),
        ({"source_ref_contains": "pets/"}, [CAT, DOG_BOXES, BIRD]),
        ({"source_ref_contains": "dog"}, [DOG_BOXES, DOG]),
        ({"source_ref_contains": "nowhere"}, []),
        ({"has_errors": True}, [DOG_BOXES, DOG]),
        ({"has_errors": False}, [CAT, RAW, BIRD]),
        ({"contains_labels": ["dog"], "has_errors": True, "source_ref_contains": "pets"}, [DOG_BOXES]),
        ({"labeled": True, "has_errors": False, "source_ref_contains": "pets"}, [CAT, BIRD]),
        ({"labeled": False, "has_errors": True}, []),
        ({"contains_labels": ["dog", "bird"], "labeled": True, "has_errors": False}, [BIRD]),
    ],
    ids=lambda v: json.dumps(v, sort_keys=True)[:60] if isinstance(v, dict) else None,
)
async def test_list_dataset_entries_filters(
    rek: RekognitionClient, filters: dict[str, object], expected: list[str]
) -> None:
    dataset = await new_dataset(rek)
    await update(rek, dataset, *ALL)

    assert await entries(rek, dataset, **filters) == expected


async def test_list_dataset_labels_counts_entries_per_label(rek: RekognitionClient) -> None:
    dataset = await new_dataset(rek)
    await update(rek, dataset, *ALL, classification("s3://b/cat2.jpg", "cat"))

    labels = [x async for x in rek.list_dataset_labels(dataset_arn=dataset)]

    assert [x.label_name for x in labels] == ["bird", "cat", "dog"]
    counts = {x.label_name: x.label_stats.entry_count for x in labels if x.label_stats}
    assert counts == {"bird": 1, "cat": 2, "dog": 2}
    boxes = {x.label_name: x.label_stats.bounding_box_count for x in labels if x.label_stats}
    assert boxes["bird"] == 0
    assert boxes["cat"] == 0


async def test_list_dataset_labels_of_an_empty_dataset(rek: RekognitionClient) -> None:
    dataset = await new_dataset(rek)

    page = await rek.list_dataset_labels(dataset_arn=dataset)

    assert page.dataset_label_descriptions == []
    assert page.next_token is None


async def test_bounding_box_count_counts_only_the_boxes_of_the_label(rek: RekognitionClient) -> None:
    """LabelStats.BoundingBoxCount: "the total number of images that have the label assigned to a bounding box".

    One image with one "cat" box and two "dog" boxes: cat has 1 (image or box)
    whichever way it is read, and dog 1 (images) or 2 (boxes); never the 3 boxes
    of the whole image.
    """
    dataset = await new_dataset(rek)
    await update(rek, dataset, detection("s3://b/pair.jpg", [0, 1, 1], {"0": "cat", "1": "dog"}))

    labels = {x.label_name: x.label_stats async for x in rek.list_dataset_labels(dataset_arn=dataset)}

    assert labels["cat"] is not None
    assert labels["dog"] is not None
    assert labels["cat"].entry_count == 1
    assert labels["dog"].entry_count == 1
    assert labels["cat"].bounding_box_count == 1
    assert labels["dog"].bounding_box_count in (1, 2)


# -- collections ------------------------------------------------------------------------------------


async def test_collection_lifecycle(rek: RekognitionClient) -> None:
    created = await rek.create_collection(collection_id="faces")

    assert created.status_code == 200
    assert created.collection_arn == f"aws:rekognition:us-east-1:{ACCOUNT}:collection/faces"
    assert created.face_model_version
    described = await rek.describe_collection(collection_id="faces")
    assert described.face_count == 0
    assert described.collection_arn == created.collection_arn
    assert described.face_model_version == created.face_model_version
    assert described.creation_timestamp is not None
    assert described.creation_timestamp.tzinfo is not None

    deleted = await rek.delete_collection(collection_id="faces")

    assert deleted.status_code == 200
    with pytest.raises(rek_errors.ResourceNotFoundException) as caught:
        await rek.describe_collection(collection_id="faces")
    assert caught.value.status_code == 400
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.delete_collection(collection_id="faces")


async def test_create_collection_twice_is_resource_already_exists(rek: RekognitionClient, emu: Emulator) -> None:
    await rek.create_collection(collection_id="faces")

    with pytest.raises(rek_errors.ResourceAlreadyExistsException) as caught:
        await rek.create_collection(collection_id="faces")

    assert isinstance(caught.value, ConflictError)
    assert caught.value.status_code == 400
    assert list(emu.state.collections) == ["faces"]


async def test_list_collections_with_face_model_versions_sorted_by_id(rek: RekognitionClient) -> None:
    for cid in ("zeta", "alpha", "mid"):
        await rek.create_collection(collection_id=cid)

    page = await rek.list_collections()
    listed = [c async for c in rek.list_collections()]

    assert page.collection_ids == ["alpha", "mid", "zeta"]
    assert page.face_model_versions is not None
    assert len(page.face_model_versions) == 3
    assert listed == [CollectionSummary(collection_id=c, face_model_version="7.0") for c in ("alpha", "mid", "zeta")]


# -- what is not emulated ----------------------------------------------------------------------------


async def test_unemulated_operation_is_not_implemented_501_and_not_retried(emu: Emulator) -> None:
    # Every operation is emulated: one taken out of the handler table stands for what a
    # newer botocore model may add before the emulator knows it.
    del emu.state.rekognition["DetectLabels"]
    async with rek_client(emu.url, max_attempts=4) as rek:
        with pytest.raises(rek_errors.RekognitionError) as caught:
            await rek.detect_labels(image={"Bytes": scene_image(labels=("Tree",))})  # type: ignore[arg-type]

    error = caught.value
    assert error.code == "NotImplementedException"
    assert error.status_code == 501
    assert "DetectLabels" in error.message
    assert "not emulated" in error.message
    assert error.operation_name == "DetectLabels"
    assert error.request_id
    assert emu.requests["rekognition:DetectLabels"] == 1


async def test_unemulated_operation_counts_and_does_not_disturb_state(rek: RekognitionClient, emu: Emulator) -> None:
    del emu.state.rekognition["IndexFaces"]
    await rek.create_collection(collection_id="c")
    with pytest.raises(rek_errors.RekognitionError) as caught:
        await rek.index_faces(collection_id="c", image={"Bytes": scene_image(faces=("ada",))})  # type: ignore[arg-type]
    described = await rek.describe_collection(collection_id="c")

    assert caught.value.code == "NotImplementedException"

    assert described.face_count == 0
    assert emu.requests["rekognition:IndexFaces"] == 1
