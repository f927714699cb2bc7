"""to_changes: batches of JSON Lines within UpdateDatasetEntries' size limit, from iterables and async iterables."""

from __future__ import annotations

import itertools
import random
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any, cast

import pytest

from aws_vision_async.manifest import (
    GROUND_TRUTH_MAX_BYTES,
    BoundingBox,
    DatasetEntry,
    ImageLabel,
    ManifestRuleError,
    to_changes,
)
from aws_vision_async.rekognition.models import DatasetChanges, UpdateDatasetEntriesRequest

WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def make_entries(count: int, *, seed: int = 1, pad: int = 0) -> list[DatasetEntry]:
    """Entries of varied lengths, image-level and with boxes; ``pad`` lengthens each by about that much."""
    rng = random.Random(seed)  # noqa: S311 - test data
    entries: list[DatasetEntry] = []
    for n in range(count):
        ref = f"s3://amzn-s3-demo-bucket/widgets/{'é' * rng.randrange(5)}img-{n:06d}.jpg"
        job = "j" * (pad + rng.randrange(50)) if pad or n % 3 else None
        if n % 2:
            entries.append(
                DatasetEntry.classification(ref, ["dent", "scratch"][: 1 + n % 2], job_name=job, creation_date=WHEN)
            )
        else:
            boxes = [BoundingBox(label="dent", left=1, top=2, width=30, height=40) for _ in range(1 + n % 4)]
            entries.append(
                DatasetEntry.object_detection(ref, boxes, image_size=(640, 480), job_name=job, creation_date=WHEN)
            )
    return entries


def lines_of(batches: list[DatasetChanges]) -> list[str]:
    return [line for b in batches for line in b.ground_truth.decode().split("\n")]


@pytest.mark.parametrize("max_bytes", [700, 1000, 4096, 65536])
def test_batches_hold_every_entry_once_in_order_within_the_limit(max_bytes: int) -> None:
    entries = make_entries(300)
    expected = [e.to_json_line() for e in entries]

    batches = list(to_changes(entries, max_bytes=max_bytes))

    assert all(isinstance(b, DatasetChanges) for b in batches)
    assert all(0 < len(b.ground_truth) <= max_bytes for b in batches)
    assert lines_of(batches) == expected
    # Greedy: no batch could have taken the first line of the next one.
    for batch, following in itertools.pairwise(batches):
        first = following.ground_truth.split(b"\n", 1)[0]
        assert len(batch.ground_truth) + 1 + len(first) > max_bytes
    assert [DatasetEntry.parse(line) for line in lines_of(batches)] == entries


def test_sizes_are_counted_in_utf8_bytes() -> None:
    entry = DatasetEntry.classification("s3://b/" + "é" * 100, "ü" * 200, creation_date=WHEN)
    size = len(entry.to_json_line().encode())
    assert size > len(entry.to_json_line()) + 250

    batches = list(to_changes([entry] * 3, max_bytes=2 * size + 1))

    assert [len(b.ground_truth) for b in batches] == [2 * size + 1, size]


def test_a_batch_may_be_exactly_the_limit() -> None:
    entry = make_entries(1)[0]
    size = len(entry.to_json_line().encode())

    batches = list(to_changes([entry] * 4, max_bytes=4 * size + 3))

    assert len(batches) == 1
    assert len(batches[0].ground_truth) == 4 * size + 3


def test_few_entries_make_one_batch_of_joined_lines() -> None:
    entries = make_entries(5)

    (batch,) = to_changes(entries)

    assert batch.ground_truth == "\n".join(e.to_json_line() for e in entries).encode()


def test_no_entries_make_no_batch() -> None:
    assert list(to_changes([])) == []


def test_more_than_a_request_holds_is_split_at_the_documented_limit() -> None:
    entries = make_entries(130, pad=40_000)  # about 7.8 MB of JSON Lines
    total = sum(len(e.to_json_line().encode()) + 1 for e in entries)
    assert total > GROUND_TRUTH_MAX_BYTES

    batches = list(to_changes(iter(entries)))

    assert len(batches) == 2
    assert all(len(b.ground_truth) <= GROUND_TRUTH_MAX_BYTES == 5_242_880 for b in batches)
    assert lines_of(batches) == [e.to_json_line() for e in entries]
    # Each is a valid request as the SDK would send it.
    for batch in batches:
        UpdateDatasetEntriesRequest(
            dataset_arn="arn:aws:rekognition:us-east-1:123456789012:project/widgets/dataset/train/1",
            changes=batch,
        )


def test_an_entry_larger_than_a_batch_is_refused_naming_the_limit() -> None:
    small = make_entries(3)
    # Made without the builder, which would refuse a line this long (MAX_ENTRY_LENGTH).
    label = ImageLabel(name="dent", attribute="label", creation_date="2024-05-01T12:00:00", job_name="j" * 6_000_000)
    huge = DatasetEntry(source_ref="s3://b/huge.jpg", image_labels=(label,))
    made: list[DatasetChanges] = []

    with pytest.raises(ManifestRuleError, match=r"at most 5,242,880 bytes") as info:
        made.extend(to_changes([*small, huge, *small]))

    assert "'s3://b/huge.jpg'" in str(info.value)
    assert "UpdateDatasetEntries" in info.value.source
    assert made == []  # the three small entries were still waiting for their batch


def test_the_batches_before_an_oversize_entry_are_yielded() -> None:
    small = make_entries(10)
    limit = 2 * max(len(e.to_json_line().encode()) for e in small) + 1
    huge = DatasetEntry.classification("s3://b/huge.jpg", "dent", job_name="j" * limit)
    made: list[DatasetChanges] = []

    with pytest.raises(ManifestRuleError, match=f"at most {limit:,} bytes"):
        made.extend(to_changes([*small, huge], max_bytes=limit))

    assert made
    assert lines_of(made) == [e.to_json_line() for e in small][: len(lines_of(made))]


@pytest.mark.parametrize("max_bytes", [0, -1, GROUND_TRUTH_MAX_BYTES + 1, 1.5, True])
def test_max_bytes_is_checked_at_once(max_bytes: Any) -> None:
    with pytest.raises(ValueError, match="max_bytes must be an int from 1 to 5,242,880"):
        to_changes(make_entries(1), max_bytes=max_bytes)


@pytest.mark.anyio
async def test_lines_are_refused_with_a_hint() -> None:
    raw = cast("list[DatasetEntry]", ['{"source-ref": "s3://b/k.jpg"}'])

    with pytest.raises(TypeError, match=r"not str: read lines with read_entries\(...\) or DatasetEntry.parse"):
        list(to_changes(raw))

    async def produce() -> AsyncIterator[str]:
        yield '{"source-ref": "s3://b/k.jpg"}'

    lines = cast("AsyncIterator[DatasetEntry]", produce())
    with pytest.raises(TypeError, match="takes DatasetEntry objects"):
        async for _ in to_changes(lines):
            pass


def test_batches_are_made_as_they_are_iterated() -> None:
    seen: list[int] = []

    def entries() -> Iterator[DatasetEntry]:
        for n, entry in enumerate(make_entries(50)):
            seen.append(n)
            yield entry

    batches = to_changes(entries(), max_bytes=1000)
    assert seen == []
    next(batches)
    assert 0 < len(seen) < 50


@pytest.mark.anyio
async def test_an_async_iterable_gives_an_async_iterator_of_the_same_batches() -> None:
    entries = make_entries(120)

    async def produce() -> AsyncIterator[DatasetEntry]:
        for entry in entries:
            yield entry

    made = [changes async for changes in to_changes(produce(), max_bytes=2000)]

    assert made == list(to_changes(entries, max_bytes=2000))
    assert lines_of(made) == [e.to_json_line() for e in entries]


@pytest.mark.anyio
async def test_an_async_iterable_with_an_oversize_entry_raises_when_reached() -> None:
    async def produce() -> AsyncIterator[DatasetEntry]:
        yield make_entries(1)[0]
        yield DatasetEntry.classification("s3://b/huge.jpg", "dent", job_name="j" * 5000)

    with pytest.raises(ManifestRuleError, match="at most 1,000 bytes"):
        async for _ in to_changes(produce(), max_bytes=1000):
            pass
