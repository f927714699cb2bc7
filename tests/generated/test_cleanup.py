"""What the generator no longer leaves behind, and what it states once.

No empty module, no stale module, no paging parameter on a waiter, a ``Raises:`` entry a
reader can import, and retryability read from one place (the error classes).
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import inspect
import re
from pathlib import Path
from typing import Any

import pytest
from botocore import xform_name
from tools.codegen import generate
from tools.codegen.config import REKOGNITION
from tools.codegen.emit_paginators import PAGE_SIZE_NOTE

from aws_vision_async import LookoutVisionClient, RekognitionClient
from aws_vision_async._core.operation import OperationSpec, PaginatorSpec
from aws_vision_async.errors import ThrottlingError
from aws_vision_async.lookoutvision import _operations as lfv_ops
from aws_vision_async.rekognition import _operations as rek_ops
from aws_vision_async.rekognition import _waiters
from aws_vision_async.rekognition import errors as rek_errors

CLIENTS: dict[str, tuple[type[Any], Any]] = {
    "rekognition": (RekognitionClient, rek_ops),
    "lookoutvision": (LookoutVisionClient, lfv_ops),
}


def _specs(module: Any) -> dict[str, OperationSpec[Any, Any]]:
    return {v.name: v for v in vars(module).values() if isinstance(v, OperationSpec)}


def test_no_waiters_module_without_waiters() -> None:
    assert importlib.util.find_spec("aws_vision_async.lookoutvision._waiters") is None
    assert not [name for name in vars(LookoutVisionClient) if name.startswith("wait_until_")]
    assert importlib.util.find_spec("aws_vision_async.rekognition._waiters") is not None


def test_the_models_package_is_named_for_its_shapes() -> None:
    for service in CLIENTS:
        assert importlib.util.find_spec(f"aws_vision_async.{service}._models") is None
        assert importlib.util.find_spec(f"aws_vision_async.{service}._shapes") is not None


def test_a_stale_generated_file_is_found_and_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "lookoutvision"
    (package / "_models").mkdir(parents=True)
    stale = package / "_models" / "_old.py"
    stale.write_text(generate.GENERATED_MARK + " from botocore\n")
    (package / "hand_written.py").write_text('"""Not generated: left alone."""\n')
    monkeypatch.setattr(generate, "PACKAGE_DIR", tmp_path)
    found = generate.stale_files({"lookoutvision/client.py": ""})
    assert found == ["lookoutvision/_models/_old.py"]
    generate.remove_stale(found)
    assert not (package / "_models").exists()
    assert (package / "hand_written.py").exists()


def _waiter_operations() -> list[tuple[str, OperationSpec[Any, Any]]]:
    specs = _specs(rek_ops)
    waiters = [spec for spec in vars(_waiters).values() if isinstance(spec, _waiters.WaiterSpec)]
    out = []
    for waiter in waiters:
        method = getattr(RekognitionClient, f"wait_until_{xform_name(waiter.name)}")
        source = inspect.getsource(method)
        op_name = re.search(r"_ops\.([A-Z_]+)\b", source)
        assert op_name is not None
        op = next(s for s in specs.values() if xform_name(s.name).upper() == op_name.group(1))
        out.append((waiter.name, op))
    return out


@pytest.mark.parametrize(("waiter", "op"), _waiter_operations(), ids=lambda v: getattr(v, "name", v))
def test_waiters_take_no_paging_parameters(waiter: str, op: OperationSpec[Any, Any]) -> None:
    params = set(inspect.signature(getattr(RekognitionClient, f"wait_until_{xform_name(waiter)}")).parameters)
    if op.paginator is not None:
        assert op.paginator.input_token not in params
        assert "max_results" not in params
    keep = REKOGNITION.waiter_parameters.get(op.name)
    if keep is not None:
        # The config names what selects the job: its sort order and page are not the caller's choice.
        assert {xform_name(m) for m in keep} == params - {"self", "max_wait", "min_delay", "max_delay"}
        return
    # Everything else of the request still selects what to wait on.
    request_fields = set(op.request.model_fields)
    paging = {op.paginator.input_token, "max_results"} if op.paginator else set()
    assert request_fields - paging <= params


def test_paginator_spec_holds_tokens_only() -> None:
    assert [f.name for f in dataclasses.fields(PaginatorSpec)] == ["input_token", "output_token"]


@pytest.mark.parametrize("service", CLIENTS)
def test_the_page_size_parameter_is_documented(service: str) -> None:
    client, ops = CLIENTS[service]
    documented = 0
    for spec in _specs(ops).values():
        if spec.paginator is None or "max_results" not in spec.request.model_fields:
            continue
        doc = re.sub(r"\s+", " ", inspect.getdoc(getattr(client, spec.method)) or "")
        assert PAGE_SIZE_NOTE in doc, spec.method
        documented += 1
    assert documented


@pytest.mark.parametrize("service", CLIENTS)
def test_raises_names_the_importable_class(service: str) -> None:
    client, ops = CLIENTS[service]
    errors = importlib.import_module(f"aws_vision_async.{service}.errors")
    for spec in _specs(ops).values():
        doc = inspect.getdoc(getattr(client, spec.method)) or ""
        raises = doc.split("Raises:", 1)[1]
        named = set(re.findall(r"^    (\S+):", raises, re.M)) - {"ValueError", "TypeError"}
        assert named == {f"aws_vision_async.{service}.errors.{code}" for code in spec.errors}, spec.method
        for path in named:
            assert getattr(errors, path.rsplit(".", 1)[1]).__module__ == errors.__name__


def test_retryable_is_derived_from_the_error_classes() -> None:
    spec: OperationSpec[Any, Any] = OperationSpec(
        name="Op",
        method="op",
        request_model="x:Y",
        response_model="x:Z",
        errors=frozenset({"ThrottlingException", "ResourceNotFoundException"}),
        error_classes=rek_errors.ERRORS,
    )
    assert spec.retryable == {"ThrottlingException"}
    assert issubclass(rek_errors.ThrottlingException, ThrottlingError)
    with pytest.raises(ValueError, match="NoSuchException"):
        OperationSpec(
            name="Op",
            method="op",
            request_model="x:Y",
            response_model="x:Z",
            errors=frozenset({"NoSuchException"}),
            error_classes=rek_errors.ERRORS,
        )
