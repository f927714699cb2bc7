"""IDE completion in the documented idioms, as jedi (IPython, Jupyter, several editors) computes it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

jedi = pytest.importorskip("jedi")

REPO = Path(__file__).resolve().parents[2]


def complete(source: str) -> set[str]:
    """The names jedi offers at the end of ``source``."""
    source = source.strip("\n")
    lines = source.splitlines()
    project = jedi.Project(REPO, environment_path=sys.prefix)
    script = jedi.Script(source, path=REPO / "user_code.py", project=project)
    return {c.name for c in script.complete(len(lines), len(lines[-1]))}


REK_METHODS = {"describe_projects", "list_dataset_entries", "create_project", "detect_custom_labels", "close"}


@pytest.mark.parametrize(
    "source",
    [
        """
from aws_vision_async import RekognitionClient
async def main() -> None:
    async with RekognitionClient(region_name="us-east-1") as rek:
        rek.""",
        """
from aws_vision_async import RekognitionClient
async def main() -> None:
    rek = RekognitionClient()
    rek.""",
    ],
    ids=["async-with", "assigned"],
)
def test_client_methods(source: str) -> None:
    names = complete(source)
    assert names >= REK_METHODS, sorted(REK_METHODS - names)


def test_lookoutvision_client_methods_in_async_with() -> None:
    names = complete("""
from aws_vision_async import LookoutVisionClient
async def main() -> None:
    async with LookoutVisionClient() as lfv:
        lfv.""")
    assert names >= {"create_project", "list_projects", "describe_model"}


def test_fields_of_items_from_async_for() -> None:
    names = complete("""
from aws_vision_async import RekognitionClient
async def main() -> None:
    async with RekognitionClient() as rek:
        async for project in rek.describe_projects(features=["CUSTOM_LABELS"]):
            project.""")
    assert names >= {"project_arn", "status", "creation_timestamp", "datasets"}


def test_fields_of_a_page_and_of_a_reply() -> None:
    page = complete("""
from aws_vision_async import RekognitionClient
async def main() -> None:
    async with RekognitionClient() as rek:
        page = await rek.describe_projects()
        page.""")
    assert page >= {"project_descriptions", "next_token"}
    reply = complete("""
from aws_vision_async import RekognitionClient
async def main() -> None:
    async with RekognitionClient() as rek:
        reply = await rek.describe_collection(collection_id="c")
        reply.""")
    assert reply >= {"face_count", "collection_arn", "face_model_version"}
