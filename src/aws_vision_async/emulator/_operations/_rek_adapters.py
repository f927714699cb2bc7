# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests are decoded JSON, untyped by nature)
"""Custom Moderation adapters: CreateProjectVersion in a ``CONTENT_MODERATION`` project.

An adapter trains as a model does (TRAINING_IN_PROGRESS, then TRAINING_COMPLETED or
TRAINING_FAILED, over ``Timings.training``) on the manifests of its request or on
the project's datasets, and is used at once by ``DetectModerationLabels``: adapters
are never started, stopped or copied (those operations refuse them).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Final

from .._custom_labels import Manifest, Training, TrainingFailure, train_adapter
from .._resources import RekProject
from .._wire import ApiError
from ._base import handles
from ._rek_model_versions import ModelVersions

__all__ = ["MODERATION_MODEL_VERSION", "Adapters"]

#: The content moderation model adapters adapt, as ``DetectModerationLabels`` names it.
MODERATION_MODEL_VERSION: Final = "7.0"


class Adapters(ModelVersions):
    """Training adapters, next to the Custom Labels models of :class:`ModelVersions`."""

    @handles("rekognition", "CreateProjectVersion")
    def rek_create_project_version(self, p: dict[str, Any]) -> dict[str, Any]:
        project = self._rek_project(p["ProjectArn"])
        if project.feature == "CUSTOM_LABELS":
            return super().rek_create_project_version(p)
        config = p.get("FeatureConfig")
        threshold = ((config or {}).get("ContentModeration") or {}).get("ConfidenceThreshold")
        if threshold is not None and not 0.0 <= threshold <= 100.0:
            raise ApiError(
                "InvalidParameterException", 400, f"ConfidenceThreshold {threshold} is not between 0 and 100"
            )
        name = p["VersionName"]
        if name in project.versions:
            raise ApiError("ResourceInUseException", 400, f"project {project.name} has a version named {name} already")
        training_manifest, testing_manifest = self._adapter_data(project, p)
        if not p["OutputConfig"].get("S3Bucket"):
            training = Training(None, (), TrainingFailure("ERROR_CANNOT_WRITE_OUTPUT_S3_BUCKET"))
        else:
            training = train_adapter(training_manifest, testing_manifest)
        version = self._new_version(project, name, p, training)
        version.feature, version.feature_config = project.feature, config
        version.base_model_version = MODERATION_MODEL_VERSION
        version.training_input = p.get("TrainingData") or {}
        version.testing_input = p.get("TestingData") or {"AutoCreate": testing_manifest is None}
        outcome = "TRAINING_FAILED" if training.failure else "TRAINING_COMPLETED"
        self._begin(project, version, "TRAINING_IN_PROGRESS", self.timings.training, outcome)
        return {"ProjectVersionArn": version.arn}

    def _adapter_data(self, project: RekProject, p: dict[str, Any]) -> tuple[Manifest, Manifest | None]:
        """An adapter's training and test manifests: the request's, else the project's datasets.

        No test manifest (``None``) means a fifth of the training images are kept
        for testing: ``TestingData`` absent or ``AutoCreate``, or no TEST dataset.
        """
        training_data, testing_data = p.get("TrainingData"), p.get("TestingData")
        if training_data is None:
            if testing_data is not None:
                raise ApiError("InvalidParameterException", 400, "TestingData is given without TrainingData")
            if "TRAIN" not in project.datasets:
                raise ApiError(
                    "InvalidParameterException",
                    400,
                    f"project {project.name} has no TRAIN dataset: create it, or give TrainingData",
                )
            self._check_datasets(project)
            test = project.datasets.get("TEST")
            # Training reads the datasets as they are now.
            return Manifest(tuple(project.datasets["TRAIN"].entries)), None if test is None else Manifest(
                tuple(test.entries)
            )
        created = datetime.fromtimestamp(self.clock(), timezone.utc)
        training = self._request_manifest(training_data, "TrainingData", created)
        if testing_data is None or testing_data.get("AutoCreate"):
            if testing_data is not None and testing_data.get("Assets"):
                raise ApiError("InvalidParameterException", 400, "TestingData has Assets and AutoCreate")
            return training, None
        return training, self._request_manifest(testing_data, "TestingData", created)
