"""What the package's async iteration objects share: an async iterable they own, and close once.

``read_entries`` and ``to_changes`` return plain objects implementing ``__anext__``,
``aclose`` and ``async with``, as the paginator does, never async generators: an async
generator left suspended (on ``break`` or an error) is finalized whenever the garbage
collector gets to it, outside any task, and trio warns about it.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Generic, TypeVar

_T = TypeVar("_T")


class Source(Generic[_T]):
    """An async iterable read by one iteration object, which owns it.

    Its iterator is made on first use (a paginator requests nothing before), and closed
    (``aclose``, when it has one) once: when it is exhausted, when it fails, or when the
    owner is closed. An async iterator given and never read (an async generator passed
    in) is closed as well.
    """

    __slots__ = ("_closed", "_iterable", "_iterator")

    def __init__(self, iterable: AsyncIterable[_T]) -> None:
        self._iterable = iterable
        self._iterator: AsyncIterator[_T] | None = None
        self._closed = False

    def iterator(self) -> AsyncIterator[_T] | None:
        """The iterator to read, made on first use; ``None`` once closed.

        The reader closes the source (:meth:`aclose`) when the iterator is exhausted,
        fails or is cancelled: nothing more is read then.
        """
        if self._closed:
            return None
        iterator = self._iterator
        if iterator is None:
            iterator = self._iterator = aiter(self._iterable)
        return iterator

    async def aclose(self) -> None:
        """Close the iterator (or the iterable, if it is an unread async iterator); later calls do nothing."""
        if self._closed:
            return
        self._closed = True
        target: object = self._iterator if self._iterator is not None else self._iterable
        if self._iterator is None and not isinstance(target, AsyncIterator):
            return  # an iterable such as a paginator, never iterated: nothing was started
        aclose = getattr(target, "aclose", None)
        if aclose is not None:
            await aclose()
