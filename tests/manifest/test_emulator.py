"""read_entries over real paginators and update_dataset_entries with to_changes, on the embedded emulator."""

from __future__ import annotations

import json
import warnings
from collections.abc import AsyncIterator
from contextlib import aclosing
from datetime import datetime, timezone

import pytest

from aws_vision_async import LookoutVisionClient, RekognitionClient
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator
from aws_vision_async.manifest import BoundingBox, DatasetEntry, read_entries, to_changes

from . import _docs

pytestmark = pytest.mark.anyio

WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


async def sample_train_dataset(rek: RekognitionClient, emu: Emulator) -> str:
    emu.reset(sample=True)
    project = await rek.describe_projects(project_names=["sample-project-1"])
    (description,) = project.project_descriptions or []
    arn = next(d.dataset_arn for d in description.datasets or [] if d.dataset_type == "TRAIN")
    assert arn is not None
    return arn


async def new_dataset(rek: RekognitionClient, name: str = "manifests") -> str:
    project_arn = (await rek.create_project(project_name=name)).project_arn
    assert project_arn is not None
    dataset_arn = (await rek.create_dataset(project_arn=project_arn, dataset_type="TRAIN")).dataset_arn
    assert dataset_arn is not None
    return dataset_arn


def assert_round_trip(entry: DatasetEntry, line: str) -> None:
    assert json.loads(entry.to_json_line()) == json.loads(line), line
    assert DatasetEntry.parse(entry.to_json_line()) == entry


async def test_every_line_of_the_sample_data_round_trips(rek: RekognitionClient, vision_emulator: Emulator) -> None:
    vision_emulator.reset(sample=True)
    datasets = [d.dataset_arn async for p in rek.describe_projects() for d in p.datasets or []]
    assert len(datasets) == 6
    kinds: set[tuple[bool, bool, bool]] = set()
    count = 0

    for arn in datasets:
        assert arn is not None
        async for line in rek.list_dataset_entries(dataset_arn=arn):
            entry = DatasetEntry.parse(line)
            assert_round_trip(entry, line)
            assert entry.extra == {}, line  # the sample has no shape this module leaves untyped
            kinds.add((bool(entry.image_labels), bool(entry.detections), entry.has_errors))
            count += 1

    assert count == 3 * (250 + 50)
    assert kinds == {(True, False, False), (False, True, False), (False, True, True), (False, False, False)}


async def test_every_lookout_for_vision_sample_line_round_trips(vision_emulator: Emulator) -> None:
    vision_emulator.reset(sample=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the service's end of support
        lfv = LookoutVisionClient(endpoint_url=vision_emulator.url, region_name="us-east-1", **EMULATOR_CREDENTIALS)
    async with lfv:
        lines: list[str] = []
        async for project in lfv.list_projects():
            assert project.project_name is not None
            lines += [
                x async for x in lfv.list_dataset_entries(project_name=project.project_name, dataset_type="train")
            ]

    entries = [DatasetEntry.parse(line) for line in lines]

    assert len(entries) == 3 * 250
    for entry, line in zip(entries, lines, strict=True):
        assert_round_trip(entry, line)
    assert {e.label_names for e in entries} == {("normal",), ("anomaly",)}


async def test_read_entries_types_every_line_of_a_listing(rek: RekognitionClient, vision_emulator: Emulator) -> None:
    arn = await sample_train_dataset(rek, vision_emulator)
    lines = [line async for line in rek.list_dataset_entries(dataset_arn=arn)]

    entries = [entry async for entry in read_entries(rek.list_dataset_entries(dataset_arn=arn, max_results=7))]

    assert len(entries) == len(lines) == 250
    for entry, line in zip(entries, lines, strict=True):
        assert_round_trip(entry, line)
    assert {e.source_ref for e in entries} == {json.loads(line)["source-ref"] for line in lines}
    assert any(e.image_labels for e in entries)
    assert any(e.boxes for e in entries)


async def test_the_service_filters_agree_with_the_typed_views(
    rek: RekognitionClient, vision_emulator: Emulator
) -> None:
    arn = await sample_train_dataset(rek, vision_emulator)
    everything = [e async for e in read_entries(rek.list_dataset_entries(dataset_arn=arn))]

    with_errors = [e async for e in read_entries(rek.list_dataset_entries(dataset_arn=arn, has_errors=True))]
    unlabeled = [e async for e in read_entries(rek.list_dataset_entries(dataset_arn=arn, labeled=False))]
    dents = [e async for e in read_entries(rek.list_dataset_entries(dataset_arn=arn, contains_labels=["dent"]))]

    assert with_errors == [e for e in everything if e.has_errors]
    assert {i.code for e in with_errors for i in e.all_errors} == {"ERROR_INVALID_BOUNDING_BOX"}
    assert unlabeled == [e for e in everything if not e.is_labeled]
    assert dents == [e for e in everything if "dent" in e.label_names]


# Also proves that AsyncPaginator closes its pages() generator when its items are closed
# mid-listing (trio warns about a suspended async generator left to the garbage collector).
async def test_read_entries_stops_with_its_consumer(rek: RekognitionClient, vision_emulator: Emulator) -> None:
    arn = await sample_train_dataset(rek, vision_emulator)
    before = vision_emulator.requests["rekognition:ListDatasetEntries"]

    async with aclosing(read_entries(rek.list_dataset_entries(dataset_arn=arn, max_results=10))) as entries:
        first = [entry async for entry, _ in zip_range(entries, 15)]

    assert len(first) == 15
    assert vision_emulator.requests["rekognition:ListDatasetEntries"] - before == 2  # two pages of 10, no more


async def zip_range(entries: AsyncIterator[DatasetEntry], count: int) -> AsyncIterator[tuple[DatasetEntry, int]]:
    n = 0
    async for entry in entries:
        yield entry, n
        n += 1
        if n == count:
            return


async def test_typed_entries_go_in_with_to_changes_and_come_back_the_same(rek: RekognitionClient) -> None:
    arn = await new_dataset(rek)
    entries = [
        DatasetEntry.classification(
            f"s3://amzn-s3-demo-bucket/widgets/img-{n:04d}.jpg", ["dent", "scratch"][n % 2], creation_date=WHEN
        )
        if n % 3
        else DatasetEntry.object_detection(
            f"s3://amzn-s3-demo-bucket/widgets/img-{n:04d}.jpg",
            [BoundingBox(label="crack", left=n % 500, top=10, width=50, height=60)],
            image_size=(640, 480),
            job_name="labeling-job/widgets",
            creation_date=WHEN,
        )
        for n in range(300)
    ]
    entries.append(DatasetEntry.parse(_docs.OBJECT_LOCALIZATION_ECHOS))

    requests = 0
    for changes in to_changes(entries, max_bytes=8000):
        await rek.update_dataset_entries(dataset_arn=arn, changes=changes)
        requests += 1
    listed = [e async for e in read_entries(rek.list_dataset_entries(dataset_arn=arn))]

    assert requests > 5
    assert listed == entries
    labels = {x.label_name async for x in rek.list_dataset_labels(dataset_arn=arn)}
    assert labels == {"dent", "scratch", "crack", "Echo", "Echo Dot"}


async def test_a_dataset_copies_through_async_iterables(rek: RekognitionClient, vision_emulator: Emulator) -> None:
    source = await sample_train_dataset(rek, vision_emulator)
    target = await new_dataset(rek, "copy")

    async for changes in to_changes(read_entries(rek.list_dataset_entries(dataset_arn=source)), max_bytes=20_000):
        await rek.update_dataset_entries(dataset_arn=target, changes=changes)

    copied = [line async for line in rek.list_dataset_entries(dataset_arn=target)]
    original = [line async for line in rek.list_dataset_entries(dataset_arn=source)]
    assert [json.loads(line) for line in copied] == [json.loads(line) for line in original]


async def test_fixed_entries_replace_theirs_without_their_old_errors(
    rek: RekognitionClient, vision_emulator: Emulator
) -> None:
    arn = await sample_train_dataset(rek, vision_emulator)
    broken = [e async for e in read_entries(rek.list_dataset_entries(dataset_arn=arn, has_errors=True))]
    assert broken

    # Same source-ref: UpdateDatasetEntries replaces the entry.
    fixed = [entry.without_errors() for entry in broken]
    for changes in to_changes(fixed):
        await rek.update_dataset_entries(dataset_arn=arn, changes=changes)

    assert [e async for e in read_entries(rek.list_dataset_entries(dataset_arn=arn, has_errors=True))] == []
    assert len([e async for e in read_entries(rek.list_dataset_entries(dataset_arn=arn))]) == 250
