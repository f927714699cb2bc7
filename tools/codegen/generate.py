"""Generate the service packages from botocore's service models.

Run from the repository root::

    uv run python -m tools.codegen            # write src/aws_vision_async/<service>/
    uv run python -m tools.codegen --check    # exit 1 if the files on disk drifted

Each service package gets ``models.py`` (every model's public name, each
class created on first use), ``_models/`` (one pydantic model per structure
shape, in one private module per operation: the shapes it is the first, in
sorted order, to need; ``_enums.py``: one ``Literal`` alias per enum shape),
``errors.py`` (one exception per documented error), ``_operations.py`` (the
wiring the call pipeline reads, naming its models) and ``client.py`` (one
method per operation).
"""

from __future__ import annotations

import dataclasses
import html
import json
import keyword
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore
from botocore import xform_name
from botocore.exceptions import DataNotFoundError
from botocore.loaders import Loader
from pydantic import BaseModel

from aws_vision_async._core.patterns import translate_pattern

from .config import READ_ONLY_PREFIXES, RETRYABLE_CATEGORIES, SERVICES, WAITER_MAX_DELAY, ServiceConfig

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = ROOT / "src" / "aws_vision_async"
HERE = Path(__file__).resolve().parent

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


# -- documentation -------------------------------------------------------------------------


#: Tags that mark up words inside a sentence: dropped without a space, so that
#: ``<code>FaceIds</code>.`` reads "FaceIds." and not "FaceIds .".
_INLINE_TAGS = re.compile(r"</?(?:a|b|code|em|i|strong|u|sub|sup)(?:\s[^>]*)?>")
_LINK = re.compile(r'<a\s[^>]*href="([^"]+)"[^>]*>(.*?)</a>', re.S)


def _between_words(match: re.Match[str]) -> bool:
    text, start, end = match.string, match.start(), match.end()
    return start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()


def _text(doc: str | None, *, links: bool = False) -> str:
    """HTML documentation to one line of plain text; ``links`` keeps hrefs as Markdown links."""
    if not doc:
        return ""
    if links:
        doc = _LINK.sub(lambda m: f"[{m.group(2).strip()}]({m.group(1)})", doc)
    # Between two letters an inline tag stands for a space ("Each<code>PersonMatch</code>").
    doc = _INLINE_TAGS.sub(lambda m: " " if _between_words(m) else "", doc)
    doc = re.sub(r"<[^>]+>", " ", doc)
    doc = html.unescape(doc)
    doc = re.sub(r"\s\*\*(?=\s|$)", " ", doc)  # stray Markdown bold markers in some AWS docs
    return re.sub(r"\s+", " ", doc).strip()


#: A paragraph that is a notice about the operation rather than its description.
_NOTICE = re.compile(
    r"(?:This operation applies only to|Service availability notice|End of support notice|Note:|Important:)", re.I
)
_ADMONITION = re.compile(r"\s*<(note|important)>(.*?)</\1>", re.S)
_LEADING_PARAGRAPH = re.compile(r"\s*<p>(.*?)</p>", re.S)


@dataclass(frozen=True)
class Notice:
    """A notice an AWS doc opens with: its Google-style section title and its text."""

    title: str
    text: str


def _split_notices(doc: str | None) -> tuple[list[Notice], str]:
    """The notices a doc opens with (``<note>``, ``<important>``, "Service availability notice: ..."), and the rest.

    AWS puts them before the description, where they would become the summary line;
    the generated docstring keeps them as a later section instead.
    """
    rest = doc or ""
    notices: list[Notice] = []
    while True:
        block = _ADMONITION.match(rest)
        if block:
            title = "Important" if block.group(1) == "important" else "Note"
            notices.append(Notice(title, _text(block.group(2), links=True)))
            rest = rest[block.end() :]
            continue
        para = _LEADING_PARAGRAPH.match(rest)
        if para and _NOTICE.match(_text(para.group(1))):
            notices.append(Notice("Note", _text(para.group(1), links=True)))
            rest = rest[para.end() :]
            continue
        break
    if not re.search(r"\w", _text(rest)):
        return [], doc or ""  # nothing but notices: they are the description
    return notices, rest


def _first_paragraph(doc: str | None) -> str:
    """The first paragraph of a doc's description, past any leading notice."""
    if not doc:
        return ""
    _, doc = _split_notices(doc)
    match = re.search(r"<p>(.*?)</p>", doc, re.S)
    return _text(match.group(1) if match else doc)


def _split_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z(])", text) if s]


def _sentences(text: str, count: int) -> str:
    return " ".join(_split_sentences(text)[:count]).strip()


_BASE64_WORDS = re.compile(r"\b[Bb]ase ?64[- ]encoded\s+")
_BASE64 = re.compile(r"\bbase ?64\b", re.I)

#: What a caller does with a blob: the AWS docs describe the wire (base64 text),
#: but botocore encodes and decodes blobs, so Python code handles raw bytes.
SENT_BYTES = "Pass the raw bytes: the SDK base64-encodes them."
RECEIVED_BYTES = "Raw bytes: the SDK decodes them from base64."
SENT_IN_SHAPE = "Its bytes are given raw: the SDK base64-encodes them."


def bytes_doc(text: str, *, sent: bool, blob: bool = False) -> str:
    """Reword ``text`` for a Python caller where it speaks of base64.

    "The input image as base64-encoded bytes" becomes "The input image as bytes",
    and a note says that the SDK does the encoding: for every blob member, and for
    any other doc of a sent value that mentioned base64 (``Image`` parameters).
    """
    mentioned = bool(_BASE64.search(text))
    reworded = _BASE64_WORDS.sub("", text)
    if reworded[:1] != text[:1]:
        reworded = reworded[:1].upper() + reworded[1:]  # "Base64-encoded bytes of ..." -> "Bytes of ..."
    text = reworded
    if blob:
        note = SENT_BYTES if sent else RECEIVED_BYTES
    elif mentioned and sent:
        note = SENT_IN_SHAPE
    else:
        note = ""
    return f"{text} {note}".strip() if note else text


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def _wrap(text: str, indent: str, width: int = 100, *, whole_words: bool = False) -> list[str]:
    """Wrap ``text``; ``whole_words`` never splits a word or at a hyphen (URLs in links)."""
    wrapped = textwrap.wrap(
        _escape(text),
        width=width,
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=not whole_words,
        break_on_hyphens=not whole_words,
    )
    return wrapped or [indent]


def _summary(text: str, fallback: str) -> str:
    """A summary line: the first sentence, whole (it is all a hover or a reference table shows)."""
    first = (_split_sentences(text) or [fallback])[0]
    return first if re.search(r"[.!?]$", first) else first.rstrip(":;, ") + "."


def method_doc(doc: str | None, fallback: str, indent: str) -> list[str]:
    """The description part of an operation's docstring: summary line, one more sentence, notices.

    The first line is the first sentence of the description even when the service doc
    opens with a notice ("This operation applies only to ...", "Service availability
    notice: ..."); each such notice follows as a ``Note:`` or ``Important:`` section.
    """
    notices, rest = _split_notices(doc)
    paragraph = _first_paragraph(rest)
    summary = bytes_doc(_summary(paragraph, fallback), sent=True)
    lines = [indent + _escape(summary)]
    more = bytes_doc(" ".join(_split_sentences(paragraph)[1:2]), sent=True)
    if more:
        lines += ["", *_wrap(more, indent)]
    for notice in notices:
        lines += ["", f"{indent}{notice.title}:", *_wrap(notice.text, indent + "    ", whole_words=True)]
    return lines


# -- patterns --------------------------------------------------------------------------------


# -- the model --------------------------------------------------------------------------------


@dataclass
class Service:
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
    if config.data_path is not None:
        data = PACKAGE_DIR / config.package / config.data_path
        loader = Loader(extra_search_paths=[str(data)], include_default_search_paths=False)
        source = f"the model shipped in src/aws_vision_async/{config.package}/{config.data_path}"
    else:
        loader = Loader()
        source = f"botocore {botocore.__version__}"
    model = loader.load_service_model(config.service_name, "service-2")
    paginators = loader.load_service_model(config.service_name, "paginators-1")["pagination"]
    docs: dict[str, dict[str, str]] = {"operations": {}, "shapes": {}, "members": {}}
    if config.docs_file:
        docs = json.loads((HERE / config.docs_file).read_text())
    return Service(config, model, paginators, docs, source, load_waiters(loader, config))


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
    name = xform_name(member)
    if keyword.iskeyword(name) or hasattr(BaseModel, name):
        name += "_"
    return name


def directions(svc: Service) -> dict[str, set[str]]:
    """Which structure shapes are sent ("in") and which received ("out")."""
    seen: dict[str, set[str]] = {}

    def walk(name: str, way: str) -> None:
        shape = svc.shapes[name]
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
        for err in op.get("errors", []):
            walk(err["shape"], "out")
    return seen


def is_enum(shape: dict[str, Any]) -> bool:
    return shape["type"] == "string" and "enum" in shape


def is_encoded_blob(shape: dict[str, Any]) -> bool:
    """A blob that travels base64-encoded in JSON (a streaming blob is the raw HTTP body)."""
    return shape["type"] == "blob" and not shape.get("streaming")


# -- models.py ------------------------------------------------------------------------------


class ModelWriter:
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
            doc = _sentences(_text(self.svc.member_doc(name, member)), 1)
            doc = bytes_doc(doc, sent=side == "in", blob=is_encoded_blob(target))
            if doc:
                lines.append('    """' + _escape(doc) + '"""')
        if not lines:
            lines.append("    pass")
        return lines

    def class_doc(self, name: str) -> list[str]:
        doc = _sentences(_first_paragraph(self.svc.shape_doc(name)), 2)
        doc = bytes_doc(doc, sent=self.role(name) != "out")
        if not doc:
            doc = f"The ``{name}`` shape of the {self.svc.model['metadata']['serviceFullName']} API."
        wrapped = _wrap(doc, "    ", 96)
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
                doc = _sentences(_first_paragraph(svc.shape_doc(name)), 1)
                body.append('"""' + _escape(doc or f"The values of ``{name}``.") + '"""')
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
            for err in op.get("errors", []):
                walk(err["shape"], module)
            if op_name in item_models:
                owner[item_models[op_name][0]] = module
        for name in sorted(svc.shapes):
            if svc.shapes[name]["type"] == "structure":
                walk(name, "_unused")  # shapes no operation reaches (none today)
        return owner

    def class_lines(self, name: str) -> list[str]:
        """One structure's class, and its reply variant if the shape is both sent and received."""
        role = self.role(name)
        base = {"in": "InputShape", "out": "OutputShape", "shared": "InputShape"}[role]
        if role == "out" and name in self.outputs:
            base = "Response"  # an operation's reply: it also carries response_metadata
        side = "out" if role == "out" else "in"
        body = ["", f"class {name}({base}):", *self.class_doc(name), ""]
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
        """``models.py`` and the private ``_models`` package, by path relative to the service package."""
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
        files["_models/__init__.py"] = "\n".join(
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
        files["_models/_enums.py"] = (
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
                f"from ..._core.model import {', '.join(sorted(core, key=str.lower))}",
                *[f"from .{src} import {', '.join(sorted(names))}" for src, names in sorted(imports.items())],
                "",
                "__all__ = [",
                *[f"    {n!r}," for n in by_module[module]],
                "]",
                "",
            ]
            files[f"_models/{module}.py"] = "\n".join(head + body).rstrip() + "\n"
            for name in by_module[module]:
                location[name] = module
        public = sorted(location)
        table = ["_MODULES: Final[dict[str, str]] = {", *[f"    {n!r}: {location[n]!r}," for n in public], "}"]
        type_imports: list[str] = []
        for module in ["_enums", *modules]:
            names = [n for n in public if location[n] == module]
            type_imports.append(f"    from ._models.{module} import (")
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
                "(``._models``), one per operation, and this module imports the one a name needs.",
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
                '"""The private module (in ``._models``) of each public name."""',
                "",
                "",
                "def __getattr__(name: str) -> object:",
                "    module = _MODULES.get(name)",
                "    if module is None:",
                '        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")',
                '    value: object = getattr(import_module(f"{__package__}._models.{module}"), name)',
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


def header(svc: Service) -> str:
    return (
        f"# Generated by tools/codegen from {svc.source}. Do not edit by hand:\n"
        "# change the generator and run `uv run python -m tools.codegen`.\n"
        f"# botocore {botocore.__version__}"
    )


# -- errors.py ---------------------------------------------------------------------------------


#: The class of a 5xx reply without a documented code, in every service's errors module.
SERVER_ERROR = "HttpServerError"


def render_errors(svc: Service) -> str:
    cfg = svc.config
    codes = sorted(n for n, s in svc.shapes.items() if s.get("exception"))
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
        doc = _sentences(_first_paragraph(svc.shape_doc(code)), 2) or f"The service's ``{code}`` error."
        retry = " Retried when the operation documents it." if category in RETRYABLE_CATEGORIES else ""
        status = svc.shapes[code].get("error", {}).get("httpStatusCode")
        suffix = f" HTTP {status}." if status else ""
        lines.append("")
        lines.append(f"class {code}({cfg.base_error}, {category}):")
        wrapped = _wrap(doc + suffix + retry, "    ", 96)
        wrapped[0] = '    """' + wrapped[0].lstrip()
        wrapped[-1] += '"""'
        lines.extend(wrapped)
        lines.append("")
    lines.extend(_waiter_error_classes(svc))
    lines.append("")
    lines.append(f"ERRORS: Final[Mapping[str, type[{cfg.base_error}]]] = {{")
    lines.extend(f"    {code!r}: {code}," for code in codes)
    lines.append("}")
    lines.append('"""Every documented error code, mapped to its class."""')
    return "\n".join(lines) + "\n"


# -- _operations.py and client.py ------------------------------------------------------------------


@dataclass
class Op:
    name: str
    method: str
    input: str
    output: str
    errors: list[str]
    retryable: list[str]
    token_member: str | None
    safe: bool
    paginator: dict[str, Any] | None


def operations(svc: Service) -> list[Op]:
    cfg = svc.config
    out: list[Op] = []
    for name in sorted(svc.operations):
        spec = svc.operations[name]
        inp = spec["input"]["shape"]
        errors = sorted({e["shape"] for e in spec.get("errors", [])})
        retryable = [e for e in errors if cfg.error_categories[e] in RETRYABLE_CATEGORIES]
        token = next(
            (m for m, ms in svc.shapes[inp]["members"].items() if ms.get("idempotencyToken")),
            None,
        )
        safe = bool(token) or bool(spec.get("idempotent")) or name.startswith(READ_ONLY_PREFIXES)
        out.append(
            Op(
                name=name,
                method=xform_name(name),
                input=inp,
                output=spec["output"]["shape"],
                errors=errors,
                retryable=retryable,
                token_member=token,
                safe=safe,
                paginator=svc.paginators.get(name),
            )
        )
    return out


def _const(op: Op) -> str:
    return xform_name(op.name).upper()


def render_operations(svc: Service, ops: list[Op], owner: dict[str, str]) -> str:
    cfg = svc.config
    models = f"aws_vision_async.{cfg.package}._models"
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
        f"    operations=frozenset({_set(sorted(op.name for op in ops))}),",
    ]
    if cfg.data_path:
        lines.append(f"    data_path=str(Path(__file__).resolve().parent / {cfg.data_path!r}),")
    if cfg.deprecation:
        lines.append(f"    deprecation={cfg.deprecation!r},")
    lines += [")", ""]
    for op in ops:
        inp_members = svc.shapes[op.input]["members"]
        lines.append(f"{_const(op)}: OperationSpec[_m.{op.input}, _m.{op.output}] = OperationSpec(")
        lines.append(f"    name={op.name!r},")
        lines.append(f"    method={op.method!r},")
        # Named, not imported: the model modules load on the operation's first call.
        lines.append(f"    request_model={models + '.' + owner[op.input] + ':' + op.input!r},")
        lines.append(f"    response_model={models + '.' + owner[op.output] + ':' + op.output!r},")
        lines.append(f"    errors=frozenset({_set(op.errors)}),")
        lines.append(f"    retryable=frozenset({_set(op.retryable)}),")
        if op.token_member:
            lines.append(f"    token_field={field_name(op.token_member)!r},")
        lines.append(f"    safe_to_retry={op.safe!r},")
        if op.paginator:
            p = op.paginator
            assert p["input_token"] in inp_members
            limit = p.get("limit_key")
            lines.append("    paginator=PaginatorSpec(")
            lines.append(f"        input_token={field_name(p['input_token'])!r},")
            lines.append(f"        output_token={field_name(p['output_token'])!r},")
            lines.append(f"        limit_key={field_name(limit) if limit else None!r},")
            lines.append("    ),")
        lines.append(")")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _set(items: list[str]) -> str:
    if not items:
        return ""
    return "{" + ", ".join(repr(i) for i in items) + "}"


def _waiter_const(name: str) -> str:
    return xform_name(name).upper()


def waiter_defaults(waiter: dict[str, Any]) -> tuple[float, float, float]:
    """``(max_wait, min_delay, max_delay)``: botocore's delay times its attempts, and its delay as the shortest."""
    delay = float(waiter["delay"])
    return delay * waiter["maxAttempts"], delay, max(delay, float(WAITER_MAX_DELAY))


def waiter_error_names(name: str) -> tuple[str, str]:
    """The classes a waiter raises on a failure state and when ``max_wait`` passes."""
    return f"{name}FailedError", f"{name}TimeoutError"


def waiter_output(svc: Service, waiter: dict[str, Any]) -> str:
    """The response model a waiter polls."""
    output: str = svc.operations[waiter["operation"]]["output"]["shape"]
    return output


def _waiter_error_classes(svc: Service) -> list[str]:
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
            wrapped = _wrap(f"``{method}`` {what}; ``last_response`` is the last ``{output}`` polled.", "    ", 96)
            wrapped[0] = '    """' + wrapped[0].lstrip()
            wrapped[-1] += '"""'
            lines.extend(wrapped)
    if lines:
        lines.append("")
    return lines


def render_waiters(svc: Service) -> str:
    full = svc.model["metadata"]["serviceFullName"]
    lines = [
        header(svc),
        f'"""The waiters of {full}: botocore\'s, and those written in tools/codegen/waiters/."""',
        "",
        "from __future__ import annotations",
        "",
    ]
    if svc.waiters:
        names = sorted(n for name in svc.waiters for n in waiter_error_names(name))
        lines += [
            "from .._core.waiter import Acceptor, WaiterSpec",
            "from .errors import (",
            *[f"    {n}," for n in names],
            ")",
            "",
        ]
    for name, waiter in svc.waiters.items():
        max_wait, min_delay, max_delay = waiter_defaults(waiter)
        lines.append(f"{_waiter_const(name)} = WaiterSpec(")
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
        lines.append(f'"""{_escape(waiter.get("description", name))}"""')
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def op_params(svc: Service, op: Op, writer: ModelWriter) -> tuple[list[str], list[str], list[str]]:
    """An operation's method parameters (required first), its call arguments, and their docs."""
    shape = svc.shapes[op.input]
    required = set(shape.get("required", []))
    params: list[str] = []
    call_args: list[str] = []
    arg_docs: list[str] = []
    for member, spec in shape["members"].items():
        fname = field_name(member)
        ptype = writer.plain_type(spec["shape"])
        raw_member = svc.config.raw_bytes_shapes.get(spec["shape"])
        if raw_member is not None:
            ptype = f"{ptype} | bytes"
        if member in required:
            params.append(f"{fname}: {ptype}")
        else:
            params.append(f"{fname}: {ptype} | None = None")
        doc = _sentences(_text(svc.member_doc(op.input, member)), 1)
        doc = bytes_doc(doc, sent=True, blob=is_encoded_blob(svc.shapes[spec["shape"]]))
        if raw_member is not None:
            call_args.append(f"{fname}=raw_bytes_as({fname}, {field_name(raw_member)!r})")
            shape_name, raw_field = spec["shape"], field_name(raw_member)
            doc = doc or f"The {fname.replace('_', ' ')}, as an ``{shape_name}``."
            doc += f" Raw ``bytes`` stand for ``{shape_name}({raw_field}=...)``."
        else:
            call_args.append(f"{fname}={fname}")
        if member == op.token_member:
            doc = (doc + " " if doc else "") + "Generated once per call when not given, and reused on every retry."
        arg_docs.extend(_entry(fname, doc or "See the API reference."))
    params.sort(key=lambda p: "=" in p)
    return params, call_args, arg_docs


def _build(op: Op, call_args: list[str]) -> str:
    # The operation's spec loads the request model on first use: the client imports no model.
    model = f"_ops.{_const(op)}.request"
    return f"{model}.model_validate(drop_none({', '.join(call_args)}))" if call_args else f"{model}()"


def waiter_methods(svc: Service, ops: list[Op], writer: ModelWriter) -> list[str]:
    by_name = {op.name: op for op in ops}
    methods: list[str] = []
    for name, waiter in svc.waiters.items():
        op = by_name[waiter["operation"]]
        params, call_args, arg_docs = op_params(svc, op, writer)
        max_wait, min_delay, max_delay = waiter_defaults(waiter)
        params += ["max_wait: float | None = None", "min_delay: float | None = None", "max_delay: float | None = None"]
        success = [a for a in waiter["acceptors"] if a["state"] == "success"]
        failure = [a for a in waiter["acceptors"] if a["state"] == "failure"]
        summary = waiter.get("description", f"Wait until {name}.").rstrip(".")
        doc = [f'        """{_escape(summary)}: poll ``{op.name}`` until it says so, and return its response.', ""]
        doc += _wrap(
            f"Success: {_acceptor_text(success)}."
            + (f" Failure: {_acceptor_text(failure)}." if failure else "")
            + " The delay between polls grows exponentially, with jitter, from ``min_delay`` to ``max_delay``"
            " (the Smithy waiter rules), and never runs past ``max_wait``. Each poll is a normal call: retried"
            " and mapped to typed errors; an error the waiter does not expect is raised as it is.",
            "        ",
        )
        doc += ["", "        Args:", *arg_docs]
        doc += _entry("max_wait", f"Seconds to wait at the most; default {max_wait:g}.")
        doc += _entry("min_delay", f"Shortest delay between polls, in seconds; default {min_delay:g}.")
        doc += _entry("max_delay", f"Longest delay between polls, in seconds; default {max_delay:g}.")
        doc += ["", "        Returns:", f"            The ``{op.output}`` that reached the success state.", ""]
        doc += ["        Raises:"]
        doc += _entry("ValueError", "A parameter breaks the API's rules; nothing is sent.")
        failed, timeout = waiter_error_names(name)
        doc += _entry(
            failed,
            "A failure state was reached (a ``WaiterFailedError``); the service's status message is quoted,"
            f" and ``last_response`` is the last ``{op.output}``.",
        )
        doc += _entry(timeout, "``max_wait`` passed first (a ``WaiterTimeoutError``).")
        doc += _entry("TypeError", "``max_wait``, ``min_delay`` or ``max_delay`` is not a number; nothing is sent.")
        doc.append('        """')
        methods.append(
            f"    async def wait_until_{xform_name(name)}({', '.join(['self', '*', *params])}) -> {op.output}:"
        )
        methods.extend(doc)
        methods.append(f"        request = {_build(op, call_args)}")
        methods.append("        return await self._wait(")
        methods.append(f"            _waiters.{_waiter_const(name)},")
        methods.append(f"            _ops.{_const(op)},")
        methods.append("            request,")
        methods.append("            max_wait=max_wait,")
        methods.append("            min_delay=min_delay,")
        methods.append("            max_delay=max_delay,")
        methods.append("        )")
        methods.append("")
    return methods


def _acceptor_text(acceptors: list[dict[str, Any]]) -> str:
    words = {"pathAll": "every", "pathAny": "any", "path": "", "error": "error", "status": "HTTP status"}
    parts = []
    for a in acceptors:
        if a["matcher"] in ("error", "status"):
            parts.append(f"{words[a['matcher']]} ``{a['expected']}``")
        else:
            every = words[a["matcher"]]
            parts.append(f"{every + ' ' if every else ''}``{a['argument']}`` is ``{json.dumps(a['expected'])}``")
    return ", or ".join(parts)


def render_client(svc: Service, ops: list[Op], writer: ModelWriter) -> str:
    cfg = svc.config
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
        doc += ["", "        Raises:", *_entry("ValueError", "A parameter breaks the API's rules; nothing is sent.")]
        for err in op.errors:
            edoc = _sentences(_first_paragraph(svc.shape_doc(err)), 1) or "See the API reference."
            doc += _entry(err, edoc)
        doc.append('        """')
        sig = ", ".join(["self", "*", *params]) if params else "self"
        build = _build(op, call_args)
        if op.paginator:
            methods.append(f"    def {op.method}({sig}) -> {rtype}:")
            methods.extend(doc)
            methods.append(f"        request = {build}")
            methods.append(f"        return self._paginate(_ops.{_const(op)}, request, {item_fn})")
        else:
            methods.append(f"    async def {op.method}({sig}) -> {rtype}:")
            methods.extend(doc)
            methods.append(f"        request = {build}")
            methods.append(f"        return await self._call(_ops.{_const(op)}, request)")
        methods.append("")
    methods += waiter_methods(svc, ops, writer)
    abcs = [abc for abc in ("Mapping", "Sequence") if any(f"{abc}[" in line for line in methods)]
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
        f"from .._core.client import BaseClient, drop_none{', raw_bytes_as' if cfg.raw_bytes_shapes else ''}",
        *(["from .._core.model import paired"] if svc.config.item_models else []),
        "from .._core.operation import ServiceSpec",
        "from .._core.pagination import AsyncPaginator",
        "from . import _operations as _ops",
        *(["from . import _waiters"] if svc.waiters else []),
        *[f"from ..{module} import {cls}" for module, cls in cfg.client_bases],
        *(["from . import models as _models"] if svc.config.item_models else []),
        "",
        "if TYPE_CHECKING:",
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
        head += ["", *_wrap(f"Deprecated: {cfg.deprecation} Creating one emits a DeprecationWarning.", "    ", 96)]
    head += [
        '    """',
        "",
        "    _service: ClassVar[ServiceSpec] = _ops.SERVICE",
        "",
    ]
    return "\n".join(head + methods + helpers).rstrip() + "\n"


def _entry(name: str, text: str) -> list[str]:
    """One Google-style ``name: text`` entry, continuation lines indented once more."""
    return textwrap.wrap(
        _escape(f"{name}: {text}"),
        width=100,
        initial_indent=" " * 12,
        subsequent_indent=" " * 16,
    )


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


def render_init(svc: Service) -> str:
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


def render_service(config: ServiceConfig) -> dict[str, str]:
    """Every generated file of one service, by its path relative to the package dir."""
    svc = load_service(config)
    writer = ModelWriter(svc)
    models = writer.render()
    owner = writer.assign()
    ops = operations(svc)
    base = f"{config.package}/"
    return {
        base + "__init__.py": render_init(svc),
        **{base + rel: text for rel, text in models.items()},
        base + "errors.py": render_errors(svc),
        base + "_operations.py": render_operations(svc, ops, owner),
        base + "_waiters.py": render_waiters(svc),
        base + "client.py": render_client(svc, ops, writer),
    }


def render_all() -> dict[str, str]:
    files: dict[str, str] = {}
    for config in SERVICES:
        files.update(render_service(config))
    return {rel: polish(rel, text) for rel, text in files.items()}


def polish(rel: str, text: str) -> str:
    """Sort imports and format as the repository's ruff settings say, so output is lint-clean."""
    name = str(PACKAGE_DIR / rel)
    for args in (["check", "--select", "I", "--fix-only", "--exit-zero"], ["format"]):
        text = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "--quiet", "--stdin-filename", name, "-"],
            input=text,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
    return text


def write(target: Path) -> list[Path]:
    written: list[Path] = []
    for rel, text in render_all().items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written
