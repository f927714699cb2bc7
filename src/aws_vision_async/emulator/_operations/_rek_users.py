# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests are decoded JSON, untyped by nature)
"""Rekognition users of face collections: a person's faces, associated under a ``UserId``.

CreateUser, DeleteUser, AssociateFaces, DisassociateFaces, ListUsers, SearchUsers,
SearchUsersByImage. A user matches a face with the best similarity of its faces to
it; ``ClientRequestToken`` makes the changes idempotent within ``IDEMPOTENCY_WINDOW``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from .._face_details import face_detail
from .._resources import Collection, User
from .._scene import similarity
from .._wire import ApiError
from ._base import Handler, handles, with_token
from ._rek_faces import DEFAULT_THRESHOLD, CollectionFaces, face_uuid

__all__ = ["MAX_USER_FACES", "CollectionUsers"]

#: "The total number of faces that can be associated with a single UserID is also limited to 100."
MAX_USER_FACES: Final = 100
# AssociateFaces' UserMatchThreshold: "The default value is 75."
_ASSOCIATE_THRESHOLD: Final = 75.0
# SearchUsers and SearchUsersByImage: MaxUsers is 1 to 500.
_MAX_USERS: Final = 500


def _mismatch() -> ApiError:
    return ApiError(
        "IdempotentParameterMismatchException",
        400,
        "A ClientRequestToken input parameter was reused with an operation, but at least one of the other input "
        "parameters is different from the previous call to the operation.",
    )


def _best(identities: Iterable[str], others: Iterable[str]) -> float:
    """How alike two sets of faces are: their most alike pair (0 when either has none)."""
    others = list(others)
    return max((similarity(a, b) for a in identities for b in others), default=0.0)


class CollectionUsers(CollectionFaces):
    """The users of face collections, and the searches for them."""

    def _user(self, c: Collection, user_id: str) -> User:
        try:
            return c.users[user_id]
        except KeyError:
            raise ApiError(
                "ResourceNotFoundException", 400, f"The user {user_id} does not exist in collection {c.collection_id}"
            ) from None

    def _identities(self, c: Collection, user: User) -> list[str]:
        return [c.faces[f].identity for f in user.face_ids if f in c.faces]

    def _idempotent(self, operation: str, p: dict[str, Any], run: Handler) -> dict[str, Any]:
        return self.idempotent(
            service="rekognition",
            operation=operation,
            params=p,
            token_member="ClientRequestToken",  # noqa: S106 - a member name, not a secret
            mismatch=_mismatch(),
            run=run,
        )

    def _user_matches(self, c: Collection, identities: list[str], p: dict[str, Any], skip: str | None = None) -> Any:
        """``UserMatches``: the users like ``identities``, above ``UserMatchThreshold``, the most alike first."""
        threshold = p.get("UserMatchThreshold", DEFAULT_THRESHOLD)
        scored = [(_best(identities, self._identities(c, u)), u) for u in c.users.values() if u.user_id != skip]
        kept = sorted(((s, u) for s, u in scored if s >= threshold), key=lambda m: (-m[0], m[1].user_id))
        return [
            {"Similarity": s, "User": {"UserId": u.user_id, "UserStatus": u.status}}
            for s, u in kept[: p.get("MaxUsers", _MAX_USERS)]
        ]

    @handles("rekognition", "CreateUser")
    def create_user(self, p: dict[str, Any]) -> dict[str, Any]:
        def run(p: dict[str, Any]) -> dict[str, Any]:
            c = self._collection(p["CollectionId"])
            user_id = p["UserId"]
            if user_id in c.users:
                raise ApiError("ConflictException", 400, f"A User with the Id {user_id} already exists")
            c.users[user_id] = User(user_id, face_uuid("user", c.arn, user_id, self._created().timestamp()))
            return {}

        return self._idempotent("CreateUser", p, run)

    @handles("rekognition", "DeleteUser")
    def delete_user(self, p: dict[str, Any]) -> dict[str, Any]:
        def run(p: dict[str, Any]) -> dict[str, Any]:
            c = self._collection(p["CollectionId"])
            user = c.users.pop(self._user(c, p["UserId"]).user_id)
            # "Faces that are associated with the UserID are disassociated ... before deleting."
            for face_id in user.face_ids:
                if face_id in c.faces:
                    c.faces[face_id].user_id = None
            return {}

        return self._idempotent("DeleteUser", p, run)

    @handles("rekognition", "AssociateFaces")
    def associate_faces(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._idempotent("AssociateFaces", p, self._associate)

    def _associate(self, p: dict[str, Any]) -> dict[str, Any]:
        c = self._collection(p["CollectionId"])
        user = self._user(c, p["UserId"])
        threshold = p.get("UserMatchThreshold", _ASSOCIATE_THRESHOLD)
        # The threshold applies to a user that has faces already, against those.
        known = self._identities(c, user)
        chosen: list[str] = []
        unsuccessful: list[dict[str, Any]] = []
        for face_id in dict.fromkeys(p["FaceIds"]):
            face = c.faces.get(face_id)
            if face is None:
                unsuccessful.append({"FaceId": face_id, "UserId": user.user_id, "Reasons": ["FACE_NOT_FOUND"]})
            elif face.user_id == user.user_id:
                continue  # already this user's: ignored, as documented
            elif face.user_id is not None:
                unsuccessful.append(
                    {"FaceId": face_id, "UserId": face.user_id, "Reasons": ["ASSOCIATED_TO_A_DIFFERENT_USER"]}
                )
            elif known and (score := _best([face.identity], known)) < threshold:
                unsuccessful.append(
                    {
                        "FaceId": face_id,
                        "UserId": user.user_id,
                        "Confidence": score,
                        "Reasons": ["LOW_MATCH_CONFIDENCE"],
                    }
                )
            else:
                chosen.append(face_id)
        if chosen and len(user.face_ids) + len(chosen) > MAX_USER_FACES:
            raise ApiError(
                "ServiceQuotaExceededException",
                400,
                f"User {user.user_id} has {len(user.face_ids)} faces: at most {MAX_USER_FACES} can be associated",
            )
        for face_id in chosen:
            c.faces[face_id].user_id = user.user_id
            user.face_ids.append(face_id)
        return {
            "AssociatedFaces": [{"FaceId": f} for f in chosen],
            "UnsuccessfulFaceAssociations": unsuccessful,
            "UserStatus": user.status,
        }

    @handles("rekognition", "DisassociateFaces")
    def disassociate_faces(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._idempotent("DisassociateFaces", p, self._disassociate)

    def _disassociate(self, p: dict[str, Any]) -> dict[str, Any]:
        c = self._collection(p["CollectionId"])
        user = self._user(c, p["UserId"])
        done: list[str] = []
        unsuccessful: list[dict[str, Any]] = []
        for face_id in dict.fromkeys(p["FaceIds"]):
            face = c.faces.get(face_id)
            if face is None:
                unsuccessful.append({"FaceId": face_id, "UserId": user.user_id, "Reasons": ["FACE_NOT_FOUND"]})
            elif face.user_id is None:
                continue  # already disassociated: ignored, as documented
            elif face.user_id != user.user_id:
                unsuccessful.append(
                    {"FaceId": face_id, "UserId": face.user_id, "Reasons": ["ASSOCIATED_TO_A_DIFFERENT_USER"]}
                )
            else:
                face.user_id = None
                user.face_ids.remove(face_id)
                done.append(face_id)
        return {
            "DisassociatedFaces": [{"FaceId": f} for f in done],
            "UnsuccessfulFaceDisassociations": unsuccessful,
            "UserStatus": user.status,
        }

    @handles("rekognition", "ListUsers")
    def list_users(self, p: dict[str, Any]) -> dict[str, Any]:
        c = self._collection(p["CollectionId"])
        # "The results are sorted by system generated primary key ID."
        users = sorted(c.users.values(), key=lambda u: u.key)
        invalid = ApiError("InvalidPaginationTokenException", 400, "Invalid Token")
        page, nxt = self.page("ListUsers", p, users, invalid)
        return with_token({"Users": [{"UserId": u.user_id, "UserStatus": u.status} for u in page]}, nxt)

    @handles("rekognition", "SearchUsers")
    def search_users(self, p: dict[str, Any]) -> dict[str, Any]:
        c = self._collection(p["CollectionId"])
        if ("UserId" in p) == ("FaceId" in p):
            raise ApiError(
                "InvalidParameterException", 400, "The request must be provided with either FaceId or UserId"
            )
        reply: dict[str, Any] = {"FaceModelVersion": c.face_model_version}
        if "FaceId" in p:
            face = self._face(c, p["FaceId"])
            reply["UserMatches"] = self._user_matches(c, [face.identity], p)
            reply["SearchedFace"] = {"FaceId": face.face_id}
        else:
            user = self._user(c, p["UserId"])
            # The searched user is not a match of itself.
            reply["UserMatches"] = self._user_matches(c, self._identities(c, user), p, skip=user.user_id)
            reply["SearchedUser"] = {"UserId": user.user_id}
        return reply

    @handles("rekognition", "SearchUsersByImage")
    def search_users_by_image(self, p: dict[str, Any]) -> dict[str, Any]:
        c = self._collection(p["CollectionId"])
        quality = p.get("QualityFilter")
        faces = self.image_faces(p["Image"])
        reply: dict[str, Any] = {"UserMatches": [], "FaceModelVersion": c.face_model_version}
        unsearched: list[dict[str, Any]] = []
        for f in faces:
            detail = face_detail(f.identity, f.index, f.count, None)
            if not f.passes(quality):
                unsearched.append({"FaceDetails": detail, "Reasons": ["SMALL_BOUNDING_BOX"]})
            elif f.index > 0:
                unsearched.append({"FaceDetails": detail, "Reasons": ["FACE_NOT_LARGEST"]})
            else:
                reply["SearchedFace"] = {"FaceDetail": detail}
                reply["UserMatches"] = self._user_matches(c, [f.identity], p)
        # "If no valid face is detected in the image, the response will contain an
        # empty UserMatches list and no SearchedFace object."
        reply["UnsearchedFaces"] = unsearched
        return reply
