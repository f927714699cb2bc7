"""SIGINT and SIGTERM: cancel what a command is doing, let it clean up, then exit 130 or 143."""

from __future__ import annotations

import signal
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio

from ._common import Interrupted, stderr

__all__ = ["interruptible"]

T = TypeVar("T")

#: The signals that end a command: Ctrl-C, and how containers, systemd and CI stop a process.
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


async def interruptible(body: Callable[[], Awaitable[T]], cleanup: Callable[[int], Awaitable[str]]) -> T:
    """Run ``body``; on SIGINT or SIGTERM, cancel it, run ``cleanup`` (shielded), and raise ``Interrupted``.

    Python's default SIGTERM ends the process at once, running no ``finally``;
    here both signals only cancel ``body``, so that the command can undo what
    it started (a model billed by the hour) before it exits. Signals that
    arrive during the clean-up are reported and otherwise ignored: it runs to
    its end (``cleanup`` bounds its own time).

    Args:
        body: The command's work.
        cleanup: Given the signal's number, undoes what ``body`` started and
            returns a line saying what it did.

    Returns:
        What ``body`` returned, when no signal came.

    Raises:
        Interrupted: A signal came; its message is what ``cleanup`` returned.
    """
    if sys.platform == "win32":  # no signal receiver there: Ctrl-C stays a KeyboardInterrupt
        return await body()
    received: list[int] = []
    body_scope = anyio.CancelScope()
    result: list[T] = []
    failure: Exception | None = None
    with anyio.open_signal_receiver(*_SIGNALS) as signals:
        async with anyio.create_task_group() as group:

            async def listen() -> None:
                async for signum in signals:
                    if not received:
                        received.append(signum)
                        body_scope.cancel()
                    else:
                        stderr.print(f"{signal.Signals(signum).name}: still cleaning up, please wait", markup=False)

            group.start_soon(listen)
            # Errors are kept and raised after the task group, which would wrap them in an ExceptionGroup.
            try:
                with body_scope:
                    result.append(await body())
            except Exception as error:  # raised below
                failure = error
            if received:
                # Whatever the body was doing, or failed at, the signal ends it: clean up.
                failure = None
                with anyio.CancelScope(shield=True):
                    try:
                        message = await cleanup(received[0])
                    except Exception as error:  # raised below
                        failure = error
                    else:
                        name = signal.Signals(received[0]).name
                        failure = Interrupted(received[0], f"interrupted by {name}: {message}")
            group.cancel_scope.cancel()  # done: stop listening
    if failure is not None:
        raise failure
    return result[0]
