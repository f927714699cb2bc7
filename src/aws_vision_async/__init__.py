"""aws-vision-async: a typed async SDK for Amazon Rekognition and Amazon Lookout for Vision.

Importing the package is light: the clients, their models and aiobotocore load
on first use of a client name.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
    AccessDeniedError,
    AwsVisionError,
    CallTimeoutError,
    ConflictError,
    ConnectError,
    ConnectionLostError,
    InvalidRequestError,
    InvalidResponseError,
    NetworkError,
    NotFoundError,
    PaginationError,
    QuotaExceededError,
    RateLimitTimeoutError,
    ReadTimeoutError,
    ServiceError,
    ThrottlingError,
    TransientError,
    WaiterError,
    WaiterFailedError,
    WaiterTimeoutError,
)
from .retry import RetryPolicy, set_testing

if TYPE_CHECKING:
    from ._core.model import ResponseMetadata
    from ._core.pagination import AsyncPaginator, Prefetch
    from .fanout import FanOut, FanOutProgress, Outcome, fan_out
    from .lookoutvision.client import LookoutVisionClient
    from .ratelimit import RateLimiter
    from .rekognition.client import RekognitionClient

from ._version import __version__

__all__ = [
    "AccessDeniedError",
    "AsyncPaginator",
    "AwsVisionError",
    "CallTimeoutError",
    "ConflictError",
    "ConnectError",
    "ConnectionLostError",
    "FanOut",
    "FanOutProgress",
    "InvalidRequestError",
    "InvalidResponseError",
    "LookoutVisionClient",
    "NetworkError",
    "NotFoundError",
    "Outcome",
    "PaginationError",
    "Prefetch",
    "QuotaExceededError",
    "RateLimitTimeoutError",
    "RateLimiter",
    "ReadTimeoutError",
    "RekognitionClient",
    "ResponseMetadata",
    "RetryPolicy",
    "ServiceError",
    "ThrottlingError",
    "TransientError",
    "WaiterError",
    "WaiterFailedError",
    "WaiterTimeoutError",
    "__version__",
    "fan_out",
    "set_testing",
]

_LAZY = {
    "AsyncPaginator": "._core.pagination",
    "FanOut": ".fanout",
    "FanOutProgress": ".fanout",
    "Outcome": ".fanout",
    "Prefetch": "._core.pagination",
    "RateLimiter": ".ratelimit",
    "ResponseMetadata": "._core.model",
    "fan_out": ".fanout",
    "LookoutVisionClient": ".lookoutvision.client",
    "RekognitionClient": ".rekognition.client",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
