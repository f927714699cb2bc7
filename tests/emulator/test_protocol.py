"""The emulator's wire protocols: reply shapes, status codes, request ids, request validation.

Most requests here are sent as plain HTTP (or through aiobotocore with its
parameter validation off), because the SDK refuses to send invalid input.
"""

from __future__ import annotations

from typing import Any

import botocore.exceptions
import pytest
from aiobotocore.config import AioConfig

from aws_vision_async.emulator import Emulator

from ._support import (
    REK_CONTENT_TYPE,
    assert_lfv_error,
    assert_rek_error,
    b64,
    lfv_client,
    lfv_line,
    lfv_raw,
    rek_client,
    rek_raw,
    shared_session,
    unlabeled,
)

DATASET_ARN = "arn:aws:rekognition:us-east-1:123456789012:project/p/dataset/train/1700000000000"


# -- Rekognition: reply shapes ---------------------------------------------------------------------


def test_rekognition_success_reply_has_json_1_1_body_and_request_id(emu: Emulator) -> None:
    reply = rek_raw(emu.url, "CreateCollection", {"CollectionId": "c1"})

    assert reply.status == 200
    assert (reply.header("content-type") or "").startswith(REK_CONTENT_TYPE)
    assert reply.header("x-amzn-requestid")
    body = reply.json()
    assert body["StatusCode"] == 200
    assert body["CollectionArn"].endswith(":collection/c1")
    assert body["FaceModelVersion"]
    assert emu.requests["rekognition:CreateCollection"] == 1


def test_rekognition_error_reply_has_type_and_message(emu: Emulator) -> None:
    reply = rek_raw(emu.url, "DescribeCollection", {"CollectionId": "nope"})

    message = assert_rek_error(reply, "ResourceNotFoundException", 400)
    assert "nope" in message


def test_every_reply_gets_its_own_request_id(emu: Emulator) -> None:
    ids = {rek_raw(emu.url, "ListCollections", {}).header("x-amzn-requestid") for _ in range(3)}
    ids |= {lfv_raw(emu.url, "GET", "/projects").header("x-amzn-requestid") for _ in range(3)}
    ids.add(rek_raw(emu.url, "DescribeCollection", {"CollectionId": "nope"}).header("x-amzn-requestid"))

    assert None not in ids
    assert len(ids) == 7


def test_empty_rekognition_body_means_no_members(emu: Emulator) -> None:
    reply = rek_raw(emu.url, "ListCollections", b"")

    assert reply.status == 200
    assert reply.json() == {"CollectionIds": [], "FaceModelVersions": []}


# -- Rekognition: invalid requests ------------------------------------------------------------------------

REK_INVALID: list[tuple[str, str, dict[str, Any] | bytes, str]] = [
    # (id, operation, body, a fragment of the message)
    ("malformed-json", "CreateCollection", b'{"CollectionId": ', "JSON"),
    ("body-not-an-object", "CreateCollection", b'["c1"]', "JSON object"),
    ("wrong-type-integer", "DescribeProjects", {"MaxResults": "ten"}, "MaxResults"),
    ("wrong-type-boolean", "ListDatasetEntries", {"DatasetArn": DATASET_ARN, "Labeled": "yes"}, "Labeled"),
    ("wrong-type-list", "DescribeProjects", {"ProjectNames": "p"}, "ProjectNames"),
    (
        "wrong-type-structure",
        "CreateDataset",
        {"ProjectArn": "x" * 20, "DatasetType": "TRAIN", "DatasetSource": 1},
        "DatasetSource",
    ),
    ("missing-required", "CreateProject", {}, "ProjectName"),
    ("missing-required-arn", "ListDatasetEntries", {}, "DatasetArn"),
    ("unknown-member", "DescribeProjects", {"Bogus": 1}, "Bogus"),
    ("too-long-project-name", "CreateProject", {"ProjectName": "p" * 256}, "255"),
    ("too-long-collection-id", "CreateCollection", {"CollectionId": "c" * 256}, "255"),
    ("too-long-next-token", "DescribeProjects", {"NextToken": "A" * 1025}, "1024"),
    ("too-short-project-name", "CreateProject", {"ProjectName": ""}, "ProjectName"),
    ("pattern-collection-id-with-space", "CreateCollection", {"CollectionId": "has space"}, "CollectionId"),
    ("pattern-project-name", "CreateProject", {"ProjectName": "no/slash"}, "ProjectName"),
    ("pattern-dataset-arn", "ListDatasetEntries", {"DatasetArn": "arn:aws:rekognition:not-a-dataset"}, "DatasetArn"),
    ("enum-dataset-type", "CreateDataset", {"ProjectArn": "x" * 20, "DatasetType": "VALIDATE"}, "VALIDATE"),
    ("enum-features", "DescribeProjects", {"Features": ["NOPE"]}, "NOPE"),
    ("describe-projects-max-results-0", "DescribeProjects", {"MaxResults": 0}, "MaxResults"),
    ("describe-projects-max-results-101", "DescribeProjects", {"MaxResults": 101}, "MaxResults"),
    ("list-entries-max-results-0", "ListDatasetEntries", {"DatasetArn": DATASET_ARN, "MaxResults": 0}, "MaxResults"),
    ("list-entries-max-results-101", "ListDatasetEntries", {"DatasetArn": DATASET_ARN, "MaxResults": 101}, "101"),
    ("list-labels-max-results-0", "ListDatasetLabels", {"DatasetArn": DATASET_ARN, "MaxResults": 0}, "MaxResults"),
    ("list-labels-max-results-101", "ListDatasetLabels", {"DatasetArn": DATASET_ARN, "MaxResults": 101}, "101"),
    ("list-collections-max-results-4097", "ListCollections", {"MaxResults": 4097}, "4096"),
    ("list-collections-max-results-negative", "ListCollections", {"MaxResults": -1}, "MaxResults"),
    (
        "blob-not-base64",
        "UpdateDatasetEntries",
        {"DatasetArn": DATASET_ARN, "Changes": {"GroundTruth": "!!"}},
        "base64",
    ),
    (
        "blob-too-short",
        "UpdateDatasetEntries",
        {"DatasetArn": DATASET_ARN, "Changes": {"GroundTruth": ""}},
        "GroundTruth",
    ),
    ("unemulated-but-invalid", "DetectLabels", {}, "Image"),
]


@pytest.mark.parametrize(
    ("operation", "body", "fragment"), [r[1:] for r in REK_INVALID], ids=[r[0] for r in REK_INVALID]
)
def test_invalid_rekognition_request_is_invalid_parameter_exception(
    emu: Emulator, operation: str, body: dict[str, Any] | bytes, fragment: str
) -> None:
    reply = rek_raw(emu.url, operation, body)

    message = assert_rek_error(reply, "InvalidParameterException", 400)
    assert fragment in message
    # Counted as an invalid request, never run: nothing was created.
    assert emu.requests == {"rekognition:?": 1}
    assert not emu.state.rek_projects
    assert not emu.state.collections


def test_boolean_is_not_an_integer(emu: Emulator) -> None:
    """JSON ``true`` for an integer member is a type error, as any other non-integer."""
    emu.state.create_collection({"CollectionId": "c1"})
    emu.state.create_collection({"CollectionId": "c2"})

    reply = rek_raw(emu.url, "ListCollections", {"MaxResults": True})

    assert_rek_error(reply, "InvalidParameterException", 400)


@pytest.mark.parametrize("target", ["RekognitionService.DoMagic", "Elsewhere.DescribeProjects", "DescribeProjects", ""])
def test_unknown_rekognition_target_is_unknown_operation(emu: Emulator, target: str) -> None:
    reply = rek_raw(emu.url, "", {}, target=target)

    assert_rek_error(reply, "UnknownOperationException", 400)
    assert emu.requests == {"rekognition:?": 1}


def test_valid_unemulated_rekognition_operation_is_not_implemented(emu: Emulator) -> None:
    del emu.state.rekognition["DetectLabels"]  # every operation is emulated: take one out
    reply = rek_raw(emu.url, "DetectLabels", {"Image": {"Bytes": b64("not really a picture")}})

    message = assert_rek_error(reply, "NotImplementedException", 501)
    assert "DetectLabels" in message
    assert "not emulated" in message
    assert emu.requests == {"rekognition:DetectLabels": 1}


# -- Lookout for Vision: reply shapes ---------------------------------------------------------------


def test_lookoutvision_success_codes_per_operation(emu: Emulator) -> None:
    url = emu.url
    token = {"X-Amzn-Client-Token": "t-1"}

    created = lfv_raw(url, "POST", "/projects", body={"ProjectName": "p"}, headers=token)
    assert created.status == 200
    assert created.json()["ProjectMetadata"]["ProjectName"] == "p"
    dataset = lfv_raw(url, "POST", "/projects/p/datasets", body={"DatasetType": "train"}, headers=token)
    assert dataset.status == 202
    assert dataset.json()["DatasetMetadata"]["DatasetType"] == "train"
    changes = b64(lfv_line("s3://b/a.jpg", anomaly=False))
    updated = lfv_raw(url, "PATCH", "/projects/p/datasets/train/entries", body={"Changes": changes}, headers=token)
    assert updated.status == 202
    assert updated.json() == {"Status": "UPDATE_COMPLETE"}
    described = lfv_raw(url, "GET", "/projects/p")
    assert described.status == 200
    listed = lfv_raw(url, "GET", "/projects")
    assert listed.status == 200
    entries = lfv_raw(url, "GET", "/projects/p/datasets/train/entries")
    assert entries.status == 200
    assert entries.json()["DatasetEntries"] == [lfv_line("s3://b/a.jpg", anomaly=False)]
    deleted = lfv_raw(url, "DELETE", "/projects/p", headers=token)
    assert deleted.status == 200
    assert deleted.json() == {"ProjectArn": "arn:aws:lookoutvision:us-east-1:123456789012:project/p"}

    for reply in (created, dataset, updated, described, listed, entries, deleted):
        assert (reply.header("content-type") or "").startswith("application/json")
        assert reply.header("x-amzn-requestid")
        assert reply.header("x-amzn-errortype") is None


def test_lookoutvision_not_found_is_404_with_error_type_header(emu: Emulator) -> None:
    reply = lfv_raw(emu.url, "GET", "/projects/missing")

    message = assert_lfv_error(reply, "ResourceNotFoundException", 404)
    assert "missing" in message


def test_lookoutvision_conflict_is_409(emu: Emulator) -> None:
    assert lfv_raw(emu.url, "POST", "/projects", body={"ProjectName": "p"}).status == 200

    reply = lfv_raw(emu.url, "POST", "/projects", body={"ProjectName": "p"})

    assert_lfv_error(reply, "ConflictException", 409)


# -- Lookout for Vision: invalid requests --------------------------------------------------------------

LFV_INVALID: list[tuple[str, str, str, dict[str, Any] | bytes | None, dict[str, str], dict[str, str]]] = [
    # (id, method, path, body, query, headers)
    ("malformed-json", "POST", "/projects", b'{"ProjectName": ', {}, {}),
    ("body-not-an-object", "POST", "/projects", b'"p"', {}, {}),
    ("wrong-type-body", "POST", "/projects", {"ProjectName": 5}, {}, {}),
    ("missing-required", "POST", "/projects", {}, {}, {}),
    ("missing-dataset-type", "POST", "/projects/p/datasets", {}, {}, {}),
    ("too-long-project-name", "POST", "/projects", {"ProjectName": "p" * 256}, {}, {}),
    ("too-long-client-token", "POST", "/projects", {"ProjectName": "p"}, {}, {"X-Amzn-Client-Token": "t" * 65}),
    ("pattern-client-token", "POST", "/projects", {"ProjectName": "p"}, {}, {"X-Amzn-Client-Token": "not ok!"}),
    ("pattern-project-name", "POST", "/projects", {"ProjectName": "-leading-dash"}, {}, {}),
    ("pattern-dataset-type-in-uri", "GET", "/projects/p/datasets/training/entries", None, {}, {}),
    (
        "pattern-dataset-type-in-uri-patch",
        "PATCH",
        "/projects/p/datasets/training/entries",
        {"Changes": b64("{}")},
        {},
        {},
    ),
    ("pattern-dataset-type-in-body", "POST", "/projects/p/datasets", {"DatasetType": "training"}, {}, {}),
    ("list-projects-max-results-0", "GET", "/projects", None, {"maxResults": "0"}, {}),
    ("list-projects-max-results-101", "GET", "/projects", None, {"maxResults": "101"}, {}),
    ("list-entries-max-results-0", "GET", "/projects/p/datasets/train/entries", None, {"maxResults": "0"}, {}),
    ("list-entries-max-results-101", "GET", "/projects/p/datasets/train/entries", None, {"maxResults": "101"}, {}),
    ("max-results-not-an-integer", "GET", "/projects", None, {"maxResults": "ten"}, {}),
    ("labeled-not-a-boolean", "GET", "/projects/p/datasets/train/entries", None, {"labeled": "yes"}, {}),
    ("anomaly-class-pattern", "GET", "/projects/p/datasets/train/entries", None, {"anomalyClass": "weird"}, {}),
    ("created-before-not-a-date", "GET", "/projects/p/datasets/train/entries", None, {"createdBefore": "soon"}, {}),
    ("next-token-pattern", "GET", "/projects", None, {"nextToken": "not-a-token!"}, {}),
    ("changes-not-base64", "PATCH", "/projects/p/datasets/train/entries", {"Changes": "!!"}, {}, {}),
    ("changes-empty", "PATCH", "/projects/p/datasets/train/entries", {"Changes": ""}, {}, {}),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "query", "headers"), [r[1:] for r in LFV_INVALID], ids=[r[0] for r in LFV_INVALID]
)
def test_invalid_lookoutvision_request_is_validation_exception(
    emu: Emulator,
    *,
    method: str,
    path: str,
    body: dict[str, Any] | bytes | None,
    query: dict[str, str],
    headers: dict[str, str],
) -> None:
    # The project and its dataset exist: only the request's form is wrong.
    emu.state.lfv_create_project({"ProjectName": "p"})
    emu.state.lfv_create_dataset({"ProjectName": "p", "DatasetType": "train"})

    reply = lfv_raw(emu.url, method, path, body=body, query=query, headers=headers)

    assert_lfv_error(reply, "ValidationException", 400)
    assert emu.requests == {"lookoutvision:?": 1}
    assert list(emu.state.lfv_projects) == ["p"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/nothing/here"), ("PUT", "/projects"), ("POST", "/projects/p/datasets/train/entries")],
)
def test_unknown_lookoutvision_route_is_404(emu: Emulator, method: str, path: str) -> None:
    reply = lfv_raw(emu.url, method, path, body={})

    assert_lfv_error(reply, "ResourceNotFoundException", 404)
    assert emu.requests == {"lookoutvision:?": 1}


def test_valid_unemulated_lookoutvision_operation_is_not_implemented(emu: Emulator) -> None:
    reply = lfv_raw(emu.url, "GET", "/projects/p/models")

    message = assert_lfv_error(reply, "NotImplementedException", 501)
    assert "ListModels" in message
    assert emu.requests == {"lookoutvision:ListModels": 1}


def test_lookoutvision_querystring_filters_are_decoded(emu: Emulator) -> None:
    emu.state.lfv_create_project({"ProjectName": "p"})
    emu.state.lfv_create_dataset({"ProjectName": "p", "DatasetType": "train"})
    lines = [lfv_line("s3://b/n.jpg", anomaly=False), lfv_line("s3://b/a.jpg", anomaly=True), unlabeled("s3://b/u.jpg")]
    changes = "\n".join(lines).encode()
    emu.state.lfv_update_dataset_entries({"ProjectName": "p", "DatasetType": "train", "Changes": changes})

    def entries(**query: str) -> list[str]:
        reply = lfv_raw(emu.url, "GET", "/projects/p/datasets/train/entries", query=query)
        assert reply.status == 200, reply.body
        found: list[str] = reply.json()["DatasetEntries"]
        return found

    assert entries(labeled="true") == lines[:2]
    assert entries(labeled="false") == lines[2:]
    assert entries(anomalyClass="anomaly") == [lines[1]]
    assert entries(sourceRefContains="u.jpg") == [lines[2]]
    page = lfv_raw(emu.url, "GET", "/projects/p/datasets/train/entries", query={"maxResults": "2"}).json()
    assert page["DatasetEntries"] == lines[:2]
    rest = entries(maxResults="2", nextToken=page["NextToken"])
    assert rest == lines[2:]


# -- the same through aiobotocore, its parameter validation off ----------------------------------------

NO_VALIDATION = AioConfig(parameter_validation=False)


def client_error(exc: BaseException) -> tuple[str, int]:
    assert isinstance(exc, botocore.exceptions.ClientError)
    response: Any = exc.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("describe_projects", {"MaxResults": 0}),
        ("describe_projects", {"MaxResults": 101}),
        ("list_dataset_entries", {"DatasetArn": DATASET_ARN, "MaxResults": 101}),
        ("create_collection", {"CollectionId": "has space"}),
        ("create_project", {"ProjectName": "p" * 256}),
        ("describe_projects", {"Features": ["NOPE"]}),
    ],
)
async def test_aiobotocore_without_validation_gets_invalid_parameter(
    emu: Emulator, anyio_backend: str, method: str, params: dict[str, Any]
) -> None:
    async with rek_client(emu.url, config=NO_VALIDATION, session=shared_session(anyio_backend)) as rek:
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            await getattr(rek.aiobotocore_client, method)(**params)

    assert client_error(caught.value) == ("InvalidParameterException", 400)
    assert emu.requests == {"rekognition:?": 1}


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("list_dataset_entries", {"ProjectName": "p", "DatasetType": "training"}),
        ("list_dataset_entries", {"ProjectName": "p", "DatasetType": "train", "MaxResults": 101}),
        ("list_projects", {"MaxResults": 0}),
        ("create_project", {"ProjectName": "has space"}),
        ("create_dataset", {"ProjectName": "p", "DatasetType": "validation"}),
    ],
)
async def test_aiobotocore_without_validation_gets_validation_exception(
    emu: Emulator, anyio_backend: str, method: str, params: dict[str, Any]
) -> None:
    emu.state.lfv_create_project({"ProjectName": "p"})
    emu.state.lfv_create_dataset({"ProjectName": "p", "DatasetType": "train"})

    async with lfv_client(emu.url, config=NO_VALIDATION, session=shared_session(anyio_backend)) as lfv:
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            await getattr(lfv.aiobotocore_client, method)(**params)

    assert client_error(caught.value) == ("ValidationException", 400)
    assert emu.requests == {"lookoutvision:?": 1}
