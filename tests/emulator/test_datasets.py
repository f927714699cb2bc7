"""DescribeDataset (statistics and statuses), timed dataset and project statuses, datasets from the emulator's S3."""

from __future__ import annotations

import pytest

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import Emulator, SampleData, Timings
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import DatasetChanges, DatasetSource, GroundTruthManifest, S3Object

from ._model_support import OUTPUT, ManualClock, classification_lines
from ._support import ACCOUNT, classification, detection, jsonl, unlabeled

pytestmark = pytest.mark.anyio

CREATE, UPDATE, PROJECT = 5.0, 3.0, 2.0


async def new_dataset(rek: RekognitionClient, kind: str = "TRAIN", **extra: object) -> str:
    project = (await rek.create_project(project_name="p")).project_arn
    assert project is not None
    arn = (await rek.create_dataset(project_arn=project, dataset_type=kind, **extra)).dataset_arn  # type: ignore[arg-type]
    assert arn is not None
    return arn


async def update(rek: RekognitionClient, arn: str, *lines: str) -> None:
    await rek.update_dataset_entries(dataset_arn=arn, changes=DatasetChanges(ground_truth=jsonl(*lines)))


# -- statistics (no timings: the defaults are instant for datasets) ----------------------------------


async def test_describe_dataset_counts_entries_labels_and_errors(rek: RekognitionClient) -> None:
    arn = await new_dataset(rek)
    await update(
        rek,
        arn,
        classification("s3://b/1.jpg", "cat"),
        classification("s3://b/2.jpg", "dog", errors=True),
        detection("s3://b/3.jpg", [0, 1], {"0": "cat", "1": "bird", "2": "unused"}, errors=True),
        unlabeled("s3://b/4.jpg"),
        unlabeled("s3://b/5.jpg"),
    )

    described = (await rek.describe_dataset(dataset_arn=arn)).dataset_description

    assert described is not None
    assert described.status == "UPDATE_COMPLETE"
    assert described.status_message_code == "SUCCESS"
    assert described.creation_timestamp is not None
    assert described.last_updated_timestamp is not None
    assert described.last_updated_timestamp >= described.creation_timestamp
    stats = described.dataset_stats
    assert stats is not None
    assert (stats.total_entries, stats.labeled_entries, stats.error_entries) == (5, 3, 2)
    # Label names in use: cat, dog, bird (a class-map name no box uses is not one).
    assert stats.total_labels == 3


async def test_describe_an_empty_new_dataset(rek: RekognitionClient) -> None:
    arn = await new_dataset(rek, "TEST")

    described = (await rek.describe_dataset(dataset_arn=arn)).dataset_description

    assert described is not None
    assert described.status == "CREATE_COMPLETE"
    assert described.status_message == "The dataset was successfully created."
    assert described.dataset_stats is not None
    assert described.dataset_stats.model_dump() == {
        "labeled_entries": 0,
        "total_entries": 0,
        "total_labels": 0,
        "error_entries": 0,
    }


async def test_describe_an_unknown_dataset_is_not_found(rek: RekognitionClient) -> None:
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.describe_dataset(
            dataset_arn=f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/p/dataset/train/1700000000000"
        )


async def test_a_dataset_from_a_manifest_in_the_emulators_s3(rek: RekognitionClient, emu: Emulator) -> None:
    lines = classification_lines(per_label=2)
    emu.state.put_object("manifests", "train.manifest", jsonl(*lines, "not json"))
    emu.state.put_object("manifests", "binary.manifest", b"\xff\xfe")

    def source(name: str) -> DatasetSource:
        return DatasetSource(
            ground_truth_manifest=GroundTruthManifest(s3_object=S3Object(bucket="manifests", name=name))
        )

    filled = await new_dataset(rek, "TRAIN", dataset_source=source("train.manifest"))
    project = emu.state.rek_projects["p"].arn
    broken = (
        await rek.create_dataset(project_arn=project, dataset_type="TEST", dataset_source=source("binary.manifest"))
    ).dataset_arn
    assert broken is not None

    assert [e async for e in rek.list_dataset_entries(dataset_arn=filled)] == lines  # the bad line is left out
    described = (await rek.describe_dataset(dataset_arn=broken)).dataset_description
    assert described is not None
    assert (described.status, described.status_message_code) == ("CREATE_FAILED", "CLIENT_ERROR")


async def test_a_manifest_not_in_the_emulators_s3_makes_an_empty_dataset(rek: RekognitionClient) -> None:
    source = DatasetSource(
        ground_truth_manifest=GroundTruthManifest(s3_object=S3Object(bucket="manifests", name="absent"))
    )

    arn = await new_dataset(rek, dataset_source=source)

    described = (await rek.describe_dataset(dataset_arn=arn)).dataset_description
    assert described is not None
    assert described.status == "CREATE_COMPLETE"
    assert described.dataset_stats is not None
    assert described.dataset_stats.total_entries == 0


# -- timed statuses --------------------------------------------------------------------------------


class TestTimedStatuses:
    @pytest.fixture
    def vision_emulator_timings(self) -> Timings:
        return Timings(dataset_create=CREATE, dataset_update=UPDATE, project_create=PROJECT)

    @pytest.fixture
    def clock(self, emu: Emulator) -> ManualClock:
        clock = ManualClock()
        emu.state.clock = clock
        return clock

    async def status(self, rek: RekognitionClient, arn: str) -> str | None:
        described = (await rek.describe_dataset(dataset_arn=arn)).dataset_description
        assert described is not None
        return described.status

    async def test_create_then_update(self, rek: RekognitionClient, clock: ManualClock) -> None:
        arn = await new_dataset(rek)

        assert await self.status(rek, arn) == "CREATE_IN_PROGRESS"
        [project] = [p async for p in rek.describe_projects()]
        assert project.datasets is not None
        assert project.datasets[0].status == "CREATE_IN_PROGRESS"
        # Entries cannot be listed or changed before the dataset exists.
        with pytest.raises(rek_errors.ResourceNotReadyException):
            await rek.list_dataset_entries(dataset_arn=arn)
        with pytest.raises(rek_errors.ResourceNotReadyException):
            await rek.list_dataset_labels(dataset_arn=arn)
        with pytest.raises(rek_errors.ResourceInUseException):
            await update(rek, arn, classification("s3://b/1.jpg", "cat"))

        clock.advance(CREATE)
        assert await self.status(rek, arn) == "CREATE_COMPLETE"
        await update(rek, arn, classification("s3://b/1.jpg", "cat"))

        assert await self.status(rek, arn) == "UPDATE_IN_PROGRESS"
        with pytest.raises(rek_errors.ResourceInUseException):
            await update(rek, arn, classification("s3://b/2.jpg", "dog"))
        # The entries are there already; the update is still being processed.
        assert len([e async for e in rek.list_dataset_entries(dataset_arn=arn)]) == 1
        clock.advance(UPDATE)
        assert await self.status(rek, arn) == "UPDATE_COMPLETE"
        await update(rek, arn, classification("s3://b/2.jpg", "dog"))
        clock.advance(UPDATE)
        described = (await rek.describe_dataset(dataset_arn=arn)).dataset_description
        assert described is not None
        assert described.status == "UPDATE_COMPLETE"
        assert described.dataset_stats is not None
        assert described.dataset_stats.total_entries == 2

    async def test_training_waits_for_the_datasets(self, rek: RekognitionClient, clock: ManualClock) -> None:
        project = (await rek.create_project(project_name="p")).project_arn
        assert project is not None
        for kind in ("TRAIN", "TEST"):
            await rek.create_dataset(project_arn=project, dataset_type=kind)  # type: ignore[arg-type]

        with pytest.raises(rek_errors.ResourceInUseException):
            await rek.create_project_version(project_arn=project, version_name="v1", output_config=OUTPUT)

    async def test_a_project_is_creating_then_created(self, rek: RekognitionClient, clock: ManualClock) -> None:
        await rek.create_project(project_name="p")

        [creating] = [p async for p in rek.describe_projects()]
        clock.advance(PROJECT)
        [created] = [p async for p in rek.describe_projects()]

        assert (creating.status, created.status) == ("CREATING", "CREATED")

    async def test_sample_data_is_ready_whatever_the_timings(self, rek: RekognitionClient, emu: Emulator) -> None:
        emu.reset(sample=SampleData(projects=1, entries=10, collections=0))

        [project] = [p async for p in rek.describe_projects()]
        assert project.status == "CREATED"
        assert {d.status for d in project.datasets or []} == {"UPDATE_COMPLETE"}
