"""The paginator returned by every paginated operation."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterable
from contextlib import aclosing
from typing import Any, Generic, TypeVar

from ..errors import PaginationError

__all__ = ["AsyncPaginator"]

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

    async def pages(self) -> AsyncGenerator[PageT, None]:
        """Yield every page, from the one requested to the last.

        Yields:
            Each page's response model, in order.

        Raises:
            PaginationError: The service returned a token it had returned before.
        """
        seen: set[str] = set()
        if self._first_token:
            seen.add(self._first_token)
        token: str | None = None
        while True:
            page = await self._fetch(token)
            yield page
            token = self._next_token(page)
            if not token:
                return
            if token in seen:
                raise PaginationError(f"{self._operation_name} returned the pagination token {token!r} a second time")
            seen.add(token)

    def __aiter__(self) -> AsyncIterator[ItemT]:
        return self._iter_items()

    async def _iter_items(self) -> AsyncGenerator[ItemT, None]:
        # Closed explicitly: a caller who stops early must not leave the page
        # generator to the garbage collector (trio warns of that).
        async with aclosing(self.pages()) as pages:
            async for page in pages:
                for item in self._items(page):
                    yield item

    def __repr__(self) -> str:
        return f"<AsyncPaginator {self._operation_name}>"
