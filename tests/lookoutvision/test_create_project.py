"""Lookout for Vision CreateProject: the wire format, the idempotency token, input validation and errors.

Sources: the SDK page (seed 001) and the HTTP API page (seed 004): ``POST
/2020-11-20/projects``, the token in ``X-Amzn-Client-Token`` (1-64 characters of
``^[a-zA-Z0-9-]+$``), ``ProjectName`` 1-255 characters of
``[a-zA-Z0-9][a-zA-Z0-9_\\-]*``, and each error with its HTTP status.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from aws_vision_async import (
    AccessDeniedError,
    ConflictError,
    InvalidRequestError,
    LookoutVisionClient,
    NotFoundError,
    QuotaExceededError,
    ServiceError,
    ThrottlingError,
    TransientError,
)
from aws_vision_async.lookoutvision import errors as lfv_errors
from aws_vision_async.lookoutvision.models import CreateProjectResponse, ProjectMetadata

from ..fakeaws import FakeAws, Recorded, drop, lfv_error, ok

pytestmark = pytest.mark.anyio

TOKEN_HEADER = "X-Amzn-Client-Token"
TOKEN_RE = re.compile(r"[a-zA-Z0-9-]+")
ARN = "arn:aws:lookoutvision:us-east-1:123456789012:project/widgets"
CREATED = 1_700_000_000  # 2023-11-14T22:13:20Z


def project_reply(name: str = "widgets") -> dict[str, Any]:
    return {"ProjectMetadata": {"ProjectArn": ARN, "ProjectName": name, "CreationTimestamp": CREATED}}


def header(rec: Recorded, name: str) -> str | None:
    """A request header, looked up without regard to case."""
    matches = [v for k, v in rec.headers.items() if k.lower() == name.lower()]
    assert len(matches) <= 1, f"header {name} sent {len(matches)} times"
    return matches[0] if matches else None


def token_of(rec: Recorded) -> str:
    value = header(rec, TOKEN_HEADER)
    assert value is not None, f"no {TOKEN_HEADER} header on {rec.method} {rec.path}"
    return value


def assert_valid_token(token: str) -> None:
    assert 1 <= len(token) <= 64, token
    assert TOKEN_RE.fullmatch(token), token


# -- the request on the wire -------------------------------------------------------------------


async def test_request_is_post_to_projects_with_name_in_body_and_token_in_header(
    lfv: LookoutVisionClient, fake_aws: FakeAws
) -> None:
    fake_aws.on("CreateProject", ok(project_reply()))

    await lfv.create_project(project_name="widgets", client_token="my-token-1")

    [rec] = fake_aws.requests
    assert rec.operation == "CreateProject"
    assert rec.method == "POST"
    assert rec.path == "/2020-11-20/projects"
    assert rec.query == {}
    assert rec.json == {"ProjectName": "widgets"}
    assert token_of(rec) == "my-token-1"
    assert b"my-token-1" not in rec.body
    assert (header(rec, "Content-Type") or "").startswith("application/json")


async def test_reply_becomes_model_with_utc_timestamp(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on("CreateProject", ok(project_reply()))

    result = await lfv.create_project(project_name="widgets")

    assert isinstance(result, CreateProjectResponse)
    meta = result.project_metadata
    assert isinstance(meta, ProjectMetadata)
    assert meta.project_arn == ARN
    assert meta.project_name == "widgets"
    assert meta.creation_timestamp == datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    assert meta.creation_timestamp is not None
    assert meta.creation_timestamp.utcoffset() == timedelta(0)


async def test_wire_names_are_accepted_too(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    # Only the keyword-only snake_case signature is public; the model also takes wire names.
    from aws_vision_async.lookoutvision.models import CreateProjectRequest

    request = CreateProjectRequest.model_validate({"ProjectName": "w", "ClientToken": "t-1"})
    assert request.project_name == "w"
    assert request.client_token == "t-1"
    assert fake_aws.requests == []


# -- the idempotency token ------------------------------------------------------------------------


async def test_token_generated_when_absent(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on("CreateProject", ok(project_reply()))

    await lfv.create_project(project_name="widgets")

    [rec] = fake_aws.requests
    assert_valid_token(token_of(rec))
    assert rec.json == {"ProjectName": "widgets"}


async def test_separate_calls_get_different_tokens(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.always("CreateProject", ok(project_reply()))

    for _ in range(3):
        await lfv.create_project(project_name="widgets")

    tokens = [token_of(r) for r in fake_aws.calls("CreateProject")]
    assert len(tokens) == 3
    assert len(set(tokens)) == 3, tokens
    for token in tokens:
        assert_valid_token(token)


@pytest.mark.parametrize(
    "failures",
    [
        pytest.param([lfv_error("ThrottlingException", 429, "slow down")], id="throttling-429"),
        pytest.param([lfv_error("InternalServerException", 500, "oops")], id="internal-500"),
        pytest.param([drop()], id="dropped-connection"),
        pytest.param(
            [lfv_error("ThrottlingException", 429), lfv_error("InternalServerException", 500), drop()],
            id="all-three",
        ),
    ],
)
@pytest.mark.parametrize("given", [None, "caller-token-42"], ids=["generated", "caller"])
async def test_every_retry_carries_the_same_token(
    lfv: LookoutVisionClient, fake_aws: FakeAws, failures: list[Any], given: str | None
) -> None:
    fake_aws.on("CreateProject", *failures, ok(project_reply()))

    result = await lfv.create_project(project_name="widgets", client_token=given)

    assert result.project_metadata is not None
    assert result.project_metadata.project_name == "widgets"
    calls = fake_aws.calls("CreateProject")
    assert len(calls) == len(failures) + 1
    tokens = {token_of(r) for r in calls}
    assert len(tokens) == 1, tokens
    token = tokens.pop()
    assert_valid_token(token)
    if given is not None:
        assert token == given
    assert all(r.json == {"ProjectName": "widgets"} for r in calls)


async def test_retries_exhausted_all_with_one_token(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.always("CreateProject", lfv_error("InternalServerException", 500, "down"))

    with pytest.raises(lfv_errors.InternalServerException):
        await lfv.create_project(project_name="widgets")

    calls = fake_aws.calls("CreateProject")
    assert len(calls) == 4  # RetryPolicy(max_attempts=4) in the fixture
    assert len({token_of(r) for r in calls}) == 1


async def test_a_new_call_after_a_failed_call_gets_a_new_token(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on("CreateProject", lfv_error("ValidationException", 400), ok(project_reply()))

    with pytest.raises(lfv_errors.ValidationException):
        await lfv.create_project(project_name="widgets")
    await lfv.create_project(project_name="widgets")

    first, second = fake_aws.calls("CreateProject")
    assert token_of(first) != token_of(second)


@pytest.mark.parametrize(
    "token",
    ["a", "Z", "7", "-", "x" * 64, "abc-DEF-123", "0123456789abcdefABCDEF-", "3f2c9a1e-5b7d-4c8e-9f0a-1b2c3d4e5f60"],
)
async def test_caller_token_sent_verbatim(lfv: LookoutVisionClient, fake_aws: FakeAws, token: str) -> None:
    fake_aws.on("CreateProject", ok(project_reply()))

    await lfv.create_project(project_name="widgets", client_token=token)

    [rec] = fake_aws.requests
    assert token_of(rec) == token
    assert rec.json == {"ProjectName": "widgets"}


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("", id="empty"),
        pytest.param("x" * 65, id="65-chars"),
        pytest.param("a b", id="space"),
        pytest.param("a_b", id="underscore"),
        pytest.param("abc\r\nX-Injected: yes", id="crlf-injection"),
        pytest.param("abc\n", id="trailing-newline"),
        pytest.param("abc\r\n", id="trailing-crlf"),
        pytest.param("\nabc", id="leading-newline"),
        pytest.param("tok\x00en", id="nul"),
        pytest.param("tökén", id="non-ascii-letters"),
        pytest.param("\u0663\u0664", id="arabic-indic-digits"),
        pytest.param("\uff41\uff42", id="fullwidth-letters"),
        pytest.param("a.b", id="dot"),
        pytest.param("a/b", id="slash"),
    ],
)
async def test_invalid_token_rejected_before_any_request(
    lfv: LookoutVisionClient, fake_aws: FakeAws, token: str
) -> None:
    fake_aws.always("CreateProject", ok(project_reply()))

    with pytest.raises(ValueError, match=r"(?i)client_?token"):
        await lfv.create_project(project_name="widgets", client_token=token)

    assert fake_aws.requests == []


@pytest.mark.parametrize("token", [123, b"abc", ["abc"]], ids=["int", "bytes", "list"])
async def test_token_of_wrong_type_rejected(lfv: LookoutVisionClient, fake_aws: FakeAws, token: Any) -> None:
    with pytest.raises(ValueError, match=r"(?i)client_?token"):
        await lfv.create_project(project_name="widgets", client_token=token)
    assert fake_aws.requests == []


# -- ProjectName ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("a_b-c9", id="underscore-dash-digit"),
        pytest.param("x" * 255, id="255-chars"),
        pytest.param("A", id="one-letter"),
        pytest.param("9", id="one-digit"),
        pytest.param("9lives", id="leading-digit"),
        pytest.param("a--__--b", id="runs"),
        pytest.param("ends-with-dash-", id="trailing-dash"),
    ],
)
async def test_valid_project_names_are_sent(lfv: LookoutVisionClient, fake_aws: FakeAws, name: str) -> None:
    fake_aws.on("CreateProject", ok(project_reply(name)))

    result = await lfv.create_project(project_name=name)

    [rec] = fake_aws.requests
    assert rec.json == {"ProjectName": name}
    assert result.project_metadata is not None
    assert result.project_metadata.project_name == name


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("has space", id="space"),
        pytest.param("-leading", id="leading-dash"),
        pytest.param("_leading", id="leading-underscore"),
        pytest.param("", id="empty"),
        pytest.param("x" * 256, id="256-chars"),
        pytest.param("abc\n", id="trailing-newline"),
        pytest.param("\nabc", id="leading-newline"),
        pytest.param("abc\r\ndef", id="embedded-crlf"),
        pytest.param("a.b", id="dot"),
        pytest.param("a/b", id="slash"),
        pytest.param("ünïcode", id="non-ascii"),
        pytest.param("abc ", id="trailing-space"),
    ],
)
async def test_invalid_project_names_rejected_before_any_request(
    lfv: LookoutVisionClient, fake_aws: FakeAws, name: str
) -> None:
    fake_aws.always("CreateProject", ok(project_reply()))

    with pytest.raises(ValueError, match=r"(?i)project_?name"):
        await lfv.create_project(project_name=name)

    assert fake_aws.requests == []


async def test_project_name_is_required(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    with pytest.raises(TypeError):
        await lfv.create_project()  # type: ignore[call-arg]
    with pytest.raises(ValueError, match=r"(?i)project_?name"):
        await lfv.create_project(project_name=None)  # type: ignore[arg-type]
    assert fake_aws.requests == []


async def test_arguments_are_keyword_only(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    with pytest.raises(TypeError):
        await lfv.create_project("widgets")  # type: ignore[misc]
    assert fake_aws.requests == []


# -- errors ---------------------------------------------------------------------------------------

#: Every error CreateProject documents (seed 004), its HTTP status and its category
#: (tools/codegen/config.py classifies them from the same documentation).
DOCUMENTED_ERRORS: list[tuple[str, int, type[ServiceError], bool]] = [
    ("AccessDeniedException", 403, AccessDeniedError, False),
    ("ConflictException", 409, ConflictError, False),
    ("InternalServerException", 500, TransientError, True),
    ("ResourceNotFoundException", 404, NotFoundError, False),
    ("ServiceQuotaExceededException", 402, QuotaExceededError, False),
    ("ThrottlingException", 429, ThrottlingError, True),
    ("ValidationException", 400, InvalidRequestError, False),
]
NON_RETRYABLE = [e for e in DOCUMENTED_ERRORS if not e[3]]
RETRYABLE = [e for e in DOCUMENTED_ERRORS if e[3]]


def test_every_documented_error_has_its_class() -> None:
    codes = {code for code, *_ in DOCUMENTED_ERRORS}
    assert set(lfv_errors.ERRORS) == codes
    for code, _status, category, retryable in DOCUMENTED_ERRORS:
        cls = getattr(lfv_errors, code)
        assert lfv_errors.ERRORS[code] is cls
        assert issubclass(cls, lfv_errors.LookoutVisionError)
        assert issubclass(cls, category)
        assert cls.retryable is retryable, code
    from aws_vision_async.lookoutvision import _operations

    assert _operations.CREATE_PROJECT.errors == codes
    assert _operations.CREATE_PROJECT.retryable == {c for c, *_ in RETRYABLE}


def check_error(exc: ServiceError, code: str, status: int, category: type[ServiceError], message: str) -> None:
    assert type(exc) is getattr(lfv_errors, code)
    assert isinstance(exc, lfv_errors.LookoutVisionError)
    assert isinstance(exc, category)
    assert isinstance(exc, ServiceError)
    assert exc.code == code
    assert exc.message == message
    assert exc.status_code == status
    assert exc.operation_name == "CreateProject"


@pytest.mark.parametrize("spec", NON_RETRYABLE, ids=[e[0] for e in NON_RETRYABLE])
async def test_non_retryable_error_raised_after_one_request(
    lfv: LookoutVisionClient, fake_aws: FakeAws, spec: tuple[str, int, type[ServiceError], bool]
) -> None:
    code, status, category, _ = spec
    message = f"{code} happened to widgets"
    fake_aws.on("CreateProject", lfv_error(code, status, message), ok(project_reply()))

    with pytest.raises(category) as info:
        await lfv.create_project(project_name="widgets")

    check_error(info.value, code, status, category, message)
    assert len(fake_aws.calls("CreateProject")) == 1
    assert info.value.request_id == "req-1"  # the fake's x-amzn-RequestId for the first request
    assert info.value.retry_after is None


@pytest.mark.parametrize("spec", RETRYABLE, ids=[e[0] for e in RETRYABLE])
async def test_retryable_error_is_retried_then_succeeds(
    lfv: LookoutVisionClient, fake_aws: FakeAws, spec: tuple[str, int, type[ServiceError], bool]
) -> None:
    code, status, *_ = spec
    fake_aws.on("CreateProject", lfv_error(code, status), lfv_error(code, status), ok(project_reply()))

    result = await lfv.create_project(project_name="widgets")

    assert result.project_metadata is not None
    calls = fake_aws.calls("CreateProject")
    assert len(calls) == 3
    assert len({token_of(r) for r in calls}) == 1


@pytest.mark.parametrize("spec", RETRYABLE, ids=[e[0] for e in RETRYABLE])
async def test_retryable_error_raised_when_attempts_run_out(
    lfv: LookoutVisionClient, fake_aws: FakeAws, spec: tuple[str, int, type[ServiceError], bool]
) -> None:
    code, status, category, _ = spec
    message = f"{code}, still"
    fake_aws.always("CreateProject", lfv_error(code, status, message))

    with pytest.raises(category) as info:
        await lfv.create_project(project_name="widgets")

    check_error(info.value, code, status, category, message)
    assert len(fake_aws.calls("CreateProject")) == 4
    assert info.value.request_id == "req-4"  # the last attempt's
    assert info.value.retry_after is None


@pytest.mark.parametrize(
    ("code", "status", "seconds"),
    [("ThrottlingException", 429, 7), ("InternalServerException", 500, 2), ("ThrottlingException", 429, 0)],
)
async def test_retry_after_exposed_when_retries_run_out(
    lfv: LookoutVisionClient, fake_aws: FakeAws, code: str, status: int, seconds: int
) -> None:
    fake_aws.always("CreateProject", lfv_error(code, status, "wait", retry_after=seconds))

    with pytest.raises(ServiceError) as info:
        await lfv.create_project(project_name="widgets")

    assert type(info.value) is getattr(lfv_errors, code)
    assert isinstance(info.value.retry_after, float)
    assert info.value.retry_after == float(seconds)
    assert len(fake_aws.calls("CreateProject")) == 4


async def test_retry_after_on_a_non_retryable_error(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on("CreateProject", lfv_error("ServiceQuotaExceededException", 402, "quota", retry_after=30))

    with pytest.raises(lfv_errors.ServiceQuotaExceededException) as info:
        await lfv.create_project(project_name="widgets")

    assert info.value.retry_after == 30.0
    assert len(fake_aws.calls("CreateProject")) == 1


async def test_non_retryable_error_after_a_retry_stops_the_retries(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on(
        "CreateProject",
        lfv_error("ThrottlingException", 429),
        lfv_error("ConflictException", 409, "exists"),
        ok(project_reply()),
    )

    with pytest.raises(lfv_errors.ConflictException) as info:
        await lfv.create_project(project_name="widgets")

    assert info.value.message == "exists"
    assert info.value.request_id == "req-2"
    assert len(fake_aws.calls("CreateProject")) == 2


async def test_undocumented_error_code_raises_the_service_base(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on("CreateProject", lfv_error("BrandNewException", 418, "teapot"), ok(project_reply()))

    with pytest.raises(lfv_errors.LookoutVisionError) as info:
        await lfv.create_project(project_name="widgets")

    assert type(info.value) is lfv_errors.LookoutVisionError
    assert info.value.code == "BrandNewException"
    assert info.value.status_code == 418
    assert info.value.message == "teapot"
    assert len(fake_aws.calls("CreateProject")) == 1


async def test_error_str_names_code_operation_and_status(lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
    fake_aws.on("CreateProject", lfv_error("AccessDeniedException", 403, "no way"))

    with pytest.raises(AccessDeniedError) as info:
        await lfv.create_project(project_name="widgets")

    text = str(info.value)
    assert "AccessDeniedException" in text
    assert "CreateProject" in text
    assert "403" in text
    assert "no way" in text
