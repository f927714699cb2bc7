"""``datasets export`` and ``datasets import``: JSON Lines out and in, with progress and resume."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated, Any, Final

from cyclopts import App, Parameter
from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from ..manifest import DatasetEntry, ManifestRuleError
from ..rekognition.models import DatasetChanges
from ._common import DEFAULT_CONNECTION, EXIT_OK, Connection, UsageError, stderr

__all__ = ["datasets"]

datasets = App(name="datasets", help="Custom Labels datasets: export entries to JSON Lines, import a manifest.")

#: The most bytes of JSON Lines one UpdateDatasetEntries call takes (its GroundTruth blob).
MAX_BATCH_BYTES: Final = 5_242_880
#: Bad lines listed before "and N more".
_SHOWN_ERRORS: Final = 20


def _state_path(output: Path) -> Path:
    return output.with_name(output.name + ".export-state.json")


def _progress(total: int | None) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn() if total is not None else TextColumn("{task.completed} entries"),
        TextColumn("{task.fields[pages]} pages"),
        TextColumn("{task.fields[rate]:.0f}/s"),
        TimeElapsedColumn(),
        console=stderr,
        transient=False,
    )


class _ExportFile:
    """The output file and its resume state: a page is written, synced, then recorded.

    The state file (``FILE.export-state.json``) holds what was asked, the next
    page's token, and the size of the file after the last complete page. A run
    that finds it truncates the file to that size (dropping a page cut short)
    and carries on from that token; a complete export removes it.
    """

    def __init__(self, path: Path, request: dict[str, Any], *, restart: bool, overwrite: bool) -> None:
        self.path = path
        self.state_path = _state_path(path)
        self.request = request
        self.token: str | None = None
        self.lines = 0
        self.pages = 0
        self.resumed = False
        if path.is_dir():
            raise UsageError(f"cannot write {path}: it is a directory (give a file name)")
        if not path.parent.is_dir():
            raise UsageError(f"cannot write {path}: there is no directory {path.parent}")
        try:
            self._open(restart=restart, overwrite=overwrite)
        except OSError as error:
            # Checked before anything is sent: a path that cannot be used is bad input.
            raise UsageError(f"cannot write {error.filename or path}: {error.strerror or error}") from None

    def _open(self, *, restart: bool, overwrite: bool) -> None:
        path, request = self.path, self.request
        state = self._load_state()
        if state is not None and not restart:
            if state.get("request") != request:
                raise UsageError(
                    f"{self.state_path} records an unfinished export of another dataset or filters: "
                    "run that command again to finish it, or pass --restart to start this one over"
                )
            offset = int(state["offset"])
            if not path.exists() or path.stat().st_size < offset:
                raise UsageError(f"{path} is shorter than {self.state_path} says: pass --restart to start over")
            self.file: IO[bytes] = path.open("r+b")
            self.file.truncate(offset)  # a page written but not recorded is written again
            self.file.seek(offset)
            self.token, self.lines, self.pages = state["next_token"], int(state["lines"]), int(state["pages"])
            self.resumed = True
            return
        if state is None and not overwrite and path.exists() and path.stat().st_size > 0:
            raise UsageError(f"{path} exists: pass --overwrite to replace it")
        self.file = path.open("wb")
        self._save(None)

    def _load_state(self) -> dict[str, Any] | None:
        try:
            loaded: dict[str, Any] = json.loads(self.state_path.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise UsageError(f"cannot read {self.state_path}: {error}; pass --restart to start over") from None
        return loaded

    def write_page(self, lines: list[str], next_token: str | None) -> None:
        """Append one page, make it durable, then record it (or finish)."""
        if lines:
            self.file.write(("\n".join(lines) + "\n").encode())
        self.file.flush()
        os.fsync(self.file.fileno())
        self.lines += len(lines)
        self.pages += 1
        if next_token is None:
            self.file.close()
            self.state_path.unlink(missing_ok=True)
        else:
            self._save(next_token)

    def _save(self, next_token: str | None) -> None:
        state = {
            "request": self.request,
            "next_token": next_token,
            "lines": self.lines,
            "pages": self.pages,
            "offset": self.file.tell(),
        }
        partial = self.state_path.with_name(self.state_path.name + ".tmp")
        partial.write_text(json.dumps(state))
        os.replace(partial, self.state_path)  # atomic: the state is the old one or the new one

    def close(self) -> None:
        self.file.close()


@datasets.command
async def export(
    dataset_arn: str,
    /,
    *,
    output_file: Annotated[Path | None, Parameter(name=["-o", "--output-file"])] = None,
    labeled: Annotated[bool | None, Parameter(negative="--unlabeled")] = None,
    has_errors: bool | None = None,
    contains_label: Annotated[list[str] | None, Parameter(name="--contains-label", negative_iterable=())] = None,
    restart: Annotated[bool, Parameter(negative=())] = False,
    overwrite: Annotated[bool, Parameter(negative=())] = False,
    connection: Connection = DEFAULT_CONNECTION,
) -> int:
    """Write every entry of a dataset as JSON Lines, one entry per line, with progress.

    With -o, an interrupted export (Ctrl-C, a crash, a network failure) carries on
    where it stopped when the same command runs again: no line is lost or repeated.

    Args:
        dataset_arn: The dataset's ARN.
        output_file: Write here (resumable); by default to stdout.
        labeled: Only labeled entries (--labeled) or only unlabeled ones (--unlabeled).
        has_errors: Only entries with errors (--has-errors) or without (--no-has-errors).
        contains_label: Only entries with this label (repeatable).
        restart: Start over, ignoring an unfinished export of this file.
        overwrite: Replace the output file if it exists.
        connection: The options every command takes.
    """
    request = {
        "dataset_arn": dataset_arn,
        "labeled": labeled,
        "has_errors": has_errors,
        "contains_labels": contains_label or None,
    }
    target = None if output_file is None else _ExportFile(output_file, request, restart=restart, overwrite=overwrite)
    try:
        async with connection.client() as rek:
            total = None
            if labeled is None and has_errors is None and not contains_label:
                stats = (await rek.describe_dataset(dataset_arn=dataset_arn)).dataset_description
                total = stats.dataset_stats.total_entries if stats and stats.dataset_stats else None
            token = None if target is None else target.token
            with _progress(total) as progress:
                done = 0 if target is None else target.lines
                pages = 0 if target is None else target.pages
                resumed_at = done  # the rate counts this run's entries only
                task = progress.add_task(
                    "resuming" if target is not None and target.resumed else "exporting",
                    total=total,
                    completed=done,
                    pages=pages,
                    rate=0.0,
                )
                paginator = rek.list_dataset_entries(
                    dataset_arn=dataset_arn,
                    labeled=labeled,
                    has_errors=has_errors,
                    contains_labels=contains_label or None,
                    next_token=token,
                )
                async for page in paginator.pages():
                    lines = list(page.dataset_entries or ())
                    if target is None:
                        sys.stdout.write("".join(line + "\n" for line in lines))
                        sys.stdout.flush()
                    else:
                        target.write_page(lines, page.next_token)
                    done += len(lines)
                    pages += 1
                    elapsed = progress.tasks[0].elapsed or 0.0
                    rate = (done - resumed_at) / elapsed if elapsed else 0.0
                    progress.update(task, completed=done, pages=pages, rate=rate)
    except BaseException:
        if target is not None:
            target.close()
            if target.state_path.exists():
                stderr.print(
                    f"export stopped after {target.lines} entries; run the same command to resume", markup=False
                )
        raise
    if target is not None:
        stderr.print(f"{target.lines} entries written to {target.path}", markup=False)
    return EXIT_OK


def _read_manifest(path: Path) -> Iterator[tuple[int, str]]:
    with path.open("rb") as file:
        for number, raw in enumerate(file, start=1):
            text = raw.decode("utf-8", errors="strict").strip()
            if text:
                yield number, text


def _batches(lines: list[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    size = 0
    for line in lines:
        cost = len(line.encode()) + 1
        if batch and size + cost > MAX_BATCH_BYTES:
            yield batch
            batch, size = [], 0
        batch.append(line)
        size += cost
    if batch:
        yield batch


@datasets.command(name="import")
async def import_entries(dataset_arn: str, manifest: Path, /, *, connection: Connection = DEFAULT_CONNECTION) -> int:
    """Check every line of a manifest, then add or update the entries in the dataset, with progress.

    Each line is validated with the typed manifest model first; if any is bad, every bad line
    is reported with its number and nothing is sent. Lines go in batches of at most 5 MiB (the
    UpdateDatasetEntries limit).

    Args:
        dataset_arn: The dataset's ARN.
        manifest: A JSON Lines file (SageMaker Ground Truth manifest lines).
        connection: The options every command takes.
    """
    try:
        numbered = list(_read_manifest(manifest))
    except OSError as error:
        raise UsageError(f"cannot read {manifest}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"{manifest} is not UTF-8: {error}") from None
    problems: list[str] = []
    lines: list[str] = []
    for number, text in numbered:
        try:
            entry = DatasetEntry.parse(text)
            entry.check()
        except (ValidationError, ManifestRuleError, ValueError) as error:
            problems.append(f"{manifest}:{number}: {_one_line(error)}")
            continue
        if len(text.encode()) + 1 > MAX_BATCH_BYTES:
            problems.append(f"{manifest}:{number}: the line is longer than one request takes ({MAX_BATCH_BYTES} bytes)")
        lines.append(text)
    if not numbered:
        raise UsageError(f"{manifest} holds no entries")
    if problems:
        shown = problems[:_SHOWN_ERRORS]
        more = f"\n... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        raise UsageError(f"{len(problems)} bad line(s), nothing sent:\n" + "\n".join(shown) + more)
    async with connection.client() as rek:
        with Progress(
            TextColumn("[bold]importing"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=stderr,
        ) as progress:
            task = progress.add_task("importing", total=len(lines))
            for batch in _batches(lines):
                changes = DatasetChanges(ground_truth=("\n".join(batch) + "\n").encode())
                await rek.update_dataset_entries(dataset_arn=dataset_arn, changes=changes)
                progress.advance(task, len(batch))
    if connection.output == "json":
        sys.stdout.write(json.dumps({"dataset_arn": dataset_arn, "entries": len(lines)}) + "\n")
    else:
        stderr.print(f"{len(lines)} entries sent to {dataset_arn}", markup=False)
    return EXIT_OK


def _one_line(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {first['msg']}" if where else str(first["msg"])
    return " ".join(str(error).split())
