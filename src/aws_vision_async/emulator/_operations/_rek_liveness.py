# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests are decoded JSON, untyped by nature)
"""Rekognition Face Liveness: CreateFaceLivenessSession, GetFaceLivenessSessionResults.

On AWS a session is CREATED until the user's device streams a selfie video to it
(through the Amplify FaceLivenessDetector), then IN_PROGRESS while it is checked,
then SUCCEEDED (or FAILED); a session nobody uses expires 3 minutes after its
creation (EXPIRED). No video can reach the emulator, so it plays the user's part:
each session is CREATED for ``Timings.liveness_session`` seconds, then the video
counts as streamed and checked and the session is SUCCEEDED, with a
``Confidence`` fixed by its ``SessionId``, a reference image and up to
``AuditImagesLimit`` audit images. If that time is 3 minutes or more the user
never came: the session is EXPIRED after 3 minutes, with no results.

The images are JPEGs that the emulator reads as one face (``scene_image``), so
that a test can pass the reference image on to ``CompareFaces`` or
``SearchFacesByImage``; with an ``OutputConfig`` they are written to the
emulator's S3 (``{S3KeyPrefix}{SessionId}/reference.jpg``,
``.../audit_{n}.jpg``) and named by ``S3Object`` instead of sent as bytes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Final

from .._scene import face_box, scene_image, stable, stable_float
from .._wire import ApiError
from ._base import StateBase, handles

__all__ = ["LIVENESS_SESSION_LIFETIME", "FaceLiveness", "LivenessSession"]

#: How long an unused session lasts: "the session expires" 3 minutes after it is
#: created (Face Liveness, "Recommendations for usage").
LIVENESS_SESSION_LIFETIME: Final = 180.0
_DEFAULT_CHALLENGE: Final = "FaceMovementAndLightChallenge"
# The version of each challenge the emulator runs.
_CHALLENGE_VERSIONS: Final = {"FaceMovementAndLightChallenge": "2.0.0", "FaceMovementChallenge": "1.0.0"}


@dataclass
class LivenessSession:
    """A Face Liveness session (``CreateFaceLivenessSession``).

    Attributes:
        session_id: ``SessionId`` (a UUID).
        created: When it was created (the clock's seconds).
        settings: ``Settings`` as given.
        kms_key_id: ``KmsKeyId``.
        streamed_at: When the emulated user's selfie video has been streamed and checked.
        expires_at: When an unused session expires.
    """

    session_id: str
    created: float
    settings: dict[str, Any]
    kms_key_id: str | None
    streamed_at: float
    expires_at: float


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _challenge(settings: dict[str, Any]) -> dict[str, str]:
    """The first preferred challenge whose version range holds the emulator's version."""
    preferences: list[dict[str, Any]] = settings.get("ChallengePreferences") or [{"Type": _DEFAULT_CHALLENGE}]
    for preference in preferences:
        version = _CHALLENGE_VERSIONS[preference["Type"]]
        bounds: dict[str, str] = preference.get("Versions", {})
        if "Minimum" in bounds and _version(version) < _version(bounds["Minimum"]):
            continue
        if "Maximum" in bounds and _version(version) > _version(bounds["Maximum"]):
            continue
        return {"Type": preference["Type"], "Version": version}
    raise ApiError(
        "InvalidParameterException",
        400,
        "No challenge of ChallengePreferences is available in the versions asked for; available: "
        + ", ".join(f"{k} {v}" for k, v in _CHALLENGE_VERSIONS.items()),
    )


class FaceLiveness(StateBase):
    """The Face Liveness sessions.

    Attributes:
        liveness_sessions: Face Liveness sessions by ``SessionId``.
    """

    liveness_sessions: dict[str, LivenessSession]

    def _create_stores(self) -> None:
        super()._create_stores()
        self.liveness_sessions = {}

    @handles("rekognition", "CreateFaceLivenessSession")
    def rek_create_face_liveness_session(self, p: dict[str, Any]) -> dict[str, Any]:
        # "If the same token is used with multiple CreateFaceLivenessSession requests,
        # the same session is returned." (ClientRequestToken). The operation documents no
        # IdempotentParameterMismatchException: a token reused with other parameters
        # breaks a rule of the request (InvalidParameterException).
        mismatch = ApiError(
            "InvalidParameterException",
            400,
            "The ClientRequestToken was used before with other parameters.",
        )
        return self.idempotent(
            service="rekognition",
            operation="CreateFaceLivenessSession",
            params=p,
            token_member="ClientRequestToken",  # noqa: S106 - a member name, not a secret
            mismatch=mismatch,
            run=self._new_liveness_session,
        )

    def _new_liveness_session(self, p: dict[str, Any]) -> dict[str, Any]:
        settings = p.get("Settings", {})
        _challenge(settings)  # refuse preferences no challenge meets now, not at the results
        created = self._created()
        session_id = str(uuid.UUID(bytes=stable(self.region, "liveness", self._serial, created)[:16], version=4))
        now = self.clock()
        self.liveness_sessions[session_id] = LivenessSession(
            session_id=session_id,
            created=now,
            settings=settings,
            kms_key_id=p.get("KmsKeyId"),
            streamed_at=now + self.timings.liveness_session,
            expires_at=now + LIVENESS_SESSION_LIFETIME,
        )
        return {"SessionId": session_id}

    def _audit_image(self, session: LivenessSession, name: str) -> dict[str, Any]:
        image = scene_image(faces=[f"liveness-{session.session_id}"])
        box = face_box(0, 1)
        output = session.settings.get("OutputConfig")
        if output is None:
            return {"Bytes": image, "BoundingBox": box}
        key = f"{output.get('S3KeyPrefix', '')}{session.session_id}/{name}.jpg"
        self.put_object(output["S3Bucket"], key, image)
        return {"S3Object": {"Bucket": output["S3Bucket"], "Name": key}, "BoundingBox": box}

    @handles("rekognition", "GetFaceLivenessSessionResults")
    def rek_get_face_liveness_session_results(self, p: dict[str, Any]) -> dict[str, Any]:
        session = self.liveness_sessions.get(p["SessionId"])
        if session is None:
            raise ApiError("SessionNotFoundException", 400, f"Session {p['SessionId']} not found.")
        now = self.clock()
        reply: dict[str, Any] = {"SessionId": session.session_id}
        if session.streamed_at >= session.expires_at:
            reply["Status"] = "EXPIRED" if now >= session.expires_at else "CREATED"
            return reply
        if now < session.streamed_at:
            reply["Status"] = "CREATED"
            return reply
        limit = session.settings.get("AuditImagesLimit", 0)
        reply.update(
            {
                "Status": "SUCCEEDED",
                "Confidence": stable_float(50.0, 100.0, "liveness", session.session_id),
                "ReferenceImage": self._audit_image(session, "reference"),
                "AuditImages": [self._audit_image(session, f"audit_{n}") for n in range(1, limit + 1)],
                "Challenge": _challenge(session.settings),
                # "the list is empty when no such conditions were detected" (Feedback).
                "Feedback": [],
            }
        )
        return reply
