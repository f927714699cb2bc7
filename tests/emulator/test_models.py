"""The Custom Labels model lifecycle through the SDK's client: train, start, detect, stop, copy, delete.

Time is a manual clock here, so that every status is seen for certain and
the inference usage comes out in round numbers; test_waiters.py runs on the
real clock.
"""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError
from pydantic import BaseModel

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import Emulator, InferenceUsage, Timings
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition import models as rm
from aws_vision_async.rekognition.models import (
    Asset,
    CustomizationFeatureConfig,
    CustomizationFeatureContentModerationConfig,
    DatasetChanges,
    GroundTruthManifest,
    Image,
    OutputConfig,
    S3Object,
    TrainingData,
)

from ._model_support import (
    CLASSES,
    JPEG,
    OUTPUT,
    PNG,
    ManualClock,
    Trainable,
    classification_lines,
    describe,
    detection_lines,
    image,
    trainable_project,
)
from ._support import ACCOUNT, classification, detection, jsonl, unlabeled

pytestmark = pytest.mark.anyio

TRAINING, STARTING, STOPPING, COPYING, DELETING = 60.0, 30.0, 20.0, 40.0, 10.0


@pytest.fixture
def vision_emulator_timings() -> Timings:
    # Seconds of the manual clock: readable numbers in the usage records.
    return Timings(training=TRAINING, starting=STARTING, stopping=STOPPING, copying=COPYING, deleting=DELETING)


@pytest.fixture
def clock(emu: Emulator) -> ManualClock:
    clock = ManualClock()
    emu.state.clock = clock
    return clock


def same(got: BaseModel | None, sent: BaseModel) -> bool:
    """A reply's shape holds what was sent (replies are the shape's lenient subclass, never equal to it)."""
    return got is not None and got.model_dump() == sent.model_dump()


async def create_version(rek: RekognitionClient, project_arn: str, name: str = "v1", **extra: object) -> str:
    arn = (
        await rek.create_project_version(project_arn=project_arn, version_name=name, output_config=OUTPUT, **extra)  # type: ignore[arg-type]
    ).project_version_arn
    assert arn is not None
    return arn


async def trained(rek: RekognitionClient, clock: ManualClock, t: Trainable, name: str = "v1") -> str:
    arn = await create_version(rek, t.project_arn, name)
    clock.advance(TRAINING)
    return arn


async def running(rek: RekognitionClient, clock: ManualClock, t: Trainable, name: str = "v1", units: int = 1) -> str:
    arn = await trained(rek, clock, t, name)
    await rek.start_project_version(project_version_arn=arn, min_inference_units=units)
    clock.advance(STARTING)
    return arn


async def status(rek: RekognitionClient, project_arn: str, name: str = "v1") -> str | None:
    return (await describe(rek, project_arn, name)).status


# -- the whole lifecycle ---------------------------------------------------------------------------


async def test_the_whole_lifecycle(rek: RekognitionClient, emu: Emulator, clock: ManualClock) -> None:
    t = await trainable_project(rek)
    start_of_training = clock.now

    arn = await create_version(rek, t.project_arn, version_description="first model")

    assert re.fullmatch(rf"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/models/version/v1/\d{{13}}", arn)
    training = await describe(rek, t.project_arn, "v1")
    assert training.project_version_arn == arn
    assert training.status == "TRAINING_IN_PROGRESS"
    assert training.creation_timestamp is not None
    assert abs(training.creation_timestamp.timestamp() - start_of_training) < 1
    assert training.training_end_timestamp is None
    assert training.evaluation_result is None
    assert training.billable_training_time_in_seconds is None
    assert training.version_description == "first model"

    clock.advance(TRAINING - 1)
    assert await status(rek, t.project_arn) == "TRAINING_IN_PROGRESS"
    clock.advance(1)

    done = await describe(rek, t.project_arn, "v1")
    assert done.status == "TRAINING_COMPLETED"
    assert done.status_message == "The model is ready to run."
    assert done.training_end_timestamp is not None
    assert (done.training_end_timestamp - done.creation_timestamp).total_seconds() == pytest.approx(TRAINING, abs=1)
    assert done.billable_training_time_in_seconds == TRAINING
    assert done.evaluation_result is not None
    assert done.evaluation_result.f1_score is not None
    assert 0 < done.evaluation_result.f1_score <= 1
    assert done.feature == "CUSTOM_LABELS"
    assert done.min_inference_units is None

    started = await rek.start_project_version(project_version_arn=arn, min_inference_units=2, max_inference_units=3)

    assert started.status == "STARTING"
    starting = await describe(rek, t.project_arn, "v1")
    assert (starting.status, starting.min_inference_units, starting.max_inference_units) == ("STARTING", 2, 3)
    assert emu.running_versions() == [arn]
    with pytest.raises(rek_errors.ResourceNotReadyException):
        await rek.detect_custom_labels(project_version_arn=arn, image=image(1))

    clock.advance(STARTING)

    assert await status(rek, t.project_arn) == "RUNNING"
    found = await rek.detect_custom_labels(project_version_arn=arn, image=image(1))
    again = await rek.detect_custom_labels(project_version_arn=arn, image=image(1))
    assert found.custom_labels
    assert found == again
    assert {label.name for label in found.custom_labels} <= set(CLASSES)

    with pytest.raises(rek_errors.ResourceInUseException):
        await rek.delete_project_version(project_version_arn=arn)
    with pytest.raises(rek_errors.ResourceInUseException):
        await rek.delete_project(project_arn=t.project_arn)

    clock.advance(100)
    stopped = await rek.stop_project_version(project_version_arn=arn)

    assert stopped.status == "STOPPING"
    assert emu.running_versions() == []
    assert await status(rek, t.project_arn) == "STOPPING"
    clock.advance(STOPPING)
    assert await status(rek, t.project_arn) == "STOPPED"
    [usage] = emu.inference_usage()
    assert usage == InferenceUsage(
        project_version_arn=arn,
        min_inference_units=2,
        max_inference_units=3,
        started=usage.started,
        stopped=usage.stopped,
        seconds=STARTING + 100 + STOPPING,
    )
    assert usage.inference_unit_seconds == 2 * (STARTING + 100 + STOPPING)

    deleted = await rek.delete_project_version(project_version_arn=arn)

    assert deleted.status == "DELETING"
    assert await status(rek, t.project_arn) == "DELETING"
    with pytest.raises(rek_errors.ResourceInUseException):
        await rek.delete_project(project_arn=t.project_arn)  # not gone yet
    clock.advance(DELETING)
    page = await rek.describe_project_versions(project_arn=t.project_arn)
    assert page.project_version_descriptions == []
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.start_project_version(project_version_arn=arn, min_inference_units=1)
    assert (await rek.delete_project(project_arn=t.project_arn)).status == "DELETING"
    assert emu.inference_usage() == [usage]  # the bill outlives the model


async def test_a_trained_version_describes_its_results_where_the_output_config_says(
    rek: RekognitionClient, clock: ManualClock
) -> None:
    t = await trainable_project(rek)
    await trained(rek, clock, t)

    done = await describe(rek, t.project_arn, "v1")

    def name(what: str) -> str:
        return f"models/{what}-models-v1.json"

    assert same(done.output_config, OUTPUT)
    assert done.evaluation_result is not None
    assert done.evaluation_result.summary is not None
    assert same(
        done.evaluation_result.summary.s3_object,
        S3Object(bucket="training-output", name=name("EvaluationResultSummary")),
    )
    assert same(
        done.manifest_summary,
        GroundTruthManifest(s3_object=S3Object(bucket="training-output", name=name("ManifestSummary"))),
    )
    results = {"training": done.training_data_result, "testing": done.testing_data_result}
    for kind, result in results.items():
        assert result is not None
        assert result.output is not None
        assert result.validation is not None
        [output] = result.output.assets or []
        [validation] = result.validation.assets or []
        prefix = kind.capitalize()
        assert output.ground_truth_manifest is not None
        assert same(
            output.ground_truth_manifest.s3_object,
            S3Object(bucket="training-output", name=name(f"{prefix}GroundTruth")),
        )
        assert validation.ground_truth_manifest is not None
        assert same(
            validation.ground_truth_manifest.s3_object,
            S3Object(bucket="training-output", name=name(f"{prefix}ManifestWithValidation")),
        )
    assert done.testing_data_result is not None
    assert same(done.testing_data_result.input, rm.TestingData(auto_create=False))
    assert done.testing_data_result.output is not None
    assert done.testing_data_result.output.auto_create is False


async def test_training_reads_the_datasets_as_they_are_when_it_starts(
    rek: RekognitionClient, clock: ManualClock
) -> None:
    t = await trainable_project(rek)
    arn = await create_version(rek, t.project_arn)
    fish = [classification(f"s3://b/fish/{i}.jpg", "fish") for i in range(3)]
    await rek.update_dataset_entries(dataset_arn=t.train_arn, changes=DatasetChanges(ground_truth=jsonl(*fish)))
    clock.advance(TRAINING)
    await rek.start_project_version(project_version_arn=arn, min_inference_units=1)
    clock.advance(STARTING)

    labels = {
        label.name
        for n in range(20)
        for label in (
            await rek.detect_custom_labels(project_version_arn=arn, image=image(n), min_confidence=0)
        ).custom_labels
        or []
    }

    assert labels == set(CLASSES)


# -- training rules ------------------------------------------------------------------------------------

BOXES = detection_lines()
ONE_CLASS_BOXES = [detection(f"s3://b/parts/{i}.jpg", [0], {"0": "scratch"}) for i in range(3)]


@pytest.mark.parametrize(
    ("datasets", "code"),
    [
        # Guidelines and quotas: at least 2 labels to classify, 1 to detect objects; at most 250.
        ((classification_lines(("cat",)), classification_lines()), "ERROR_MANIFEST_TOO_FEW_LABELS"),
        ((classification_lines(), classification_lines(("cat",))), "ERROR_MANIFEST_TOO_FEW_LABELS"),
        (
            ([classification(f"s3://b/{i}.jpg", f"label-{i}") for i in range(251)], classification_lines()),
            "ERROR_MANIFEST_TOO_MANY_LABELS",
        ),
        # Mostly image-level lines with one label, and one box of another: too few of the chosen kind.
        (
            ([*classification_lines(("cat",)), *ONE_CLASS_BOXES[:1]], classification_lines()),
            "ERROR_MANIFEST_TOO_FEW_USABLE_LABELS",
        ),
        (([], classification_lines()), "ERROR_EMPTY_MANIFEST"),
        ((classification_lines(), []), "ERROR_EMPTY_MANIFEST"),
        (
            (
                [unlabeled(f"s3://b/raw/{i}.jpg") for i in range(5)]
                + [classification(f"s3://b/bad/{i}.jpg", "cat", errors=True) for i in range(5)],
                classification_lines(),
            ),
            "ERROR_TOO_MANY_INVALID_ROWS_IN_MANIFEST",
        ),
        (
            (classification_lines(bucket="one") + classification_lines(bucket="two"), classification_lines()),
            "ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS",
        ),
        ((classification_lines(), classification_lines(("cat", "fish", "cow"))), "ERROR_INSUFFICIENT_LABEL_OVERLAP"),
    ],
    ids=[
        "one-label-to-train",
        "one-label-to-test",
        "251-labels",
        "too-few-usable",
        "empty-train",
        "empty-test",
        "no-usable-line",
        "two-buckets",
        "test-overlap-below-50%",
    ],
)
async def test_a_dataset_that_cannot_train_a_model_fails_training(
    rek: RekognitionClient, clock: ManualClock, datasets: tuple[list[str], list[str]], code: str
) -> None:
    t = await trainable_project(rek, train=datasets[0], test=datasets[1])
    arn = await create_version(rek, t.project_arn)

    assert await status(rek, t.project_arn) == "TRAINING_IN_PROGRESS"
    clock.advance(TRAINING)
    failed = await describe(rek, t.project_arn, "v1")

    assert failed.status == "TRAINING_FAILED"
    assert failed.status_message is not None
    assert failed.status_message.startswith(f"{code}: ")
    assert failed.training_end_timestamp is not None
    assert failed.evaluation_result is None
    assert failed.billable_training_time_in_seconds is None
    # A manifest summary is written once the manifests were read: not for an empty one.
    assert (failed.manifest_summary is None) == (code == "ERROR_EMPTY_MANIFEST")
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.start_project_version(project_version_arn=arn, min_inference_units=1)
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.copy_project_version(
            source_project_arn=t.project_arn,
            source_project_version_arn=arn,
            destination_project_arn=t.project_arn,
            version_name="copy",
            output_config=OUTPUT,
        )
    # A failed version can be deleted.
    await rek.delete_project_version(project_version_arn=arn)


@pytest.mark.parametrize(
    ("train", "expected"),
    [
        (ONE_CLASS_BOXES, {"scratch"}),
        (BOXES, {"scratch", "dent"}),
        # Lines with errors or without labels are left out of training.
        (
            [
                *classification_lines(("cat", "dog")),
                *[classification(f"s3://b/bird/{i}.jpg", "bird", errors=True) for i in range(3)],
                unlabeled("s3://b/raw.jpg"),
            ],
            {"cat", "dog"},
        ),
    ],
    ids=["detection-one-label", "detection", "errors-left-out"],
)
async def test_the_model_learns_the_labels_of_the_usable_training_lines(
    rek: RekognitionClient, clock: ManualClock, train: list[str], expected: set[str]
) -> None:
    t = await trainable_project(rek, train=train, test=train)
    arn = await running(rek, clock, t)

    found = [
        label
        for n in range(20)
        for label in (
            await rek.detect_custom_labels(project_version_arn=arn, image=image(n), min_confidence=0)
        ).custom_labels
        or []
    ]

    assert await status(rek, t.project_arn) == "RUNNING"
    assert {label.name for label in found} == expected
    boxes = [label.geometry.bounding_box for label in found if label.geometry and label.geometry.bounding_box]
    # Object localization models give boxes, classification models do not.
    assert len(boxes) == (len(found) if expected <= {"scratch", "dent"} else 0)
    for box in boxes:
        assert box.left is not None
        assert box.width is not None
        assert box.top is not None
        assert box.height is not None
        assert 0 <= box.left <= box.left + box.width <= 1
        assert 0 <= box.top <= box.top + box.height <= 1


# -- training data given in the request -------------------------------------------------------------------


def manifest(name: str) -> TrainingData:
    return TrainingData(
        assets=[Asset(ground_truth_manifest=GroundTruthManifest(s3_object=S3Object(bucket="manifests", name=name)))]
    )


def held_out(name: str) -> rm.TestingData:
    return rm.TestingData(assets=manifest(name).assets)


async def bare_project(rek: RekognitionClient, name: str = "bare") -> str:
    arn = (await rek.create_project(project_name=name)).project_arn
    assert arn is not None
    return arn


async def test_training_on_manifests_in_s3(rek: RekognitionClient, emu: Emulator, clock: ManualClock) -> None:
    emu.state.put_object("manifests", "train.manifest", jsonl(*classification_lines()))
    emu.state.put_object("manifests", "test.manifest", jsonl(*classification_lines()).decode())
    project = await bare_project(rek)

    await create_version(rek, project, training_data=manifest("train.manifest"), testing_data=held_out("test.manifest"))
    clock.advance(TRAINING)

    done = await describe(rek, project, "v1")
    assert done.status == "TRAINING_COMPLETED"
    assert done.training_data_result is not None
    assert same(done.training_data_result.input, manifest("train.manifest"))
    assert done.testing_data_result is not None
    assert same(done.testing_data_result.input, held_out("test.manifest"))


async def test_auto_create_splits_the_training_manifest(
    rek: RekognitionClient, emu: Emulator, clock: ManualClock
) -> None:
    emu.state.put_object("manifests", "train.manifest", jsonl(*classification_lines(per_label=5)))
    emu.state.put_object(
        "manifests", "thin.manifest", jsonl(*classification_lines(per_label=5), classification("s3://b/x.jpg", "x"))
    )
    project = await bare_project(rek)

    await create_version(
        rek, project, "split", training_data=manifest("train.manifest"), testing_data=rm.TestingData(auto_create=True)
    )
    await create_version(
        rek, project, "thin", training_data=manifest("thin.manifest"), testing_data=rm.TestingData(auto_create=True)
    )
    clock.advance(TRAINING)

    split = await describe(rek, project, "split")
    assert split.status == "TRAINING_COMPLETED"
    assert split.testing_data_result is not None
    assert split.testing_data_result.output is not None
    assert split.testing_data_result.output.auto_create is True
    thin = await describe(rek, project, "thin")
    assert thin.status == "TRAINING_FAILED"
    assert thin.status_message is not None
    assert thin.status_message.startswith("ERROR_INSUFFICIENT_IMAGES_PER_LABEL_FOR_AUTOSPLIT: ")


async def test_a_manifest_not_in_the_emulators_s3_fails_training(rek: RekognitionClient, clock: ManualClock) -> None:
    project = await bare_project(rek)

    await create_version(
        rek, project, training_data=manifest("absent.manifest"), testing_data=held_out("absent.manifest")
    )
    clock.advance(TRAINING)

    failed = await describe(rek, project, "v1")
    assert failed.status == "TRAINING_FAILED"
    assert failed.status_message == (
        "ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT: The manifest file extension or contents are invalid."
    )
    assert failed.manifest_summary is None


async def test_an_output_config_without_a_bucket_fails_training(rek: RekognitionClient, clock: ManualClock) -> None:
    t = await trainable_project(rek)

    await rek.create_project_version(project_arn=t.project_arn, version_name="v1", output_config=OutputConfig())
    clock.advance(TRAINING)

    failed = await describe(rek, t.project_arn, "v1")
    assert failed.status == "TRAINING_FAILED"
    assert failed.status_message == "ERROR_CANNOT_WRITE_OUTPUT_S3_BUCKET: Unable to write to output S3 bucket."


async def test_create_project_version_requests_the_service_refuses(rek: RekognitionClient, emu: Emulator) -> None:
    emu.state.put_object("manifests", "train.manifest", jsonl(*classification_lines()))
    t = await trainable_project(rek)
    bare = await bare_project(rek)
    only_train = await bare_project(rek, "only-train")
    await rek.create_dataset(project_arn=only_train, dataset_type="TRAIN")
    two = TrainingData(assets=[*(manifest("train.manifest").assets or []), *(manifest("train.manifest").assets or [])])
    refused = {
        "training data without testing data": (bare, {"training_data": manifest("train.manifest")}),
        "testing data without training data": (bare, {"testing_data": held_out("train.manifest")}),
        "manifests for a project with datasets": (
            t.project_arn,
            {"training_data": manifest("train.manifest"), "testing_data": held_out("train.manifest")},
        ),
        "no datasets and no manifests": (bare, {}),
        "no TEST dataset": (only_train, {}),
        "two training manifests": (bare, {"training_data": two, "testing_data": held_out("train.manifest")}),
        "assets and auto-create": (
            bare,
            {
                "training_data": manifest("train.manifest"),
                "testing_data": rm.TestingData(assets=held_out("train.manifest").assets, auto_create=True),
            },
        ),
        "a content moderation configuration": (
            t.project_arn,
            {
                "feature_config": CustomizationFeatureConfig(
                    content_moderation=CustomizationFeatureContentModerationConfig(confidence_threshold=50)
                )
            },
        ),
    }

    for why, (project, extra) in refused.items():
        with pytest.raises(rek_errors.InvalidParameterException) as caught:
            await create_version(rek, project, **extra)
        assert caught.value.status_code == 400, why

    for project in (t.project_arn, bare, only_train):
        assert (await rek.describe_project_versions(project_arn=project)).project_version_descriptions == []


async def test_a_version_name_is_unique_in_its_project(rek: RekognitionClient) -> None:
    t = await trainable_project(rek)
    other = await trainable_project(rek, "other")
    await create_version(rek, t.project_arn, "v1")

    with pytest.raises(rek_errors.ResourceInUseException):
        await create_version(rek, t.project_arn, "v1")
    await create_version(rek, other.project_arn, "v1")  # another project's names are its own


async def test_training_in_an_unknown_project_is_not_found(rek: RekognitionClient) -> None:
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await create_version(rek, f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/none/1700000000000")
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.describe_project_versions(project_arn=f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/none/1")


async def test_an_adapter_needs_training_data_or_a_train_dataset(rek: RekognitionClient) -> None:
    # Adapters are tested in test_moderation.py.
    arn = (await rek.create_project(project_name="moderation", feature="CONTENT_MODERATION")).project_arn
    assert arn is not None

    with pytest.raises(rek_errors.InvalidParameterException):
        await create_version(rek, arn)


# -- starting, stopping, deleting ------------------------------------------------------------------------


async def test_start_is_refused_unless_the_version_is_trained_and_stopped(
    rek: RekognitionClient, clock: ManualClock
) -> None:
    t = await trainable_project(rek)
    arn = await create_version(rek, t.project_arn)

    with pytest.raises(rek_errors.ResourceInUseException):  # training
        await rek.start_project_version(project_version_arn=arn, min_inference_units=1)
    clock.advance(TRAINING)
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.start_project_version(project_version_arn=arn, min_inference_units=3, max_inference_units=2)
    await rek.start_project_version(project_version_arn=arn, min_inference_units=1)
    for _ in ("starting", "running"):
        with pytest.raises(rek_errors.ResourceInUseException):
            await rek.start_project_version(project_version_arn=arn, min_inference_units=1)
        clock.advance(STARTING)
    await rek.stop_project_version(project_version_arn=arn)
    with pytest.raises(rek_errors.ResourceInUseException):  # stopping
        await rek.start_project_version(project_version_arn=arn, min_inference_units=1)
    clock.advance(STOPPING)

    assert (await rek.start_project_version(project_version_arn=arn, min_inference_units=1)).status == "STARTING"


async def test_stop_is_refused_unless_the_version_is_starting_or_running(
    rek: RekognitionClient, emu: Emulator, clock: ManualClock
) -> None:
    t = await trainable_project(rek)
    arn = await create_version(rek, t.project_arn)

    with pytest.raises(rek_errors.ResourceInUseException):  # training
        await rek.stop_project_version(project_version_arn=arn)
    clock.advance(TRAINING)
    with pytest.raises(rek_errors.ResourceInUseException):  # trained, never started
        await rek.stop_project_version(project_version_arn=arn)
    await rek.start_project_version(project_version_arn=arn, min_inference_units=1)
    clock.advance(STARTING / 2)

    # A model still starting can be stopped: it never runs.
    assert (await rek.stop_project_version(project_version_arn=arn)).status == "STOPPING"
    with pytest.raises(rek_errors.ResourceInUseException):
        await rek.stop_project_version(project_version_arn=arn)
    clock.advance(STOPPING)
    assert await status(rek, t.project_arn) == "STOPPED"
    [usage] = emu.inference_usage(arn)
    assert usage.seconds == STARTING / 2 + STOPPING


async def test_delete_is_refused_while_training(rek: RekognitionClient, clock: ManualClock) -> None:
    t = await trainable_project(rek)
    arn = await create_version(rek, t.project_arn)

    with pytest.raises(rek_errors.ResourceInUseException):
        await rek.delete_project_version(project_version_arn=arn)
    clock.advance(TRAINING)
    await rek.delete_project_version(project_version_arn=arn)
    with pytest.raises(rek_errors.ResourceInUseException):  # deleting already
        await rek.delete_project_version(project_version_arn=arn)


async def test_unknown_versions_are_not_found(rek: RekognitionClient, clock: ManualClock) -> None:
    t = await trainable_project(rek)
    arn = await trained(rek, clock, t)
    unknown = [
        f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/models/version/v2/1700000000000",
        f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/none/version/v1/1700000000000",
        arn[:-1] + ("1" if arn[-1] != "1" else "2"),  # the right names, another creation time
        arn.replace("us-east-1", "eu-west-1"),
    ]

    for other in unknown:
        with pytest.raises(rek_errors.ResourceNotFoundException):
            await rek.start_project_version(project_version_arn=other, min_inference_units=1)
        with pytest.raises(rek_errors.ResourceNotFoundException):
            await rek.stop_project_version(project_version_arn=other)
        with pytest.raises(rek_errors.ResourceNotFoundException):
            await rek.delete_project_version(project_version_arn=other)
        with pytest.raises(rek_errors.ResourceNotFoundException):
            await rek.detect_custom_labels(project_version_arn=other, image=image(1))


async def test_two_models_run_at_most(rek: RekognitionClient, emu: Emulator, clock: ManualClock) -> None:
    t = await trainable_project(rek)
    first, second, third = [await trained(rek, clock, t, name) for name in ("a", "b", "c")]
    await rek.start_project_version(project_version_arn=first, min_inference_units=1)
    await rek.start_project_version(project_version_arn=second, min_inference_units=1)

    with pytest.raises(rek_errors.LimitExceededException):
        await rek.start_project_version(project_version_arn=third, min_inference_units=1)
    await rek.stop_project_version(project_version_arn=first)
    await rek.start_project_version(project_version_arn=third, min_inference_units=1)
    emu.state.running_models_limit = 3
    clock.advance(STOPPING)
    await rek.start_project_version(project_version_arn=first, min_inference_units=1)

    assert sorted(emu.running_versions()) == sorted([first, second, third])


# -- copying ------------------------------------------------------------------------------------------------


async def test_copy_a_trained_version_into_another_project(
    rek: RekognitionClient, emu: Emulator, clock: ManualClock
) -> None:
    t = await trainable_project(rek)
    destination = await trainable_project(rek, "destination")
    source = await running(rek, clock, t)
    copy_output = OutputConfig(s3_bucket="copies", s3_key_prefix="from-models")

    copied = await rek.copy_project_version(
        source_project_arn=t.project_arn,
        source_project_version_arn=source,
        destination_project_arn=destination.project_arn,
        version_name="copied",
        output_config=copy_output,
    )

    arn = copied.project_version_arn
    assert arn is not None
    assert re.fullmatch(rf"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/destination/version/copied/\d{{13}}", arn)
    copying = await describe(rek, destination.project_arn, "copied")
    assert copying.status == "COPYING_IN_PROGRESS"
    assert copying.source_project_version_arn == source
    assert same(copying.output_config, copy_output)
    with pytest.raises(rek_errors.ResourceInUseException):
        await rek.start_project_version(project_version_arn=arn, min_inference_units=1)
    clock.advance(COPYING)
    done = await describe(rek, destination.project_arn, "copied")
    assert done.status == "COPYING_COMPLETED"
    source_result = (await describe(rek, t.project_arn, "v1")).evaluation_result
    assert done.evaluation_result is not None
    assert source_result is not None
    assert done.evaluation_result.f1_score == source_result.f1_score
    await rek.start_project_version(project_version_arn=arn, min_inference_units=1)
    clock.advance(STARTING)

    # The same model: the same labels in the same image.
    for n in range(5):
        ours = await rek.detect_custom_labels(project_version_arn=arn, image=image(n), min_confidence=0)
        theirs = await rek.detect_custom_labels(project_version_arn=source, image=image(n), min_confidence=0)
        assert ours == theirs


async def test_copy_is_refused_as_the_service_refuses_it(rek: RekognitionClient, clock: ManualClock) -> None:
    t = await trainable_project(rek)
    other = await trainable_project(rek, "other")
    training = await create_version(rek, t.project_arn, "training")

    async def copy(source: str, name: str = "copy", project: str = t.project_arn) -> None:
        await rek.copy_project_version(
            source_project_arn=project,
            source_project_version_arn=source,
            destination_project_arn=other.project_arn,
            version_name=name,
            output_config=OUTPUT,
        )

    with pytest.raises(rek_errors.ResourceInUseException):  # not trained yet
        await copy(training)
    clock.advance(TRAINING)
    await create_version(rek, other.project_arn, "taken")
    with pytest.raises(rek_errors.ResourceInUseException):
        await copy(training, "taken")
    with pytest.raises(rek_errors.ResourceNotFoundException):  # not in the source project named
        await copy(training, project=other.project_arn)
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await copy(training.replace("/training/", "/absent/"))
    await copy(training)


# -- DetectCustomLabels -----------------------------------------------------------------------------------


async def test_detect_gives_the_same_labels_for_the_same_image(
    rek: RekognitionClient, emu: Emulator, clock: ManualClock
) -> None:
    t = await trainable_project(rek)
    arn = await running(rek, clock, t)
    emu.state.put_object("photos", "stored.png", PNG)
    s3 = Image(s3_object=S3Object(bucket="photos", name="1.jpg"))

    by_bytes = [
        await rek.detect_custom_labels(project_version_arn=arn, image=image(n), min_confidence=0) for n in range(10)
    ]
    by_s3 = await rek.detect_custom_labels(project_version_arn=arn, image=s3, min_confidence=0)
    stored = await rek.detect_custom_labels(
        project_version_arn=arn, image=Image(s3_object=S3Object(bucket="photos", name="stored.png")), min_confidence=0
    )

    assert by_bytes == [
        await rek.detect_custom_labels(project_version_arn=arn, image=image(n), min_confidence=0) for n in range(10)
    ]
    assert by_s3 == await rek.detect_custom_labels(project_version_arn=arn, image=s3, min_confidence=0)
    # A stored object is its bytes: the same labels as the same bytes sent.
    assert stored == await rek.detect_custom_labels(project_version_arn=arn, image=Image(bytes=PNG), min_confidence=0)
    # Different images, different confidences.
    assert len({tuple(label.confidence for label in r.custom_labels or []) for r in by_bytes}) == 10


async def test_detect_honours_min_confidence_and_max_results(rek: RekognitionClient, clock: ManualClock) -> None:
    t = await trainable_project(rek)
    arn = await running(rek, clock, t)

    for n in range(10):
        everything = (
            await rek.detect_custom_labels(project_version_arn=arn, image=image(n), min_confidence=0)
        ).custom_labels or []
        assumed = (await rek.detect_custom_labels(project_version_arn=arn, image=image(n))).custom_labels or []
        strict = (
            await rek.detect_custom_labels(project_version_arn=arn, image=image(n), min_confidence=80)
        ).custom_labels or []
        top = (
            await rek.detect_custom_labels(project_version_arn=arn, image=image(n), min_confidence=0, max_results=1)
        ).custom_labels or []

        confidences = [label.confidence or 0.0 for label in everything]
        # A classification model scores every label it knows, most confident first.
        assert sorted(label.name or "" for label in everything) == sorted(CLASSES)
        assert confidences == sorted(confidences, reverse=True)
        assert assumed == [label for label in everything if (label.confidence or 0) >= 50]
        assert strict == [label for label in everything if (label.confidence or 0) >= 80]
        assert top == everything[:1]
        assert all(0 <= c <= 100 for c in confidences)


# aiohttp warns of any large bytes body it sends (the 4 MB image): not this test's concern.
@pytest.mark.filterwarnings("ignore:Sending a large body directly with raw bytes")
async def test_detect_refuses_what_the_service_refuses(
    rek: RekognitionClient, emu: Emulator, clock: ManualClock
) -> None:
    t = await trainable_project(rek)
    arn = await running(rek, clock, t)
    emu.state.put_object("photos", "not-an-image.txt", b"hello")
    emu.state.put_object("photos", "huge.jpg", JPEG + bytes(15 * 1024 * 1024))

    # The SDK refuses bad image bytes before sending; clients that skip that check meet the emulator's.
    with pytest.raises(ValueError, match="JPEG or PNG"):
        await rek.detect_custom_labels(project_version_arn=arn, image=Image(bytes=b"GIF89a not supported"))
    with pytest.raises(ClientError, match="InvalidImageFormatException"):
        await rek.aiobotocore_client.detect_custom_labels(ProjectVersionArn=arn, Image={"Bytes": b"GIF89a no"})
    with pytest.raises(rek_errors.InvalidImageFormatException):
        await rek.detect_custom_labels(
            project_version_arn=arn, image=Image(s3_object=S3Object(bucket="photos", name="not-an-image.txt"))
        )
    with pytest.raises(ValueError, match="at most 4194304 bytes"):  # above 4 MB as bytes
        await rek.detect_custom_labels(project_version_arn=arn, image=Image(bytes=JPEG + bytes(4 * 1024 * 1024)))
    with pytest.raises(ClientError, match="ImageTooLargeException"):
        await rek.aiobotocore_client.detect_custom_labels(
            ProjectVersionArn=arn, Image={"Bytes": JPEG + bytes(4 * 1024 * 1024)}
        )
    with pytest.raises(rek_errors.ImageTooLargeException):  # above 15 MB in S3
        await rek.detect_custom_labels(
            project_version_arn=arn, image=Image(s3_object=S3Object(bucket="photos", name="huge.jpg"))
        )
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.detect_custom_labels(
            project_version_arn=arn, image=Image(bytes=JPEG, s3_object=S3Object(bucket="photos", name="x.jpg"))
        )
    await rek.stop_project_version(project_version_arn=arn)
    with pytest.raises(rek_errors.ResourceNotReadyException):
        await rek.detect_custom_labels(project_version_arn=arn, image=image(1))
