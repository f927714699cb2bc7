"""``client.py`` (one method per operation, and the waiters') and the package's ``__init__.py``."""

from __future__ import annotations

import re

from .docs import entry, first_paragraph, method_doc, sentences, wrap
from .emit_models import ModelWriter
from .emit_paginators import paginator_items
from .emit_waiters import waiter_methods
from .service import Op, Service, const, error_path, header
from .signatures import build_request, check_image_config, op_params


def render_client(svc: Service, ops: list[Op], writer: ModelWriter) -> str:
    """The service's ``client.py``."""
    cfg = svc.config
    check_image_config(svc)
    full = svc.model["metadata"]["serviceFullName"]
    methods: list[str] = []
    helpers: list[str] = []
    used_models: set[str] = set()
    needs_datetime = False
    for op in ops:
        params, call_args, arg_docs = op_params(svc, op, writer)
        for param in params:
            needs_datetime |= "datetime" in param
            used_models.update(re.findall(r"[A-Z][A-Za-z0-9]+", param.split(":", 1)[1]))
        used_models.add(op.output)  # requests are built through the spec: _ops.X.request
        doc = method_doc(svc.op_doc(op.name), f"Call ``{op.name}``.", "        ")
        doc[0] = '        """' + doc[0].lstrip()
        if arg_docs:
            doc += ["", "        Args:", *arg_docs]
        doc.append("")
        if op.paginator:
            item_type, item_fn = paginator_items(svc, op, writer, helpers)
            used_models.update(re.findall(r"[A-Z][A-Za-z0-9]+", item_type))
            rtype = f"AsyncPaginator[{item_type}, {op.output}]"
            doc += [
                "        Returns:",
                f"            A paginator: ``await`` it for one ``{op.output}``, or ``async for`` over",
                f"            every ``{item_type}`` of every page.",
            ]
        else:
            rtype = op.output
            doc += ["        Returns:", f"            The ``{op.output}``."]
        doc += ["", "        Raises:", *entry("ValueError", "A parameter breaks the API's rules; nothing is sent.")]
        for err in op.errors:
            edoc = sentences(first_paragraph(svc.shape_doc(err)), 1) or "See the API reference."
            doc += entry(error_path(svc, err), edoc)
        doc.append('        """')
        sig = ", ".join(["self", "*", *params]) if params else "self"
        build = build_request(op, call_args)
        if op.paginator:
            methods.append(f"    def {op.method}({sig}) -> {rtype}:")
            methods.extend(doc)
            methods.append(f"        request = {build}")
            methods.append(f"        return self._paginate(_ops.{const(op)}, request, {item_fn})")
        else:
            methods.append(f"    async def {op.method}({sig}) -> {rtype}:")
            methods.extend(doc)
            methods.append(f"        request = {build}")
            methods.append(f"        return await self._call(_ops.{const(op)}, request)")
        methods.append("")
    methods += waiter_methods(svc, ops, writer)
    abcs = [abc for abc in ("Mapping", "Sequence") if any(f"{abc}[" in line for line in methods)]

    def uses(helper: str) -> bool:
        return any(f"{helper}(" in line for line in methods)

    known = set(svc.shapes) | {m for m, _ in svc.config.item_models.values()}
    models = sorted(m for m in used_models if m in known)
    head = [
        header(svc),
        f'"""The {full} client."""',
        "",
        "from __future__ import annotations",
        "",
        f"from collections.abc import {', '.join(['Iterable', *abcs])}",
    ]
    if needs_datetime:
        head.append("from datetime import datetime")
    head += [
        "from typing import TYPE_CHECKING, ClassVar",
        "",
        f"from .._core.client import BaseClient, drop_none{', raw_bytes_as' if uses('raw_bytes_as') else ''}",
        *(["from .._core.images import image_arg"] if uses("image_arg") else []),
        *(["from .._core.model import paired"] if svc.config.item_models else []),
        "from .._core.operation import ServiceSpec",
        "from .._core.pagination import AsyncPaginator",
        "from . import _operations as _ops",
        *(["from . import _waiters"] if svc.waiters else []),
        *[f"from ..{module} import {cls}" for module, cls in cfg.client_bases],
        *(["from . import models as _models"] if svc.config.item_models else []),
        "",
        "if TYPE_CHECKING:",
        # mkdocstrings resolves a dotted path only from a name the module binds.
        "    # The Raises: sections name errors by their full path: bound here for docs tools.",
        f"    import aws_vision_async.{cfg.package}.errors  # pyright: ignore[reportUnusedImport]  # noqa: F401",
        "",
        "    # Annotations only: each model loads when its operation is first called.",
        "    from .models import (",
        *[f"        {m}," for m in models],
        "    )",
        "",
        f'__all__ = ["{cfg.client_class}"]',
        "",
        "",
        f"class {cfg.client_class}({', '.join([*(cls for _, cls in cfg.client_bases), 'BaseClient'])}):",
        f'    """An async client for {full}: one method per API operation.',
        "",
        "    Use it as an async context manager::",
        "",
        f'        async with {cfg.client_class}(region_name="us-east-1") as client:',
        "            ...",
        "",
        "    Requests are validated before anything is sent; replies come back as models.",
        "    Paginated operations return an ``aws_vision_async.AsyncPaginator``.",
        *(["    Waiters (``wait_until_...``) poll until a resource reaches a state."] if svc.waiters else []),
    ]
    if cfg.deprecation:
        head += ["", *wrap(f"Deprecated: {cfg.deprecation} Creating one emits a DeprecationWarning.", "    ", 96)]
    head += [
        '    """',
        "",
        "    _service: ClassVar[ServiceSpec] = _ops.SERVICE",
        "",
    ]
    return "\n".join(head + methods + helpers).rstrip() + "\n"


def render_init(svc: Service) -> str:
    """The service package's ``__init__.py``."""
    cfg = svc.config
    full = svc.model["metadata"]["serviceFullName"]
    return "\n".join(
        [
            header(svc),
            f'"""{full}: the client, its models (``.models``) and its errors (``.errors``)."""',
            "",
            "from __future__ import annotations",
            "",
            "from . import errors, models",
            f"from .client import {cfg.client_class}",
            "",
            f'__all__ = ["{cfg.client_class}", "errors", "models"]',
            "",
        ]
    )
