"""Pagination: each paginated operation's wiring, its item type, and its paging parameters.

botocore's ``paginators-1.json`` names, per operation, the request member that carries the
token (``input_token``), the reply member with the next one (``output_token``), the request
member that bounds a page (``limit_key``: the page size) and the reply members that list the
items (``result_key``). The first two become the ``PaginatorSpec`` the runtime follows; the
page size is the method's own parameter, documented as such; the items become a helper
that lists a page's items.
"""

from __future__ import annotations

from .emit_models import ModelWriter
from .service import Op, Service, field_name

#: Appended to the doc of a paginated method's page-size parameter.
PAGE_SIZE_NOTE = "The paginator's page size: sent with every page request."


def page_size_member(op: Op) -> str | None:
    """The request member that bounds a page of a paginated operation (botocore's ``limit_key``)."""
    if op.paginator is None:
        return None
    limit: str | None = op.paginator.get("limit_key")
    return limit


def paging_members(op: Op) -> frozenset[str]:
    """The request members that only page (the token and the page size): a waiter sets them, not its caller."""
    if op.paginator is None:
        return frozenset()
    return frozenset(m for m in (op.paginator["input_token"], page_size_member(op)) if m)


def paginator_spec_lines(svc: Service, op: Op) -> list[str]:
    """The ``paginator=PaginatorSpec(...)`` argument of a paginated operation's spec."""
    assert op.paginator is not None
    p = op.paginator
    assert p["input_token"] in svc.shapes[op.input]["members"]
    limit = page_size_member(op)
    assert limit is None or limit in svc.shapes[op.input]["members"], (op.name, limit)
    return [
        "    paginator=PaginatorSpec(",
        f"        input_token={field_name(p['input_token'])!r},",
        f"        output_token={field_name(p['output_token'])!r},",
        "    ),",
    ]


def paginator_items(svc: Service, op: Op, writer: ModelWriter, helpers: list[str]) -> tuple[str, str]:
    """The item type of a paginated operation, and the helper that lists a page's items."""
    assert op.paginator is not None
    keys = op.paginator["result_key"]
    out_members = svc.shapes[op.output]["members"]
    fn = f"_{op.method}_items"
    if isinstance(keys, str):
        key = keys
        elem = svc.shapes[out_members[key]["shape"]]["member"]["shape"]
        item_type = writer.plain_type(elem, sent=False)
        helpers += [
            "",
            f"def {fn}(page: {op.output}) -> Iterable[{item_type}]:",
            f"    return page.{field_name(key)} or ()",
        ]
        return item_type, fn
    model_name, fields = svc.config.item_models[op.name]
    helpers += [
        "",
        f"def {fn}(page: {op.output}) -> Iterable[{model_name}]:",
        f"    # {', '.join(keys)} are parallel arrays: item i of each belongs together.",
        "    return paired(",
        f"        _models.{model_name},",
        "        {",
        *[f'            "{fields[k]}": page.{field_name(k)} or [],' for k in keys],
        "        },",
        "    )",
    ]
    return model_name, fn
