"""The SDK under trio: the same calls, run by trio's event loop.

Under trio the clients use aiobotocore's httpx backend automatically.
"""

from __future__ import annotations

from functools import partial

import trio

from aws_vision_async import RekognitionClient
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator


async def main() -> None:
    async with (
        Emulator(sample=True) as emulator,
        RekognitionClient(endpoint_url=emulator.url, region_name="us-east-1", **EMULATOR_CREDENTIALS) as rek,
    ):
        async with trio.open_nursery() as nursery:
            for n in range(3):
                nursery.start_soon(partial(rek.create_collection, collection_id=f"trio-collection-{n}"))
        async for project in rek.describe_projects():
            print(f"project {project.project_arn}")
        async for collection in rek.list_collections():
            print(f"collection {collection.collection_id} (face model {collection.face_model_version})")


if __name__ == "__main__":
    trio.run(main)
