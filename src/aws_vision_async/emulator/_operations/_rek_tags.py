# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests are decoded JSON, untyped by nature)
"""Rekognition tags: TagResource, UntagResource, ListTagsForResource.

A taggable resource is a face collection, a project, a dataset, a model version
(project version) or a stream processor; each ``Create*`` that takes ``Tags``
records them (``StateBase.record_tags``). A collection is named by the ARN
``CreateCollection`` returns (``aws:rekognition:...``, without ``arn:``) or by
the documented form (``arn:aws:rekognition:...``): both reach the same tags. The
model checks each key and value (lengths, characters, the reserved ``aws:``
prefix) before a handler runs; a resource holds at most ``MAX_TAGS`` tags.
"""

from __future__ import annotations

from typing import Any

from .._wire import ApiError
from ._base import check_tag_count, handles
from ._rek_model_versions import ModelVersions
from ._rek_stream_processors import StreamProcessors

__all__ = ["ResourceTags"]


class ResourceTags(ModelVersions, StreamProcessors):
    """The tag operations, on every resource of the other Rekognition families."""

    def _taggable(self) -> set[str]:
        """The tag key (``tag_key``) of every taggable resource."""
        arns = [c.arn for c in self.collections.values()]
        arns += [sp.arn for sp in self.stream_processors.values()]
        for project in self.rek_projects.values():
            arns.append(project.arn)
            arns += [d.arn for d in project.datasets.values()]
            arns += [v.arn for v in project.versions.values()]
        return {self.tag_key(arn) for arn in arns}

    def _tags_of(self, arn: str) -> dict[str, str]:
        key = self.tag_key(arn)
        if key not in self._taggable():
            raise ApiError("ResourceNotFoundException", 400, f"The resource {arn} cannot be found.")
        return self.resource_tags.setdefault(key, {})

    @handles("rekognition", "TagResource")
    def rek_tag_resource(self, p: dict[str, Any]) -> dict[str, Any]:
        tags = self._tags_of(p["ResourceArn"])
        # A key given again gets the new value; the limit counts the tags after the change.
        check_tag_count(len(tags.keys() | p["Tags"].keys()))
        tags.update(p["Tags"])
        return {}

    @handles("rekognition", "UntagResource")
    def rek_untag_resource(self, p: dict[str, Any]) -> dict[str, Any]:
        tags = self._tags_of(p["ResourceArn"])
        for key in p["TagKeys"]:
            tags.pop(key, None)
        return {}

    @handles("rekognition", "ListTagsForResource")
    def rek_list_tags_for_resource(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"Tags": dict(self._tags_of(p["ResourceArn"]))}
