"""Project policies on the emulator, through the SDK: revisions, documents, limits, paging, deleted projects."""

from __future__ import annotations

import json
import re

import pytest

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import Emulator
from aws_vision_async.emulator._operations._rek_project_policies import MAX_PROJECT_POLICIES
from aws_vision_async.rekognition import errors as rek_errors

from ._model_support import ManualClock
from ._support import ACCOUNT

pytestmark = pytest.mark.anyio

STATEMENT = {
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
    "Action": "rekognition:CopyProjectVersion",
    "Resource": f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/models/version/*/*",
}
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [STATEMENT]})
DENY = json.dumps({"Version": "2012-10-17", "Statement": {**STATEMENT, "Effect": "Deny"}})


async def new_project(rek: RekognitionClient, name: str = "models") -> str:
    arn = (await rek.create_project(project_name=name)).project_arn
    assert arn is not None
    return arn


async def put(
    rek: RekognitionClient, project: str, name: str, document: str = POLICY, revision: str | None = None
) -> str:
    reply = await rek.put_project_policy(
        project_arn=project, policy_name=name, policy_document=document, policy_revision_id=revision
    )
    assert reply.policy_revision_id is not None
    assert re.fullmatch(r"[0-9a-f]{1,64}", reply.policy_revision_id)
    return reply.policy_revision_id


async def test_put_lists_the_policy_and_an_update_takes_its_latest_revision(
    rek: RekognitionClient, emu: Emulator
) -> None:
    clock = emu.state.clock = ManualClock()
    project = await new_project(rek)
    first = await put(rek, project, "copy")

    [listed] = [p async for p in rek.list_project_policies(project_arn=project)]
    clock.advance(60)
    second = await put(rek, project, "copy", DENY, revision=first)
    [updated] = [p async for p in rek.list_project_policies(project_arn=project)]

    assert (listed.project_arn, listed.policy_name, listed.policy_revision_id) == (project, "copy", first)
    assert listed.policy_document == POLICY
    assert listed.creation_timestamp == listed.last_updated_timestamp
    assert second != first
    assert (updated.policy_revision_id, updated.policy_document) == (second, DENY)
    assert updated.creation_timestamp == listed.creation_timestamp
    assert updated.last_updated_timestamp is not None
    assert listed.last_updated_timestamp is not None
    assert updated.last_updated_timestamp > listed.last_updated_timestamp
    # Only the latest revision is kept: the old one no longer updates it.
    with pytest.raises(rek_errors.InvalidPolicyRevisionIdException):
        await put(rek, project, "copy", revision=first)


async def test_the_same_put_twice_is_refused_as_existing(rek: RekognitionClient) -> None:
    project = await new_project(rek)
    revision = await put(rek, project, "copy")

    with pytest.raises(rek_errors.ResourceAlreadyExistsException):
        await put(rek, project, "copy")

    [only] = [p async for p in rek.list_project_policies(project_arn=project)]
    assert only.policy_revision_id == revision


async def test_a_revision_for_a_policy_that_does_not_exist_is_invalid(rek: RekognitionClient) -> None:
    project = await new_project(rek)
    with pytest.raises(rek_errors.InvalidPolicyRevisionIdException):
        await put(rek, project, "copy", revision="0123abcd")


@pytest.mark.parametrize(
    "document",
    [
        "not json",
        "[]",
        json.dumps({"Version": "2012-10-17"}),
        json.dumps({"Version": "2012-10-17", "Statement": []}),
        json.dumps({"Version": "1999-01-01", "Statement": [STATEMENT]}),
        json.dumps({"Statement": [{**STATEMENT, "Effect": "Maybe"}]}),
        json.dumps({"Statement": [{k: v for k, v in STATEMENT.items() if k != "Action"}]}),
        json.dumps({"Statement": [{k: v for k, v in STATEMENT.items() if k != "Principal"}]}),
    ],
)
async def test_a_document_that_is_not_a_policy_is_malformed(rek: RekognitionClient, document: str) -> None:
    project = await new_project(rek)
    with pytest.raises(rek_errors.MalformedPolicyDocumentException):
        await put(rek, project, "copy", document)
    assert [p async for p in rek.list_project_policies(project_arn=project)] == []


async def test_an_unknown_project_or_policy_is_not_found(rek: RekognitionClient) -> None:
    project = await new_project(rek)
    ghost = f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/ghost/1700000000000"

    with pytest.raises(rek_errors.ResourceNotFoundException):
        await put(rek, ghost, "copy")
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.list_project_policies(project_arn=ghost)
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.delete_project_policy(project_arn=ghost, policy_name="copy")
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.delete_project_policy(project_arn=project, policy_name="copy")


async def test_delete_checks_the_revision_when_given(rek: RekognitionClient) -> None:
    project = await new_project(rek)
    first = await put(rek, project, "a")
    latest = await put(rek, project, "a", revision=first)
    await put(rek, project, "b")

    with pytest.raises(rek_errors.InvalidPolicyRevisionIdException):
        await rek.delete_project_policy(project_arn=project, policy_name="a", policy_revision_id=first)
    await rek.delete_project_policy(project_arn=project, policy_name="a", policy_revision_id=latest)
    await rek.delete_project_policy(project_arn=project, policy_name="b")

    assert [p async for p in rek.list_project_policies(project_arn=project)] == []
    # A deleted policy's name can be used again from scratch.
    await put(rek, project, "a")


async def test_a_project_holds_at_most_five_policies_paged_by_at_most_five(rek: RekognitionClient) -> None:
    project = await new_project(rek)
    other = await new_project(rek, "other")
    names = [f"copy-{n}" for n in range(MAX_PROJECT_POLICIES)]
    for name in names:
        await put(rek, project, name)
    await put(rek, other, "copy-0")

    with pytest.raises(rek_errors.LimitExceededException):
        await put(rek, project, "one-too-many")
    pages = [page async for page in rek.list_project_policies(project_arn=project, max_results=2).pages()]
    whole = await rek.list_project_policies(project_arn=project)

    assert [len(page.project_policies or []) for page in pages] == [2, 2, 1]
    assert [p.policy_name for page in pages for p in page.project_policies or []] == names
    assert [p.policy_name for p in whole.project_policies or []] == names
    assert whole.next_token is None
    # A token of one project's listing is not one of another's.
    token = pages[0].next_token
    assert token is not None
    with pytest.raises(rek_errors.InvalidPaginationTokenException):
        await rek.list_project_policies(project_arn=other, next_token=token)
    with pytest.raises(ValueError, match="max_results"):  # the SDK checks the documented 1 to 5
        await rek.list_project_policies(project_arn=project, max_results=6)


async def test_a_deleted_projects_policies_go_with_it(rek: RekognitionClient, emu: Emulator) -> None:
    project = await new_project(rek)
    await put(rek, project, "copy")

    await rek.delete_project(project_arn=project)
    again = await new_project(rek)

    assert again != project
    assert [p async for p in rek.list_project_policies(project_arn=again)] == []
    assert project not in emu.state.project_policies


async def test_a_content_moderation_project_takes_no_policy(rek: RekognitionClient) -> None:
    arn = (await rek.create_project(project_name="adapters", feature="CONTENT_MODERATION")).project_arn
    assert arn is not None
    with pytest.raises(rek_errors.InvalidParameterException):
        await put(rek, arn, "copy")
