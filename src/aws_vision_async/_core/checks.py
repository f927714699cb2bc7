"""Argument checks for hand-written public code: one wording for every bad argument.

Generated request models validate their own fields; these helpers do the same
for the options and arguments of hand-written callables (``RateLimiter``,
``fan_out``, ``RetryPolicy``, waiters, the manifest helpers, the model session),
before any I/O. Each names the parameter, shows the value and states the rule::

    TypeError: per_second must be a number (int or float), got '5' (str)
    ValueError: concurrency must be an int of at least 1, got 0
    TypeError: project_names must be a sequence of str, not a single str: got 'p' (write ['p'])

A wrong type is a ``TypeError``, a value out of range a ``ValueError``.
``bool`` is refused where a number is expected (``True`` is an ``int`` to Python,
never a count or a rate to a caller). Every helper returns the value checked
(numbers as ``float``, sequences as a new ``list``), so a call site reads
``self._rate = checks.positive_number("per_second", per_second)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from numbers import Integral, Real
from typing import cast

__all__ = [
    "at_least",
    "boolean",
    "integer",
    "non_negative_number",
    "number",
    "positive_int",
    "positive_number",
    "str_sequence",
    "string",
]


def _show(value: object) -> str:
    text = repr(value)
    if len(text) > 80:  # a huge value would bury the rule
        text = text[:77] + "..."
    return text


def _got(value: object) -> str:
    return f"got {_show(value)} ({type(value).__name__})"


def number(
    name: str,
    value: object,
    *,
    minimum: float | None = None,
    above: float | None = None,
    finite: bool = True,
) -> float:
    """Check that ``value`` is a real number (not a ``bool``) within bounds; return it as a ``float``.

    Args:
        name: The parameter's name, as the caller wrote it.
        value: The argument.
        minimum: The least value allowed (inclusive), if any.
        above: A bound the value must exceed (exclusive), if any.
        finite: Refuse NaN and infinities (NaN is always refused).

    Returns:
        ``float(value)``.

    Raises:
        TypeError: ``value`` is not an ``int`` or ``float`` (or another real number), or is a ``bool``.
        ValueError: ``value`` is NaN, infinite while ``finite``, or out of bounds.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number (int or float), {_got(value)}")
    result = float(value)
    rule = _number_rule(minimum=minimum, above=above, finite=finite)
    if math.isnan(result) or (finite and math.isinf(result)):
        raise ValueError(f"{name} must be {rule}, got {_show(value)}")
    if (minimum is not None and result < minimum) or (above is not None and result <= above):
        raise ValueError(f"{name} must be {rule}, got {_show(value)}")
    return result


def _number_rule(*, minimum: float | None, above: float | None, finite: bool) -> str:
    kind = "a finite number" if finite else "a number"
    if above is not None:
        return f"{kind} greater than {above:g}"
    if minimum is not None:
        return f"{kind} of at least {minimum:g}"
    return kind


def positive_number(name: str, value: object) -> float:
    """Check that ``value`` is a finite number greater than 0 (a rate, a timeout, a delay).

    Raises:
        TypeError: Not a number, or a ``bool``.
        ValueError: NaN, infinite, zero or negative.
    """
    return number(name, value, above=0.0)


def non_negative_number(name: str, value: object) -> float:
    """Check that ``value`` is a finite number of at least 0 (a wait that may be none).

    Raises:
        TypeError: Not a number, or a ``bool``.
        ValueError: NaN, infinite or negative.
    """
    return number(name, value, minimum=0.0)


def at_least(name: str, value: object, minimum: float) -> float:
    """Check that ``value`` is a finite number of at least ``minimum``.

    Raises:
        TypeError: Not a number, or a ``bool``.
        ValueError: NaN, infinite or below ``minimum``.
    """
    return number(name, value, minimum=minimum)


def integer(name: str, value: object, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Check that ``value`` is an ``int`` (not a ``bool``, not a ``float`` such as ``2.0``) within bounds.

    Args:
        name: The parameter's name.
        value: The argument.
        minimum: The least value allowed, if any.
        maximum: The greatest value allowed, if any.

    Returns:
        ``int(value)``.

    Raises:
        TypeError: Not an integer, or a ``bool``.
        ValueError: Out of bounds.
    """
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, {_got(value)}")
    result = int(value)
    if (minimum is not None and result < minimum) or (maximum is not None and result > maximum):
        if minimum is not None and maximum is not None:
            rule = f"an int from {minimum} to {maximum}"
        elif minimum is not None:
            rule = f"an int of at least {minimum}"
        else:
            rule = f"an int of at most {maximum}"
        raise ValueError(f"{name} must be {rule}, got {_show(value)}")
    return result


def positive_int(name: str, value: object) -> int:
    """Check that ``value`` is an ``int`` of at least 1 (a count, a concurrency, a number of pages).

    Raises:
        TypeError: Not an integer, or a ``bool``.
        ValueError: Less than 1.
    """
    return integer(name, value, minimum=1)


def boolean(name: str, value: object) -> bool:
    """Check that ``value`` is ``True`` or ``False`` (not a truthy string such as ``"no"``).

    Raises:
        TypeError: Not a ``bool``.
    """
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, {_got(value)}")
    return value


def string(name: str, value: object, *, secret: bool = False) -> str:
    """Check that ``value`` is a ``str``; return it.

    Args:
        name: The parameter's name.
        value: The argument.
        secret: The value may hold a secret (a URL with a password): the message
            names its type only.

    Raises:
        TypeError: Not a ``str``.
    """
    if not isinstance(value, str):
        got = f"got a {type(value).__name__}" if secret else _got(value)
        raise TypeError(f"{name} must be a str, {got}")
    return value


def str_sequence(name: str, value: object, *, min_items: int = 0) -> list[str]:
    """Check that ``value`` is a collection of strings, not one string; return its items as a new list.

    A ``str`` is itself a sequence of strings (its letters), which is never what a
    caller means: ``project_names="p"`` would otherwise become ``["p"]``'s letters.
    Any iterable other than ``str``, ``bytes`` and mappings is accepted (read once).

    Args:
        name: The parameter's name.
        value: The argument.
        min_items: The fewest items allowed.

    Returns:
        The items, in order, as a new ``list``.

    Raises:
        TypeError: ``value`` is a ``str``, ``bytes``, a mapping or not iterable, or an item is not a ``str``.
        ValueError: Fewer than ``min_items`` items.
    """
    given: object = value  # kept unnarrowed for the messages
    if isinstance(value, str):
        raise TypeError(f"{name} must be a sequence of str, not a single str: {_got(given)} (write [{_show(given)}])")
    if isinstance(value, (bytes, bytearray, memoryview, Mapping)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a sequence of str, {_got(given)}")
    items: list[str] = []
    for index, item in enumerate(cast("Iterable[object]", value)):
        if not isinstance(item, str):
            raise TypeError(f"{name}[{index}] must be a str, {_got(item)}")
        items.append(item)
    if len(items) < min_items:
        raise ValueError(f"{name} must hold at least {min_items} str, got {_show(given)}")
    return items
