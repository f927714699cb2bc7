"""Waiters: success returns the final response, failure and time-out raise with the last response."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import anyio
import pytest

from aws_vision_async import RekognitionClient, WaiterError, WaiterFailedError, WaiterTimeoutError
from aws_vision_async._core.waiter import backoff_delay
from aws_vision_async.emulator import Emulator, Timings
from aws_vision_async.manifest import to_changes
from aws_vision_async.rekognition import _waiters
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import DatasetSource, GroundTruthManifest, S3Object

from ..fakeaws import FakeAws, ok, rek_error
from ._lifecycle import FAST, OUTPUT, classification_entries, project_with_datasets, trained_version

pytestmark = pytest.mark.anyio

#: The job waiters (video analyses, media analysis jobs) are tested in test_video_waiters.py.
JOB_WAITERS = {
    "celebrity_recognition_completed",
    "content_moderation_completed",
    "face_detection_completed",
    "face_search_completed",
    "label_detection_completed",
    "media_analysis_job_completed",
    "person_tracking_completed",
    "segment_detection_completed",
    "text_detection_completed",
}
WAITERS = sorted(
    name[len("wait_until_") :]
    for name in vars(RekognitionClient)
    if name.startswith("wait_until_") and name[len("wait_until_") :] not in JOB_WAITERS
)


def test_every_waiter_has_its_method() -> None:
    every = {name[len("wait_until_") :] for name in vars(RekognitionClient) if name.startswith("wait_until_")}
    assert every == {*WAITERS, *JOB_WAITERS}
    assert WAITERS == [
        "dataset_created",
        "dataset_updated",
        "project_created",
        "project_version_copied",
        "project_version_deleted",
        "project_version_running",
        "project_version_stopped",
        "project_version_training_completed",
    ]
    for name in WAITERS:
        spec = getattr(_waiters, name.upper())
        params = inspect.signature(getattr(RekognitionClient, f"wait_until_{name}")).parameters
        assert {"max_wait", "min_delay", "max_delay"} <= set(params)
        assert spec.max_wait > 0


def test_botocore_defaults() -> None:
    # botocore: DescribeProjectVersions every 120 s, 360 times; every 30 s, 40 times.
    spec = _waiters.PROJECT_VERSION_TRAINING_COMPLETED
    assert (spec.max_wait, spec.min_delay, spec.max_delay) == (43200.0, 120.0, 120.0)
    spec = _waiters.PROJECT_VERSION_RUNNING
    assert (spec.max_wait, spec.min_delay, spec.max_delay) == (1200.0, 30.0, 120.0)


class TestBackoff:
    def test_grows_exponentially_between_the_bounds(self) -> None:
        for attempt in range(1, 12):
            ceiling = min(8.0, 0.5 * 2 ** (attempt - 1))
            for _ in range(50):
                delay = backoff_delay(attempt, min_delay=0.5, max_delay=8.0, remaining=1000.0)
                assert 0.5 <= delay <= ceiling

    def test_never_past_the_deadline(self) -> None:
        for _ in range(50):
            assert backoff_delay(6, min_delay=1.0, max_delay=30.0, remaining=2.5) <= 2.5
        # What would remain after the delay is no longer than min_delay: wait for the deadline instead.
        assert backoff_delay(1, min_delay=1.0, max_delay=1.0, remaining=1.5) == 1.5


class TestOnTheEmulator:
    async def test_training_completed_returns_the_final_response(
        self, emu_rek: RekognitionClient, vision_emulator: Emulator
    ) -> None:
        project_arn = await project_with_datasets(emu_rek)
        await emu_rek.create_project_version(project_arn=project_arn, version_name="v1", output_config=OUTPUT)
        reply = await emu_rek.wait_until_project_version_training_completed(
            project_arn=project_arn, version_names=["v1"], **FAST
        )
        (version,) = reply.project_version_descriptions or []
        assert version.status == "TRAINING_COMPLETED"
        assert vision_emulator.requests["rekognition:DescribeProjectVersions"] >= 2  # it did poll

    async def test_training_failed_raises_with_the_status_message(self, emu_rek: RekognitionClient) -> None:
        # One label cannot train an image-level model: the service's documented minimum is two.
        project_arn = await project_with_datasets(emu_rek, labels=("only",))
        await emu_rek.create_project_version(project_arn=project_arn, version_name="v1", output_config=OUTPUT)
        with pytest.raises(WaiterFailedError) as caught:
            await emu_rek.wait_until_project_version_training_completed(
                project_arn=project_arn, version_names=["v1"], **FAST
            )
        err = caught.value
        assert err.waiter_name == "ProjectVersionTrainingCompleted"
        assert err.attempts >= 1
        (version,) = err.last_response.project_version_descriptions
        assert version.status == "TRAINING_FAILED"
        assert version.status_message
        assert version.status_message in str(err)

    async def test_time_out_raises_with_the_last_response(
        self, emu_rek: RekognitionClient, vision_emulator: Emulator
    ) -> None:
        project_arn = await project_with_datasets(emu_rek)
        vision_emulator.timings = Timings(training=30)
        await emu_rek.create_project_version(project_arn=project_arn, version_name="v1", output_config=OUTPUT)
        started = anyio.current_time()
        with pytest.raises(WaiterTimeoutError) as caught:
            await emu_rek.wait_until_project_version_training_completed(
                project_arn=project_arn, version_names=["v1"], min_delay=0.05, max_delay=0.1, max_wait=0.4
            )
        elapsed = anyio.current_time() - started
        assert 0.4 <= elapsed < 2.0
        err = caught.value
        assert err.attempts >= 3
        (version,) = err.last_response.project_version_descriptions
        assert version.status == "TRAINING_IN_PROGRESS"

    async def test_the_model_lifecycle(self, emu_rek: RekognitionClient) -> None:
        project_arn = await project_with_datasets(emu_rek)
        version_arn = await trained_version(emu_rek, project_arn)
        await emu_rek.start_project_version(project_version_arn=version_arn, min_inference_units=1)
        running = await emu_rek.wait_until_project_version_running(
            project_arn=project_arn, version_names=["v1"], **FAST
        )
        assert [v.status for v in running.project_version_descriptions or []] == ["RUNNING"]
        await emu_rek.stop_project_version(project_version_arn=version_arn)
        stopped = await emu_rek.wait_until_project_version_stopped(
            project_arn=project_arn, version_names=["v1"], **FAST
        )
        assert [v.status for v in stopped.project_version_descriptions or []] == ["STOPPED"]
        target = await emu_rek.create_project(project_name="copies")
        assert target.project_arn is not None
        copy = await emu_rek.copy_project_version(
            source_project_arn=project_arn,
            source_project_version_arn=version_arn,
            destination_project_arn=target.project_arn,
            version_name="v1-copy",
            output_config=OUTPUT,
        )
        copied = await emu_rek.wait_until_project_version_copied(
            project_arn=target.project_arn, version_names=["v1-copy"], **FAST
        )
        assert [v.project_version_arn for v in copied.project_version_descriptions or []] == [copy.project_version_arn]
        await emu_rek.delete_project_version(project_version_arn=version_arn)
        deleted = await emu_rek.wait_until_project_version_deleted(
            project_arn=project_arn, version_names=["v1"], **FAST
        )
        assert deleted.project_version_descriptions == []

    async def test_project_and_dataset_waiters(self, emu_rek: RekognitionClient, vision_emulator: Emulator) -> None:
        vision_emulator.timings = Timings(project_create=0.1, dataset_create=0.1, dataset_update=0.1)
        project = await emu_rek.create_project(project_name="slow")
        assert project.project_arn is not None
        created = await emu_rek.wait_until_project_created(project_names=["slow"], **FAST)
        assert [p.status for p in created.project_descriptions or []] == ["CREATED"]
        dataset = await emu_rek.create_dataset(project_arn=project.project_arn, dataset_type="TRAIN")
        assert dataset.dataset_arn is not None
        reply = await emu_rek.wait_until_dataset_created(dataset_arn=dataset.dataset_arn, **FAST)
        assert reply.dataset_description is not None
        assert reply.dataset_description.status == "CREATE_COMPLETE"
        for changes in to_changes(classification_entries("TRAIN", ("ok", "dent"))):
            await emu_rek.update_dataset_entries(dataset_arn=dataset.dataset_arn, changes=changes)
        updated = await emu_rek.wait_until_dataset_updated(dataset_arn=dataset.dataset_arn, **FAST)
        assert updated.dataset_description is not None
        assert updated.dataset_description.status == "UPDATE_COMPLETE"
        assert updated.dataset_description.dataset_stats is not None
        assert updated.dataset_description.dataset_stats.total_entries == 20

    async def test_dataset_created_failure(self, emu_rek: RekognitionClient, vision_emulator: Emulator) -> None:
        # Not UTF-8: the service cannot read it as a manifest.
        vision_emulator.state.s3_objects[("manifests", "bad.manifest")] = b"\xff\xfe not a manifest"
        project = await emu_rek.create_project(project_name="bad")
        assert project.project_arn is not None
        manifest = GroundTruthManifest(s3_object=S3Object(bucket="manifests", name="bad.manifest"))
        dataset = await emu_rek.create_dataset(
            project_arn=project.project_arn,
            dataset_type="TRAIN",
            dataset_source=DatasetSource(ground_truth_manifest=manifest),
        )
        assert dataset.dataset_arn is not None
        with pytest.raises(WaiterFailedError, match="DatasetCreated") as caught:
            await emu_rek.wait_until_dataset_created(dataset_arn=dataset.dataset_arn, **FAST)
        assert caught.value.last_response.dataset_description.status == "CREATE_FAILED"

    async def test_an_error_no_acceptor_names_propagates(self, emu_rek: RekognitionClient) -> None:
        with pytest.raises(rek_errors.ResourceNotFoundException):
            await emu_rek.wait_until_dataset_created(
                dataset_arn="arn:aws:rekognition:us-east-1:123456789012:project/none/dataset/train/1", **FAST
            )


# The failure states the emulator does not produce, scripted on the fake server.
VERSIONS: Callable[[str], dict[str, Any]] = lambda status: {  # noqa: E731
    "ProjectVersionDescriptions": [{"Status": status, "StatusMessage": f"the model is {status}"}]
}
FAILURES = [
    ("project_version_running", "DescribeProjectVersions", VERSIONS("STARTING"), VERSIONS("FAILED")),
    ("project_version_stopped", "DescribeProjectVersions", VERSIONS("STOPPING"), VERSIONS("FAILED")),
    ("project_version_copied", "DescribeProjectVersions", VERSIONS("COPYING_IN_PROGRESS"), VERSIONS("COPYING_FAILED")),
    (
        "dataset_updated",
        "DescribeDataset",
        {"DatasetDescription": {"Status": "UPDATE_IN_PROGRESS"}},
        {"DatasetDescription": {"Status": "UPDATE_FAILED", "StatusMessage": "the update failed"}},
    ),
]
KWARGS = {
    "DescribeProjectVersions": {"project_arn": "arn:aws:rekognition:us-east-1:123456789012:project/p/1"},
    "DescribeDataset": {"dataset_arn": "arn:aws:rekognition:us-east-1:123456789012:project/p/dataset/train/1"},
}


@pytest.mark.parametrize("case", FAILURES, ids=[f[0] for f in FAILURES])
async def test_failure_states(fake_aws: FakeAws, rek: RekognitionClient, case: tuple[str, str, Any, Any]) -> None:
    waiter, operation, pending, failed = case
    fake_aws.on(operation, ok(pending), rek_error("ThrottlingException", "slow", 400), ok(pending), ok(failed))
    with pytest.raises(WaiterFailedError) as caught:
        await getattr(rek, f"wait_until_{waiter}")(**KWARGS[operation], **FAST)
    err = caught.value
    assert isinstance(err, WaiterError)
    assert err.attempts == 3  # a throttled poll is retried inside the same attempt
    assert len(fake_aws.calls(operation)) == 4
    assert "failed" in str(err) or "FAILED" in str(err)
    assert err.last_response is not None


PENDING = {
    "project_version_training_completed": ("DescribeProjectVersions", VERSIONS("TRAINING_IN_PROGRESS")),
    "project_version_running": ("DescribeProjectVersions", VERSIONS("STARTING")),
    "project_version_stopped": ("DescribeProjectVersions", VERSIONS("STOPPING")),
    "project_version_copied": ("DescribeProjectVersions", VERSIONS("COPYING_IN_PROGRESS")),
    "project_version_deleted": ("DescribeProjectVersions", VERSIONS("DELETING")),
    "dataset_created": ("DescribeDataset", {"DatasetDescription": {"Status": "CREATE_IN_PROGRESS"}}),
    "dataset_updated": ("DescribeDataset", {"DatasetDescription": {"Status": "UPDATE_IN_PROGRESS"}}),
    "project_created": ("DescribeProjects", {"ProjectDescriptions": [{"Status": "CREATING"}]}),
}
KWARGS["DescribeProjects"] = {"project_names": ["p"]}


@pytest.mark.parametrize("waiter", WAITERS)
async def test_every_waiter_times_out_with_its_last_response(
    fake_aws: FakeAws, rek: RekognitionClient, waiter: str
) -> None:
    operation, pending = PENDING[waiter]
    fake_aws.always(operation, ok(pending))
    with pytest.raises(WaiterTimeoutError) as caught:
        await getattr(rek, f"wait_until_{waiter}")(**KWARGS[operation], min_delay=0.01, max_delay=0.02, max_wait=0.6)
    err = caught.value
    assert err.attempts == len(fake_aws.calls(operation)) >= 3
    assert err.last_response is not None
    assert err.last_response.model_dump(by_alias=True, exclude_none=True) == pending
