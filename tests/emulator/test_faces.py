"""Faces on the emulator, through the SDK: DetectFaces, CompareFaces, and the faces of collections.

IndexFaces, ListFaces, DeleteFaces, SearchFaces, SearchFacesByImage; DescribeCollection's
FaceCount. Images come from ``scene_image``: faces are person identities.
"""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from pydantic import BaseModel

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import Emulator, scene_image
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import Image

pytestmark = pytest.mark.anyio

UNKNOWN_FACE = "11111111-1111-4111-8111-111111111111"


def photo(*faces: str, labels: tuple[str, ...] = ()) -> Image:
    """An image showing these people, the first the largest."""
    return Image(bytes=scene_image(faces=faces, labels=labels))


def wire(reply: BaseModel) -> dict[str, Any]:
    """A reply as the service's JSON: members by their wire names, absent ones left out."""
    return reply.model_dump(by_alias=True, exclude_none=True)


async def index(rek: RekognitionClient, *faces: str, collection: str = "people", max_faces: int | None = None) -> Any:
    """IndexFaces of an image of ``faces``, as the wire's JSON."""
    return wire(await rek.index_faces(collection_id=collection, image=photo(*faces), max_faces=max_faces))


def face_ids(reply: dict[str, Any]) -> list[str]:
    """The FaceIds an IndexFaces reply indexed, the largest face first."""
    return [r["Face"]["FaceId"] for r in reply["FaceRecords"]]


def match_ids(reply: dict[str, Any]) -> list[str]:
    return [m["Face"]["FaceId"] for m in reply["FaceMatches"]]


async def listed(rek: RekognitionClient, **filters: Any) -> list[str]:
    """The FaceIds of every page of ListFaces of ``people``."""
    return [str(face.face_id) async for face in rek.list_faces(collection_id="people", **filters)]


async def test_a_search_by_image_finds_exactly_that_persons_faces(rek: RekognitionClient) -> None:
    await rek.create_collection(collection_id="people")
    first = face_ids(await index(rek, "alice"))
    second = face_ids(await index(rek, "alice", "bob"))
    alice, bob = [first[0], second[0]], second[1:]

    reply = wire(await rek.search_faces_by_image(collection_id="people", image=photo("alice", "carol")))

    assert sorted(match_ids(reply)) == sorted(alice)
    similarities = [m["Similarity"] for m in reply["FaceMatches"]]
    assert min(similarities) >= 90
    assert similarities == sorted(similarities, reverse=True)
    # The searched face is the image's largest: the first, on the left.
    assert reply["SearchedFaceBoundingBox"]["Left"] < 0.5
    assert reply["SearchedFaceConfidence"] > 90
    assert reply["FaceModelVersion"] == "7.0"
    by_bob = wire(await rek.search_faces_by_image(collection_id="people", image=photo("bob")))
    assert match_ids(by_bob) == bob


async def test_search_faces_finds_the_other_faces_of_the_person_not_itself(rek: RekognitionClient) -> None:
    await rek.create_collection(collection_id="people")
    first, second = face_ids(await index(rek, "dave")), face_ids(await index(rek, "dave"))
    await index(rek, "erin")

    reply = wire(await rek.search_faces(collection_id="people", face_id=first[0]))

    assert reply["SearchedFaceId"] == first[0]
    assert match_ids(reply) == second
    # At a threshold of 0 every other face matches, the same person first; MaxFaces cuts.
    everyone = wire(await rek.search_faces(collection_id="people", face_id=first[0], face_match_threshold=0))
    assert match_ids(everyone)[0] == second[0]
    assert len(match_ids(everyone)) == 2
    one = await rek.search_faces(collection_id="people", face_id=first[0], face_match_threshold=0, max_faces=1)
    assert match_ids(wire(one)) == second
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.search_faces(collection_id="people", face_id=UNKNOWN_FACE)


async def test_indexing_the_same_image_twice_gives_new_faces(rek: RekognitionClient) -> None:
    await rek.create_collection(collection_id="people")
    reply = wire(
        await rek.index_faces(
            collection_id="people",
            image=photo("frank", "gina"),
            external_image_id="team:1",
            detection_attributes=["ALL"],
        )
    )
    again = face_ids(await index(rek, "frank", "gina"))

    assert len(set(face_ids(reply) + again)) == 4
    assert reply["UnindexedFaces"] == []
    assert reply["FaceModelVersion"] == "7.0"
    face, other = (r["Face"] for r in reply["FaceRecords"])
    assert face["ExternalImageId"] == "team:1"
    assert face["IndexFacesModelVersion"] == "7.0"
    assert face["ImageId"] == other["ImageId"]
    detail = reply["FaceRecords"][0]["FaceDetail"]
    assert {"AgeRange", "Emotions", "Smile", "Landmarks", "Pose", "Quality"} <= set(detail)
    described = await rek.describe_collection(collection_id="people")
    assert described.face_count == 4
    assert described.user_count == 0


async def test_max_faces_keeps_the_largest_the_others_are_unindexed(rek: RekognitionClient) -> None:
    await rek.create_collection(collection_id="people")

    reply = await index(rek, "a", "b", "c", "d", max_faces=2)

    assert len(reply["FaceRecords"]) == 2
    assert [u["Reasons"] for u in reply["UnindexedFaces"]] == [["EXCEEDS_MAX_FACES"]] * 2
    kept = [r["Face"]["BoundingBox"]["Width"] for r in reply["FaceRecords"]]
    left_out = [u["FaceDetail"]["BoundingBox"]["Width"] for u in reply["UnindexedFaces"]]
    assert min(kept) > max(left_out)
    assert (await rek.describe_collection(collection_id="people")).face_count == 2


async def test_the_quality_filter_leaves_small_faces_unindexed(rek: RekognitionClient) -> None:
    await rek.create_collection(collection_id="crowd")
    crowd = photo(*(f"p{i}" for i in range(12)))

    high = wire(await rek.index_faces(collection_id="crowd", image=crowd, quality_filter="HIGH"))
    none = wire(await rek.index_faces(collection_id="crowd", image=crowd, quality_filter="NONE"))

    assert len(none["FaceRecords"]) == 12
    assert none["UnindexedFaces"] == []
    assert high["UnindexedFaces"]
    assert {tuple(u["Reasons"]) for u in high["UnindexedFaces"]} == {("SMALL_BOUNDING_BOX",)}
    assert len(high["FaceRecords"]) + len(high["UnindexedFaces"]) == 12


async def test_list_faces_pages_and_filters(rek: RekognitionClient) -> None:
    await rek.create_collection(collection_id="people")
    ids = [face_id for i in range(7) for face_id in face_ids(await index(rek, f"person{i}"))]

    pages = [wire(page) async for page in rek.list_faces(collection_id="people", max_results=3).pages()]

    assert [len(p["Faces"]) for p in pages] == [3, 3, 1]
    assert [("NextToken" in p) for p in pages] == [True, True, False]
    assert {p["FaceModelVersion"] for p in pages} == {"7.0"}
    assert sorted(await listed(rek, max_results=3)) == sorted(ids)
    assert sorted(await listed(rek, face_ids=ids[:2])) == sorted(ids[:2])
    with pytest.raises(rek_errors.InvalidPaginationTokenException):
        await rek.list_faces(collection_id="people", next_token="bm90IGEgdG9rZW4=")


async def test_delete_faces_reports_what_it_could_not_delete(rek: RekognitionClient, emu: Emulator) -> None:
    await rek.create_collection(collection_id="people")
    kept, gone = face_ids(await index(rek, "hana")), face_ids(await index(rek, "ivan"))

    reply = wire(await rek.delete_faces(collection_id="people", face_ids=[gone[0], UNKNOWN_FACE]))

    assert reply["DeletedFaces"] == gone
    assert reply["UnsuccessfulFaceDeletions"] == [{"FaceId": UNKNOWN_FACE, "Reasons": ["FACE_NOT_FOUND"]}]
    assert await listed(rek) == kept
    assert set(emu.state.collections["people"].faces) == set(kept)


async def test_concurrent_indexing_gives_distinct_faces(rek: RekognitionClient) -> None:
    await rek.create_collection(collection_id="people")
    found: list[str] = []

    async def one(n: int) -> None:
        found.extend(face_ids(await index(rek, "same-person", f"other-{n}")))

    async with anyio.create_task_group() as tg:
        for n in range(4):
            tg.start_soon(one, n)

    assert len(set(found)) == 8
    assert (await rek.describe_collection(collection_id="people")).face_count == 8
    matches = wire(await rek.search_faces_by_image(collection_id="people", image=photo("same-person")))
    assert len(matches["FaceMatches"]) == 4


async def test_no_face_in_the_source_image_is_an_invalid_parameter(rek: RekognitionClient) -> None:
    await rek.create_collection(collection_id="people")
    empty = photo(labels=("Tree",))

    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.search_faces_by_image(collection_id="people", image=empty)
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.compare_faces(source_image=empty, target_image=photo("jo"))
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.compare_faces(source_image=photo("jo"), target_image=empty)
    # Indexing and detecting find nothing, without an error.
    assert (await rek.index_faces(collection_id="people", image=empty)).face_records == []
    assert (await rek.detect_faces(image=empty)).face_details == []


async def test_an_unknown_collection_is_not_found(rek: RekognitionClient) -> None:
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.index_faces(collection_id="nobody", image=photo("kim"))
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.search_faces_by_image(collection_id="nobody", image=photo("kim"))
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.search_faces(collection_id="nobody", face_id=UNKNOWN_FACE)
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.list_faces(collection_id="nobody")
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.delete_faces(collection_id="nobody", face_ids=[UNKNOWN_FACE])


async def test_delete_collection_takes_its_faces_and_tags(rek: RekognitionClient, emu: Emulator) -> None:
    created = await rek.create_collection(collection_id="people", tags={"team": "vision"})
    key = emu.state.tag_key(str(created.collection_arn))
    await index(rek, "lee")
    assert emu.state.resource_tags[key] == {"team": "vision"}

    await rek.delete_collection(collection_id="people")
    assert key not in emu.state.resource_tags
    await rek.create_collection(collection_id="people")

    assert (await rek.describe_collection(collection_id="people")).face_count == 0
    assert emu.state.resource_tags[key] == {}


async def test_detect_faces_describes_each_face_and_all_attributes_on_request(rek: RekognitionClient) -> None:
    default = wire(await rek.detect_faces(image=photo("mia", "ned")))
    everything = wire(await rek.detect_faces(image=photo("mia", "ned"), attributes=["ALL"]))
    smile = wire(await rek.detect_faces(image=photo("mia", "ned"), attributes=["SMILE"]))

    first = default["FaceDetails"][0]
    assert len(default["FaceDetails"]) == 2
    assert set(first) == {"BoundingBox", "Confidence", "Landmarks", "Pose", "Quality"}
    assert len(first["Landmarks"]) == 30
    full = everything["FaceDetails"][0]
    assert {"AgeRange", "Gender", "EyeDirection", "FaceOccluded", "Sunglasses"} <= set(full)
    assert full["BoundingBox"] == first["BoundingBox"]
    assert set(smile["FaceDetails"][0]) == {*first, "Smile"}
    # The second face is smaller, to the right of the first.
    second = default["FaceDetails"][1]["BoundingBox"]
    assert second["Width"] < first["BoundingBox"]["Width"]
    assert second["Left"] > first["BoundingBox"]["Left"]


async def test_compare_faces_matches_the_same_person_only(rek: RekognitionClient) -> None:
    reply = wire(
        await rek.compare_faces(source_image=photo("olga", "pete"), target_image=photo("quinn", "olga", "ray"))
    )

    [match] = reply["FaceMatches"]
    assert match["Similarity"] >= 90
    assert set(match["Face"]) == {"BoundingBox", "Confidence", "Landmarks", "Pose", "Quality"}
    assert len(reply["UnmatchedFaces"]) == 2
    assert set(reply["SourceImageFace"]) == {"BoundingBox", "Confidence"}
    everyone = await rek.compare_faces(
        source_image=photo("olga"), target_image=photo("quinn", "olga"), similarity_threshold=0
    )
    matches = wire(everyone)["FaceMatches"]
    assert len(matches) == 2
    assert matches[0]["Similarity"] == match["Similarity"]
    assert wire(everyone)["UnmatchedFaces"] == []
