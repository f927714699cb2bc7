"""A local endpoint for Rekognition and Lookout for Vision: try the SDK and test with no AWS account.

Three ways to start it:

* ``python -m aws_vision_async.emulator --port 4566 --sample`` (see ``--help``);
* ``async with running(sample=True) as url:`` in a program, or
  ``async with Emulator(...) as emulator:`` to also reach its state and faults;
* the ``vision_emulator`` pytest fixture, after adding
  ``pytest_plugins = ["aws_vision_async.emulator.pytest_plugin"]`` to a conftest;
  it seeds the fault draws of each test, so that faults are reproducible.

What it emulates, with state: every Rekognition operation (projects, datasets,
the Custom Labels model lifecycle and Custom Moderation adapters; face
collections with their faces and users; image analysis, read from the image:
see ``scene_image``; stored-video and media analysis jobs; stream processors;
Face Liveness sessions; tags; project policies), and Lookout for Vision
CreateProject, DescribeProject, ListProjects, DeleteProject, CreateDataset,
ListDatasetEntries, UpdateDatasetEntries. Lookout for Vision's other
operations are decoded and validated, then answered with a
``NotImplementedException`` (HTTP 501). The emulator guide lists, per
operation, what is emulated and what is not.

Slow operations (training, starting and stopping a model, copying it,
creating and updating datasets, video and media analysis jobs) go through the service's statuses in the times
of a ``Timings``, fractions of a second by default; the emulator records the
inference units each model held (``Emulator.inference_usage``), so that a test
can check that nothing was left running (``Emulator.running_versions``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from contextlib import asynccontextmanager
from typing import Final, TypedDict

from ._custom_labels import ASSUMED_THRESHOLD
from ._faults import FaultPlan, Faults
from ._resources import InferenceUsage
from ._sample import SampleData
from ._scene import scene_image
from ._server import Emulator
from ._state import IDEMPOTENCY_WINDOW, MAX_OPEN_VIDEO_JOBS, MAX_RESULTS, MAX_RUNNING_MODELS, State
from ._timings import Timings

__all__ = [
    "ASSUMED_THRESHOLD",
    "EMULATOR_CREDENTIALS",
    "EmulatorCredentials",
    "IDEMPOTENCY_WINDOW",
    "MAX_OPEN_VIDEO_JOBS",
    "MAX_RESULTS",
    "MAX_RUNNING_MODELS",
    "Emulator",
    "FaultPlan",
    "Faults",
    "InferenceUsage",
    "SampleData",
    "State",
    "Timings",
    "running",
    "scene_image",
]


class EmulatorCredentials(TypedDict):
    """Keyword arguments of a client's credentials, typed for ``**`` unpacking."""

    aws_access_key_id: str
    aws_secret_access_key: str


#: Credentials for clients of the emulator: it checks none, but botocore signs
#: every request, and explicit ones keep the caller's own from being read.
EMULATOR_CREDENTIALS: Final[EmulatorCredentials] = {
    "aws_access_key_id": "emulator",
    "aws_secret_access_key": "emulator",
}


@asynccontextmanager
async def running(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    sample: bool | SampleData = False,
    faults: Mapping[str, Faults] | None = None,
    seed: int | None = None,
    region: str = "us-east-1",
    timings: Timings | None = None,
) -> AsyncGenerator[str, None]:
    """Start an emulator in-process (by default on a free port) and yield its endpoint URL.

    The arguments are ``Emulator``'s; use ``async with Emulator(...)`` instead
    to also reach its state, faults and request counts.

    Args:
        host: The address to listen on; keep the default loopback address.
        port: The port; 0 picks a free one.
        sample: ``True`` for the default sample data, or a ``SampleData``.
        faults: Faults per operation (``"CreateProject"``,
            ``"lookoutvision:CreateProject"`` or ``"*"``).
        seed: Seed of the fault draws, for reproducible runs.
        region: The Region used in ARNs.
        timings: How long slow operations take; ``None`` for ``Timings()``.

    Yields:
        The endpoint URL, such as ``http://127.0.0.1:38123``.
    """
    # Spelt out rather than **kwargs, so that type checkers catch a misspelt
    # argument; tests/emulator/test_running_types.py keeps it in sync with Emulator.
    emulator = Emulator(host=host, port=port, sample=sample, faults=faults, seed=seed, region=region, timings=timings)
    async with emulator:
        yield emulator.url


# Public classes say they come from here, where users import them: reprs, tracebacks,
# pickles and the docs name aws_vision_async.emulator, not a private module.
for _public in (Emulator, FaultPlan, Faults, InferenceUsage, SampleData, State, Timings, scene_image):
    _public.__module__ = __name__
del _public
