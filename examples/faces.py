"""Index the faces of two people, find one of them from a new photo, then group her faces as a user.

Run it with ``python3 -m uv run --locked --no-dev python examples/faces.py``: it starts
its own embedded emulator, whose face search keeps a collection's faces and users and
compares faces by the person they show.

The photos are made with ``scene_image``: a small JPEG that tells the emulator who is
in it, so that two photos of Ada match each other (similarity 90 or more) and a photo
of Grace does not match Ada's. With AWS, read real photos with ``Image.from_path``.
"""

from __future__ import annotations

import anyio

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator, scene_image

COLLECTION = "staff"


async def main() -> None:
    async with (
        Emulator() as emulator,
        RekognitionClient(endpoint_url=emulator.url, region_name="us-east-1", **EMULATOR_CREDENTIALS) as rek,
    ):
        await rek.create_collection(collection_id=COLLECTION)

        # Two photos of Ada, one of Grace; ExternalImageId says which photo a face came from.
        photos = {
            "ada-badge.jpg": scene_image(faces=("ada",)),
            "ada-party.jpg": scene_image(faces=("ada",), labels=("Cake",)),
            "grace-badge.jpg": scene_image(faces=("grace",)),
        }
        ada_faces: list[str] = []
        for name, photo in photos.items():
            indexed = await rek.index_faces(collection_id=COLLECTION, image=photo, external_image_id=name, max_faces=1)
            for record in indexed.face_records or []:
                face = record.face
                if face is not None and face.face_id is not None:
                    print(f"indexed {name}: face {face.face_id}")
                    if name.startswith("ada"):
                        ada_faces.append(face.face_id)

        # A new photo of Ada, with Grace in the background: the largest face is searched.
        crowd = scene_image(faces=("ada", "grace"))
        found = await rek.search_faces_by_image(collection_id=COLLECTION, image=crowd, face_match_threshold=90)
        for match in found.face_matches or []:
            face = match.face
            if face is not None:
                print(f"match: {face.external_image_id} (similarity {match.similarity or 0:.1f})")

        # One user for Ada, holding both her faces: a search then names the person, not the photo.
        await rek.create_user(collection_id=COLLECTION, user_id="ada")
        await rek.associate_faces(collection_id=COLLECTION, user_id="ada", face_ids=ada_faces)
        users = await rek.search_users_by_image(collection_id=COLLECTION, image=scene_image(faces=("ada",)))
        for user_match in users.user_matches or []:
            user = user_match.user
            if user is not None:
                print(f"user match: {user.user_id} (similarity {user_match.similarity or 0:.1f})")

        described = await rek.describe_collection(collection_id=COLLECTION)
        print(f"collection {COLLECTION}: {described.face_count} faces, {described.user_count} users")


if __name__ == "__main__":
    anyio.run(main)
