"""Idempotency (client) tokens: one per logical call, the same on every retry."""

from __future__ import annotations

import uuid


def new_client_token() -> str:
    """Return a fresh idempotency token.

    A UUID4 in its 36-character text form fits every token constraint of both
    services (1-64 characters of letters, digits and ``-``).
    """
    return str(uuid.uuid4())
