"""Users of face collections on the emulator, through the SDK.

CreateUser, DeleteUser, AssociateFaces, DisassociateFaces, ListUsers, SearchUsers,
SearchUsersByImage; DescribeCollection's UserCount, ListFaces by user, DeleteFaces of
a user's face.
"""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import Emulator, scene_image
from aws_vision_async.rekognition import errors as rek_errors
from aws_vision_async.rekognition.models import Image

from .test_faces import UNKNOWN_FACE, face_ids, index, listed, photo, wire

pytestmark = pytest.mark.anyio


async def person(rek: RekognitionClient, name: str, faces: int = 2) -> list[str]:
    """Index ``faces`` images of ``name`` in ``people``; create user ``name`` with those faces."""
    ids = [face_ids(await index(rek, name))[0] for _ in range(faces)]
    await rek.create_user(collection_id="people", user_id=name)
    reply = wire(await rek.associate_faces(collection_id="people", user_id=name, face_ids=ids))
    assert [f["FaceId"] for f in reply["AssociatedFaces"]] == ids
    assert reply["UnsuccessfulFaceAssociations"] == []
    assert reply["UserStatus"] == "ACTIVE"
    return ids


async def test_search_users_by_image_finds_that_person(rek: RekognitionClient) -> None:
    await rek.create_collection(collection_id="people")
    await person(rek, "alice")
    await person(rek, "bob")

    reply = wire(await rek.search_users_by_image(collection_id="people", image=photo("bob", "alice", "carol")))

    [match] = reply["UserMatches"]
    assert match["User"] == {"UserId": "bob", "UserStatus": "ACTIVE"}
    assert match["Similarity"] >= 90
    assert reply["SearchedFace"]["FaceDetail"]["BoundingBox"]["Left"] < 1 / 3
    assert [u["Reasons"] for u in reply["UnsearchedFaces"]] == [["FACE_NOT_LARGEST"]] * 2
    assert reply["FaceModelVersion"] == "7.0"
    nobody = wire(await rek.search_users_by_image(collection_id="people", image=photo("carol")))
    assert nobody["UserMatches"] == []
    # No face: no error, an empty answer without SearchedFace, as documented.
    empty = wire(await rek.search_users_by_image(collection_id="people", image=photo(labels=("Tree",))))
    assert empty["UserMatches"] == []
    assert "SearchedFace" not in empty


async def test_search_users_by_face_or_by_user(rek: RekognitionClient) -> None:
    await rek.create_collection(collection_id="people")
    alice = await person(rek, "alice")
    await person(rek, "bob")
    loose = face_ids(await index(rek, "alice"))[0]  # alice again, in no user yet
    await rek.create_user(collection_id="people", user_id="alice-2")
    await rek.associate_faces(collection_id="people", user_id="alice-2", face_ids=[loose])

    by_face = wire(await rek.search_users(collection_id="people", face_id=alice[0]))
    by_user = wire(await rek.search_users(collection_id="people", user_id="alice"))

    assert sorted(m["User"]["UserId"] for m in by_face["UserMatches"]) == ["alice", "alice-2"]
    assert by_face["SearchedFace"] == {"FaceId": alice[0]}
    # The searched user is not its own match.
    assert [m["User"]["UserId"] for m in by_user["UserMatches"]] == ["alice-2"]
    assert by_user["SearchedUser"] == {"UserId": "alice"}
    assert by_user["UserMatches"][0]["Similarity"] >= 90
    everyone = wire(await rek.search_users(collection_id="people", user_id="alice", user_match_threshold=0))
    assert [m["User"]["UserId"] for m in everyone["UserMatches"]] == ["alice-2", "bob"]
    one = wire(await rek.search_users(collection_id="people", face_id=alice[0], max_users=1))
    assert len(one["UserMatches"]) == 1
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.search_users(collection_id="people")
    with pytest.raises(rek_errors.InvalidParameterException):
        await rek.search_users(collection_id="people", user_id="alice", face_id=alice[0])
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.search_users(collection_id="people", user_id="nobody")


async def test_associate_faces_reports_the_faces_it_refused(rek: RekognitionClient) -> None:
    await rek.create_collection(collection_id="people")
    alice = await person(rek, "alice")
    bob = await person(rek, "bob", faces=1)
    another_alice = face_ids(await index(rek, "alice"))[0]
    stranger = face_ids(await index(rek, "zed"))[0]

    reply = wire(
        await rek.associate_faces(
            collection_id="people",
            user_id="alice",
            face_ids=[alice[0], bob[0], UNKNOWN_FACE, stranger, another_alice],
        )
    )

    # Alice's own face is ignored; her new face is associated; the others are refused.
    assert reply["AssociatedFaces"] == [{"FaceId": another_alice}]
    refused = {f["FaceId"]: f for f in reply["UnsuccessfulFaceAssociations"]}
    assert refused[bob[0]]["Reasons"] == ["ASSOCIATED_TO_A_DIFFERENT_USER"]
    assert refused[UNKNOWN_FACE]["Reasons"] == ["FACE_NOT_FOUND"]
    assert refused[stranger]["Reasons"] == ["LOW_MATCH_CONFIDENCE"]
    assert refused[stranger]["Confidence"] < 75
    assert set(refused) == {bob[0], UNKNOWN_FACE, stranger}
    # A threshold of 0 lets anyone join a user.
    forced = await rek.associate_faces(
        collection_id="people", user_id="alice", face_ids=[stranger], user_match_threshold=0
    )
    assert wire(forced)["AssociatedFaces"] == [{"FaceId": stranger}]
    assert sorted(await listed(rek, user_id="alice")) == sorted([*alice, another_alice, stranger])
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.associate_faces(collection_id="people", user_id="nobody", face_ids=[stranger])


async def test_disassociate_and_delete_faces_of_a_user(rek: RekognitionClient) -> None:
    await rek.create_collection(collection_id="people")
    alice = await person(rek, "alice")
    bob = await person(rek, "bob", faces=1)

    refused = wire(await rek.delete_faces(collection_id="people", face_ids=alice[:1]))
    assert refused["DeletedFaces"] == []
    assert refused["UnsuccessfulFaceDeletions"] == [
        {"FaceId": alice[0], "UserId": "alice", "Reasons": ["ASSOCIATED_TO_AN_EXISTING_USER"]}
    ]

    reply = wire(await rek.disassociate_faces(collection_id="people", user_id="alice", face_ids=[alice[0], bob[0]]))

    assert reply["DisassociatedFaces"] == [{"FaceId": alice[0]}]
    assert reply["UnsuccessfulFaceDisassociations"] == [
        {"FaceId": bob[0], "UserId": "bob", "Reasons": ["ASSOCIATED_TO_A_DIFFERENT_USER"]}
    ]
    assert reply["UserStatus"] == "ACTIVE"
    assert wire(await rek.delete_faces(collection_id="people", face_ids=alice[:1]))["DeletedFaces"] == alice[:1]
    last = wire(await rek.disassociate_faces(collection_id="people", user_id="alice", face_ids=alice[1:]))
    assert last["UserStatus"] == "CREATED"


async def test_create_user_is_idempotent_by_its_client_token(rek: RekognitionClient, emu: Emulator) -> None:
    await rek.create_collection(collection_id="people")

    await rek.create_user(collection_id="people", user_id="u1", client_request_token="token-1")
    await rek.create_user(collection_id="people", user_id="u1", client_request_token="token-1")

    assert list(emu.state.collections["people"].users) == ["u1"]
    with pytest.raises(rek_errors.ConflictException):
        await rek.create_user(collection_id="people", user_id="u1", client_request_token="token-2")
    with pytest.raises(rek_errors.IdempotentParameterMismatchException):
        await rek.create_user(collection_id="people", user_id="u2", client_request_token="token-1")
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.create_user(collection_id="nobody", user_id="u1")


async def test_list_users_pages_and_describe_counts(rek: RekognitionClient) -> None:
    await rek.create_collection(collection_id="people")
    for n in range(5):
        await rek.create_user(collection_id="people", user_id=f"user-{n}")
    await person(rek, "active", faces=1)

    pages = [wire(page) async for page in rek.list_users(collection_id="people", max_results=2).pages()]
    users = [u async for u in rek.list_users(collection_id="people", max_results=2)]

    assert [len(p["Users"]) for p in pages] == [2, 2, 2]
    assert sorted(str(u.user_id) for u in users) == sorted([*(f"user-{n}" for n in range(5)), "active"])
    assert {str(u.user_id): u.user_status for u in users}["active"] == "ACTIVE"
    assert {u.user_status for u in users if u.user_id != "active"} == {"CREATED"}
    described = await rek.describe_collection(collection_id="people")
    assert described.user_count == 6
    assert described.face_count == 1
    with pytest.raises(rek_errors.InvalidPaginationTokenException):
        await rek.list_users(collection_id="people", next_token="bm90IGEgdG9rZW4=")


async def test_delete_user_frees_its_faces(rek: RekognitionClient) -> None:
    await rek.create_collection(collection_id="people")
    alice = await person(rek, "alice")

    await rek.delete_user(collection_id="people", user_id="alice")

    assert (await rek.describe_collection(collection_id="people")).user_count == 0
    assert await listed(rek, user_id="alice") == []
    assert wire(await rek.delete_faces(collection_id="people", face_ids=alice))["DeletedFaces"] == alice
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.delete_user(collection_id="people", user_id="alice")
    # The collection goes with its users.
    await rek.create_user(collection_id="people", user_id="again")
    await rek.delete_collection(collection_id="people")
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.list_users(collection_id="people")


async def test_concurrent_associations_give_a_face_one_user(rek: RekognitionClient) -> None:
    await rek.create_collection(collection_id="people")
    face = face_ids(await index(rek, "pat"))[0]
    replies: list[dict[str, Any]] = []

    async def claim(user: str) -> None:
        await rek.create_user(collection_id="people", user_id=user)
        replies.append(wire(await rek.associate_faces(collection_id="people", user_id=user, face_ids=[face])))

    async with anyio.create_task_group() as tg:
        for n in range(4):
            tg.start_soon(claim, f"claimer-{n}")

    won = [r for r in replies if r["AssociatedFaces"]]
    assert len(won) == 1
    lost = [r["UnsuccessfulFaceAssociations"][0]["Reasons"] for r in replies if not r["AssociatedFaces"]]
    assert lost == [["ASSOCIATED_TO_A_DIFFERENT_USER"]] * 3


async def test_user_search_of_an_unknown_collection_is_not_found(rek: RekognitionClient) -> None:
    image = Image(bytes=scene_image(faces=("kim",)))
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.search_users_by_image(collection_id="nobody", image=image)
    with pytest.raises(rek_errors.ResourceNotFoundException):
        await rek.search_users(collection_id="nobody", face_id=UNKNOWN_FACE)
