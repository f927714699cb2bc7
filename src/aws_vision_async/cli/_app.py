"""The command tree and ``main``: parsing, errors and exit statuses."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from botocore.exceptions import (
    BotoCoreError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
)
from cyclopts import App, CycloptsError

from .. import AwsVisionError, ServiceError, WaiterError, __version__
from ._common import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError, stderr
from ._datasets import datasets
from ._models import models, projects

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

    Exit statuses: 0 success; 1 a service or network error (a service error's
    message gives its request id); 2 bad usage or bad input; 130 interrupted.

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
    except UsageError as error:
        _fail(str(error), EXIT_USAGE)
    except ServiceError as error:
        _fail(str(error), EXIT_ERROR)
    except WaiterError as error:
        _fail(str(error), EXIT_ERROR)
    except AwsVisionError as error:
        _fail(f"{type(error).__name__}: {error}", EXIT_ERROR)
    except ValueError as error:  # the SDK's request validation: nothing was sent
        _fail(str(error), EXIT_USAGE)
    except (NoRegionError, NoCredentialsError, PartialCredentialsError, ProfileNotFound) as error:
        _fail(f"{error} (see --region, --profile and the AWS configuration)", EXIT_USAGE)
    except BotoCoreError as error:
        _fail(f"{type(error).__name__}: {error}", EXIT_ERROR)
    except KeyboardInterrupt:
        _fail("interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader of stdout stopped (`| head`): not an error of this command.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_OK)
    sys.exit(result if isinstance(result, int) else EXIT_OK)
