r"""AWS request patterns, translated for the regex engines used here.

The services validate with Java-style patterns matched against the whole value,
where ``\d`` and ``\w`` are ASCII. pydantic's Rust engine has no lookaround and
Unicode ``\d``/``\w``; Python's ``re`` lacks ``\p{..}`` classes. Shared by the
code generator, the emulator and the tests, so all read a pattern alike.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["ascii_shorthands", "translate_pattern"]

_LEADING_LOOKAHEAD: Final = re.compile(r"\^\(\?!([A-Za-z0-9:_-]+)\)")


def ascii_shorthands(pattern: str) -> str:
    r"""Spell ``\d`` and ``\w`` as the ASCII classes AWS means, inside or outside ``[...]``."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "d":
                out.append("0-9" if in_class else "[0-9]")
            elif nxt == "w":
                out.append("A-Za-z0-9_" if in_class else "[A-Za-z0-9_]")
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def translate_pattern(pattern: str) -> tuple[str, str | None]:
    """Turn an AWS pattern into a whole-value Rust-regex pattern.

    Returns:
        The pattern anchored as a whole (``^(?:...)$``), and the prefix that a
        leading negative lookahead ``^(?!prefix)`` forbade, if any: the Rust
        engine has no lookaround, so that check is made apart.

    Raises:
        ValueError: The pattern holds any other lookaround.
    """
    prefix = None
    lead = _LEADING_LOOKAHEAD.match(pattern)
    if lead:
        prefix = lead.group(1)
        pattern = "^" + pattern[lead.end() :]
    if "(?=" in pattern or "(?!" in pattern or "(?<" in pattern:
        raise ValueError(f"cannot translate lookaround in pattern {pattern!r}")
    return f"^(?:{ascii_shorthands(pattern)})$", prefix
