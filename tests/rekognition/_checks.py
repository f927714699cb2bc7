"""Assertions shared by the Rekognition seed-operation tests."""

from __future__ import annotations

from typing import Any

from aws_vision_async import errors as base
from aws_vision_async.rekognition import errors as rek_errors

from ..fakeaws import FakeAws

#: Attempts the ``rek`` fixture's RetryPolicy allows.
MAX_ATTEMPTS = 4


def check_documented_error(
    exc: base.ServiceError,
    fake_aws: FakeAws,
    *,
    code: str,
    documented: tuple[int, type[base.ServiceError], bool],
    message: str,
    operation: str,
    body: dict[str, Any],
) -> None:
    """``exc`` is the typed error for ``code``, raised after the right number of identical requests."""
    status, category, retried = documented
    assert type(exc) is getattr(rek_errors, code)
    assert isinstance(exc, category)
    assert isinstance(exc, rek_errors.RekognitionError)
    assert exc.retryable is retried
    expected_requests = MAX_ATTEMPTS if retried else 1
    assert len(fake_aws.requests) == expected_requests
    assert exc.code == code
    assert exc.message == message
    assert exc.status_code == status
    assert exc.request_id == f"req-{expected_requests}"  # the reply that was raised: the last one
    assert exc.operation_name == operation
    # Every attempt is the same request.
    assert all(c.json == body for c in fake_aws.requests)
