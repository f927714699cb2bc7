"""What every command shares: the connection options, the output, the exit codes."""

from __future__ import annotations

import json
import math
import signal
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Annotated, Any, Final, Literal

from cyclopts import Parameter
from rich.console import Console
from rich.table import Table

from .. import RekognitionClient

__all__ = [
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "DEFAULT_CONNECTION",
    "Connection",
    "Interrupted",
    "UsageError",
    "emit",
    "iso",
    "print_line",
    "stderr",
]

EXIT_OK: Final = 0
#: A service or network error.
EXIT_ERROR: Final = 1
#: Bad usage or bad input: nothing was sent, or nothing more.
EXIT_USAGE: Final = 2
#: Interrupted (Ctrl-C), as shells report SIGINT.
EXIT_INTERRUPTED: Final = 130
#: Terminated (SIGTERM), as shells report it.
EXIT_TERMINATED: Final = 143

#: Messages for people go to stderr; stdout carries the data only.
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


class UsageError(Exception):
    """The command cannot run as given (exit status 2)."""


class Interrupted(Exception):  # noqa: N818 - what happened, as KeyboardInterrupt says it
    """SIGINT or SIGTERM ended the command, after it cleaned up (exit status 128 + the signal's number).

    Attributes:
        signum: The signal received.
        message: What the command did about it, for stderr.
    """

    def __init__(self, signum: int, message: str) -> None:
        super().__init__(message)
        self.signum = signum
        self.message = message

    @property
    def exit_status(self) -> int:
        """130 for SIGINT, 143 for SIGTERM: as shells report a process those signals ended."""
        return 128 + self.signum

    @property
    def signal_name(self) -> str:
        """``"SIGINT"``, ``"SIGTERM"``."""
        return signal.Signals(self.signum).name


def _seconds(type_: object, value: float | None) -> None:
    if value is not None and not 0.0 < value < math.inf:  # NaN fails this too
        raise ValueError("it must be a positive number of seconds")


@Parameter(name="*")
@dataclass(frozen=True)
class Connection:
    """Where to send requests and how to print the result (every command takes these)."""

    endpoint_url: str | None = None
    """Send requests to this URL (the emulator's, say) instead of the AWS endpoint."""
    region: str | None = None
    """The AWS Region; by default the profile's, or AWS_DEFAULT_REGION."""
    profile: str | None = None
    """A named profile of the AWS config and credentials files."""
    output: Literal["json", "table"] = "table"
    """json: one JSON document on stdout, for programs; table: text for people."""
    timeout: Annotated[float | None, Parameter(validator=_seconds)] = None
    """The most seconds one call to AWS may take, its retries included; by default no limit."""

    def client(self) -> RekognitionClient:
        """A Rekognition client with these settings (open it with ``async with``)."""
        return RekognitionClient(
            endpoint_url=self.endpoint_url, region_name=self.region, profile_name=self.profile, timeout=self.timeout
        )


#: The options' defaults (frozen: one instance serves every command).
DEFAULT_CONNECTION: Final = Connection()


def iso(value: datetime | None) -> str | None:
    """A timestamp as ISO 8601 in UTC, or ``None``."""
    return None if value is None else value.astimezone(timezone.utc).isoformat()


def _to_terminal() -> bool:
    return sys.stdout.isatty()


def print_line(text: str) -> None:
    """Print one line of data on stdout, never wrapped (a pipe or a file gets it whole)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def emit(connection: Connection, rows: Sequence[Mapping[str, Any]], *, title: str, columns: Sequence[str]) -> None:
    """Print ``rows``: a JSON array on stdout, or a table.

    On a terminal the table is drawn to fit it. To a pipe or a file it is
    plain text, one line per row, columns padded, nothing wrapped or cut: an
    ARN stays whole for ``grep``, ``awk`` and ``cut``.
    """
    if connection.output == "json":
        print_line(json.dumps(list(rows), default=str))
        return
    if not _to_terminal():
        header = [c.replace("_", " ") for c in columns]
        cells = [[_cell(row.get(c), plain=True) or "-" for c in columns] for row in rows]
        widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(columns))]
        for line in [header, *cells]:
            print_line("  ".join(value.ljust(width) for value, width in zip(line, widths, strict=True)).rstrip())
        return
    table = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        table.add_column(column.replace("_", " "), overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    Console(highlight=False).print(table)


def _cell(value: object, *, plain: bool = False) -> str:
    # A drawn table shows a list one item a line; plain text keeps a cell free of
    # newlines, and a list or mapping free of spaces (joined by "," and ":").
    if value is None:
        return ""
    if isinstance(value, list):
        items: list[object] = value  # pyright: ignore[reportUnknownVariableType]
        return ("," if plain else "\n").join(_cell(v, plain=plain) for v in items)
    if isinstance(value, dict):
        fields: dict[str, object] = value  # pyright: ignore[reportUnknownVariableType]
        return (":" if plain else " ").join(_cell(v, plain=plain) for v in fields.values())
    return " ".join(str(value).split())
