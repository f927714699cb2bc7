"""Views: clients that share another client's connection, with other options (``with_options``)."""

from __future__ import annotations

import copy
import weakref
from contextlib import AsyncExitStack
from typing import Any, ClassVar, TypeVar

from ..retry import RetryPolicy
from .operation import ServiceSpec
from .options import (
    UNSET,
    RateLimiters,
    Unset,
    check_rate_limiter,
    check_retry_policy,
    check_timeout,
)

__all__ = ["ClientView"]

# A TypeVar rather than typing.Self: jedi (IPython, Jupyter, several editors) resolves
# Self to this base class, so `async with RekognitionClient() as rek: rek.` completed nothing.
ViewT = TypeVar("ViewT", bound="ClientView")


class ClientView:
    """The options of a client, and the client that owns its connection (itself, or the one it is a view of)."""

    _service: ClassVar[ServiceSpec]
    _retry_policy: RetryPolicy
    _timeout: float | None
    _rate_limiter: RateLimiters | None
    _rate_limit_max_wait: float | None
    # A view made by with_options sends through this client's connection.
    _root: ClientView | None
    # Lifecycle state of BaseClient that a view must not share.
    _stack: AsyncExitStack | None
    _finalizer: weakref.finalize[Any, Any] | None
    _opened_root: bool

    @property
    def _home(self) -> ClientView:
        # The client that owns the connection: this one, or the one a view came from.
        return self._root or self

    @property
    def retry_policy(self) -> RetryPolicy:
        """The retry policy of this client."""
        return self._retry_policy

    @property
    def timeout(self) -> float | None:
        """The most seconds one call may take, or ``None``."""
        return self._timeout

    @property
    def rate_limiter(self) -> RateLimiters | None:
        """The rate limiter (or the mapping of them) requests draw tokens from, or ``None``."""
        return self._rate_limiter

    def with_options(
        self: ViewT,
        *,
        retry_policy: RetryPolicy | Unset = UNSET,
        timeout: float | Unset | None = UNSET,
        rate_limiter: RateLimiters | Unset | None = UNSET,
        rate_limit_max_wait: float | Unset | None = UNSET,
    ) -> ViewT:
        """Return a client that shares this one's connection pool, with other settings.

        Only the options given change; this client is not affected. The new
        client is a view: it sends through this client's connection, so it
        works while this client is open, and closing it does not close the
        pool. Entering it (``async with``) opens this client if it is not
        open yet, and then closes it on exit::

            async with rek.with_options(timeout=5, retry_policy=RetryPolicy(max_attempts=1)) as fast:
                await fast.describe_projects()
            await rek.with_options(rate_limiter=limiter).detect_custom_labels(...)

        Args:
            retry_policy: How failed requests are retried.
            timeout: The most seconds one call may take, retries included;
                ``None`` for no limit.
            rate_limiter: A limiter, or a mapping from operation names to
                limiters; ``None`` for none.
            rate_limit_max_wait: The most seconds to wait for a rate-limit
                token; ``None`` to wait as long as needed.

        Returns:
            A client of the same type with the given options.
        """
        view = copy.copy(self)
        view._root = self._home
        view._stack = None
        view._finalizer = None
        view._opened_root = False
        if not isinstance(retry_policy, Unset):
            view._retry_policy = check_retry_policy(retry_policy)
        if not isinstance(timeout, Unset):
            view._timeout = check_timeout("timeout", timeout)
        if not isinstance(rate_limiter, Unset):
            view._rate_limiter = check_rate_limiter(self._service, rate_limiter)
        if not isinstance(rate_limit_max_wait, Unset):
            view._rate_limit_max_wait = check_timeout("rate_limit_max_wait", rate_limit_max_wait)
        return view
