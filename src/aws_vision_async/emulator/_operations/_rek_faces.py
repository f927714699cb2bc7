# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests are decoded JSON, untyped by nature)
"""Rekognition faces: DetectFaces, CompareFaces, and the faces of collections.

IndexFaces, ListFaces, DeleteFaces, SearchFaces, SearchFacesByImage. An image's faces
are the person identities of its scene (``_scene.read_scene``), the largest first;
two faces match with ``_scene.similarity`` of their identities: 90 or more for one
person, below 80 for two.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Final

from .._face_details import compared_face, face_detail
from .._resources import FACE_MODEL_VERSION, Collection, Face
from .._scene import face_box, read_scene, similarity, stable
from .._wire import ApiError
from ._base import handles, with_token
from ._rek_collections import FaceCollections

__all__ = ["DEFAULT_THRESHOLD", "MAX_DETECTED_FACES", "CollectionFaces", "ImageFace", "face_reply", "face_uuid"]

#: DetectFaces, IndexFaces and CompareFaces see "the 100 largest faces in the image".
MAX_DETECTED_FACES: Final = 100
# The smallest face width (share of the image's width) each quality bar keeps: the
# emulator's faces differ only by size, so the bar is on SMALL_BOUNDING_BOX.
# AUTO, IndexFaces' default, is the service's own choice: the emulator's is MEDIUM.
_MIN_WIDTH: Final = {"NONE": 0.0, "LOW": 0.02, "MEDIUM": 0.04, "AUTO": 0.04, "HIGH": 0.06}
#: The default FaceMatchThreshold, SimilarityThreshold (CompareFaces) and UserMatchThreshold (searches).
DEFAULT_THRESHOLD: Final = 80.0


@dataclass(frozen=True)
class ImageFace:
    """One face seen in a request's image: its identity and rank among the image's faces."""

    identity: str
    index: int
    count: int

    @property
    def box(self) -> dict[str, float]:
        """Its ``BoundingBox``."""
        return face_box(self.index, self.count)

    @property
    def confidence(self) -> float:
        """Its ``Confidence``, as ``face_detail`` gives it."""
        return float(face_detail(self.identity, self.index, self.count, None)["Confidence"])

    def passes(self, quality_filter: str | None) -> bool:
        """Whether the face meets ``QualityFilter``'s bar (``None``: no filter)."""
        return self.box["Width"] >= _MIN_WIDTH[quality_filter or "NONE"]


def face_uuid(*parts: object) -> str:
    """A UUID (version 4 form) fixed by ``parts``."""
    return str(uuid.UUID(bytes=stable(*parts)[:16], version=4))


def _no_face(member: str) -> ApiError:
    # What the service answers an image without a face (CompareFaces, SearchFacesByImage).
    return ApiError("InvalidParameterException", 400, f"There are no faces in the {member}. Should be at least 1.")


def face_reply(face: Face) -> dict[str, Any]:
    """A ``Face`` as ListFaces and the searches return it."""
    out: dict[str, Any] = {
        "FaceId": face.face_id,
        "BoundingBox": face.box,
        "ImageId": face.image_id,
        "Confidence": face.confidence,
        "IndexFacesModelVersion": FACE_MODEL_VERSION,
    }
    if face.external_image_id is not None:
        out["ExternalImageId"] = face.external_image_id
    if face.user_id is not None:
        out["UserId"] = face.user_id
    return out


class CollectionFaces(FaceCollections):
    """The faces of face collections, and the face operations that keep nothing (DetectFaces, CompareFaces).

    Attributes:
        index_calls: How many ``IndexFaces`` calls there were: each one's faces get new ids.
    """

    index_calls: int

    def _create_stores(self) -> None:
        super()._create_stores()
        self.index_calls = 0

    def image_faces(self, image: dict[str, Any], name: str = "Image") -> list[ImageFace]:
        """The faces of a request's image, the largest first (at most ``MAX_DETECTED_FACES``)."""
        identities = read_scene(self.image_bytes(image, name=name)).faces[:MAX_DETECTED_FACES]
        return [ImageFace(identity, i, len(identities)) for i, identity in enumerate(identities)]

    def largest_face(self, image: dict[str, Any], quality_filter: str | None, name: str = "Image") -> ImageFace:
        """The face a search or comparison uses: the image's largest, if it meets the quality bar.

        Raises:
            ApiError: No face (``InvalidParameterException``), as the service answers.
        """
        faces = self.image_faces(image, name)
        if not faces or not faces[0].passes(quality_filter):
            raise _no_face(name)
        return faces[0]

    def _face(self, c: Collection, face_id: str) -> Face:
        try:
            return c.faces[face_id]
        except KeyError:
            # The service's words for it ("faceId was not found in the collection.").
            raise ApiError(
                "InvalidParameterException", 400, f"faceId {face_id} was not found in the collection."
            ) from None

    def _matches(
        self, c: Collection, identity: str, p: dict[str, Any], skip: str | None = None
    ) -> list[dict[str, Any]]:
        """``FaceMatches``: the faces of ``c`` like ``identity``, above the threshold, the most alike first."""
        threshold = p.get("FaceMatchThreshold", DEFAULT_THRESHOLD)
        scored = [(similarity(identity, f.identity), f) for f in c.faces.values() if f.face_id != skip]
        kept = sorted(((s, f) for s, f in scored if s >= threshold), key=lambda m: (-m[0], m[1].face_id))
        return [{"Similarity": s, "Face": face_reply(f)} for s, f in kept[: p.get("MaxFaces", 4096)]]

    # -- operations that keep nothing --------------------------------------------------------------

    @handles("rekognition", "DetectFaces")
    def detect_faces(self, p: dict[str, Any]) -> dict[str, Any]:
        attributes = p.get("Attributes")
        faces = self.image_faces(p["Image"])
        return {"FaceDetails": [face_detail(f.identity, f.index, f.count, attributes) for f in faces]}

    @handles("rekognition", "CompareFaces")
    def compare_faces(self, p: dict[str, Any]) -> dict[str, Any]:
        quality = p.get("QualityFilter")
        source = self.largest_face(p["SourceImage"], quality, "SourceImage")
        targets = [f for f in self.image_faces(p["TargetImage"], "TargetImage") if f.passes(quality)]
        if not targets:
            # "If no faces are detected in the source or target images, CompareFaces
            # returns an InvalidParameterException error."
            raise _no_face("TargetImage")
        threshold = p.get("SimilarityThreshold", DEFAULT_THRESHOLD)
        scored = [(similarity(source.identity, t.identity), t) for t in targets]
        matches = sorted(((s, t) for s, t in scored if s >= threshold), key=lambda m: (-m[0], m[1].index))
        return {
            "SourceImageFace": {"BoundingBox": source.box, "Confidence": source.confidence},
            "FaceMatches": [{"Similarity": s, "Face": compared_face(t.identity, t.index, t.count)} for s, t in matches],
            "UnmatchedFaces": [compared_face(t.identity, t.index, t.count) for s, t in scored if s < threshold],
        }

    # -- the faces of a collection -----------------------------------------------------------------

    @handles("rekognition", "IndexFaces")
    def index_faces(self, p: dict[str, Any]) -> dict[str, Any]:
        c = self._collection(p["CollectionId"])
        faces = self.image_faces(p["Image"])
        attributes = p.get("DetectionAttributes")
        quality = p.get("QualityFilter", "AUTO")
        max_faces = p.get("MaxFaces", MAX_DETECTED_FACES)
        # The same image indexed again gives new faces: the call's serial is in every id.
        self.index_calls += 1
        call = self.index_calls
        image_id = face_uuid("image", c.arn, call)
        records: list[dict[str, Any]] = []
        unindexed: list[dict[str, Any]] = []
        # Low quality faces are filtered out first, then the smallest beyond MaxFaces:
        # faces come the largest first, so the first MaxFaces that pass are kept.
        for f in faces:
            detail = face_detail(f.identity, f.index, f.count, attributes)
            if not f.passes(quality):
                unindexed.append({"Reasons": ["SMALL_BOUNDING_BOX"], "FaceDetail": detail})
                continue
            if len(records) >= max_faces:
                unindexed.append({"Reasons": ["EXCEEDS_MAX_FACES"], "FaceDetail": detail})
                continue
            face = Face(
                face_id=face_uuid("face", c.arn, call, f.index),
                image_id=image_id,
                identity=f.identity,
                box=f.box,
                confidence=float(detail["Confidence"]),
                external_image_id=p.get("ExternalImageId"),
            )
            c.faces[face.face_id] = face
            records.append({"Face": face_reply(face), "FaceDetail": detail})
        return {"FaceRecords": records, "FaceModelVersion": c.face_model_version, "UnindexedFaces": unindexed}

    @handles("rekognition", "ListFaces")
    def list_faces(self, p: dict[str, Any]) -> dict[str, Any]:
        c = self._collection(p["CollectionId"])
        faces = sorted(c.faces.values(), key=lambda f: f.face_id)
        if "FaceIds" in p:
            wanted = set(p["FaceIds"])
            faces = [f for f in faces if f.face_id in wanted]
        if "UserId" in p:
            faces = [f for f in faces if f.user_id == p["UserId"]]
        invalid = ApiError("InvalidPaginationTokenException", 400, "Invalid Token")
        page, nxt = self.page("ListFaces", p, faces, invalid)
        return with_token({"Faces": [face_reply(f) for f in page], "FaceModelVersion": c.face_model_version}, nxt)

    @handles("rekognition", "DeleteFaces")
    def delete_faces(self, p: dict[str, Any]) -> dict[str, Any]:
        c = self._collection(p["CollectionId"])
        deleted: list[str] = []
        unsuccessful: list[dict[str, Any]] = []
        for face_id in dict.fromkeys(p["FaceIds"]):
            face = c.faces.get(face_id)
            if face is None:
                unsuccessful.append({"FaceId": face_id, "Reasons": ["FACE_NOT_FOUND"]})
            elif face.user_id is not None:
                # A face of a user stays until it is disassociated (DisassociateFaces).
                unsuccessful.append(
                    {"FaceId": face_id, "UserId": face.user_id, "Reasons": ["ASSOCIATED_TO_AN_EXISTING_USER"]}
                )
            else:
                del c.faces[face_id]
                deleted.append(face_id)
        return {"DeletedFaces": deleted, "UnsuccessfulFaceDeletions": unsuccessful}

    @handles("rekognition", "SearchFaces")
    def search_faces(self, p: dict[str, Any]) -> dict[str, Any]:
        c = self._collection(p["CollectionId"])
        face = self._face(c, p["FaceId"])
        return {
            "SearchedFaceId": face.face_id,
            # The searched face itself is not a match.
            "FaceMatches": self._matches(c, face.identity, p, skip=face.face_id),
            "FaceModelVersion": c.face_model_version,
        }

    @handles("rekognition", "SearchFacesByImage")
    def search_faces_by_image(self, p: dict[str, Any]) -> dict[str, Any]:
        c = self._collection(p["CollectionId"])
        face = self.largest_face(p["Image"], p.get("QualityFilter"))
        return {
            "SearchedFaceBoundingBox": face.box,
            "SearchedFaceConfidence": face.confidence,
            "FaceMatches": self._matches(c, face.identity, p),
            "FaceModelVersion": c.face_model_version,
        }
