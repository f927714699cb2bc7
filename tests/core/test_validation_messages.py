"""Validation messages a caller can act on: the field, the rule as AWS documents it, the value.

A pattern is enforced through its translation for pydantic's Rust regex engine
(``^(?:...)$``, ASCII ``\\d``, the ``(?!aws:)`` lookahead checked apart), but the
message quotes the pattern the service documents, never the translation.
"""

from __future__ import annotations

from typing import Annotated, Any

import botocore.loaders
import botocore.session
import pytest
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from tools.codegen.service import field_name

from aws_vision_async import RekognitionClient
from aws_vision_async.lookoutvision import _operations as lfv_ops
from aws_vision_async.lookoutvision import models as lfv_models
from aws_vision_async.rekognition import models as rek_models
from aws_vision_async.rekognition.models import CreateProjectRequest, DescribeProjectVersionsRequest, TagResourceRequest

from ..fakeaws import FakeAws

ARN = "arn:aws:rekognition:us-east-1:123456789012:collection/c"


def _shapes(service: str) -> dict[str, Any]:
    if service == "rekognition":
        loader = botocore.session.get_session().get_component("data_loader")
    else:
        assert lfv_ops.SERVICE.data_path is not None
        loader = botocore.loaders.Loader(extra_search_paths=[lfv_ops.SERVICE.data_path])
    return loader.load_service_model(service, "service-2")["shapes"]  # type: ignore[no-any-return]


SHAPES = {"rekognition": _shapes("rekognition"), "lookoutvision": _shapes("lookoutvision")}
MODELS = {"rekognition": rek_models, "lookoutvision": lfv_models}
TAG_KEY_PATTERN = SHAPES["rekognition"]["TagKey"]["pattern"]
PROJECT_NAME_PATTERN = SHAPES["rekognition"]["ProjectName"]["pattern"]


def _error(build: Any) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        build()
    return caught.value


def _assert_readable(message: str) -> None:
    assert "{prefix" not in message
    assert "{pattern" not in message
    assert "^(?:" not in message  # the translation stays internal


class TestReservedPrefix:
    def test_message_names_field_rule_and_value(self) -> None:
        error = _error(lambda: TagResourceRequest(resource_arn=ARN, tags={"aws:team": "v"}))
        text = str(error)
        _assert_readable(text)
        (detail,) = error.errors()
        assert detail["loc"][0] == "tags"
        assert detail["type"] == "string_pattern_mismatch"
        assert detail["msg"] == (
            f"String should not start with 'aws:' (a prefix the pattern documented by AWS forbids: {TAG_KEY_PATTERN})"
        )
        assert "tags" in text
        assert "'aws:team'" in text
        assert detail["ctx"] == {"prefix": "aws:", "pattern": TAG_KEY_PATTERN}

    def test_untag_resource_keys_too(self) -> None:
        error = _error(lambda: rek_models.UntagResourceRequest(resource_arn=ARN, tag_keys=["ok", "aws:x"]))
        (detail,) = error.errors()
        assert detail["loc"] == ("tag_keys", 1)
        assert "not start with 'aws:'" in detail["msg"]


class TestPatternMismatch:
    def test_message_names_field_documented_pattern_and_value(self) -> None:
        error = _error(lambda: CreateProjectRequest(project_name="my project"))
        text = str(error)
        _assert_readable(text)
        (detail,) = error.errors()
        assert detail["loc"] == ("project_name",)
        assert detail["type"] == "string_pattern_mismatch"
        assert detail["msg"] == f"String should match pattern '{PROJECT_NAME_PATTERN}'"
        assert detail["ctx"] == {"pattern": PROJECT_NAME_PATTERN}
        assert PROJECT_NAME_PATTERN == r"[a-zA-Z0-9_.\-]+"
        assert "project_name\n" in text
        assert "input_value='my project'" in text

    def test_long_value_is_shortened(self) -> None:
        value = "not-an-arn-" * 200
        error = _error(lambda: DescribeProjectVersionsRequest(project_arn=value))
        text = str(error)
        _assert_readable(text)
        assert value not in text
        assert "input_value='not-an-arn-not-an-arn-" in text
        assert len(text) < 600, text

    def test_wrong_type_and_length_keep_their_own_messages(self) -> None:
        too_long = _error(lambda: CreateProjectRequest(project_name="x" * 256)).errors()[0]
        assert too_long["type"] == "string_too_long"
        wrong_type = _error(lambda: CreateProjectRequest(project_name=5)).errors()[0]  # type: ignore[arg-type]
        assert wrong_type["type"] == "string_type"

    @pytest.mark.anyio
    async def test_client_method_raises_before_any_io(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        with pytest.raises(ValueError, match=r"project_name\n.*should match pattern '\[") as caught:
            await rek.create_project(project_name="my project")
        assert PROJECT_NAME_PATTERN in str(caught.value)
        assert fake_aws.requests == []

    def test_valid_values_still_pass(self) -> None:
        assert CreateProjectRequest(project_name="my-project_1.0").project_name == "my-project_1.0"
        assert TagResourceRequest(resource_arn=ARN, tags={"team": "vision"}).tags == {"team": "vision"}


def _patterned_fields() -> list[tuple[str, str, str, str, int]]:
    """Every string member with a pattern: (service, shape, member, documented pattern, minimum length)."""
    out: list[tuple[str, str, str, str, int]] = []
    for service, shapes in SHAPES.items():
        for name, shape in shapes.items():
            # Error shapes have no model: their exception class is the only thing of that name.
            if shape["type"] != "structure" or shape.get("exception"):
                continue
            if not issubclass(getattr(MODELS[service], name), BaseModel):
                continue
            for member, spec in shape["members"].items():
                target = shapes[spec["shape"]]
                if target["type"] == "string" and "pattern" in target and "enum" not in target:
                    out.append((service, name, member, target["pattern"], max(1, target.get("min", 1))))
    return out


PATTERNED = _patterned_fields()


def test_every_pattern_message_quotes_the_documented_pattern() -> None:
    checked = 0
    for service, shape, member, pattern, minimum in PATTERNED:
        model = getattr(MODELS[service], shape)
        if model.model_config.get("strict") is not True:
            continue  # a received shape: no request constraints
        field = model.model_fields[field_name(member)]
        # Optional fields carry their constraints inside the annotation, required ones beside it.
        annotation = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
        adapter: TypeAdapter[Any] = TypeAdapter(annotation, config=ConfigDict(regex_engine="rust-regex", strict=True))
        # A NUL, a blank or a newline: each pattern rejects one; repeated to pass a minimum length.
        for bad in ("\x00", " ", "\n"):
            try:
                adapter.validate_python(bad * minimum)
            except ValidationError as exc:
                (detail,) = exc.errors()
                assert detail["type"] == "string_pattern_mismatch", (shape, member, detail)
                assert pattern in detail["msg"], (shape, member, detail["msg"])
                _assert_readable(str(exc))
                checked += 1
                break
        else:
            pytest.fail(f"{service} {shape}.{member} accepted every bad value")
    assert checked > 100
