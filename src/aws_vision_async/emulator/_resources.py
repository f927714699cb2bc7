"""The emulated resources, as records: projects, datasets, model versions, collections, inference usage.

What the operations do to them is in ``_operations``, one module per family of
operations; a model version's record also says how ``DescribeProjectVersions`` shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ._custom_labels import Training, f1_score
from ._entries import Entry

__all__ = [
    "FACE_MODEL_VERSION",
    "Collection",
    "Face",
    "InferenceUsage",
    "LfvDataset",
    "LfvProject",
    "MediaAnalysisJob",
    "ProjectVersion",
    "RekDataset",
    "RekProject",
    "UsageRecord",
    "User",
    "VideoJob",
    "describe_version",
]

FACE_MODEL_VERSION = "7.0"

# The service's wording where documented ("The model is ready to run.", in the
# DescribeProjectVersions example of the API reference); the emulator's elsewhere.
_MESSAGES = {
    "TRAINING_IN_PROGRESS": "The model is being trained.",
    "TRAINING_COMPLETED": "The model is ready to run.",
    "STARTING": "The model is starting.",
    "RUNNING": "The model is running.",
    "STOPPING": "The model is being stopped.",
    "STOPPED": "The model is ready to run.",
    "COPYING_IN_PROGRESS": "The model is being copied.",
    "COPYING_COMPLETED": "The model is ready to run.",
    "DELETING": "The model is being deleted.",
}


@dataclass
class UsageRecord:
    """One start-to-stop span of a model version, as it runs (times are the clock's seconds)."""

    project_version_arn: str
    min_inference_units: int
    max_inference_units: int | None
    started: float
    stopped: float | None = None

    def snapshot(self, now: float) -> InferenceUsage:
        """The span as seen at ``now``."""
        end = now if self.stopped is None else self.stopped
        return InferenceUsage(
            project_version_arn=self.project_version_arn,
            min_inference_units=self.min_inference_units,
            max_inference_units=self.max_inference_units,
            started=datetime.fromtimestamp(self.started, timezone.utc),
            stopped=None if self.stopped is None else datetime.fromtimestamp(self.stopped, timezone.utc),
            seconds=max(0.0, end - self.started),
        )


@dataclass(frozen=True, kw_only=True)
class InferenceUsage:
    """One span of inference units held by a model version: from its start until it stopped.

    AWS bills the inference units of a model from the moment it is started until
    it has stopped; the emulator counts them the same way, from
    ``StartProjectVersion`` through STARTING, RUNNING and STOPPING to STOPPED.
    It never scales a model, so a model holds its ``min_inference_units``.

    Attributes:
        project_version_arn: The model version.
        min_inference_units: The inference units it was started with (and holds).
        max_inference_units: The auto-scaling maximum it was started with, if any.
        started: When ``StartProjectVersion`` was accepted.
        stopped: When it reached STOPPED; ``None`` while it still holds its units.
        seconds: How long it held them: until ``stopped``, or until now.
    """

    project_version_arn: str
    min_inference_units: int
    max_inference_units: int | None
    started: datetime
    stopped: datetime | None
    seconds: float

    @property
    def inference_unit_seconds(self) -> float:
        """What AWS bills: ``seconds`` times the inference units."""
        return self.seconds * self.min_inference_units

    @property
    def inference_hours(self) -> float:
        """``inference_unit_seconds`` in the unit of AWS's price list."""
        return self.inference_unit_seconds / 3600.0


@dataclass
class ProjectVersion:
    """A Custom Labels model version and the transitions it is going through.

    Attributes:
        project_name: The name of its project.
        name: The version name.
        arn: ``arn:aws:rekognition:{region}:{account}:project/{project}/version/{name}/{ms}``.
        created: When training (or the copy) started.
        status: The status at the last look.
        pending: The next status and when it is due (the clock's seconds).
        training: What training made of the datasets.
        seed: The model's identity for predictions, shared by its copies.
        output_config: ``OutputConfig`` as given.
        training_input: ``TrainingData`` as given, or ``{}`` (the project's datasets).
        testing_input: ``TestingData`` as given, or ``{"AutoCreate": False}``.
        training_end: When training ended, once it has.
        billable_seconds: The billed training time, once trained.
        min_inference_units: ``MinInferenceUnits`` of the last start.
        max_inference_units: ``MaxInferenceUnits`` of the last start.
        source_arn: The version it was copied from.
        description: ``VersionDescription``.
        kms_key_id: ``KmsKeyId``.
        feature: ``CUSTOM_LABELS`` (a model) or ``CONTENT_MODERATION`` (an adapter).
        feature_config: An adapter's ``FeatureConfig``, as given.
        base_model_version: The version of the model an adapter adapts.
        usage: The open usage record while the version holds inference units.
    """

    project_name: str
    name: str
    arn: str
    created: datetime
    status: str
    pending: tuple[float, str] | None
    training: Training
    seed: bytes
    output_config: dict[str, Any]
    training_input: dict[str, Any]
    testing_input: dict[str, Any]
    training_end: datetime | None = None
    billable_seconds: int | None = None
    min_inference_units: int | None = None
    max_inference_units: int | None = None
    source_arn: str | None = None
    description: str | None = None
    kms_key_id: str | None = None
    feature: str = "CUSTOM_LABELS"
    feature_config: dict[str, Any] | None = None
    base_model_version: str | None = None
    usage: UsageRecord | None = None

    @property
    def status_message(self) -> str:
        """``StatusMessage``: the training error of a failed training, else a word on the status."""
        if self.status == "TRAINING_FAILED" and self.training.failure is not None:
            return self.training.failure.message
        return _MESSAGES.get(self.status, self.status)


def _location(version: ProjectVersion, what: str) -> dict[str, Any]:
    # Named as in the API reference's example: my-model-output/TrainingGroundTruth-my-project-1.json.
    prefix = str(version.output_config.get("S3KeyPrefix") or "").rstrip("/")
    name = f"{what}-{version.project_name}-{version.name}.json"
    return {
        "S3Object": {
            "Bucket": version.output_config.get("S3Bucket", ""),
            "Name": f"{prefix}/{name}" if prefix else name,
        }
    }


def _assets(version: ProjectVersion, what: str) -> dict[str, Any]:
    return {"Assets": [{"GroundTruthManifest": _location(version, what)}]}


def describe_version(version: ProjectVersion) -> dict[str, Any]:
    """A ``ProjectVersionDescription``: what the service reports at the version's status."""
    desc: dict[str, Any] = {
        "ProjectVersionArn": version.arn,
        "CreationTimestamp": version.created,
        "Status": version.status,
        "StatusMessage": version.status_message,
        "OutputConfig": version.output_config,
        "TrainingDataResult": {"Input": version.training_input},
        "TestingDataResult": {"Input": version.testing_input},
        "Feature": version.feature,
    }
    optional = {
        "MinInferenceUnits": version.min_inference_units,
        "MaxInferenceUnits": version.max_inference_units,
        "SourceProjectVersionArn": version.source_arn,
        "VersionDescription": version.description,
        "KmsKeyId": version.kms_key_id,
        "FeatureConfig": version.feature_config,
        "BaseModelVersion": version.base_model_version,
    }
    desc.update({k: v for k, v in optional.items() if v is not None})
    if version.training_end is None:
        return desc
    desc["TrainingEndTimestamp"] = version.training_end
    failure = version.training.failure
    # Training writes a manifest summary and validation manifests once it has read the
    # manifests: not after a manifest file error ("Debugging a failed model training").
    if failure is not None and not failure.content_error:
        return desc
    desc["ManifestSummary"] = _location(version, "ManifestSummary")
    desc["TrainingDataResult"]["Validation"] = _assets(version, "TrainingManifestWithValidation")
    desc["TestingDataResult"]["Validation"] = _assets(version, "TestingManifestWithValidation")
    if failure is not None:
        return desc
    # Only a successful training is billed and evaluated (ProjectVersionDescription).
    desc["BillableTrainingTimeInSeconds"] = version.billable_seconds
    desc["EvaluationResult"] = {
        "F1Score": f1_score(version.seed),
        "Summary": _location(version, "EvaluationResultSummary"),
    }
    desc["TrainingDataResult"]["Output"] = _assets(version, "TrainingGroundTruth")
    desc["TestingDataResult"]["Output"] = {
        **_assets(version, "TestingGroundTruth"),
        "AutoCreate": version.training.auto_split,
    }
    return desc


# -- projects, datasets, collections ----------------------------------------------------------------


@dataclass
class RekDataset:
    """A Rekognition Custom Labels dataset: its JSON Lines and its status."""

    arn: str
    kind: str  # TRAIN | TEST
    created: datetime
    entries: list[Entry] = field(default_factory=list[Entry])
    status: str = "CREATE_COMPLETE"
    pending: tuple[float, str] | None = None  # the next status and when it is due
    updated: datetime | None = None  # LastUpdatedTimestamp


@dataclass
class RekProject:
    """A Rekognition project: its datasets and model versions by name."""

    name: str
    arn: str
    created: datetime
    feature: str
    auto_update: str | None
    datasets: dict[str, RekDataset] = field(default_factory=dict[str, RekDataset])
    versions: dict[str, ProjectVersion] = field(default_factory=dict[str, ProjectVersion])
    status: str = "CREATED"
    pending: tuple[float, str] | None = None


@dataclass
class Face:
    """A face indexed in a collection (``IndexFaces``).

    Attributes:
        face_id: ``FaceId``.
        image_id: ``ImageId``: the same for the faces of one ``IndexFaces`` call.
        identity: The person the face shows (the image's scene), which searches compare.
        box: ``BoundingBox`` in its image.
        confidence: ``Confidence`` that the box holds a face.
        external_image_id: ``ExternalImageId`` as given.
        user_id: The user it is associated with (``AssociateFaces``).
    """

    face_id: str
    image_id: str
    identity: str
    box: dict[str, float]
    confidence: float
    external_image_id: str | None = None
    user_id: str | None = None


@dataclass
class User:
    """A user of a collection (``CreateUser``): a person's faces, associated.

    Attributes:
        user_id: ``UserId``.
        key: The system-generated id ``ListUsers`` sorts by.
        face_ids: The associated faces, in the order of association.
    """

    user_id: str
    key: str
    face_ids: list[str] = field(default_factory=list[str])

    @property
    def status(self) -> str:
        """``UserStatus``: CREATED until a face is associated, then ACTIVE."""
        return "ACTIVE" if self.face_ids else "CREATED"


@dataclass
class Collection:
    """A Rekognition face collection: its faces by ``FaceId`` and users by ``UserId``."""

    collection_id: str
    arn: str
    created: datetime
    face_model_version: str = FACE_MODEL_VERSION
    faces: dict[str, Face] = field(default_factory=dict[str, Face])
    users: dict[str, User] = field(default_factory=dict[str, User])


@dataclass
class LfvDataset:
    """A Lookout for Vision dataset (``train`` or ``test``)."""

    kind: str  # train | test
    created: datetime
    entries: list[Entry] = field(default_factory=list[Entry])


@dataclass
class LfvProject:
    """A Lookout for Vision project: its datasets by type."""

    name: str
    arn: str
    created: datetime
    datasets: dict[str, LfvDataset] = field(default_factory=dict[str, LfvDataset])


# -- video and media analysis jobs ---------------------------------------------------------------


@dataclass
class VideoJob:
    """A stored-video analysis job (``Start<kind>``, read with ``Get<kind>``).

    Attributes:
        job_id: ``JobId``.
        kind: The analysis, such as ``"LabelDetection"``.
        video: ``Video`` as given.
        params: The start request, less its client token (``SegmentTypes``...).
        seed: What the results are drawn from (the video's bucket and name).
        status: ``IN_PROGRESS``, then ``SUCCEEDED`` or ``FAILED`` at ``done_at``.
        done_at: When it ends (the clock's seconds).
        outcome: The status it ends in.
        status_message: ``StatusMessage`` of a failed job.
    """

    job_id: str
    kind: str
    video: dict[str, Any]
    params: dict[str, Any]
    seed: bytes
    done_at: float
    outcome: str
    status: str = "IN_PROGRESS"
    status_message: str | None = None


@dataclass
class MediaAnalysisJob:
    """A media analysis job (``StartMediaAnalysisJob``): its description, and when it ends.

    Attributes:
        job_id: ``JobId``.
        created: ``CreationTimestamp``.
        params: The start request, less its client token.
        done_at: When it ends (the clock's seconds).
        outcome: The status it ends in.
        status: ``IN_PROGRESS``, then ``outcome`` at ``done_at``.
        completed: ``CompletionTimestamp``, once it has ended.
    """

    job_id: str
    created: datetime
    params: dict[str, Any]
    done_at: float
    outcome: str
    status: str = "IN_PROGRESS"
    completed: datetime | None = None
