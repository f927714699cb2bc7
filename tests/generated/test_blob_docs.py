"""Blob docs say what a Python caller does: pass raw bytes, which the SDK base64-encodes.

The service documentation speaks of the wire ("A Base64-encoded binary data object");
in this SDK blob members are ``bytes`` and botocore does the encoding, so no
generated docstring may tell the caller to base64-encode without saying the SDK does.
"""

from __future__ import annotations

import ast
import re

import pytest
from botocore import xform_name

from .test_docstrings import CLIENTS, METHODS, PACKAGE_DIR, RAW, _docstring, _flat

_BASE64 = re.compile(r"base\s?-?64", re.I)


def _says_the_sdk_does_it(text: str) -> bool:
    return "SDK" in text


def _field_docs(service: str) -> list[tuple[str, str]]:
    """Every ``(Class.field, docstring)`` and ``(Class, docstring)`` of a service's generated models.

    The classes live in the private modules of ``<service>/_shapes/``, one per operation.
    """
    nodes = [
        node
        for path in sorted((PACKAGE_DIR / service / "_shapes").glob("*.py"))
        for node in ast.parse(path.read_text()).body
    ]
    docs: list[tuple[str, str]] = []
    for node in nodes:
        if not isinstance(node, ast.ClassDef):
            continue
        class_doc = ast.get_docstring(node)
        if class_doc:
            docs.append((node.name, class_doc))
        for stmt, after in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs.append((f"{node.name}.{stmt.target.id}", after.value.value))
    return docs


def _blob_members(service: str) -> list[tuple[str, str, bool]]:
    shapes = RAW[service]["shapes"]
    return [
        (shape_name, member, bool(shapes[spec["shape"]].get("streaming")))
        for shape_name, shape in shapes.items()
        if shape["type"] == "structure"
        for member, spec in shape["members"].items()
        if shapes[spec["shape"]]["type"] == "blob"
    ]


@pytest.mark.parametrize("service", list(CLIENTS))
def test_no_model_doc_asks_for_base64(service: str) -> None:
    docs = _field_docs(service)
    assert len(docs) > 100
    wrong = [(name, doc) for name, doc in docs if _BASE64.search(doc) and not _says_the_sdk_does_it(doc)]
    assert wrong == []


def _units(doc: str) -> list[str]:
    """A docstring's paragraphs and section entries (``name: text`` with its continuation lines)."""
    units: list[list[str]] = [[]]
    for line in doc.splitlines():
        if not line.strip() or re.match(r"^(\w+:$| {4}\w+: )", line):
            units.append([])
        units[-1].append(line)
    return [_flat(" ".join(unit)) for unit in units if "".join(unit).strip()]


@pytest.mark.parametrize(("service", "method"), METHODS, ids=[f"{s}.{m}" for s, m in METHODS])
def test_no_method_doc_asks_for_base64(service: str, method: str) -> None:
    units = _units(_docstring(service, method))
    assert any(unit.startswith("Returns:") for unit in units)
    # Each paragraph or Args entry that mentions base64 also says that the SDK does the encoding.
    for unit in units:
        if _BASE64.search(unit):
            assert _says_the_sdk_does_it(unit), unit


def test_blob_fields_say_the_caller_passes_raw_bytes() -> None:
    docs = {f"{service}:{name}": doc for service in CLIENTS for name, doc in _field_docs(service)}
    blobs = [(service, *blob) for service in CLIENTS for blob in _blob_members(service)]
    assert len(blobs) == 6
    for service, shape, member, streaming in blobs:
        doc = docs[f"{service}:{shape}.{xform_name(member)}"]
        if streaming:
            # A payload blob is the raw HTTP body: no base64 anywhere.
            assert not _BASE64.search(doc), doc
        else:
            assert "raw bytes" in doc.lower(), (shape, member, doc)
            assert _says_the_sdk_does_it(doc), (shape, member, doc)
    ground_truth = docs["rekognition:DatasetChanges.ground_truth"]
    assert not ground_truth.lower().startswith("a base64"), ground_truth
    assert "JSON lines" in ground_truth, ground_truth
    # What was right stays: the size limits of Image.Bytes.
    assert "up to 5 MBs" in docs["rekognition:Image.bytes"]


def test_image_parameter_says_the_sdk_encodes() -> None:
    (entry,) = [u for u in _units(_docstring("rekognition", "detect_labels")) if u.startswith("image: ")]
    assert "base64-encoded bytes or" not in entry
    assert _says_the_sdk_does_it(entry), entry
