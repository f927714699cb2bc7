"""Model bases and field markers used by the generated models."""

from __future__ import annotations

import functools
import itertools
import sys
import weakref
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError, PydanticKnownError, core_schema

from .homes import build_namespace, home_module, publish

if TYPE_CHECKING:
    # Annotations only.
    from pydantic import GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue

__all__ = [
    "AS_DICT",
    "AS_LIST",
    "OPEN_ENUM",
    "InputShape",
    "OutputShape",
    "REPLY_CONFIG",
    "Response",
    "ResponseMetadata",
    "Shape",
    "attach_metadata",
    "home_module",
    "invalid_reason",
    "reply",
    "aws_pattern",
    "paired",
    "publish",
    "validate_response_json",
    "validate_response_obj",
]


class Shape(BaseModel):
    """Base of every generated model."""

    # Written out inline so that mypy's pydantic plugin reads it (validate_by_name).
    model_config = ConfigDict(
        validate_by_name=True,
        validate_by_alias=True,
        # Errors name the Python field (max_results), even for input given by wire name.
        loc_by_alias=False,
        serialize_by_alias=False,
        # Hundreds of shapes: build each validator on first use, not at import.
        defer_build=True,
        protected_namespaces=(),
        # Blobs travel base64-encoded in JSON, raw in Python.
        val_json_bytes="base64",
        ser_json_bytes="base64",
        # AWS JSON timestamps are epoch seconds; never guess milliseconds.
        val_temporal_unit="seconds",
        regex_engine="rust-regex",
    )

    def __repr_name__(self) -> str:
        # A reply variant "_XReply" shows as the public shape "X".
        name = type(self).__name__
        return name[1:-5] if name.startswith("_") and name.endswith("Reply") else name

    def __repr_args__(self) -> Any:
        # Unset optional fields are noise in a repr; show what is there.
        for name, value in super().__repr_args__():
            if value is not None:
                yield name, value

    @classmethod
    def model_rebuild(
        cls,
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Mapping[str, Any] | None = None,
    ) -> bool | None:
        """Build the model's schema, resolving its annotations in its own module only.

        pydantic builds a deferred model on first use and, by default, resolves
        forward references with the local variables of whoever uses it first: a
        caller's variable named ``reply`` or ``datetime`` would shadow the name in
        an annotation. Generated models need nothing from their callers.
        """
        if _types_namespace is None:
            _types_namespace = build_namespace(cls)
        return super().model_rebuild(
            force=force,
            raise_errors=raise_errors,
            _parent_namespace_depth=_parent_namespace_depth,
            _types_namespace=dict(_types_namespace),
        )


class InputShape(Shape):
    """A shape only ever sent: strict types, unknown fields rejected."""

    model_config = ConfigDict(strict=True, extra="forbid")


class OutputShape(Shape):
    """A shape only ever received: lenient, unknown fields kept in ``model_extra``."""

    model_config = ConfigDict(extra="allow")


class ResponseMetadata:
    """What the HTTP exchange behind a response said, beside its data.

    Read it from any response model as ``resp.response_metadata``. A response
    built by hand (not received) has no request id, status or headers, and 0
    attempts.

    Attributes:
        request_id: The request id the service assigned (``x-amzn-RequestId``), for AWS support.
        http_status: The HTTP status of the reply.
        headers: The reply's HTTP headers, names in lower case (read-only).
        attempts: How many attempts the call took, the successful one included.
    """

    __slots__ = ("attempts", "headers", "http_status", "request_id")

    request_id: str | None
    http_status: int | None
    headers: Mapping[str, str]
    attempts: int

    def __init__(
        self,
        *,
        request_id: str | None = None,
        http_status: int | None = None,
        headers: Mapping[str, str] | None = None,
        attempts: int = 0,
    ) -> None:
        # Frozen by convention of __setattr__ below; set here through object.
        object.__setattr__(self, "request_id", request_id)
        object.__setattr__(self, "http_status", http_status)
        object.__setattr__(self, "headers", MappingProxyType(dict(headers or {})))
        object.__setattr__(self, "attempts", attempts)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"ResponseMetadata is read-only: cannot set {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ResponseMetadata):
            return NotImplemented
        return (self.request_id, self.http_status, dict(self.headers), self.attempts) == (
            other.request_id,
            other.http_status,
            dict(other.headers),
            other.attempts,
        )

    __hash__ = None  # type: ignore[assignment]  # equal by value, and holds a mapping

    def __repr__(self) -> str:
        return (
            f"ResponseMetadata(request_id={self.request_id!r}, http_status={self.http_status!r}, "
            f"attempts={self.attempts!r}, headers={dict(self.headers)!r})"
        )


_NO_METADATA: Final = ResponseMetadata()
#: Metadata of received responses, by id() of the response, dropped with it. Kept
#: outside the model, so that equality, copies and dumps see only the data.
_metadata: dict[int, tuple[weakref.ref[Any], ResponseMetadata]] = {}


def attach_metadata(response: BaseModel, metadata: ResponseMetadata) -> None:
    """Record the HTTP exchange ``response`` came from (read back as ``response_metadata``)."""
    key = id(response)

    def forget(_: weakref.ref[Any]) -> None:
        _metadata.pop(key, None)

    _metadata[key] = (weakref.ref(response, forget), metadata)


class Response(OutputShape):
    """The reply of an operation: a received shape that also tells how it was received."""

    @property
    def response_metadata(self) -> ResponseMetadata:
        """The request id, HTTP status, headers and attempts of the call that returned this response.

        Not a field: ``model_dump``, equality and copies see only the data.
        """
        entry = _metadata.get(id(self))
        if entry is not None and entry[0]() is self:
            return entry[1]
        return _NO_METADATA


#: Configuration of the private reply variant of a shape that is both sent and
#: received: lenient as any reply, unknown fields kept.
REPLY_CONFIG: Final = ConfigDict(strict=False, extra="allow")


class reply:  # noqa: N801 - reads as a marker in annotations
    """Marker: validate replies into the lenient subclass of a sent shape.

    Type checkers see the annotated (public) class; at run time a reply builds
    the subclass named here, from the public class's module, so constraints
    meant for requests never reject a reply.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        cls = getattr(sys.modules[home_module(source)], self.name)
        return handler.generate_schema(cls)

    def __repr__(self) -> str:
        return f"reply({self.name!r})"


class _OpenEnum:
    """Marker: at run time accept any string (a value AWS added later is kept)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.str_schema()

    def __repr__(self) -> str:
        return "OPEN_ENUM"


#: Annotation marker for an enum field of a shape only received.
OPEN_ENUM: Final = _OpenEnum()


def _as_list(value: object) -> object:
    if type(value) is list:
        return value  # pyright: ignore[reportUnknownVariableType] # the common case, first
    if isinstance(value, (str, bytes, bytearray)):
        # A str is a Sequence of str: given for a list of names, it is a mistake.
        raise PydanticCustomError(
            "sequence_str",
            "'{type_name}' instances are not allowed as a Sequence value",
            {"type_name": type(value).__name__},
        )
    if isinstance(value, Sequence):
        items: Sequence[object] = value  # pyright: ignore[reportUnknownVariableType]
        return list(items)
    raise PydanticKnownError("is_instance_of", {"class": "Sequence"})


def _as_dict(value: object) -> object:
    if type(value) is dict:
        return value  # pyright: ignore[reportUnknownVariableType]
    if isinstance(value, Mapping):
        pairs: Mapping[object, object] = value  # pyright: ignore[reportUnknownVariableType]
        return dict(pairs)
    raise PydanticKnownError("is_instance_of", {"class": "Mapping"})


class _Builtin:
    """Marker: accept any ``Sequence`` (``Mapping``) and keep it as a ``list`` (``dict``).

    Written last in ``Annotated[Sequence[X], Field(...), AS_LIST]``: the value is
    validated as ``list[X]`` with the field's bounds, so that strict models take a
    tuple or a deque, and ``model_dump`` gives a list (a JSON array on the wire).
    JSON input needs no conversion and stays on pydantic's Rust path.
    """

    __slots__ = ("convert", "kind")

    def __init__(self, kind: type[list[Any]] | type[dict[Any, Any]]) -> None:
        self.kind = kind
        self.convert = _as_list if kind is list else _as_dict

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        # handler() with list[X] for Sequence[X] applies the annotations before this one (the bounds).
        concrete = handler(self.kind[get_args(source)])  # type: ignore[index]
        return core_schema.json_or_python_schema(
            json_schema=concrete,
            python_schema=core_schema.no_info_before_validator_function(self.convert, concrete),
        )

    def __repr__(self) -> str:
        return "AS_LIST" if self.kind is list else "AS_DICT"


#: Annotation marker of a sent ``Sequence[X]``: any sequence but a ``str``, kept as a list.
AS_LIST: Final = _Builtin(list)
#: Annotation marker of a sent ``Mapping[K, V]``: any mapping, kept as a dict.
AS_DICT: Final = _Builtin(dict)


_PREFIX_MESSAGE: Final = (
    "String should not start with '{prefix}' (a prefix the pattern documented by AWS forbids: {pattern})"
)


class aws_pattern:  # noqa: N801 - reads as a marker in annotations
    r"""Marker: a sent string must match a pattern of the service model, as a whole.

    Matching uses ``regex``, the documented pattern translated for pydantic's Rust
    engine by ``_core.patterns.translate_pattern`` (anchored ``^(?:...)$``, ASCII
    ``\d``); a mismatch quotes ``documented``, the pattern as AWS writes it, since
    the translation would only puzzle a caller. ``forbid_prefix`` stands in for a
    leading ``^(?!prefix)``, which the Rust engine does not support.

    Both checks raise pydantic's ``string_pattern_mismatch`` error, with the
    documented pattern as ``pattern`` in its context::

        String should match pattern '[a-zA-Z0-9_.\-]+'
        String should not start with 'aws:' (a prefix the pattern documented by AWS forbids: ...)
    """

    __slots__ = ("documented", "forbid_prefix", "regex")

    def __init__(self, regex: str, documented: str, *, forbid_prefix: str | None = None) -> None:
        self.regex = regex
        self.documented = documented
        self.forbid_prefix = forbid_prefix

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        context = {"pattern": self.documented}
        steps = [
            handler(source),  # type and length, with pydantic's own errors
            # All in Rust: pydantic's own mismatch error, quoting the documented pattern.
            core_schema.custom_error_schema(
                core_schema.str_schema(pattern=self.regex, regex_engine="rust-regex"),
                custom_error_type="string_pattern_mismatch",
                custom_error_context=context,
            ),
        ]
        prefix = self.forbid_prefix
        if prefix is not None:
            prefixed = {**context, "prefix": prefix}

            def check(value: str) -> str:
                if value.startswith(prefix):
                    raise PydanticCustomError("string_pattern_mismatch", _PREFIX_MESSAGE, prefixed)
                return value

            steps.append(core_schema.no_info_plain_validator_function(check))
        return core_schema.chain_schema(steps)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # The chain hides the pattern from pydantic's JSON schema: give the one enforced.
        json_schema = handler(schema)
        json_schema["pattern"] = self.regex
        return json_schema

    def __repr__(self) -> str:
        extra = f", forbid_prefix={self.forbid_prefix!r}" if self.forbid_prefix else ""
        return f"aws_pattern({self.regex!r}, {self.documented!r}{extra})"


M = TypeVar("M", bound=BaseModel)


def validate_response_json(model: type[M], raw: bytes) -> M:
    """Validate a reply's raw JSON body straight into ``model`` (the fast path)."""
    return model.model_validate_json(raw or b"{}")


def invalid_reason(error: ValidationError, body: bytes | None = None, content_type: str | None = None) -> str:
    """Say in a few words why a reply did not fit its model: the first problem's field and kind.

    Never quotes a value of the reply (it may be large, or personal data); for a
    body that is not JSON at all, only its first few characters (a proxy's
    ``<html>`` page shows it is one) and its content type.

    Args:
        error: What pydantic raised.
        body: The reply's body, when the SDK had it raw.
        content_type: The reply's ``Content-Type``.
    """
    problems = error.errors(include_url=False, include_input=False, include_context=False)
    if not problems:  # pragma: no cover - pydantic always says what failed
        return "the body does not fit the response"
    first = problems[0]
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    if first["type"] == "json_invalid":
        what = str(first["msg"]).removeprefix("Invalid JSON: ")
        typed = f" ({content_type})" if content_type else ""
        head = ""
        if body:
            text = body[:_BODY_HEAD].decode("utf-8", "replace")
            head = f", starting {text!r}{'...' if len(body) > _BODY_HEAD else ''}"
        return f"the body{typed} is not valid JSON: {what}{head}"
    where = ".".join(str(part) for part in first["loc"]) or "the body"
    return f"{where}: {first['msg']}{more}"


#: How much of a non-JSON body an error shows.
_BODY_HEAD: Final = 24


def _to_utc(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc) if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    if isinstance(value, dict):
        return {k: _to_utc(v) for k, v in value.items()}  # pyright: ignore[reportUnknownVariableType]
    if isinstance(value, list):
        return [_to_utc(v) for v in value]  # pyright: ignore[reportUnknownVariableType]
    return value


def validate_response_obj(model: type[M], parsed: Mapping[str, Any]) -> M:
    """Validate a reply that botocore has parsed already (the slow path).

    botocore returns timestamps in local time; they are converted to UTC.
    """
    data = {k: _to_utc(v) for k, v in parsed.items() if k != "ResponseMetadata"}
    return model.model_validate(data)


ItemT = TypeVar("ItemT", bound=BaseModel)


@functools.cache
def _rows_adapter(model: type[ItemT]) -> tuple[TypeAdapter[list[ItemT]], dict[str, str]]:
    aliases = {name: field.validation_alias or field.alias or name for name, field in model.model_fields.items()}
    return TypeAdapter(list[model]), {k: v for k, v in aliases.items() if isinstance(v, str)}  # type: ignore[valid-type]


def paired(model: type[ItemT], columns: Mapping[str, Sequence[object]]) -> list[ItemT]:
    """Pair parallel arrays into one ``model`` per index (a shorter array gives ``None``).

    All rows are validated in one call, which costs about two thirds of building
    each model on its own (a page of ListCollections holds 100).

    Args:
        model: The item model.
        columns: Each array, by the item model's field name.

    Returns:
        The items, in index order.
    """
    adapter, aliases = _rows_adapter(model)
    keys = [aliases[name] for name in columns]
    arrays = columns.values()
    if len(keys) == 2:
        # The common case (ListCollections), as a dict display: building the rows costs more than validating them.
        first, second = keys
        rows = [{first: a, second: b} for a, b in itertools.zip_longest(*arrays)]
    else:
        rows = [dict(zip(keys, values, strict=True)) for values in itertools.zip_longest(*arrays)]
    return adapter.validate_python(rows)


# Reported where users import it (``aws_vision_async.ResponseMetadata``), not this private module.
ResponseMetadata.__module__ = "aws_vision_async"
