"""The service as the generator reads it: botocore's models, our supplements, and the facts derived from them.

Every emitter starts from a :class:`Service` (the raw service model, its paginators and
waiters, its docs) and the :class:`Op` list of its operations.
"""

from __future__ import annotations

import dataclasses
import json
import keyword
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore
from botocore import xform_name
from botocore.exceptions import DataNotFoundError
from botocore.loaders import Loader
from pydantic import BaseModel

from aws_vision_async import errors as _categories

from .config import READ_ONLY_PREFIXES, ServiceConfig

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = ROOT / "src" / "aws_vision_async"
HERE = Path(__file__).resolve().parent

#: The private package of each service that holds its structure shapes as pydantic
#: models, one module per operation (the public names are in ``models.py``).
SHAPES_PACKAGE = "_shapes"


@dataclass
class Service:
    """One service's models, as botocore's loader (and our supplements) give them."""

    config: ServiceConfig
    model: dict[str, Any]
    paginators: dict[str, Any]
    docs: dict[str, dict[str, str]]
    source: str
    waiters: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def shapes(self) -> dict[str, Any]:
        return self.model["shapes"]  # type: ignore[no-any-return]

    @property
    def operations(self) -> dict[str, Any]:
        return self.model["operations"]  # type: ignore[no-any-return]

    def op_doc(self, name: str) -> str:
        return self.docs["operations"].get(name) or self.operations[name].get("documentation", "")

    def shape_doc(self, name: str) -> str:
        return self.docs["shapes"].get(name) or self.shapes[name].get("documentation", "")

    def member_doc(self, shape: str, member: str) -> str:
        return self.docs["members"].get(f"{shape}.{member}") or self.shapes[shape]["members"][member].get(
            "documentation", ""
        )


def load_service(config: ServiceConfig) -> Service:
    """Read the service's models: botocore's, or the copy the package ships."""
    if config.data_path is not None:
        data = PACKAGE_DIR / config.package / config.data_path
        loader = Loader(extra_search_paths=[str(data)], include_default_search_paths=False)
        source = f"the model shipped in src/aws_vision_async/{config.package}/{config.data_path}"
    else:
        loader = Loader()
        source = f"botocore {botocore.__version__}"
    model = loader.load_service_model(config.service_name, "service-2")
    paginators = load_paginators(loader, config)
    docs: dict[str, dict[str, str]] = {"operations": {}, "shapes": {}, "members": {}}
    if config.docs_file:
        docs = json.loads((HERE / config.docs_file).read_text())
    return Service(config, model, paginators, docs, source, load_waiters(loader, config))


def extra_paginators(config: ServiceConfig) -> dict[str, Any]:
    """The paginators written here (``config.extra_paginators``), in botocore's format."""
    if not config.extra_paginators:
        return {}
    extra: dict[str, Any] = json.loads((HERE / config.extra_paginators).read_text())["pagination"]
    return extra


def load_paginators(loader: Loader, config: ServiceConfig) -> dict[str, Any]:
    """botocore's paginators of the service, and ours for the operations botocore lacks one for.

    Where botocore ships a paginator for an operation of ours, botocore's wins; the
    supplement test (``tests/generated/test_supplements.py``) then fails, so that ours is removed.
    """
    botocore_own: dict[str, Any] = loader.load_service_model(config.service_name, "paginators-1")["pagination"]
    return {**extra_paginators(config), **botocore_own}


def load_waiters(loader: Loader, config: ServiceConfig) -> dict[str, Any]:
    """botocore's waiters of the service, and the ones written here in the same format."""
    try:
        waiters: dict[str, Any] = dict(loader.load_service_model(config.service_name, "waiters-2")["waiters"])
    except DataNotFoundError:
        waiters = {}
    if config.extra_waiters:
        extra: dict[str, Any] = json.loads((HERE / config.extra_waiters).read_text())["waiters"]
        clash = set(extra) & set(waiters)
        if clash:
            raise SystemExit(f"{config.service_name}: botocore defines these waiters now: {sorted(clash)}")
        waiters.update(extra)
    for name, waiter in waiters.items():
        for acceptor in waiter["acceptors"]:
            if acceptor["state"] == "success" and acceptor["matcher"] in ("error", "status"):
                # The waiter methods return the final response; an error has none.
                raise SystemExit(f"{name}: a success acceptor must match a response, not an error")
    return dict(sorted(waiters.items()))


def field_name(member: str) -> str:
    """The Python name of a member (a model field, a method parameter)."""
    name = xform_name(member)
    if keyword.iskeyword(name) or hasattr(BaseModel, name):
        name += "_"
    return name


def directions(svc: Service) -> dict[str, set[str]]:
    """Which shapes are sent ("in") and which received ("out").

    Error shapes are neither: an error is raised as its exception class (in ``errors.py``),
    never parsed into a model, so no model is generated for it.
    """
    seen: dict[str, set[str]] = {}

    def walk(name: str, way: str) -> None:
        shape = svc.shapes[name]
        if is_error(shape):
            raise SystemExit(f"{name}: an error shape is used as a value; generate a model for it first")
        ways = seen.setdefault(name, set())
        if way in ways:
            return
        ways.add(way)
        kind = shape["type"]
        if kind == "structure":
            for m in shape["members"].values():
                walk(m["shape"], way)
        elif kind == "list":
            walk(shape["member"]["shape"], way)
        elif kind == "map":
            walk(shape["key"]["shape"], way)
            walk(shape["value"]["shape"], way)

    for op in svc.operations.values():
        if "input" in op:
            walk(op["input"]["shape"], "in")
        if "output" in op:
            walk(op["output"]["shape"], "out")
    return seen


def is_error(shape: dict[str, Any]) -> bool:
    """An error shape: its exception class in ``errors.py`` is the only thing generated for it."""
    return bool(shape.get("exception"))


def is_enum(shape: dict[str, Any]) -> bool:
    return shape["type"] == "string" and "enum" in shape


def is_encoded_blob(shape: dict[str, Any]) -> bool:
    """A blob that travels base64-encoded in JSON (a streaming blob is the raw HTTP body)."""
    return shape["type"] == "blob" and not shape.get("streaming")


@dataclass
class Op:
    """The facts of one operation that the emitters need."""

    name: str
    method: str
    input: str
    output: str
    errors: list[str]
    token_member: str | None
    safe: bool
    paginator: dict[str, Any] | None


def operations(svc: Service) -> list[Op]:
    """Every operation of the service, in sorted order."""
    out: list[Op] = []
    for name in sorted(svc.operations):
        spec = svc.operations[name]
        inp = spec["input"]["shape"]
        errors = sorted({e["shape"] for e in spec.get("errors", [])})
        token = next(
            (m for m, ms in svc.shapes[inp]["members"].items() if ms.get("idempotencyToken")),
            None,
        )
        if name in svc.config.idempotency_tokens:
            token = documented_token(svc, name, inp)
        safe = bool(token) or bool(spec.get("idempotent")) or name.startswith(READ_ONLY_PREFIXES)
        out.append(
            Op(
                name=name,
                method=xform_name(name),
                input=inp,
                output=spec["output"]["shape"],
                errors=errors,
                token_member=token,
                safe=safe,
                paginator=svc.paginators.get(name),
            )
        )
    return out


def documented_token(svc: Service, op_name: str, inp: str) -> str:
    """The token member the documentation says makes ``op_name`` idempotent, its quote checked."""
    member, quote = svc.config.idempotency_tokens[op_name]
    if member not in svc.shapes[inp]["members"]:
        raise SystemExit(f"{op_name}: no member {member} for its idempotency token")
    if quote not in svc.member_doc(inp, member):
        raise SystemExit(f"{op_name}.{member}: the documentation no longer says {quote!r}")
    return member


def const(op: Op) -> str:
    """The name of the operation's spec in ``_operations.py``."""
    return xform_name(op.name).upper()


def is_retryable(category: str) -> bool:
    """Whether errors of a category base (``"ThrottlingError"``) are retried.

    Read from the class in ``aws_vision_async.errors`` (its ``retryable``): the one
    source of truth, which the operation specs also derive from at run time.
    """
    cls = getattr(_categories, category, None)
    if not (isinstance(cls, type) and issubclass(cls, _categories.ServiceError)):
        raise SystemExit(f"{category}: not an error category of aws_vision_async.errors")
    return cls.retryable


def error_path(svc: Service, name: str) -> str:
    """The full import path of one of the service's error classes, as ``Raises:`` names it.

    Qualified, so that mkdocs and IDEs resolve it whatever the reader imported.
    """
    return f"aws_vision_async.{svc.config.package}.errors.{name}"


def header(svc: Service) -> str:
    """The comment every generated file opens with."""
    return (
        f"# Generated by tools/codegen from {svc.source}. Do not edit by hand:\n"
        "# change the generator and run `uv run python -m tools.codegen`.\n"
        f"# botocore {botocore.__version__}"
    )
