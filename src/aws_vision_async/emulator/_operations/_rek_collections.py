# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests and manifest lines are decoded JSON, untyped by nature)
"""Rekognition face collections: CreateCollection, DeleteCollection, DescribeCollection, ListCollections."""

from __future__ import annotations

from typing import Any

from .._resources import FACE_MODEL_VERSION, Collection
from .._wire import ApiError
from ._base import ACCOUNT, StateBase, check_tag_count, handles, with_token

__all__ = ["FaceCollections"]


class FaceCollections(StateBase):
    """The operations on face collections; their faces and users are in ``_rek_faces`` and ``_rek_users``.

    Attributes:
        collections: Face collections by id.
    """

    collections: dict[str, Collection]

    def _create_stores(self) -> None:
        super()._create_stores()
        self.collections = {}

    @handles("rekognition", "CreateCollection")
    def create_collection(self, p: dict[str, Any]) -> dict[str, Any]:
        cid = p["CollectionId"]
        if cid in self.collections:
            raise ApiError("ResourceAlreadyExistsException", 400, f"collection {cid} exists already")
        check_tag_count(len(p.get("Tags") or {}))
        arn = f"aws:rekognition:{self.region}:{ACCOUNT}:collection/{cid}"
        self.collections[cid] = Collection(cid, arn, self._created())
        self.record_tags(arn, p.get("Tags"))
        return {"StatusCode": 200, "CollectionArn": arn, "FaceModelVersion": FACE_MODEL_VERSION}

    def _collection(self, cid: str) -> Collection:
        try:
            return self.collections[cid]
        except KeyError:
            raise ApiError("ResourceNotFoundException", 400, f"collection {cid} not found") from None

    @handles("rekognition", "DeleteCollection")
    def delete_collection(self, p: dict[str, Any]) -> dict[str, Any]:
        # The collection's faces and users go with it.
        c = self.collections.pop(self._collection(p["CollectionId"]).collection_id)
        self.forget_tags(c.arn)
        return {"StatusCode": 200}

    @handles("rekognition", "DescribeCollection")
    def describe_collection(self, p: dict[str, Any]) -> dict[str, Any]:
        c = self._collection(p["CollectionId"])
        return {
            "FaceCount": len(c.faces),
            "FaceModelVersion": c.face_model_version,
            "CollectionARN": c.arn,
            "CreationTimestamp": c.created,
            "UserCount": len(c.users),
        }

    @handles("rekognition", "ListCollections")
    def list_collections(self, p: dict[str, Any]) -> dict[str, Any]:
        ordered = sorted(self.collections.values(), key=lambda c: c.collection_id)
        invalid = ApiError("InvalidPaginationTokenException", 400, "the pagination token is not valid")
        page, nxt = self.page("ListCollections", p, ordered, invalid)
        return with_token(
            {
                "CollectionIds": [c.collection_id for c in page],
                "FaceModelVersions": [c.face_model_version for c in page],
            },
            nxt,
        )
