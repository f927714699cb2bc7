"""The paginator returned by every paginated operation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Iterable, Iterator
from typing import Any, Generic, TypeVar

from typing_extensions import Self

from ..errors import PaginationError

__all__ = ["AsyncPaginator", "ItemIterator", "PageIterator"]

ItemT = TypeVar("ItemT")
PageT = TypeVar("PageT")


class AsyncPaginator(Generic[ItemT, PageT]):
    """The result of a paginated operation.

    * ``await paginator`` makes exactly one request and returns that page.
    * ``async for item in paginator`` yields the items of every page, following
      the next-page token until the service returns none.
    * ``async for page in paginator.pages()`` yields each page's response model.

    Nothing is sent until the paginator is awaited or iterated; each of those
    starts afresh from the request as it was made. Retries wrap each page
    request, so a page that fails is retried in place. A token that comes back
    a second time raises ``aws_vision_async.errors.PaginationError``
    instead of looping forever.
    """

    __slots__ = ("_fetch", "_first_token", "_items", "_next_token", "_operation_name")

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[PageT]],
        *,
        first_token: str | None,
        next_token: Callable[[PageT], str | None],
        items: Callable[[PageT], Iterable[ItemT]],
        operation_name: str,
    ) -> None:
        """Wire a paginator; the generated clients do this, users do not.

        Args:
            fetch: Requests one page; ``None`` asks for the page as requested.
            first_token: The token the request carries already, if any.
            next_token: Reads the next-page token of a page.
            items: Reads the items of a page.
            operation_name: The operation, for error messages.
        """
        self._fetch = fetch
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
        return PageIterator(self._fetch, self._first_token, self._next_token, self._operation_name)

    def __aiter__(self) -> ItemIterator[ItemT, PageT]:
        return ItemIterator(self.pages(), self._items)

    def __repr__(self) -> str:
        return f"<AsyncPaginator {self._operation_name}>"


# The iterators are plain objects, not async generators: a caller who stops early
# (``break``, ``return`` inside ``async for``) leaves nothing suspended behind, so
# no async-generator finalizer runs later (trio warns of those) and no
# ``aclosing()`` is needed. Between two ``__anext__`` calls no request is in flight.


class PageIterator(Generic[PageT]):
    """The pages of one pagination; see :meth:`AsyncPaginator.pages`."""

    __slots__ = ("_fetch", "_next_token", "_operation_name", "_repeated", "_seen", "_token")

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[PageT]],
        first_token: str | None,
        next_token: Callable[[PageT], str | None],
        operation_name: str,
    ) -> None:
        self._fetch = fetch
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
        if self._repeated is not None:
            # Raised when the page after the one that repeated a token is asked for:
            # that page was received, and is the caller's.
            self._seen = None
            raise PaginationError(
                f"{self._operation_name} returned the pagination token {self._repeated!r} a second time"
            )
        page = await self._fetch(self._token)
        token = self._next_token(page)
        if not token:
            self._seen = None  # the last page
        elif token in seen:
            self._repeated = token
        else:
            seen.add(token)
            self._token = token
        return page

    async def aclose(self) -> None:
        """Stop: no more pages are requested (for ``contextlib.aclosing``)."""
        self._seen = None


class ItemIterator(Generic[ItemT, PageT]):
    """The items of every page of one pagination; see :class:`AsyncPaginator`."""

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
