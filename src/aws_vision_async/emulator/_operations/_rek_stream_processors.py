# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests are decoded JSON, untyped by nature)
"""Rekognition Video stream processors.

CreateStreamProcessor, DescribeStreamProcessor, ListStreamProcessors,
StartStreamProcessor, StopStreamProcessor, UpdateStreamProcessor,
DeleteStreamProcessor. A processor is STOPPED once created; a start makes it
STARTING, then RUNNING after ``Timings.stream_processor_start``; a stop makes it
STOPPING, then STOPPED after ``Timings.stream_processor_stop``; a label detection
(``ConnectedHome``) processor also stops by itself once its
``MaxDurationInSeconds`` has run. An update makes it UPDATING, then STOPPED after
``Timings.stream_processor_update``. No video is read and no result is written:
the emulator keeps the processor's settings and statuses only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Final

from .._scene import stable
from .._wire import ApiError
from ._base import ACCOUNT, check_tag_count, handles, with_token
from ._rek_collections import FaceCollections

__all__ = ["StreamProcessor", "StreamProcessors"]

# ListStreamProcessors: "The default is 1000." (MaxResults).
_PAGE: Final = 1000
# StreamProcessingStopSelector.MaxDurationInSeconds: "The default is 10 seconds."
_DEFAULT_DURATION: Final = 10
_LABELS: Final = frozenset({"PERSON", "PET", "PACKAGE", "ALL"})
# The members DescribeStreamProcessor reports as given at creation (and by updates).
_DESCRIBED: Final = (
    "Input",
    "Output",
    "RoleArn",
    "Settings",
    "NotificationChannel",
    "KmsKeyId",
    "RegionsOfInterest",
    "DataSharingPreference",
)
_MESSAGES: Final = {
    "STOPPED": "The stream processor is stopped.",
    "STARTING": "The stream processor is starting.",
    "RUNNING": "The stream processor is running.",
    "STOPPING": "The stream processor is stopping.",
    "UPDATING": "The stream processor is being updated.",
}


@dataclass
class StreamProcessor:
    """A Rekognition Video stream processor and the statuses it is going through.

    Attributes:
        name: ``Name``.
        arn: ``arn:aws:rekognition:{region}:{account}:streamprocessor/{name}``.
        created: ``CreationTimestamp``.
        updated: ``LastUpdateTimestamp``: the last change of status or settings.
        settings: The request's members as ``DescribeStreamProcessor`` reports them
            (``Input``, ``Output``, ``Settings``, ``RoleArn``...).
        status: The status at the last look.
        stages: The statuses still to come and when each is due (the clock's seconds).
        session_id: ``SessionId`` of the last start.
    """

    name: str
    arn: str
    created: datetime
    updated: datetime
    settings: dict[str, Any]
    status: str = "STOPPED"
    stages: list[tuple[float, str]] = field(default_factory=list[tuple[float, str]])
    session_id: str | None = None


def _invalid(message: str) -> ApiError:
    return ApiError("InvalidParameterException", 400, message)


def _in_use(sp: StreamProcessor, action: str) -> ApiError:
    return ApiError(
        "ResourceInUseException", 400, f"Cannot {action} stream processor {sp.name} while it is {sp.status}."
    )


def _check_settings(p: dict[str, Any]) -> None:
    # CreateStreamProcessor: FaceSearch writes to a Kinesis data stream, ConnectedHome
    # (label detection) to an S3 bucket and an SNS topic; KmsKeyId and RegionsOfInterest
    # "should not be used to create a face search stream processor" (API reference).
    settings, output = p["Settings"], p["Output"]
    if ("FaceSearch" in settings) == ("ConnectedHome" in settings):
        raise _invalid("Settings needs either FaceSearch or ConnectedHome")
    if ("KinesisDataStream" in output) == ("S3Destination" in output):
        raise _invalid("Output needs either KinesisDataStream or S3Destination")
    if "KinesisVideoStream" not in p["Input"]:
        raise _invalid("Input needs a KinesisVideoStream")
    if "FaceSearch" in settings:
        if "KinesisDataStream" not in output:
            raise _invalid("A face search stream processor writes to a KinesisDataStream")
        if "CollectionId" not in settings["FaceSearch"]:
            raise _invalid("FaceSearch needs a CollectionId")
        for member in ("KmsKeyId", "RegionsOfInterest"):
            if member in p:
                raise _invalid(f"{member} is for label detection stream processors, not face search")
        return
    if "S3Destination" not in output:
        raise _invalid("A label detection stream processor writes to an S3Destination")
    if "NotificationChannel" not in p:
        raise _invalid("A label detection stream processor needs a NotificationChannel")
    _check_labels(settings["ConnectedHome"].get("Labels", []))


def _check_labels(labels: list[str]) -> None:
    unknown = sorted(set(labels) - _LABELS)
    if unknown:
        raise _invalid(f"ConnectedHome Labels may be PERSON, PET, PACKAGE or ALL, not {', '.join(unknown)}")


class StreamProcessors(FaceCollections):
    """The operations on stream processors (a face search processor reads a face collection).

    Attributes:
        stream_processors: Stream processors by name.
    """

    stream_processors: dict[str, StreamProcessor]

    def _create_stores(self) -> None:
        super()._create_stores()
        self.stream_processors = {}

    def _catch_up(self, now: float) -> None:
        super()._catch_up(now)
        for sp in self.stream_processors.values():
            while sp.stages and now >= sp.stages[0][0]:
                due, sp.status = sp.stages.pop(0)
                sp.updated = datetime.fromtimestamp(due, timezone.utc)

    def _stream_processor(self, name: str) -> StreamProcessor:
        try:
            return self.stream_processors[name]
        except KeyError:
            raise ApiError("ResourceNotFoundException", 400, f"Stream processor {name} not found.") from None

    def _move(self, sp: StreamProcessor, status: str, stages: list[tuple[float, str]]) -> None:
        sp.status, sp.stages = status, stages
        sp.updated = datetime.fromtimestamp(self.clock(), timezone.utc)
        # A time of 0 moves straight on.
        self._catch_up(self.clock())

    @handles("rekognition", "CreateStreamProcessor")
    def rek_create_stream_processor(self, p: dict[str, Any]) -> dict[str, Any]:
        _check_settings(p)
        face_search = p["Settings"].get("FaceSearch")
        if face_search is not None and face_search["CollectionId"] not in self.collections:
            raise ApiError("ResourceNotFoundException", 400, f"Collection {face_search['CollectionId']} not found.")
        settings: dict[str, Any] = {k: p[k] for k in _DESCRIBED if k in p}
        existing = self.stream_processors.get(p["Name"])
        if existing is not None:
            # "Name is idempotent" (CreateStreamProcessor): the same request again gets
            # the same processor (its tags unchanged); another one under the same name
            # is refused.
            if existing.settings == settings:
                return {"StreamProcessorArn": existing.arn}
            raise ApiError("ResourceInUseException", 400, f"A stream processor named {p['Name']} exists already.")
        check_tag_count(len(p.get("Tags", {})))
        created = self._created()
        arn = f"arn:aws:rekognition:{self.region}:{ACCOUNT}:streamprocessor/{p['Name']}"
        self.stream_processors[p["Name"]] = StreamProcessor(p["Name"], arn, created, created, settings)
        self.record_tags(arn, p.get("Tags"))
        return {"StreamProcessorArn": arn}

    @handles("rekognition", "DescribeStreamProcessor")
    def rek_describe_stream_processor(self, p: dict[str, Any]) -> dict[str, Any]:
        sp = self._stream_processor(p["Name"])
        return {
            "Name": sp.name,
            "StreamProcessorArn": sp.arn,
            "Status": sp.status,
            "StatusMessage": _MESSAGES[sp.status],
            "CreationTimestamp": sp.created,
            "LastUpdateTimestamp": sp.updated,
            **sp.settings,
        }

    @handles("rekognition", "ListStreamProcessors")
    def rek_list_stream_processors(self, p: dict[str, Any]) -> dict[str, Any]:
        ordered = sorted(self.stream_processors.values(), key=lambda sp: sp.created)
        invalid = ApiError("InvalidPaginationTokenException", 400, "Invalid Token")
        page, nxt = self.page(
            "ListStreamProcessors", {**p, "MaxResults": p.get("MaxResults") or _PAGE}, ordered, invalid
        )
        return with_token({"StreamProcessors": [{"Name": sp.name, "Status": sp.status} for sp in page]}, nxt)

    def _session_id(self, sp: StreamProcessor) -> str:
        self._serial += 1
        return str(uuid.UUID(bytes=stable(sp.arn, "session", self._serial)[:16], version=4))

    @handles("rekognition", "StartStreamProcessor")
    def rek_start_stream_processor(self, p: dict[str, Any]) -> dict[str, Any]:
        sp = self._stream_processor(p["Name"])
        if sp.status != "STOPPED":
            raise _in_use(sp, "start")
        selectors = [k for k in ("StartSelector", "StopSelector") if k in p]
        start = self.clock()
        running_at = start + self.timings.stream_processor_start
        stages = [(running_at, "RUNNING")]
        if "FaceSearch" in sp.settings["Settings"]:
            if selectors:
                raise _invalid(f"{' and '.join(selectors)} are for label detection stream processors only")
        else:
            # "This is a required parameter for label detection stream processors" (both
            # selectors); the processor stops by itself after MaxDurationInSeconds.
            if len(selectors) != 2:
                raise _invalid("A label detection stream processor needs a StartSelector and a StopSelector")
            kvs = p["StartSelector"].get("KVSStreamStartSelector", {})
            if ("ProducerTimestamp" in kvs) == ("FragmentNumber" in kvs):
                raise _invalid("KVSStreamStartSelector needs either ProducerTimestamp or FragmentNumber")
            ends = running_at + p["StopSelector"].get("MaxDurationInSeconds", _DEFAULT_DURATION)
            stages += [(ends, "STOPPING"), (ends + self.timings.stream_processor_stop, "STOPPED")]
        sp.session_id = self._session_id(sp)
        self._move(sp, "STARTING", stages)
        return {"SessionId": sp.session_id}

    @handles("rekognition", "StopStreamProcessor")
    def rek_stop_stream_processor(self, p: dict[str, Any]) -> dict[str, Any]:
        sp = self._stream_processor(p["Name"])
        if sp.status != "RUNNING":
            raise _in_use(sp, "stop")
        self._move(sp, "STOPPING", [(self.clock() + self.timings.stream_processor_stop, "STOPPED")])
        return {}

    @handles("rekognition", "UpdateStreamProcessor")
    def rek_update_stream_processor(self, p: dict[str, Any]) -> dict[str, Any]:
        sp = self._stream_processor(p["Name"])
        if sp.status != "STOPPED":
            raise _in_use(sp, "update")
        settings = {**sp.settings, "Settings": {**sp.settings["Settings"]}}
        home: dict[str, Any] | None = settings["Settings"].get("ConnectedHome")
        deleted = set(p.get("ParametersToDelete", []))
        update = p.get("SettingsForUpdate", {}).get("ConnectedHomeForUpdate")
        if home is None and (update is not None or "ConnectedHomeMinConfidence" in deleted):
            raise _invalid("ConnectedHome settings are for label detection stream processors only")
        if home is None and ("RegionsOfInterestForUpdate" in p or "RegionsOfInterest" in deleted):
            raise _invalid("RegionsOfInterest are for label detection stream processors only")
        if update is not None:
            if "MinConfidence" in update and "ConnectedHomeMinConfidence" in deleted:
                raise _invalid("MinConfidence cannot be both updated and deleted")
            _check_labels(update.get("Labels", []))
            home = {**(home or {}), **update}
        if home is not None:
            if "ConnectedHomeMinConfidence" in deleted:
                home = {k: v for k, v in home.items() if k != "MinConfidence"}
            settings["Settings"]["ConnectedHome"] = home
        if "RegionsOfInterestForUpdate" in p:
            if "RegionsOfInterest" in deleted:
                raise _invalid("RegionsOfInterest cannot be both updated and deleted")
            settings["RegionsOfInterest"] = p["RegionsOfInterestForUpdate"]
        if "RegionsOfInterest" in deleted:
            settings.pop("RegionsOfInterest", None)
        if "DataSharingPreferenceForUpdate" in p:
            settings["DataSharingPreference"] = p["DataSharingPreferenceForUpdate"]
        sp.settings = settings
        self._move(sp, "UPDATING", [(self.clock() + self.timings.stream_processor_update, "STOPPED")])
        return {}

    @handles("rekognition", "DeleteStreamProcessor")
    def rek_delete_stream_processor(self, p: dict[str, Any]) -> dict[str, Any]:
        sp = self._stream_processor(p["Name"])
        if sp.status != "STOPPED":
            raise _in_use(sp, "delete")
        del self.stream_processors[sp.name]
        self.forget_tags(sp.arn)
        return {}
