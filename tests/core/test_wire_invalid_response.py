"""A 2xx reply that does not fit its response model is an ``InvalidResponseError``, not a ``ValueError``.

``ValueError`` is what the SDK raises for bad input from the caller; a proxy's
HTML page, a truncated body or a field of the wrong type is none of that. The
error keeps the status and request id, says what was wrong in a few words, and
never quotes the body.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable

import pytest
from pydantic import ValidationError

from aws_vision_async import AwsVisionError, InvalidResponseError, LookoutVisionClient, RekognitionClient, RetryPolicy
from aws_vision_async._core.model import invalid_reason, validate_response_obj
from aws_vision_async.rekognition.models import DescribeCollectionResponse

from ..conftest import client_kwargs
from ..fakeaws import FakeAws, Reply
from ._support import COLLECTION_BODY
from ._wire import anyio_backend, http_backend

__all__ = ["anyio_backend", "http_backend"]

pytestmark = pytest.mark.anyio

#: In every body below: must never show in the error.
MARKER = "BODY-MARKER-" * 400


def html_page() -> Reply:
    page = f"<html><head><title>Login</title></head><body>{MARKER}</body></html>"
    return Reply(200, raw=page.encode(), content_type="text/html")


def truncated() -> Reply:
    text = '{"FaceCount": 3, "FaceModelVersion": "' + MARKER
    return Reply(200, raw=text.encode())


def wrong_type() -> Reply:
    return Reply(200, {**COLLECTION_BODY, "FaceCount": "many " + MARKER})


CASES = [
    pytest.param(html_page, "is not valid JSON", id="html"),
    pytest.param(truncated, "is not valid JSON", id="truncated"),
    pytest.param(wrong_type, "face_count: Input should be a valid integer", id="wrong-type"),
]


@pytest.mark.parametrize("direct", [True, False])
@pytest.mark.parametrize(("reply", "says"), CASES)
async def test_an_unfit_reply_is_an_invalid_response_error(
    fake_aws: FakeAws, http_backend: str, direct: bool, reply: Callable[[], Reply], says: str
) -> None:
    fake_aws.always("DescribeCollection", reply())
    kwargs = client_kwargs(fake_aws, http_backend=http_backend, direct=direct, retry_policy=RetryPolicy(max_attempts=4))
    async with RekognitionClient(**kwargs) as rek:
        with pytest.raises(InvalidResponseError) as caught:
            await rek.describe_collection(collection_id="c")
    err = caught.value
    assert isinstance(err, AwsVisionError)
    assert not isinstance(err, ValueError)
    assert len(fake_aws.calls("DescribeCollection")) == 1  # not retried
    assert err.status_code == 200
    assert err.request_id == "req-1"
    assert err.operation_name == "DescribeCollection"
    assert says in err.reason
    text = str(err)
    assert "BODY-MARKER" not in text
    assert "BODY-MARKER" not in repr(err)
    assert "\n" not in text
    assert len(text) < 400
    assert text.startswith("invalid reply of DescribeCollection, HTTP 200: ")
    assert text.endswith("(request id req-1)")
    # Not chained to pydantic's error, which quotes the values.
    assert err.__cause__ is None
    assert err.__context__ is None


async def test_an_html_page_says_what_it_looks_like(fake_aws: FakeAws) -> None:
    fake_aws.always("DescribeCollection", html_page())
    async with RekognitionClient(**client_kwargs(fake_aws)) as rek:
        with pytest.raises(InvalidResponseError) as caught:
            await rek.describe_collection(collection_id="c")
    assert "(text/html)" in caught.value.reason
    assert "'<html><head><title>Login" in caught.value.reason


async def test_lookoutvision_unfit_reply(fake_aws: FakeAws, http_backend: str) -> None:
    fake_aws.always("DescribeProject", Reply(200, {"ProjectDescription": {"ProjectName": 5, "Datasets": "x"}}))
    with pytest.warns(DeprecationWarning, match="end of support"):
        lfv = LookoutVisionClient(**client_kwargs(fake_aws, http_backend=http_backend))
    async with lfv:
        with pytest.raises(InvalidResponseError) as caught:
            await lfv.describe_project(project_name="p")
    assert caught.value.status_code == 200
    assert caught.value.reason.startswith("project_description.")
    assert "more problem" in caught.value.reason
    assert len(fake_aws.calls("DescribeProject")) == 1


def test_a_parsed_reply_that_does_not_fit_names_the_field() -> None:
    # botocore's path when its parser ran (outputs bound to headers): the same reason.
    with pytest.raises(ValidationError) as caught:
        validate_response_obj(DescribeCollectionResponse, {"FaceCount": "many"})
    assert invalid_reason(caught.value).startswith("face_count: ")


def test_the_reason_is_bounded() -> None:
    err = InvalidResponseError("x" * 5000, operation_name="Op", status_code=200)
    assert len(err.reason) == InvalidResponseError.MAX_REASON
    assert err.reason.endswith("...")


def test_str_without_request_id_or_operation() -> None:
    assert str(InvalidResponseError("bad", status_code=200)) == "invalid reply, HTTP 200: bad"


def test_pickles() -> None:
    err = InvalidResponseError("FaceCount: bad", operation_name="Op", status_code=200, request_id="r")
    back = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own data
    assert type(back) is InvalidResponseError
    assert (back.reason, back.operation_name, back.status_code, back.request_id) == ("FaceCount: bad", "Op", 200, "r")
    assert str(back) == str(err)
