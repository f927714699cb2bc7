"""Reading a whole listing: :func:`read_entries` and the :class:`EntryIterator` it returns."""

from __future__ import annotations

from collections.abc import AsyncIterable

from typing_extensions import Self

from .._core.closing import ClosesOnExit
from ._entry import DatasetEntry
from ._iteration import Source


class EntryIterator(ClosesOnExit):
    """The entries of a dataset listing, parsed as they arrive; what :func:`read_entries` returns.

    An async iterator and an async context manager, as the paginator is: leaving
    ``async with read_entries(...) as entries:`` closes the lines it reads (a paginator,
    an async generator), also on ``break`` or an error; so does :meth:`aclose`. The lines
    are closed by themselves when they are exhausted or a line fails to parse.
    """

    __slots__ = ("_lines",)

    def __init__(self, lines: AsyncIterable[str]) -> None:
        self._lines = Source(lines)

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> DatasetEntry:
        lines = self._lines.iterator()
        if lines is None:
            raise StopAsyncIteration
        try:
            while True:
                line = await lines.__anext__()
                if line and not line.isspace():
                    return DatasetEntry.parse(line)
        except BaseException:  # exhausted, a line failed, or cancelled: nothing more is read
            await self._lines.aclose()
            raise

    async def aclose(self) -> None:
        """Stop: close the lines; iteration ends (for ``contextlib.aclosing`` too)."""
        await self._lines.aclose()


def read_entries(lines: AsyncIterable[str]) -> EntryIterator:
    """Parse each JSON Line of a dataset listing as it arrives.

    ``async for entry in read_entries(rek.list_dataset_entries(dataset_arn=arn)):``
    works with any paginator of dataset entries (Rekognition's, Lookout for Vision's) and
    any async iterable of lines; blank lines are skipped. To stop early and have the
    lines closed at once, use it as a context manager::

        async with read_entries(rek.list_dataset_entries(dataset_arn=arn)) as entries:
            async for entry in entries:
                if entry.has_errors:
                    break

    Args:
        lines: The JSON Lines, such as ``rek.list_dataset_entries(...)``.

    Returns:
        An async iterator of each line's :class:`DatasetEntry`, in order, which is also
        an async context manager.

    Raises:
        TypeError: ``lines`` is not an async iterable (raised at the call).
        ValueError: A line is not a JSON object (raised when iteration reaches it).
    """
    if not isinstance(lines, AsyncIterable):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(
            "lines must be an async iterable of JSON Lines, such as rek.list_dataset_entries(...);"
            f" got {lines!r:.80} ({type(lines).__name__}): for lines in memory, use DatasetEntry.parse"
        )
    return EntryIterator(lines)
