# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests and manifest lines are decoded JSON, untyped by nature)
"""Rekognition projects and their Custom Labels datasets.

CreateProject, DescribeProjects, DeleteProject, CreateDataset, DescribeDataset,
DeleteDataset, UpdateDatasetEntries, DistributeDatasetEntries, ListDatasetEntries,
ListDatasetLabels. Projects and datasets are created (and datasets updated) over the
``Timings`` in force, by the clock; a dataset is deleted at once.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from .._custom_labels import AUTOSPLIT_EVERY, Manifest
from .._entries import Entry, boxes_by_label, changes_lines, merge_entries
from .._resources import RekDataset, RekProject
from .._wire import ApiError
from ._base import ACCOUNT, StateBase, handles, millis, with_token

__all__ = ["ProjectsAndDatasets"]

# DescribeDataset's StatusMessage and StatusMessageCode per status.
_DATASET_MESSAGES = {
    "CREATE_IN_PROGRESS": ("The dataset is being created.", "SUCCESS"),
    "CREATE_COMPLETE": ("The dataset was successfully created.", "SUCCESS"),
    "CREATE_FAILED": ("The manifest file extension or contents are invalid.", "CLIENT_ERROR"),
    "UPDATE_IN_PROGRESS": ("The dataset is being updated.", "SUCCESS"),
    "UPDATE_COMPLETE": ("The dataset was successfully updated.", "SUCCESS"),
}


def _due(resource: RekProject | RekDataset, now: float) -> None:
    if resource.pending is not None and now >= resource.pending[0]:
        resource.status, resource.pending = resource.pending[1], None


class ProjectsAndDatasets(StateBase):
    """The operations on Rekognition projects and datasets.

    Attributes:
        rek_projects: Rekognition projects by name.
    """

    rek_projects: dict[str, RekProject]

    def _create_stores(self) -> None:
        super()._create_stores()
        self.rek_projects = {}

    def _catch_up(self, now: float) -> None:
        super()._catch_up(now)
        for project in list(self.rek_projects.values()):
            _due(project, now)
            for dataset in project.datasets.values():
                _due(dataset, now)

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

    @handles("rekognition", "CreateProject")
    def rek_create_project(self, p: dict[str, Any]) -> dict[str, Any]:
        name = p["ProjectName"]
        if name in self.rek_projects:
            raise ApiError("ResourceInUseException", 400, f"a project named {name} exists already")
        created = self._created()
        arn = f"arn:aws:rekognition:{self.region}:{ACCOUNT}:project/{name}/{millis(created)}"
        feature = p.get("Feature", "CUSTOM_LABELS")
        auto_update = p.get("AutoUpdate") if feature == "CONTENT_MODERATION" else None
        project = RekProject(name, arn, created, feature, auto_update)
        if self.timings.project_create > 0:
            project.status = "CREATING"
            project.pending = (self.clock() + self.timings.project_create, "CREATED")
        self.rek_projects[name] = project
        self.record_tags(arn, p.get("Tags"))
        return {"ProjectArn": arn}

    @handles("rekognition", "DescribeProjects")
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
        return with_token({"ProjectDescriptions": [self._describe_rek_project(pr) for pr in page]}, nxt)

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

    @handles("rekognition", "DeleteProject")
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
        # The project's datasets go with it.
        for dataset in project.datasets.values():
            self.forget_tags(dataset.arn)
        self.forget_tags(project.arn)
        return {"Status": "DELETING"}

    @handles("rekognition", "CreateDataset")
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
        arn = f"{project.arn.rsplit('/', 1)[0]}/dataset/{kind.lower()}/{millis(created)}"
        dataset = RekDataset(arn, kind, created, entries, status, updated=created)
        if status == "CREATE_COMPLETE" and self.timings.dataset_create > 0:
            dataset.status = "CREATE_IN_PROGRESS"
            dataset.pending = (self.clock() + self.timings.dataset_create, "CREATE_COMPLETE")
        project.datasets[kind] = dataset
        self.record_tags(arn, p.get("Tags"))
        return {"DatasetArn": arn}

    @handles("rekognition", "DescribeDataset")
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

    @handles("rekognition", "UpdateDatasetEntries")
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

    @handles("rekognition", "DeleteDataset")
    def rek_delete_dataset(self, p: dict[str, Any]) -> dict[str, Any]:
        dataset = self._rek_dataset(p["DatasetArn"])
        # "You can't delete a dataset while it is creating ... or if the dataset is updating."
        if dataset.status in ("CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS"):
            raise ApiError("ResourceInUseException", 400, f"dataset {dataset.arn} is {dataset.status}")
        # Gone at once: the emulator has no DELETE_IN_PROGRESS time (models trained
        # on it keep what they learnt; the project's other dataset stays).
        project = next(pr for pr in self.rek_projects.values() if pr.datasets.get(dataset.kind) is dataset)
        del project.datasets[dataset.kind]
        self.forget_tags(dataset.arn)
        return {}

    @handles("rekognition", "DistributeDatasetEntries")
    def rek_distribute_dataset_entries(self, p: dict[str, Any]) -> dict[str, Any]:
        datasets = [self._rek_dataset(d["Arn"]) for d in p["Datasets"]]
        if len(datasets) != 2:
            raise ApiError("InvalidParameterException", 400, "Datasets holds a training and a test dataset")
        by_kind = {d.kind: d for d in datasets}
        train, test = by_kind.get("TRAIN"), by_kind.get("TEST")
        if train is None or test is None:
            raise ApiError("InvalidParameterException", 400, "Datasets holds a training and a test dataset")
        if not any(
            pr.datasets.get("TRAIN") is train and pr.datasets.get("TEST") is test for pr in self.rek_projects.values()
        ):
            raise ApiError("InvalidParameterException", 400, "the datasets must belong to the same project")
        for dataset in (train, test):
            if dataset.status in ("CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS"):
                raise ApiError("ResourceNotReadyException", 400, f"dataset {dataset.arn} is {dataset.status}")
            if dataset.status == "CREATE_FAILED":
                raise ApiError("InvalidParameterException", 400, f"dataset {dataset.arn} is CREATE_FAILED")
        if not train.entries:
            raise ApiError(
                "InvalidParameterException", 400, f"the training dataset {train.arn} has no entries to split"
            )
        # "The test dataset must be empty": distributing twice is refused.
        if test.entries:
            raise ApiError("InvalidParameterException", 400, f"the test dataset {test.arn} must be empty")
        # 20% of the entries, the same ones every time: every fifth, as auto-split takes.
        last = AUTOSPLIT_EVERY - 1
        moved = [e for i, e in enumerate(train.entries) if i % AUTOSPLIT_EVERY == last]
        train.entries = [e for i, e in enumerate(train.entries) if i % AUTOSPLIT_EVERY != last]
        test.entries = moved
        now = self.clock()
        for dataset in (train, test):
            dataset.updated = datetime.fromtimestamp(now, timezone.utc)
            dataset.status, dataset.pending = "UPDATE_COMPLETE", None
            if self.timings.dataset_update > 0:
                dataset.status = "UPDATE_IN_PROGRESS"
                dataset.pending = (now + self.timings.dataset_update, "UPDATE_COMPLETE")
        return {}

    def _readable_dataset(self, arn: str) -> RekDataset:
        dataset = self._rek_dataset(arn)
        if dataset.status == "CREATE_IN_PROGRESS":
            raise ApiError("ResourceNotReadyException", 400, f"dataset {arn} is still being created")
        return dataset

    @handles("rekognition", "ListDatasetEntries")
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
        return with_token({"DatasetEntries": [e.line for e in page]}, nxt)

    @handles("rekognition", "ListDatasetLabels")
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
        return with_token({"DatasetLabelDescriptions": list(page)}, nxt)
