"""The command tree and ``main``: parsing, errors and exit statuses."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from cyclopts import App, CycloptsError

from .. import __version__
from ._common import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, stderr
from ._datasets import datasets
from ._errors import explain
from ._model_commands import models, projects

__all__ = ["app", "main"]

app = App(
    name="aws-vision-async",
    help="Daily chores of Amazon Rekognition Custom Labels: export and import datasets, see and run models.",
    version=__version__,
    version_flags=["--version"],
    result_action="return_value",
    suppress_keyboard_interrupt=False,
)
app.command(datasets)
app.command(projects)
app.command(models)
app.command(
    App(name="emulator", help="Run the embedded emulator (python -m aws_vision_async.emulator --help for its options).")
)


def _fail(message: str, code: int) -> NoReturn:
    stderr.print(f"error: {message}", markup=False)
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the ``aws-vision-async`` command and exit with its status.

    Exit statuses: 0 success; 1 a service or network error, or a reply that
    could not be understood (one line: the error's code, HTTP status and request
    id); 2 bad usage or bad input, a path that cannot be used; 130 interrupted
    (SIGINT), 143 terminated (SIGTERM).

    Args:
        argv: The arguments; by default ``sys.argv[1:]``.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["emulator"]:
        # The emulator has its own parser (python -m aws_vision_async.emulator): hand it everything.
        from ..emulator.__main__ import main as emulator_main  # noqa: PLC0415 - only for this command

        sys.exit(emulator_main(args[1:]))

    try:
        result = app(args, exit_on_error=False, print_error=True)
    except CycloptsError:
        sys.exit(EXIT_USAGE)  # cyclopts printed what was wrong
    except KeyboardInterrupt:
        _fail("interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader of stdout stopped (`| head`): not an error of this command.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_OK)
    except Exception as error:
        explained = explain(error)
        if explained is None:
            raise  # a bug: its traceback is what a report needs
        _fail(*explained)
    sys.exit(result if isinstance(result, int) else EXIT_OK)
