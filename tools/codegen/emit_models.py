"""``models.py`` and the private ``_shapes`` package: one pydantic model per structure shape.

Structures go in one private module per operation (the shapes it is the first, in sorted
order, to need), enums in ``_shapes/_enums.py`` as ``Literal`` aliases; ``models.py``
names them all and imports each module on first use of one of its names. Error shapes
get no model: their exception class (``errors.py``) is the only thing of that name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from botocore import xform_name

from aws_vision_async._core.patterns import translate_pattern

from .docs import bytes_doc, escape, first_paragraph, plain_text, sentences, wrap
from .service import SHAPES_PACKAGE, Service, directions, field_name, header, is_encoded_blob, is_enum, is_error

_SCALARS = {
    "string": "str",
    "boolean": "bool",
    "integer": "int",
    "long": "int",
    "float": "float",
    "double": "float",
    "timestamp": "datetime",
    "blob": "bytes",
}


class ModelWriter:
    """Writes the models of one service, and knows how each shape is annotated."""

    def __init__(self, svc: Service) -> None:
        self.svc = svc
        self.ways = directions(svc)
        #: The operations' reply shapes.
        self.outputs = {op["output"]["shape"] for op in svc.operations.values() if "output" in op}
        self.uses_aws_pattern = False
        self.uses_builtins = False
        #: The shapes (and ``datetime``) that the annotations written since the last reset refer to.
        self.refs: set[str] = set()

    def role(self, name: str) -> str:
        ways = self.ways.get(name, {"out"})
        if ways == {"in"}:
            return "in"
        if ways == {"out"}:
            return "out"
        return "shared"

    def constraints(self, shape: dict[str, Any]) -> list[str]:
        """The run-time metadata of a sent value: ``Field(...)`` bounds, the pattern marker."""
        kind = shape["type"]
        bounds: list[str] = []
        markers: list[str] = []
        if kind in ("string", "blob", "list", "map"):
            if "min" in shape and shape["min"] > 0:
                bounds.append(f"min_length={shape['min']}")
            if "max" in shape:
                bounds.append(f"max_length={shape['max']}")
        elif kind in ("integer", "long", "float", "double"):
            if "min" in shape:
                bounds.append(f"ge={shape['min']!r}")
            if "max" in shape:
                bounds.append(f"le={shape['max']!r}")
        if kind == "string" and "pattern" in shape and not is_enum(shape):
            # Matched as translated; reported as documented (see _core.model.aws_pattern).
            regex, prefix = translate_pattern(shape["pattern"])
            extra = f", forbid_prefix={prefix!r}" if prefix else ""
            markers.append(f"aws_pattern({regex!r}, {shape['pattern']!r}{extra})")
            self.uses_aws_pattern = True
        return ([f"Field({', '.join(bounds)})"] if bounds else []) + markers

    def type_expr(self, name: str, side: str) -> str:
        """The annotation of a value of shape ``name``.

        ``side`` is "in" (sent: constraints checked), "out" (received) or "reply" (the
        lenient reply variant of a shape that is also sent: received, but typed as its
        public class declares, ``Sequence`` and ``Mapping`` included).
        """
        shape = self.svc.shapes[name]
        kind = shape["type"]
        if kind == "structure" or is_enum(shape):
            self.refs.add(name)
        if kind == "structure":
            if side != "in" and self.role(name) == "shared":
                return f"Annotated[{name}, reply({'_' + name + 'Reply'!r})]"
            return name
        # Sent lists and maps take any Sequence (not str) and Mapping, kept as list and dict.
        abstract = side != "out"
        if kind == "list":
            item = self.type_expr(shape["member"]["shape"], side)
            inner = f"Sequence[{item}]" if abstract else f"list[{item}]"
        elif kind == "map":
            key = self.type_expr(shape["key"]["shape"], side)
            value = self.type_expr(shape["value"]["shape"], side)
            inner = f"Mapping[{key}, {value}]" if abstract else f"dict[{key}, {value}]"
        elif is_enum(shape):
            return name if side == "in" else f"Annotated[{name}, OPEN_ENUM]"
        else:
            inner = _SCALARS[kind]
            if inner == "datetime":
                self.refs.add("datetime")
        meta = self.constraints(shape) if side == "in" else []
        if abstract and kind in ("list", "map"):
            # Last: it validates list[X] / dict[K, V] with the bounds before it.
            meta.append("AS_LIST" if kind == "list" else "AS_DICT")
        return f"Annotated[{inner}, {', '.join(meta)}]" if meta else inner

    def plain_type(self, name: str, *, sent: bool = True) -> str:
        """The annotation without run-time metadata, for method signatures (``sent``: a parameter)."""
        shape = self.svc.shapes[name]
        kind = shape["type"]
        if kind == "structure" or is_enum(shape):
            return name
        if kind == "list":
            item = self.plain_type(shape["member"]["shape"], sent=sent)
            return f"Sequence[{item}]" if sent else f"list[{item}]"
        if kind == "map":
            key = self.plain_type(shape["key"]["shape"], sent=sent)
            value = self.plain_type(shape["value"]["shape"], sent=sent)
            return f"Mapping[{key}, {value}]" if sent else f"dict[{key}, {value}]"
        return _SCALARS[kind]

    def fields(self, name: str, side: str, all_optional: bool) -> list[str]:
        shape = self.svc.shapes[name]
        required = set(shape.get("required", []))
        names = {field_name(m) for m in shape["members"]}
        if "datetime" in names:
            raise SystemExit(f"{name}: a field named datetime would shadow the type")
        # A field named like a builtin type (Image.Bytes -> bytes) shadows it in
        # the class body, where pydantic evaluates annotations: qualify it.
        shadowed = names & {"str", "int", "float", "bool", "bytes", "list", "dict"}
        lines: list[str] = []
        for member, spec in shape["members"].items():
            target = self.svc.shapes[spec["shape"]]
            annotation = self.type_expr(spec["shape"], side)
            for builtin in shadowed:
                annotation = re.sub(rf"(?<![.\w]){builtin}\b", f"builtins.{builtin}", annotation)
                self.uses_builtins = True
            args = [f"validation_alias={member!r}", f"serialization_alias={member!r}"]
            if target.get("sensitive"):
                args.append("repr=False")
            if member in required and not all_optional:
                default = f"Field({', '.join(args)})"
            else:
                annotation = f"{annotation} | None"
                default = f"Field({', '.join(['default=None', *args])})"
            lines.append(f"    {field_name(member)}: {annotation} = {default}")
            doc = sentences(plain_text(self.svc.member_doc(name, member)), 1)
            doc = bytes_doc(doc, sent=side == "in", blob=is_encoded_blob(target))
            if doc:
                lines.append('    """' + escape(doc) + '"""')
        if not lines:
            lines.append("    pass")
        return lines

    def class_doc(self, name: str) -> list[str]:
        doc = sentences(first_paragraph(self.svc.shape_doc(name)), 2)
        doc = bytes_doc(doc, sent=self.role(name) != "out")
        if not doc:
            doc = f"The ``{name}`` shape of the {self.svc.model['metadata']['serviceFullName']} API."
        wrapped = wrap(doc, "    ", 96)
        wrapped[0] = '    """' + wrapped[0].lstrip()
        wrapped[-1] += '"""'
        return wrapped

    def enum_lines(self) -> list[str]:
        """Every enum shape as a ``Literal`` alias, with its docstring."""
        svc = self.svc
        body: list[str] = []
        for name in sorted(svc.shapes):
            shape = svc.shapes[name]
            if is_enum(shape):
                values = ", ".join(repr(v) for v in shape["enum"])
                body.append(f"{name}: TypeAlias = Literal[{values}]")
                doc = sentences(first_paragraph(svc.shape_doc(name)), 1)
                body.append('"""' + escape(doc or f"The values of ``{name}``.") + '"""')
                body.append("")
        return body

    def assign(self) -> dict[str, str]:
        """The private module of each structure shape and item model: that of the first operation needing it.

        Operations go in sorted order, and an operation's module holds the shapes it reaches
        that no earlier operation reaches: a module only imports earlier ones, never in a cycle.
        """
        svc = self.svc
        owner: dict[str, str] = {}
        item_models = dict(self.item_models())

        def walk(name: str, module: str) -> None:
            shape = svc.shapes[name]
            kind = shape["type"]
            if kind == "structure":
                if name in owner:
                    return
                owner[name] = module
                for m in shape["members"].values():
                    walk(m["shape"], module)
            elif kind == "list":
                walk(shape["member"]["shape"], module)
            elif kind == "map":
                walk(shape["key"]["shape"], module)
                walk(shape["value"]["shape"], module)

        for op_name in sorted(svc.operations):
            op = svc.operations[op_name]
            module = "_" + xform_name(op_name)
            for key in ("input", "output"):
                if key in op:
                    walk(op[key]["shape"], module)
            if op_name in item_models:
                owner[item_models[op_name][0]] = module
        for name in sorted(svc.shapes):
            if svc.shapes[name]["type"] == "structure" and not is_error(svc.shapes[name]):
                walk(name, "_unused")  # shapes no operation reaches (none today)
        return owner

    def class_lines(self, name: str) -> list[str]:
        """One structure's class, and its reply variant if the shape is both sent and received."""
        role = self.role(name)
        base = {"in": "InputShape", "out": "OutputShape", "shared": "InputShape"}[role]
        if role == "out" and name in self.outputs:
            base = "Response"  # an operation's reply: it also carries response_metadata
        side = "out" if role == "out" else "in"
        mixin = self.svc.config.model_bases.get(name)
        bases = f"{mixin[1]}, {base}" if mixin else base
        body = ["", f"class {name}({bases}):", *self.class_doc(name), ""]
        body.extend(self.fields(name, side, all_optional=(role == "out")))
        body.append("")
        if role == "shared":
            body.append("")
            body.append(f"class _{name}Reply({name}):")
            body.append(f'    """``{name}`` as a reply carries it: lenient, unknown fields kept."""')
            body.append("")
            body.append("    model_config = REPLY_CONFIG")
            body.append("")
            body.extend(self.fields(name, "reply", all_optional=False))
            body.append("")
        return body

    def item_model_lines(self, item_name: str, model_name: str, keys: dict[str, str]) -> list[str]:
        shapes = self.svc.shapes
        body = ["", f"class {model_name}(OutputShape):"]
        arrays = ", ".join(keys)
        body.append(f'    """One item of ``{item_name}``: its parallel arrays ({arrays}), paired by index."""')
        body.append("")
        for key, field in keys.items():
            list_shape = shapes[shapes[self.svc.operations[item_name]["output"]["shape"]]["members"][key]["shape"]]
            elem = self.type_expr(list_shape["member"]["shape"], "out")
            body.append(f"    {field}: {elem} | None = None")
            body.append(f'    """The item of ``{key}`` at this index."""')
        body.append("")
        return body

    def render(self) -> dict[str, str]:
        """``models.py`` and the private shapes package, by path relative to the service package."""
        svc = self.svc
        full = svc.model["metadata"]["serviceFullName"]
        owner = self.assign()
        enums = sorted(n for n, s in svc.shapes.items() if is_enum(s))
        items = {model: (op_name, keys) for op_name, (model, keys) in self.item_models()}
        by_module: dict[str, list[str]] = {}
        for name in sorted(owner):
            by_module.setdefault(owner[name], []).append(name)
        order = {"_" + xform_name(op): i for i, op in enumerate(sorted(svc.operations))}
        modules = sorted(by_module, key=lambda m: order.get(m, len(order)))
        files: dict[str, str] = {}
        files[f"{SHAPES_PACKAGE}/__init__.py"] = "\n".join(
            [
                header(svc),
                f'"""The {full} models, one private module per operation: import them from ``.models``.',
                "",
                "Each module holds the shapes its operation is the first (in sorted order) to need, and",
                "imports the earlier modules it refers to; ``models`` loads a module on first use of a name.",
                '"""',
                "",
            ]
        )
        enum_text = "\n".join(self.enum_lines())
        files[f"{SHAPES_PACKAGE}/_enums.py"] = (
            "\n".join(
                [
                    header(svc),
                    f'"""The enum shapes of the {full} API, as ``Literal`` aliases (import them from ``.models``)."""',
                    "",
                    "from __future__ import annotations",
                    "",
                    "from typing import Literal, TypeAlias",
                    "",
                    enum_text,
                ]
            ).rstrip()
            + "\n"
        )
        location = dict.fromkeys(enums, "_enums")
        for module in modules:
            self.refs = set()
            self.uses_aws_pattern = False
            self.uses_builtins = False
            body: list[str] = []
            for name in by_module[module]:
                if name in items:
                    body.extend(self.item_model_lines(items[name][0], name, items[name][1]))
                else:
                    body.extend(self.class_lines(name))
            text = "\n".join(body)
            defined = set(by_module[module])
            imports: dict[str, set[str]] = {}
            for ref in self.refs - defined:
                if ref == "datetime":
                    continue
                source = location[ref] if ref in location else owner[ref]
                assert source == "_enums" or order[source] < order.get(module, len(order)), (module, ref)
                imports.setdefault(source, set()).add(ref)
            core = [m for m in ("OPEN_ENUM", "REPLY_CONFIG", "InputShape", "OutputShape") if m in text]
            core += ["Response"] if "(Response):" in text else []
            core += ["publish"]
            core += [m for m in ("aws_pattern", "reply", "AS_DICT", "AS_LIST") if f"{m}(" in text or f", {m}]" in text]
            abcs = [abc for abc in ("Mapping", "Sequence") if f"{abc}[" in text]
            typing_names = [t for t in ("Annotated",) if f"{t}[" in text]
            op_name = next((op for op in svc.operations if "_" + xform_name(op) == module), None)
            what = f"first needed by ``{op_name}``" if op_name else "that no operation uses"
            head = [
                header(svc),
                *(
                    [
                        "# pyright: reportUnusedClass=false",
                        "# (each _XReply class is reached by name, through its reply('_XReply') marker)",
                    ]
                    if "Reply(" in text
                    else []
                ),
                f'"""The {full} models {what} (import them from ``.models``)."""',
                "",
                "from __future__ import annotations",
                "",
                *(["import builtins"] if self.uses_builtins else []),
                *([f"from collections.abc import {', '.join(abcs)}"] if abcs else []),
                *(["from datetime import datetime"] if "datetime" in self.refs else []),
                *([f"from typing import {', '.join(typing_names)}"] if typing_names else []),
                "",
                *(["from pydantic import Field"] if "Field(" in text else []),
                "",
                *[
                    f"from ...{mod} import {cls}"
                    for shape, (mod, cls) in sorted(svc.config.model_bases.items())
                    if shape in by_module[module]
                ],
                f"from ..._core.model import {', '.join(sorted(core, key=str.lower))}",
                *[f"from .{src} import {', '.join(sorted(names))}" for src, names in sorted(imports.items())],
                "",
                "__all__ = [",
                *[f"    {n!r}," for n in by_module[module]],
                "]",
                "",
            ]
            tail = [
                "",
                "",
                "# Reprs, tracebacks and pickles name the module users import these from.",
                f"publish(__name__, __all__, {f'aws_vision_async.{svc.config.package}.models'!r})",
            ]
            files[f"{SHAPES_PACKAGE}/{module}.py"] = "\n".join(head + body).rstrip() + "\n".join(tail) + "\n"
            for name in by_module[module]:
                location[name] = module
        public = sorted(location)
        table = ["_MODULES: Final[dict[str, str]] = {", *[f"    {n!r}: {location[n]!r}," for n in public], "}"]
        type_imports: list[str] = []
        for module in ["_enums", *modules]:
            names = [n for n in public if location[n] == module]
            type_imports.append(f"    from .{SHAPES_PACKAGE}.{module} import (")
            type_imports.extend(f"        {n}," for n in names)  # re-exported: listed in __all__
            type_imports.append("    )")
        files["models.py"] = "\n".join(
            [
                header(svc),
                f'"""Models of every shape of the {full} API.',
                "",
                "Enum shapes are ``Literal`` aliases. A value the service adds later still parses:",
                "it arrives as a plain ``str``. Structures sent to the service are strict; those",
                "received are lenient and keep unknown fields in ``model_extra``.",
                "",
                "Each class is created on first use of its name: the classes live in private modules",
                f"(``.{SHAPES_PACKAGE}``), one per operation, and this module imports the one a name needs.",
                '"""',
                "",
                "from __future__ import annotations",
                "",
                "from importlib import import_module",
                "from typing import TYPE_CHECKING, Final",
                "",
                "if TYPE_CHECKING:",
                *type_imports,
                "",
                "__all__ = [",
                *[f"    {n!r}," for n in public],
                "]",
                "",
                *table,
                f'"""The private module (in ``.{SHAPES_PACKAGE}``) of each public name."""',
                "",
                "",
                "def __getattr__(name: str) -> object:",
                "    module = _MODULES.get(name)",
                "    if module is None:",
                '        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")',
                f'    value: object = getattr(import_module(f"{{__package__}}.{SHAPES_PACKAGE}.{{module}}"), name)',
                "    globals()[name] = value",
                "    return value",
                "",
                "",
                "def __dir__() -> list[str]:",
                "    return sorted({*globals(), *__all__})",
                "",
            ]
        )
        return files

    def item_models(self) -> Iterable[tuple[str, tuple[str, dict[str, str]]]]:
        return sorted(self.svc.config.item_models.items())
