"""Static descriptions of services and operations, filled in by the generator."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from ..errors import ServiceError

ReqT = TypeVar("ReqT", bound=BaseModel)
RespT = TypeVar("RespT", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class PaginatorSpec:
    """Where a paginated operation keeps its tokens.

    The page size is no part of it: it is the method's own parameter (botocore's
    ``limit_key``, documented as the page size), sent with every page request as
    the rest of the request is.

    Attributes:
        input_token: Request field (Python name) that carries the token.
        output_token: Response field (Python name) with the next token.
    """

    input_token: str
    output_token: str


def _load_model(path: str) -> Any:
    """The class at ``"package.module:Name"``, importing its module."""
    module, _, name = path.partition(":")
    return getattr(import_module(module), name)


@dataclass(frozen=True, slots=True)
class OperationSpec(Generic[ReqT, RespT]):
    """One API operation.

    The request and response models are named (``"package.module:Class"``) and
    imported on first use of ``request`` or ``response``: describing every
    operation creates no model class.

    Attributes:
        name: The operation as AWS names it (``"DescribeProjects"``).
        method: The botocore client method (``"describe_projects"``).
        request_model: Where the request model is (``"package.module:Class"``).
        response_model: Where the response model is.
        errors: The error codes the operation documents.
        error_classes: Every error code of the service, mapped to its class.
        retryable: The documented codes that are worth a retry: those whose class
            is retryable (``ServiceError.retryable``, set by its category base).
            Derived from the classes, never written apart: they are the one
            source of truth.
        token_field: Python name of the idempotency token field, if any.
        safe_to_retry: Whether a retry cannot do the work twice: a read, an
            operation the service documents as idempotent, or one with a token.
        paginator: The pagination wiring, for paginated operations.
    """

    name: str
    method: str
    request_model: str
    response_model: str
    errors: frozenset[str]
    error_classes: Mapping[str, type[ServiceError]] = field(repr=False, compare=False)
    token_field: str | None = None
    safe_to_retry: bool = False
    paginator: PaginatorSpec | None = None
    retryable: frozenset[str] = field(init=False, compare=False)
    _request: type[ReqT] | None = field(default=None, init=False, repr=False, compare=False)
    _response: type[RespT] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        unknown = self.errors - self.error_classes.keys()
        if unknown:
            raise ValueError(f"{self.name} documents errors without a class: {sorted(unknown)}")
        retryable = frozenset(code for code in self.errors if self.error_classes[code].retryable)
        object.__setattr__(self, "retryable", retryable)

    @property
    def request(self) -> type[ReqT]:
        """The request model (imported on first use)."""
        model = self._request
        if model is None:
            model = _load_model(self.request_model)
            object.__setattr__(self, "_request", model)
        return model

    @property
    def response(self) -> type[RespT]:
        """The response model (imported on first use)."""
        model = self._response
        if model is None:
            model = _load_model(self.response_model)
            object.__setattr__(self, "_response", model)
        return model


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """One service.

    Attributes:
        service_name: botocore's name for it (``"rekognition"``).
        base_error: The service's base exception, raised for undocumented codes.
        server_error: The service's ``TransientError`` for a 5xx reply that
            carries no error code (from a proxy or load balancer, say).
        errors: Every documented error code, mapped to its class.
        operations: Every operation's name, as AWS spells it.
        data_path: A folder to add to botocore's loader, for models botocore no
            longer ships.
        deprecation: A message for a ``DeprecationWarning`` on client creation.
    """

    service_name: str
    base_error: type[ServiceError]
    server_error: type[ServiceError]
    errors: Mapping[str, type[ServiceError]]
    operations: frozenset[str] = frozenset()
    data_path: str | None = None
    deprecation: str | None = None
