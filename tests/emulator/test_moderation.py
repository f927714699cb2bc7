"""DetectModerationLabels on described scenes and photographs, and Custom Moderation adapters."""

from __future__ import annotations

import json

import pytest

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import Emulator, Timings, scene_image
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition import models as rm
from aws_vision_async.rekognition.models import (
    Asset,
    CustomizationFeatureConfig,
    CustomizationFeatureContentModerationConfig,
    DatasetSource,
    GroundTruthManifest,
    HumanLoopConfig,
    Image,
    S3Object,
    TrainingData,
)

from ._model_support import JPEG, OUTPUT, ManualClock, trainable_project
from ._support import ACCOUNT

pytestmark = pytest.mark.anyio

TRAINING = 30.0


@pytest.fixture
def vision_emulator_timings() -> Timings:
    return Timings(training=TRAINING)


@pytest.fixture
def clock(emu: Emulator) -> ManualClock:
    clock = ManualClock()
    emu.state.clock = clock
    return clock


def line(ref: str, *labels: str) -> str:
    """A Custom Moderation manifest line ("Manifest file formats" of the adapters guide)."""
    truth = {"ModerationLabels": [{"Name": name} for name in labels]}
    return json.dumps({"source-ref": ref, "content-moderation-groundtruth": truth})


def manifest(emu: Emulator, name: str, lines: list[str]) -> TrainingData:
    emu.state.put_object("manifests", name, "\n".join(lines))
    return TrainingData(
        assets=[Asset(ground_truth_manifest=GroundTruthManifest(s3_object=S3Object(bucket="manifests", name=name)))]
    )


# The training images: a false positive of the base model (a soda can it calls Alcohol,
# annotated as showing nothing), and images of the Alcohol it misses.
LINES = [line("s3://imgs/soda.jpg"), *(line(f"s3://imgs/beer-{i}.jpg", "Alcohol") for i in range(5))]


async def adapter_project(rek: RekognitionClient, name: str = "moderation") -> str:
    arn = (
        await rek.create_project(project_name=name, feature="CONTENT_MODERATION", auto_update="DISABLED")
    ).project_arn
    assert arn is not None
    return arn


async def train_adapter(rek: RekognitionClient, emu: Emulator, project: str, lines: list[str] = LINES) -> str:
    arn = (
        await rek.create_project_version(
            project_arn=project,
            version_name="a1",
            output_config=OUTPUT,
            training_data=manifest(emu, "train.jsonl", lines),
            feature_config=CustomizationFeatureConfig(
                content_moderation=CustomizationFeatureContentModerationConfig(confidence_threshold=70.0)
            ),
            version_description="fewer soda cans",
        )
    ).project_version_arn
    assert arn is not None
    return arn


# -- without an adapter -----------------------------------------------------------------------------


async def test_a_scene_gets_its_moderation_labels_with_their_taxonomy(rek: RekognitionClient) -> None:
    picture = Image(bytes=scene_image(moderation=("Weapon Violence", "Alcohol", "Something New"), labels=("Beer",)))

    reply = await rek.detect_moderation_labels(image=picture)
    again = await rek.detect_moderation_labels(image=picture)

    found = {label.name: label for label in reply.moderation_labels or []}
    assert set(found) == {"Weapon Violence", "Alcohol", "Something New"}
    assert (found["Weapon Violence"].parent_name, found["Weapon Violence"].taxonomy_level) == ("Graphic Violence", 3)
    assert (found["Alcohol"].parent_name, found["Alcohol"].taxonomy_level) == ("", 1)
    assert (found["Something New"].parent_name, found["Something New"].taxonomy_level) == ("", 1)
    assert all((label.confidence or 0) >= 90 for label in found.values())
    confidences = [label.confidence or 0 for label in reply.moderation_labels or []]
    assert confidences == sorted(confidences, reverse=True)
    assert reply.moderation_model_version == "7.0"
    assert reply.content_types == []
    assert reply.project_version is None
    assert reply.human_loop_activation_output is None
    assert again == reply


async def test_min_confidence_and_a_human_loop(rek: RekognitionClient) -> None:
    picture = Image(bytes=scene_image(moderation=("Smoking",)))
    loop = HumanLoopConfig(
        human_loop_name="review", flow_definition_arn=f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:flow-definition/f"
    )

    reply = await rek.detect_moderation_labels(image=picture, human_loop_config=loop)
    [label] = reply.moderation_labels or []
    above = await rek.detect_moderation_labels(image=picture, min_confidence=(label.confidence or 0) + 0.001)

    assert (label.name, label.parent_name, label.taxonomy_level) == (
        "Smoking",
        "Drugs & Tobacco Paraphernalia & Use",
        3,
    )
    assert reply.human_loop_activation_output is None  # no human loop is started
    assert above.moderation_labels == []
    clean = await rek.detect_moderation_labels(image=Image(bytes=scene_image(labels=("Dog",))))
    assert clean.moderation_labels == []


async def test_a_photograph_gets_labels_from_its_hash(rek: RekognitionClient) -> None:
    replies = [await rek.detect_moderation_labels(image=Image(bytes=JPEG + str(i).encode())) for i in range(40)]
    again = await rek.detect_moderation_labels(image=Image(bytes=JPEG + b"0"))

    assert again == replies[0]
    labelled = [r for r in replies if r.moderation_labels]
    assert labelled  # about one photograph in ten shows something
    assert len(labelled) < len(replies)
    for reply in labelled:
        assert all(50 <= (label.confidence or 0) < 100 for label in reply.moderation_labels or [])


async def test_image_errors(rek: RekognitionClient, emu: Emulator) -> None:
    # The SDK checks image bytes itself: a GIF in S3 is what reaches the emulator.
    emu.state.put_object("imgs", "a.gif", b"GIF89a not a jpeg")
    with pytest.raises(rek_errors.InvalidImageFormatException):
        await rek.detect_moderation_labels(image=Image(s3_object=S3Object(bucket="imgs", name="a.gif")))


# -- adapters ---------------------------------------------------------------------------------------


async def test_an_adapter_is_trained_and_used(rek: RekognitionClient, emu: Emulator, clock: ManualClock) -> None:
    project = await adapter_project(rek)
    arn = await train_adapter(rek, emu, project)
    scene = scene_image(moderation=("Violence",), labels=("Alcohol", "Table"))

    [training] = (await rek.describe_project_versions(project_arn=project)).project_version_descriptions or []
    assert training.status == "TRAINING_IN_PROGRESS"
    with pytest.raises(rek_errors.ResourceNotReadyException):
        await rek.detect_moderation_labels(image=Image(bytes=scene), project_version=arn)
    clock.advance(TRAINING)

    [done] = (await rek.describe_project_versions(project_arn=project)).project_version_descriptions or []
    assert done.status == "TRAINING_COMPLETED"
    assert done.feature == "CONTENT_MODERATION"
    assert done.base_model_version == "7.0"
    assert done.version_description == "fewer soda cans"
    assert done.feature_config is not None
    assert done.feature_config.content_moderation is not None
    assert done.feature_config.content_moderation.confidence_threshold == 70.0
    assert done.testing_data_result is not None
    assert done.testing_data_result.input is not None
    assert done.testing_data_result.input.auto_create is True

    # What the base model misses and the adapter learnt: Alcohol; the base model's Violence stays.
    adapted = await rek.detect_moderation_labels(image=Image(bytes=scene), project_version=arn)
    base = await rek.detect_moderation_labels(image=Image(bytes=scene))
    assert adapted.project_version == arn
    assert sorted(label.name or "" for label in adapted.moderation_labels or []) == ["Alcohol", "Violence"]
    assert [label.name for label in base.moderation_labels or []] == ["Violence"]

    # A training image gets what it was annotated with: the soda can shows nothing.
    emu.state.put_object("imgs", "soda.jpg", scene_image(moderation=("Alcohol",)))
    soda = Image(s3_object=S3Object(bucket="imgs", name="soda.jpg"))
    assert [label.name for label in (await rek.detect_moderation_labels(image=soda)).moderation_labels or []] == [
        "Alcohol"
    ]
    assert (await rek.detect_moderation_labels(image=soda, project_version=arn)).moderation_labels == []


async def test_adapters_are_not_started_nor_copied(rek: RekognitionClient, emu: Emulator, clock: ManualClock) -> None:
    project = await adapter_project(rek)
    arn = await train_adapter(rek, emu, project)
    clock.advance(TRAINING)

    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.start_project_version(project_version_arn=arn, min_inference_units=1)
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.copy_project_version(
            source_project_arn=project,
            source_project_version_arn=arn,
            destination_project_arn=project,
            version_name="copy",
            output_config=OUTPUT,
        )
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.detect_custom_labels(project_version_arn=arn, image=Image(bytes=scene_image()))
    with pytest.raises(rek_errors.ResourceInUseException):  # the name is taken
        await train_adapter(rek, emu, project)
    await rek.delete_project_version(project_version_arn=arn)
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.detect_moderation_labels(image=Image(bytes=scene_image()), project_version=arn)


async def test_a_project_version_that_is_not_an_adapter(rek: RekognitionClient, emu: Emulator) -> None:
    emu.timings = Timings.instant()
    t = await trainable_project(rek)
    model = (
        await rek.create_project_version(project_arn=t.project_arn, version_name="v1", output_config=OUTPUT)
    ).project_version_arn
    assert model is not None
    picture = Image(bytes=scene_image(moderation=("Violence",)))
    unknown = f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/none/version/v1/1700000000000"

    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.detect_moderation_labels(image=picture, project_version=model)
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.detect_moderation_labels(image=picture, project_version=unknown)
    with pytest.raises(rek_errors.InvalidParameterException):  # a model's project takes no ContentModeration
        await rek.create_project_version(
            project_arn=t.project_arn,
            version_name="v2",
            output_config=OUTPUT,
            feature_config=CustomizationFeatureConfig(content_moderation=CustomizationFeatureContentModerationConfig()),
        )


async def test_adapter_training_failures(rek: RekognitionClient, emu: Emulator) -> None:
    emu.timings = Timings.instant()
    project = await adapter_project(rek)
    missing = TrainingData(
        assets=[Asset(ground_truth_manifest=GroundTruthManifest(s3_object=S3Object(bucket="manifests", name="none")))]
    )
    cases = {
        "unreadable": (missing, "ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT"),
        "empty": (manifest(emu, "empty.jsonl", []), "ERROR_EMPTY_MANIFEST"),
        "unannotated": (
            manifest(emu, "plain.jsonl", ['{"source-ref": "s3://imgs/a.jpg"}']),
            "ERROR_TOO_MANY_INVALID_ROWS_IN_MANIFEST",
        ),
        "nothing-unsafe": (manifest(emu, "clean.jsonl", [line("s3://imgs/a.jpg")]), "ERROR_MANIFEST_TOO_FEW_LABELS"),
        "two-buckets": (
            manifest(emu, "buckets.jsonl", [line("s3://one/a.jpg", "Alcohol"), line("s3://two/b.jpg", "Alcohol")]),
            "ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS",
        ),
    }
    for name, (data, _) in cases.items():
        await rek.create_project_version(
            project_arn=project, version_name=name, output_config=OUTPUT, training_data=data
        )

    described = {
        (d.project_version_arn or "").split("/")[-2]: d
        for d in (await rek.describe_project_versions(project_arn=project)).project_version_descriptions or []
    }
    for name, (_, code) in cases.items():
        assert described[name].status == "TRAINING_FAILED", name
        assert (described[name].status_message or "").startswith(code), name
        with pytest.raises(rek_errors.ResourceNotReadyException):
            await rek.detect_moderation_labels(
                image=Image(bytes=scene_image()), project_version=described[name].project_version_arn
            )


async def test_adapter_request_errors(rek: RekognitionClient, emu: Emulator) -> None:
    project = await adapter_project(rek)
    data = manifest(emu, "train.jsonl", LINES)

    with pytest.raises(rek_errors.InvalidParameterException):  # no TrainingData and no TRAIN dataset
        await rek.create_project_version(project_arn=project, version_name="a", output_config=OUTPUT)
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.create_project_version(
            project_arn=project,
            version_name="a",
            output_config=OUTPUT,
            training_data=data,
            testing_data=rm.TestingData(assets=data.assets, auto_create=True),
        )
    with pytest.raises(rek_errors.InvalidParameterException):  # TestingData alone
        await rek.create_project_version(
            project_arn=project, version_name="a", output_config=OUTPUT, testing_data=rm.TestingData(auto_create=True)
        )
    assert (await rek.describe_project_versions(project_arn=project)).project_version_descriptions == []


async def test_an_adapter_trains_on_the_project_datasets(rek: RekognitionClient, emu: Emulator) -> None:
    emu.timings = Timings.instant()
    project = await adapter_project(rek)
    emu.state.put_object("manifests", "train.jsonl", "\n".join(LINES))
    await rek.create_dataset(
        project_arn=project,
        dataset_type="TRAIN",
        dataset_source=DatasetSource(
            ground_truth_manifest=GroundTruthManifest(s3_object=S3Object(bucket="manifests", name="train.jsonl"))
        ),
    )

    arn = (
        await rek.create_project_version(project_arn=project, version_name="a", output_config=OUTPUT)
    ).project_version_arn
    assert arn is not None

    reply = await rek.detect_moderation_labels(image=Image(bytes=scene_image(labels=("Alcohol",))), project_version=arn)
    assert [label.name for label in reply.moderation_labels or []] == ["Alcohol"]
