"""Bad arguments of hand-written public code fail at the call, naming the parameter, the value and the rule.

A wrong type is a ``TypeError``, a value out of range a ``ValueError``; where the call
could send a request, nothing is sent. Waiter options are in test_waiter_errors.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from aws_vision_async import RateLimiter, RekognitionClient, RetryPolicy, fan_out, set_testing
from aws_vision_async._core import checks

from ..fakeaws import FakeAws, ok

pytestmark = pytest.mark.anyio

Case = tuple[Callable[[], object], type[Exception], str]


def cases(*rows: Case) -> Any:
    """Parametrize (call, error, exact message), ids by message."""
    return pytest.mark.parametrize(("call", "error", "message"), rows, ids=[row[2] for row in rows])


def refused(call: Callable[[], object], error: type[Exception], message: str) -> None:
    with pytest.raises(error) as caught:
        call()
    assert type(caught.value) is error
    assert str(caught.value) == message


# -- the shared helper: one wording -------------------------------------------------------


@cases(
    (lambda: checks.positive_number("rate", "5"), TypeError, "rate must be a number (int or float), got '5' (str)"),
    (lambda: checks.positive_number("rate", True), TypeError, "rate must be a number (int or float), got True (bool)"),
    (
        lambda: checks.positive_number("rate", None),
        TypeError,
        "rate must be a number (int or float), got None (NoneType)",
    ),
    (lambda: checks.positive_number("rate", 0), ValueError, "rate must be a finite number greater than 0, got 0"),
    (lambda: checks.positive_number("rate", -1.5), ValueError, "rate must be a finite number greater than 0, got -1.5"),
    (
        lambda: checks.positive_number("rate", math.nan),
        ValueError,
        "rate must be a finite number greater than 0, got nan",
    ),
    (
        lambda: checks.positive_number("rate", math.inf),
        ValueError,
        "rate must be a finite number greater than 0, got inf",
    ),
    (
        lambda: checks.non_negative_number("wait", -0.1),
        ValueError,
        "wait must be a finite number of at least 0, got -0.1",
    ),
    (lambda: checks.at_least("burst", 0.5, 1), ValueError, "burst must be a finite number of at least 1, got 0.5"),
    (lambda: checks.number("x", math.nan, finite=False), ValueError, "x must be a number, got nan"),
    (lambda: checks.positive_int("n", 2.5), TypeError, "n must be an int, got 2.5 (float)"),
    (lambda: checks.positive_int("n", 2.0), TypeError, "n must be an int, got 2.0 (float)"),
    (lambda: checks.positive_int("n", False), TypeError, "n must be an int, got False (bool)"),
    (lambda: checks.positive_int("n", "3"), TypeError, "n must be an int, got '3' (str)"),
    (lambda: checks.positive_int("n", 0), ValueError, "n must be an int of at least 1, got 0"),
    (lambda: checks.integer("n", 11, minimum=1, maximum=10), ValueError, "n must be an int from 1 to 10, got 11"),
    (lambda: checks.integer("n", 11, maximum=10), ValueError, "n must be an int of at most 10, got 11"),
    (lambda: checks.boolean("flag", "no"), TypeError, "flag must be True or False, got 'no' (str)"),
    (lambda: checks.boolean("flag", 1), TypeError, "flag must be True or False, got 1 (int)"),
    (
        lambda: checks.str_sequence("names", "p"),
        TypeError,
        "names must be a sequence of str, not a single str: got 'p' (str) (write ['p'])",
    ),
    (lambda: checks.str_sequence("names", b"p"), TypeError, "names must be a sequence of str, got b'p' (bytes)"),
    (lambda: checks.str_sequence("names", {"a": 1}), TypeError, "names must be a sequence of str, got {'a': 1} (dict)"),
    (lambda: checks.str_sequence("names", 5), TypeError, "names must be a sequence of str, got 5 (int)"),
    (lambda: checks.str_sequence("names", ["a", 5]), TypeError, "names[1] must be a str, got 5 (int)"),
    (lambda: checks.str_sequence("names", [], min_items=1), ValueError, "names must hold at least 1 str, got []"),
)
def test_checks_wording(call: Callable[[], object], error: type[Exception], message: str) -> None:
    refused(call, error, message)


def test_checks_return_what_they_checked() -> None:
    assert checks.positive_number("r", 2) == 2.0
    assert type(checks.positive_number("r", 2)) is float
    assert checks.non_negative_number("w", 0) == 0.0
    assert checks.positive_int("n", 3) == 3
    assert checks.boolean("b", False) is False
    names = ("a", "b")
    assert checks.str_sequence("names", names) == ["a", "b"]
    assert checks.str_sequence("names", iter(["a"])) == ["a"]
    assert checks.str_sequence("names", []) == []
    assert checks.number("x", -math.inf, finite=False) == -math.inf


def test_a_huge_value_is_shortened_in_the_message() -> None:
    with pytest.raises(TypeError) as caught:
        checks.positive_int("n", "x" * 1000)
    assert len(str(caught.value)) < 120
    assert str(caught.value).startswith("n must be an int, got 'xxx")


# -- RateLimiter -------------------------------------------------------------------------------


@cases(
    (lambda: RateLimiter(per_second="5"), TypeError, "per_second must be a number (int or float), got '5' (str)"),  # type: ignore[arg-type]
    (lambda: RateLimiter(per_second=True), TypeError, "per_second must be a number (int or float), got True (bool)"),
    (lambda: RateLimiter(per_second=0), ValueError, "per_second must be a finite number greater than 0, got 0"),
    (lambda: RateLimiter(per_second=-2), ValueError, "per_second must be a finite number greater than 0, got -2"),
    (
        lambda: RateLimiter(per_second=math.nan),
        ValueError,
        "per_second must be a finite number greater than 0, got nan",
    ),
    (
        lambda: RateLimiter(per_second=math.inf),
        ValueError,
        "per_second must be a finite number greater than 0, got inf",
    ),
    (lambda: RateLimiter(burst=0.5), ValueError, "burst must be a finite number of at least 1, got 0.5"),
    (lambda: RateLimiter(burst=0), ValueError, "burst must be a finite number of at least 1, got 0"),
    (lambda: RateLimiter(burst=math.inf), ValueError, "burst must be a finite number of at least 1, got inf"),
    (lambda: RateLimiter(burst="2"), TypeError, "burst must be a number (int or float), got '2' (str)"),  # type: ignore[arg-type]
    (lambda: RateLimiter(adaptive="no"), TypeError, "adaptive must be True or False, got 'no' (str)"),  # type: ignore[arg-type]
)
def test_rate_limiter(call: Callable[[], object], error: type[Exception], message: str) -> None:
    refused(call, error, message)


async def test_rate_limiter_acquire_max_wait() -> None:
    limiter = RateLimiter(per_second=10)
    with pytest.raises(ValueError, match=r"^max_wait must be a finite number of at least 0, got -1$"):
        await limiter.acquire(max_wait=-1)
    with pytest.raises(TypeError, match=r"^max_wait must be a number \(int or float\), got '1' \(str\)$"):
        await limiter.acquire(max_wait="1")  # type: ignore[arg-type]
    assert limiter.tokens == 1.0  # no token was taken by the refused calls
    assert await limiter.acquire(max_wait=0) == 0.0


def test_rate_limiter_record_throttle_sent_at() -> None:
    limiter = RateLimiter(per_second=10)
    with pytest.raises(TypeError, match=r"^sent_at must be a number \(int or float\), got 'now' \(str\)$"):
        limiter.record_throttle(sent_at="now")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^sent_at must be a finite number, got nan$"):
        limiter.record_throttle(sent_at=math.nan)
    assert limiter.throttles == 0  # refused before it counted


def test_good_rate_limiters() -> None:
    assert RateLimiter(per_second=1, burst=1).rate == 1.0
    assert RateLimiter(per_second=0.5).rate == 0.5
    assert RateLimiter(adaptive=False).rate is None


# -- RetryPolicy and set_testing ------------------------------------------------------------


@cases(
    (lambda: RetryPolicy(max_attempts=0), ValueError, "max_attempts must be an int of at least 1, got 0"),
    (lambda: RetryPolicy(max_attempts=-3), ValueError, "max_attempts must be an int of at least 1, got -3"),
    (lambda: RetryPolicy(max_attempts="3"), TypeError, "max_attempts must be an int, got '3' (str)"),  # type: ignore[arg-type]
    (lambda: RetryPolicy(max_attempts=2.5), TypeError, "max_attempts must be an int, got 2.5 (float)"),  # type: ignore[arg-type]
    (lambda: RetryPolicy(max_attempts=True), TypeError, "max_attempts must be an int, got True (bool)"),
    (
        lambda: RetryPolicy(initial_backoff=-1),
        ValueError,
        "initial_backoff must be a finite number of at least 0, got -1",
    ),
    (
        lambda: RetryPolicy(initial_backoff=math.nan),
        ValueError,
        "initial_backoff must be a finite number of at least 0, got nan",
    ),
    (
        lambda: RetryPolicy(max_backoff=math.inf),
        ValueError,
        "max_backoff must be a finite number of at least 0, got inf",
    ),
    (lambda: RetryPolicy(max_backoff="20"), TypeError, "max_backoff must be a number (int or float), got '20' (str)"),  # type: ignore[arg-type]
    (lambda: RetryPolicy(use_budget="yes"), TypeError, "use_budget must be True or False, got 'yes' (str)"),  # type: ignore[arg-type]
    (
        lambda: RetryPolicy(initial_backoff=5, max_backoff=2),
        ValueError,
        "initial_backoff must not exceed max_backoff, got initial_backoff=5 and max_backoff=2",
    ),
    (lambda: RetryPolicy().backoff(0), ValueError, "retry_number must be an int of at least 1, got 0"),
    (lambda: RetryPolicy().backoff(1.5), TypeError, "retry_number must be an int, got 1.5 (float)"),  # type: ignore[arg-type]
    (lambda: set_testing("on"), TypeError, "enabled must be True or False, got 'on' (str)"),  # type: ignore[arg-type]
)
def test_retry_policy(call: Callable[[], object], error: type[Exception], message: str) -> None:
    refused(call, error, message)


def test_good_retry_policies() -> None:
    assert RetryPolicy(max_attempts=1, initial_backoff=0, max_backoff=0).backoff(3) == 0.0


# -- fan_out ------------------------------------------------------------------------------------


async def call(**kwargs: Any) -> Any:
    return kwargs


INPUTS = [{"n": 1}]


@cases(
    (lambda: fan_out(call, INPUTS, concurrency=2.5), TypeError, "concurrency must be an int, got 2.5 (float)"),  # type: ignore[arg-type]
    (lambda: fan_out(call, INPUTS, concurrency=True), TypeError, "concurrency must be an int, got True (bool)"),
    (lambda: fan_out(call, INPUTS, concurrency="4"), TypeError, "concurrency must be an int, got '4' (str)"),  # type: ignore[arg-type]
    (lambda: fan_out(call, INPUTS, concurrency=0), ValueError, "concurrency must be an int of at least 1, got 0"),
    (lambda: fan_out(call, INPUTS, concurrency=-1), ValueError, "concurrency must be an int of at least 1, got -1"),
    (lambda: fan_out(call, INPUTS, ordered="yes"), TypeError, "ordered must be True or False, got 'yes' (str)"),  # type: ignore[arg-type]
    (lambda: fan_out(call, INPUTS, total=-1), ValueError, "total must be an int of at least 0, got -1"),
    (lambda: fan_out(call, INPUTS, total=1.0), TypeError, "total must be an int, got 1.0 (float)"),  # type: ignore[arg-type]
    (
        lambda: fan_out("detect", INPUTS),  # type: ignore[arg-type]
        TypeError,
        "call must be an async callable (a client method), got 'detect' (str)",
    ),
    (
        lambda: fan_out(call, {"n": 1}),  # type: ignore[arg-type]
        TypeError,
        "inputs must be an iterable or async iterable of keyword-argument mappings, not a single mapping:"
        " got {'n': 1} (dict); write [{...}] for one call",
    ),
    (
        lambda: fan_out(call, "abc"),  # type: ignore[arg-type]
        TypeError,
        "inputs must be an iterable or async iterable of keyword-argument mappings, not a single string:"
        " got 'abc' (str)",
    ),
    (
        lambda: fan_out(call, 3),  # type: ignore[arg-type]
        TypeError,
        "inputs must be an iterable or async iterable of keyword-argument mappings, got 3 (int)",
    ),
)
def test_fan_out(call: Callable[[], object], error: type[Exception], message: str) -> None:
    refused(call, error, message)


async def test_fan_out_refuses_before_reading_any_input() -> None:
    read: list[int] = []

    def inputs() -> Iterator[dict[str, int]]:
        read.append(1)
        yield {"n": 1}

    with pytest.raises(ValueError, match="concurrency"):
        fan_out(call, inputs(), concurrency=0)
    assert read == []


# -- prefetch -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pages", "error", "message"),
    [
        (0, ValueError, "pages must be an int of at least 1, got 0"),
        (2.5, TypeError, "pages must be an int, got 2.5 (float)"),
        (True, TypeError, "pages must be an int, got True (bool)"),
        ("2", TypeError, "pages must be an int, got '2' (str)"),
    ],
)
async def test_prefetch_pages(
    rek: RekognitionClient, fake_aws: FakeAws, pages: Any, error: type[Exception], message: str
) -> None:
    fake_aws.always("DescribeProjects", ok({"ProjectDescriptions": []}))
    paginator = rek.describe_projects()
    refused(lambda: paginator.prefetch(pages=pages), error, message)
    refused(lambda: paginator.prefetch_pages(pages=pages), error, message)
    assert fake_aws.requests == []


# -- client options ---------------------------------------------------------------------------------


@cases(
    (
        lambda: RekognitionClient(retry_policy=3),  # type: ignore[arg-type]
        TypeError,
        "retry_policy must be a RetryPolicy, such as RetryPolicy(max_attempts=5), got 3 (int)",
    ),
    (
        lambda: RekognitionClient().with_options(retry_policy={"max_attempts": 2}),  # type: ignore[arg-type]
        TypeError,
        "retry_policy must be a RetryPolicy, such as RetryPolicy(max_attempts=5), got {'max_attempts': 2} (dict)",
    ),
    (lambda: RekognitionClient(direct="no"), TypeError, "direct must be True or False, got 'no' (str)"),  # type: ignore[arg-type]
    (
        lambda: RekognitionClient(timeout=0),
        ValueError,
        "timeout must be a positive number of seconds or None, not 0",
    ),
    (
        lambda: RekognitionClient(rate_limit_max_wait="1"),  # type: ignore[arg-type]
        ValueError,
        "rate_limit_max_wait must be a positive number of seconds or None, not '1'",
    ),
)
def test_client_options(call: Callable[[], object], error: type[Exception], message: str) -> None:
    refused(call, error, message)


# -- manifest helpers ---------------------------------------------------------------------------------


def test_manifest_builders() -> None:
    from aws_vision_async.manifest import BoundingBox, DatasetEntry, to_changes

    box = BoundingBox(label="cat", left=1, top=1, width=10, height=10)
    source = "s3://bucket/cat.jpg"
    refused(
        lambda: DatasetEntry.classification(source, b"cat"),  # type: ignore[arg-type]
        TypeError,
        "labels must be a sequence of str, got b'cat' (bytes)",
    )
    refused(
        lambda: DatasetEntry.classification(source, ["cat", 5]),  # type: ignore[list-item]
        TypeError,
        "labels[1] must be a str, got 5 (int)",
    )
    refused(
        lambda: DatasetEntry.classification(source, "cat", creation_date="2020-01-01"),  # type: ignore[arg-type]
        TypeError,
        "creation_date must be a timezone-aware datetime or None, got '2020-01-01' (str)",
    )
    refused(
        lambda: DatasetEntry.object_detection(source, box, image_size=(100, 100)),  # type: ignore[arg-type]
        TypeError,
        f"boxes must be an iterable of BoundingBox, got {box!r:.80} (BoundingBox); write [box] for one",
    )
    refused(
        lambda: DatasetEntry.object_detection(source, [box, "dog"], image_size=(100, 100)),  # type: ignore[list-item]
        TypeError,
        "boxes[1] must be a BoundingBox, got 'dog' (str)",
    )
    refused(
        lambda: DatasetEntry.object_detection(source, [box], image_size=100),  # type: ignore[arg-type]
        TypeError,
        "image_size must be an ImageSize or a (width, height) tuple, got 100 (int)",
    )
    refused(
        lambda: DatasetEntry.parse(5),  # type: ignore[arg-type]
        TypeError,
        "line must be a str or bytes JSON Line, got 5 (int)",
    )
    entry = DatasetEntry.classification(source, "cat")
    refused(
        lambda: to_changes(entry),  # type: ignore[call-overload]
        TypeError,
        f"entries must be an iterable or async iterable of DatasetEntry, got {entry!r:.80} (DatasetEntry);"
        " write [entry] for one",
    )
    # A single label as a str stays allowed: it is the documented one-label form.
    assert [label.name for label in DatasetEntry.classification(source, "cat").image_labels] == ["cat"]
    assert len(DatasetEntry.object_detection(source, (box,), image_size=(100, 100)).detections) == 1


def test_read_entries_refuses_a_sync_iterable_at_the_call() -> None:
    from aws_vision_async.manifest import read_entries

    with pytest.raises(TypeError) as caught:
        read_entries(['{"source-ref": "s3://b/k.jpg"}'])  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith("lines must be an async iterable of JSON Lines, such as rek.list_dataset_entries(...);")
    assert 'got [\'{"source-ref": "s3://b/k.jpg"}\'] (list)' in message
