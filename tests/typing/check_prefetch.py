"""Type-check usage of prefetching pagination (checked, never run)."""

from __future__ import annotations

from typing_extensions import assert_type

from aws_vision_async import AsyncPaginator, Prefetch, RekognitionClient
from aws_vision_async.rekognition.models import (
    DescribeProjectsResponse,
    ListDatasetEntriesResponse,
    ProjectDescription,
)


async def usage(rek: RekognitionClient, dataset_arn: str) -> None:
    paginator = rek.describe_projects(max_results=100)
    assert_type(paginator, AsyncPaginator[ProjectDescription, DescribeProjectsResponse])

    prefetch = paginator.prefetch(pages=2)
    assert_type(prefetch, Prefetch[ProjectDescription])
    async with prefetch as projects:
        assert_type(projects, Prefetch[ProjectDescription])
        async for project in projects:
            assert_type(project, ProjectDescription)
            assert_type(project.project_arn, str | None)

    async with rek.describe_projects().prefetch_pages(pages=3) as pages:
        async for page in pages:
            assert_type(page, DescribeProjectsResponse)
            assert_type(page.next_token, str | None)

    async with rek.list_dataset_entries(dataset_arn=dataset_arn).prefetch() as lines:
        async for line in lines:
            assert_type(line, str)

    async with rek.list_dataset_entries(dataset_arn=dataset_arn).prefetch_pages() as entry_pages:
        async for entry_page in entry_pages:
            assert_type(entry_page, ListDatasetEntriesResponse)
