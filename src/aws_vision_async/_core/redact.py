"""Keep credentials out of log records, botocore's included.

botocore logs whole requests at DEBUG: the ``X-Amz-Security-Token`` header
(in the request repr and in the canonical request it signs) carries the session
token. A filter on every botocore and aiobotocore logger rewrites such records
before any handler sees them. It masks the value of that header wherever it
appears, and any credential the SDK was given explicitly. Filters run only for
records that would be emitted, so this costs nothing unless DEBUG is on.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Final

_MASK: Final = "<redacted>"
_TOKEN_HEADER: Final = re.compile(
    r"""(x-amz-security-token['"]?\s*[:=]\s*b?['"]?)([^'"\s,}]+)""",
    re.IGNORECASE,
)
_PREFIXES: Final = ("botocore", "aiobotocore", "aws_vision_async")


class _RedactingFilter(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def scrub(self, text: str) -> str:
        text = _TOKEN_HEADER.sub(lambda m: m.group(1) + _MASK, text)
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, _MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is the logging module's to report
            return True
        redacted = self.scrub(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True


_filter: Final = _RedactingFilter()
_lock: Final = threading.Lock()
_installed: set[str] = set()


def scrub(text: str) -> str:
    """Mask session-token headers and the SDK's known credentials in ``text``."""
    return _filter.scrub(text)


def protect(*secrets: str | None) -> None:
    """Install the filter on every botocore/aiobotocore logger and mask ``secrets``.

    Idempotent; call it whenever a client opens, after botocore is imported (its
    modules create their loggers at import).
    """
    with _lock:
        _filter.secrets.update(s for s in secrets if s and len(s) >= 4)
        for name in [*_PREFIXES, *logging.Logger.manager.loggerDict]:
            if name in _installed or not name.startswith(_PREFIXES):
                continue
            logging.getLogger(name).addFilter(_filter)
            _installed.add(name)
