"""The generator's supplements (paginators, waiters, idempotency tokens botocore lacks) against botocore.

These fail when botocore starts shipping what a supplement adds: then botocore's wins
(its paginator replaces ours in the generated code; a waiter of the same name stops the
generator), and the supplement entry is to be removed.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.loaders
import pytest
from tools.codegen.config import REKOGNITION
from tools.codegen.service import HERE, extra_paginators, load_paginators, load_service, operations

from aws_vision_async.rekognition import _operations as rek_ops

LOADER = botocore.loaders.Loader()
MODEL: dict[str, Any] = LOADER.load_service_model("rekognition", "service-2")
BOTOCORE_PAGINATORS: dict[str, Any] = LOADER.load_service_model("rekognition", "paginators-1")["pagination"]
OURS = extra_paginators(REKOGNITION)


def members(op: str, way: str) -> dict[str, Any]:
    shape: dict[str, Any] = MODEL["shapes"][MODEL["operations"][op][way]["shape"]]["members"]
    return shape


def test_botocore_ships_none_of_our_paginators() -> None:
    shipped = sorted(set(OURS) & set(BOTOCORE_PAGINATORS))
    assert not shipped, f"botocore now has paginators for {shipped}: remove them from tools/codegen/paginators/"


def test_botocore_ships_none_of_our_waiters() -> None:
    ours = json.loads((HERE / str(REKOGNITION.extra_waiters)).read_text())["waiters"]
    theirs = LOADER.load_service_model("rekognition", "waiters-2")["waiters"]
    assert not set(ours) & set(theirs)


@pytest.mark.parametrize("op", sorted(OURS))
def test_each_paginator_fact_holds_in_the_service_model(op: str) -> None:
    entry = OURS[op]
    assert entry["_source"]
    assert {entry["input_token"], entry["limit_key"]} <= set(members(op, "input"))
    assert {entry["output_token"], entry["result_key"]} <= set(members(op, "output"))
    out = MODEL["shapes"][members(op, "output")[entry["result_key"]]["shape"]]
    assert out["type"] == "list"


def test_every_operation_that_takes_a_next_token_paginates() -> None:
    paged = {op for op in MODEL["operations"] if "NextToken" in members(op, "input")}
    assert len(paged) == 18
    assert paged == set(OURS) | (paged & set(BOTOCORE_PAGINATORS))
    assert all(getattr(rek_ops, name).paginator is not None for name in map(_const, paged))


def test_botocore_wins_over_ours() -> None:
    class Loader:
        def load_service_model(self, service: str, kind: str) -> dict[str, Any]:
            return {"pagination": {"GetLabelDetection": {"input_token": "Theirs"}}}

    merged = load_paginators(Loader(), REKOGNITION)  # type: ignore[arg-type]
    assert merged["GetLabelDetection"] == {"input_token": "Theirs"}
    assert merged["GetFaceDetection"] == OURS["GetFaceDetection"]


@pytest.mark.parametrize("op", sorted(REKOGNITION.idempotency_tokens))
def test_documented_tokens_are_not_yet_modelled(op: str) -> None:
    member, quote = REKOGNITION.idempotency_tokens[op]
    spec = members(op, "input")[member]
    assert not spec.get("idempotencyToken"), f"botocore now models {op}.{member}: drop the config entry"
    assert quote in spec["documentation"]


def test_documented_tokens_are_filled() -> None:
    ops = {op.name: op for op in operations(load_service(REKOGNITION))}
    for name, (member, _) in REKOGNITION.idempotency_tokens.items():
        assert ops[name].token_member == member
        assert ops[name].safe


def _const(op: str) -> str:
    return botocore.xform_name(op).upper()
