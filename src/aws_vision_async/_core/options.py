"""The options of a client that ``with_options`` can change, and their checks."""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, TypeAlias, cast

from ..ratelimit import RateLimiter
from ..retry import RetryPolicy
from .operation import ServiceSpec

__all__ = [
    "UNSET",
    "RateLimiters",
    "Unset",
    "check_rate_limiter",
    "check_retry_policy",
    "check_timeout",
    "limiter_for",
]

#: What ``rate_limiter=`` takes: one limiter for every operation, or one per
#: operation name as AWS spells it (``"DetectCustomLabels"``).
RateLimiters: TypeAlias = "RateLimiter | Mapping[str, RateLimiter]"


class Unset(enum.Enum):
    """The type of :data:`UNSET`: an option of ``with_options`` that was not given."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


#: Marks an option of ``with_options`` as not given (``None`` is a value there:
#: "no timeout", "no rate limiter").
UNSET: Final = Unset.UNSET


def check_retry_policy(value: object) -> RetryPolicy:
    """``value`` if it is a ``RetryPolicy``.

    Raises:
        TypeError: It is not.
    """
    if not isinstance(value, RetryPolicy):
        raise TypeError(
            f"retry_policy must be a RetryPolicy, such as RetryPolicy(max_attempts=5), got {value!r:.80}"
            f" ({type(value).__name__})"
        )
    return value


def check_timeout(name: str, value: object) -> float | None:
    """``value`` as seconds, or ``None``.

    Raises:
        ValueError: It is no positive finite number (``name`` says which option).
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
        raise ValueError(f"{name} must be a positive number of seconds or None, not {value!r}")
    return float(value)


def check_rate_limiter(service: ServiceSpec, value: object) -> RateLimiters | None:
    """``value`` as a limiter, a read-only mapping of operation names of ``service`` to limiters, or ``None``.

    Checked at run time too: a wrong value would otherwise fail at the first call.

    Raises:
        TypeError: A value is no ``RateLimiter``.
        ValueError: A name is no operation of ``service`` (with a suggestion).
    """
    if value is None or isinstance(value, RateLimiter):
        return value
    if not isinstance(value, Mapping):
        raise TypeError(f"rate_limiter must be a RateLimiter or a mapping of them, not {type(value).__name__}")
    known = service.operations
    limiters: dict[str, RateLimiter] = {}
    for name, limiter in cast("Mapping[object, object]", value).items():
        if name not in known:
            loose = {op.lower(): op for op in known}.get(str(name).replace("_", "").lower())
            hint = f" (did you mean {loose!r}?)" if loose else ""
            raise ValueError(f"rate_limiter names {name!r}, not a {service.service_name} operation{hint}")
        if not isinstance(limiter, RateLimiter):
            raise TypeError(f"rate_limiter[{name!r}] must be a RateLimiter, not {type(limiter).__name__}")
        limiters[str(name)] = limiter
    # A copy: a caller changing its dict later does not reach the client's limits.
    return MappingProxyType(limiters)


def limiter_for(limiters: RateLimiters | None, operation_name: str) -> RateLimiter | None:
    """The limiter requests of ``operation_name`` draw from, if any."""
    if limiters is None or isinstance(limiters, RateLimiter):
        return limiters
    return limiters.get(operation_name)
