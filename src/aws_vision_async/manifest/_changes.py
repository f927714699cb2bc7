"""Batching entries into ``DatasetChanges``: :func:`to_changes`, each batch within one request's size limit."""

from __future__ import annotations

from collections.abc import AsyncIterable, Generator, Iterable
from typing import TYPE_CHECKING, overload

from typing_extensions import Self

from .._core.closing import ClosesOnExit
from ._entry import DatasetEntry
from ._iteration import Source
from ._rules import GROUND_TRUTH_MAX_BYTES, RULE_GROUND_TRUTH_SIZE, broken, excerpt

if TYPE_CHECKING:
    from ..rekognition.models import DatasetChanges


@overload
def to_changes(entries: AsyncIterable[DatasetEntry], *, max_bytes: int = GROUND_TRUTH_MAX_BYTES) -> ChangesIterator: ...
@overload
def to_changes(
    entries: Iterable[DatasetEntry], *, max_bytes: int = GROUND_TRUTH_MAX_BYTES
) -> Generator[DatasetChanges, None, None]: ...
def to_changes(
    entries: Iterable[DatasetEntry] | AsyncIterable[DatasetEntry], *, max_bytes: int = GROUND_TRUTH_MAX_BYTES
) -> Generator[DatasetChanges, None, None] | ChangesIterator:
    """Pack entries into as few ``DatasetChanges`` as fit, each within one request's size limit.

    ``UpdateDatasetEntries`` takes any number of JSON Lines, but at most
    :data:`GROUND_TRUTH_MAX_BYTES` of them per request. Entries keep their order, each
    appears in exactly one batch, and a batch is its lines joined by newlines::

        for changes in to_changes(entries):
            await rek.update_dataset_entries(dataset_arn=arn, changes=changes)

    Given an async iterable (``read_entries(...)``, an async generator), it returns an
    async iterator, which is also an async context manager that closes the entries it
    reads: ``async for changes in to_changes(...)``. Entries are not checked
    against the manifest rules here (the builders do that; see :meth:`DatasetEntry.check`).

    Args:
        entries: The entries, an iterable or an async iterable.
        max_bytes: The most bytes of one batch, at most :data:`GROUND_TRUTH_MAX_BYTES`.

    Returns:
        The batches, made as they are iterated.

    Raises:
        ValueError: ``max_bytes`` is out of range.
        TypeError: ``entries`` is one entry, or not an iterable.
        ManifestRuleError: One entry alone is longer than ``max_bytes`` (raised when
            iteration reaches it; the batches before it have been yielded).
    """
    if type(max_bytes) is not int or not 1 <= max_bytes <= GROUND_TRUTH_MAX_BYTES:
        raise ValueError(f"max_bytes must be an int from 1 to {GROUND_TRUTH_MAX_BYTES:,}, not {max_bytes!r}")
    # One entry (a pydantic model) iterates as its fields: never what was meant.
    if isinstance(entries, (DatasetEntry, str, bytes)) or not isinstance(entries, (Iterable, AsyncIterable)):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(
            "entries must be an iterable or async iterable of DatasetEntry,"
            f" got {entries!r:.80} ({type(entries).__name__}); write [entry] for one"
        )
    if isinstance(entries, AsyncIterable):
        return ChangesIterator(entries, max_bytes)
    return _changes(entries, max_bytes)


class _Batcher:
    """Greedy packing of encoded lines: a batch is full when the next line would not fit."""

    __slots__ = ("_lines", "_max", "_size")

    def __init__(self, max_bytes: int) -> None:
        self._max = max_bytes
        self._lines: list[bytes] = []
        self._size = 0

    def add(self, entry: object) -> bytes | None:
        """Add an entry; return the batch it closed, if any."""
        if not isinstance(entry, DatasetEntry):  # raw lines, most likely: say what to do
            raise TypeError(
                f"to_changes takes DatasetEntry objects, not {type(entry).__name__}: "
                "read lines with read_entries(...) or DatasetEntry.parse(line)"
            )
        line = entry.to_json_line().encode()
        if len(line) > self._max:
            raise broken(
                RULE_GROUND_TRUTH_SIZE,
                f"the entry {excerpt(entry.source_ref or line)} is {len(line):,} bytes as a JSON Line, "
                f"more than a batch of at most {self._max:,} bytes can hold",
            )
        done = None
        # Lines are joined by one "\n" each.
        if self._lines and self._size + 1 + len(line) > self._max:
            done = self.flush()
        self._size += len(line) + (1 if self._lines else 0)
        self._lines.append(line)
        return done

    def flush(self) -> bytes | None:
        """Return the batch so far, if any, and start a new one."""
        if not self._lines:
            return None
        batch = b"\n".join(self._lines)
        self._lines, self._size = [], 0
        return batch


def _changes_model(batch: bytes) -> DatasetChanges:
    # Imported here: the Rekognition models are the largest import of the package, and
    # reading entries does not need them.
    from ..rekognition.models import DatasetChanges  # noqa: PLC0415 - see above

    return DatasetChanges(ground_truth=batch)


def _changes(entries: Iterable[DatasetEntry], max_bytes: int) -> Generator[DatasetChanges, None, None]:
    batcher = _Batcher(max_bytes)
    for entry in entries:
        batch = batcher.add(entry)
        if batch is not None:
            yield _changes_model(batch)
    batch = batcher.flush()
    if batch is not None:
        yield _changes_model(batch)


class ChangesIterator(ClosesOnExit):
    """The batches of an async iterable of entries; what :func:`to_changes` returns for one.

    An async iterator and an async context manager, as the paginator is: leaving
    ``async with to_changes(...) as batches:`` closes the entries it reads (and so what
    they read, such as ``read_entries(...)`` and its paginator), also on ``break`` or an
    error; so does :meth:`aclose`.
    """

    __slots__ = ("_batcher", "_done", "_entries")

    def __init__(self, entries: AsyncIterable[DatasetEntry], max_bytes: int) -> None:
        self._entries = Source(entries)
        self._batcher = _Batcher(max_bytes)
        self._done = False

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> DatasetChanges:
        if self._done:
            raise StopAsyncIteration
        batcher, entries = self._batcher, self._entries.iterator()
        try:
            while entries is not None:
                try:
                    entry = await entries.__anext__()
                except StopAsyncIteration:
                    await self._entries.aclose()
                    break
                batch = batcher.add(entry)
                if batch is not None:
                    return _changes_model(batch)
        except BaseException:
            # As an async generator would: after an error, iteration is over.
            await self.aclose()
            raise
        # Every entry is read (and their source closed): what is left is the last batch.
        self._done = True
        batch = batcher.flush()
        if batch is None:
            raise StopAsyncIteration
        return _changes_model(batch)

    async def aclose(self) -> None:
        """Stop: close the entries; iteration ends (for ``contextlib.aclosing`` too)."""
        self._done = True
        await self._entries.aclose()
