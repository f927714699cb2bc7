# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests and policy documents are decoded JSON, untyped by nature)
"""Rekognition Custom Labels project policies: PutProjectPolicy, ListProjectPolicies, DeleteProjectPolicy.

Only the latest revision of a policy is kept: updating or deleting it takes its
current ``PolicyRevisionId``, an older one is an ``InvalidPolicyRevisionIdException``
("Attaching a project policy (SDK)", Custom Labels Developer Guide). The document
is checked for the shape of an IAM policy (a JSON object with a ``Statement`` of
statements that each have an ``Effect``, an action and a principal) but not
enforced: ``CopyProjectVersion`` does not read it. A deleted project's policies go
with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from .._scene import stable
from .._wire import ApiError
from ._base import handles, with_token
from ._rek_projects import ProjectsAndDatasets

__all__ = ["MAX_PROJECT_POLICIES", "ProjectPolicies", "ProjectPolicy", "check_policy_document"]

#: "You can attach up to five project policies to a project." (Attaching a project
#: policy (SDK), Custom Labels Developer Guide).
MAX_PROJECT_POLICIES: Final = 5
# ListProjectPolicies: "The largest value you can specify is 5 ... The default value is 5."
_PAGE: Final = 5
_VERSIONS: Final = ("2012-10-17", "2008-10-17")


@dataclass
class ProjectPolicy:
    """A project policy of a Custom Labels project (``PutProjectPolicy``): its latest revision."""

    project_arn: str
    name: str
    revision_id: str
    document: str
    created: datetime
    updated: datetime


def _malformed(why: str) -> ApiError:
    return ApiError("MalformedPolicyDocumentException", 400, f"The policy document is malformed: {why}.")


def _check_statement(statement: Any) -> None:
    if not isinstance(statement, dict):
        raise _malformed("each statement must be a JSON object")
    if statement.get("Effect") not in ("Allow", "Deny"):
        raise _malformed("each statement needs an Effect of Allow or Deny")
    if ("Action" in statement) == ("NotAction" in statement):
        raise _malformed("each statement needs either Action or NotAction")
    # A resource policy names who it applies to.
    if ("Principal" in statement) == ("NotPrincipal" in statement):
        raise _malformed("each statement needs either Principal or NotPrincipal")


def check_policy_document(document: str) -> None:
    """Refuse a document that is not an IAM policy (``MalformedPolicyDocumentException``).

    Args:
        document: ``PolicyDocument`` as given.

    Raises:
        ApiError: The document is not JSON, not an object, has an unknown
            ``Version``, or has no ``Statement`` of well-formed statements.
    """
    try:
        policy = json.loads(document)
    except ValueError:
        raise _malformed("it is not valid JSON") from None
    if not isinstance(policy, dict):
        raise _malformed("it must be a JSON object")
    if "Version" in policy and policy["Version"] not in _VERSIONS:
        raise _malformed(f"Version must be one of {', '.join(_VERSIONS)}")
    statements = policy.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise _malformed("it needs a Statement")
    for statement in statements:
        _check_statement(statement)


def _invalid_revision(given: str, policy: ProjectPolicy | None) -> ApiError:
    current = "no policy of that name" if policy is None else f"the latest revision is {policy.revision_id}"
    return ApiError("InvalidPolicyRevisionIdException", 400, f"Invalid revision id {given}: {current}.")


class ProjectPolicies(ProjectsAndDatasets):
    """The operations on project policies.

    Attributes:
        project_policies: The policies of each project, by project ARN, then by name.
    """

    project_policies: dict[str, dict[str, ProjectPolicy]]

    def _create_stores(self) -> None:
        super()._create_stores()
        self.project_policies = {}

    def _catch_up(self, now: float) -> None:
        super()._catch_up(now)
        # A deleted project's policies go with it (a project of the same name has another ARN).
        live = {project.arn for project in self.rek_projects.values()}
        for arn in [arn for arn in self.project_policies if arn not in live]:
            del self.project_policies[arn]

    def _policies(self, project_arn: str) -> dict[str, ProjectPolicy]:
        project = self._rek_project(project_arn)
        return self.project_policies.setdefault(project.arn, {})

    def _revision(self, project_arn: str, name: str) -> str:
        self._serial += 1
        return stable(project_arn, name, "revision", self._serial).hex()[:32]

    @handles("rekognition", "PutProjectPolicy")
    def rek_put_project_policy(self, p: dict[str, Any]) -> dict[str, Any]:
        policies = self._policies(p["ProjectArn"])
        if self._rek_project(p["ProjectArn"]).feature != "CUSTOM_LABELS":
            raise ApiError("InvalidParameterException", 400, "Project policies apply to Custom Labels projects only.")
        check_policy_document(p["PolicyDocument"])
        name, given = p["PolicyName"], p.get("PolicyRevisionId")
        policy = policies.get(name)
        if given is None and policy is not None:
            raise ApiError(
                "ResourceAlreadyExistsException",
                400,
                f"A policy named {name} exists already; give its PolicyRevisionId to update it.",
            )
        if given is not None and (policy is None or policy.revision_id != given):
            raise _invalid_revision(given, policy)
        if policy is None and len(policies) >= MAX_PROJECT_POLICIES:
            raise ApiError(
                "LimitExceededException", 400, f"A project can have at most {MAX_PROJECT_POLICIES} project policies."
            )
        revision = self._revision(p["ProjectArn"], name)
        updated = self._created()
        if policy is None:
            policies[name] = ProjectPolicy(p["ProjectArn"], name, revision, p["PolicyDocument"], updated, updated)
        else:
            policy.revision_id, policy.document, policy.updated = revision, p["PolicyDocument"], updated
        return {"PolicyRevisionId": revision}

    @handles("rekognition", "ListProjectPolicies")
    def rek_list_project_policies(self, p: dict[str, Any]) -> dict[str, Any]:
        ordered = sorted(self._policies(p["ProjectArn"]).values(), key=lambda policy: policy.created)
        invalid = ApiError("InvalidPaginationTokenException", 400, "Invalid Token")
        page, nxt = self.page(
            "ListProjectPolicies", {**p, "MaxResults": p.get("MaxResults") or _PAGE}, ordered, invalid
        )
        listed = [
            {
                "ProjectArn": policy.project_arn,
                "PolicyName": policy.name,
                "PolicyRevisionId": policy.revision_id,
                "PolicyDocument": policy.document,
                "CreationTimestamp": policy.created,
                "LastUpdatedTimestamp": policy.updated,
            }
            for policy in page
        ]
        return with_token({"ProjectPolicies": listed}, nxt)

    @handles("rekognition", "DeleteProjectPolicy")
    def rek_delete_project_policy(self, p: dict[str, Any]) -> dict[str, Any]:
        policies = self._policies(p["ProjectArn"])
        policy = policies.get(p["PolicyName"])
        if policy is None:
            raise ApiError("ResourceNotFoundException", 400, f"The project has no policy named {p['PolicyName']}.")
        given = p.get("PolicyRevisionId")
        if given is not None and given != policy.revision_id:
            raise _invalid_revision(given, policy)
        del policies[policy.name]
        return {}
