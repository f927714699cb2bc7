"""A client method's signature: its parameters, the arguments that build its request, their docs.

Shared by the operation methods (``emit_client``) and the waiter methods (``emit_waiters``).
"""

from __future__ import annotations

from collections.abc import Collection

from .docs import bytes_doc, entry, plain_text, sentences
from .emit_models import ModelWriter
from .emit_paginators import PAGE_SIZE_NOTE, page_size_member
from .service import Op, Service, const, field_name, is_encoded_blob


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
        if raw_member is not None:
            ptype = f"{ptype} | bytes"
        if member in required:
            params.append(f"{fname}: {ptype}")
        else:
            params.append(f"{fname}: {ptype} | None = None")
        doc = sentences(plain_text(svc.member_doc(op.input, member)), 1)
        doc = bytes_doc(doc, sent=True, blob=is_encoded_blob(svc.shapes[spec["shape"]]))
        if raw_member is not None:
            call_args.append(f"{fname}=raw_bytes_as({fname}, {field_name(raw_member)!r})")
            shape_name, raw_field = spec["shape"], field_name(raw_member)
            doc = doc or f"The {fname.replace('_', ' ')}, as an ``{shape_name}``."
            doc += f" Raw ``bytes`` stand for ``{shape_name}({raw_field}=...)``."
        else:
            call_args.append(f"{fname}={fname}")
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
