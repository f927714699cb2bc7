"""``async with`` for the SDK's async iteration objects: leaving the block closes them.

Paginators' iterators, dataset listings and changes, and the running model versions
are plain objects with ``__anext__`` and ``aclose`` (never async generators: see
``manifest/_iteration.py``); each is also an async context manager whose exit is
``aclose``, which this base class gives them once.
"""

from __future__ import annotations

from typing_extensions import Self

__all__ = ["ClosesOnExit"]


class ClosesOnExit:
    """``async with obj:`` returns ``obj`` and awaits ``obj.aclose()`` on the way out."""

    __slots__ = ()

    async def aclose(self) -> None:
        """Stop the iteration and release what it holds; the subclass says how."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
