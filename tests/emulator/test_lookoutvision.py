"""The emulated Lookout for Vision operations, through the SDK's client."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from aws_vision_async import ConflictError, InvalidRequestError, LookoutVisionClient, NotFoundError
from aws_vision_async.emulator import Emulator, State
from aws_vision_async.lookoutvision import errors as lfv_errors

from ._support import ACCOUNT, jsonl, lfv_client, lfv_line, unlabeled

pytestmark = pytest.mark.anyio

ARN = f"arn:aws:lookoutvision:us-east-1:{ACCOUNT}:project/{{}}"


async def entries(lfv: LookoutVisionClient, project: str = "p", kind: str = "train", **filters: Any) -> list[str]:
    paginator = lfv.list_dataset_entries(project_name=project, dataset_type=kind, **filters)
    return [e async for e in paginator]


async def project_with_dataset(lfv: LookoutVisionClient, name: str = "p", kind: str = "train") -> None:
    await lfv.create_project(project_name=name)
    await lfv.create_dataset(project_name=name, dataset_type=kind)


# -- projects ---------------------------------------------------------------------------------------


async def test_create_describe_list_project(lfv: LookoutVisionClient) -> None:
    created = await lfv.create_project(project_name="circuits")

    metadata = created.project_metadata
    assert metadata is not None
    assert metadata.project_name == "circuits"
    assert metadata.project_arn == ARN.format("circuits")
    assert metadata.creation_timestamp is not None
    assert metadata.creation_timestamp.tzinfo is not None
    described = (await lfv.describe_project(project_name="circuits")).project_description
    assert described is not None
    assert described.project_name == "circuits"
    assert described.project_arn == metadata.project_arn
    assert described.creation_timestamp == metadata.creation_timestamp
    assert described.datasets == []
    listed = [p async for p in lfv.list_projects()]
    assert [(p.project_name, p.project_arn) for p in listed] == [("circuits", metadata.project_arn)]


async def test_list_projects_in_creation_order(lfv: LookoutVisionClient) -> None:
    for name in ("zz", "aa", "mm"):
        await lfv.create_project(project_name=name)

    assert [p.project_name async for p in lfv.list_projects()] == ["zz", "aa", "mm"]


async def test_create_project_twice_is_conflict_409(lfv: LookoutVisionClient, emu: Emulator) -> None:
    await lfv.create_project(project_name="p")

    with pytest.raises(lfv_errors.ConflictException) as caught:
        await lfv.create_project(project_name="p")  # a new client token: not a replay

    assert isinstance(caught.value, ConflictError)
    assert caught.value.status_code == 409
    assert caught.value.request_id
    assert list(emu.state.lfv_projects) == ["p"]


async def test_describe_unknown_project_is_not_found_404(lfv: LookoutVisionClient) -> None:
    with pytest.raises(lfv_errors.ResourceNotFoundException) as caught:
        await lfv.describe_project(project_name="absent")

    assert isinstance(caught.value, NotFoundError)
    assert caught.value.status_code == 404
    assert "absent" in caught.value.message


async def test_delete_project_then_not_found(lfv: LookoutVisionClient) -> None:
    await project_with_dataset(lfv, "gone")
    await lfv.create_project(project_name="kept")

    deleted = await lfv.delete_project(project_name="gone")

    assert deleted.project_arn == ARN.format("gone")
    assert [p.project_name async for p in lfv.list_projects()] == ["kept"]
    with pytest.raises(lfv_errors.ResourceNotFoundException):
        await lfv.describe_project(project_name="gone")
    with pytest.raises(lfv_errors.ResourceNotFoundException) as caught:
        await lfv.delete_project(project_name="gone")
    assert caught.value.status_code == 404
    with pytest.raises(lfv_errors.ResourceNotFoundException):
        await entries(lfv, "gone")


# -- datasets ------------------------------------------------------------------------------------------


async def test_create_datasets_and_describe_them(lfv: LookoutVisionClient) -> None:
    await lfv.create_project(project_name="p")

    train = (await lfv.create_dataset(project_name="p", dataset_type="train")).dataset_metadata
    test = (await lfv.create_dataset(project_name="p", dataset_type="test")).dataset_metadata

    assert train is not None
    assert test is not None
    assert (train.dataset_type, train.status) == ("train", "CREATE_COMPLETE")
    assert (test.dataset_type, test.status) == ("test", "CREATE_COMPLETE")
    described = (await lfv.describe_project(project_name="p")).project_description
    assert described is not None
    assert [(d.dataset_type, d.status) for d in described.datasets or []] == [
        ("train", "CREATE_COMPLETE"),
        ("test", "CREATE_COMPLETE"),
    ]
    assert await entries(lfv, kind="train") == []
    assert await entries(lfv, kind="test") == []


async def test_duplicate_dataset_is_conflict(lfv: LookoutVisionClient) -> None:
    await project_with_dataset(lfv)

    with pytest.raises(lfv_errors.ConflictException) as caught:
        await lfv.create_dataset(project_name="p", dataset_type="train")

    assert caught.value.status_code == 409


async def test_dataset_of_unknown_project_or_type_is_not_found(lfv: LookoutVisionClient) -> None:
    with pytest.raises(lfv_errors.ResourceNotFoundException):
        await lfv.create_dataset(project_name="absent", dataset_type="train")
    await project_with_dataset(lfv, kind="train")
    with pytest.raises(lfv_errors.ResourceNotFoundException) as caught:
        await entries(lfv, kind="test")
    assert caught.value.status_code == 404
    with pytest.raises(lfv_errors.ResourceNotFoundException):
        await lfv.update_dataset_entries(
            project_name="p", dataset_type="test", changes=lfv_line("s3://b/a.jpg", anomaly=False).encode()
        )


# -- entries --------------------------------------------------------------------------------------------


async def test_update_dataset_entries_adds_and_replaces_by_source_ref(lfv: LookoutVisionClient) -> None:
    await project_with_dataset(lfv)
    a, b = lfv_line("s3://b/a.jpg", anomaly=False), lfv_line("s3://b/b.jpg", anomaly=False)

    reply = await lfv.update_dataset_entries(project_name="p", dataset_type="train", changes=jsonl(a, b))

    assert reply.status == "UPDATE_COMPLETE"
    assert await entries(lfv) == [a, b]
    a2, c = lfv_line("s3://b/a.jpg", anomaly=True), lfv_line("s3://b/c.jpg", anomaly=True)
    await lfv.update_dataset_entries(project_name="p", dataset_type="train", changes=jsonl(c, a2))
    assert await entries(lfv) == [a2, b, c]


@pytest.mark.parametrize("bad", [b"{oops", b'{"source-ref": null}', b"42", b"\xc3\x28"])
async def test_invalid_changes_are_validation_exception_and_nothing_is_applied(
    lfv: LookoutVisionClient, bad: bytes
) -> None:
    await project_with_dataset(lfv)
    first = lfv_line("s3://b/a.jpg", anomaly=False)
    await lfv.update_dataset_entries(project_name="p", dataset_type="train", changes=first.encode())

    changes = b"\n".join([lfv_line("s3://b/new.jpg", anomaly=True).encode(), bad])
    with pytest.raises(lfv_errors.ValidationException) as caught:
        await lfv.update_dataset_entries(project_name="p", dataset_type="train", changes=changes)

    assert isinstance(caught.value, InvalidRequestError)
    assert caught.value.status_code == 400
    assert await entries(lfv) == [first]


NORMAL = lfv_line("s3://b/normal/one.jpg", anomaly=False)
ANOMALY = lfv_line("s3://b/anomaly/two.jpg", anomaly=True)
RAW = unlabeled("s3://b/raw/three.jpg")
LATE_NORMAL = lfv_line("s3://b/normal/four.jpg", anomaly=False)
LATE_ANOMALY = lfv_line("s3://b/anomaly/five.jpg", anomaly=True)
EARLY = [NORMAL, ANOMALY, RAW]
LATE = [LATE_NORMAL, LATE_ANOMALY]
T_EARLY = 1_700_000_000.0
T_LATE = T_EARLY + 3600
MIDDLE = datetime.fromtimestamp(T_EARLY + 1800, timezone.utc)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, EARLY + LATE),
        ({"labeled": True}, [NORMAL, ANOMALY, *LATE]),
        ({"labeled": False}, [RAW]),
        ({"anomaly_class": "normal"}, [NORMAL, LATE_NORMAL]),
        ({"anomaly_class": "anomaly"}, [ANOMALY, LATE_ANOMALY]),
        ({"before_creation_date": MIDDLE}, EARLY),
        ({"after_creation_date": MIDDLE}, LATE),
        ({"before_creation_date": datetime.fromtimestamp(T_EARLY - 60, timezone.utc)}, []),
        ({"source_ref_contains": "anomaly/"}, [ANOMALY, LATE_ANOMALY]),
        ({"source_ref_contains": "four"}, [LATE_NORMAL]),
        ({"anomaly_class": "anomaly", "after_creation_date": MIDDLE}, [LATE_ANOMALY]),
        ({"labeled": True, "before_creation_date": MIDDLE, "source_ref_contains": "normal"}, [NORMAL]),
        ({"anomaly_class": "normal", "source_ref_contains": "anomaly"}, []),
    ],
    ids=[
        "none",
        "labeled",
        "unlabeled",
        "normal",
        "anomaly",
        "before",
        "after",
        "before-everything",
        "source-ref",
        "source-ref-one",
        "anomaly-after",
        "labeled-before-source",
        "contradiction",
    ],
)
async def test_list_dataset_entries_filters(
    lfv: LookoutVisionClient, emu: Emulator, filters: dict[str, Any], expected: list[str]
) -> None:
    now = [T_EARLY]
    emu.state = State(clock=lambda: now[0])
    await project_with_dataset(lfv)
    await lfv.update_dataset_entries(project_name="p", dataset_type="train", changes=jsonl(*EARLY))
    now[0] = T_LATE
    await lfv.update_dataset_entries(project_name="p", dataset_type="train", changes=jsonl(*LATE))

    assert await entries(lfv, **filters) == expected


# -- what is not emulated -------------------------------------------------------------------------------


async def test_unemulated_operation_is_not_implemented_501(emu: Emulator) -> None:
    async with lfv_client(emu.url, max_attempts=4) as lfv:
        with pytest.raises(lfv_errors.LookoutVisionError) as caught:
            await lfv.list_models(project_name="p")

    error = caught.value
    assert error.code == "NotImplementedException"
    assert error.status_code == 501
    assert "ListModels" in error.message
    assert "not emulated" in error.message
    assert error.request_id
    assert emu.requests["lookoutvision:ListModels"] == 1
