# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests and manifest lines are decoded JSON, untyped by nature)
"""Rekognition Custom Labels model versions: training, copying, running, detecting.

CreateProjectVersion, DescribeProjectVersions, StartProjectVersion,
StopProjectVersion, DeleteProjectVersion, CopyProjectVersion, DetectCustomLabels.
A version moves through its statuses by the clock, in the ``Timings`` in force when
the operation was asked for; each start is an inference-usage record. Adapters
(versions of ``CONTENT_MODERATION`` projects) are trained in ``_rek_adapters``.
"""

from __future__ import annotations

import hashlib
import math
import re
from datetime import datetime, timezone
from typing import Any

from .._custom_labels import IMAGE_LEVEL_LABELS, Manifest, Training, TrainingFailure, detect, detect_scene, train
from .._resources import InferenceUsage, ProjectVersion, RekProject, UsageRecord, describe_version
from .._scene import read_scene
from .._wire import ApiError
from ._base import ACCOUNT, check_tag_count, handles, millis, with_token
from ._rek_projects import ProjectsAndDatasets

__all__ = ["MAX_RUNNING_MODELS", "ModelVersions"]

#: Running Custom Labels models per account ("Guidelines and quotas", Detection:
#: https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html).
MAX_RUNNING_MODELS = 2
# DetectCustomLabels: "Maximum size of images passed as raw bytes is 4 MB"; 15 MB in S3 (same page).
# (15 MB in S3 as for every operation: StateBase.image_bytes).
MAX_IMAGE_BYTES = 4 * 1024 * 1024
_VERSION_ARN = re.compile(r"arn:aws:rekognition:[a-z0-9-]+:\d{12}:project/([^/]+)/version/([^/]+)/\d+")
# Statuses from which a model version can be started; copied; in which it is busy.
_STARTABLE = frozenset({"TRAINING_COMPLETED", "COPYING_COMPLETED", "STOPPED"})
_TRAINED = frozenset({"TRAINING_COMPLETED", "COPYING_COMPLETED", "STARTING", "RUNNING", "STOPPING", "STOPPED"})
_BUSY = frozenset({"TRAINING_IN_PROGRESS", "COPYING_IN_PROGRESS", "STARTING", "RUNNING", "STOPPING", "DELETING"})
_GONE = "<deleted>"


class ModelVersions(ProjectsAndDatasets):
    """The operations on Custom Labels model versions (of the projects of :class:`ProjectsAndDatasets`).

    Attributes:
        running_models_limit: How many Custom Labels models may run at once
            (``MAX_RUNNING_MODELS``); one more start is a ``LimitExceededException``.
    """

    running_models_limit: int
    _usage: list[UsageRecord]

    def _create_stores(self) -> None:
        super()._create_stores()
        self.running_models_limit = MAX_RUNNING_MODELS
        self._usage = []

    def _catch_up(self, now: float) -> None:
        super()._catch_up(now)
        for project in list(self.rek_projects.values()):
            for version in list(project.versions.values()):
                self._advance(project, version, now)

    def _advance(self, project: RekProject, version: ProjectVersion, now: float) -> None:
        while version.pending is not None and now >= version.pending[0]:
            at, status = version.pending
            version.pending = None
            if status == _GONE:
                del project.versions[version.name]
                self.forget_tags(version.arn)
                return
            version.status = status
            if status in ("TRAINING_COMPLETED", "TRAINING_FAILED"):
                version.training_end = datetime.fromtimestamp(at, timezone.utc)
                if status == "TRAINING_COMPLETED":
                    # Billed by the second, at least one.
                    version.billable_seconds = max(1, math.ceil(at - version.created.timestamp()))
            if status == "STOPPED" and version.usage is not None:
                version.usage.stopped = at
                version.usage = None

    def _begin(self, project: RekProject, version: ProjectVersion, during: str, seconds: float, after: str) -> None:
        """Put ``version`` in ``during`` for ``seconds``, then ``after`` (at once when ``seconds`` is 0)."""
        now = self.clock()
        version.status, version.pending = during, (now + seconds, after)
        if seconds <= 0:
            self._advance(project, version, now)

    # -- what ran ------------------------------------------------------------------------------

    def inference_usage(self, project_version_arn: str | None = None) -> list[InferenceUsage]:
        """The inference units model versions held: one record per start, in start order.

        Args:
            project_version_arn: Only this version's records; all when ``None``.

        Returns:
            Each span from ``StartProjectVersion`` until the model stopped, or
            until now if it still holds its units (``stopped`` is ``None``).
        """
        with self.lock:
            self.tick()
            now = self.clock()
            return [
                record.snapshot(now)
                for record in self._usage
                if project_version_arn is None or record.project_version_arn == project_version_arn
            ]

    def running_versions(self) -> list[str]:
        """The ARNs of the model versions started and not stopped (STARTING or RUNNING), oldest first."""
        with self.lock:
            self.tick()
            versions = [v for p in self.rek_projects.values() for v in p.versions.values()]
            return [v.arn for v in sorted(versions, key=lambda v: v.created) if v.status in ("STARTING", "RUNNING")]

    # -- operations ----------------------------------------------------------------------------

    def _version(self, arn: str) -> tuple[RekProject, ProjectVersion]:
        match = _VERSION_ARN.fullmatch(arn)
        project = self.rek_projects.get(match.group(1)) if match else None
        version = project.versions.get(match.group(2)) if project and match else None
        if project is None or version is None or version.arn != arn:
            raise ApiError("ResourceNotFoundException", 400, f"model version {arn} not found")
        return project, version

    @staticmethod
    def _custom_labels_only(project: RekProject) -> None:
        if project.feature != "CUSTOM_LABELS":
            raise ApiError(
                "InvalidParameterException",
                400,
                f"project {project.name} is a {project.feature} project: this operation applies to Custom Labels only",
            )

    def _new_version(self, project: RekProject, name: str, p: dict[str, Any], training: Training) -> ProjectVersion:
        if name in project.versions:
            raise ApiError("ResourceInUseException", 400, f"project {project.name} has a version named {name} already")
        check_tag_count(len(p.get("Tags") or {}))  # CreateProjectVersion and CopyProjectVersion
        created = self._created()
        arn = f"arn:aws:rekognition:{self.region}:{ACCOUNT}:project/{project.name}/version/{name}/{millis(created)}"
        version = ProjectVersion(
            project_name=project.name,
            name=name,
            arn=arn,
            created=created,
            status="",
            pending=None,
            training=training,
            seed=hashlib.sha256(arn.encode()).digest(),
            output_config=dict(p["OutputConfig"]),
            training_input={},
            testing_input={"AutoCreate": False},
            description=p.get("VersionDescription"),
            kms_key_id=p.get("KmsKeyId"),
        )
        project.versions[name] = version
        self.record_tags(arn, p.get("Tags"))
        return version

    def _request_manifest(self, data: dict[str, Any], member: str, created: datetime) -> Manifest:
        assets = data.get("Assets") or []
        # "Maximum number of training datasets in a version of a model is 1" (and of testing datasets).
        if len(assets) != 1:
            raise ApiError(
                "InvalidParameterException", 400, f"{member}.Assets must hold one manifest, not {len(assets)}"
            )
        location = (assets[0].get("GroundTruthManifest") or {}).get("S3Object") or {}
        text = self._s3_text(location)
        return Manifest(readable=False) if text is None else Manifest.from_text(text, created)

    @staticmethod
    def _check_datasets(project: RekProject) -> None:
        """Refuse to train on datasets being created or updated, or that failed."""
        for dataset in project.datasets.values():
            if dataset.status in ("CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS"):
                raise ApiError("ResourceInUseException", 400, f"dataset {dataset.arn} is {dataset.status}")
            if dataset.status == "CREATE_FAILED":
                raise ApiError("InvalidParameterException", 400, f"dataset {dataset.arn} is CREATE_FAILED")

    def _training_data(self, project: RekProject, p: dict[str, Any]) -> tuple[Manifest, Manifest | None]:
        """The training and test manifests of a CreateProjectVersion request, checked as the service does."""
        training_data, testing_data = p.get("TrainingData"), p.get("TestingData")
        if (training_data is None) != (testing_data is None):
            raise ApiError(
                "InvalidParameterException", 400, "TrainingData and TestingData are given together or not at all"
            )
        created = datetime.fromtimestamp(self.clock(), timezone.utc)
        if training_data is not None and testing_data is not None:
            if project.datasets:
                raise ApiError(
                    "InvalidParameterException",
                    400,
                    f"project {project.name} has datasets: train it on them, without TrainingData and TestingData",
                )
            training = self._request_manifest(training_data, "TrainingData", created)
            if testing_data.get("AutoCreate"):
                if testing_data.get("Assets"):
                    raise ApiError("InvalidParameterException", 400, "TestingData has Assets and AutoCreate")
                return training, None
            return training, self._request_manifest(testing_data, "TestingData", created)
        missing = [kind for kind in ("TRAIN", "TEST") if kind not in project.datasets]
        if missing:
            raise ApiError(
                "InvalidParameterException",
                400,
                f"project {project.name} has no {' or '.join(missing)} dataset: create it, or give TrainingData "
                "and TestingData",
            )
        self._check_datasets(project)
        # Training reads the datasets as they are now: later changes are not in this version.
        return Manifest(tuple(project.datasets["TRAIN"].entries)), Manifest(tuple(project.datasets["TEST"].entries))

    @handles("rekognition", "CreateProjectVersion")
    def rek_create_project_version(self, p: dict[str, Any]) -> dict[str, Any]:
        project = self._rek_project(p["ProjectArn"])
        self._custom_labels_only(project)
        if (p.get("FeatureConfig") or {}).get("ContentModeration") is not None:
            # "If the job configuration does not match the feature type ... InvalidParameterException".
            raise ApiError(
                "InvalidParameterException", 400, "FeatureConfig.ContentModeration does not apply to Custom Labels"
            )
        if p["VersionName"] in project.versions:
            raise ApiError(
                "ResourceInUseException", 400, f"project {project.name} has a version named {p['VersionName']} already"
            )
        training_manifest, testing_manifest = self._training_data(project, p)
        if not p["OutputConfig"].get("S3Bucket"):
            training = Training(None, (), TrainingFailure("ERROR_CANNOT_WRITE_OUTPUT_S3_BUCKET"))
        else:
            training = train(training_manifest, testing_manifest)
        version = self._new_version(project, p["VersionName"], p, training)
        if "TrainingData" in p:
            version.training_input = p["TrainingData"]
            version.testing_input = p["TestingData"]
        outcome = "TRAINING_FAILED" if training.failure else "TRAINING_COMPLETED"
        self._begin(project, version, "TRAINING_IN_PROGRESS", self.timings.training, outcome)
        return {"ProjectVersionArn": version.arn}

    @handles("rekognition", "DescribeProjectVersions")
    def rek_describe_project_versions(self, p: dict[str, Any]) -> dict[str, Any]:
        project = self._rek_project(p["ProjectArn"])
        names = set(p["VersionNames"]) if p.get("VersionNames") else None
        chosen = [
            v
            for v in sorted(project.versions.values(), key=lambda v: v.created, reverse=True)
            if names is None or v.name in names
        ]
        invalid = ApiError("InvalidPaginationTokenException", 400, "the pagination token is not valid")
        page, nxt = self.page("DescribeProjectVersions", p, chosen, invalid)
        return with_token({"ProjectVersionDescriptions": [describe_version(v) for v in page]}, nxt)

    @handles("rekognition", "StartProjectVersion")
    def rek_start_project_version(self, p: dict[str, Any]) -> dict[str, Any]:
        project, version = self._version(p["ProjectVersionArn"])
        self._custom_labels_only(project)
        low, high = p["MinInferenceUnits"], p.get("MaxInferenceUnits")
        if high is not None and high < low:
            raise ApiError(
                "InvalidParameterException", 400, f"MaxInferenceUnits {high} is below MinInferenceUnits {low}"
            )
        if version.status in _BUSY:
            raise ApiError("ResourceInUseException", 400, f"model version {version.arn} is {version.status}")
        if version.status not in _STARTABLE:
            raise ApiError(
                "InvalidParameterException", 400, f"model version {version.arn} is {version.status}: it cannot run"
            )
        if len(self.running_versions()) >= self.running_models_limit:
            raise ApiError(
                "LimitExceededException",
                400,
                f"{self.running_models_limit} models are running already, the most an account may run",
            )
        version.min_inference_units, version.max_inference_units = low, high
        version.usage = UsageRecord(version.arn, low, high, self.clock())
        self._usage.append(version.usage)
        self._begin(project, version, "STARTING", self.timings.starting, "RUNNING")
        return {"Status": "STARTING"}

    @handles("rekognition", "StopProjectVersion")
    def rek_stop_project_version(self, p: dict[str, Any]) -> dict[str, Any]:
        project, version = self._version(p["ProjectVersionArn"])
        self._custom_labels_only(project)
        # "Stops a running model": a model still starting can be stopped too.
        if version.status not in ("STARTING", "RUNNING"):
            raise ApiError(
                "ResourceInUseException", 400, f"model version {version.arn} is {version.status}, not running"
            )
        self._begin(project, version, "STOPPING", self.timings.stopping, "STOPPED")
        return {"Status": "STOPPING"}

    @handles("rekognition", "DeleteProjectVersion")
    def rek_delete_project_version(self, p: dict[str, Any]) -> dict[str, Any]:
        project, version = self._version(p["ProjectVersionArn"])
        # "You can't delete a project version if it is running or if it is training."
        if version.status in _BUSY:
            raise ApiError("ResourceInUseException", 400, f"model version {version.arn} is {version.status}")
        self._begin(project, version, "DELETING", self.timings.deleting, _GONE)
        return {"Status": "DELETING"}

    @handles("rekognition", "CopyProjectVersion")
    def rek_copy_project_version(self, p: dict[str, Any]) -> dict[str, Any]:
        source_project = self._rek_project(p["SourceProjectArn"])
        destination = self._rek_project(p["DestinationProjectArn"])
        _, source = self._version(p["SourceProjectVersionArn"])
        if source.project_name != source_project.name:
            raise ApiError(
                "ResourceNotFoundException", 400, f"model version {source.arn} is not in project {source_project.arn}"
            )
        # "Adapters cannot be copied" (Managing adapters).
        self._custom_labels_only(source_project)
        self._custom_labels_only(destination)
        if source.status not in _TRAINED:
            code = "ResourceInUseException" if source.status in _BUSY else "InvalidParameterException"
            raise ApiError(code, 400, f"model version {source.arn} is {source.status}: only a trained model is copied")
        copy = self._new_version(destination, p["VersionName"], p, source.training)
        # The same model: it sees the same labels in an image as its source.
        copy.seed, copy.source_arn = source.seed, source.arn
        copy.training_input, copy.testing_input = source.training_input, source.testing_input
        copy.training_end, copy.billable_seconds = source.training_end, source.billable_seconds
        self._begin(destination, copy, "COPYING_IN_PROGRESS", self.timings.copying, "COPYING_COMPLETED")
        return {"ProjectVersionArn": copy.arn}

    @handles("rekognition", "DetectCustomLabels")
    def rek_detect_custom_labels(self, p: dict[str, Any]) -> dict[str, Any]:
        image = self.image_bytes(p["Image"], max_bytes=MAX_IMAGE_BYTES)
        project, version = self._version(p["ProjectVersionArn"])
        self._custom_labels_only(project)
        if version.status != "RUNNING":
            raise ApiError(
                "ResourceNotReadyException", 400, f"model version {version.arn} is {version.status}, not RUNNING"
            )
        use_case = version.training.use_case or IMAGE_LEVEL_LABELS
        limits: dict[str, Any] = {"min_confidence": p.get("MinConfidence"), "max_results": p.get("MaxResults")}
        scene = read_scene(image)
        if scene.described:
            # A scene_image: its labels, as given, whatever the model learnt.
            return {"CustomLabels": detect_scene(version.seed, use_case, scene.labels, scene.digest, **limits)}
        return {"CustomLabels": detect(version.seed, use_case, version.training.labels, image, **limits)}
