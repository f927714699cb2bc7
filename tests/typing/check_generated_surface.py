# pyright: strict, reportUnnecessaryTypeIgnoreComment=true
"""Static checks of the generated surface left by the generator's cleanup: run by mypy and pyright, never by pytest."""

from __future__ import annotations

from typing_extensions import assert_type

from aws_vision_async import RekognitionClient
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition import models as rek_models


async def waiters_take_only_selecting_parameters(rek: RekognitionClient) -> None:
    done = await rek.wait_until_project_created(project_names=["p"], max_wait=60)
    assert_type(done, rek_models.DescribeProjectsResponse)
    # Paging is the waiter's own business.
    await rek.wait_until_project_created(max_results=5)  # type: ignore[call-arg]
    await rek.wait_until_project_version_running(project_arn="a", next_token="t")  # type: ignore[call-arg]


def error_names_are_exceptions_only() -> None:
    # The exception class is the only public thing of an error's name (no model shadows
    # it: models.py's lazy __getattr__ hides that from checkers, so tests/generated checks it).
    assert_type(rek_errors.ThrottlingException("slow"), rek_errors.ThrottlingException)
