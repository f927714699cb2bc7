"""The Lookout for Vision client: deprecation, the restJson1 operations besides CreateProject, the packaged model."""

from __future__ import annotations

import inspect
import json
import re
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import botocore.loaders
import pytest

from aws_vision_async import AsyncPaginator, LookoutVisionClient, PaginationError, RekognitionClient
from aws_vision_async.lookoutvision import _operations
from aws_vision_async.lookoutvision import errors as lfv_errors
from aws_vision_async.lookoutvision.models import (
    CreateDatasetResponse,
    DatasetGroundTruthManifest,
    DatasetSource,
    DeleteProjectResponse,
    DescribeProjectResponse,
    InputS3Object,
    ListProjectsResponse,
    ProjectMetadata,
)

from ..conftest import client_kwargs
from ..fakeaws import LFV_MODEL, FakeAws, Recorded, Reply, drop, lfv_error, ok

pytestmark = pytest.mark.anyio

TOKEN_HEADER = "X-Amzn-Client-Token"
TOKEN_RE = re.compile(r"[a-zA-Z0-9-]{1,64}")
ARN = "arn:aws:lookoutvision:us-east-1:123456789012:project/{}"
UTC = timezone.utc


def header(rec: Recorded, name: str) -> str | None:
    matches = [v for k, v in rec.headers.items() if k.lower() == name.lower()]
    assert len(matches) <= 1
    return matches[0] if matches else None


def project(name: str, ts: float = 1_700_000_000) -> dict[str, Any]:
    return {"ProjectArn": ARN.format(name), "ProjectName": name, "CreationTimestamp": ts}


# -- the DeprecationWarning -----------------------------------------------------------------------


def test_lookoutvision_client_warns_once_about_end_of_support(fake_aws: FakeAws) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LookoutVisionClient(**client_kwargs(fake_aws))

    deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert len(deprecations) == 1, [str(w.message) for w in caught]
    text = str(deprecations[0].message)
    assert "end of support" in text.lower()
    assert "2025-10-31" in text
    # Attributed to the line that built the client, not to the SDK's internals.
    assert deprecations[0].filename == __file__


def test_every_new_lookoutvision_client_warns(fake_aws: FakeAws) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LookoutVisionClient(**client_kwargs(fake_aws))
        LookoutVisionClient()

    assert [w.category for w in caught] == [DeprecationWarning, DeprecationWarning]


def test_deprecation_is_an_error_under_strict_filters(fake_aws: FakeAws) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        with pytest.raises(DeprecationWarning, match="2025-10-31"):
            LookoutVisionClient(**client_kwargs(fake_aws))


def test_rekognition_client_does_not_warn(fake_aws: FakeAws) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        RekognitionClient(**client_kwargs(fake_aws))
        RekognitionClient()

    assert caught == [], [str(w.message) for w in caught]


async def test_opening_and_using_the_client_warns_no_more(fake_aws: FakeAws) -> None:
    fake_aws.on("DescribeProject", ok({"ProjectDescription": project("w")}))
    with pytest.warns(DeprecationWarning, match="end of support"):
        client = LookoutVisionClient(**client_kwargs(fake_aws))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with client:
            await client.describe_project(project_name="w")
    assert [w for w in caught if issubclass(w.category, DeprecationWarning)] == []


# -- DescribeProject ------------------------------------------------------------------------------


async def test_describe_project_on_the_wire(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        "DescribeProject",
        ok(
            {
                "ProjectDescription": {
                    **project("my-proj_1", 1_700_000_000.25),
                    "Datasets": [
                        {"DatasetType": "train", "CreationTimestamp": 1_600_000_000, "Status": "CREATE_COMPLETE"},
                        {"DatasetType": "test", "CreationTimestamp": 1_600_000_001, "Status": "CREATE_FAILED"},
                    ],
                }
            }
        ),
    )

    result = await lfv.describe_project(project_name="my-proj_1")

    [rec] = fake_aws.requests
    assert rec.operation == "DescribeProject"
    assert rec.method == "GET"
    assert rec.path == "/2020-11-20/projects/my-proj_1"
    assert rec.query == {}
    assert rec.body == b""
    assert header(rec, TOKEN_HEADER) is None

    assert isinstance(result, DescribeProjectResponse)
    desc = result.project_description
    assert desc is not None
    assert desc.project_name == "my-proj_1"
    assert desc.project_arn == ARN.format("my-proj_1")
    assert desc.creation_timestamp == datetime(2023, 11, 14, 22, 13, 20, 250000, tzinfo=UTC)
    assert desc.datasets is not None
    assert [(d.dataset_type, d.status) for d in desc.datasets] == [
        ("train", "CREATE_COMPLETE"),
        ("test", "CREATE_FAILED"),
    ]
    assert desc.datasets[0].creation_timestamp == datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)
    for ts in (desc.creation_timestamp, desc.datasets[0].creation_timestamp, desc.datasets[1].creation_timestamp):
        assert ts is not None
        assert ts.utcoffset() == timedelta(0)


async def test_describe_project_keeps_unknown_enum_values_and_fields(
    lfv: LookoutVisionClient, fake_aws: FakeAws
) -> None:
    fake_aws.on(
        "DescribeProject",
        ok(
            {
                "ProjectDescription": {
                    **project("w"),
                    "Colour": "blue",
                    "Datasets": [{"DatasetType": "validation", "Status": "ARCHIVED_BY_2030_FEATURE", "Shiny": True}],
                },
                "TopLevelNew": {"a": 1},
            }
        ),
    )

    result = await lfv.describe_project(project_name="w")

    desc = result.project_description
    assert desc is not None
    assert desc.model_extra == {"Colour": "blue"}
    assert desc.datasets is not None
    [ds] = desc.datasets
    assert ds.status == "ARCHIVED_BY_2030_FEATURE"
    assert ds.dataset_type == "validation"
    assert ds.model_extra == {"Shiny": True}
    assert result.model_extra == {"TopLevelNew": {"a": 1}}


async def test_describe_project_validates_the_name(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    for bad in ("has space", "-x", "a/b", "../projects", ""):
        with pytest.raises(ValueError, match=r"(?i)project_?name"):
            await lfv.describe_project(project_name=bad)
    assert fake_aws.requests == []


async def test_describe_project_not_found(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on("DescribeProject", lfv_error("ResourceNotFoundException", 404, "no project w"))

    with pytest.raises(lfv_errors.ResourceNotFoundException) as info:
        await lfv.describe_project(project_name="w")

    assert info.value.operation_name == "DescribeProject"
    assert info.value.status_code == 404
    assert info.value.message == "no project w"
    assert len(fake_aws.requests) == 1


async def test_describe_project_retried_after_a_dropped_connection(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on("DescribeProject", drop(), lfv_error("InternalServerException", 500), ok({"ProjectDescription": {}}))

    result = await lfv.describe_project(project_name="w")

    assert result.project_description is not None
    assert len(fake_aws.calls("DescribeProject")) == 3


# -- ListProjects pagination ----------------------------------------------------------------------


def script_two_project_pages(fake_aws: FakeAws) -> None:
    fake_aws.on(
        "ListProjects",
        ok({"Projects": [project("p1", 1_600_000_000), project("p2")], "NextToken": "tok2"}),
        ok({"Projects": [project("p3")], "NextToken": "tok3"}),
        ok({"Projects": [project("p4")]}),
    )


async def test_list_projects_async_for_follows_tokens(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    script_two_project_pages(fake_aws)

    items = [p async for p in lfv.list_projects(max_results=2)]

    assert all(isinstance(p, ProjectMetadata) for p in items)
    assert [p.project_name for p in items] == ["p1", "p2", "p3", "p4"]
    assert items[0].creation_timestamp == datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)
    assert all(p.creation_timestamp is not None and p.creation_timestamp.utcoffset() == timedelta(0) for p in items)
    calls = fake_aws.calls("ListProjects")
    assert [(r.method, r.path) for r in calls] == [("GET", "/2020-11-20/projects")] * 3
    assert [r.query for r in calls] == [
        {"maxResults": "2"},
        {"maxResults": "2", "nextToken": "tok2"},
        {"maxResults": "2", "nextToken": "tok3"},
    ]
    assert all(r.body == b"" for r in calls)


async def test_list_projects_await_is_one_page(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    script_two_project_pages(fake_aws)

    paginator = lfv.list_projects(max_results=2)
    assert isinstance(paginator, AsyncPaginator)
    assert not inspect.iscoroutine(paginator)
    assert fake_aws.requests == []  # nothing is sent before await / async for

    page = await paginator

    assert isinstance(page, ListProjectsResponse)
    assert page.next_token == "tok2"
    assert page.projects is not None
    assert [p.project_name for p in page.projects] == ["p1", "p2"]
    assert len(fake_aws.requests) == 1
    assert fake_aws.requests[0].query == {"maxResults": "2"}


async def test_list_projects_pages(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    script_two_project_pages(fake_aws)

    pages = [page async for page in lfv.list_projects().pages()]

    assert [p.next_token for p in pages] == ["tok2", "tok3", None]
    assert [len(p.projects or []) for p in pages] == [2, 1, 1]
    assert fake_aws.calls("ListProjects")[0].query == {}


async def test_list_projects_starting_token(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on("ListProjects", ok({"Projects": [project("p9")]}))

    items = [p async for p in lfv.list_projects(next_token="abc+/=")]

    assert [p.project_name for p in items] == ["p9"]
    [rec] = fake_aws.requests
    assert rec.query == {"nextToken": "abc+/="}


async def test_list_projects_page_retried_in_place(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        "ListProjects",
        ok({"Projects": [project("p1")], "NextToken": "tok2"}),
        lfv_error("ThrottlingException", 429),
        drop(),
        ok({"Projects": [project("p2")]}),
    )

    items = [p.project_name async for p in lfv.list_projects()]

    assert items == ["p1", "p2"]
    assert [r.query for r in fake_aws.calls("ListProjects")] == [
        {},
        {"nextToken": "tok2"},
        {"nextToken": "tok2"},
        {"nextToken": "tok2"},
    ]


async def test_list_projects_repeated_token_stops(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.always("ListProjects", ok({"Projects": [project("p1")], "NextToken": "same"}))

    with pytest.raises(PaginationError):
        async for _ in lfv.list_projects():
            pass

    assert len(fake_aws.calls("ListProjects")) == 2


async def test_list_projects_empty_reply(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on("ListProjects", ok({}))

    assert [p async for p in lfv.list_projects()] == []
    assert len(fake_aws.requests) == 1


@pytest.mark.parametrize("max_results", [0, 101, -1])
async def test_list_projects_max_results_range(lfv: LookoutVisionClient, fake_aws: FakeAws, max_results: int) -> None:
    with pytest.raises(ValueError, match=r"(?i)max_?results"):
        lfv.list_projects(max_results=max_results)
    assert fake_aws.requests == []


# -- ListDatasetEntries ---------------------------------------------------------------------------


async def test_list_dataset_entries_query_on_the_wire(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        "ListDatasetEntries",
        ok({"DatasetEntries": ['{"source-ref": "s3://b/1.jpg"}', '{"source-ref": "s3://b/2.jpg"}'], "NextToken": "n2"}),
        ok({"DatasetEntries": ['{"source-ref": "s3://b/3.jpg"}']}),
    )

    entries = [
        e
        async for e in lfv.list_dataset_entries(
            project_name="widgets",
            dataset_type="train",
            labeled=False,
            anomaly_class="normal",
            before_creation_date=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
            after_creation_date=datetime(2023, 6, 7, 8, 9, 10, tzinfo=UTC),
            max_results=2,
            source_ref_contains="s3://b/",
        )
    ]

    assert [json.loads(e)["source-ref"] for e in entries] == ["s3://b/1.jpg", "s3://b/2.jpg", "s3://b/3.jpg"]
    first, second = fake_aws.calls("ListDatasetEntries")
    assert first.method == "GET"
    assert first.path == "/2020-11-20/projects/widgets/datasets/train/entries"
    expected = {
        "labeled": "false",
        "anomalyClass": "normal",
        "createdBefore": "2024-01-02T03:04:05Z",
        "createdAfter": "2023-06-07T08:09:10Z",
        "maxResults": "2",
        "sourceRefContains": "s3://b/",
    }
    assert first.query == expected
    assert second.query == {**expected, "nextToken": "n2"}
    assert second.path == first.path


async def test_list_dataset_entries_labeled_true_and_omitted(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.always("ListDatasetEntries", ok({"DatasetEntries": []}))

    await lfv.list_dataset_entries(project_name="w", dataset_type="test", labeled=True)
    await lfv.list_dataset_entries(project_name="w", dataset_type="test")

    with_true, omitted = fake_aws.calls("ListDatasetEntries")
    assert with_true.query == {"labeled": "true"}
    assert with_true.path == "/2020-11-20/projects/w/datasets/test/entries"
    assert omitted.query == {}


async def test_list_dataset_entries_non_utc_datetime_is_converted(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on("ListDatasetEntries", ok({"DatasetEntries": []}))
    paris_summer = timezone(timedelta(hours=2))

    await lfv.list_dataset_entries(
        project_name="w", dataset_type="train", before_creation_date=datetime(2024, 1, 2, 3, 4, 5, tzinfo=paris_summer)
    )

    assert fake_aws.requests[0].query == {"createdBefore": "2024-01-02T01:04:05Z"}


@pytest.mark.parametrize("dataset_type", ["train", "test"])
async def test_dataset_type_accepts_train_and_test(
    lfv: LookoutVisionClient, fake_aws: FakeAws, dataset_type: str
) -> None:
    fake_aws.on("ListDatasetEntries", ok({"DatasetEntries": ["{}"]}))

    page = await lfv.list_dataset_entries(project_name="w", dataset_type=dataset_type)

    assert page.dataset_entries == ["{}"]
    assert fake_aws.requests[0].path == f"/2020-11-20/projects/w/datasets/{dataset_type}/entries"


@pytest.mark.parametrize(
    "dataset_type", ["training", "train\n", "xtest", "testx", "Train", "TEST", "", " test", "train|test", "tes"]
)
async def test_dataset_type_rejects_everything_else(
    lfv: LookoutVisionClient, fake_aws: FakeAws, dataset_type: str
) -> None:
    fake_aws.always("ListDatasetEntries", ok({"DatasetEntries": []}))
    fake_aws.always("CreateDataset", Reply(202, {}))

    with pytest.raises(ValueError, match=r"(?i)dataset_?type"):
        lfv.list_dataset_entries(project_name="w", dataset_type=dataset_type)
    with pytest.raises(ValueError, match=r"(?i)dataset_?type"):
        await lfv.create_dataset(project_name="w", dataset_type=dataset_type)

    assert fake_aws.requests == []


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("anomaly_class", {"anomaly_class": "weird"}),
        ("anomaly_class", {"anomaly_class": "normal\n"}),
        ("labeled", {"labeled": "false"}),
        ("before_creation_date", {"before_creation_date": "2024-01-02"}),
    ],
)
async def test_list_dataset_entries_rejects_bad_filters(
    lfv: LookoutVisionClient, fake_aws: FakeAws, field: str, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(ValueError, match=field):
        lfv.list_dataset_entries(project_name="w", dataset_type="train", **kwargs)
    assert fake_aws.requests == []


# -- DeleteProject --------------------------------------------------------------------------------


async def test_delete_project_on_the_wire(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        "DeleteProject",
        lfv_error("InternalServerException", 500),
        ok({"ProjectArn": ARN.format("widgets")}),
    )

    result = await lfv.delete_project(project_name="widgets")

    assert isinstance(result, DeleteProjectResponse)
    assert result.project_arn == ARN.format("widgets")
    calls = fake_aws.calls("DeleteProject")
    assert len(calls) == 2
    for rec in calls:
        assert rec.method == "DELETE"
        assert rec.path == "/2020-11-20/projects/widgets"
        assert rec.query == {}
        assert rec.json == {}
    tokens = {header(r, TOKEN_HEADER) for r in calls}
    assert len(tokens) == 1
    token = tokens.pop()
    assert token is not None
    assert TOKEN_RE.fullmatch(token)


async def test_delete_project_caller_token(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on("DeleteProject", ok({"ProjectArn": ARN.format("w")}))

    await lfv.delete_project(project_name="w", client_token="delete-w-1")

    assert header(fake_aws.requests[0], TOKEN_HEADER) == "delete-w-1"


async def test_delete_project_invalid_token(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    with pytest.raises(ValueError, match=r"(?i)client_?token"):
        await lfv.delete_project(project_name="w", client_token="x\r\nEvil: 1")
    assert fake_aws.requests == []


async def test_delete_project_conflict(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on("DeleteProject", lfv_error("ConflictException", 409, "has models"))

    with pytest.raises(lfv_errors.ConflictException) as info:
        await lfv.delete_project(project_name="w")

    assert info.value.operation_name == "DeleteProject"
    assert len(fake_aws.requests) == 1


# -- CreateDataset --------------------------------------------------------------------------------


def manifest_source() -> DatasetSource:
    return DatasetSource(
        ground_truth_manifest=DatasetGroundTruthManifest(
            s3_object=InputS3Object(bucket="my-bucket", key="manifests/train.manifest", version_id="v1")
        )
    )


async def test_create_dataset_nested_body(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        "CreateDataset",
        lfv_error("ThrottlingException", 429),
        Reply(
            202,
            {
                "DatasetMetadata": {
                    "DatasetType": "train",
                    "CreationTimestamp": 1_700_000_000,
                    "Status": "CREATE_IN_PROGRESS",
                    "StatusMessage": "creating",
                }
            },
        ),
    )

    result = await lfv.create_dataset(project_name="widgets", dataset_type="train", dataset_source=manifest_source())

    assert isinstance(result, CreateDatasetResponse)
    meta = result.dataset_metadata
    assert meta is not None
    assert meta.dataset_type == "train"
    assert meta.status == "CREATE_IN_PROGRESS"
    assert meta.status_message == "creating"
    assert meta.creation_timestamp == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)

    calls = fake_aws.calls("CreateDataset")
    assert len(calls) == 2
    for rec in calls:
        assert rec.method == "POST"
        assert rec.path == "/2020-11-20/projects/widgets/datasets"
        assert rec.json == {
            "DatasetType": "train",
            "DatasetSource": {
                "GroundTruthManifest": {
                    "S3Object": {"Bucket": "my-bucket", "Key": "manifests/train.manifest", "VersionId": "v1"}
                }
            },
        }
    tokens = {header(r, TOKEN_HEADER) for r in calls}
    assert len(tokens) == 1
    assert None not in tokens


async def test_create_dataset_without_source(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on("CreateDataset", Reply(202, {"DatasetMetadata": {"DatasetType": "test"}}))

    await lfv.create_dataset(project_name="w", dataset_type="test", client_token="ds-1")

    [rec] = fake_aws.requests
    assert rec.json == {"DatasetType": "test"}
    assert header(rec, TOKEN_HEADER) == "ds-1"


def test_dataset_source_accepts_wire_names_and_rejects_unknown_fields() -> None:
    by_alias = DatasetSource.model_validate({"GroundTruthManifest": {"S3Object": {"Bucket": "my-bucket", "Key": "k"}}})
    assert by_alias.ground_truth_manifest is not None
    assert by_alias.ground_truth_manifest.s3_object == InputS3Object(bucket="my-bucket", key="k")
    with pytest.raises(ValueError, match="Extra"):
        DatasetSource.model_validate({"GroundTruthManifest": {"S3Object": {"Bucket": "bkt", "Key": "k", "Oops": 1}}})
    with pytest.raises(ValueError, match=r"(?i)bucket"):
        InputS3Object(bucket="no", key="k")  # bucket names are 3-63 characters


# -- the packaged service model -------------------------------------------------------------------


def test_packaged_model_is_shipped() -> None:
    data_path = _operations.SERVICE.data_path
    assert data_path is not None
    root = Path(data_path)
    assert root.is_dir()
    model_file = root / "lookoutvision" / "2020-11-20" / "service-2.json"
    assert model_file.is_file()
    assert model_file.resolve() == LFV_MODEL.resolve()
    assert (root / "lookoutvision" / "2020-11-20" / "paginators-1.json").is_file()
    model = json.loads(model_file.read_text())
    assert model["metadata"]["protocol"] == "rest-json"
    assert model["operations"]["CreateProject"]["http"] == {"method": "POST", "requestUri": "/2020-11-20/projects"}


async def test_client_works_though_botocore_lacks_the_model(fake_aws: FakeAws) -> None:
    assert "lookoutvision" not in botocore.loaders.Loader().list_available_services("service-2")
    assert "rekognition" in botocore.loaders.Loader().list_available_services("service-2")
    fake_aws.on("ListProjects", ok({"Projects": [project("fresh")]}))

    with pytest.warns(DeprecationWarning, match="end of support"):
        client = LookoutVisionClient(**client_kwargs(fake_aws))
    async with client:
        model = client.aiobotocore_client.meta.service_model
        assert model.service_name == "lookoutvision"
        assert model.api_version == "2020-11-20"
        names = [p.project_name async for p in client.list_projects()]

    assert names == ["fresh"]
    assert fake_aws.requests[0].path == "/2020-11-20/projects"


async def test_client_works_with_a_session_the_caller_made(fake_aws: FakeAws) -> None:
    from aiobotocore.session import AioSession

    fake_aws.on("DescribeProject", ok({"ProjectDescription": project("s")}))
    with pytest.warns(DeprecationWarning, match="end of support"):
        client = LookoutVisionClient(**client_kwargs(fake_aws, session=AioSession()))
    async with client:
        result = await client.describe_project(project_name="s")

    assert result.project_description is not None
    assert result.project_description.project_name == "s"
