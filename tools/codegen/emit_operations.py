"""``_operations.py``: the spec of the service and of each operation, which the call pipeline reads.

A spec names its request and response models (imported on first use) and says which
errors the operation documents, whether a retry is safe, where its idempotency token
and pagination tokens are. Which documented errors are retried is not written here:
the spec derives it from the error classes (``OperationSpec.retryable``).
"""

from __future__ import annotations

from .emit_errors import SERVER_ERROR
from .emit_paginators import paginator_spec_lines
from .service import SHAPES_PACKAGE, Op, Service, const, field_name, header


def render_operations(svc: Service, ops: list[Op], owner: dict[str, str]) -> str:
    """The service's ``_operations.py``; ``owner`` is the private module of each shape."""
    cfg = svc.config
    models = f"aws_vision_async.{cfg.package}.{SHAPES_PACKAGE}"
    lines = [
        header(svc),
        f'"""How the call pipeline treats each {svc.model["metadata"]["serviceFullName"]} operation."""',
        "",
        "from __future__ import annotations",
        "",
    ]
    if cfg.data_path:
        lines += ["from pathlib import Path", ""]
    lines += [
        "from typing import TYPE_CHECKING",
        "",
        "from .._core.operation import OperationSpec, PaginatorSpec, ServiceSpec",
        "from . import errors as _errors",
        "",
        "if TYPE_CHECKING:",
        "    from . import models as _m",
        "",
        "SERVICE = ServiceSpec(",
        f"    service_name={cfg.service_name!r},",
        f"    base_error=_errors.{cfg.base_error},",
        f"    server_error=_errors.{SERVER_ERROR},",
        "    errors=_errors.ERRORS,",
        f"    operations=frozenset({as_set(sorted(op.name for op in ops))}),",
    ]
    if cfg.data_path:
        lines.append(f"    data_path=str(Path(__file__).resolve().parent / {cfg.data_path!r}),")
    if cfg.deprecation:
        lines.append(f"    deprecation={cfg.deprecation!r},")
    lines += [")", ""]
    for op in ops:
        lines.append(f"{const(op)}: OperationSpec[_m.{op.input}, _m.{op.output}] = OperationSpec(")
        lines.append(f"    name={op.name!r},")
        lines.append(f"    method={op.method!r},")
        # Named, not imported: the model modules load on the operation's first call.
        lines.append(f"    request_model={models + '.' + owner[op.input] + ':' + op.input!r},")
        lines.append(f"    response_model={models + '.' + owner[op.output] + ':' + op.output!r},")
        lines.append(f"    errors=frozenset({as_set(op.errors)}),")
        lines.append("    error_classes=_errors.ERRORS,")
        if op.token_member:
            lines.append(f"    token_field={field_name(op.token_member)!r},")
        lines.append(f"    safe_to_retry={op.safe!r},")
        if op.paginator:
            lines.extend(paginator_spec_lines(svc, op))
        lines.append(")")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def as_set(items: list[str]) -> str:
    """A set literal of strings, empty for none (``frozenset()``)."""
    if not items:
        return ""
    return "{" + ", ".join(repr(i) for i in items) + "}"
