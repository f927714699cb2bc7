"""The state of one emulated account and Region: every family of operations, composed.

Each family of operations lives in its own module of ``_operations`` and is a mixin
of :class:`State`. To add a family (video jobs, faces and users, stream processors...):

1. Write ``_operations/_<family>.py`` with a class deriving from ``StateBase`` (or
   from the family whose resources it uses), its resources' records in
   ``_resources.py``.
2. Give it its stores in ``_create_stores`` and, if its operations take time, its
   transitions in ``_catch_up(now)``; both call ``super()`` first.
3. Mark each operation's handler with ``@handles("rekognition", "OperationName")``
   (or ``"lookoutvision"``): the handler table (``state.rekognition[...]``) is made
   from the marks, each handler run under the state's lock.
4. Add the class to :class:`State`'s bases below, and its operations to the list
   in the ``emulator`` package docstring.
"""

from __future__ import annotations

from ._operations._base import IDEMPOTENCY_WINDOW, MAX_RESULTS
from ._operations._lookoutvision import LookoutVisionProjects
from ._operations._rek_collections import FaceCollections
from ._operations._rek_images import ImageAnalysis
from ._operations._rek_liveness import FaceLiveness
from ._operations._rek_model_versions import MAX_RUNNING_MODELS
from ._operations._rek_moderation import Moderation
from ._operations._rek_project_policies import ProjectPolicies
from ._operations._rek_tags import ResourceTags
from ._operations._rek_users import CollectionUsers
from ._operations._rek_video import MAX_OPEN_VIDEO_JOBS, VideoJobs

__all__ = ["IDEMPOTENCY_WINDOW", "MAX_OPEN_VIDEO_JOBS", "MAX_RESULTS", "MAX_RUNNING_MODELS", "State"]


class State(
    ResourceTags,
    ProjectPolicies,
    FaceLiveness,
    Moderation,
    VideoJobs,
    CollectionUsers,
    FaceCollections,
    ImageAnalysis,
    LookoutVisionProjects,
):
    """Every resource of both emulated services, and the operations on them.

    Slow operations (training, starting a model...) move through their statuses
    by the clock: each read works out what has happened since, from the
    ``timings`` in force when the operation was asked for. The operations hold
    ``lock``, so that a test may read the state while the emulator serves.

    Attributes:
        region: The Region in ARNs.
        clock: The time in seconds since the epoch (``time.time``); replace it
            to move time by hand.
        timings: How long slow operations take.
        running_models_limit: How many Custom Labels models may run at once
            (``MAX_RUNNING_MODELS``); one more start is a ``LimitExceededException``.
        s3_objects: The emulator's S3: objects by ``(bucket, key)``, read as
            manifests (``CreateDataset``, ``CreateProjectVersion``) and images
            (``DetectCustomLabels``). Fill it with ``put_object``.
        rekognition: The Rekognition handlers by operation name; replace one to
            change what the emulator answers.
        lookoutvision: The Lookout for Vision handlers by operation name.
        rek_projects: Rekognition projects by name.
        collections: Face collections by id, each with its faces and users.
        index_calls: How many ``IndexFaces`` calls there were (each one's faces get new ids).
        video_jobs: Stored-video analysis jobs (``StartLabelDetection``...) by ``JobId``.
        media_analysis_jobs: Media analysis jobs by ``JobId``.
        open_video_jobs_limit: How many stored-video jobs may be IN_PROGRESS at once
            (``MAX_OPEN_VIDEO_JOBS``, 20); one more start is a ``LimitExceededException``.
        stream_processors: Stream processors by name.
        liveness_sessions: Face Liveness sessions by ``SessionId``.
        project_policies: The policies of each project, by project ARN, then by name.
        resource_tags: The tags of every taggable resource, by ARN less ``arn:``.
        lfv_projects: Lookout for Vision projects by name.
    """
