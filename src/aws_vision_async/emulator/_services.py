# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests and manifest lines are decoded JSON, untyped by nature)
"""The emulated resources and operations of both services."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ._wire import ApiError

__all__ = ["ACCOUNT", "IDEMPOTENCY_WINDOW", "MAX_RESULTS", "Entry", "State"]

ACCOUNT = "123456789012"
MAX_RESULTS = 100
#: How long a client token is remembered, as the services document.
IDEMPOTENCY_WINDOW = 8 * 3600.0
FACE_MODEL_VERSION = "7.0"

Handler = Callable[[dict[str, Any]], dict[str, Any]]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


# -- dataset entries ---------------------------------------------------------------------------


@dataclass
class Entry:
    """One JSON Line of a dataset, with what the filters need read from it once."""

    line: str
    source_ref: str
    labels: frozenset[str]
    labeled: bool
    has_errors: bool
    anomaly_class: str | None
    created: datetime

    @classmethod
    def parse(cls, line: str, created: datetime) -> Entry:
        """Read a Ground Truth manifest line.

        Raises:
            ValueError: The line is not a JSON object with a ``source-ref``.
        """
        data = json.loads(line)
        if not isinstance(data, dict) or not isinstance(data.get("source-ref"), str):
            raise ValueError("each JSON Line needs a string 'source-ref'")
        labels: set[str] = set()
        labeled = False
        has_errors = bool(data.get("errors"))
        anomaly_class = None
        for key, value in data.items():
            if not key.endswith("-metadata") or not isinstance(value, dict):
                continue
            if str(value.get("type", "")).startswith("groundtruth/"):
                labeled = True
            if isinstance(value.get("class-name"), str):
                labels.add(value["class-name"])
                if value["class-name"] in ("normal", "anomaly"):
                    anomaly_class = value["class-name"]
            class_map = value.get("class-map")
            attribute = data.get(key[: -len("-metadata")])
            annotations = attribute.get("annotations", []) if isinstance(attribute, dict) else []
            if isinstance(class_map, dict):
                used = {str(a.get("class_id")) for a in annotations if isinstance(a, dict)}
                labels.update(str(v) for k, v in class_map.items() if k in used)
            has_errors = has_errors or bool(value.get("errors"))
        return cls(line, data["source-ref"], frozenset(labels), labeled, has_errors, anomaly_class, created)


def _boxes_by_label(data: dict[str, Any]) -> dict[str, int]:
    """Bounding boxes per label of one manifest line, through each attribute's class-map."""
    out: dict[str, int] = {}
    for key, value in data.items():
        if not key.endswith("-metadata") or not isinstance(value, dict):
            continue
        class_map = value.get("class-map")
        attribute = data.get(key[: -len("-metadata")])
        if not isinstance(class_map, dict) or not isinstance(attribute, dict):
            continue
        for box in attribute.get("annotations", []):
            label = class_map.get(str(box.get("class_id"))) if isinstance(box, dict) else None
            if isinstance(label, str):
                out[label] = out.get(label, 0) + 1
    return out


def _merge_entries(entries: list[Entry], lines: Iterable[str], created: datetime) -> list[Entry]:
    # An entry whose source-ref exists already replaces it, as the services do.
    index = {e.source_ref: i for i, e in enumerate(entries)}
    for raw in lines:
        if not raw.strip():
            continue
        entry = Entry.parse(raw.strip(), created)
        if entry.source_ref in index:
            entries[index[entry.source_ref]] = entry
        else:
            index[entry.source_ref] = len(entries)
            entries.append(entry)
    return entries


def _changes_lines(blob: bytes) -> list[str]:
    try:
        return blob.decode().splitlines()
    except UnicodeDecodeError:
        raise ValueError("the changes are not UTF-8 JSON Lines") from None


# -- resources ---------------------------------------------------------------------------------------


@dataclass
class RekDataset:
    arn: str
    kind: str  # TRAIN | TEST
    created: datetime
    entries: list[Entry] = field(default_factory=list)


@dataclass
class RekProject:
    name: str
    arn: str
    created: datetime
    feature: str
    auto_update: str | None
    datasets: dict[str, RekDataset] = field(default_factory=dict)


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
    """Every resource of both emulated services, and the operations on them."""

    def __init__(self, region: str = "us-east-1", clock: Callable[[], float] = time.time) -> None:
        self.region = region
        self.clock = clock
        self.rek_projects: dict[str, RekProject] = {}
        self.collections: dict[str, Collection] = {}
        self.lfv_projects: dict[str, LfvProject] = {}
        self._tokens = _Tokens()
        self._idempotency: dict[tuple[str, str], tuple[str, dict[str, Any], float]] = {}
        self._serial = 0
        self.rekognition: dict[str, Handler] = {
            "CreateProject": self.rek_create_project,
            "DescribeProjects": self.rek_describe_projects,
            "DeleteProject": self.rek_delete_project,
            "CreateDataset": self.rek_create_dataset,
            "UpdateDatasetEntries": self.rek_update_dataset_entries,
            "ListDatasetEntries": self.rek_list_dataset_entries,
            "ListDatasetLabels": self.rek_list_dataset_labels,
            "CreateCollection": self.create_collection,
            "DeleteCollection": self.delete_collection,
            "DescribeCollection": self.describe_collection,
            "ListCollections": self.list_collections,
        }
        self.lookoutvision: dict[str, Handler] = {
            "CreateProject": self.lfv_create_project,
            "DescribeProject": self.lfv_describe_project,
            "ListProjects": self.lfv_list_projects,
            "DeleteProject": self.lfv_delete_project,
            "CreateDataset": self.lfv_create_dataset,
            "ListDatasetEntries": self.lfv_list_dataset_entries,
            "UpdateDatasetEntries": self.lfv_update_dataset_entries,
        }

    def _created(self) -> datetime:
        # Strictly increasing creation times keep "sorted by creation" stable.
        self._serial += 1
        return datetime.fromtimestamp(round(self.clock(), 3) + self._serial / 1000, timezone.utc)

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
        self.rek_projects[name] = RekProject(name, arn, created, feature, auto_update)
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
            "Status": "CREATED",
            "Datasets": [
                {
                    "CreationTimestamp": ds.created,
                    "DatasetType": ds.kind,
                    "DatasetArn": ds.arn,
                    "Status": "CREATE_COMPLETE",
                    "StatusMessage": "The dataset was successfully created.",
                    "StatusMessageCode": "SUCCESS",
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
        del self.rek_projects[project.name]
        return {"Status": "DELETING"}

    def rek_create_dataset(self, p: dict[str, Any]) -> dict[str, Any]:
        project = self._rek_project(p["ProjectArn"])
        kind = p["DatasetType"]
        if kind in project.datasets:
            raise ApiError("ResourceAlreadyExistsException", 400, f"the project has a {kind} dataset already")
        created = self._created()
        arn = f"{project.arn.rsplit('/', 1)[0]}/dataset/{kind.lower()}/{_ms(created)}"
        dataset = RekDataset(arn, kind, created)
        source = p.get("DatasetSource") or {}
        if "DatasetArn" in source:
            dataset.entries = list(self._rek_dataset(source["DatasetArn"]).entries)
        project.datasets[kind] = dataset
        return {"DatasetArn": arn}

    def rek_update_dataset_entries(self, p: dict[str, Any]) -> dict[str, Any]:
        dataset = self._rek_dataset(p["DatasetArn"])
        try:
            lines = _changes_lines(p["Changes"]["GroundTruth"])
            dataset.entries = _merge_entries(list(dataset.entries), lines, self._created())
        except ValueError as exc:
            raise ApiError("InvalidParameterException", 400, f"invalid changes: {exc}") from None
        return {}

    def rek_list_dataset_entries(self, p: dict[str, Any]) -> dict[str, Any]:
        dataset = self._rek_dataset(p["DatasetArn"])
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
        dataset = self._rek_dataset(p["DatasetArn"])
        counts: dict[str, list[int]] = {}
        for entry in dataset.entries:
            for label in entry.labels:
                counts.setdefault(label, [0, 0])[0] += 1
            for label, boxes in _boxes_by_label(json.loads(entry.line)).items():
                counts.setdefault(label, [0, 0])[1] += boxes
        labels = [
            {"LabelName": name, "LabelStats": {"EntryCount": n, "BoundingBoxCount": b}}
            for name, (n, b) in sorted(counts.items())
        ]
        invalid = ApiError("InvalidPaginationTokenException", 400, "the pagination token is not valid")
        page, nxt = self.page("ListDatasetLabels", p, labels, invalid)
        return _with_token({"DatasetLabelDescriptions": list(page)}, nxt)

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
                dataset.entries = _merge_entries(list(dataset.entries), _changes_lines(p["Changes"]), self._created())
            except ValueError as exc:
                raise ApiError("ValidationException", 400, f"invalid changes: {exc}") from None
            return {"Status": "UPDATE_COMPLETE"}

        return self._lfv_idempotent("UpdateDatasetEntries", p, run)
