"""Pagination: MaxResults and its default, opaque tokens bound to operation and filters, whole iteration."""

from __future__ import annotations

import re
from collections.abc import Awaitable

import pytest

from aws_vision_async import LookoutVisionClient, PaginationError, RekognitionClient
from aws_vision_async.emulator import MAX_RESULTS, Emulator, SampleData
from aws_vision_async.lookoutvision import errors as lfv_errors
from aws_vision_async.rekognition import errors as rek_errors

from ._support import classification, jsonl, name_of

pytestmark = pytest.mark.anyio

TOKEN_CHARS = re.compile(r"[A-Za-z0-9+/=]+")


def many_projects(emu: Emulator, count: int) -> list[str]:
    names = [f"project-{i:03d}" for i in range(count)]
    for name in names:
        emu.state.rek_create_project({"ProjectName": name})
    return names


def many_collections(emu: Emulator, count: int) -> list[str]:
    ids = [f"collection-{i:03d}" for i in range(count)]
    for cid in reversed(ids):  # listed by id, whatever the creation order
        emu.state.create_collection({"CollectionId": cid})
    return ids


def many_lfv_projects(emu: Emulator, count: int) -> list[str]:
    names = [f"lfv-{i:03d}" for i in range(count)]
    for name in names:
        emu.state.lfv_create_project({"ProjectName": name})
    return names


def sample(emu: Emulator) -> tuple[str, str]:
    """One sample project (TRAIN 250 entries, TEST 50) and one LfV project (250 entries); the two ARNs."""
    emu.reset(sample=SampleData(projects=1, entries=250, collections=0))
    datasets = emu.state.rek_projects["sample-project-1"].datasets
    return datasets["TRAIN"].arn, datasets["TEST"].arn


def tamper(token: str) -> str:
    """Change one character in the middle, keeping within the token alphabet."""
    i = len(token) // 2
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]


def test_max_results_default_is_100() -> None:
    assert MAX_RESULTS == 100


# -- page sizes ------------------------------------------------------------------------------------------


async def test_describe_projects_pages_default_to_100(rek: RekognitionClient, emu: Emulator) -> None:
    names = many_projects(emu, 105)

    sizes = [len(p.project_descriptions or []) async for p in rek.describe_projects().pages()]
    listed = [name_of(p.project_arn) async for p in rek.describe_projects()]

    assert sizes == [100, 5]
    assert listed == names


async def test_describe_projects_max_results_sets_the_page_size(rek: RekognitionClient, emu: Emulator) -> None:
    names = many_projects(emu, 23)

    pages = [p async for p in rek.describe_projects(max_results=5).pages()]

    assert [len(p.project_descriptions or []) for p in pages] == [5, 5, 5, 5, 3]
    assert [name_of(d.project_arn) for p in pages for d in p.project_descriptions or []] == names
    assert [p.next_token is None for p in pages] == [False] * 4 + [True]


async def test_list_dataset_entries_pages(rek: RekognitionClient, emu: Emulator) -> None:
    train, test = sample(emu)
    expected = [e.line for e in emu.state.rek_projects["sample-project-1"].datasets["TRAIN"].entries]

    default = [len(p.dataset_entries or []) async for p in rek.list_dataset_entries(dataset_arn=train).pages()]
    hundred = [
        len(p.dataset_entries or []) async for p in rek.list_dataset_entries(dataset_arn=train, max_results=100).pages()
    ]
    first = await rek.list_dataset_entries(dataset_arn=train, max_results=1)
    listed = [e async for e in rek.list_dataset_entries(dataset_arn=train, max_results=7)]
    whole_test = await rek.list_dataset_entries(dataset_arn=test)

    assert default == [100, 100, 50]
    assert hundred == [100, 100, 50]
    assert first.dataset_entries == expected[:1]
    assert first.next_token
    assert listed == expected
    assert len(set(listed)) == 250
    assert len(whole_test.dataset_entries or []) == 50
    assert whole_test.next_token is None


async def test_filtered_entries_paginate_over_the_filtered_list(rek: RekognitionClient, emu: Emulator) -> None:
    train, _ = sample(emu)
    filtered = [e.line for e in emu.state.rek_projects["sample-project-1"].datasets["TRAIN"].entries if e.labeled]

    pages = [p async for p in rek.list_dataset_entries(dataset_arn=train, labeled=True, max_results=30).pages()]

    assert [e for p in pages for e in p.dataset_entries or []] == filtered
    assert all(len(p.dataset_entries or []) == 30 for p in pages[:-1])
    assert 0 < len(pages[-1].dataset_entries or []) <= 30


async def test_list_dataset_labels_pages(rek: RekognitionClient, emu: Emulator) -> None:
    train, _ = sample(emu)

    pages = [p async for p in rek.list_dataset_labels(dataset_arn=train, max_results=1).pages()]

    assert [[d.label_name for d in p.dataset_label_descriptions or []] for p in pages] == [
        ["crack"],
        ["dent"],
        ["scratch"],
    ]


async def test_list_collections_pages(rek: RekognitionClient, emu: Emulator) -> None:
    ids = many_collections(emu, 105)

    sizes = [len(p.collection_ids or []) async for p in rek.list_collections().pages()]
    bigger = await rek.list_collections(max_results=150)  # the model allows up to 4096 here
    listed = [c.collection_id async for c in rek.list_collections(max_results=10)]

    assert sizes == [100, 5]
    assert bigger.collection_ids == ids
    assert bigger.next_token is None
    assert listed == ids


async def test_list_collections_max_results_zero_does_not_loop(rek: RekognitionClient, emu: Emulator) -> None:
    """ListCollections allows MaxResults 0 (its model's minimum); the pages must still move forward.

    A page of nothing with a token pointing back at the same place would make
    every client loop forever (this SDK stops with PaginationError).
    """
    ids = many_collections(emu, 3)

    try:
        listed = [c.collection_id async for c in rek.list_collections(max_results=0)]
    except PaginationError as exc:  # pragma: no cover - the failure this test exposes
        pytest.fail(f"ListCollections with MaxResults=0 returned a token that does not advance: {exc}")

    assert len(listed) == len(set(listed))
    assert set(listed) <= set(ids)


async def test_lookoutvision_list_projects_pages(lfv: LookoutVisionClient, emu: Emulator) -> None:
    names = many_lfv_projects(emu, 105)

    sizes = [len(p.projects or []) async for p in lfv.list_projects().pages()]
    small = [len(p.projects or []) async for p in lfv.list_projects(max_results=50).pages()]
    listed = [p.project_name async for p in lfv.list_projects(max_results=13)]

    assert sizes == [100, 5]
    assert small == [50, 50, 5]
    assert listed == names


async def test_lookoutvision_list_dataset_entries_pages(lfv: LookoutVisionClient, emu: Emulator) -> None:
    sample(emu)
    expected = [e.line for e in emu.state.lfv_projects["sample-lfv-project-1"].datasets["train"].entries]

    sizes = [
        len(p.dataset_entries or [])
        async for p in lfv.list_dataset_entries(project_name="sample-lfv-project-1", dataset_type="train").pages()
    ]
    small = [
        len(p.dataset_entries or [])
        async for p in lfv.list_dataset_entries(
            project_name="sample-lfv-project-1", dataset_type="train", max_results=30
        ).pages()
    ]
    listed = [
        e
        async for e in lfv.list_dataset_entries(
            project_name="sample-lfv-project-1", dataset_type="train", max_results=100
        )
    ]

    assert sizes == [100, 100, 50]
    assert small == [30] * 8 + [10]
    assert listed == expected


# -- tokens ----------------------------------------------------------------------------------------------


async def test_tokens_are_opaque_and_fit_both_services(
    rek: RekognitionClient, lfv: LookoutVisionClient, emu: Emulator
) -> None:
    train, _ = sample(emu)
    many_collections(emu, 3)

    tokens = [
        (await rek.list_dataset_entries(dataset_arn=train, max_results=1)).next_token,
        (await rek.list_collections(max_results=1)).next_token,
        (await lfv.list_dataset_entries(project_name="sample-lfv-project-1", dataset_type="train")).next_token,
    ]

    for token in tokens:
        assert token is not None
        assert TOKEN_CHARS.fullmatch(token)
        assert len(token) <= 255
        assert not token.isdigit()


async def test_a_token_resumes_in_a_new_request_and_max_results_may_change(
    rek: RekognitionClient, emu: Emulator
) -> None:
    train, _ = sample(emu)
    expected = [e.line for e in emu.state.rek_projects["sample-project-1"].datasets["TRAIN"].entries]
    first = await rek.list_dataset_entries(dataset_arn=train, max_results=10)
    assert first.next_token is not None

    rest = [e async for e in rek.list_dataset_entries(dataset_arn=train, next_token=first.next_token, max_results=60)]

    assert (first.dataset_entries or []) + rest == expected


@pytest.mark.parametrize("damage", ["tamper", "truncate-one", "truncate-four", "garbage"])
async def test_damaged_rekognition_token_is_invalid_pagination_token(
    rek: RekognitionClient, emu: Emulator, damage: str
) -> None:
    train, _ = sample(emu)
    token = (await rek.list_dataset_entries(dataset_arn=train)).next_token
    assert token is not None
    bad = {
        "tamper": tamper(token),
        "truncate-one": token[:-1],
        "truncate-four": token[:-4],
        "garbage": "bm90IGEgdG9rZW4=",  # base64 of "not a token"
    }[damage]

    with pytest.raises(rek_errors.InvalidPaginationTokenException) as caught:
        await rek.list_dataset_entries(dataset_arn=train, next_token=bad)

    assert caught.value.status_code == 400


async def test_rekognition_token_of_another_operation_dataset_or_filter_is_invalid(
    rek: RekognitionClient, emu: Emulator
) -> None:
    train, test = sample(emu)
    many_projects(emu, 3)
    many_collections(emu, 3)
    entries_token = (await rek.list_dataset_entries(dataset_arn=train, max_results=1)).next_token
    projects_token = (await rek.describe_projects(max_results=1)).next_token
    labels_token = (await rek.list_dataset_labels(dataset_arn=train, max_results=1)).next_token
    labeled_token = (await rek.list_dataset_entries(dataset_arn=train, labeled=True, max_results=1)).next_token
    assert entries_token
    assert projects_token
    assert labels_token
    assert labeled_token

    attempts: list[Awaitable[object]] = [
        rek.describe_projects(next_token=entries_token),
        rek.list_collections(next_token=projects_token),
        rek.list_dataset_labels(dataset_arn=train, next_token=entries_token),
        rek.list_dataset_entries(dataset_arn=train, next_token=labels_token),
        rek.list_dataset_entries(dataset_arn=test, next_token=entries_token),  # another dataset
        rek.list_dataset_entries(dataset_arn=train, labeled=False, next_token=labeled_token),  # other filters
        rek.list_dataset_entries(dataset_arn=train, next_token=labeled_token),  # filter dropped
        rek.list_dataset_entries(dataset_arn=train, has_errors=True, next_token=entries_token),  # filter added
        rek.describe_projects(features=["CONTENT_MODERATION"], next_token=projects_token),
    ]
    for paginator in attempts:
        with pytest.raises(rek_errors.InvalidPaginationTokenException):
            await paginator

    # The untouched tokens still work where they belong.
    assert (await rek.list_dataset_entries(dataset_arn=train, next_token=entries_token, max_results=1)).dataset_entries


async def test_token_does_not_survive_a_reset(rek: RekognitionClient, emu: Emulator) -> None:
    train, _ = sample(emu)
    token = (await rek.list_dataset_entries(dataset_arn=train, max_results=1)).next_token
    assert token is not None
    train_again, _ = sample(emu)  # the same data, in a new state

    with pytest.raises(rek_errors.InvalidPaginationTokenException):
        await rek.list_dataset_entries(dataset_arn=train_again, next_token=token)


@pytest.mark.parametrize("damage", ["tamper", "truncate-one", "truncate-four"])
async def test_damaged_lookoutvision_token_is_validation_exception(
    lfv: LookoutVisionClient, emu: Emulator, damage: str
) -> None:
    sample(emu)
    token = (await lfv.list_dataset_entries(project_name="sample-lfv-project-1", dataset_type="train")).next_token
    assert token is not None
    bad = {"tamper": tamper(token), "truncate-one": token[:-1], "truncate-four": token[:-4]}[damage]

    with pytest.raises(lfv_errors.ValidationException) as caught:
        await lfv.list_dataset_entries(project_name="sample-lfv-project-1", dataset_type="train", next_token=bad)

    assert caught.value.status_code == 400


async def test_lookoutvision_token_of_another_operation_or_dataset_is_invalid(
    lfv: LookoutVisionClient, emu: Emulator
) -> None:
    sample(emu)
    many_lfv_projects(emu, 3)
    emu.state.lfv_create_dataset({"ProjectName": "lfv-000", "DatasetType": "train"})
    emu.state.lfv_create_dataset({"ProjectName": "sample-lfv-project-1", "DatasetType": "test"})
    entries_token = (
        await lfv.list_dataset_entries(project_name="sample-lfv-project-1", dataset_type="train")
    ).next_token
    projects_token = (await lfv.list_projects(max_results=1)).next_token
    assert entries_token
    assert projects_token

    attempts: list[Awaitable[object]] = [
        lfv.list_projects(next_token=entries_token),
        lfv.list_dataset_entries(project_name="sample-lfv-project-1", dataset_type="train", next_token=projects_token),
        lfv.list_dataset_entries(project_name="sample-lfv-project-1", dataset_type="test", next_token=entries_token),
        lfv.list_dataset_entries(project_name="lfv-000", dataset_type="train", next_token=entries_token),
        lfv.list_dataset_entries(
            project_name="sample-lfv-project-1", dataset_type="train", anomaly_class="normal", next_token=entries_token
        ),
    ]
    for paginator in attempts:
        with pytest.raises(lfv_errors.ValidationException):
            await paginator


async def test_rekognition_and_lookoutvision_tokens_do_not_mix(
    rek: RekognitionClient, lfv: LookoutVisionClient, emu: Emulator
) -> None:
    train, _ = sample(emu)
    rek_token = (await rek.list_dataset_entries(dataset_arn=train)).next_token
    lfv_token = (await lfv.list_dataset_entries(project_name="sample-lfv-project-1", dataset_type="train")).next_token
    assert rek_token
    assert lfv_token

    with pytest.raises(lfv_errors.ValidationException):
        await lfv.list_dataset_entries(project_name="sample-lfv-project-1", dataset_type="train", next_token=rek_token)
    with pytest.raises(rek_errors.InvalidPaginationTokenException):
        await rek.list_dataset_entries(dataset_arn=train, next_token=lfv_token)


async def test_items_added_during_iteration_do_not_repeat_earlier_items(rek: RekognitionClient, emu: Emulator) -> None:
    """Entries appended while paging show up at the end; none is yielded twice."""
    dataset = emu.state.rek_create_dataset(
        {"ProjectArn": emu.state.rek_create_project({"ProjectName": "p"})["ProjectArn"], "DatasetType": "TRAIN"}
    )["DatasetArn"]
    lines = [classification(f"s3://b/{i}.jpg", "cat") for i in range(10)]
    emu.state.rek_update_dataset_entries({"DatasetArn": dataset, "Changes": {"GroundTruth": jsonl(*lines[:6])}})

    seen: list[str] = []
    async for entry in rek.list_dataset_entries(dataset_arn=dataset, max_results=3):
        seen.append(entry)
        if len(seen) == 1:
            emu.state.rek_update_dataset_entries({"DatasetArn": dataset, "Changes": {"GroundTruth": jsonl(*lines[6:])}})

    assert seen == lines
