"""Quickstart: the SDK against the embedded emulator, with no AWS account.

Run it with ``python3 -m uv run --locked --no-dev --extra cli python examples/quickstart.py``.
It starts the emulator in-process with sample data and, through the public API
only, creates a Lookout for Vision project, iterates Rekognition projects,
streams a dataset's entries, lists collections and catches a typed error.
"""

from __future__ import annotations

import json
import warnings

import anyio

from aws_vision_async import LookoutVisionClient, NotFoundError, RekognitionClient
from aws_vision_async.emulator import EMULATOR_CREDENTIALS, Emulator
from aws_vision_async.rekognition.errors import ResourceNotFoundException


async def main() -> None:
    async with Emulator(sample=True) as emulator:
        print(f"emulator listening on {emulator.url}")
        # Explicit credentials and region: nothing of yours is read.
        # Lookout for Vision reached end of support on 2025-10-31; the client says so once.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DeprecationWarning)
            lfv = LookoutVisionClient(endpoint_url=emulator.url, region_name="us-east-1", **EMULATOR_CREDENTIALS)
        print(f"note: {caught[0].message}" if caught else "")
        async with lfv:
            # No client_token given: one is generated and reused on every retry.
            created = await lfv.create_project(project_name="widgets")
            metadata = created.project_metadata
            print(f"created Lookout for Vision project {metadata.project_arn if metadata else '?'}")

        async with RekognitionClient(endpoint_url=emulator.url, region_name="us-east-1", **EMULATOR_CREDENTIALS) as rek:
            print("Rekognition Custom Labels projects:")
            first_train_dataset = None
            async for project in rek.describe_projects(features=["CUSTOM_LABELS"]):
                print(
                    f"  {project.project_arn}  {project.status}  created {project.creation_timestamp:%Y-%m-%d %H:%M}Z"
                )
                for dataset in project.datasets or []:
                    if dataset.dataset_type == "TRAIN" and first_train_dataset is None:
                        first_train_dataset = dataset.dataset_arn

            if first_train_dataset is None:
                raise SystemExit("no TRAIN dataset found")
            print(f"entries of {first_train_dataset} that have errors:")
            shown = 0
            async for line in rek.list_dataset_entries(dataset_arn=first_train_dataset, has_errors=True):
                entry = json.loads(line)
                if shown < 3:
                    print(f"  {entry['source-ref']}")
                shown += 1
            print(f"  ... {shown} in all")

            print("face collections:")
            async for collection in rek.list_collections():
                print(f"  {collection.collection_id} (face model {collection.face_model_version})")

            try:
                await rek.describe_collection(collection_id="no-such-collection")
            except ResourceNotFoundException as exc:
                print(f"caught {type(exc).__name__}: {exc.message} (HTTP {exc.status_code})")

            # The category bases catch a kind of failure across both services.
            try:
                await rek.delete_collection(collection_id="no-such-collection")
            except NotFoundError as exc:
                print(f"caught a NotFoundError from {exc.operation_name}: {exc.code}")


if __name__ == "__main__":
    anyio.run(main)
