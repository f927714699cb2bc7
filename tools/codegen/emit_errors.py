"""``errors.py``: one exception class per documented error, and two per waiter.

Each error class derives from the service's base error and from a category base of
``aws_vision_async.errors``; the category says whether the error is retryable, and
nothing else does (see ``service.is_retryable``).
"""

from __future__ import annotations

from botocore import xform_name

from .docs import first_paragraph, sentences, wrap
from .emit_waiters import waiter_error_names, waiter_output
from .service import Service, header, is_error, is_retryable

#: The class of a 5xx reply without a documented code, in every service's errors module.
SERVER_ERROR = "HttpServerError"


def render_errors(svc: Service) -> str:
    """The service's ``errors.py``."""
    cfg = svc.config
    codes = sorted(n for n, s in svc.shapes.items() if is_error(s))
    missing = set(codes) - set(cfg.error_categories)
    if missing:
        raise SystemExit(f"{cfg.service_name}: classify these errors in tools/codegen/config.py: {sorted(missing)}")
    stale = set(cfg.error_categories) - set(codes)
    if stale:
        raise SystemExit(f"{cfg.service_name}: config.py classifies errors the model lacks: {sorted(stale)}")
    categories = sorted(set(cfg.error_categories.values()))
    waiter_errors = [n for name in svc.waiters for n in waiter_error_names(name)]
    clash = set(waiter_errors) & set(codes)
    if clash:
        raise SystemExit(f"{cfg.service_name}: waiter errors clash with error codes: {sorted(clash)}")
    waiter_bases = ["WaiterFailedError", "WaiterTimeoutError"] if waiter_errors else []
    waiter_outputs = {waiter_output(svc, w) for w in svc.waiters.values()}
    full = svc.model["metadata"]["serviceFullName"]
    lines = [
        header(svc),
        f'"""One exception class per documented error of {full}' + (", and per waiter." if waiter_errors else "."),
        "",
        "Each derives from ``" + cfg.base_error + "`` and from a category base of",
        "``aws_vision_async.errors``, so ``except ThrottlingError`` catches throttling",
        "from either service.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Mapping",
        f"from typing import {'TYPE_CHECKING, ' if waiter_errors else ''}Final",
        "",
        f"from ..errors import {', '.join(sorted({*categories, 'ServiceError', 'TransientError', *waiter_bases}))}",
        "",
        *(
            [
                "if TYPE_CHECKING:",
                "    # Named in the waiter errors' bases as strings: models load on first use.",
                f"    from .models import {', '.join(sorted(waiter_outputs))}  # noqa: F401",
                "",
            ]
            if waiter_errors
            else []
        ),
        "__all__ = [",
        *[f"    {n!r}," for n in sorted(["ERRORS", cfg.base_error, SERVER_ERROR, *codes, *waiter_errors])],
        "]",
        "",
        "",
        f"class {cfg.base_error}(ServiceError):",
        f'    """Base of every {full} error; raised as is for an error code the SDK does not know."""',
        "",
        "",
        f"class {SERVER_ERROR}({cfg.base_error}, TransientError):",
        '    """An HTTP 500, 502, 503 or 504 reply that carries no error code.',
        "",
        "    A proxy or load balancer in front of the service answers so (often with an HTML",
        '    page); ``code`` is then the status (``"502"``). Retried where a retry is safe:',
        "    reads, and writes that carry an idempotency token.",
        '    """',
        "",
    ]
    for code in codes:
        category = cfg.error_categories[code]
        doc = sentences(first_paragraph(svc.shape_doc(code)), 2) or f"The service's ``{code}`` error."
        retry = " Retried when the operation documents it." if is_retryable(category) else ""
        status = svc.shapes[code].get("error", {}).get("httpStatusCode")
        suffix = f" HTTP {status}." if status else ""
        lines.append("")
        lines.append(f"class {code}({cfg.base_error}, {category}):")
        wrapped = wrap(doc + suffix + retry, "    ", 96)
        wrapped[0] = '    """' + wrapped[0].lstrip()
        wrapped[-1] += '"""'
        lines.extend(wrapped)
        lines.append("")
    lines.extend(waiter_error_classes(svc))
    lines.append("")
    lines.append(f"ERRORS: Final[Mapping[str, type[{cfg.base_error}]]] = {{")
    lines.extend(f"    {code!r}: {code}," for code in codes)
    lines.append("}")
    lines.append('"""Every documented error code, mapped to its class."""')
    return "\n".join(lines) + "\n"


def waiter_error_classes(svc: Service) -> list[str]:
    """A ``FailedError`` and a ``TimeoutError`` class per waiter."""
    # One pair per waiter, generic in the response it polls, so that
    # `except <Waiter>FailedError as exc` types exc.last_response precisely.
    lines: list[str] = []
    for name, waiter in svc.waiters.items():
        failed, timeout = waiter_error_names(name)
        output = waiter_output(svc, waiter)
        method = f"wait_until_{xform_name(name)}"
        for cls, base, what in (
            (failed, "WaiterFailedError", "reached a failure state"),
            (timeout, "WaiterTimeoutError", "passed its ``max_wait``"),
        ):
            lines.append("")
            lines.append("")
            lines.append(f'class {cls}({base}["{output}"]):')
            wrapped = wrap(f"``{method}`` {what}; ``last_response`` is the last ``{output}`` polled.", "    ", 96)
            wrapped[0] = '    """' + wrapped[0].lstrip()
            wrapped[-1] += '"""'
            lines.extend(wrapped)
    if lines:
        lines.append("")
    return lines
