"""What every command shares: the connection options, the output, the exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Final, Literal

from cyclopts import Parameter
from rich.console import Console
from rich.table import Table

from .. import RekognitionClient

__all__ = [
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "DEFAULT_CONNECTION",
    "Connection",
    "UsageError",
    "emit",
    "iso",
    "stderr",
]

EXIT_OK: Final = 0
#: A service or network error.
EXIT_ERROR: Final = 1
#: Bad usage or bad input: nothing was sent, or nothing more.
EXIT_USAGE: Final = 2
#: Interrupted (Ctrl-C), as shells report SIGINT.
EXIT_INTERRUPTED: Final = 130

#: Messages for people go to stderr; stdout carries the data only.
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


class UsageError(Exception):
    """The command cannot run as given (exit status 2)."""


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

    def client(self) -> RekognitionClient:
        """A Rekognition client with these settings (open it with ``async with``)."""
        return RekognitionClient(endpoint_url=self.endpoint_url, region_name=self.region, profile_name=self.profile)


#: The options' defaults (frozen: one instance serves every command).
DEFAULT_CONNECTION: Final = Connection()


def iso(value: datetime | None) -> str | None:
    """A timestamp as ISO 8601 in UTC, or ``None``."""
    return None if value is None else value.astimezone(timezone.utc).isoformat()


def emit(connection: Connection, rows: Sequence[Mapping[str, Any]], *, title: str, columns: Sequence[str]) -> None:
    """Print ``rows``: a JSON array on stdout, or a table."""
    if connection.output == "json":
        sys.stdout.write(json.dumps(list(rows), default=str) + "\n")
        return
    table = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        table.add_column(column.replace("_", " "), overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    Console(highlight=False).print(table)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        items: list[object] = value  # pyright: ignore[reportUnknownVariableType]
        return "\n".join(_cell(v) for v in items)
    if isinstance(value, dict):
        fields: dict[str, object] = value  # pyright: ignore[reportUnknownVariableType]
        return " ".join(_cell(v) for v in fields.values())
    return str(value)
