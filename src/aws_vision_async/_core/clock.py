"""Clock skew: sign with the service's time when the local clock is wrong.

A SigV4 signature carries the time it was made, and AWS refuses one more than
5 minutes away from its own clock ("Signature expired"). A machine whose clock
is off would fail every call, for ever. As the AWS SDKs for Java, JavaScript
and Go do, a client that gets a clock-skew error whose ``Date`` header is at
least 4 minutes from the time it signed with keeps the difference (server time
minus local time) and signs its later requests with the corrected time; the
transport resends the refused request once, at once.

Which replies count, as the AWS SDKs classify them (``CLOCK_SKEW_ERROR_CODES``
of the JavaScript SDK v3, ``AwsErrorCode`` of the Java SDK v2): the codes in
:data:`CLOCK_SKEW_CODES`. The ``Date`` check is what makes a correction safe:
a wrong secret key (also ``InvalidSignatureException``) comes back with the
right time and changes nothing.

The direct path signs itself and reads :data:`OFFSET`. botocore's signer reads
the time in ``SigV4Auth.add_auth`` (``botocore.auth.get_current_datetime``)
and writes it to ``request.context["timestamp"]`` just before
``_modify_request_before_signing``, which sets the date headers, and
everything signed after it reads that timestamp: each client's signer gets a
wrapper that corrects the timestamp there, on the auth objects it makes for
the SDK's own calls (a user's direct aiobotocore calls stay plain botocore),
and no global is patched.
"""

from __future__ import annotations

import datetime
import email.utils
import inspect
import logging
import time
import weakref
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any, Final

from . import compat
from .attempt import CURRENT_ATTEMPT

__all__ = [
    "CLOCK_SKEW_CODES",
    "OFFSET",
    "SKEW_THRESHOLD",
    "ClientClock",
    "clock_of",
    "hook_botocore_signer",
    "new_offset",
]

_log = logging.getLogger("aws_vision_async")

#: Error codes that may mean "your clock is wrong" (the AWS SDKs' list).
CLOCK_SKEW_CODES: Final = frozenset(
    {
        "AuthFailure",
        "InvalidSignatureException",
        "RequestExpired",
        "RequestInTheFuture",
        "RequestTimeTooSkewed",
        "SignatureDoesNotMatch",
    }
)
#: Seconds between the reply's ``Date`` and the time signed with beyond which the clock is corrected.
SKEW_THRESHOLD: Final = 4 * 60.0

#: Seconds to add to the local clock when signing the request being sent (set by the transport).
OFFSET: ContextVar[float] = ContextVar("aws_vision_async_clock_offset", default=0.0)


class ClientClock:
    """The clock correction of one aiobotocore client.

    Attributes:
        offset: Seconds to add to the local clock (server time minus local time).
        botocore_hooked: Whether botocore's signer of this client applies the offset.
    """

    __slots__ = ("__weakref__", "botocore_hooked", "offset")

    def __init__(self) -> None:
        self.offset = 0.0
        self.botocore_hooked = False

    def __repr__(self) -> str:
        return f"<ClientClock offset={self.offset:+.0f}s>"


_CLOCKS: weakref.WeakKeyDictionary[Any, ClientClock] = weakref.WeakKeyDictionary()


def clock_of(client: Any) -> ClientClock:
    """The clock correction of ``client`` (made on first use, dropped with the client)."""
    clock = _CLOCKS.get(client)
    if clock is None:
        clock = _CLOCKS[client] = ClientClock()
    return clock


def new_offset(code: str, headers: Mapping[str, str], offset: float, *, now: float | None = None) -> float | None:
    """The offset to sign with from now on, when a reply says the clock is skewed; else ``None``.

    Args:
        code: The reply's error code.
        headers: The reply's headers, names in lower case.
        offset: The offset the refused request was signed with.
        now: The local time (seconds since the epoch); the current time by default.

    Returns:
        The server's time minus the local time, when ``code`` is a clock-skew
        code and the reply's ``Date`` is at least :data:`SKEW_THRESHOLD` seconds
        from the local time plus ``offset``; ``None`` otherwise.
    """
    if code not in CLOCK_SKEW_CODES:
        return None
    value = headers.get("date")
    if not value:
        return None
    try:
        server = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if server.tzinfo is None:
        server = server.replace(tzinfo=datetime.timezone.utc)  # HTTP dates are GMT
    local = time.time() if now is None else now
    skew = server.timestamp() - local
    if abs(skew - offset) < SKEW_THRESHOLD:
        return None
    return skew


def hook_botocore_signer(client: Any, clock: ClientClock) -> bool:
    """Make botocore's signer of ``client`` sign the SDK's requests with :data:`OFFSET` added.

    Reaches into botocore through ``_core/compat.py`` (the signer's
    ``get_auth_instance``, ``SigV4Auth._modify_request_before_signing``,
    ``request.context["timestamp"]``); when any of it is missing, nothing is
    hooked and botocore's path signs with the local clock, as before (the
    transport then does not resend).

    Returns:
        Whether the hook is in place.
    """
    if clock.botocore_hooked:
        return True
    from botocore.auth import SigV4Auth  # noqa: PLC0415 - botocore is loaded with the client

    signer: Any = None
    factory: Any = None
    try:
        signer = compat.request_signer(client)
        factory = compat.auth_instance_factory(signer)
        compat.current_datetime()
        shiftable = compat.signing_time_shiftable()
    except (ImportError, AttributeError):
        shiftable = False
    if (
        not shiftable or factory is None or not inspect.iscoroutinefunction(factory)  # aiobotocore awaits it
    ):
        _log.debug("botocore's signer has changed: clock skew is corrected on the direct path only")
        return False

    async def get_auth_instance(*args: Any, **kwargs: Any) -> Any:
        auth = await factory(*args, **kwargs)
        # Only the SDK's own calls, and only when this client has an offset to apply.
        if OFFSET.get() and CURRENT_ATTEMPT.get() is not None and isinstance(auth, SigV4Auth):
            compat.shift_signing_time(auth, OFFSET.get)
        return auth

    compat.set_auth_instance_factory(signer, get_auth_instance)
    clock.botocore_hooked = True
    return True
