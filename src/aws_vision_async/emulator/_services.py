# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests and manifest lines are decoded JSON, untyped by nature)
"""The emulated resources and operations of both services."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import wraps
from typing import Any

from ._custom_labels import IMAGE_LEVEL_LABELS, Manifest, Training, TrainingFailure, detect, is_image, train
from ._entries import Entry, boxes_by_label, changes_lines, merge_entries
from ._models import InferenceUsage, ProjectVersion, UsageRecord, describe_version
from ._timings import Timings
from ._wire import ApiError

__all__ = ["ACCOUNT", "IDEMPOTENCY_WINDOW", "MAX_RESULTS", "MAX_RUNNING_MODELS", "Entry", "State"]

ACCOUNT = "123456789012"
MAX_RESULTS = 100
#: How long a client token is remembered, as the services document.
IDEMPOTENCY_WINDOW = 8 * 3600.0
FACE_MODEL_VERSION = "7.0"
#: Running Custom Labels models per account ("Guidelines and quotas", Detection:
#: https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html).
MAX_RUNNING_MODELS = 2
# DetectCustomLabels: "Maximum size of images passed as raw bytes is 4 MB"; 15 MB in S3 (same page).
MAX_IMAGE_BYTES = 4 * 1024 * 1024
MAX_S3_IMAGE_BYTES = 15 * 1024 * 1024

Handler = Callable[[dict[str, Any]], dict[str, Any]]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


# -- resources ---------------------------------------------------------------------------------------


@dataclass
class RekDataset:
    arn: str
    kind: str  # TRAIN | TEST
    created: datetime
    entries: list[Entry] = field(default_factory=list[Entry])
    status: str = "CREATE_COMPLETE"
    pending: tuple[float, str] | None = None  # the next status and when it is due
    updated: datetime | None = None  # LastUpdatedTimestamp


@dataclass
class RekProject:
    name: str
    arn: str
    created: datetime
    feature: str
    auto_update: str | None
    datasets: dict[str, RekDataset] = field(default_factory=dict[str, RekDataset])
    versions: dict[str, ProjectVersion] = field(default_factory=dict[str, ProjectVersion])
    status: str = "CREATED"
    pending: tuple[float, str] | None = None


def _due(resource: RekProject | RekDataset, now: float) -> None:
    if resource.pending is not None and now >= resource.pending[0]:
        resource.status, resource.pending = resource.pending[1], None


# DescribeDataset's StatusMessage and StatusMessageCode per status.
_DATASET_MESSAGES = {
    "CREATE_IN_PROGRESS": ("The dataset is being created.", "SUCCESS"),
    "CREATE_COMPLETE": ("The dataset was successfully created.", "SUCCESS"),
    "CREATE_FAILED": ("The manifest file extension or contents are invalid.", "CLIENT_ERROR"),
    "UPDATE_IN_PROGRESS": ("The dataset is being updated.", "SUCCESS"),
    "UPDATE_COMPLETE": ("The dataset was successfully updated.", "SUCCESS"),
}
_VERSION_ARN = re.compile(r"arn:aws:rekognition:[a-z0-9-]+:\d{12}:project/([^/]+)/version/([^/]+)/\d+")
# Statuses from which a model version can be started; copied; in which it is busy.
_STARTABLE = frozenset({"TRAINING_COMPLETED", "COPYING_COMPLETED", "STOPPED"})
_TRAINED = frozenset({"TRAINING_COMPLETED", "COPYING_COMPLETED", "STARTING", "RUNNING", "STOPPING", "STOPPED"})
_BUSY = frozenset({"TRAINING_IN_PROGRESS", "COPYING_IN_PROGRESS", "STARTING", "RUNNING", "STOPPING", "DELETING"})
_GONE = "<deleted>"


@dataclass
class Collection:
    collection_id: str
    arn: str
    created: datetime
    face_model_version: str = FACE_MODEL_VERSION


@dataclass
class LfvDataset:
    kind: str  # train | test
    created: datetime
    entries: list[Entry] = field(default_factory=list)


@dataclass
class LfvProject:
    name: str
    arn: str
    created: datetime
    datasets: dict[str, LfvDataset] = field(default_factory=dict)


# -- pagination and idempotency --------------------------------------------------------------------


class _Tokens:
    """Opaque pagination tokens, bound to an operation and its filters, signed.

    Standard base64 of the payload and its HMAC, which fits both services'
    token constraints (Lookout for Vision: ``[a-zA-Z0-9/+=]{0,2048}``;
    Rekognition: at most 255 characters).
    """

    _SIGNATURE_BYTES = 12

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[: self._SIGNATURE_BYTES]

    def issue(self, operation: str, offset: int, scope: str) -> str:
        payload = json.dumps({"o": operation, "i": offset, "s": scope}, separators=(",", ":")).encode()
        return base64.b64encode(payload + self._sign(payload)).decode()

    def read(self, operation: str, token: str, scope: str) -> int | None:
        try:
            raw = base64.b64decode(token, validate=True)
        except ValueError:
            return None
        payload, signature = raw[: -self._SIGNATURE_BYTES], raw[-self._SIGNATURE_BYTES :]
        if not hmac.compare_digest(self._sign(payload), signature):
            return None
        try:
            data = json.loads(payload)
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("o") != operation or data.get("s") != scope:
            return None
        offset = data.get("i")
        return offset if isinstance(offset, int) and offset >= 0 else None


def _with_token(page: dict[str, Any], token: str | None) -> dict[str, Any]:
    # A page carries NextToken only when more follow, as the services reply.
    return {**page, "NextToken": token} if token else page


def _scope(params: dict[str, Any], *skip: str) -> str:
    rest = {k: v for k, v in params.items() if k not in ("NextToken", "MaxResults", *skip)}
    return hashlib.sha256(json.dumps(rest, sort_keys=True, default=str).encode()).hexdigest()[:16]


# -- the state ------------------------------------------------------------------------------------------


class State:
    """Every resource of both emulated services, and the operations on them.

    Slow operations (training, starting a model...) move through their statuses
    by the clock: each read works out what has happened since, from the
    ``timings`` in force when the operation was asked for. The operations hold
    ``lock``, so that a test may read the state while the emulator serves.

    Attributes:
        region: The Region in ARNs.
        clock: The time in seconds since the epoch (``time.time``); replace it
            to move time by hand.
        timings: How long slow operations take.
        running_models_limit: How many Custom Labels models may run at once
            (``MAX_RUNNING_MODELS``); one more start is a ``LimitExceededException``.
        s3_objects: The emulator's S3: objects by ``(bucket, key)``, read as
            manifests (``CreateDataset``, ``CreateProjectVersion``) and images
            (``DetectCustomLabels``). Fill it with ``put_object``.
        rek_projects: Rekognition projects by name.
        collections: Face collections by id.
        lfv_projects: Lookout for Vision projects by name.
    """

    def __init__(
        self,
        region: str = "us-east-1",
        clock: Callable[[], float] = time.time,
        timings: Timings | None = None,
    ) -> None:
        self.region = region
        self.clock = clock
        self.timings = timings or Timings()
        self.running_models_limit = MAX_RUNNING_MODELS
        self.lock = threading.RLock()
        self.s3_objects: dict[tuple[str, str], bytes] = {}
        self.rek_projects: dict[str, RekProject] = {}
        self.collections: dict[str, Collection] = {}
        self.lfv_projects: dict[str, LfvProject] = {}
        self._usage: list[UsageRecord] = []
        self._tokens = _Tokens()
        self._idempotency: dict[tuple[str, str], tuple[str, dict[str, Any], float]] = {}
        self._serial = 0
        rekognition: dict[str, Handler] = {
            "CreateProject": self.rek_create_project,
            "DescribeProjects": self.rek_describe_projects,
            "DeleteProject": self.rek_delete_project,
            "CreateDataset": self.rek_create_dataset,
            "DescribeDataset": self.rek_describe_dataset,
            "UpdateDatasetEntries": self.rek_update_dataset_entries,
            "ListDatasetEntries": self.rek_list_dataset_entries,
            "ListDatasetLabels": self.rek_list_dataset_labels,
            "CreateProjectVersion": self.rek_create_project_version,
            "DescribeProjectVersions": self.rek_describe_project_versions,
            "StartProjectVersion": self.rek_start_project_version,
            "StopProjectVersion": self.rek_stop_project_version,
            "DeleteProjectVersion": self.rek_delete_project_version,
            "CopyProjectVersion": self.rek_copy_project_version,
            "DetectCustomLabels": self.rek_detect_custom_labels,
            "CreateCollection": self.create_collection,
            "DeleteCollection": self.delete_collection,
            "DescribeCollection": self.describe_collection,
            "ListCollections": self.list_collections,
        }
        lookoutvision: dict[str, Handler] = {
            "CreateProject": self.lfv_create_project,
            "DescribeProject": self.lfv_describe_project,
            "ListProjects": self.lfv_list_projects,
            "DeleteProject": self.lfv_delete_project,
            "CreateDataset": self.lfv_create_dataset,
            "ListDatasetEntries": self.lfv_list_dataset_entries,
            "UpdateDatasetEntries": self.lfv_update_dataset_entries,
        }
        self.rekognition = {name: self._locked(handler) for name, handler in rekognition.items()}
        self.lookoutvision = {name: self._locked(handler) for name, handler in lookoutvision.items()}

    def _locked(self, handler: Handler) -> Handler:
        @wraps(handler)
        def run(params: dict[str, Any]) -> dict[str, Any]:
            with self.lock:
                self.tick()
                return handler(params)

        return run

    def _created(self) -> datetime:
        # Strictly increasing creation times keep "sorted by creation" stable.
        self._serial += 1
        return datetime.fromtimestamp(round(self.clock(), 3) + self._serial / 1000, timezone.utc)

    # -- time ----------------------------------------------------------------------------------

    def tick(self) -> None:
        """Bring every status up to the clock: finish what is due, in the order it fell due."""
        with self.lock:
            now = self.clock()
            for project in list(self.rek_projects.values()):
                _due(project, now)
                for dataset in project.datasets.values():
                    _due(dataset, now)
                for version in list(project.versions.values()):
                    self._advance(project, version, now)

    def _advance(self, project: RekProject, version: ProjectVersion, now: float) -> None:
        while version.pending is not None and now >= version.pending[0]:
            at, status = version.pending
            version.pending = None
            if status == _GONE:
                del project.versions[version.name]
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

    def put_object(self, bucket: str, key: str, body: bytes | str) -> None:
        """Store an object in the emulator's S3, for operations that read S3 to find it.

        Args:
            bucket: The bucket.
            key: The object's key (``Name`` in the services' ``S3Object``).
            body: Its content; text is stored as UTF-8.
        """
        with self.lock:
            self.s3_objects[(bucket, key)] = body.encode() if isinstance(body, str) else bytes(body)

    # -- shared mechanics --------------------------------------------------------------------

    def page(
        self,
        operation: str,
        params: dict[str, Any],
        items: Sequence[Any],
        invalid_token: ApiError,
    ) -> tuple[Sequence[Any], str | None]:
        """One page of ``items`` and the token of the next, if any."""
        scope = _scope(params)
        start = 0
        token = params.get("NextToken")
        if token is not None:
            offset = self._tokens.read(operation, token, scope)
            if offset is None:
                raise invalid_token
            start = offset
        # MaxResults 0 (which ListCollections allows) gets the default page size.
        size = params.get("MaxResults") or MAX_RESULTS
        end = start + size
        nxt = self._tokens.issue(operation, end, scope) if end < len(items) else None
        return items[start:end], nxt

    def idempotent(
        self,
        *,
        service: str,
        operation: str,
        params: dict[str, Any],
        token_member: str,
        mismatch: ApiError,
        run: Handler,
    ) -> dict[str, Any]:
        """Run ``run`` once per client token within the idempotency window.

        The same token with the same parameters gets the first result again;
        with different parameters, ``mismatch``.
        """
        token = params.get(token_member)
        if token is None:
            return run(params)
        now = self.clock()
        key = (f"{service}:{operation}", token)
        fingerprint = _scope(params, token_member)
        seen = self._idempotency.get(key)
        if seen is not None and seen[2] > now:
            if seen[0] != fingerprint:
                raise mismatch
            return seen[1]
        result = run(params)
        self._idempotency[key] = (fingerprint, result, now + IDEMPOTENCY_WINDOW)
        return result

    # -- Rekognition: projects and datasets ------------------------------------------------------

    def _rek_project(self, arn: str) -> RekProject:
        for project in self.rek_projects.values():
            if project.arn == arn:
                return project
        raise ApiError("ResourceNotFoundException", 400, f"project {arn} not found")

    def _rek_dataset(self, arn: str) -> RekDataset:
        for project in self.rek_projects.values():
            for dataset in project.datasets.values():
                if dataset.arn == arn:
                    return dataset
        raise ApiError("ResourceNotFoundException", 400, f"dataset {arn} not found")

    def rek_create_project(self, p: dict[str, Any]) -> dict[str, Any]:
        name = p["ProjectName"]
        if name in self.rek_projects:
            raise ApiError("ResourceInUseException", 400, f"a project named {name} exists already")
        created = self._created()
        arn = f"arn:aws:rekognition:{self.region}:{ACCOUNT}:project/{name}/{_ms(created)}"
        feature = p.get("Feature", "CUSTOM_LABELS")
        auto_update = p.get("AutoUpdate") if feature == "CONTENT_MODERATION" else None
        project = RekProject(name, arn, created, feature, auto_update)
        if self.timings.project_create > 0:
            project.status = "CREATING"
            project.pending = (self.clock() + self.timings.project_create, "CREATED")
        self.rek_projects[name] = project
        return {"ProjectArn": arn}

    def rek_describe_projects(self, p: dict[str, Any]) -> dict[str, Any]:
        features = set(p.get("Features") or ["CUSTOM_LABELS"])
        names = set(p["ProjectNames"]) if p.get("ProjectNames") else None
        chosen = [
            pr
            for pr in sorted(self.rek_projects.values(), key=lambda pr: pr.created)
            if pr.feature in features and (names is None or pr.name in names)
        ]
        invalid = ApiError("InvalidPaginationTokenException", 400, "the pagination token is not valid")
        page, nxt = self.page("DescribeProjects", p, chosen, invalid)
        return _with_token({"ProjectDescriptions": [self._describe_rek_project(pr) for pr in page]}, nxt)

    @staticmethod
    def _describe_rek_project(pr: RekProject) -> dict[str, Any]:
        desc: dict[str, Any] = {
            "ProjectArn": pr.arn,
            "CreationTimestamp": pr.created,
            "Status": pr.status,
            "Datasets": [
                {
                    "CreationTimestamp": ds.created,
                    "DatasetType": ds.kind,
                    "DatasetArn": ds.arn,
                    "Status": ds.status,
                    "StatusMessage": _DATASET_MESSAGES[ds.status][0],
                    "StatusMessageCode": _DATASET_MESSAGES[ds.status][1],
                }
                for ds in pr.datasets.values()
            ],
            "Feature": pr.feature,
        }
        if pr.auto_update:
            desc["AutoUpdate"] = pr.auto_update
        return desc

    def rek_delete_project(self, p: dict[str, Any]) -> dict[str, Any]:
        project = self._rek_project(p["ProjectArn"])
        if project.versions:
            # "To delete a project you must first delete all models" (DeleteProject).
            raise ApiError(
                "ResourceInUseException",
                400,
                f"project {project.name} has model versions ({', '.join(sorted(project.versions))}): delete them first",
            )
        del self.rek_projects[project.name]
        return {"Status": "DELETING"}

    def _s3_text(self, s3_object: dict[str, Any]) -> str | None:
        body = self.s3_objects.get((s3_object.get("Bucket", ""), s3_object.get("Name", "")))
        if body is None:
            return None
        try:
            return body.decode()
        except UnicodeDecodeError:
            return None

    def rek_create_dataset(self, p: dict[str, Any]) -> dict[str, Any]:
        project = self._rek_project(p["ProjectArn"])
        kind = p["DatasetType"]
        if kind in project.datasets:
            raise ApiError("ResourceAlreadyExistsException", 400, f"the project has a {kind} dataset already")
        source = p.get("DatasetSource") or {}
        entries: list[Entry] = []
        status = "CREATE_COMPLETE"
        if "DatasetArn" in source:
            entries = list(self._rek_dataset(source["DatasetArn"]).entries)
        created = self._created()
        if "GroundTruthManifest" in source:
            # A manifest in the emulator's S3 fills the dataset; one that is not there
            # leaves it empty (entries can be added with UpdateDatasetEntries).
            location = source["GroundTruthManifest"].get("S3Object") or {}
            known = (location.get("Bucket", ""), location.get("Name", "")) in self.s3_objects
            text = self._s3_text(location)
            if text is not None:
                entries = list(Manifest.from_text(text, created).entries)
            elif known:
                status = "CREATE_FAILED"
        arn = f"{project.arn.rsplit('/', 1)[0]}/dataset/{kind.lower()}/{_ms(created)}"
        dataset = RekDataset(arn, kind, created, entries, status, updated=created)
        if status == "CREATE_COMPLETE" and self.timings.dataset_create > 0:
            dataset.status = "CREATE_IN_PROGRESS"
            dataset.pending = (self.clock() + self.timings.dataset_create, "CREATE_COMPLETE")
        project.datasets[kind] = dataset
        return {"DatasetArn": arn}

    def rek_describe_dataset(self, p: dict[str, Any]) -> dict[str, Any]:
        dataset = self._rek_dataset(p["DatasetArn"])
        message, code = _DATASET_MESSAGES[dataset.status]
        desc: dict[str, Any] = {
            "CreationTimestamp": dataset.created,
            "Status": dataset.status,
            "StatusMessage": message,
            "StatusMessageCode": code,
            "DatasetStats": {
                "LabeledEntries": sum(e.labeled for e in dataset.entries),
                "TotalEntries": len(dataset.entries),
                # "The total number of labels declared in the dataset": distinct names.
                "TotalLabels": len(set().union(*(e.labels for e in dataset.entries))),
                "ErrorEntries": sum(e.has_errors for e in dataset.entries),
            },
        }
        if dataset.updated is not None:
            desc["LastUpdatedTimestamp"] = dataset.updated
        return {"DatasetDescription": desc}

    def rek_update_dataset_entries(self, p: dict[str, Any]) -> dict[str, Any]:
        dataset = self._rek_dataset(p["DatasetArn"])
        if dataset.status in ("CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS"):
            # The service refuses changes while a dataset is being created or updated.
            raise ApiError("ResourceInUseException", 400, f"dataset {dataset.arn} is {dataset.status}")
        try:
            lines = changes_lines(p["Changes"]["GroundTruth"])
            dataset.entries = merge_entries(list(dataset.entries), lines, self._created())
        except ValueError as exc:
            raise ApiError("InvalidParameterException", 400, f"invalid changes: {exc}") from None
        dataset.updated = datetime.fromtimestamp(self.clock(), timezone.utc)
        dataset.status, dataset.pending = "UPDATE_COMPLETE", None
        if self.timings.dataset_update > 0:
            dataset.status = "UPDATE_IN_PROGRESS"
            dataset.pending = (self.clock() + self.timings.dataset_update, "UPDATE_COMPLETE")
        return {}

    def _readable_dataset(self, arn: str) -> RekDataset:
        dataset = self._rek_dataset(arn)
        if dataset.status == "CREATE_IN_PROGRESS":
            raise ApiError("ResourceNotReadyException", 400, f"dataset {arn} is still being created")
        return dataset

    def rek_list_dataset_entries(self, p: dict[str, Any]) -> dict[str, Any]:
        dataset = self._readable_dataset(p["DatasetArn"])
        wanted = set(p.get("ContainsLabels") or ())
        chosen = [
            e
            for e in dataset.entries
            if (not wanted or e.labels & wanted)
            and ("Labeled" not in p or e.labeled == p["Labeled"])
            and (p.get("SourceRefContains") is None or p["SourceRefContains"] in e.source_ref)
            and ("HasErrors" not in p or e.has_errors == p["HasErrors"])
        ]
        invalid = ApiError("InvalidPaginationTokenException", 400, "the pagination token is not valid")
        page, nxt = self.page("ListDatasetEntries", p, chosen, invalid)
        return _with_token({"DatasetEntries": [e.line for e in page]}, nxt)

    def rek_list_dataset_labels(self, p: dict[str, Any]) -> dict[str, Any]:
        dataset = self._readable_dataset(p["DatasetArn"])
        counts: dict[str, list[int]] = {}
        for entry in dataset.entries:
            for label in entry.labels:
                counts.setdefault(label, [0, 0])[0] += 1
            for label, boxes in boxes_by_label(json.loads(entry.line)).items():
                counts.setdefault(label, [0, 0])[1] += boxes
        labels = [
            {"LabelName": name, "LabelStats": {"EntryCount": n, "BoundingBoxCount": b}}
            for name, (n, b) in sorted(counts.items())
        ]
        invalid = ApiError("InvalidPaginationTokenException", 400, "the pagination token is not valid")
        page, nxt = self.page("ListDatasetLabels", p, labels, invalid)
        return _with_token({"DatasetLabelDescriptions": list(page)}, nxt)

    # -- Rekognition: Custom Labels model versions ------------------------------------------------

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
        created = self._created()
        arn = f"arn:aws:rekognition:{self.region}:{ACCOUNT}:project/{project.name}/version/{name}/{_ms(created)}"
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
            tags=dict(p.get("Tags") or {}),
        )
        project.versions[name] = version
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
        for dataset in project.datasets.values():
            if dataset.status in ("CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS"):
                raise ApiError("ResourceInUseException", 400, f"dataset {dataset.arn} is {dataset.status}")
            if dataset.status == "CREATE_FAILED":
                raise ApiError("InvalidParameterException", 400, f"dataset {dataset.arn} is CREATE_FAILED")
        # Training reads the datasets as they are now: later changes are not in this version.
        return Manifest(tuple(project.datasets["TRAIN"].entries)), Manifest(tuple(project.datasets["TEST"].entries))

    def rek_create_project_version(self, p: dict[str, Any]) -> dict[str, Any]:
        project = self._rek_project(p["ProjectArn"])
        if project.feature != "CUSTOM_LABELS":
            raise ApiError(
                "NotImplementedException",
                501,
                "adapters (CreateProjectVersion in a CONTENT_MODERATION project) are not emulated",
            )
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
        return _with_token({"ProjectVersionDescriptions": [describe_version(v) for v in page]}, nxt)

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

    def rek_delete_project_version(self, p: dict[str, Any]) -> dict[str, Any]:
        project, version = self._version(p["ProjectVersionArn"])
        # "You can't delete a project version if it is running or if it is training."
        if version.status in _BUSY:
            raise ApiError("ResourceInUseException", 400, f"model version {version.arn} is {version.status}")
        self._begin(project, version, "DELETING", self.timings.deleting, _GONE)
        return {"Status": "DELETING"}

    def rek_copy_project_version(self, p: dict[str, Any]) -> dict[str, Any]:
        source_project = self._rek_project(p["SourceProjectArn"])
        destination = self._rek_project(p["DestinationProjectArn"])
        _, source = self._version(p["SourceProjectVersionArn"])
        if source.project_name != source_project.name:
            raise ApiError(
                "ResourceNotFoundException", 400, f"model version {source.arn} is not in project {source_project.arn}"
            )
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

    def _image(self, image: dict[str, Any]) -> bytes:
        """What identifies the image of a DetectCustomLabels request, its format and size checked."""
        if ("Bytes" in image) == ("S3Object" in image):
            raise ApiError("InvalidParameterException", 400, "Image needs either Bytes or S3Object")
        if "Bytes" in image:
            data, limit = image["Bytes"], MAX_IMAGE_BYTES
        else:
            location = image["S3Object"]
            stored = self.s3_objects.get((location.get("Bucket", ""), location.get("Name", "")))
            if stored is None:
                # Not in the emulator's S3: the location stands for the image.
                ref = f"s3://{location.get('Bucket', '')}/{location.get('Name', '')}?{location.get('Version', '')}"
                return ref.encode()
            data, limit = stored, MAX_S3_IMAGE_BYTES
        if len(data) > limit:
            raise ApiError("ImageTooLargeException", 400, f"the image is {len(data)} bytes, above {limit}")
        if not is_image(data):
            raise ApiError("InvalidImageFormatException", 400, "Request has unsupported image format: PNG or JPEG only")
        return bytes(data)

    def rek_detect_custom_labels(self, p: dict[str, Any]) -> dict[str, Any]:
        image = self._image(p["Image"])
        project, version = self._version(p["ProjectVersionArn"])
        self._custom_labels_only(project)
        if version.status != "RUNNING":
            raise ApiError(
                "ResourceNotReadyException", 400, f"model version {version.arn} is {version.status}, not RUNNING"
            )
        labels = detect(
            version.seed,
            version.training.use_case or IMAGE_LEVEL_LABELS,
            version.training.labels,
            image,
            min_confidence=p.get("MinConfidence"),
            max_results=p.get("MaxResults"),
        )
        return {"CustomLabels": labels}

    # -- Rekognition: collections ----------------------------------------------------------------

    def create_collection(self, p: dict[str, Any]) -> dict[str, Any]:
        cid = p["CollectionId"]
        if cid in self.collections:
            raise ApiError("ResourceAlreadyExistsException", 400, f"collection {cid} exists already")
        arn = f"aws:rekognition:{self.region}:{ACCOUNT}:collection/{cid}"
        self.collections[cid] = Collection(cid, arn, self._created())
        return {"StatusCode": 200, "CollectionArn": arn, "FaceModelVersion": FACE_MODEL_VERSION}

    def _collection(self, cid: str) -> Collection:
        try:
            return self.collections[cid]
        except KeyError:
            raise ApiError("ResourceNotFoundException", 400, f"collection {cid} not found") from None

    def delete_collection(self, p: dict[str, Any]) -> dict[str, Any]:
        del self.collections[self._collection(p["CollectionId"]).collection_id]
        return {"StatusCode": 200}

    def describe_collection(self, p: dict[str, Any]) -> dict[str, Any]:
        c = self._collection(p["CollectionId"])
        return {
            "FaceCount": 0,
            "FaceModelVersion": c.face_model_version,
            "CollectionARN": c.arn,
            "CreationTimestamp": c.created,
            "UserCount": 0,
        }

    def list_collections(self, p: dict[str, Any]) -> dict[str, Any]:
        ordered = sorted(self.collections.values(), key=lambda c: c.collection_id)
        invalid = ApiError("InvalidPaginationTokenException", 400, "the pagination token is not valid")
        page, nxt = self.page("ListCollections", p, ordered, invalid)
        return _with_token(
            {
                "CollectionIds": [c.collection_id for c in page],
                "FaceModelVersions": [c.face_model_version for c in page],
            },
            nxt,
        )

    # -- Lookout for Vision -------------------------------------------------------------------------

    def _lfv_project(self, name: str) -> LfvProject:
        try:
            return self.lfv_projects[name]
        except KeyError:
            raise ApiError("ResourceNotFoundException", 404, f"project {name} not found") from None

    def _lfv_dataset(self, p: dict[str, Any]) -> LfvDataset:
        project = self._lfv_project(p["ProjectName"])
        try:
            return project.datasets[p["DatasetType"]]
        except KeyError:
            raise ApiError("ResourceNotFoundException", 404, f"{p['DatasetType']} dataset not found") from None

    def _lfv_idempotent(self, operation: str, p: dict[str, Any], run: Handler) -> dict[str, Any]:
        mismatch = ApiError("ConflictException", 409, "the client token was used before with different parameters")
        return self.idempotent(
            service="lookoutvision",
            operation=operation,
            params=p,
            token_member="ClientToken",  # noqa: S106 - a member name, not a secret
            mismatch=mismatch,
            run=run,
        )

    @staticmethod
    def _lfv_metadata(pr: LfvProject) -> dict[str, Any]:
        return {"ProjectArn": pr.arn, "ProjectName": pr.name, "CreationTimestamp": pr.created}

    def lfv_create_project(self, p: dict[str, Any]) -> dict[str, Any]:
        def run(p: dict[str, Any]) -> dict[str, Any]:
            name = p["ProjectName"]
            if name in self.lfv_projects:
                raise ApiError("ConflictException", 409, f"a project named {name} exists already")
            arn = f"arn:aws:lookoutvision:{self.region}:{ACCOUNT}:project/{name}"
            project = LfvProject(name, arn, self._created())
            self.lfv_projects[name] = project
            return {"ProjectMetadata": self._lfv_metadata(project)}

        return self._lfv_idempotent("CreateProject", p, run)

    def lfv_describe_project(self, p: dict[str, Any]) -> dict[str, Any]:
        pr = self._lfv_project(p["ProjectName"])
        return {
            "ProjectDescription": {
                **self._lfv_metadata(pr),
                "Datasets": [
                    {
                        "DatasetType": ds.kind,
                        "CreationTimestamp": ds.created,
                        "Status": "CREATE_COMPLETE",
                        "StatusMessage": "Dataset created",
                    }
                    for ds in pr.datasets.values()
                ],
            }
        }

    def lfv_list_projects(self, p: dict[str, Any]) -> dict[str, Any]:
        ordered = sorted(self.lfv_projects.values(), key=lambda pr: pr.created)
        invalid = ApiError("ValidationException", 400, "the pagination token is not valid")
        page, nxt = self.page("ListProjects", p, ordered, invalid)
        return _with_token({"Projects": [self._lfv_metadata(pr) for pr in page]}, nxt)

    def lfv_delete_project(self, p: dict[str, Any]) -> dict[str, Any]:
        def run(p: dict[str, Any]) -> dict[str, Any]:
            project = self._lfv_project(p["ProjectName"])
            del self.lfv_projects[project.name]
            return {"ProjectArn": project.arn}

        return self._lfv_idempotent("DeleteProject", p, run)

    def lfv_create_dataset(self, p: dict[str, Any]) -> dict[str, Any]:
        def run(p: dict[str, Any]) -> dict[str, Any]:
            project = self._lfv_project(p["ProjectName"])
            kind = p["DatasetType"]
            if kind in project.datasets:
                raise ApiError("ConflictException", 409, f"the project has a {kind} dataset already")
            dataset = LfvDataset(kind, self._created())
            project.datasets[kind] = dataset
            return {
                "DatasetMetadata": {
                    "DatasetType": kind,
                    "CreationTimestamp": dataset.created,
                    "Status": "CREATE_COMPLETE",
                    "StatusMessage": "Dataset created",
                }
            }

        return self._lfv_idempotent("CreateDataset", p, run)

    def lfv_list_dataset_entries(self, p: dict[str, Any]) -> dict[str, Any]:
        dataset = self._lfv_dataset(p)
        before, after = p.get("BeforeCreationDate"), p.get("AfterCreationDate")
        chosen = [
            e
            for e in dataset.entries
            if ("Labeled" not in p or e.labeled == p["Labeled"])
            and (p.get("AnomalyClass") is None or e.anomaly_class == p["AnomalyClass"])
            and (before is None or e.created < before)
            and (after is None or e.created > after)
            and (p.get("SourceRefContains") is None or p["SourceRefContains"] in e.source_ref)
        ]
        invalid = ApiError("ValidationException", 400, "the pagination token is not valid")
        page, nxt = self.page("ListDatasetEntries", p, chosen, invalid)
        return _with_token({"DatasetEntries": [e.line for e in page]}, nxt)

    def lfv_update_dataset_entries(self, p: dict[str, Any]) -> dict[str, Any]:
        def run(p: dict[str, Any]) -> dict[str, Any]:
            dataset = self._lfv_dataset(p)
            try:
                dataset.entries = merge_entries(list(dataset.entries), changes_lines(p["Changes"]), self._created())
            except ValueError as exc:
                raise ApiError("ValidationException", 400, f"invalid changes: {exc}") from None
            return {"Status": "UPDATE_COMPLETE"}

        return self._lfv_idempotent("UpdateDatasetEntries", p, run)
