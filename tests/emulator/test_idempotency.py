"""Lookout for Vision client tokens: replays, mismatches, the 8-hour window."""

from __future__ import annotations

import pytest

from aws_vision_async import LookoutVisionClient
from aws_vision_async.emulator import IDEMPOTENCY_WINDOW, Emulator, Faults, State
from aws_vision_async.lookoutvision import errors as lfv_errors

from ._support import lfv_line

pytestmark = pytest.mark.anyio

T0 = 1_700_000_000.0


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_idempotency_window_is_eight_hours() -> None:
    assert IDEMPOTENCY_WINDOW == 8 * 3600


# -- CreateProject ----------------------------------------------------------------------------------


async def test_create_project_same_token_same_params_replays_the_first_result(
    lfv: LookoutVisionClient, emu: Emulator
) -> None:
    first = await lfv.create_project(project_name="p", client_token="token-1")
    again = await lfv.create_project(project_name="p", client_token="token-1")

    assert again == first
    assert list(emu.state.lfv_projects) == ["p"]
    assert emu.requests["lookoutvision:CreateProject"] == 2


async def test_replay_returns_the_first_result_even_after_the_resource_changed(
    lfv: LookoutVisionClient, emu: Emulator
) -> None:
    first = await lfv.create_project(project_name="p", client_token="token-1")
    await lfv.delete_project(project_name="p", client_token="token-2")

    again = await lfv.create_project(project_name="p", client_token="token-1")

    assert again == first
    assert emu.state.lfv_projects == {}  # the replay created nothing


async def test_create_project_same_token_other_params_is_conflict(lfv: LookoutVisionClient, emu: Emulator) -> None:
    await lfv.create_project(project_name="p", client_token="token-1")

    with pytest.raises(lfv_errors.ConflictException) as caught:
        await lfv.create_project(project_name="q", client_token="token-1")

    assert caught.value.status_code == 409
    assert list(emu.state.lfv_projects) == ["p"]


async def test_tokens_are_per_operation(lfv: LookoutVisionClient, emu: Emulator) -> None:
    await lfv.create_project(project_name="p", client_token="shared")

    created = await lfv.create_dataset(project_name="p", dataset_type="train", client_token="shared")

    assert created.dataset_metadata is not None
    assert set(emu.state.lfv_projects["p"].datasets) == {"train"}


# -- CreateDataset ------------------------------------------------------------------------------------


async def test_create_dataset_replay_and_conflict(lfv: LookoutVisionClient, emu: Emulator) -> None:
    await lfv.create_project(project_name="p")
    first = await lfv.create_dataset(project_name="p", dataset_type="train", client_token="ds-1")

    again = await lfv.create_dataset(project_name="p", dataset_type="train", client_token="ds-1")

    assert again == first  # not "the project has a train dataset already"
    with pytest.raises(lfv_errors.ConflictException):
        await lfv.create_dataset(project_name="p", dataset_type="test", client_token="ds-1")
    assert set(emu.state.lfv_projects["p"].datasets) == {"train"}
    # Without the reused token, the test dataset can be created.
    await lfv.create_dataset(project_name="p", dataset_type="test", client_token="ds-2")
    assert set(emu.state.lfv_projects["p"].datasets) == {"train", "test"}


# -- DeleteProject --------------------------------------------------------------------------------------


async def test_delete_project_replay_and_conflict(lfv: LookoutVisionClient, emu: Emulator) -> None:
    await lfv.create_project(project_name="p")
    await lfv.create_project(project_name="q")
    first = await lfv.delete_project(project_name="p", client_token="del-1")

    again = await lfv.delete_project(project_name="p", client_token="del-1")

    assert again == first  # not a 404
    with pytest.raises(lfv_errors.ResourceNotFoundException):
        await lfv.delete_project(project_name="p", client_token="del-2")
    with pytest.raises(lfv_errors.ConflictException):
        await lfv.delete_project(project_name="q", client_token="del-1")
    assert list(emu.state.lfv_projects) == ["q"]


# -- UpdateDatasetEntries --------------------------------------------------------------------------------


async def test_update_dataset_entries_replay_is_not_applied_again(lfv: LookoutVisionClient, emu: Emulator) -> None:
    await lfv.create_project(project_name="p")
    await lfv.create_dataset(project_name="p", dataset_type="train")
    normal = lfv_line("s3://b/a.jpg", anomaly=False).encode()
    anomaly = lfv_line("s3://b/a.jpg", anomaly=True).encode()
    first = await lfv.update_dataset_entries(project_name="p", dataset_type="train", changes=normal, client_token="u-1")
    await lfv.update_dataset_entries(project_name="p", dataset_type="train", changes=anomaly, client_token="u-2")

    again = await lfv.update_dataset_entries(project_name="p", dataset_type="train", changes=normal, client_token="u-1")

    assert again == first
    listed = [e async for e in lfv.list_dataset_entries(project_name="p", dataset_type="train")]
    assert listed == [anomaly.decode()]  # the replay did not put the normal line back
    with pytest.raises(lfv_errors.ConflictException):
        await lfv.update_dataset_entries(
            project_name="p",
            dataset_type="train",
            changes=lfv_line("s3://b/z.jpg", anomaly=False).encode(),
            client_token="u-1",
        )
    assert [e.source_ref for e in emu.state.lfv_projects["p"].datasets["train"].entries] == ["s3://b/a.jpg"]


# -- the window --------------------------------------------------------------------------------------


async def test_token_is_remembered_for_eight_hours_then_forgotten(lfv: LookoutVisionClient, emu: Emulator) -> None:
    clock = Clock()
    emu.state = State(clock=clock)
    first = await lfv.create_project(project_name="p", client_token="token-1")
    await lfv.delete_project(project_name="p", client_token="token-2")

    clock.now = T0 + IDEMPOTENCY_WINDOW - 1
    assert await lfv.create_project(project_name="p", client_token="token-1") == first
    assert emu.state.lfv_projects == {}
    with pytest.raises(lfv_errors.ConflictException):
        await lfv.create_project(project_name="other", client_token="token-1")

    clock.now = T0 + IDEMPOTENCY_WINDOW + 1
    fresh = await lfv.create_project(project_name="p", client_token="token-1")

    assert list(emu.state.lfv_projects) == ["p"]  # created again: the token was forgotten
    assert fresh.project_metadata is not None
    assert first.project_metadata is not None
    assert fresh.project_metadata.creation_timestamp != first.project_metadata.creation_timestamp
    # And the token is now bound to this new call for another window.
    clock.now += IDEMPOTENCY_WINDOW - 10
    assert await lfv.create_project(project_name="p", client_token="token-1") == fresh


async def test_mismatch_is_allowed_after_the_window(lfv: LookoutVisionClient, emu: Emulator) -> None:
    clock = Clock()
    emu.state = State(clock=clock)
    await lfv.create_project(project_name="p", client_token="token-1")

    clock.now = T0 + IDEMPOTENCY_WINDOW
    created = await lfv.create_project(project_name="q", client_token="token-1")

    assert created.project_metadata is not None
    assert created.project_metadata.project_name == "q"
    assert sorted(emu.state.lfv_projects) == ["p", "q"]


def test_state_remembers_tokens_directly() -> None:
    clock = Clock()
    state = State(clock=clock)

    first = state.lfv_create_project({"ProjectName": "p", "ClientToken": "t"})
    assert state.lfv_create_project({"ProjectName": "p", "ClientToken": "t"}) is first
    state.lfv_delete_project({"ProjectName": "p"})
    clock.now += IDEMPOTENCY_WINDOW + 1
    second = state.lfv_create_project({"ProjectName": "p", "ClientToken": "t"})

    assert second is not first
    assert "p" in state.lfv_projects


# -- with faults: what the tokens are for ------------------------------------------------------------


async def test_commit_then_fail_then_retry_with_the_same_token_is_a_replay(
    lfv: LookoutVisionClient, emu: Emulator
) -> None:
    emu.faults.set("lookoutvision:CreateProject", Faults(commit_then_fail=1.0))
    with pytest.raises(lfv_errors.InternalServerException):
        await lfv.create_project(project_name="p", client_token="retry-me")
    assert list(emu.state.lfv_projects) == ["p"]  # the work was done

    emu.faults.clear()
    replay = await lfv.create_project(project_name="p", client_token="retry-me")

    assert replay.project_metadata is not None
    assert replay.project_metadata.project_name == "p"
    assert list(emu.state.lfv_projects) == ["p"]
