"""ListDatasetEntries in depth: the wire request, validation, errors and retries, pagination, replies.

Seed page: /work/shared/seeds/002_*.txt (Rekognition ``list_dataset_entries``).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable
from typing import Any, TypeVar

import anyio
import pytest
from pydantic import ValidationError

from aws_vision_async import RekognitionClient
from aws_vision_async import errors as base
from aws_vision_async.rekognition import _operations as ops
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import ListDatasetEntriesResponse

from ..fakeaws import FakeAws, Recorded, Reply, drop, ok, rek_error
from ._checks import check_documented_error

pytestmark = pytest.mark.anyio

T = TypeVar("T")

OP = "ListDatasetEntries"
ARN = "arn:aws:rekognition:us-east-1:123456789012:project/widgets/dataset/train/1700000000000"
TEST_ARN = "arn:aws-cn:rekognition:cn-north-1:123456789012:project/my.project_v-2/dataset/test/1"

# -- realistic Ground Truth manifest lines (JSON Lines, one image each) --------------------------

#: Image classification, compact separators as Rekognition stores them.
CLASSIFICATION = json.dumps(
    {
        "source-ref": "s3://amzn-s3-demo-bucket/widgets/train/img_0001.jpg",
        "widget-label": 1,
        "widget-label-metadata": {
            "confidence": 1,
            "job-name": "labeling-job/widget-label",
            "class-name": "dent",
            "human-annotated": "yes",
            "creation-date": "2023-11-14T22:13:20.500",
            "type": "groundtruth/image-classification",
        },
    },
    separators=(",", ":"),
)

#: Object detection with bounding boxes; Python's default separators (with spaces) must survive.
BOUNDING_BOXES = json.dumps(
    {
        "source-ref": "s3://amzn-s3-demo-bucket/widgets/train/img_0002.jpg",
        "bounding-box": {
            "image_size": [{"width": 640, "height": 480, "depth": 3}],
            "annotations": [
                {"class_id": 0, "top": 37, "left": 112, "width": 91, "height": 64},
                {"class_id": 1, "top": 250, "left": 20, "width": 300, "height": 120},
            ],
        },
        "bounding-box-metadata": {
            "objects": [{"confidence": 1}, {"confidence": 0.87}],
            "class-map": {"0": "scratch", "1": "dent"},
            "type": "groundtruth/object-detection",
            "human-annotated": "yes",
            "creation-date": "2023-11-14T22:13:20",
            "job-name": "labeling-job/bounding-box",
        },
    }
)

#: A line with non-terminal errors, a non-ASCII key, and escapes inside the line itself.
WITH_ERRORS = (
    '{"source-ref":"s3://amzn-s3-demo-bucket/widgets/caf\u00e9/\\"odd\\" name.jpg",'
    '"bounding-box":{"image_size":[{"width":0,"height":480,"depth":3}],"annotations":[]},'
    '"bounding-box-metadata":{"objects":[],"class-map":{},"type":"groundtruth/object-detection",'
    '"human-annotated":"yes","creation-date":"2023-11-14T22:13:20","job-name":"labeling-job/bb",'
    '"errors":[{"code":"ERROR_INVALID_IMAGE_DIMENSION","message":"The image width must be positive."}]},'
    '"errors":[{"code":"ERROR_NO_LABEL_ATTRIBUTES","message":"No label attributes found.\\tTab."}]}'
)

#: An unlabeled image: only the source.
UNLABELED = '{"source-ref":"s3://amzn-s3-demo-bucket/widgets/unlabeled/img_0099.png"}'


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


def page(*entries: str, token: str | None = None) -> Any:
    body: dict[str, Any] = {"DatasetEntries": list(entries)}
    if token is not None:
        body["NextToken"] = token
    return ok(body)


# -- the request on the wire -------------------------------------------------------------------


async def test_only_the_dataset_arn_is_sent_by_default(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, page())

    await rek.list_dataset_entries(dataset_arn=ARN)

    (rec,) = fake_aws.requests
    assert rec.operation == OP
    assert (rec.method, rec.path) == ("POST", "/")
    assert header(rec, "X-Amz-Target") == "RekognitionService.ListDatasetEntries"
    assert header(rec, "Content-Type") == "application/x-amz-json-1.1"
    assert rec.json == {"DatasetArn": ARN}


@pytest.mark.parametrize(
    ("kwargs", "wire"),
    [
        pytest.param({"dataset_arn": TEST_ARN}, {"DatasetArn": TEST_ARN}, id="test-dataset-other-partition"),
        pytest.param({"contains_labels": ["dent"]}, {"ContainsLabels": ["dent"]}, id="contains_labels-one"),
        pytest.param(
            {"contains_labels": ["dent", "scratch", "Label with spaces & ünïcode"]},
            {"ContainsLabels": ["dent", "scratch", "Label with spaces & ünïcode"]},
            id="contains_labels-several",
        ),
        pytest.param(
            {"contains_labels": [f"l{i}" for i in range(10)]},
            {"ContainsLabels": [f"l{i}" for i in range(10)]},
            id="contains_labels-ten",
        ),
        pytest.param({"contains_labels": ["x" * 255]}, {"ContainsLabels": ["x" * 255]}, id="contains_labels-longest"),
        pytest.param({"labeled": True}, {"Labeled": True}, id="labeled-true"),
        pytest.param({"labeled": False}, {"Labeled": False}, id="labeled-false"),
        pytest.param({"has_errors": True}, {"HasErrors": True}, id="has_errors-true"),
        pytest.param({"has_errors": False}, {"HasErrors": False}, id="has_errors-false"),
        pytest.param(
            {"source_ref_contains": "s3://amzn-s3-demo-bucket/widgets/train/"},
            {"SourceRefContains": "s3://amzn-s3-demo-bucket/widgets/train/"},
            id="source_ref_contains",
        ),
        pytest.param(
            {"source_ref_contains": " img_0001.jpg "},
            {"SourceRefContains": " img_0001.jpg "},
            id="source_ref_contains-spaces-kept",
        ),
        pytest.param(
            {"source_ref_contains": "s" * 2048}, {"SourceRefContains": "s" * 2048}, id="source_ref_contains-longest"
        ),
        pytest.param({"next_token": "page-2"}, {"NextToken": "page-2"}, id="next_token"),
        pytest.param({"next_token": ""}, {"NextToken": ""}, id="next_token-explicit-empty"),
        pytest.param({"max_results": 1}, {"MaxResults": 1}, id="max_results-lowest"),
        pytest.param({"max_results": 100}, {"MaxResults": 100}, id="max_results-highest"),
        pytest.param(
            {
                "contains_labels": ["dent"],
                "labeled": False,
                "source_ref_contains": "train/",
                "has_errors": False,
                "next_token": "tok",
                "max_results": 50,
            },
            {
                "ContainsLabels": ["dent"],
                "Labeled": False,
                "SourceRefContains": "train/",
                "HasErrors": False,
                "NextToken": "tok",
                "MaxResults": 50,
            },
            id="all-together-with-false-flags",
        ),
    ],
)
async def test_parameters_are_sent_with_their_aws_names(
    rek: RekognitionClient, fake_aws: FakeAws, kwargs: dict[str, Any], wire: dict[str, Any]
) -> None:
    fake_aws.on(OP, page())
    call = {"dataset_arn": ARN, **kwargs}

    await rek.list_dataset_entries(**call)

    (rec,) = fake_aws.requests
    assert header(rec, "X-Amz-Target") == "RekognitionService.ListDatasetEntries"
    assert rec.json == {"DatasetArn": ARN, **wire}
    # JSON booleans, not strings or numbers.
    for key in ("Labeled", "HasErrors"):
        if key in wire:
            assert rec.json[key] is wire[key]


# -- validation before any I/O -----------------------------------------------------------------

_BAD_ARNS = {
    "wrong-dataset-type": ARN.replace("/train/", "/validation/"),
    "wrong-service": ARN.replace(":rekognition:", ":s3:"),
    "short-account": ARN.replace("123456789012", "12345678901"),
    "project-arn-not-dataset": "arn:aws:rekognition:us-east-1:123456789012:project/widgets/1700000000000",
    "no-version": ARN.rsplit("/", 1)[0] + "/",
    "bad-project-name": ARN.replace("widgets", "wid gets"),
    "uppercase-region": ARN.replace("us-east-1", "US-EAST-1"),
    "trailing-newline": ARN + "\n",
    "leading-space": " " + ARN,
    "too-short": "arn:aws:rekognition",
    "too-long": ARN.rsplit("/", 1)[0] + "/" + "1" * 2048,
    "empty": "",
}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        *(
            pytest.param({"dataset_arn": arn}, "dataset_arn", id=f"dataset_arn-{name}")
            for name, arn in _BAD_ARNS.items()
        ),
        pytest.param({"dataset_arn": 123}, "dataset_arn", id="dataset_arn-int"),
        pytest.param({"max_results": 0}, "max_results", id="max_results-0"),
        pytest.param({"max_results": 101}, "max_results", id="max_results-101"),
        pytest.param({"max_results": "5"}, "max_results", id="max_results-str"),
        pytest.param({"max_results": 2.0}, "max_results", id="max_results-float"),
        pytest.param({"max_results": False}, "max_results", id="max_results-bool"),
        pytest.param({"next_token": "t" * 1025}, "next_token", id="next_token-too-long"),
        # ContainsLabels requires 1 to 10 labels: an empty list is not allowed by the model.
        pytest.param({"contains_labels": []}, "contains_labels", id="contains_labels-empty-list"),
        pytest.param({"contains_labels": [f"l{i}" for i in range(11)]}, "contains_labels", id="contains_labels-11"),
        pytest.param({"contains_labels": [""]}, "contains_labels", id="contains_labels-empty-label"),
        pytest.param({"contains_labels": ["x" * 256]}, "contains_labels", id="contains_labels-label-too-long"),
        pytest.param({"contains_labels": ["dent\n"]}, "contains_labels", id="contains_labels-trailing-newline"),
        pytest.param({"contains_labels": "dent"}, "contains_labels", id="contains_labels-str-not-list"),
        pytest.param({"contains_labels": [1]}, "contains_labels", id="contains_labels-int-label"),
        pytest.param({"labeled": "true"}, "labeled", id="labeled-str"),
        pytest.param({"labeled": 1}, "labeled", id="labeled-int"),
        pytest.param({"has_errors": "false"}, "has_errors", id="has_errors-str"),
        pytest.param({"has_errors": 0}, "has_errors", id="has_errors-int"),
        pytest.param({"source_ref_contains": ""}, "source_ref_contains", id="source_ref_contains-empty"),
        pytest.param({"source_ref_contains": "   "}, "source_ref_contains", id="source_ref_contains-blank"),
        pytest.param({"source_ref_contains": "train/\n"}, "source_ref_contains", id="source_ref_contains-newline"),
        pytest.param({"source_ref_contains": "s" * 2049}, "source_ref_contains", id="source_ref_contains-too-long"),
    ],
)
async def test_invalid_input_raises_before_any_request(
    rek: RekognitionClient, fake_aws: FakeAws, kwargs: dict[str, Any], field: str
) -> None:
    fake_aws.always(OP, page())
    call = {"dataset_arn": ARN, **kwargs}

    with pytest.raises(ValueError, match=field) as info:
        await rek.list_dataset_entries(**call)

    assert isinstance(info.value, ValidationError)
    assert {err["loc"][0] for err in info.value.errors()} == {field}
    assert fake_aws.requests == []


async def test_dataset_arn_is_required(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    no_arn: dict[str, Any] = {"labeled": True}
    with pytest.raises(TypeError, match="dataset_arn"):
        rek.list_dataset_entries(**no_arn)
    assert fake_aws.requests == []


async def test_dataset_arn_none_is_reported_missing(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    # None means "not given", so the required field is missing. pydantic names a missing
    # field by its alias (DatasetArn), where other errors use the Python name.
    no_arn: dict[str, Any] = {"dataset_arn": None}
    with pytest.raises(ValidationError) as info:
        await rek.list_dataset_entries(**no_arn)
    ((error),) = info.value.errors()
    assert error["type"] == "missing"
    assert error["loc"][0] in {"dataset_arn", "DatasetArn"}
    assert str(error["loc"][0]) in str(info.value)
    assert fake_aws.requests == []


async def test_invalid_input_raises_at_call_time(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    with pytest.raises(ValidationError, match="dataset_arn"):
        rek.list_dataset_entries(dataset_arn=ARN + "\n")
    assert fake_aws.requests == []


# -- errors and retries ------------------------------------------------------------------------

#: Every error the seed page documents: (HTTP status, category base, retried?).
DOCUMENTED_ERRORS: dict[str, tuple[int, type[base.ServiceError], bool]] = {
    "InternalServerError": (500, base.TransientError, True),
    "ThrottlingException": (400, base.ThrottlingError, True),
    "ProvisionedThroughputExceededException": (400, base.ThrottlingError, True),
    "InvalidParameterException": (400, base.InvalidRequestError, False),
    "AccessDeniedException": (400, base.AccessDeniedError, False),
    "ResourceInUseException": (400, base.ConflictError, False),
    "ResourceNotFoundException": (400, base.NotFoundError, False),
    "InvalidPaginationTokenException": (400, base.InvalidRequestError, False),
    "ResourceNotReadyException": (400, base.ConflictError, False),
}
RETRYABLE = sorted(code for code, (_, _, retried) in DOCUMENTED_ERRORS.items() if retried)
NOT_RETRYABLE = sorted(code for code, (_, _, retried) in DOCUMENTED_ERRORS.items() if not retried)


def test_operation_documents_the_seed_errors() -> None:
    assert ops.LIST_DATASET_ENTRIES.name == OP
    assert set(ops.LIST_DATASET_ENTRIES.errors) == set(DOCUMENTED_ERRORS)
    assert set(ops.LIST_DATASET_ENTRIES.retryable) == set(RETRYABLE)


@pytest.mark.parametrize("code", sorted(DOCUMENTED_ERRORS))
async def test_documented_error_raises_its_typed_class(rek: RekognitionClient, fake_aws: FakeAws, code: str) -> None:
    status = DOCUMENTED_ERRORS[code][0]
    fake_aws.always(OP, rek_error(code, f"{code}: dataset {ARN}", status))

    with pytest.raises(base.ServiceError) as info:
        await rek.list_dataset_entries(dataset_arn=ARN, labeled=False)

    check_documented_error(
        info.value,
        fake_aws,
        code=code,
        documented=DOCUMENTED_ERRORS[code],
        message=f"{code}: dataset {ARN}",
        operation=OP,
        body={"DatasetArn": ARN, "Labeled": False},
    )


@pytest.mark.parametrize("code", RETRYABLE)
async def test_retryable_error_is_retried_until_success(rek: RekognitionClient, fake_aws: FakeAws, code: str) -> None:
    failure = rek_error(code, "try again", DOCUMENTED_ERRORS[code][0])
    fake_aws.on(OP, failure, failure, page(CLASSIFICATION))

    result = await rek.list_dataset_entries(dataset_arn=ARN)

    assert result.dataset_entries == [CLASSIFICATION]
    assert len(fake_aws.requests) == 3


@pytest.mark.parametrize("code", NOT_RETRYABLE)
async def test_non_retryable_error_makes_exactly_one_request(
    rek: RekognitionClient, fake_aws: FakeAws, code: str
) -> None:
    fake_aws.on(OP, rek_error(code, "no", DOCUMENTED_ERRORS[code][0]), page(CLASSIFICATION))

    with pytest.raises(getattr(rek_errors, code)):
        await rek.list_dataset_entries(dataset_arn=ARN)

    assert len(fake_aws.requests) == 1


async def test_limit_exceeded_is_not_retried(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    # Not documented for this operation, and a quota rather than a rate: typed, never retried.
    fake_aws.always(OP, rek_error("LimitExceededException", "too many jobs"))

    with pytest.raises(rek_errors.LimitExceededException) as info:
        await rek.list_dataset_entries(dataset_arn=ARN)

    assert isinstance(info.value, base.QuotaExceededError)
    assert not isinstance(info.value, base.ThrottlingError)
    assert len(fake_aws.requests) == 1


# -- pagination --------------------------------------------------------------------------------


async def test_await_makes_one_request_and_returns_the_page(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, page(CLASSIFICATION, BOUNDING_BOXES, token="t1"), page(UNLABELED))

    result = await rek.list_dataset_entries(dataset_arn=ARN, max_results=2)

    assert isinstance(result, ListDatasetEntriesResponse)
    assert result.dataset_entries == [CLASSIFICATION, BOUNDING_BOXES]
    assert result.next_token == "t1"
    assert len(fake_aws.requests) == 1


async def test_next_token_fetches_that_page(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, page(UNLABELED))

    result = await rek.list_dataset_entries(dataset_arn=ARN, next_token="t1")

    assert result.dataset_entries == [UNLABELED]
    assert result.next_token is None
    assert fake_aws.requests[0].json == {"DatasetArn": ARN, "NextToken": "t1"}


async def test_async_for_follows_tokens_across_empty_pages(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        OP,
        page(CLASSIFICATION, token="t1"),
        page(token="t2"),  # an empty page that says there is more
        ok({"NextToken": "t3"}),  # no DatasetEntries key at all
        page(BOUNDING_BOXES, WITH_ERRORS, token="t4"),
        page(UNLABELED),
    )

    got = [line async for line in rek.list_dataset_entries(dataset_arn=ARN)]

    assert got == [CLASSIFICATION, BOUNDING_BOXES, WITH_ERRORS, UNLABELED]
    assert sent_tokens(fake_aws) == [None, "t1", "t2", "t3", "t4"]


async def test_pages_yields_response_models(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, page(CLASSIFICATION, token="t1"), page(token="t2"), page(UNLABELED))

    pages = [p async for p in rek.list_dataset_entries(dataset_arn=ARN).pages()]

    assert [type(p) for p in pages] == [ListDatasetEntriesResponse] * 3
    assert [p.dataset_entries for p in pages] == [[CLASSIFICATION], [], [UNLABELED]]
    assert [p.next_token for p in pages] == ["t1", "t2", None]


@pytest.mark.parametrize(
    ("tokens", "start"),
    [
        pytest.param(["t1", "t1"], None, id="same-token-twice"),
        pytest.param(["t1", "t2", "t3", "t2"], None, id="token-comes-back-later"),
        pytest.param(["t0"], "t0", id="reply-repeats-the-starting-token"),
    ],
)
async def test_repeated_token_raises_pagination_error(
    rek: RekognitionClient, fake_aws: FakeAws, tokens: list[str], start: str | None
) -> None:
    fake_aws.on(OP, *(page(f"line-{i}", token=t) for i, t in enumerate(tokens)))
    fake_aws.always(OP, page("never", token="fresh"))
    got: list[str] = []

    with pytest.raises(base.PaginationError):
        await drain(rek.list_dataset_entries(dataset_arn=ARN, next_token=start), got)

    assert got == [f"line-{i}" for i in range(len(tokens))]
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
        page(CLASSIFICATION, token="t1"),
        failure,
        page(BOUNDING_BOXES, token="t2"),
        failure,
        failure,
        failure,
        page(WITH_ERRORS),
    )

    got = [line async for line in rek.list_dataset_entries(dataset_arn=ARN, has_errors=False)]

    assert got == [CLASSIFICATION, BOUNDING_BOXES, WITH_ERRORS]
    assert sent_tokens(fake_aws) == [None, "t1", "t1", "t2", "t2", "t2", "t2"]
    # Apart from the token, every attempt is the same request.
    filters = [{k: v for k, v in c.json.items() if k != "NextToken"} for c in fake_aws.requests]
    assert filters == [{"DatasetArn": ARN, "HasErrors": False}] * 7


async def test_resource_not_ready_mid_pagination_is_raised_at_once(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, page(CLASSIFICATION, token="t1"), rek_error("ResourceNotReadyException", "dataset updating"))
    fake_aws.always(OP, page("never"))
    got: list[str] = []

    with pytest.raises(rek_errors.ResourceNotReadyException):
        await drain(rek.list_dataset_entries(dataset_arn=ARN), got)

    assert got == [CLASSIFICATION]
    assert len(fake_aws.requests) == 2


async def test_filters_are_sent_on_every_page(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, page(CLASSIFICATION, token="t1"), page(token="t2"), page(BOUNDING_BOXES))
    filters = {
        "DatasetArn": ARN,
        "ContainsLabels": ["dent", "scratch"],
        "Labeled": True,
        "SourceRefContains": "widgets/train/",
        "HasErrors": False,
        "MaxResults": 1,
    }

    got = [
        line
        async for line in rek.list_dataset_entries(
            dataset_arn=ARN,
            contains_labels=["dent", "scratch"],
            labeled=True,
            source_ref_contains="widgets/train/",
            has_errors=False,
            max_results=1,
        )
    ]

    assert got == [CLASSIFICATION, BOUNDING_BOXES]
    assert [c.json for c in fake_aws.calls(OP)] == [
        filters,
        {**filters, "NextToken": "t1"},
        {**filters, "NextToken": "t2"},
    ]


# -- replies -----------------------------------------------------------------------------------


async def test_entries_are_the_json_lines_verbatim(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    lines = [CLASSIFICATION, BOUNDING_BOXES, WITH_ERRORS, UNLABELED]
    fake_aws.on(OP, page(*lines))

    got = [line async for line in rek.list_dataset_entries(dataset_arn=ARN)]

    # The same strings, character for character: not parsed, re-serialized, or re-spaced.
    assert got == lines
    assert all(type(line) is str for line in got)
    assert ": " in got[1]  # BOUNDING_BOXES kept its spaces
    # They remain valid JSON Lines with their nested structure intact.
    parsed = [json.loads(line) for line in got]
    assert parsed[0]["widget-label-metadata"]["class-name"] == "dent"
    assert parsed[1]["bounding-box"]["annotations"][0] == {
        "class_id": 0,
        "top": 37,
        "left": 112,
        "width": 91,
        "height": 64,
    }
    assert parsed[1]["bounding-box-metadata"]["class-map"] == {"0": "scratch", "1": "dent"}
    assert parsed[2]["source-ref"] == 's3://amzn-s3-demo-bucket/widgets/café/"odd" name.jpg'
    assert parsed[2]["errors"] == [{"code": "ERROR_NO_LABEL_ATTRIBUTES", "message": "No label attributes found.\tTab."}]
    assert parsed[2]["bounding-box-metadata"]["errors"][0]["code"] == "ERROR_INVALID_IMAGE_DIMENSION"
    assert parsed[3] == {"source-ref": "s3://amzn-s3-demo-bucket/widgets/unlabeled/img_0099.png"}


async def test_entries_survive_a_raw_reply_with_escaped_unicode(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    # A service may escape non-ASCII as \uXXXX; the entry is the decoded string.
    raw = b'{"DatasetEntries":["{\\"source-ref\\":\\"s3://b/caf\\u00e9.jpg\\"}"]}'
    fake_aws.on(OP, Reply(200, raw=raw))

    got = [line async for line in rek.list_dataset_entries(dataset_arn=ARN)]

    assert got == ['{"source-ref":"s3://b/café.jpg"}']


async def test_unknown_fields_are_kept(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(OP, ok({"DatasetEntries": [UNLABELED], "DatasetStats": {"Labeled": 1, "Total": 2}}))

    result = await rek.list_dataset_entries(dataset_arn=ARN)

    assert result.dataset_entries == [UNLABELED]
    assert result.model_extra == {"DatasetStats": {"Labeled": 1, "Total": 2}}


async def test_empty_reply_yields_nothing(rek: RekognitionClient, fake_aws: FakeAws) -> None:
    fake_aws.always(OP, ok({}))

    result = await rek.list_dataset_entries(dataset_arn=ARN)
    got = [line async for line in rek.list_dataset_entries(dataset_arn=ARN)]

    assert result.dataset_entries is None
    assert result.next_token is None
    assert got == []
    assert len(fake_aws.requests) == 2
