"""How long the emulated services' slow operations take."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

__all__ = ["Timings"]


@dataclass(frozen=True, kw_only=True)
class Timings:
    """How long each slow operation takes in the emulator, in seconds.

    AWS takes minutes to hours for these; the emulator takes fractions of a
    second by default, so that tests can watch every state go by and still be
    fast. Transitions are worked out from timestamps whenever state is read (no
    background task runs), so a state lasts at least its time, and until the
    next request looks. A time of 0 moves straight to the final state.

    The times of an operation are fixed when it is asked for: changing the
    emulator's timings later changes only operations asked for after.

    Attributes:
        project_create: ``CreateProject``: CREATING, then CREATED.
        dataset_create: ``CreateDataset``: CREATE_IN_PROGRESS, then CREATE_COMPLETE.
        dataset_update: ``UpdateDatasetEntries``: UPDATE_IN_PROGRESS, then UPDATE_COMPLETE.
        training: ``CreateProjectVersion``: TRAINING_IN_PROGRESS, then
            TRAINING_COMPLETED or TRAINING_FAILED.
        copying: ``CopyProjectVersion``: COPYING_IN_PROGRESS, then COPYING_COMPLETED.
        starting: ``StartProjectVersion``: STARTING, then RUNNING.
        stopping: ``StopProjectVersion``: STOPPING, then STOPPED.
        deleting: ``DeleteProjectVersion``: DELETING, then gone. 0 by default,
            so that a project can be deleted right after its model versions.
        video_job: Every ``Start*`` stored-video analysis (``StartLabelDetection``...):
            IN_PROGRESS, then SUCCEEDED or FAILED (its ``Get*`` reports it).
        media_analysis_job: ``StartMediaAnalysisJob``: IN_PROGRESS, then SUCCEEDED or FAILED.
        stream_processor_start: ``StartStreamProcessor``: STARTING, then RUNNING.
        stream_processor_stop: ``StopStreamProcessor`` (or the end of a label detection
            processor's ``MaxDurationInSeconds``): STOPPING, then STOPPED.
        stream_processor_update: ``UpdateStreamProcessor``: UPDATING, then STOPPED.
        liveness_session: ``CreateFaceLivenessSession``: CREATED until the emulated
            user's selfie video has been streamed, then SUCCEEDED (EXPIRED instead when
            this is 3 minutes or more, the time an unused session lasts).
    """

    project_create: float = 0.0
    dataset_create: float = 0.0
    dataset_update: float = 0.0
    training: float = 0.1
    copying: float = 0.05
    starting: float = 0.05
    stopping: float = 0.05
    deleting: float = 0.0
    video_job: float = 0.1
    media_analysis_job: float = 0.1
    stream_processor_start: float = 0.05
    stream_processor_stop: float = 0.05
    stream_processor_update: float = 0.05
    liveness_session: float = 0.1

    def __post_init__(self) -> None:
        for f in fields(self):
            value: object = getattr(self, f.name)
            # bool is an int: True seconds is a mistake, not a time.
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < math.inf:
                raise ValueError(f"timing {f.name!r} must be a finite number of seconds, not negative: {value!r}")

    @classmethod
    def instant(cls) -> Timings:
        """Every operation done at once: the emulator as it was before timings existed."""
        return cls(**dict.fromkeys((f.name for f in fields(cls)), 0.0))

    @classmethod
    def parse(cls, text: str, base: Timings | None = None) -> Timings:
        """Parse ``"name=seconds,..."`` (``"training=2,starting=1"``) over ``base``.

        Args:
            text: Comma-separated settings; names not given keep their value in ``base``.
            base: The timings to start from; the defaults when ``None``.

        Returns:
            The timings.

        Raises:
            ValueError: The text is not of that form, names an unknown timing or
                gives a number that is not a valid time.
        """
        known = {f.name for f in fields(cls)}
        values = {f.name: getattr(base or cls(), f.name) for f in fields(cls)}
        for item in filter(None, (s.strip() for s in text.split(","))):
            name, eq, value = item.partition("=")
            name = name.strip()
            if not eq or name not in known:
                raise ValueError(f"unknown timing {item!r}; known: {', '.join(sorted(known))}")
            try:
                values[name] = float(value)
            except ValueError:
                raise ValueError(f"timing {name!r} needs a number of seconds, not {value.strip()!r}") from None
        return cls(**values)
