"""Static descriptions of services and operations, filled in by the generator."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel

from ..errors import ServiceError

ReqT = TypeVar("ReqT", bound=BaseModel)
RespT = TypeVar("RespT", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class PaginatorSpec:
    """Where a paginated operation keeps its tokens and items.

    Attributes:
        input_token: Request field (Python name) that carries the token.
        output_token: Response field (Python name) with the next token.
        limit_key: Request field (Python name) that bounds a page, if any.
    """

    input_token: str
    output_token: str
    limit_key: str | None


@dataclass(frozen=True, slots=True)
class OperationSpec(Generic[ReqT, RespT]):
    """One API operation.

    Attributes:
        name: The operation as AWS names it (``"DescribeProjects"``).
        method: The botocore client method (``"describe_projects"``).
        request: The request model.
        response: The response model.
        errors: The error codes the operation documents.
        retryable: The documented codes that are worth a retry.
        token_field: Python name of the idempotency token field, if any.
        safe_to_retry: Whether a retry cannot do the work twice: a read, an
            operation the service documents as idempotent, or one with a token.
        paginator: The pagination wiring, for paginated operations.
    """

    name: str
    method: str
    request: type[ReqT]
    response: type[RespT]
    errors: frozenset[str]
    retryable: frozenset[str]
    token_field: str | None = None
    safe_to_retry: bool = False
    paginator: PaginatorSpec | None = None


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
