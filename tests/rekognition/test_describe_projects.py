"""DescribeProjects in depth: the wire request, validation, errors and retries, pagination, replies.

Seed page: /work/shared/seeds/000_*.txt (Rekognition ``describe_projects``).
"""

from __future__ import annotations

from collections.abc import AsyncIterable
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

import anyio
import pytest
from pydantic import ValidationError

from aws_vision_async import RekognitionClient
from aws_vision_async import errors as base
from aws_vision_async.rekognition import _operations as ops
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import DatasetMetadata, DescribeProjectsResponse, ProjectDescription

from ..fakeaws import FakeAws, Recorded, drop, ok, rek_error
from ._checks import check_documented_error

pytestmark = pytest.mark.anyio

T = TypeVar("T")

OP = "DescribeProjects"
ACCOUNT = "123456789012"


def project_arn(name: str) -> str:
    return f"arn:aws:rekognition:us-east-1:{ACCOUNT}:project/{name}/1700000000000"


def project(name: str, **extra: Any) -> dict[str, Any]:
    """A ProjectDescription as the service sends it."""
    return {
        "ProjectArn": project_arn(name),
        "CreationTimestamp": 1700000000.5,
        "Status": "CREATED",
        "Feature": "CUSTOM_LABELS",
        **extra,
    }


def names(projects: list[ProjectDescription]) -> list[str]:
    return [(p.project_arn or "").split("/")[1] for p in projects]


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


# -- the request on the wire -------------------------------------------------------------------


async def test_no_parameters_sends_an_empty_object(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, ok({"ProjectDescriptions": []}))

    await rek.describe_projects()

    (rec,) = fake_aws.requests
    assert rec.operation == OP
    assert rec.method == "POST"
    assert rec.path == "/"
    assert header(rec, "X-Amz-Target") == "RekognitionService.DescribeProjects"
    assert header(rec, "Content-Type") == "application/x-amz-json-1.1"
    assert rec.json == {}


@pytest.mark.parametrize(
    ("kwargs", "wire"),
    [
        pytest.param({"max_results": 1}, {"MaxResults": 1}, id="max_results-lowest"),
        pytest.param({"max_results": 100}, {"MaxResults": 100}, id="max_results-highest"),
        pytest.param({"next_token": "page-2-token"}, {"NextToken": "page-2-token"}, id="next_token"),
        pytest.param({"next_token": ""}, {"NextToken": ""}, id="next_token-explicit-empty"),
        pytest.param({"next_token": "t" * 1024}, {"NextToken": "t" * 1024}, id="next_token-longest"),
        pytest.param({"project_names": ["widgets"]}, {"ProjectNames": ["widgets"]}, id="project_names-one"),
        pytest.param(
            {"project_names": ["a.b-c_d", "Z9"]},
            {"ProjectNames": ["a.b-c_d", "Z9"]},
            id="project_names-every-allowed-character",
        ),
        pytest.param(
            {"project_names": [f"p{i}" for i in range(10)]},
            {"ProjectNames": [f"p{i}" for i in range(10)]},
            id="project_names-ten",
        ),
        pytest.param({"project_names": ["n" * 255]}, {"ProjectNames": ["n" * 255]}, id="project_names-longest"),
        pytest.param({"features": ["CUSTOM_LABELS"]}, {"Features": ["CUSTOM_LABELS"]}, id="features-custom-labels"),
        pytest.param(
            {"features": ["CONTENT_MODERATION"]}, {"Features": ["CONTENT_MODERATION"]}, id="features-moderation"
        ),
        pytest.param(
            {"features": ["CONTENT_MODERATION", "CUSTOM_LABELS"]},
            {"Features": ["CONTENT_MODERATION", "CUSTOM_LABELS"]},
            id="features-both-in-order",
        ),
        pytest.param(
            {
                "next_token": "tok",
                "max_results": 7,
                "project_names": ["widgets", "gadgets"],
                "features": ["CUSTOM_LABELS"],
            },
            {
                "NextToken": "tok",
                "MaxResults": 7,
                "ProjectNames": ["widgets", "gadgets"],
                "Features": ["CUSTOM_LABELS"],
            },
            id="all-together",
        ),
    ],
)
async def test_parameters_are_sent_with_their_aws_names(
    rek: RekognitionClient, fake_aws: FakeAws, kwargs: dict[str, Any], wire: dict[str, Any]
) -> None:
    fake_aws.on(OP, ok({"ProjectDescriptions": []}))

    await rek.describe_projects(**kwargs)

    (rec,) = fake_aws.requests
    assert header(rec, "X-Amz-Target") == "RekognitionService.DescribeProjects"
    # Exactly these keys: what was not given is absent, not null.
    assert rec.json == wire
    assert type(rec.json.get("MaxResults", 0)) is int


# -- validation before any I/O -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        pytest.param({"max_results": 0}, "max_results", id="max_results-0"),
        pytest.param({"max_results": 101}, "max_results", id="max_results-101"),
        pytest.param({"max_results": -1}, "max_results", id="max_results-negative"),
        pytest.param({"max_results": "5"}, "max_results", id="max_results-str"),
        pytest.param({"max_results": 5.0}, "max_results", id="max_results-float"),
        pytest.param({"max_results": True}, "max_results", id="max_results-bool"),
        pytest.param({"next_token": "t" * 1025}, "next_token", id="next_token-too-long"),
        pytest.param({"next_token": 42}, "next_token", id="next_token-int"),
        pytest.param({"features": ["FACE_SEARCH"]}, "features", id="features-unknown-value"),
        pytest.param({"features": ["custom_labels"]}, "features", id="features-wrong-case"),
        pytest.param({"features": []}, "features", id="features-empty"),
        pytest.param({"features": ["CUSTOM_LABELS"] * 3}, "features", id="features-three"),
        pytest.param({"features": "CUSTOM_LABELS"}, "features", id="features-str-not-list"),
        pytest.param({"project_names": []}, "project_names", id="project_names-empty"),
        pytest.param({"project_names": [f"p{i}" for i in range(11)]}, "project_names", id="project_names-eleven"),
        pytest.param({"project_names": [""]}, "project_names", id="project_names-empty-name"),
        pytest.param({"project_names": ["n" * 256]}, "project_names", id="project_names-name-too-long"),
        pytest.param({"project_names": ["my project"]}, "project_names", id="project_names-space"),
        pytest.param({"project_names": ["widgets\n"]}, "project_names", id="project_names-trailing-newline"),
        pytest.param({"project_names": ["\nwidgets"]}, "project_names", id="project_names-leading-newline"),
        pytest.param({"project_names": ["widgets/1"]}, "project_names", id="project_names-slash"),
        pytest.param({"project_names": "widgets"}, "project_names", id="project_names-str-not-list"),
        pytest.param({"project_names": {"widgets"}}, "project_names", id="project_names-set"),  # a tuple is fine
    ],
)
async def test_invalid_input_raises_before_any_request(
    rek: RekognitionClient, fake_aws: FakeAws, kwargs: dict[str, Any], field: str
) -> None:
    fake_aws.always(OP, ok({"ProjectDescriptions": []}))

    with pytest.raises(ValueError, match=field) as info:
        await rek.describe_projects(**kwargs)

    assert isinstance(info.value, ValidationError)
    assert {err["loc"][0] for err in info.value.errors()} == {field}
    assert fake_aws.requests == []


async def test_invalid_input_raises_at_call_time_not_on_iteration(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    # The paginator is never built: the bad call fails where it is written.
    with pytest.raises(ValidationError, match="max_results"):
        rek.describe_projects(max_results=101)
    assert fake_aws.requests == []


async def test_unknown_keyword_is_a_type_error(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    bad: dict[str, Any] = {"MaxResults": 5}  # AWS spelling is not a keyword of the method
    with pytest.raises(TypeError):
        rek.describe_projects(**bad)
    assert fake_aws.requests == []


# -- errors and retries ------------------------------------------------------------------------

#: Every error the seed page documents: (HTTP status, category base, retried?).
DOCUMENTED_ERRORS: dict[str, tuple[int, type[base.ServiceError], bool]] = {
    "InvalidPaginationTokenException": (400, base.InvalidRequestError, False),
    "InvalidParameterException": (400, base.InvalidRequestError, False),
    "AccessDeniedException": (400, base.AccessDeniedError, False),
    "InternalServerError": (500, base.TransientError, True),
    "ThrottlingException": (400, base.ThrottlingError, True),
    "ProvisionedThroughputExceededException": (400, base.ThrottlingError, True),
}
RETRYABLE = sorted(code for code, (_, _, retried) in DOCUMENTED_ERRORS.items() if retried)
NOT_RETRYABLE = sorted(code for code, (_, _, retried) in DOCUMENTED_ERRORS.items() if not retried)


def test_operation_documents_the_seed_errors() -> None:
    assert ops.DESCRIBE_PROJECTS.name == OP
    assert set(ops.DESCRIBE_PROJECTS.errors) == set(DOCUMENTED_ERRORS)
    assert set(ops.DESCRIBE_PROJECTS.retryable) == set(RETRYABLE)


@pytest.mark.parametrize("code", sorted(DOCUMENTED_ERRORS))
async def test_documented_error_raises_its_typed_class(rek: RekognitionClient, fake_aws: FakeAws, code: str) -> None:
    status = DOCUMENTED_ERRORS[code][0]
    fake_aws.always(OP, rek_error(code, f"{code} happened", status))

    with pytest.raises(base.ServiceError) as info:
        await rek.describe_projects(max_results=5)

    check_documented_error(
        info.value,
        fake_aws,
        code=code,
        documented=DOCUMENTED_ERRORS[code],
        message=f"{code} happened",
        operation=OP,
        body={"MaxResults": 5},
    )


@pytest.mark.parametrize("code", RETRYABLE)
async def test_retryable_error_is_retried_until_success(rek: RekognitionClient, fake_aws: FakeAws, code: str) -> None:
    status = DOCUMENTED_ERRORS[code][0]
    fake_aws.on(
        OP,
        rek_error(code, "slow down", status),
        rek_error(code, "slow down", status),
        rek_error(code, "slow down", status),
        ok({"ProjectDescriptions": [project("widgets")]}),
    )

    page = await rek.describe_projects(features=["CUSTOM_LABELS"])

    assert names(page.project_descriptions or []) == ["widgets"]
    assert len(fake_aws.requests) == 4  # 3 failures + the success, within max_attempts=4
    assert all(c.json == {"Features": ["CUSTOM_LABELS"]} for c in fake_aws.requests)


@pytest.mark.parametrize("code", NOT_RETRYABLE)
async def test_non_retryable_error_makes_exactly_one_request(
    rek: RekognitionClient, fake_aws: FakeAws, code: str
) -> None:
    fake_aws.on(OP, rek_error(code, "no", DOCUMENTED_ERRORS[code][0]), ok({"ProjectDescriptions": []}))

    with pytest.raises(getattr(rek_errors, code)):
        await rek.describe_projects()

    assert len(fake_aws.requests) == 1


@pytest.mark.parametrize(
    ("code", "cls", "category"),
    [
        # Known to Rekognition but not documented for DescribeProjects: still typed, never retried.
        ("LimitExceededException", rek_errors.LimitExceededException, base.QuotaExceededError),
        ("ResourceNotReadyException", rek_errors.ResourceNotReadyException, base.ConflictError),
        # Unknown to the SDK: the service base class, with the code kept.
        ("BrandNewException", rek_errors.RekognitionError, rek_errors.RekognitionError),
    ],
)
async def test_undocumented_error_is_typed_and_not_retried(
    rek: RekognitionClient, fake_aws: FakeAws, code: str, cls: type[base.ServiceError], category: type[Exception]
) -> None:
    fake_aws.always(OP, rek_error(code, "odd", 400))

    with pytest.raises(base.ServiceError) as info:
        await rek.describe_projects()

    assert type(info.value) is cls
    assert isinstance(info.value, category)
    assert info.value.code == code
    assert info.value.request_id == "req-1"
    assert len(fake_aws.requests) == 1


async def test_dropped_connection_is_retried(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, drop(), ok({"ProjectDescriptions": [project("widgets")]}))

    page = await rek.describe_projects()

    assert names(page.project_descriptions or []) == ["widgets"]
    assert len(fake_aws.requests) == 2


# -- pagination --------------------------------------------------------------------------------


async def test_await_makes_one_request_and_returns_the_page(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        OP,
        ok({"ProjectDescriptions": [project("a"), project("b")], "NextToken": "t1"}),
        ok({"ProjectDescriptions": [project("c")]}),
    )

    page = await rek.describe_projects(max_results=2)

    assert isinstance(page, DescribeProjectsResponse)
    assert names(page.project_descriptions or []) == ["a", "b"]
    assert page.next_token == "t1"
    assert len(fake_aws.requests) == 1


async def test_next_token_fetches_that_page(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, ok({"ProjectDescriptions": [project("c")]}))

    page = await rek.describe_projects(next_token="t1", max_results=2)

    assert names(page.project_descriptions or []) == ["c"]
    assert page.next_token is None
    assert fake_aws.requests[0].json == {"NextToken": "t1", "MaxResults": 2}


async def test_nothing_is_sent_until_awaited_or_iterated(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.always(OP, ok({"ProjectDescriptions": []}))
    paginator = rek.describe_projects()
    assert fake_aws.requests == []
    await paginator
    assert len(fake_aws.requests) == 1


async def test_async_for_follows_tokens_across_empty_pages(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        OP,
        ok({"ProjectDescriptions": [project("a"), project("b")], "NextToken": "t1"}),
        ok({"ProjectDescriptions": [], "NextToken": "t2"}),  # empty list, more to come
        ok({"NextToken": "t3"}),  # no list at all, more to come
        ok({"ProjectDescriptions": [project("c")], "NextToken": "t4"}),
        ok({"ProjectDescriptions": [project("d")]}),  # no token: the end
    )

    got = [p async for p in rek.describe_projects()]

    assert all(isinstance(p, ProjectDescription) for p in got)
    assert names(got) == ["a", "b", "c", "d"]
    assert sent_tokens(fake_aws) == [None, "t1", "t2", "t3", "t4"]


async def test_async_for_starts_at_the_given_token(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        OP,
        ok({"ProjectDescriptions": [project("c")], "NextToken": "t2"}),
        ok({"ProjectDescriptions": [project("d")]}),
    )

    got = [p async for p in rek.describe_projects(next_token="t1")]

    assert names(got) == ["c", "d"]
    assert sent_tokens(fake_aws) == ["t1", "t2"]


@pytest.mark.parametrize("last_token", ["", None], ids=["empty-string", "null"])
async def test_empty_or_null_next_token_in_a_reply_ends_the_iteration(
    rek: RekognitionClient, fake_aws: FakeAws, last_token: str | None
) -> None:
    fake_aws.always(OP, ok({"ProjectDescriptions": [project("a")], "NextToken": last_token}))

    got = [p async for p in rek.describe_projects()]

    assert names(got) == ["a"]
    assert len(fake_aws.requests) == 1


async def test_pages_yields_response_models(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        OP,
        ok({"ProjectDescriptions": [project("a")], "NextToken": "t1"}),
        ok({"ProjectDescriptions": [], "NextToken": "t2"}),
        ok({"ProjectDescriptions": [project("b")]}),
    )

    pages = [page async for page in rek.describe_projects(max_results=1).pages()]

    assert [type(p) for p in pages] == [DescribeProjectsResponse] * 3
    assert [p.next_token for p in pages] == ["t1", "t2", None]
    assert [names(p.project_descriptions or []) for p in pages] == [["a"], [], ["b"]]
    assert len(fake_aws.requests) == 3


async def test_each_iteration_starts_afresh(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        OP,
        ok({"ProjectDescriptions": [project("a")], "NextToken": "t1"}),
        ok({"ProjectDescriptions": [project("b")]}),
        ok({"ProjectDescriptions": [project("a")], "NextToken": "t1"}),
        ok({"ProjectDescriptions": [project("b")]}),
    )
    paginator = rek.describe_projects(project_names=["a", "b"])

    first = [p async for p in paginator]
    second = [p async for p in paginator]

    assert names(first) == names(second) == ["a", "b"]
    assert sent_tokens(fake_aws) == [None, "t1", None, "t1"]


@pytest.mark.parametrize(
    ("replies", "start", "expected_requests"),
    [
        pytest.param(["t1", "t1"], None, 2, id="same-token-twice-in-a-row"),
        pytest.param(["t1", "t2", "t1"], None, 3, id="token-comes-back-later"),
        pytest.param(["t1"], "t1", 1, id="reply-repeats-the-starting-token"),
    ],
)
async def test_repeated_token_raises_pagination_error(
    rek: RekognitionClient, fake_aws: FakeAws, replies: list[str], start: str | None, expected_requests: int
) -> None:
    fake_aws.on(OP, *(ok({"ProjectDescriptions": [project(f"p{i}")], "NextToken": t}) for i, t in enumerate(replies)))
    fake_aws.always(OP, ok({"ProjectDescriptions": [project("never")], "NextToken": "fresh"}))
    got: list[ProjectDescription] = []

    with pytest.raises(base.PaginationError, match="DescribeProjects"):
        await drain(rek.describe_projects(next_token=start), got)

    # Every page received was yielded; none beyond the loop was requested.
    assert names(got) == [f"p{i}" for i in range(expected_requests)]
    assert len(fake_aws.requests) == expected_requests


async def test_a_service_that_always_repeats_its_token_does_not_loop(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.always(OP, ok({"ProjectDescriptions": [], "NextToken": "stuck"}))

    pages: list[DescribeProjectsResponse] = []

    with pytest.raises(base.PaginationError):
        await drain(rek.describe_projects().pages(), pages)

    assert [p.next_token for p in pages] == ["stuck", "stuck"]

    assert len(fake_aws.requests) == 2


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
        ok({"ProjectDescriptions": [project("a")], "NextToken": "t1"}),
        failure,
        failure,
        ok({"ProjectDescriptions": [project("b")], "NextToken": "t2"}),
        failure,
        ok({"ProjectDescriptions": [project("c")]}),
    )

    got = [p async for p in rek.describe_projects(features=["CUSTOM_LABELS"])]

    assert names(got) == ["a", "b", "c"]  # nothing lost, nothing twice
    assert sent_tokens(fake_aws) == [None, "t1", "t1", "t1", "t2", "t2"]
    # A repeated page request is the same request: filters included.
    assert all(c.json.get("Features") == ["CUSTOM_LABELS"] for c in fake_aws.requests)
    assert all(header(c, "X-Amz-Target") == "RekognitionService.DescribeProjects" for c in fake_aws.requests)


async def test_retries_exhausted_mid_pagination_raises_after_the_earlier_items(
    rek: RekognitionClient, fake_aws: FakeAws
) -> None:
    fake_aws.on(OP, ok({"ProjectDescriptions": [project("a")], "NextToken": "t1"}))
    fake_aws.always(OP, rek_error("ThrottlingException", "slow down"))
    got: list[ProjectDescription] = []

    with pytest.raises(rek_errors.ThrottlingException) as info:
        await drain(rek.describe_projects(), got)

    assert names(got) == ["a"]
    assert sent_tokens(fake_aws) == [None, "t1", "t1", "t1", "t1"]  # the page is tried max_attempts=4 times
    assert info.value.request_id == "req-5"


async def test_non_retryable_error_mid_pagination_stops_it(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        OP,
        ok({"ProjectDescriptions": [project("a")], "NextToken": "t1"}),
        rek_error("InvalidPaginationTokenException", "expired token"),
        ok({"ProjectDescriptions": [project("never")]}),
    )
    got: list[ProjectDescription] = []

    with pytest.raises(rek_errors.InvalidPaginationTokenException, match="expired token"):
        await drain(rek.describe_projects(), got)

    assert names(got) == ["a"]
    assert len(fake_aws.requests) == 2


async def test_filters_are_sent_on_every_page(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        OP,
        ok({"ProjectDescriptions": [project("a")], "NextToken": "t1"}),
        ok({"ProjectDescriptions": [], "NextToken": "t2"}),
        ok({"ProjectDescriptions": [project("b")]}),
    )
    filters = {"MaxResults": 1, "ProjectNames": ["a", "b"], "Features": ["CONTENT_MODERATION", "CUSTOM_LABELS"]}

    got = [
        p
        async for p in rek.describe_projects(
            max_results=1, project_names=["a", "b"], features=["CONTENT_MODERATION", "CUSTOM_LABELS"]
        )
    ]

    assert names(got) == ["a", "b"]
    bodies = [c.json for c in fake_aws.calls(OP)]
    assert bodies == [filters, {**filters, "NextToken": "t1"}, {**filters, "NextToken": "t2"}]
    assert all(header(c, "X-Amz-Target") == "RekognitionService.DescribeProjects" for c in fake_aws.requests)


# -- replies -----------------------------------------------------------------------------------

UTC_T = datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=timezone.utc)  # 1700000000.5


async def test_reply_is_typed_with_nested_datasets(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    train_arn = f"{project_arn('widgets')}/dataset/train/1700000001000"
    fake_aws.on(
        OP,
        ok(
            {
                "ProjectDescriptions": [
                    {
                        "ProjectArn": project_arn("widgets"),
                        "CreationTimestamp": 1700000000.5,
                        "Status": "CREATED",
                        "Feature": "CONTENT_MODERATION",
                        "AutoUpdate": "ENABLED",
                        "Datasets": [
                            {
                                "CreationTimestamp": 1700000001,
                                "DatasetType": "TRAIN",
                                "DatasetArn": train_arn,
                                "Status": "CREATE_FAILED",
                                "StatusMessage": "The manifest file contains too many labels.",
                                "StatusMessageCode": "CLIENT_ERROR",
                            },
                            {"DatasetType": "TEST", "Status": "CREATE_IN_PROGRESS"},
                        ],
                    }
                ]
            }
        ),
    )

    (proj,) = [p async for p in rek.describe_projects(features=["CONTENT_MODERATION"])]

    assert isinstance(proj, ProjectDescription)
    assert proj.project_arn == project_arn("widgets")
    assert proj.creation_timestamp == UTC_T
    assert proj.creation_timestamp is not None
    assert proj.creation_timestamp.utcoffset() == timedelta(0)
    assert proj.status == "CREATED"
    assert proj.feature == "CONTENT_MODERATION"
    assert proj.auto_update == "ENABLED"
    assert proj.datasets is not None
    train, test = proj.datasets
    assert isinstance(train, DatasetMetadata)
    assert isinstance(test, DatasetMetadata)
    assert train.creation_timestamp == datetime(2023, 11, 14, 22, 13, 21, tzinfo=timezone.utc)
    assert train.creation_timestamp is not None
    assert train.creation_timestamp.utcoffset() == timedelta(0)
    assert train.dataset_type == "TRAIN"
    assert train.dataset_arn == train_arn
    assert train.status == "CREATE_FAILED"
    assert train.status_message == "The manifest file contains too many labels."
    assert train.status_message_code == "CLIENT_ERROR"
    # Absent fields are None, not invented.
    assert test.creation_timestamp is None
    assert test.dataset_arn is None
    assert test.status_message is None
    assert test.status_message_code is None


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        pytest.param(1700000000.5, UTC_T, id="fractional-seconds"),
        pytest.param(1700000000, datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc), id="whole-seconds"),
        pytest.param(0, datetime(1970, 1, 1, tzinfo=timezone.utc), id="epoch"),
        pytest.param(1700000000.123, datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=timezone.utc), id="millis"),
    ],
)
async def test_timestamps_are_utc_datetimes_with_the_exact_value(
    rek: RekognitionClient, fake_aws: FakeAws, wire: float, expected: datetime
) -> None:
    fake_aws.on(OP, ok({"ProjectDescriptions": [project("a", CreationTimestamp=wire)]}))

    page = await rek.describe_projects()

    (proj,) = page.project_descriptions or []
    ts = proj.creation_timestamp
    assert ts == expected
    assert ts is not None
    assert ts.tzinfo is not None
    assert ts.utcoffset() == timedelta(0)
    assert ts.timestamp() == pytest.approx(wire, abs=1e-6)


async def test_unknown_enum_values_are_kept(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        OP,
        ok(
            {
                "ProjectDescriptions": [
                    project(
                        "a",
                        Status="ARCHIVED",
                        Feature="FACE_LIVENESS",
                        AutoUpdate="PAUSED",
                        Datasets=[
                            {"DatasetType": "VALIDATION", "Status": "ARCHIVE_IN_PROGRESS", "StatusMessageCode": "WARN"}
                        ],
                    )
                ]
            }
        ),
    )

    (proj,) = [p async for p in rek.describe_projects()]

    assert proj.status == "ARCHIVED"
    assert proj.feature == "FACE_LIVENESS"
    assert proj.auto_update == "PAUSED"
    (ds,) = proj.datasets or []
    assert (ds.dataset_type, ds.status, ds.status_message_code) == ("VALIDATION", "ARCHIVE_IN_PROGRESS", "WARN")


async def test_unknown_fields_are_kept_at_every_level(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        OP,
        ok(
            {
                "ProjectDescriptions": [
                    project(
                        "a",
                        VersionCount=3,
                        Datasets=[{"DatasetType": "TRAIN", "ImageCount": 120, "Labels": ["dent"]}],
                    )
                ],
                "ConsumedCapacity": {"Units": 1.5},
            }
        ),
    )

    page = await rek.describe_projects()

    assert page.model_extra == {"ConsumedCapacity": {"Units": 1.5}}
    (proj,) = page.project_descriptions or []
    assert proj.model_extra == {"VersionCount": 3}
    assert proj.status == "CREATED"  # known fields still typed alongside
    (ds,) = proj.datasets or []
    assert ds.model_extra == {"ImageCount": 120, "Labels": ["dent"]}
    assert ds.dataset_type == "TRAIN"


async def test_empty_reply_yields_nothing(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.always(OP, ok({}))

    page = await rek.describe_projects()
    got = [p async for p in rek.describe_projects()]

    assert page.project_descriptions is None
    assert page.next_token is None
    assert got == []
    assert len(fake_aws.requests) == 2


async def test_items_from_iteration_equal_the_page_items(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    body = {"ProjectDescriptions": [project("a", AutoUpdate="DISABLED"), project("b", Status="DELETING")]}
    fake_aws.on(OP, ok(body), ok(body))

    page = await rek.describe_projects()
    items = [p async for p in rek.describe_projects()]

    assert items == page.project_descriptions
    assert [p.status for p in items] == ["CREATED", "DELETING"]


async def test_item_and_page_iterators_close_at_the_end_of_an_async_with(
    rek: RekognitionClient, fake_aws: FakeAws
) -> None:
    fake_aws.always(OP, ok({"ProjectDescriptions": [project("a"), project("b")], "NextToken": "more"}))
    async with aiter(rek.describe_projects()) as items:
        assert (await anext(items)).project_arn == project_arn("a")
    assert [p async for p in items] == []  # closed: no more pages requested
    async with rek.describe_projects().pages() as pages:
        await anext(pages)
    assert [p async for p in pages] == []
    assert len(fake_aws.requests) == 2
