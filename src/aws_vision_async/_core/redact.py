"""Keep credentials out of log records and error messages, botocore's included.

What is masked, and why:

* **The session-token header, always.** botocore logs whole requests at DEBUG,
  and the ``X-Amz-Security-Token`` header (in the request repr and in the
  canonical request it signs) carries the session token. Its value is masked
  wherever it appears, whoever's client sent it.
* **The credentials a client was given explicitly, while that client is open.**
  A secret access key never travels (only signatures made with it do), so this
  is a second line of defence: a service may quote a request back in an error
  message. Each client registers its secrets when it opens and releases them
  when it closes (or is garbage collected unclosed); a count per value keeps a
  secret shared by two open clients until both have closed. What is tracked
  therefore stays as large as the set of open clients, however many come and go.
  A client's error messages are scrubbed with its own secrets only; log records,
  which carry no client, with those of every open client.
* **Only values that can be AWS credentials.** Secret access keys have 40
  characters and session tokens hundreds. A value shorter than
  :data:`MIN_SECRET_LENGTH` cannot be one (the emulator's documented secret is
  the word ``emulator``), and masking it would garble ordinary text: every
  message that happens to contain the word.

The log filter sits on every botocore, aiobotocore and aws_vision_async logger.
Filters run only for records that would be emitted, so all this costs nothing
unless DEBUG is on. The same filter drops botocore's own retry decisions
("Max attempts of 1 reached.") during SDK calls: botocore's retries are off
there, and the SDK logs its own attempts on the ``aws_vision_async`` logger.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from typing import Final

from .attempt import CURRENT_ATTEMPT

__all__ = ["MIN_SECRET_LENGTH", "Protection", "protect", "scrub", "tracked_count"]

#: The shortest value treated as a credential.
MIN_SECRET_LENGTH: Final = 16

_MASK: Final = "<redacted>"
_TOKEN_HEADER: Final = re.compile(
    r"""(x-amz-security-token['"]?\s*[:=]\s*b?['"]?)([^'"\s,}]+)""",
    re.IGNORECASE,
)
_PREFIXES: Final = ("botocore", "aiobotocore", "aws_vision_async")
# botocore's retry handler still runs (with one attempt allowed) and says so on
# every call; during SDK calls that is misleading, since the SDK does the retrying.
_BOTOCORE_RETRY_LOGGER: Final = "botocore.retries.standard"
_BOTOCORE_RETRY_LINES: Final = frozenset({"Max attempts of %s reached.", "Not retrying request."})


def _mask(text: str, secrets: tuple[str, ...]) -> str:
    text = _TOKEN_HEADER.sub(lambda m: m.group(1) + _MASK, text)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, _MASK)
    return text


class _Registry(logging.Filter):
    """The secrets of the open clients, counted, and the log filter that masks them."""

    def __init__(self) -> None:
        super().__init__()
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        # Rebuilt on every change and read without the lock: a log record on
        # another thread never sees the collection change under it.
        self.secrets: tuple[str, ...] = ()

    def add(self, secrets: tuple[str, ...]) -> None:
        with self._lock:
            self._counts.update(secrets)
            self.secrets = tuple(self._counts)

    def remove(self, secrets: tuple[str, ...]) -> None:
        with self._lock:
            self._counts.subtract(secrets)
            for secret in secrets:
                if self._counts[secret] <= 0:
                    del self._counts[secret]
            self.secrets = tuple(self._counts)

    def filter(self, record: logging.LogRecord) -> bool:
        if (
            record.name == _BOTOCORE_RETRY_LOGGER
            and record.msg in _BOTOCORE_RETRY_LINES
            and CURRENT_ATTEMPT.get() is not None
        ):
            return False
        try:
            message = record.getMessage()
        except Exception:  # a broken record is the logging module's to report
            return True
        redacted = _mask(message, self.secrets)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True


_registry: Final = _Registry()
_install_lock: Final = threading.Lock()
_installed: set[str] = set()
_seen_loggers = 0


class Protection:
    """The secrets of one client, masked while it is open.

    Attributes:
        secrets: The values masked (those long enough to be credentials).
    """

    __slots__ = ("__weakref__", "_held", "secrets")

    def __init__(self, secrets: tuple[str, ...]) -> None:
        self.secrets = secrets
        self._held = False

    def __repr__(self) -> str:
        return f"<Protection of {len(self.secrets)} secret(s)>"

    def scrub(self, text: str) -> str:
        """Mask session-token headers and this client's secrets in ``text``."""
        return _mask(text, self.secrets)

    def hold(self) -> None:
        """Start masking these secrets in log records."""
        if not self._held:
            self._held = True
            _registry.add(self.secrets)
            _install_filter()

    def release(self) -> None:
        """Stop masking these secrets in log records. Idempotent."""
        if self._held:
            self._held = False
            _registry.remove(self.secrets)


def protect(*secrets: str | None) -> Protection:
    """Mask ``secrets`` in log records until the returned protection is released.

    Values shorter than :data:`MIN_SECRET_LENGTH` are not credentials and are
    left alone. Also puts the filter on every botocore/aiobotocore logger
    created so far (botocore's modules create theirs at import).

    Returns:
        The held protection; its ``scrub`` masks the same values in a text.
    """
    kept = tuple(dict.fromkeys(s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH))
    protection = Protection(kept)
    protection.hold()
    return protection


def scrub(text: str) -> str:
    """Mask session-token headers and the secrets of every open client in ``text``."""
    return _mask(text, _registry.secrets)


def tracked_count() -> int:
    """How many distinct secrets are masked now (for tests and diagnostics)."""
    return len(_registry.secrets)


def _install_filter() -> None:
    global _seen_loggers  # noqa: PLW0603 - the module's one cache
    with _install_lock:
        names = logging.Logger.manager.loggerDict
        if len(names) == _seen_loggers:
            return  # no logger was created since the last look
        _seen_loggers = len(names)
        for name in [*_PREFIXES, *names]:
            if name in _installed or not name.startswith(_PREFIXES):
                continue
            logging.getLogger(name).addFilter(_registry)
            _installed.add(name)
