"""Errors that retrying cannot fix cost one request; invalid input costs none."""

from __future__ import annotations

import base64
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio
import pytest

from aws_vision_async import LookoutVisionClient, RekognitionClient
from aws_vision_async._core.operation import OperationSpec
from aws_vision_async.emulator import Emulator, Faults
from aws_vision_async.emulator._wire import ApiError
from aws_vision_async.lookoutvision import _operations as lfv_ops
from aws_vision_async.lookoutvision import errors as lfv_errors
from aws_vision_async.rekognition import _operations as rek_ops
from aws_vision_async.rekognition import errors as rek_errors

from ._support import add_rek_dataset, open_lfv, open_rek, record

pytestmark = pytest.mark.anyio

SEED_OPERATIONS: dict[str, OperationSpec[Any, Any]] = {
    "rekognition:DescribeProjects": rek_ops.DESCRIBE_PROJECTS,
    "rekognition:ListDatasetEntries": rek_ops.LIST_DATASET_ENTRIES,
    "rekognition:ListCollections": rek_ops.LIST_COLLECTIONS,
    "lookoutvision:CreateProject": lfv_ops.CREATE_PROJECT,
}

#: Every (operation, documented error that is not retried), from the generated specs.
NON_RETRYABLE = sorted((key, code) for key, op in SEED_OPERATIONS.items() for code in sorted(op.errors - op.retryable))

#: HTTP status of each Lookout for Vision error (its model's httpStatusCode); Rekognition's are all 400.
LFV_STATUS = {
    "AccessDeniedException": 403,
    "ConflictException": 409,
    "ResourceNotFoundException": 404,
    "ServiceQuotaExceededException": 402,
    "ValidationException": 400,
}


@dataclass
class Scene:
    """An emulator, open clients on it, and what a call needs (a dataset)."""

    emu: Emulator
    rek: RekognitionClient
    lfv: LookoutVisionClient
    dataset_arn: str


Make = Callable[[Scene], Awaitable[Any]]


def raw(client: Any, op: OperationSpec[Any, Any], **fields: Any) -> Awaitable[Any]:
    """Send ``fields`` through the client's own pipeline (retries, error mapping) without validating them.

    The SDK refuses invalid input before any I/O (see test_invalid_input_sends_nothing),
    so the only way to see the services' own validation errors is to skip that
    check: the pipeline after it is the one every call goes through.
    """
    request = op.request.model_construct(**fields)
    if op.paginator is not None:
        pager: Awaitable[Any] = client._paginate(op, request, lambda _page: ())
        return pager
    result: Awaitable[Any] = client._call(op, request)
    return result


def _tampered(token: str) -> str:
    raw_bytes = bytearray(base64.b64decode(token))
    raw_bytes[2] ^= 0x01  # one bit of the payload: the signature no longer matches
    return base64.b64encode(bytes(raw_bytes)).decode()


async def _collections_token(scene: Scene) -> str:
    """A genuine ListCollections pagination token (its request is not counted)."""
    for cid in ("c-1", "c-2"):
        scene.emu.state.create_collection({"CollectionId": cid})
    page = await scene.rek.list_collections(max_results=1)
    scene.emu.requests.clear()
    assert page.next_token
    return page.next_token


async def _describe_projects_foreign_token(scene: Scene) -> Any:
    # A ListCollections token handed to DescribeProjects: tokens are bound to their operation.
    return await scene.rek.describe_projects(next_token=await _collections_token(scene))


async def _list_entries_foreign_token(scene: Scene) -> Any:
    return await scene.rek.list_dataset_entries(
        dataset_arn=scene.dataset_arn, next_token=await _collections_token(scene)
    )


async def _list_collections_tampered_token(scene: Scene) -> Any:
    return await scene.rek.list_collections(next_token=_tampered(await _collections_token(scene)))


async def _list_entries_unknown_dataset(scene: Scene) -> Any:
    unknown = "arn:aws:rekognition:us-east-1:123456789012:project/nobody/dataset/train/1"
    return await scene.rek.list_dataset_entries(dataset_arn=unknown)


async def _create_duplicate(scene: Scene) -> Any:
    scene.emu.state.lfv_create_project({"ProjectName": "taken"})
    return await scene.lfv.create_project(project_name="taken")


NATURAL: dict[tuple[str, str], Make] = {
    ("rekognition:DescribeProjects", "InvalidPaginationTokenException"): _describe_projects_foreign_token,
    ("rekognition:ListDatasetEntries", "InvalidPaginationTokenException"): _list_entries_foreign_token,
    ("rekognition:ListCollections", "InvalidPaginationTokenException"): _list_collections_tampered_token,
    ("rekognition:ListDatasetEntries", "ResourceNotFoundException"): _list_entries_unknown_dataset,
    ("lookoutvision:CreateProject", "ConflictException"): _create_duplicate,
    # Input the service's validation refuses but botocore's client-side check
    # (types, required members, minimums) lets pass: maximums and patterns.
    ("rekognition:DescribeProjects", "InvalidParameterException"): lambda s: raw(
        s.rek, rek_ops.DESCRIBE_PROJECTS, max_results=101
    ),
    ("rekognition:ListDatasetEntries", "InvalidParameterException"): lambda s: raw(
        s.rek, rek_ops.LIST_DATASET_ENTRIES, dataset_arn=s.dataset_arn, max_results=101
    ),
    ("rekognition:ListCollections", "InvalidParameterException"): lambda s: raw(
        s.rek, rek_ops.LIST_COLLECTIONS, max_results=4097
    ),
    ("lookoutvision:CreateProject", "ValidationException"): lambda s: raw(
        s.lfv, lfv_ops.CREATE_PROJECT, project_name="not a valid name!", client_token="tok-1"
    ),
}

#: A plain call of each operation, for the errors the emulator cannot produce by itself.
PLAIN: dict[str, Make] = {
    "rekognition:DescribeProjects": lambda s: s.rek.describe_projects(),
    "rekognition:ListDatasetEntries": lambda s: s.rek.list_dataset_entries(dataset_arn=s.dataset_arn),
    "rekognition:ListCollections": lambda s: s.rek.list_collections(),
    "lookoutvision:CreateProject": lambda s: s.lfv.create_project(project_name="fresh"),
}


def test_every_non_retryable_error_is_covered() -> None:
    # The spec lists drive the parametrization; this pins what they contain,
    # so that a change in the generator's classification is noticed here.
    assert len(NON_RETRYABLE) == 18
    assert ("rekognition:ListDatasetEntries", "ResourceNotReadyException") in NON_RETRYABLE
    assert not any(code in ("ThrottlingException", "InternalServerError") for _, code in NON_RETRYABLE)


def _install_error(emu: Emulator, monkeypatch: pytest.MonkeyPatch, key: str, code: str) -> None:
    service, operation = key.split(":")
    status = LFV_STATUS[code] if service == "lookoutvision" else 400

    def fail(_params: dict[str, Any]) -> dict[str, Any]:
        raise ApiError(code, status, f"{code} (installed by the test)")

    handlers = emu.state.rekognition if service == "rekognition" else emu.state.lookoutvision
    monkeypatch.setitem(handlers, operation, fail)


@pytest.mark.parametrize(("key", "code"), NON_RETRYABLE, ids=[f"{k.split(':')[1]}-{c}" for k, c in NON_RETRYABLE])
async def test_a_non_retryable_error_costs_one_request(
    anyio_backend: str, emu: Emulator, monkeypatch: pytest.MonkeyPatch, key: str, code: str
) -> None:
    service = key.split(":", maxsplit=1)[0]
    expected = (rek_errors.ERRORS if service == "rekognition" else lfv_errors.ERRORS)[code]
    dataset_arn, _ = add_rek_dataset(emu, 5)
    make = NATURAL.get((key, code))
    if make is None:
        _install_error(emu, monkeypatch, key, code)
        make = PLAIN[key]
    with anyio.fail_after(120):
        async with open_rek(emu) as rek, open_lfv(emu) as lfv:  # up to 12 attempts, no budget
            with pytest.raises(expected) as caught:
                await make(Scene(emu, rek, lfv, dataset_arn))
    error = caught.value
    assert error.code == code
    assert error.operation_name == SEED_OPERATIONS[key].name
    assert error.status_code == (LFV_STATUS[code] if service == "lookoutvision" else 400)
    assert not error.retryable
    # Exactly one request, counted under the operation, or under "service:?"
    # when the emulator refused to decode it (its validation errors).
    assert sum(emu.requests.values()) == 1, emu.requests
    assert emu.requests[key] + emu.requests[f"{service}:?"] == 1
    record(anyio_backend, non_retryable=len(NON_RETRYABLE))


# -- invalid input ------------------------------------------------------------------------------------------

ARN = "arn:aws:rekognition:us-east-1:123456789012:project/p/dataset/train/1700000000000"

Call = Callable[[RekognitionClient, LookoutVisionClient], Any]

#: (description, call, the field its message must name)
INVALID: list[tuple[str, Call, str]] = [
    # DescribeProjects
    ("MaxResults below 1", lambda r, _: r.describe_projects(max_results=0), "max_results"),
    ("MaxResults above 100", lambda r, _: r.describe_projects(max_results=101), "max_results"),
    ("MaxResults as a string", lambda r, _: r.describe_projects(max_results="5"), "max_results"),
    ("MaxResults as a bool", lambda r, _: r.describe_projects(max_results=True), "max_results"),
    ("no project names", lambda r, _: r.describe_projects(project_names=[]), "project_names"),
    ("11 project names", lambda r, _: r.describe_projects(project_names=[f"p{i}" for i in range(11)]), "project_names"),
    ("project name with a space", lambda r, _: r.describe_projects(project_names=["bad name"]), "project_names"),
    ("project name + newline", lambda r, _: r.describe_projects(project_names=["ok\n"]), "project_names"),
    ("project name of 256", lambda r, _: r.describe_projects(project_names=["x" * 256]), "project_names"),
    ("project names as a str", lambda r, _: r.describe_projects(project_names="p"), "project_names"),
    ("unknown feature", lambda r, _: r.describe_projects(features=["NOT_A_FEATURE"]), "features"),
    ("lower-case feature", lambda r, _: r.describe_projects(features=["custom_labels"]), "features"),
    ("no features", lambda r, _: r.describe_projects(features=[]), "features"),
    ("3 features", lambda r, _: r.describe_projects(features=["CUSTOM_LABELS"] * 3), "features"),
    ("token of 1025", lambda r, _: r.describe_projects(next_token="x" * 1025), "next_token"),
    # ListDatasetEntries
    ("ARN too short", lambda r, _: r.list_dataset_entries(dataset_arn="arn:short"), "dataset_arn"),
    ("ARN + newline", lambda r, _: r.list_dataset_entries(dataset_arn=ARN + "\n"), "dataset_arn"),
    ("ARN with a prefix", lambda r, _: r.list_dataset_entries(dataset_arn="x" + ARN), "dataset_arn"),
    ("ARN with a suffix", lambda r, _: r.list_dataset_entries(dataset_arn=ARN + "/extra"), "dataset_arn"),
    (
        "ARN of a validation set",
        lambda r, _: r.list_dataset_entries(dataset_arn=ARN.replace("/train/", "/validation/")),
        "dataset_arn",
    ),
    ("ARN as an int", lambda r, _: r.list_dataset_entries(dataset_arn=123), "dataset_arn"),
    ("no labels", lambda r, _: r.list_dataset_entries(dataset_arn=ARN, contains_labels=[]), "contains_labels"),
    ("empty label", lambda r, _: r.list_dataset_entries(dataset_arn=ARN, contains_labels=[""]), "contains_labels"),
    ("11 labels", lambda r, _: r.list_dataset_entries(dataset_arn=ARN, contains_labels=["l"] * 11), "contains_labels"),
    (
        "blank source-ref filter",
        lambda r, _: r.list_dataset_entries(dataset_arn=ARN, source_ref_contains="   "),
        "source_ref_contains",
    ),
    (
        "empty source-ref filter",
        lambda r, _: r.list_dataset_entries(dataset_arn=ARN, source_ref_contains=""),
        "source_ref_contains",
    ),
    ("labeled as a string", lambda r, _: r.list_dataset_entries(dataset_arn=ARN, labeled="yes"), "labeled"),
    ("has_errors as an int", lambda r, _: r.list_dataset_entries(dataset_arn=ARN, has_errors=1), "has_errors"),
    ("entries MaxResults 101", lambda r, _: r.list_dataset_entries(dataset_arn=ARN, max_results=101), "max_results"),
    (
        "entries token of 1025",
        lambda r, _: r.list_dataset_entries(dataset_arn=ARN, next_token="t" * 1025),
        "next_token",
    ),
    # ListCollections
    ("collections MaxResults -1", lambda r, _: r.list_collections(max_results=-1), "max_results"),
    ("collections MaxResults 4097", lambda r, _: r.list_collections(max_results=4097), "max_results"),
    ("collections MaxResults 1.5", lambda r, _: r.list_collections(max_results=1.5), "max_results"),
    ("collections token of 256", lambda r, _: r.list_collections(next_token="n" * 256), "next_token"),
    # DescribeCollection
    ("empty collection id", lambda r, _: r.describe_collection(collection_id=""), "collection_id"),
    ("collection id of 256", lambda r, _: r.describe_collection(collection_id="c" * 256), "collection_id"),
    ("collection id with /", lambda r, _: r.describe_collection(collection_id="bad/id"), "collection_id"),
    ("collection id + newline", lambda r, _: r.describe_collection(collection_id="ok\n"), "collection_id"),
    # Lookout for Vision CreateProject
    ("empty project name", lambda _, v: v.create_project(project_name=""), "project_name"),
    ("name starting with -", lambda _, v: v.create_project(project_name="-dash"), "project_name"),
    ("name of 256", lambda _, v: v.create_project(project_name="p" * 256), "project_name"),
    ("name with a space", lambda _, v: v.create_project(project_name="has space"), "project_name"),
    ("name + newline", lambda _, v: v.create_project(project_name="ok\n"), "project_name"),
    ("name as None", lambda _, v: v.create_project(project_name=None), "project_name"),
    (
        "header injection in token",
        lambda _, v: v.create_project(project_name="ok", client_token="abc\r\nX-Injected: 1"),
        "client_token",
    ),
    ("token + newline", lambda _, v: v.create_project(project_name="ok", client_token="tok\n"), "client_token"),
    ("empty token", lambda _, v: v.create_project(project_name="ok", client_token=""), "client_token"),
    ("token of 65", lambda _, v: v.create_project(project_name="ok", client_token="t" * 65), "client_token"),
    ("token with _", lambda _, v: v.create_project(project_name="ok", client_token="under_score"), "client_token"),
]


async def _invoke(call: Call, rek: RekognitionClient, lfv: LookoutVisionClient) -> None:
    result = call(rek, lfv)  # paginated operations validate here, before returning the paginator
    if inspect.isawaitable(result):
        await result


async def test_invalid_input_sends_nothing(anyio_backend: str, emu: Emulator) -> None:
    assert len(INVALID) >= 30
    problems: list[str] = []
    emu.faults.set("*", Faults(throttle=0.5))  # had anything been sent, retries would show too
    with anyio.fail_after(120):
        async with open_rek(emu) as rek, open_lfv(emu) as lfv:
            for description, call, field in INVALID:
                try:
                    await _invoke(call, rek, lfv)
                except ValueError as exc:
                    # A missing member is named by its wire name, the others by their Python name.
                    wire = "".join(part.capitalize() for part in field.split("_"))
                    if field not in str(exc) and wire not in str(exc):
                        problems.append(f"{description}: the message does not name {field}: {exc}")
                except Exception as exc:  # reported with the others
                    problems.append(f"{description}: {type(exc).__name__} instead of ValueError: {exc}")
                else:
                    problems.append(f"{description}: accepted")
            assert problems == []
            assert sum(emu.requests.values()) == 0, emu.requests
            # The same clients do reach the emulator with valid input.
            emu.faults.clear()
            await rek.describe_projects(max_results=100)
            await lfv.create_project(project_name="ok", client_token="a-valid-token")
    assert sum(emu.requests.values()) == 2
    record(anyio_backend, invalid_inputs=len(INVALID))
