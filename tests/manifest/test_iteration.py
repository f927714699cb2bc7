"""read_entries and to_changes return async iterators that are also async context managers, not async generators.

Each test runs under asyncio and trio, with warnings as errors: an async generator left
suspended on ``break`` would be finalized by the garbage collector, and trio warns then.
"""

from __future__ import annotations

import gc
import pickle
import subprocess
import sys
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any

import pytest

from aws_vision_async import RekognitionClient, manifest
from aws_vision_async.emulator import Emulator
from aws_vision_async.manifest import DatasetEntry, ManifestRuleError, read_entries, to_changes

pytestmark = pytest.mark.anyio

LISTING = "rekognition:ListDatasetEntries"


class Spy:
    """Lines read from ``inner``; records whether its iterator was closed, and how many lines were read."""

    def __init__(self, inner: AsyncIterable[str]) -> None:
        self.inner = inner
        self.iterator: AsyncIterator[str] | None = None
        self.read = 0
        self.closed = 0

    def __aiter__(self) -> Spy:
        self.iterator = aiter(self.inner)
        return self

    async def __anext__(self) -> str:
        assert self.iterator is not None
        line = await self.iterator.__anext__()
        self.read += 1
        return line

    async def aclose(self) -> None:
        self.closed += 1
        assert self.iterator is not None
        await self.iterator.aclose()  # type: ignore[attr-defined]


async def sample_train_dataset(rek: RekognitionClient, emu: Emulator) -> str:
    emu.reset(sample=True)
    project = await rek.describe_projects(project_names=["sample-project-1"])
    (description,) = project.project_descriptions or []
    arn = next(d.dataset_arn for d in description.datasets or [] if d.dataset_type == "TRAIN")
    assert arn is not None
    return arn


async def test_break_leaves_nothing_suspended_and_requests_no_more_pages(
    rek: RekognitionClient, vision_emulator: Emulator
) -> None:
    arn = await sample_train_dataset(rek, vision_emulator)
    before = vision_emulator.requests[LISTING]

    n = 0
    async for _ in read_entries(rek.list_dataset_entries(dataset_arn=arn, max_results=10)):
        n += 1
        if n == 15:
            break
    gc.collect()  # an async generator left suspended would be finalized (and warned about) here

    assert vision_emulator.requests[LISTING] - before == 2


async def test_async_with_closes_the_paginator_on_break(rek: RekognitionClient, vision_emulator: Emulator) -> None:
    arn = await sample_train_dataset(rek, vision_emulator)
    lines = Spy(rek.list_dataset_entries(dataset_arn=arn, max_results=10))

    async with read_entries(lines) as entries:
        assert isinstance(entries, manifest.EntryIterator)
        async for entry in entries:
            assert isinstance(entry, DatasetEntry)
            break

    assert lines.closed == 1
    assert lines.iterator is not None
    with pytest.raises(StopAsyncIteration):  # the paginator's items: closed, it requests nothing more
        await lines.iterator.__anext__()
    with pytest.raises(StopAsyncIteration):
        await entries.__anext__()
    await entries.aclose()  # again: nothing happens
    assert lines.closed == 1


async def test_every_entry_then_the_lines_are_closed(rek: RekognitionClient, vision_emulator: Emulator) -> None:
    arn = await sample_train_dataset(rek, vision_emulator)
    lines = Spy(rek.list_dataset_entries(dataset_arn=arn, max_results=50))

    entries = [entry async for entry in read_entries(lines)]

    assert len(entries) == lines.read > 0
    assert lines.closed == 1


async def test_an_async_generator_is_closed_on_leaving_the_block() -> None:
    finished: list[str] = []

    async def produce() -> AsyncIterator[str]:
        try:
            for n in range(5):
                yield f'{{"source-ref": "s3://b/{n}.jpg"}}'
        finally:
            finished.append("closed")

    async with read_entries(produce()) as entries:
        async for entry in entries:
            assert entry.source_ref == "s3://b/0.jpg"
            break
        assert finished == []
    gc.collect()

    assert finished == ["closed"]


async def test_an_unread_async_generator_is_closed_too() -> None:
    started: list[bool] = []

    async def produce() -> AsyncIterator[str]:
        started.append(True)
        yield "{}"

    lines = produce()
    async with read_entries(lines):
        pass

    assert started == []
    with pytest.raises(StopAsyncIteration):
        await lines.__anext__()  # closed before it started


async def test_a_line_that_fails_ends_the_iteration_and_closes_the_lines() -> None:
    closed: list[bool] = []

    async def produce() -> AsyncIterator[str]:
        try:
            yield '{"source-ref": "s3://b/1.jpg"}'
            yield "[1, 2]"
            yield '{"source-ref": "s3://b/3.jpg"}'
        finally:
            closed.append(True)

    entries = read_entries(produce())
    assert (await entries.__anext__()).source_ref == "s3://b/1.jpg"
    with pytest.raises(ValueError, match="must be a JSON object"):
        await entries.__anext__()
    assert closed == [True]
    with pytest.raises(StopAsyncIteration):
        await entries.__anext__()


async def test_to_changes_closes_what_it_reads(rek: RekognitionClient, vision_emulator: Emulator) -> None:
    arn = await sample_train_dataset(rek, vision_emulator)
    lines = Spy(rek.list_dataset_entries(dataset_arn=arn, max_results=10))

    async with to_changes(read_entries(lines), max_bytes=4000) as batches:
        assert isinstance(batches, manifest.ChangesIterator)
        async for changes in batches:
            assert changes.ground_truth
            break

    assert lines.closed == 1
    with pytest.raises(StopAsyncIteration):
        await batches.__anext__()


async def test_to_changes_after_an_error_is_over() -> None:
    async def produce() -> AsyncIterator[DatasetEntry]:
        yield DatasetEntry.classification("s3://b/1.jpg", "dent")
        yield DatasetEntry.classification("s3://b/huge.jpg", "dent", job_name="j" * 5000)
        yield DatasetEntry.classification("s3://b/3.jpg", "dent")

    batches = to_changes(produce(), max_bytes=1000)
    with pytest.raises(ManifestRuleError, match="at most 1,000 bytes"):
        await batches.__anext__()
    with pytest.raises(StopAsyncIteration):  # the batch before the error is not given after it
        await batches.__anext__()


async def test_to_changes_gives_the_last_batch_after_the_entries_end() -> None:
    async def produce() -> AsyncIterator[DatasetEntry]:
        for n in range(3):
            yield DatasetEntry.classification(f"s3://b/{n}.jpg", "dent")

    async with to_changes(produce()) as batches:
        made = [changes async for changes in batches]

    assert len(made) == 1
    assert made[0].ground_truth.count(b"\n") == 2  # type: ignore[union-attr]


# -- the public module ------------------------------------------------------------------------------


def public_objects() -> list[Any]:
    names = [*manifest.__all__, "EntryIterator", "ChangesIterator"]
    return [getattr(manifest, name) for name in names if callable(getattr(manifest, name))]


@pytest.mark.parametrize("obj", public_objects(), ids=lambda obj: obj.__name__)
def test_public_names_report_the_public_module(obj: Any) -> None:
    assert obj.__module__ == "aws_vision_async.manifest"
    assert getattr(manifest, obj.__name__) is obj


def test_entries_pickle_through_the_public_module() -> None:
    entry = DatasetEntry.classification("s3://b/k.jpg", "dent")

    assert pickle.loads(pickle.dumps(entry)) == entry  # noqa: S301 - our own bytes
    data = pickle.dumps(entry)
    assert b"aws_vision_async.manifest" in data
    assert b"aws_vision_async.manifest._" not in data  # no private module in a pickle


def test_deferred_models_build_in_a_fresh_process() -> None:
    # Each model is built on first use, after its __module__ names the package: its
    # annotations must not need the defining module's names then.
    code = """if True:
        from aws_vision_async.manifest import (
            BoundingBox, DatasetEntry, ImageLabel, ImageSize, ObjectDetection, ValidationIssue,
        )
        issue = ValidationIssue(code="E", message="m", extra={"k": [1]})
        size = ImageSize(width=64, height=64)
        box = BoundingBox(label="x", left=1, top=1, width=10, height=10, class_id=0, errors=(issue,))
        det = ObjectDetection(image_size=size, boxes=(box,), class_map={"0": "x"}, creation_date="2024-01-01T00:00:00")
        label = ImageLabel(name="y", attribute="label", creation_date="2024-01-01T00:00:00")
        entry = DatasetEntry(source_ref="s3://b/k.jpg", image_labels=(label,), detections=(det,), errors=(issue,))
        entry.check()
        assert DatasetEntry.parse(entry.to_json_line()) == entry
        print(DatasetEntry.model_json_schema()["title"])
    """
    done = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "DatasetEntry"
