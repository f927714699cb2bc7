"""A client method's signature: its parameters, the arguments that build its request, their docs.

Shared by the operation methods (``emit_client``) and the waiter methods (``emit_waiters``).
"""

from __future__ import annotations

from collections.abc import Collection

from .docs import bytes_doc, entry, plain_text, sentences
from .emit_models import ModelWriter
from .emit_paginators import PAGE_SIZE_NOTE, page_size_member
from .service import Op, Service, const, field_name, is_encoded_blob


def image_limit(svc: Service, op_name: str) -> int:
    """The most raw image bytes ``op_name`` takes (the documented limit, from the config)."""
    cfg = svc.config
    limit = cfg.image_max_bytes_by_operation.get(op_name, cfg.image_max_bytes)
    if limit is None:
        raise SystemExit(f"{cfg.service_name}: checked_images needs image_max_bytes")
    return limit.max_bytes


def image_operations(svc: Service) -> set[str]:
    """The operations whose input has a member of a ``checked_images`` shape (read from the model)."""
    found: set[str] = set()
    for name, op in svc.operations.items():
        if "input" in op:
            members = svc.shapes[op["input"]["shape"]]["members"].values()
            if any(m["shape"] in svc.config.checked_images for m in members):
                found.add(name)
    return found


def check_image_config(svc: Service) -> None:
    """Fail on a config the checks cannot honour: a member other than ``Bytes``, a limit for no image operation."""
    cfg = svc.config
    for shape, member in cfg.checked_images.items():
        if member != "Bytes" or member not in svc.shapes[shape]["members"]:
            raise SystemExit(f"checked_images: _core.images.image_arg checks {shape}.Bytes, not {shape}.{member}")
    stray = set(cfg.image_max_bytes_by_operation) - image_operations(svc)
    if stray:
        raise SystemExit(f"image_max_bytes_by_operation: no image member in {sorted(stray)}")


def op_params(
    svc: Service, op: Op, writer: ModelWriter, *, skip: Collection[str] = ()
) -> tuple[list[str], list[str], list[str]]:
    """An operation's method parameters (required first), its call arguments, and their docs.

    ``skip`` names input members the method does not take (a waiter's paging members).
    """
    shape = svc.shapes[op.input]
    required = set(shape.get("required", []))
    params: list[str] = []
    call_args: list[str] = []
    arg_docs: list[str] = []
    for member, spec in shape["members"].items():
        if member in skip:
            continue
        fname = field_name(member)
        ptype = writer.plain_type(spec["shape"])
        raw_member = svc.config.raw_bytes_shapes.get(spec["shape"])
        checked = spec["shape"] in svc.config.checked_images
        limit = image_limit(svc, op.name) if checked else 0
        if raw_member is not None:
            ptype = f"{ptype} | bytes"
        if member in required:
            params.append(f"{fname}: {ptype}")
        else:
            params.append(f"{fname}: {ptype} | None = None")
        doc = sentences(plain_text(svc.member_doc(op.input, member)), 1)
        doc = bytes_doc(doc, sent=True, blob=is_encoded_blob(svc.shapes[spec["shape"]]))
        if checked:
            # image_arg also turns raw bytes into the structure (the Bytes member).
            call_args.append(f"{fname}=image_arg({fname}, {fname!r}, {limit}, {op.name!r})")
        elif raw_member is not None:
            call_args.append(f"{fname}=raw_bytes_as({fname}, {field_name(raw_member)!r})")
        else:
            call_args.append(f"{fname}={fname}")
        if raw_member is not None:
            shape_name, raw_field = spec["shape"], field_name(raw_member)
            doc = doc or f"The {fname.replace('_', ' ')}, as an ``{shape_name}``."
            doc += f" Raw ``bytes`` stand for ``{shape_name}({raw_field}=...)``."
        if checked:
            doc = (doc + " " if doc else "") + (
                f"Checked before anything is sent: a JPEG or PNG of at most {limit} bytes ({limit / 1048576:g} MB)."
            )
        if member == page_size_member(op):
            doc = (doc + " " if doc else "") + PAGE_SIZE_NOTE
        if member == op.token_member:
            doc = (doc + " " if doc else "") + "Generated once per call when not given, and reused on every retry."
        arg_docs.extend(entry(fname, doc or "See the API reference."))
    params.sort(key=lambda p: "=" in p)
    return params, call_args, arg_docs


def build_request(op: Op, call_args: list[str]) -> str:
    """The expression that validates the method's arguments into the request model."""
    # The operation's spec loads the request model on first use: the client imports no model.
    model = f"_ops.{const(op)}.request"
    return f"{model}.model_validate(drop_none({', '.join(call_args)}))" if call_args else f"{model}()"
