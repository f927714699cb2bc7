"""``paired``: parallel arrays into one typed item per index."""

from __future__ import annotations

from aws_vision_async._core.model import paired
from aws_vision_async.rekognition.models import CollectionSummary


def test_equal_arrays_pair_by_index() -> None:
    items = paired(CollectionSummary, {"collection_id": ["a", "b"], "face_model_version": ["6.0", "7.0"]})
    assert items == [
        CollectionSummary(collection_id="a", face_model_version="6.0"),
        CollectionSummary(collection_id="b", face_model_version="7.0"),
    ]
    assert all(type(item) is CollectionSummary for item in items)


def test_a_shorter_array_gives_none() -> None:
    items = paired(CollectionSummary, {"collection_id": ["a", "b", "c"], "face_model_version": ["7.0"]})
    assert [(i.collection_id, i.face_model_version) for i in items] == [("a", "7.0"), ("b", None), ("c", None)]


def test_empty_arrays_give_no_items() -> None:
    assert paired(CollectionSummary, {"collection_id": [], "face_model_version": []}) == []
    assert paired(CollectionSummary, {}) == []
