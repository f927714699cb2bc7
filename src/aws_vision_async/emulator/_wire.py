# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (decoded JSON and botocore's model objects are untyped by nature)
"""Decode requests and encode replies with botocore's service models.

botocore ships no type information, so its model objects are ``Any`` here.

A request is decoded as the service would: awsJson1_1 (Rekognition) takes the
operation from ``X-Amz-Target`` and its input from the JSON body; restJson1
(Lookout for Vision) matches the HTTP route, then reads each input member from
its URI segment, query string, header or the JSON body. The input is then
validated against the shape: botocore's own validator (types, required, minimums)
plus the constraints it skips (maximums, patterns, enums).
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from typing import Any
from urllib.parse import unquote

from botocore.validate import ParamValidator
from pydantic_core import SchemaValidator, ValidationError, core_schema

from .._core.patterns import translate_pattern

__all__ = ["ApiError", "Decoded", "WireModel", "encode_json"]


class ApiError(Exception):
    """An error reply: its code, HTTP status and message.

    Attributes:
        code: The service's error code.
        status: The HTTP status.
        message: A human-readable message.
        headers: Extra reply headers (``Retry-After``).
    """

    def __init__(self, code: str, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class Decoded:
    """A decoded request."""

    operation: str
    params: dict[str, Any]


@cache
def _pattern_validator(pattern: str) -> tuple[SchemaValidator, str | None]:
    whole, prefix = translate_pattern(pattern)
    return SchemaValidator(core_schema.str_schema(pattern=whole)), prefix


def _check_constraints(shape: Any, value: Any, path: str, errors: list[str]) -> None:
    kind = shape.type_name
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                _check_constraints(member, value[name], f"{path}.{name}", errors)
        return
    if shape.type_name == "list" and isinstance(value, list):
        for i, item in enumerate(value):
            _check_constraints(shape.member, item, f"{path}[{i}]", errors)
    if shape.type_name == "map" and isinstance(value, dict):
        for k, v in value.items():
            _check_constraints(shape.key, k, f"{path} key", errors)
            _check_constraints(shape.value, v, f"{path}[{k}]", errors)
    if kind in ("integer", "long", "float", "double") and isinstance(value, bool):
        # botocore's validator lets JSON true through as the integer 1.
        errors.append(f"{path}: expected a number, not {str(value).lower()}")
        return
    minimum = shape.metadata.get("min")
    if kind == "blob" and minimum is not None and isinstance(value, (bytes, bytearray)) and len(value) < minimum:
        # botocore checks minimum lengths of strings and lists, not of blobs.
        errors.append(f"{path}: length {len(value)} is below the minimum {minimum}")
    maximum = shape.metadata.get("max")
    if maximum is not None:
        sized = kind in ("string", "list", "map", "blob")
        size = len(value) if sized else value
        if size > maximum:
            what = "length" if sized else "value"
            errors.append(f"{path}: {what} {size} exceeds the maximum {maximum}")
    if kind == "string" and isinstance(value, str):
        _check_string(shape, value, path, errors)


def _check_string(shape: Any, value: str, path: str, errors: list[str]) -> None:
    if shape.enum:
        if value not in shape.enum:
            errors.append(f"{path}: {value!r} is not one of {', '.join(shape.enum)}")
        return
    pattern = shape.metadata.get("pattern")
    if pattern is None:
        return
    validator, prefix = _pattern_validator(pattern)
    try:
        validator.validate_python(value)
    except ValidationError:
        errors.append(f"{path}: {value!r} does not match {pattern!r}")
    if prefix and value.startswith(prefix):
        errors.append(f"{path}: {value!r} must not start with {prefix!r}")


def _from_json(shape: Any, value: Any) -> Any:
    """JSON wire values to the Python values botocore's validator expects."""
    if shape.type_name == "structure" and isinstance(value, dict):
        members = shape.members
        return {k: _from_json(members[k], v) if k in members else v for k, v in value.items()}
    if shape.type_name == "list" and isinstance(value, list):
        return [_from_json(shape.member, v) for v in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: _from_json(shape.value, v) for k, v in value.items()}
    kind = shape.type_name
    if kind == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except ValueError:
            raise ValueError(f"{shape.name}: not valid base64") from None
    if kind == "timestamp" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, timezone.utc)
    return value


def _from_text(shape: Any, text: str) -> Any:
    """A URI, query-string or header value to its typed Python value."""
    kind = shape.type_name
    try:
        if kind == "boolean":
            if text not in ("true", "false"):
                raise ValueError(text)
            return text == "true"
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
        if kind == "timestamp":
            if re.fullmatch(r"-?\d+(\.\d+)?", text):
                return datetime.fromtimestamp(float(text), timezone.utc)
            return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{shape.name}: {text!r} is not a valid {kind}") from None
    return text


class WireModel:
    """One service's wire protocol, from its botocore model."""

    def __init__(self, model: Any, validation_error: str, not_found_code: str) -> None:
        self.model = model
        self.protocol = model.protocol
        self.validation_error = validation_error
        self.not_found_code = not_found_code
        self._validator = ParamValidator()
        self._routes: list[tuple[str, re.Pattern[str], Any]] = []
        for name in model.operation_names:
            op = model.operation_model(name)
            uri = op.http["requestUri"].split("?")[0]
            regex = "^" + re.sub(r"\\\{(\w+)(?:\\\+)?\\\}", r"(?P<\1>[^/]+)", re.escape(uri)) + "$"
            self._routes.append((op.http["method"], re.compile(regex), op))
        self._routes.sort(key=lambda r: -len(r[1].pattern))

    def error(self, message: str) -> ApiError:
        return ApiError(self.validation_error, 400, message)

    def decode(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes,
    ) -> Decoded:
        """Decode and validate one request.

        Raises:
            ApiError: The operation is unknown or the input breaks the model.
        """
        try:
            return self._decode(method, path, query, headers, body)
        except ValueError as exc:
            raise self.error(str(exc)) from None

    def _decode(
        self, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str], body: bytes
    ) -> Decoded:
        if self.protocol == "json":
            target = headers.get("X-Amz-Target", "")
            prefix = self.model.metadata["targetPrefix"] + "."
            name = target[len(prefix) :] if target.startswith(prefix) else ""
            if name not in self.model.operation_names:
                raise ApiError("UnknownOperationException", 400, f"unknown operation {target!r}")
            op = self.model.operation_model(name)
            raw = self._json_body(body)
            params = _from_json(op.input_shape, raw) if op.input_shape is not None else {}
        else:
            op, groups = self._route(method, path)
            params = self._rest_params(op, groups, query, headers, body)
        self._validate(op, params)
        return Decoded(op.name, params)

    def _json_body(self, body: bytes) -> dict[str, Any]:
        if not body:
            return {}
        try:
            raw = json.loads(body)
        except ValueError:
            raise self.error("the request body is not valid JSON") from None
        if not isinstance(raw, dict):
            raise self.error("the request body is not a JSON object")
        return raw

    def _route(self, method: str, path: str) -> tuple[Any, dict[str, str]]:
        for verb, regex, op in self._routes:
            match = regex.match(path)
            if match and verb == method:
                return op, {k: unquote(v) for k, v in match.groupdict().items()}
        raise ApiError(self.not_found_code, 404, f"no route for {method} {path}")

    def _rest_params(
        self,
        op: Any,
        groups: Mapping[str, str],
        query: Mapping[str, str],
        headers: Mapping[str, str],
        body: bytes,
    ) -> dict[str, Any]:
        shape = op.input_shape
        if shape is None:
            return {}
        params: dict[str, Any] = {}
        lower = {k.lower(): v for k, v in headers.items()}
        payload = shape.serialization.get("payload")
        for name, member in shape.members.items():
            loc = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            if loc == "uri" and wire in groups:
                params[name] = _from_text(member, groups[wire])
            elif loc == "querystring" and wire in query:
                params[name] = _from_text(member, query[wire])
            elif loc == "header" and wire.lower() in lower:
                params[name] = _from_text(member, lower[wire.lower()])
        if payload:
            params[payload] = body
        else:
            for name, value in self._json_body(body).items():
                member = shape.members.get(name)
                if member is not None and "location" in member.serialization:
                    raise self.error(f"{name} is not a body member")
                params[name] = _from_json(member, value) if member is not None else value
        return params

    def _validate(self, op: Any, params: dict[str, Any]) -> None:
        shape = op.input_shape
        if shape is None:
            return
        report = self._validator.validate(params, shape)
        if report.has_errors():
            raise self.error(report.generate_report().replace("\n", " ").strip())
        problems: list[str] = []
        _check_constraints(shape, params, shape.name, problems)
        if problems:
            raise self.error("; ".join(problems))


def encode_json(value: Any) -> bytes:
    """Python values to the JSON wire form: epoch-second timestamps, base64 blobs."""

    def default(obj: Any) -> Any:
        if isinstance(obj, datetime):
            ts = obj.timestamp()
            return int(ts) if math.isclose(ts, int(ts)) else round(ts, 3)
        if isinstance(obj, bytes):
            return base64.b64encode(obj).decode()
        raise TypeError(f"cannot encode {type(obj).__name__}")

    return json.dumps(value, default=default, separators=(",", ":")).encode()
