# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests and manifest lines are decoded JSON, untyped by nature)
"""Lookout for Vision projects and datasets.

CreateProject, DescribeProject, ListProjects, DeleteProject, CreateDataset,
ListDatasetEntries, UpdateDatasetEntries; the operations that take a
``ClientToken`` are idempotent within ``IDEMPOTENCY_WINDOW``.
"""

from __future__ import annotations

from typing import Any

from .._entries import changes_lines, merge_entries
from .._resources import LfvDataset, LfvProject
from .._wire import ApiError
from ._base import ACCOUNT, Handler, StateBase, handles, with_token

__all__ = ["LookoutVisionProjects"]


class LookoutVisionProjects(StateBase):
    """The operations of Lookout for Vision.

    Attributes:
        lfv_projects: Lookout for Vision projects by name.
    """

    lfv_projects: dict[str, LfvProject]

    def _create_stores(self) -> None:
        super()._create_stores()
        self.lfv_projects = {}

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

    @handles("lookoutvision", "CreateProject")
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

    @handles("lookoutvision", "DescribeProject")
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

    @handles("lookoutvision", "ListProjects")
    def lfv_list_projects(self, p: dict[str, Any]) -> dict[str, Any]:
        ordered = sorted(self.lfv_projects.values(), key=lambda pr: pr.created)
        invalid = ApiError("ValidationException", 400, "the pagination token is not valid")
        page, nxt = self.page("ListProjects", p, ordered, invalid)
        return with_token({"Projects": [self._lfv_metadata(pr) for pr in page]}, nxt)

    @handles("lookoutvision", "DeleteProject")
    def lfv_delete_project(self, p: dict[str, Any]) -> dict[str, Any]:
        def run(p: dict[str, Any]) -> dict[str, Any]:
            project = self._lfv_project(p["ProjectName"])
            del self.lfv_projects[project.name]
            return {"ProjectArn": project.arn}

        return self._lfv_idempotent("DeleteProject", p, run)

    @handles("lookoutvision", "CreateDataset")
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

    @handles("lookoutvision", "ListDatasetEntries")
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
        return with_token({"DatasetEntries": [e.line for e in page]}, nxt)

    @handles("lookoutvision", "UpdateDatasetEntries")
    def lfv_update_dataset_entries(self, p: dict[str, Any]) -> dict[str, Any]:
        def run(p: dict[str, Any]) -> dict[str, Any]:
            dataset = self._lfv_dataset(p)
            try:
                dataset.entries = merge_entries(list(dataset.entries), changes_lines(p["Changes"]), self._created())
            except ValueError as exc:
                raise ApiError("ValidationException", 400, f"invalid changes: {exc}") from None
            return {"Status": "UPDATE_COMPLETE"}

        return self._lfv_idempotent("UpdateDatasetEntries", p, run)
