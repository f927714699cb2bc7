# pyright: strict, reportUnnecessaryTypeIgnoreComment=true
"""Static checks of the public API's types: run by mypy and pyright, never by pytest.

Each ``assert_type`` pins what a type checker infers for a user's code. Each
``# type: ignore[...]`` marks a line that MUST be an error: mypy (``--strict``,
so ``warn_unused_ignores``) and pyright (``reportUnnecessaryTypeIgnoreComment``)
both fail if it stops being one.

    uv run mypy --strict tests/typing/check_usage.py
    uv run pyright tests/typing/check_usage.py
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from datetime import datetime
from types import MappingProxyType

from typing_extensions import assert_type

from aws_vision_async import (
    AsyncPaginator,
    AwsVisionError,
    ConnectError,
    LookoutVisionClient,
    NetworkError,
    RekognitionClient,
    RetryPolicy,
    ServiceError,
    ThrottlingError,
    set_testing,
)
from aws_vision_async.lookoutvision import errors as lfv_errors
from aws_vision_async.lookoutvision import models as lfv_models
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition import models as rek_models


def retry_policy() -> None:
    policy = RetryPolicy(max_attempts=5, initial_backoff=0.5, max_backoff=10.0, use_budget=False)
    assert_type(policy.max_attempts, int)
    assert_type(policy.initial_backoff, float)
    assert_type(policy.use_budget, bool)
    assert_type(policy.backoff(1), float)
    assert_type(policy.backoff(2, retry_after=3.0), float)
    assert_type(set_testing(True), None)
    RetryPolicy(5)  # type: ignore[call-arg]  # keyword-only
    policy.max_attempts = 2  # type: ignore[misc]  # frozen


async def rekognition() -> None:
    async with RekognitionClient(region_name="us-east-1", retry_policy=RetryPolicy(max_attempts=2)) as rek:
        assert_type(rek, RekognitionClient)
        assert_type(rek.retry_policy, RetryPolicy)

        # A plain operation: a coroutine of its response model.
        collection = await rek.describe_collection(collection_id="c")
        assert_type(collection, rek_models.DescribeCollectionResponse)
        assert_type(collection.face_count, int | None)
        assert_type(collection.creation_timestamp, datetime | None)

        created = await rek.create_collection(collection_id="c", tags={"team": "vision"})
        assert_type(created, rek_models.CreateCollectionResponse)
        assert_type(await rek.create_user(collection_id="c", user_id="u"), rek_models.CreateUserResponse)

        # A paginated operation: a paginator, not a coroutine.
        pager = rek.list_collections(max_results=10)
        assert_type(pager, AsyncPaginator[rek_models.CollectionSummary, rek_models.ListCollectionsResponse])
        page = await pager
        assert_type(page, rek_models.ListCollectionsResponse)
        assert_type(page.next_token, str | None)
        async for summary in pager:
            assert_type(summary, rek_models.CollectionSummary)
            assert_type(summary.collection_id, str | None)
        async for each_page in pager.pages():
            assert_type(each_page, rek_models.ListCollectionsResponse)

        projects = rek.describe_projects(features=["CUSTOM_LABELS", "CONTENT_MODERATION"])
        assert_type(projects, AsyncPaginator[rek_models.ProjectDescription, rek_models.DescribeProjectsResponse])
        async for project in projects:
            assert_type(project, rek_models.ProjectDescription)
            assert_type(project.project_arn, str | None)

        versions = rek.describe_project_versions(project_arn="arn")
        async for version in versions:
            assert_type(version, rek_models.ProjectVersionDescription)
            if version.manifest_summary is not None and version.manifest_summary.s3_object is not None:
                assert_type(version.manifest_summary.s3_object, rek_models.S3Object)
                assert_type(version.manifest_summary.s3_object.bucket, str | None)

        # Literal parameters: the documented values pass, others are errors.
        await rek.create_project(project_name="p", feature="CUSTOM_LABELS", auto_update="ENABLED")
        await rek.create_project(project_name="p", feature="NOT_A_FEATURE")  # type: ignore[arg-type]
        rek.describe_projects(features=["NOT_A_FEATURE"])  # type: ignore[list-item]

        # Models built by callers.
        image = rek_models.Image(s3_object=rek_models.S3Object(bucket="b", name="k"))
        labels = await rek.detect_labels(image=image, features=["GENERAL_LABELS"], max_labels=5)
        assert_type(labels, rek_models.DetectLabelsResponse)
        await rek.detect_labels(image="not an image")  # type: ignore[arg-type]

        # List parameters take any Sequence, maps any Mapping; replies hold lists and dicts.
        rek.describe_projects(features=("CUSTOM_LABELS", "CONTENT_MODERATION"))
        names: tuple[str, ...] = ("v1", "v2")
        rek.describe_project_versions(project_arn="arn", version_names=names)
        await rek.untag_resource(resource_arn="arn", tag_keys=deque(["team"]))
        await rek.tag_resource(resource_arn="arn", tags=MappingProxyType({"team": "vision"}))
        region = rek_models.RegionOfInterest(polygon=(rek_models.Point(x=0.1, y=0.2),))
        await rek.detect_text(image=image, filters=rek_models.DetectTextFilters(regions_of_interest=(region,)))
        rek_models.DescribeProjectsRequest(features=("CUSTOM_LABELS",))
        assert_type(rek_models.UntagResourceRequest(resource_arn="a", tag_keys=("k",)).tag_keys, Sequence[str])
        assert_type(page.collection_ids, list[str] | None)
        tags = await rek.list_tags_for_resource(resource_arn="arn")
        assert_type(tags.tags, dict[str, str] | None)
        rek.describe_projects(features=("NOT_A_FEATURE",))  # type: ignore[arg-type]
        await rek.untag_resource(resource_arn="arn", tag_keys={"team"})  # type: ignore[arg-type]

        # Keyword-only methods; unknown parameters are errors.
        await rek.describe_collection("c")  # type: ignore[call-arg]
        await rek.describe_collection(collection_id="c", bogus=1)  # type: ignore[call-arg]


async def lookoutvision() -> None:
    async with LookoutVisionClient(region_name="us-east-1") as lfv:
        assert_type(lfv, LookoutVisionClient)
        created = await lfv.create_project(project_name="p", client_token="token-1")
        assert_type(created, lfv_models.CreateProjectResponse)
        projects = lfv.list_projects(max_results=5)
        assert_type(projects, AsyncPaginator[lfv_models.ProjectMetadata, lfv_models.ListProjectsResponse])
        async for project in projects:
            assert_type(project, lfv_models.ProjectMetadata)
        await lfv.tag_resource(resource_arn="arn", tags=(lfv_models.Tag(key="team", value="vision"),))
        platform = lfv_models.TargetPlatform(os="LINUX", arch="ARM64")
        assert_type(platform.arch, lfv_models.TargetPlatformArch)
        lfv_models.TargetPlatform(os="LINUX", arch="MIPS")  # type: ignore[arg-type]


async def errors(rek: RekognitionClient) -> None:
    try:
        await rek.describe_collection(collection_id="c")
    except rek_errors.ThrottlingException as exc:
        assert_type(exc, rek_errors.ThrottlingException)
        assert_type(exc.code, str)
        assert_type(exc.message, str)
        assert_type(exc.status_code, int)
        assert_type(exc.request_id, str | None)
        assert_type(exc.operation_name, str)
        assert_type(exc.retry_after, float | None)
        assert_type(exc.retryable, bool)
    except ThrottlingError as exc:
        assert_type(exc.retry_after, float | None)
    except rek_errors.RekognitionError as exc:
        assert_type(exc, rek_errors.RekognitionError)
    except ServiceError as exc:
        assert_type(exc.status_code, int)
    except ConnectError as exc:
        assert_type(exc.may_have_reached_server, bool)
        assert_type(exc.operation_name, str)
    except NetworkError as exc:
        assert_type(exc.may_have_reached_server, bool)
    except AwsVisionError as exc:
        assert_type(exc, AwsVisionError)
    err: ServiceError = lfv_errors.InternalServerException("x", code="InternalServerException", status_code=500)
    assert_type(err.request_id, str | None)
    ServiceError("x", "SomeCode")  # type: ignore[call-arg]  # all but the message are keyword-only
