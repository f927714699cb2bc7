"""The paginator returned by every paginated operation."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import anyio
from typing_extensions import Self

if TYPE_CHECKING:
    # Streams and task groups are for prefetching only: imported when it starts.
    from anyio.abc import TaskGroup
    from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

    from .telemetry import PaginationTrace

from ..errors import PaginationError
from . import checks
from .closing import ClosesOnExit

__all__ = ["AsyncPaginator", "ItemIterator", "PageIterator", "Prefetch"]

ItemT = TypeVar("ItemT")
PageT = TypeVar("PageT")
T = TypeVar("T")


class AsyncPaginator(Generic[ItemT, PageT]):
    """The result of a paginated operation.

    * ``await paginator`` makes exactly one request and returns that page.
    * ``async for item in paginator`` yields the items of every page, following
      the next-page token until the service returns none.
    * ``async for page in paginator.pages()`` yields each page's response model.
    * ``async with paginator.prefetch(pages=2) as items: async for item in items``
      yields the same items, while a background task fetches the next pages as
      the loop body works (:meth:`prefetch`; :meth:`prefetch_pages` for pages).

    Nothing is sent until the paginator is awaited or iterated; each of those
    starts afresh from the request as it was made. Iterating is sequential (no
    request is in flight between two steps of the loop) unless you ask for
    prefetching. Retries wrap each page request, so a page that fails is
    retried in place. A token that comes back a second time raises
    ``aws_vision_async.errors.PaginationError`` instead of looping forever.
    """

    __slots__ = ("_fetch", "_first_token", "_items", "_next_token", "_operation_name", "_trace")

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[PageT]],
        *,
        first_token: str | None,
        next_token: Callable[[PageT], str | None],
        items: Callable[[PageT], Iterable[ItemT]],
        operation_name: str,
        trace: Callable[[], PaginationTrace] | None = None,
    ) -> None:
        """Wire a paginator; the generated clients do this, users do not.

        Args:
            fetch: Requests one page; ``None`` asks for the page as requested.
            first_token: The token the request carries already, if any.
            next_token: Reads the next-page token of a page.
            items: Reads the items of a page.
            operation_name: The operation, for error messages.
            trace: Makes the span of one pagination (when tracing is on).
        """
        self._fetch = fetch
        self._trace = trace
        self._first_token = first_token
        self._next_token = next_token
        self._items = items
        self._operation_name = operation_name

    def __await__(self) -> Generator[Any, None, PageT]:
        return self._fetch(None).__await__()

    def pages(self) -> PageIterator[PageT]:
        """Iterate over every page, from the one requested to the last.

        Returns:
            An async iterator of each page's response model, in order. It
            raises ``PaginationError`` when the service returns a token it had
            returned before.
        """
        trace = self._trace
        return PageIterator(
            self._fetch,
            self._first_token,
            self._next_token,
            self._operation_name,
            None if trace is None else trace(),
        )

    def __aiter__(self) -> ItemIterator[ItemT, PageT]:
        return ItemIterator(self.pages(), self._items)

    def prefetch(self, pages: int = 2) -> Prefetch[ItemT]:
        """Iterate over every item while a background task fetches pages ahead.

        Use it as ``async with paginator.prefetch(pages=2) as items: async for item
        in items: ...``. Pages are still requested one at a time, in order (each
        request needs the previous page's token), but the next ones are requested
        while the loop body works on the current one, so the time of a page is the
        larger of its latency and its processing instead of their sum.

        Args:
            pages: The most pages fetched or in flight ahead of the page the loop
                is on (at least 1).

        Returns:
            The prefetch, to enter with ``async with``; its value yields the items
            of every page in order. Leaving the block stops the background task.

        Raises:
            TypeError: If ``pages`` is not an ``int``.
            ValueError: If ``pages`` is less than 1.
        """
        return Prefetch(_Chunks(self.pages(), self._items), pages)

    def prefetch_pages(self, pages: int = 2) -> Prefetch[PageT]:
        """Iterate over every page while a background task fetches pages ahead.

        The same as :meth:`prefetch`, yielding each page's response model.

        Args:
            pages: The most pages fetched or in flight ahead of the page the loop
                is on (at least 1).

        Returns:
            The prefetch, to enter with ``async with``; its value yields every
            page's response model in order.

        Raises:
            TypeError: If ``pages`` is not an ``int``.
            ValueError: If ``pages`` is less than 1.
        """
        return Prefetch(_Chunks(self.pages(), _alone), pages)

    def __repr__(self) -> str:
        return f"<AsyncPaginator {self._operation_name}>"


# The iterators are plain objects, not async generators: a caller who stops early
# (``break``, ``return`` inside ``async for``) leaves nothing suspended behind, so
# no async-generator finalizer runs later (trio warns of those) and no
# ``aclosing()`` is needed. Between two ``__anext__`` calls no request is in flight.


class PageIterator(ClosesOnExit, Generic[PageT]):
    """The pages of one pagination; see :meth:`AsyncPaginator.pages`.

    An async iterator and an async context manager: ``async with paginator.pages() as
    pages:`` stops requesting pages when the block ends.
    """

    __slots__ = ("_fetch", "_next_token", "_operation_name", "_repeated", "_seen", "_token", "_trace")

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[PageT]],
        first_token: str | None,
        next_token: Callable[[PageT], str | None],
        operation_name: str,
        trace: PaginationTrace | None = None,
    ) -> None:
        self._fetch = fetch
        self._trace = trace
        self._next_token = next_token
        self._operation_name = operation_name
        self._seen: set[str] | None = {first_token} if first_token else set()
        self._token: str | None = None
        self._repeated: str | None = None

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> PageT:
        seen = self._seen
        if seen is None:
            raise StopAsyncIteration
        trace = self._trace
        if self._repeated is not None:
            # Raised when the page after the one that repeated a token is asked for:
            # that page was received, and is the caller's.
            self._seen = None
            error = PaginationError(
                f"{self._operation_name} returned the pagination token {self._repeated!r} a second time"
            )
            if trace is not None:
                trace.end(error)
            raise error
        if trace is None:
            page = await self._fetch(self._token)
        else:
            token = self._token
            try:
                page = await trace.fetch(lambda: self._fetch(token))
            except BaseException as error:
                trace.end(error)
                raise
        token = self._next_token(page)
        if not token:
            self._seen = None  # the last page
            if trace is not None:
                trace.end()
        elif token in seen:
            self._repeated = token
        else:
            seen.add(token)
            self._token = token
        return page

    async def aclose(self) -> None:
        """Stop: no more pages are requested (for ``contextlib.aclosing``)."""
        self._seen = None
        if self._trace is not None:
            self._trace.end()


class ItemIterator(ClosesOnExit, Generic[ItemT, PageT]):
    """The items of every page of one pagination; see :class:`AsyncPaginator`.

    An async iterator and an async context manager: ``async with aiter(paginator) as
    items:`` stops requesting pages when the block ends.
    """

    __slots__ = ("_buffer", "_items", "_pages")

    def __init__(self, pages: PageIterator[PageT], items: Callable[[PageT], Iterable[ItemT]]) -> None:
        self._pages = pages
        self._items = items
        self._buffer: Iterator[ItemT] = iter(())

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> ItemT:
        while True:
            for item in self._buffer:
                return item
            self._buffer = iter(self._items(await self._pages.__anext__()))

    async def aclose(self) -> None:
        """Stop: no more pages are requested (for ``contextlib.aclosing``)."""
        self._buffer = iter(())
        await self._pages.aclose()


# -- prefetching -------------------------------------------------------------------------------


def _alone(page: PageT) -> tuple[PageT]:
    return (page,)


class _Chunks(Generic[T, PageT]):
    """The pages of a :class:`PageIterator`, each turned into what the consumer yields."""

    __slots__ = ("_pages", "_split")

    def __init__(self, pages: PageIterator[PageT], split: Callable[[PageT], Iterable[T]]) -> None:
        self._pages = pages
        self._split = split

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> tuple[T, ...]:
        # Split in the producer: a page is one element of the stream whatever its size.
        return tuple(self._split(await self._pages.__anext__()))


class _Failure:
    """A page request's error, travelling through the stream after the pages before it."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


class Prefetch(Generic[T]):
    """Iteration with pages fetched ahead by one background task; see :meth:`AsyncPaginator.prefetch`.

    An async context manager whose value (the prefetch itself) is an async iterator:
    ``async with paginator.prefetch(pages=2) as items: async for item in items: ...``.
    Use it once. Entering starts one task that requests the pages in order and keeps at
    most ``pages`` of them fetched or in flight ahead of the loop. The guarantees of
    sequential iteration hold: items in order, each page request retried in place, a
    repeated token raising ``PaginationError``, and an error of a page request raised
    as itself after the items of the pages before it. Leaving the block (at the end,
    on ``break``, on an exception or on cancellation) cancels the task and waits for
    it, so no request outlives the block.
    """

    __slots__ = ("_chunks", "_current", "_finished", "_pages", "_receive", "_state", "_task_group")

    def __init__(self, chunks: AsyncIterator[Iterable[T]], pages: int) -> None:
        """Wire a prefetch; :class:`AsyncPaginator` does this, users do not.

        Args:
            chunks: What the loop yields, one iterable per page, in order.
            pages: The most pages fetched or in flight ahead of the loop (at least 1).

        Raises:
            TypeError: If ``pages`` is not an ``int``.
            ValueError: If ``pages`` is less than 1.
        """
        checks.positive_int("pages", pages)
        self._chunks = chunks
        self._pages = pages
        self._state = "new"  # then "open", then "closed"
        self._task_group: TaskGroup | None = None
        self._receive: MemoryObjectReceiveStream[Iterable[T] | _Failure] | None = None
        self._current: Iterator[T] = iter(())
        self._finished = False

    async def __aenter__(self) -> Self:
        if self._state != "new":
            raise RuntimeError("a Prefetch can be entered only once")
        self._state = "open"
        # The producer holds one more page while blocked in `send`: `pages` in all.
        send, self._receive = anyio.create_memory_object_stream[Iterable[T] | _Failure](self._pages - 1)
        task_group = anyio.create_task_group()
        await task_group.__aenter__()
        self._task_group = task_group
        task_group.start_soon(self._produce, send)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        task_group, self._task_group = self._task_group, None
        self._state = "closed"
        self._current = iter(())
        if task_group is None:
            return False
        task_group.cancel_scope.cancel()
        try:
            # Never hand the body's exception to the task group: it would wrap it in an
            # exception group (trio's strict groups). The producer lets no Exception
            # out, so the group only waits for it to end, and the body's exception
            # propagates unchanged when we return False.
            await task_group.__aexit__(None, None, None)
        finally:
            if self._receive is not None:
                self._receive.close()
                self._receive = None
        return False

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        while True:
            for item in self._current:
                return item
            if self._finished:
                raise StopAsyncIteration
            receive = self._receive
            if receive is None:
                raise RuntimeError("iterate a prefetch inside its block: `async with paginator.prefetch() as items:`")
            try:
                got = await receive.receive()
            except anyio.EndOfStream:
                self._finished = True
                raise StopAsyncIteration from None
            if isinstance(got, _Failure):
                self._finished = True  # the producer has stopped
                raise got.error
            self._current = iter(got)

    async def _produce(self, send: MemoryObjectSendStream[Iterable[T] | _Failure]) -> None:
        # One task, one request at a time: each page request needs the previous token.
        # An Exception never escapes into the task group (it would cancel the loop body
        # and come out wrapped): it goes down the stream, behind the pages before it.
        with send:
            while True:
                try:
                    chunk = await self._chunks.__anext__()
                except StopAsyncIteration:
                    return
                except Exception as error:  # delivered in order, raised by the consumer
                    await send.send(_Failure(error))
                    return
                await send.send(chunk)


# Reported where users import them (reprs, tracebacks, the docs), not this private module.
AsyncPaginator.__module__ = Prefetch.__module__ = "aws_vision_async"
