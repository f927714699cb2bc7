"""Creation dates of labels: read as written in a line, written as the guide writes them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Final

from ._rules import RULE_CREATION_DATE, broken

_DATE: Final = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?", re.ASCII
)


def read_date(text: str) -> datetime | None:
    """``text`` as a timezone-aware UTC datetime, or ``None`` if it does not read as one."""
    # Written as UTC with or without a zone: "2020-03-06T17:46:39.176", "2018-10-18T22:18:13.527256",
    # "2021-06-22T09:58:34.811Z", "2013-11-18 02:53:27" all appear in the guide's examples.
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micros)
    except ValueError:
        return None
    if zone in (None, "Z"):
        return moment.replace(tzinfo=timezone.utc)
    sign = -1 if zone.startswith("-") else 1
    digits = zone[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    if offset >= timedelta(hours=24):
        return None
    return (moment - sign * offset).replace(tzinfo=timezone.utc)


def write_date(moment: datetime | None) -> str:
    """``moment`` (now by default) as a line's ``creation-date``, in UTC without a zone suffix."""
    if moment is None:
        moment = datetime.now(timezone.utc)
    elif not isinstance(moment, datetime):  # pyright: ignore[reportUnnecessaryIsInstance] - a caller's mistake
        raise TypeError(
            f"creation_date must be a timezone-aware datetime or None, got {moment!r:.80} ({type(moment).__name__})"
        )
    elif moment.tzinfo is None or moment.utcoffset() is None:
        raise broken(
            RULE_CREATION_DATE, f"creation_date {moment.isoformat()} has no time zone (pass an aware datetime)"
        )
    # The guide's own formats: UTC without a zone suffix, to the microsecond or the second
    # ("2020-04-15T20:17:23.433061", "2013-11-18T02:53:27").
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat()
