"""List and map parameters take any ``Sequence`` (not ``str``) and any ``Mapping``.

Requests keep them as ``list`` and ``dict``, so what is sent is a JSON array (object);
replies still hold real lists and dicts. The static side is in tests/typing/check_usage.py.
"""

from __future__ import annotations

import json
from collections import OrderedDict, deque
from collections.abc import Iterator, Sequence
from types import MappingProxyType
from typing import Annotated, Any, overload

import botocore.session
import pytest
from botocore.validate import ParamValidator
from pydantic import ConfigDict, TypeAdapter, ValidationError
from tools.codegen.config import REKOGNITION
from tools.codegen.emit_models import ModelWriter
from tools.codegen.service import Service

from aws_vision_async import LookoutVisionClient, RekognitionClient
from aws_vision_async._core import model as core_model
from aws_vision_async.lookoutvision import models as lfv_models
from aws_vision_async.rekognition import models as rek_models

from ..fakeaws import FakeAws, ok

pytestmark = pytest.mark.anyio

ARN = "arn:aws:rekognition:us-east-1:123456789012:collection/c"
PROJECT_ARN = "arn:aws:rekognition:us-east-1:123456789012:project/p/1700000000000"
# No "/": the fake server routes a path label up to the next slash.
LFV_ARN = "arn:aws:lookoutvision:us-east-1:123456789012:model:p"


class Names(Sequence[str]):
    """A user's own Sequence: neither list nor tuple."""

    def __init__(self, *names: str) -> None:
        self._names = names

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._names[index]

    def __len__(self) -> int:
        return len(self._names)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)


SEQUENCES: list[Sequence[str]] = [("team", "cost"), deque(["team", "cost"]), Names("team", "cost"), ["team", "cost"]]


class TestClientMethods:
    @pytest.mark.parametrize("keys", SEQUENCES, ids=lambda s: type(s).__name__)
    async def test_any_sequence_arrives_as_a_json_array(
        self, rek: RekognitionClient, fake_aws: FakeAws, keys: Sequence[str]
    ) -> None:
        fake_aws.always("UntagResource", ok({}))
        await rek.untag_resource(resource_arn=ARN, tag_keys=keys)
        (call,) = fake_aws.calls("UntagResource")
        assert call.json == {"ResourceArn": ARN, "TagKeys": ["team", "cost"]}

    async def test_tuple_of_literals_for_a_paginated_operation(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeProjects", ok({"ProjectDescriptions": []}))
        await rek.describe_projects(features=("CUSTOM_LABELS",))
        assert fake_aws.calls("DescribeProjects")[0].json == {"Features": ["CUSTOM_LABELS"]}

    async def test_tuple_of_models(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("DetectText", ok({"TextDetections": []}))
        region = rek_models.RegionOfInterest(polygon=(rek_models.Point(x=0.1, y=0.2), rek_models.Point(x=0.3, y=0.4)))
        await rek.detect_text(
            image=rek_models.Image(bytes=b"\x89PNG\r\n\x1a\n"),
            filters=rek_models.DetectTextFilters(regions_of_interest=(region,)),
        )
        sent = fake_aws.calls("DetectText")[0].json
        assert sent["Filters"] == {"RegionsOfInterest": [{"Polygon": [{"X": 0.1, "Y": 0.2}, {"X": 0.3, "Y": 0.4}]}]}

    @pytest.mark.parametrize(
        "tags", [MappingProxyType({"team": "vision"}), OrderedDict(team="vision")], ids=lambda m: type(m).__name__
    )
    async def test_any_mapping_arrives_as_a_json_object(
        self, rek: RekognitionClient, fake_aws: FakeAws, tags: Any
    ) -> None:
        fake_aws.always("TagResource", ok({}))
        await rek.tag_resource(resource_arn=ARN, tags=tags)
        assert fake_aws.calls("TagResource")[0].json == {"ResourceArn": ARN, "Tags": {"team": "vision"}}

    async def test_lookoutvision_tuple_of_models(self, lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("TagResource", ok({}))
        await lfv.tag_resource(resource_arn=LFV_ARN, tags=(lfv_models.Tag(key="team", value="vision"),))
        assert fake_aws.calls("TagResource")[0].json == {"Tags": [{"Key": "team", "Value": "vision"}]}

    @pytest.mark.parametrize("wrong", ["team", b"team"])
    async def test_a_string_is_rejected_before_any_io(
        self, rek: RekognitionClient, fake_aws: FakeAws, wrong: Any
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            await rek.untag_resource(resource_arn=ARN, tag_keys=wrong)
        (detail,) = caught.value.errors()
        assert detail["loc"] == ("tag_keys",)
        assert detail["type"] == "sequence_str"
        assert fake_aws.requests == []

    @pytest.mark.parametrize("wrong", [{"team"}, iter(["team"]), {"team": "x"}, 5], ids=repr)
    async def test_a_non_sequence_is_rejected_before_any_io(
        self, rek: RekognitionClient, fake_aws: FakeAws, wrong: Any
    ) -> None:
        with pytest.raises(ValidationError, match="tag_keys"):
            await rek.untag_resource(resource_arn=ARN, tag_keys=wrong)
        assert fake_aws.requests == []

    async def test_a_non_mapping_is_rejected_before_any_io(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        with pytest.raises(ValidationError, match="tags"):
            await rek.tag_resource(resource_arn=ARN, tags=[("team", "vision")])  # type: ignore[arg-type]
        assert fake_aws.requests == []


class TestRequestModels:
    def test_items_stay_strict(self) -> None:
        with pytest.raises(ValidationError) as caught:
            rek_models.UntagResourceRequest(resource_arn=ARN, tag_keys=("team", 5))  # type: ignore[arg-type]
        assert caught.value.errors()[0]["loc"] == ("tag_keys", 1)

    def test_bounds_apply_to_any_sequence(self) -> None:
        with pytest.raises(ValidationError, match="at most 200 items"):
            rek_models.UntagResourceRequest(resource_arn=ARN, tag_keys=tuple(f"k{i}" for i in range(201)))
        with pytest.raises(ValidationError, match="at least 1 item"):
            rek_models.AssociateFacesRequest(collection_id="c", user_id="u", face_ids=())
        with pytest.raises(ValidationError, match="at most 200 items"):
            rek_models.TagResourceRequest(resource_arn=ARN, tags=MappingProxyType({f"k{i}": "v" for i in range(201)}))

    def test_kept_as_list_and_dict(self) -> None:
        request = rek_models.TagResourceRequest(resource_arn=ARN, tags=MappingProxyType({"team": "vision"}))
        assert type(request.tags) is dict
        keys = deque(["team"])
        untag = rek_models.UntagResourceRequest(resource_arn=ARN, tag_keys=keys)
        assert type(untag.tag_keys) is list
        keys.append("later")  # a copy: the caller's sequence is not the request's
        assert untag.tag_keys == ["team"]

    def test_dumps_are_json_arrays_botocore_accepts(self) -> None:
        request = rek_models.DetectTextRequest(
            image=rek_models.Image(bytes=b"\x89PNG\r\n\x1a\n"),
            filters=rek_models.DetectTextFilters(
                regions_of_interest=deque([rek_models.RegionOfInterest(polygon=(rek_models.Point(x=0.5, y=0.5),))])
            ),
        )
        dumped = request.model_dump(by_alias=True, exclude_unset=True)
        regions = dumped["Filters"]["RegionsOfInterest"]
        assert type(regions) is list
        assert type(regions[0]["Polygon"]) is list
        assert regions == [{"Polygon": [{"X": 0.5, "Y": 0.5}]}]
        assert json.loads(request.model_dump_json(by_alias=True, exclude_unset=True))["Filters"] == {
            "RegionsOfInterest": [{"Polygon": [{"X": 0.5, "Y": 0.5}]}]
        }
        shape = botocore.session.get_session().get_service_model("rekognition").operation_model("DetectText")
        report = ParamValidator().validate(dumped, shape.input_shape)
        assert not report.has_errors(), report.generate_report()

    def test_wire_names_in_model_validate(self) -> None:
        request = rek_models.UntagResourceRequest.model_validate({"ResourceArn": ARN, "TagKeys": ("a", "b")})
        assert request.tag_keys == ["a", "b"]

    def test_json_input_still_validates(self) -> None:
        request = rek_models.UntagResourceRequest.model_validate_json(
            json.dumps({"ResourceArn": ARN, "TagKeys": ["a"]})
        )
        assert request.tag_keys == ["a"]
        with pytest.raises(ValidationError):
            rek_models.UntagResourceRequest.model_validate_json(json.dumps({"ResourceArn": ARN, "TagKeys": "a"}))


class TestReplies:
    async def test_shared_shape_replies_hold_lists(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.always(
            "DescribeStreamProcessor",
            ok(
                {
                    "Name": "sp",
                    "Settings": {"ConnectedHome": {"Labels": ["PERSON", "PET"]}},
                    "RegionsOfInterest": [{"Polygon": [{"X": 0.1, "Y": 0.2}]}],
                }
            ),
        )
        reply = await rek.describe_stream_processor(name="sp")
        assert reply.settings is not None
        assert reply.settings.connected_home is not None
        labels = reply.settings.connected_home.labels
        assert type(labels) is list
        assert labels == ["PERSON", "PET"]
        assert reply.regions_of_interest is not None
        polygon = reply.regions_of_interest[0].polygon
        assert type(polygon) is list
        assert isinstance(polygon[0], rek_models.Point)

    async def test_output_only_lists_and_maps(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("ListTagsForResource", ok({"Tags": {"aws:x": "y"}}))
        reply = await rek.list_tags_for_resource(resource_arn=ARN)
        assert type(reply.tags) is dict
        assert rek_models.ListTagsForResourceResponse.model_fields["tags"].annotation == (dict[str, str] | None)

    def test_reply_variant_from_python_objects(self) -> None:
        # The slow path: botocore's parsed dicts, validated in Python mode.
        reply = rek_models.DescribeStreamProcessorResponse.model_validate(
            {"Settings": {"ConnectedHome": {"Labels": ["PERSON"]}}}
        )
        assert reply.settings is not None
        assert reply.settings.connected_home is not None
        assert type(reply.settings.connected_home.labels) is list


def _writer(shapes: dict[str, Any]) -> ModelWriter:
    model = {
        "metadata": {"serviceFullName": "Test"},
        "shapes": shapes,
        "operations": {"Op": {"input": {"shape": "Req"}, "output": {"shape": "Resp"}}},
    }
    empty: dict[str, dict[str, str]] = {"operations": {}, "shapes": {}, "members": {}}
    return ModelWriter(Service(REKOGNITION, model, {}, empty, "test"))


def test_nested_lists_take_nested_sequences() -> None:
    writer = _writer(
        {
            "Req": {"type": "structure", "members": {"Grid": {"shape": "Rows"}}},
            "Resp": {"type": "structure", "members": {"Grid": {"shape": "Rows"}}},
            "Rows": {"type": "list", "member": {"shape": "Row"}, "max": 2},
            "Row": {"type": "list", "member": {"shape": "Cell"}, "min": 1},
            "Cell": {"type": "string", "pattern": "[a-z]+"},
        }
    )
    sent = writer.type_expr("Rows", "in")
    assert sent.startswith("Annotated[Sequence[Annotated[Sequence[")
    assert writer.type_expr("Rows", "out") == "list[list[str]]"
    assert writer.plain_type("Rows") == "Sequence[Sequence[str]]"
    namespace = {
        "Annotated": Annotated,
        "Sequence": Sequence,
        "Field": __import__("pydantic").Field,
        **{name: getattr(core_model, name) for name in ("AS_LIST", "aws_pattern")},
    }
    adapter: TypeAdapter[Any] = TypeAdapter(eval(sent, namespace), config=ConfigDict(strict=True))  # noqa: S307
    grid = adapter.validate_python((("a", "b"), deque(["c"])))
    assert grid == [["a", "b"], ["c"]]
    assert type(grid[1]) is list
    assert adapter.dump_json(grid) == b'[["a","b"],["c"]]'
    for wrong in [("ab",), ((),), (("A",),), (("a",),) * 3]:
        with pytest.raises(ValidationError):
            adapter.validate_python(wrong)
