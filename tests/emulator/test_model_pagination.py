"""DescribeProjectVersions: newest first, MaxResults as documented, VersionNames, the emulator's signed tokens."""

from __future__ import annotations

import pytest

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import Emulator, Timings
from aws_vision_async.rekognition import errors as rek_errors

from ._model_support import OUTPUT_WIRE, trainable_state
from ._support import assert_rek_error, rek_raw

pytestmark = pytest.mark.anyio


@pytest.fixture
def vision_emulator_timings() -> Timings:
    return Timings.instant()


def many_versions(emu: Emulator, count: int, project: str = "models") -> tuple[str, list[str]]:
    """A project with ``count`` trained versions v000..; its ARN and the names, oldest first."""
    arn = trainable_state(emu.state, project)
    names = [f"v{i:03d}" for i in range(count)]
    for name in names:
        emu.state.rek_create_project_version({"ProjectArn": arn, "VersionName": name, "OutputConfig": OUTPUT_WIRE})
    return arn, names


async def listed(rek: RekognitionClient, project_arn: str, **kwargs: object) -> list[str]:
    return [
        (v.project_version_arn or "").split("/")[3]
        async for v in rek.describe_project_versions(project_arn=project_arn, **kwargs)  # type: ignore[arg-type]
    ]


async def test_versions_are_listed_newest_first_100_a_page(rek: RekognitionClient, emu: Emulator) -> None:
    arn, names = many_versions(emu, 105)

    sizes = [
        len(p.project_version_descriptions or []) async for p in rek.describe_project_versions(project_arn=arn).pages()
    ]

    assert sizes == [100, 5]
    assert await listed(rek, arn) == names[::-1]


async def test_max_results_sets_the_page_size(rek: RekognitionClient, emu: Emulator) -> None:
    arn, names = many_versions(emu, 7)

    pages = [p async for p in rek.describe_project_versions(project_arn=arn, max_results=3).pages()]

    assert [len(p.project_version_descriptions or []) for p in pages] == [3, 3, 1]
    assert [p.next_token is None for p in pages] == [False, False, True]
    assert await listed(rek, arn, max_results=2) == names[::-1]


async def test_version_names_choose_versions(rek: RekognitionClient, emu: Emulator) -> None:
    arn, _ = many_versions(emu, 12)
    other, _ = many_versions(emu, 3, "other")

    assert await listed(rek, arn, version_names=["v001", "v010", "absent"]) == ["v010", "v001"]
    assert await listed(rek, arn, version_names=["absent"]) == []
    assert await listed(rek, other, version_names=["v001", "v010"]) == ["v001"]  # another project's versions
    chosen = [f"v{i:03d}" for i in range(10)]
    assert await listed(rek, arn, version_names=chosen, max_results=4) == chosen[::-1]


async def test_a_token_holds_its_filter(rek: RekognitionClient, emu: Emulator) -> None:
    arn, _ = many_versions(emu, 6)
    other, _ = many_versions(emu, 6, "other")
    first = await rek.describe_project_versions(project_arn=arn, version_names=["v000", "v001", "v002"], max_results=1)
    assert first.next_token is not None

    resumed = await rek.describe_project_versions(
        project_arn=arn, version_names=["v000", "v001", "v002"], max_results=2, next_token=first.next_token
    )

    assert [(v.project_version_arn or "").split("/")[3] for v in resumed.project_version_descriptions or []] == [
        "v001",
        "v000",
    ]
    for kwargs in ({"project_arn": arn}, {"project_arn": other, "version_names": ["v000", "v001", "v002"]}):
        with pytest.raises(rek_errors.InvalidPaginationTokenException):
            await rek.describe_project_versions(**kwargs, next_token=first.next_token)  # type: ignore[arg-type]
    with pytest.raises(rek_errors.InvalidPaginationTokenException):
        await rek.describe_project_versions(project_arn=arn, next_token=first.next_token[:-2] + "AA")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"MaxResults": 0}, "MaxResults"),
        ({"MaxResults": 101}, "101"),
        ({"VersionNames": []}, "VersionNames"),
        ({"VersionNames": [f"v{i}" for i in range(11)]}, "VersionNames"),
    ],
    ids=["max-results-0", "max-results-101", "no-version-names", "11-version-names"],
)
def test_out_of_range_requests_are_invalid_parameters(emu: Emulator, body: dict[str, object], fragment: str) -> None:
    arn, _ = many_versions(emu, 1)

    reply = rek_raw(emu.url, "DescribeProjectVersions", {"ProjectArn": arn, **body})

    assert fragment in assert_rek_error(reply, "InvalidParameterException", 400)
