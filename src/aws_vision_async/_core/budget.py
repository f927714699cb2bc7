"""The retry budget: a token bucket as in AWS's standard retry mode."""

from __future__ import annotations

from typing import Final

CAPACITY: Final = 500
RETRY_COST: Final = 5
TIMEOUT_RETRY_COST: Final = 10
NO_RETRY_INCREMENT: Final = 1


class RetryBudget:
    """Tokens that retries spend and successes give back.

    A retry costs ``RETRY_COST`` tokens (``TIMEOUT_RETRY_COST`` after a
    timeout). A call that succeeds gives back what its last retry cost, or
    ``NO_RETRY_INCREMENT`` if it needed none. When a retry cannot be paid
    for, the failure is raised at once.
    """

    __slots__ = ("_capacity", "_tokens")

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._tokens = capacity

    @property
    def tokens(self) -> int:
        """The tokens left."""
        return self._tokens

    def acquire(self, cost: int) -> bool:
        """Spend ``cost`` tokens for a retry; ``False`` if there are too few."""
        if cost > self._tokens:
            return False
        self._tokens -= cost
        return True

    def release(self, amount: int) -> None:
        """Give back ``amount`` tokens after a success, up to the capacity."""
        self._tokens = min(self._capacity, self._tokens + amount)
