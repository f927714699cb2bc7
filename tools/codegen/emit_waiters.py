"""Waiters: ``_waiters.py`` (one ``WaiterSpec`` per waiter) and the client's ``wait_until_...`` methods.

Waiters are botocore's (``waiters-2.json``) and ours, written in the same format in
``tools/codegen/waiters/``. A service without waiters gets no ``_waiters.py``.
A waiter method takes the parameters that select what to wait on; the paging members of
its operation are the waiter's own (it polls the first page).
"""

from __future__ import annotations

import json
from typing import Any

from botocore import xform_name

from .config import WAITER_MAX_DELAY
from .docs import entry, escape, wrap
from .emit_models import ModelWriter
from .emit_paginators import paging_members
from .service import Op, Service, const, error_path, header
from .signatures import build_request, op_params


def waiter_const(name: str) -> str:
    """The name of a waiter's spec in ``_waiters.py``."""
    return xform_name(name).upper()


def waiter_defaults(waiter: dict[str, Any]) -> tuple[float, float, float]:
    """``(max_wait, min_delay, max_delay)``: botocore's delay times its attempts, and its delay as the shortest.

    The longest delay is the Smithy default unless the waiter says ``maxDelay`` (ours may).
    """
    delay = float(waiter["delay"])
    return delay * waiter["maxAttempts"], delay, max(delay, float(waiter.get("maxDelay", WAITER_MAX_DELAY)))


def waiter_error_names(name: str) -> tuple[str, str]:
    """The classes a waiter raises on a failure state and when ``max_wait`` passes."""
    return f"{name}FailedError", f"{name}TimeoutError"


def waiter_output(svc: Service, waiter: dict[str, Any]) -> str:
    """The response model a waiter polls."""
    output: str = svc.operations[waiter["operation"]]["output"]["shape"]
    return output


def render_waiters(svc: Service) -> str:
    """The service's ``_waiters.py``; call it only for a service with waiters."""
    assert svc.waiters, "a service without waiters gets no _waiters.py"
    full = svc.model["metadata"]["serviceFullName"]
    lines = [
        header(svc),
        f'"""The waiters of {full}: botocore\'s, and those written in tools/codegen/waiters/."""',
        "",
        "from __future__ import annotations",
        "",
        "from .._core.waiter import Acceptor, WaiterSpec",
        "from .errors import (",
        *[f"    {n}," for n in sorted(n for name in svc.waiters for n in waiter_error_names(name))],
        ")",
        "",
    ]
    for name, waiter in svc.waiters.items():
        max_wait, min_delay, max_delay = waiter_defaults(waiter)
        lines.append(f"{waiter_const(name)} = WaiterSpec(")
        lines.append(f"    name={name!r},")
        lines.append("    acceptors=(")
        for acceptor in waiter["acceptors"]:
            args = [f"state={acceptor['state']!r}", f"matcher={acceptor['matcher']!r}"]
            args.append(f"expected={acceptor['expected']!r}")
            if "argument" in acceptor:
                args.append(f"argument={acceptor['argument']!r}")
            lines.append(f"        Acceptor({', '.join(args)}),")
        lines.append("    ),")
        lines.append(f"    max_wait={max_wait!r},")
        lines.append(f"    min_delay={min_delay!r},")
        lines.append(f"    max_delay={max_delay!r},")
        message = svc.config.waiter_status_messages.get(waiter["operation"])
        if message:
            lines.append(f"    status_message={message!r},")
        failed, timeout = waiter_error_names(name)
        lines.append(f"    failed_error={failed},")
        lines.append(f"    timeout_error={timeout},")
        lines.append(")")
        lines.append(f'"""{escape(waiter.get("description", name))}"""')
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def waiter_methods(svc: Service, ops: list[Op], writer: ModelWriter) -> list[str]:
    """The client's ``wait_until_...`` methods, one per waiter."""
    by_name = {op.name: op for op in ops}
    methods: list[str] = []
    for name, waiter in svc.waiters.items():
        op = by_name[waiter["operation"]]
        # Selecting parameters only: which page, and how big, is the waiter's business.
        params, call_args, arg_docs = op_params(svc, op, writer, skip=waiter_skips(svc, op))
        max_wait, min_delay, max_delay = waiter_defaults(waiter)
        params += ["max_wait: float | None = None", "min_delay: float | None = None", "max_delay: float | None = None"]
        success = [a for a in waiter["acceptors"] if a["state"] == "success"]
        failure = [a for a in waiter["acceptors"] if a["state"] == "failure"]
        summary = waiter.get("description", f"Wait until {name}.").rstrip(".")
        doc = [f'        """{escape(summary)}: poll ``{op.name}`` until it says so, and return its response.', ""]
        doc += wrap(
            f"Success: {acceptor_text(success)}."
            + (f" Failure: {acceptor_text(failure)}." if failure else "")
            + " The delay between polls grows exponentially, with jitter, from ``min_delay`` to ``max_delay``"
            " (the Smithy waiter rules), and never runs past ``max_wait``. Each poll is a normal call: retried"
            " and mapped to typed errors; an error the waiter does not expect is raised as it is."
            + (" Each poll reads the first page, at the service's default page size." if op.paginator else ""),
            "        ",
        )
        doc += ["", "        Args:", *arg_docs]
        doc += entry("max_wait", f"Seconds to wait at the most; default {max_wait:g}.")
        doc += entry("min_delay", f"Shortest delay between polls, in seconds; default {min_delay:g}.")
        doc += entry("max_delay", f"Longest delay between polls, in seconds; default {max_delay:g}.")
        doc += ["", "        Returns:", f"            The ``{op.output}`` that reached the success state.", ""]
        doc += ["        Raises:"]
        doc += entry("ValueError", "A parameter breaks the API's rules; nothing is sent.")
        failed, timeout = (error_path(svc, n) for n in waiter_error_names(name))
        doc += entry(
            failed,
            "A failure state was reached (a ``WaiterFailedError``); the service's status message is quoted,"
            f" and ``last_response`` is the last ``{op.output}``.",
        )
        doc += entry(timeout, "``max_wait`` passed first (a ``WaiterTimeoutError``).")
        doc += entry("TypeError", "``max_wait``, ``min_delay`` or ``max_delay`` is not a number; nothing is sent.")
        doc.append('        """')
        methods.append(
            f"    async def wait_until_{xform_name(name)}({', '.join(['self', '*', *params])}) -> {op.output}:"
        )
        methods.extend(doc)
        methods.append(f"        request = {build_request(op, call_args)}")
        methods.append("        return await self._wait(")
        methods.append(f"            _waiters.{waiter_const(name)},")
        methods.append(f"            _ops.{const(op)},")
        methods.append("            request,")
        methods.append("            max_wait=max_wait,")
        methods.append("            min_delay=min_delay,")
        methods.append("            max_delay=max_delay,")
        methods.append("        )")
        methods.append("")
    return methods


def waiter_skips(svc: Service, op: Op) -> frozenset[str]:
    """The request members a waiter method does not take: paging, and those ``waiter_parameters`` leaves out."""
    keep = svc.config.waiter_parameters.get(op.name)
    if keep is None:
        return paging_members(op)
    members = svc.shapes[op.input]["members"]
    missing = set(keep) - set(members)
    assert not missing, (op.name, missing)
    return frozenset(m for m in members if m not in keep)


def acceptor_text(acceptors: list[dict[str, Any]]) -> str:
    """Acceptors in words, for the waiter method's docstring."""
    words = {"pathAll": "every", "pathAny": "any", "path": "", "error": "error", "status": "HTTP status"}
    parts = []
    for a in acceptors:
        if a["matcher"] in ("error", "status"):
            parts.append(f"{words[a['matcher']]} ``{a['expected']}``")
        else:
            every = words[a["matcher"]]
            parts.append(f"{every + ' ' if every else ''}``{a['argument']}`` is ``{json.dumps(a['expected'])}``")
    return ", or ".join(parts)
