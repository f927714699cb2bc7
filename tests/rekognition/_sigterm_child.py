"""A service as the model-session guide shows it: SIGTERM or SIGINT cancels the work, and the model stops.

Run by ``test_model_sessions.py`` as ``python _sigterm_child.py URL VERSION_ARN BACKEND``.
"""

from __future__ import annotations

import signal
import sys

import anyio

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import EMULATOR_CREDENTIALS


async def cancel_on_signals(scope: anyio.CancelScope) -> None:
    """Cancel ``scope`` on the first SIGTERM or SIGINT (as containers, systemd and Ctrl-C send)."""
    with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
        async for _ in signals:
            scope.cancel()
            return


async def main(url: str, version_arn: str) -> None:
    async with (
        RekognitionClient(endpoint_url=url, region_name="us-east-1", **EMULATOR_CREDENTIALS) as rek,
        anyio.create_task_group() as tg,
    ):
        tg.start_soon(cancel_on_signals, tg.cancel_scope)
        async with rek.running_model(version_arn, min_delay=0.01, max_delay=0.05) as model:
            print("running", flush=True)
            while True:  # the service's work, until a signal cancels it
                await model.detect_custom_labels(image=b"\xff\xd8\xff\xe0" + b"photo" * 10)
                await anyio.sleep(0.02)
    print("stopped cleanly", flush=True)


if __name__ == "__main__":
    anyio.run(main, sys.argv[1], sys.argv[2], backend=sys.argv[3])
