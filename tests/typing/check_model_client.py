"""The generated client satisfies the protocol the Custom Labels mixin is typed against (mypy, pyright)."""

from __future__ import annotations

from aws_vision_async._model_session import ModelClient
from aws_vision_async.rekognition import RekognitionClient


def as_model_client(client: RekognitionClient) -> ModelClient:
    """Fails type checking as soon as the client drifts from what the mixin calls."""
    return client
