"""ListCollections in depth: the wire request, validation, errors and retries, pagination, replies.

Seed page: /work/shared/seeds/003_*.txt (Rekognition ``list_collections``). The reply carries two
parallel arrays, ``CollectionIds`` and ``FaceModelVersions``, which the SDK pairs by index into
``CollectionSummary`` items.
"""

from __future__ import annotations

from collections.abc import AsyncIterable
from typing import Any, TypeVar

import anyio
import pytest
from pydantic import ValidationError

from aws_vision_async import RekognitionClient
from aws_vision_async import errors as base
from aws_vision_async.rekognition import _operations as ops
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import CollectionSummary, ListCollectionsResponse

from ..fakeaws import FakeAws, Recorded, drop, ok, rek_error
from ._checks import check_documented_error

pytestmark = pytest.mark.anyio

T = TypeVar("T")

OP = "ListCollections"


async def drain(items: AsyncIterable[T], into: list[T]) -> None:
    """Collect items into ``into`` so that a test still sees them when iteration raises.

    Bounded in time, so that a paginator that loops fails the test instead of hanging it.
    """
    with anyio.fail_after(10):
        async for item in items:
            into.append(item)


def header(rec: Recorded, name: str) -> str | None:
    return next((v for k, v in rec.headers.items() if k.lower() == name.lower()), None)


def sent_tokens(fake: FakeAws) -> list[str | None]:
    return [c.json.get("NextToken") for c in fake.calls(OP)]


def page(ids: list[str] | None, versions: list[str] | None = None, token: str | None = None) -> Any:
    body: dict[str, Any] = {}
    if ids is not None:
        body["CollectionIds"] = ids
    if versions is not None:
        body["FaceModelVersions"] = versions
    if token is not None:
        body["NextToken"] = token
    return ok(body)


def pairs(items: list[CollectionSummary]) -> list[tuple[str | None, str | None]]:
    return [(c.collection_id, c.face_model_version) for c in items]


# -- the request on the wire -------------------------------------------------------------------


async def test_no_parameters_sends_an_empty_object(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, page(["myphotos"]))

    await rek.list_collections()

    (rec,) = fake_aws.requests
    assert rec.operation == OP
    assert (rec.method, rec.path) == ("POST", "/")
    assert header(rec, "X-Amz-Target") == "RekognitionService.ListCollections"
    assert header(rec, "Content-Type") == "application/x-amz-json-1.1"
    assert rec.json == {}


@pytest.mark.parametrize(
    ("kwargs", "wire"),
    [
        # ListCollections' MaxResults is 0..4096, unlike the 1..100 of the Custom Labels lists.
        pytest.param({"max_results": 0}, {"MaxResults": 0}, id="max_results-zero-is-allowed"),
        pytest.param({"max_results": 1}, {"MaxResults": 1}, id="max_results-1"),
        pytest.param({"max_results": 4096}, {"MaxResults": 4096}, id="max_results-highest"),
        pytest.param({"next_token": "page-2"}, {"NextToken": "page-2"}, id="next_token"),
        pytest.param({"next_token": ""}, {"NextToken": ""}, id="next_token-explicit-empty"),
        pytest.param({"next_token": "t" * 255}, {"NextToken": "t" * 255}, id="next_token-longest"),
        pytest.param(
            {"next_token": "tok", "max_results": 10}, {"NextToken": "tok", "MaxResults": 10}, id="all-together"
        ),
    ],
)
async def test_parameters_are_sent_with_their_aws_names(
    rek: RekognitionClient, fake_aws: FakeAws, kwargs: dict[str, Any], wire: dict[str, Any]
) -> None:
    fake_aws.on(OP, page([]))

    await rek.list_collections(**kwargs)

    (rec,) = fake_aws.requests
    assert header(rec, "X-Amz-Target") == "RekognitionService.ListCollections"
    assert rec.json == wire


# -- validation before any I/O -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        pytest.param({"max_results": -1}, "max_results", id="max_results-negative"),
        pytest.param({"max_results": 4097}, "max_results", id="max_results-4097"),
        pytest.param({"max_results": "5"}, "max_results", id="max_results-str"),
        pytest.param({"max_results": 5.0}, "max_results", id="max_results-float"),
        pytest.param({"max_results": True}, "max_results", id="max_results-bool"),
        pytest.param({"next_token": "t" * 256}, "next_token", id="next_token-too-long"),
        pytest.param({"next_token": 7}, "next_token", id="next_token-int"),
        pytest.param({"next_token": b"tok"}, "next_token", id="next_token-bytes"),
    ],
)
async def test_invalid_input_raises_before_any_request(
    rek: RekognitionClient, fake_aws: FakeAws, kwargs: dict[str, Any], field: str
) -> None:
    fake_aws.always(OP, page([]))

    with pytest.raises(ValueError, match=field) as info:
        await rek.list_collections(**kwargs)

    assert isinstance(info.value, ValidationError)
    assert {err["loc"][0] for err in info.value.errors()} == {field}
    assert fake_aws.requests == []


# -- errors and retries ------------------------------------------------------------------------

#: Every error the seed page documents: (HTTP status, category base, retried?).
DOCUMENTED_ERRORS: dict[str, tuple[int, type[base.ServiceError], bool]] = {
    "InvalidParameterException": (400, base.InvalidRequestError, False),
    "AccessDeniedException": (400, base.AccessDeniedError, False),
    "InternalServerError": (500, base.TransientError, True),
    "ThrottlingException": (400, base.ThrottlingError, True),
    "ProvisionedThroughputExceededException": (400, base.ThrottlingError, True),
    "InvalidPaginationTokenException": (400, base.InvalidRequestError, False),
    "ResourceNotFoundException": (400, base.NotFoundError, False),
}
RETRYABLE = sorted(code for code, (_, _, retried) in DOCUMENTED_ERRORS.items() if retried)
NOT_RETRYABLE = sorted(code for code, (_, _, retried) in DOCUMENTED_ERRORS.items() if not retried)


def test_operation_documents_the_seed_errors() -> None:
    assert ops.LIST_COLLECTIONS.name == OP
    assert set(ops.LIST_COLLECTIONS.errors) == set(DOCUMENTED_ERRORS)
    assert set(ops.LIST_COLLECTIONS.retryable) == set(RETRYABLE)


@pytest.mark.parametrize("code", sorted(DOCUMENTED_ERRORS))
async def test_documented_error_raises_its_typed_class(rek: RekognitionClient, fake_aws: FakeAws, code: str) -> None:
    status = DOCUMENTED_ERRORS[code][0]
    fake_aws.always(OP, rek_error(code, f"{code} from ListCollections", status))

    with pytest.raises(base.ServiceError) as info:
        await rek.list_collections(max_results=0)

    check_documented_error(
        info.value,
        fake_aws,
        code=code,
        documented=DOCUMENTED_ERRORS[code],
        message=f"{code} from ListCollections",
        operation=OP,
        body={"MaxResults": 0},
    )


@pytest.mark.parametrize("code", RETRYABLE)
async def test_retryable_error_is_retried_until_success(rek: RekognitionClient, fake_aws: FakeAws, code: str) -> None:
    fake_aws.on(OP, rek_error(code, "again", DOCUMENTED_ERRORS[code][0]), page(["myphotos"], ["6.0"]))

    got = [c async for c in rek.list_collections()]

    assert pairs(got) == [("myphotos", "6.0")]
    assert len(fake_aws.requests) == 2


@pytest.mark.parametrize("code", NOT_RETRYABLE)
async def test_non_retryable_error_makes_exactly_one_request(
    rek: RekognitionClient, fake_aws: FakeAws, code: str
) -> None:
    fake_aws.on(OP, rek_error(code, "no", DOCUMENTED_ERRORS[code][0]), page(["myphotos"]))

    with pytest.raises(getattr(rek_errors, code)):
        async for _ in rek.list_collections():
            pass

    assert len(fake_aws.requests) == 1


# -- pagination --------------------------------------------------------------------------------


async def test_await_makes_one_request_and_returns_the_page(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, page(["a", "b"], ["6.0", "7.0"], token="t1"), page(["c"], ["7.0"]))

    result = await rek.list_collections(max_results=2)

    assert isinstance(result, ListCollectionsResponse)
    # The page keeps AWS's shape: two parallel arrays.
    assert result.collection_ids == ["a", "b"]
    assert result.face_model_versions == ["6.0", "7.0"]
    assert result.next_token == "t1"
    assert len(fake_aws.requests) == 1


async def test_next_token_fetches_that_page(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, page(["c"], ["7.0"]))

    result = await rek.list_collections(next_token="t1")

    assert result.collection_ids == ["c"]
    assert fake_aws.requests[0].json == {"NextToken": "t1"}


async def test_async_for_pairs_ids_and_versions_across_pages(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        OP,
        page(["faces-2019", "faces-2021"], ["4.0", "5.0"], token="t1"),
        page([], [], token="t2"),  # empty page that says there is more
        page(None, None, token="t3"),  # neither array at all
        page(["faces-2023"], ["6.0"], token="t4"),
        page(["faces-2024", "faces-2025"], ["7.0", "7.0"]),
    )

    got = [c async for c in rek.list_collections(max_results=2)]

    assert all(type(c) is CollectionSummary for c in got)
    assert pairs(got) == [
        ("faces-2019", "4.0"),
        ("faces-2021", "5.0"),
        ("faces-2023", "6.0"),
        ("faces-2024", "7.0"),
        ("faces-2025", "7.0"),
    ]
    assert sent_tokens(fake_aws) == [None, "t1", "t2", "t3", "t4"]
    assert all(c.json.get("MaxResults") == 2 for c in fake_aws.requests)  # the limit rides on every page


async def test_async_for_starts_at_the_given_token(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, page(["c"], ["7.0"], token="t2"), page(["d"], ["7.0"]))

    got = [c async for c in rek.list_collections(next_token="t1")]

    assert pairs(got) == [("c", "7.0"), ("d", "7.0")]
    assert sent_tokens(fake_aws) == ["t1", "t2"]


async def test_pages_yields_response_models(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, page(["a"], ["6.0"], token="t1"), page([], [], token="t2"), page(["b"], ["7.0"]))

    pages = [p async for p in rek.list_collections().pages()]

    assert [type(p) for p in pages] == [ListCollectionsResponse] * 3
    assert [p.collection_ids for p in pages] == [["a"], [], ["b"]]
    assert [p.face_model_versions for p in pages] == [["6.0"], [], ["7.0"]]
    assert [p.next_token for p in pages] == ["t1", "t2", None]


@pytest.mark.parametrize(
    ("tokens", "start"),
    [
        pytest.param(["t1", "t1"], None, id="same-token-twice"),
        pytest.param(["t1", "t2", "t1"], None, id="token-comes-back-later"),
        pytest.param(["t0"], "t0", id="reply-repeats-the-starting-token"),
    ],
)
async def test_repeated_token_raises_pagination_error(
    rek: RekognitionClient, fake_aws: FakeAws, tokens: list[str], start: str | None
) -> None:
    fake_aws.on(OP, *(page([f"c{i}"], ["7.0"], token=t) for i, t in enumerate(tokens)))
    fake_aws.always(OP, page(["never"], ["7.0"], token="fresh"))
    got: list[CollectionSummary] = []

    with pytest.raises(base.PaginationError, match="ListCollections"):
        await drain(rek.list_collections(next_token=start), got)

    assert [c.collection_id for c in got] == [f"c{i}" for i in range(len(tokens))]
    assert len(fake_aws.requests) == len(tokens)


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(rek_error("ThrottlingException", "slow down"), id="throttling"),
        pytest.param(rek_error("ProvisionedThroughputExceededException", "over"), id="provisioned-throughput"),
        pytest.param(rek_error("InternalServerError", "oops", 500), id="internal-server-error"),
        pytest.param(drop(), id="dropped-connection"),
    ],
)
async def test_failure_mid_pagination_is_retried_in_place(
    rek: RekognitionClient, fake_aws: FakeAws, failure: Any
) -> None:
    fake_aws.on(
        OP,
        page(["a", "b"], ["6.0", "6.0"], token="t1"),
        failure,
        failure,
        failure,
        page(["c"], ["7.0"], token="t2"),
        page(["d"], ["7.0"]),
    )

    got = [c async for c in rek.list_collections(max_results=2)]

    assert pairs(got) == [("a", "6.0"), ("b", "6.0"), ("c", "7.0"), ("d", "7.0")]
    assert sent_tokens(fake_aws) == [None, "t1", "t1", "t1", "t1", "t2"]
    assert all(c.json.get("MaxResults") == 2 for c in fake_aws.requests)


async def test_retries_exhausted_mid_pagination_raises(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, page(["a"], ["6.0"], token="t1"))
    fake_aws.always(OP, rek_error("InternalServerError", "down", 500))
    got: list[CollectionSummary] = []

    with pytest.raises(rek_errors.InternalServerError) as info:
        await drain(rek.list_collections(), got)

    assert pairs(got) == [("a", "6.0")]
    assert sent_tokens(fake_aws) == [None, "t1", "t1", "t1", "t1"]
    assert info.value.request_id == "req-5"
    assert info.value.status_code == 500


# -- replies: pairing the parallel arrays ------------------------------------------------------


async def test_seed_example_without_face_model_versions(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    # The seed page's example reply: {'CollectionIds': ['myphotos']}.
    fake_aws.on(OP, page(["myphotos"]))

    got = [c async for c in rek.list_collections()]

    assert got == [CollectionSummary(collection_id="myphotos", face_model_version=None)]


@pytest.mark.parametrize(
    ("ids", "versions", "expected"),
    [
        pytest.param(["a", "b", "c"], ["4.0", "5.0", "6.0"], [("a", "4.0"), ("b", "5.0"), ("c", "6.0")], id="equal"),
        pytest.param(["a", "b"], None, [("a", None), ("b", None)], id="versions-missing"),
        pytest.param(["a", "b", "c"], ["4.0"], [("a", "4.0"), ("b", None), ("c", None)], id="versions-shorter"),
        pytest.param(["a", "b"], [], [("a", None), ("b", None)], id="versions-empty"),
        # More versions than ids: nothing is dropped, the orphan version has no id.
        pytest.param(["a"], ["4.0", "5.0"], [("a", "4.0"), (None, "5.0")], id="versions-longer"),
        pytest.param([], [], [], id="both-empty"),
        pytest.param(None, None, [], id="both-missing"),
    ],
)
async def test_ids_and_versions_are_paired_by_index(
    rek: RekognitionClient,
    fake_aws: FakeAws,
    ids: list[str] | None,
    versions: list[str] | None,
    expected: list[tuple[str | None, str | None]],
) -> None:
    fake_aws.on(OP, page(ids, versions))

    got = [c async for c in rek.list_collections()]

    assert pairs(got) == expected


async def test_pairing_restarts_on_each_page(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    # A short FaceModelVersions on one page must not shift the pairing of the next.
    fake_aws.on(
        OP,
        page(["a", "b"], ["4.0"], token="t1"),
        page(["c", "d"], None, token="t2"),
        page(["e"], ["7.0"]),
    )

    got = [c async for c in rek.list_collections()]

    assert pairs(got) == [("a", "4.0"), ("b", None), ("c", None), ("d", None), ("e", "7.0")]


async def test_collection_ids_are_kept_verbatim(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    ids = ["MyCollection", "my_collection.v2-final", "x" * 255]
    fake_aws.on(OP, page(ids, ["7.0", "7.0", "7.0"]))

    got = [c async for c in rek.list_collections()]

    assert [c.collection_id for c in got] == ids


async def test_unknown_fields_are_kept(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, ok({"CollectionIds": ["a"], "FaceModelVersions": ["7.0"], "CollectionArns": ["arn:x"]}))

    result = await rek.list_collections()

    assert result.collection_ids == ["a"]
    assert result.model_extra == {"CollectionArns": ["arn:x"]}


async def test_empty_reply_yields_nothing(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.always(OP, ok({}))

    result = await rek.list_collections()
    got = [c async for c in rek.list_collections()]

    assert result.collection_ids is None
    assert result.face_model_versions is None
    assert result.next_token is None
    assert got == []
    assert len(fake_aws.requests) == 2
