"""Retry settings.

The SDK is the only retry layer: botocore's own retries are switched off, so
``RetryPolicy(max_attempts=4)`` means at most four requests for one call.

Which failures are retried is decided per operation from the service's
documentation: the throttling, provisioned-throughput and internal-server errors
each operation documents, plus connection failures and timeouts. An operation
that changes state and has no idempotency token is retried only where the
service cannot have acted (a throttling reply, a connection never established).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ._core import checks

__all__ = ["RetryPolicy", "set_testing"]

_testing = False


def set_testing(enabled: bool) -> None:
    """Switch test mode on or off for the whole process.

    In test mode retries still happen, but every backoff wait is zero, so
    tests that exercise retries run at full speed.

    Args:
        enabled: ``True`` to remove backoff waits, ``False`` to restore them.

    Raises:
        TypeError: ``enabled`` is not a ``bool``.
    """
    checks.boolean("enabled", enabled)
    global _testing  # noqa: PLW0603 - one process-wide switch, as stamina does
    _testing = enabled


@dataclass(frozen=True, kw_only=True, slots=True)
class RetryPolicy:
    """How a client retries a failed request.

    The wait before retry number ``n`` (``n`` = 1 for the first retry) is
    exponential backoff with full jitter::

        wait = uniform(0, min(max_backoff, initial_backoff * 2 ** (n - 1)))

    When the service sends ``Retry-After`` (Lookout for Vision does on 429 and
    500 replies), the wait is ``min(max_backoff, max(retry_after, wait))``.

    Each client also holds a retry budget (a token bucket as in AWS's standard
    retry mode: 500 tokens, a retry costs 5, or 10 after a timeout, and a
    success gives back what its retry cost, or 1). When the bucket is empty,
    failures are raised at once, so that an outage does not multiply the load.

    Attributes:
        max_attempts: Requests made for one call at the most, the first included.
            ``1`` disables retries.
        initial_backoff: Upper bound of the first wait, in seconds.
        max_backoff: Upper bound of any wait, in seconds.
        use_budget: Whether retries draw from the client's retry budget.

    Raises:
        TypeError: ``max_attempts`` is not an ``int``, a backoff is not a number
            (a ``bool`` is neither), or ``use_budget`` is not a ``bool``.
        ValueError: ``max_attempts`` is below 1, a backoff is negative or not
            finite, or ``initial_backoff`` exceeds ``max_backoff``.
    """

    max_attempts: int = 3
    initial_backoff: float = 1.0
    max_backoff: float = 20.0
    use_budget: bool = True

    def __post_init__(self) -> None:
        checks.positive_int("max_attempts", self.max_attempts)
        initial = checks.non_negative_number("initial_backoff", self.initial_backoff)
        maximum = checks.non_negative_number("max_backoff", self.max_backoff)
        checks.boolean("use_budget", self.use_budget)
        if initial > maximum:
            raise ValueError(
                f"initial_backoff must not exceed max_backoff, got initial_backoff={self.initial_backoff!r}"
                f" and max_backoff={self.max_backoff!r}"
            )

    def backoff(self, retry_number: int, retry_after: float | None = None) -> float:
        """Return the wait in seconds before retry number ``retry_number`` (1-based).

        Args:
            retry_number: 1 for the first retry, 2 for the second, and so on.
            retry_after: The delay the service asked for, if it sent one.

        Returns:
            The number of seconds to wait; 0 in test mode.

        Raises:
            TypeError: ``retry_number`` is not an ``int``.
            ValueError: ``retry_number`` is below 1.
        """
        # retry_after is the service's word (already parsed); only the caller's count is checked.
        checks.positive_int("retry_number", retry_number)
        if _testing:
            return 0.0
        ceiling = min(self.max_backoff, self.initial_backoff * 2 ** (retry_number - 1))
        wait = random.uniform(0, ceiling)  # noqa: S311 - jitter, not cryptography
        if retry_after is not None:
            wait = min(self.max_backoff, max(retry_after, wait))
        return wait
