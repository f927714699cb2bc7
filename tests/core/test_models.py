"""Model behaviour that ``_core/model.py`` gives every generated model, checked through real shapes."""

from __future__ import annotations

import base64
import subprocess
import sys
from datetime import datetime, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from aws_vision_async import LookoutVisionClient, RekognitionClient
from aws_vision_async._core import fastparse
from aws_vision_async.lookoutvision import models as lfv_models
from aws_vision_async.rekognition import models as rek_models
from aws_vision_async.rekognition.models import (
    CustomizationFeatureContentModerationConfig,
    DescribeCollectionRequest,
    DescribeProjectVersionsRequest,
    GroundTruthManifest,
    OutputConfig,
    S3Object,
    TagResourceRequest,
)

from ..fakeaws import FakeAws, ok

pytestmark = pytest.mark.anyio

ARN = "arn:aws:rekognition:us-east-1:123456789012:resource/x"
PROJECT_ARN = "arn:aws:rekognition:us-east-1:123456789012:project/my-project/1700000000000"
# Twelve ARABIC-INDIC DIGITs, and FULLWIDTH DIGITs: Python's \d matches both, AWS's ASCII \d neither.
ARABIC_INDIC_ACCOUNT = "".join(chr(0x0660 + int(d)) for d in "123456789012")
FULLWIDTH_ACCOUNT = "".join(chr(0xFF10 + int(d)) for d in "123456789012")
ARABIC_INDIC_VERSION = "".join(chr(0x0660 + int(d)) for d in "1700")


def use_slow_path(client: RekognitionClient | LookoutVisionClient) -> None:
    """Undo the raw-body fast path: botocore parses, the SDK validates the parsed dicts."""
    endpoint = client.aiobotocore_client._endpoint
    factory = endpoint._response_parser_factory
    assert isinstance(factory, fastparse.RawBodyParserFactory)
    endpoint._response_parser_factory = factory._inner


class TestWholeValuePatterns:
    @pytest.mark.parametrize(
        "key",
        ["café key", "a", "Ünïcödé_名前", "k.e:y/=+-@_", "xaws:y", "AWS:upper", "tab\u00a0nbsp", "x" * 128],
    )
    def test_tag_keys_accepted(self, key: str) -> None:
        request = TagResourceRequest(resource_arn=ARN, tags={key: "v"})
        assert request.tags == {key: "v"}

    @pytest.mark.parametrize(
        "key",
        [
            "aws:x",
            "aws:",
            "bad!key",
            "key\n",  # a trailing newline: "$" must mean the end of the value
            "\nkey",
            "ok\nbad!",
            "",
            "x" * 129,
        ],
    )
    def test_tag_keys_rejected(self, key: str) -> None:
        with pytest.raises(ValidationError, match="tags"):
            TagResourceRequest(resource_arn=ARN, tags={key: "v"})

    @pytest.mark.parametrize("value", ["ok\n", "a;b", "x" * 257])
    def test_tag_values_rejected(self, value: str) -> None:
        with pytest.raises(ValidationError):
            TagResourceRequest(resource_arn=ARN, tags={"k": value})

    @pytest.mark.parametrize("collection_id", ["bad id", "id\n", "\nid", "id!", "ïd"])
    def test_ascii_class_pattern_is_whole_value(self, collection_id: str) -> None:
        with pytest.raises(ValidationError, match="collection_id"):
            DescribeCollectionRequest(collection_id=collection_id)

    def test_ascii_class_pattern_accepts(self) -> None:
        assert DescribeCollectionRequest(collection_id="my-coll_1.0").collection_id == "my-coll_1.0"

    async def test_rejected_tag_key_sends_nothing(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        with pytest.raises(ValueError, match="tags"):
            await rek.tag_resource(resource_arn=ARN, tags={"aws:reserved": "v"})
        assert fake_aws.requests == []

    async def test_unicode_tag_key_reaches_the_wire(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("TagResource", ok({}))
        await rek.tag_resource(resource_arn=ARN, tags={"café key": "naïve value"})
        assert fake_aws.calls("TagResource")[0].json == {"ResourceArn": ARN, "Tags": {"café key": "naïve value"}}

    async def test_replies_keep_aws_prefixed_tags(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        # AWS adds system tags such as aws:cloudformation:stack-name; a reply must not reject them.
        fake_aws.always("ListTagsForResource", ok({"Tags": {"aws:cloudformation:stack-name": "s", "k\n": "v!"}}))
        reply = await rek.list_tags_for_resource(resource_arn=ARN)
        assert reply.tags == {"aws:cloudformation:stack-name": "s", "k\n": "v!"}


class TestDigitsAreAscii:
    def test_ascii_account_accepted(self) -> None:
        assert DescribeProjectVersionsRequest(project_arn=PROJECT_ARN).project_arn == PROJECT_ARN

    @pytest.mark.parametrize(
        "arn",
        [
            PROJECT_ARN.replace("123456789012", ARABIC_INDIC_ACCOUNT),
            PROJECT_ARN.replace("/1700000000000", "/" + ARABIC_INDIC_VERSION),
            PROJECT_ARN.replace("123456789012", FULLWIDTH_ACCOUNT),
            PROJECT_ARN + "\n",
            "x" + PROJECT_ARN,
        ],
    )
    def test_non_ascii_digits_rejected(self, arn: str) -> None:
        with pytest.raises(ValidationError, match="project_arn"):
            DescribeProjectVersionsRequest(project_arn=arn)

    def test_python_re_would_have_accepted(self) -> None:
        # Guard for the test itself: with Python's re, \d matches these digits.
        import re

        assert re.fullmatch(r"\d{12}", ARABIC_INDIC_ACCOUNT)
        assert re.fullmatch(r"\d{12}", FULLWIDTH_ACCOUNT)

    def test_role_arn(self) -> None:
        good = "arn:aws:iam::123456789012:role/r"
        assert rek_models.NotificationChannel(sns_topic_arn="arn:aws:sns:us-east-1:123456789012:t", role_arn=good)
        with pytest.raises(ValidationError, match="role_arn"):
            rek_models.NotificationChannel(
                sns_topic_arn="arn:aws:sns:us-east-1:123456789012:t",
                role_arn=good.replace("123456789012", ARABIC_INDIC_ACCOUNT),
            )


PROJECT_VERSIONS_REPLY: dict[str, Any] = {
    "ProjectVersionDescriptions": [
        {
            "ProjectVersionArn": "arn:aws:rekognition:us-east-1:123456789012:project/p/version/v/1",
            "CreationTimestamp": 1700000000.5,
            "Status": "SOME_FUTURE_STATUS",
            "Feature": "SOME_FUTURE_FEATURE",
            "ManifestSummary": {"S3Object": {"Bucket": "x", "Name": "", "Version": "", "NewField": 1}},
            "OutputConfig": {"S3Bucket": "not a valid bucket!", "S3KeyPrefix": "p"},
            "FeatureConfig": {"ContentModeration": {"ConfidenceThreshold": 150}},
            "BrandNewMember": {"nested": [1, 2]},
        }
    ]
}


class TestReplyVariants:
    """Shapes that are both sent and received: lenient in replies, strict when a caller builds them."""

    @pytest.mark.parametrize("path", ["fast", "slow"])
    async def test_reply_accepts_what_a_request_may_not(
        self, rek: RekognitionClient, fake_aws: FakeAws, path: str
    ) -> None:
        if path == "slow":
            use_slow_path(rek)
        fake_aws.always("DescribeProjectVersions", ok(PROJECT_VERSIONS_REPLY))
        page = await rek.describe_project_versions(project_arn=PROJECT_ARN)
        assert page.project_version_descriptions is not None
        (version,) = page.project_version_descriptions
        assert version.status == "SOME_FUTURE_STATUS"
        assert version.feature == "SOME_FUTURE_FEATURE"
        manifest = version.manifest_summary
        assert isinstance(manifest, GroundTruthManifest)
        s3 = manifest.s3_object
        assert isinstance(s3, S3Object)
        assert (s3.bucket, s3.name, s3.version) == ("x", "", "")
        assert version.output_config is not None
        assert isinstance(version.output_config, OutputConfig)
        assert version.output_config.s3_bucket == "not a valid bucket!"
        assert version.feature_config is not None
        assert version.feature_config.content_moderation is not None
        assert version.feature_config.content_moderation.confidence_threshold == 150
        if path == "fast":
            # Members the model does not know are kept (botocore's own parser, the slow path, drops them).
            assert s3.model_extra == {"NewField": 1}
            assert version.model_extra == {"BrandNewMember": {"nested": [1, 2]}}

    @pytest.mark.parametrize(
        "kwargs",
        [{"bucket": "x"}, {"bucket": "not a valid bucket!"}, {"bucket": "ok-bucket", "name": ""}, {"unknown": 1}],
    )
    def test_caller_built_shape_enforces_constraints(self, kwargs: dict[str, Any]) -> None:
        with pytest.raises(ValidationError):
            S3Object(**kwargs)

    def test_caller_built_shape_is_strict(self) -> None:
        with pytest.raises(ValidationError):
            CustomizationFeatureContentModerationConfig(confidence_threshold=150)
        with pytest.raises(ValidationError):
            OutputConfig(s3_bucket="not a valid bucket!")
        with pytest.raises(ValidationError):
            S3Object(bucket=b"bytes-bucket")  # type: ignore[arg-type]

    def test_caller_built_shape_accepts_valid_values(self) -> None:
        s3 = S3Object(bucket="my-bucket", name="images/cat.jpg")
        assert type(s3) is S3Object
        assert S3Object(Bucket="my-bucket", Name="k") == S3Object(bucket="my-bucket", name="k")

    async def test_reply_variant_repr_shows_the_public_name(self, rek: RekognitionClient, fake_aws: FakeAws) -> None:
        fake_aws.always("DescribeProjectVersions", ok(PROJECT_VERSIONS_REPLY))
        page = await rek.describe_project_versions(project_arn=PROJECT_ARN)
        assert page.project_version_descriptions is not None
        version = page.project_version_descriptions[0]
        assert version.manifest_summary is not None
        s3 = version.manifest_summary.s3_object
        assert type(s3).__name__ != "S3Object"  # it is the private reply variant ...
        assert repr(s3).startswith("S3Object(bucket='x'")  # ... that shows as the public shape
        assert repr(version.manifest_summary).startswith("GroundTruthManifest(s3_object=S3Object(")
        assert "Reply" not in repr(version)
        assert "_S3Object" not in repr(page)

    async def test_lookoutvision_unknown_enum_in_sent_shape(self, lfv: LookoutVisionClient, fake_aws: FakeAws) -> None:
        fake_aws.always(
            "DescribeModelPackagingJob",
            ok(
                {
                    "ModelPackagingDescription": {
                        "JobName": "j",
                        "Status": "SOME_FUTURE_STATUS",
                        "ModelPackagingConfiguration": {
                            "Greengrass": {
                                "ComponentName": "c",
                                "S3OutputLocation": {"Bucket": "b"},
                                "TargetPlatform": {"Os": "WINDOWS", "Arch": "RISCV64", "Accelerator": "TPU"},
                            }
                        },
                    }
                }
            ),
        )
        reply = await lfv.describe_model_packaging_job(project_name="p", job_name="j")
        description = reply.model_packaging_description
        assert description is not None
        assert description.status == "SOME_FUTURE_STATUS"
        assert description.model_packaging_configuration is not None
        platform = description.model_packaging_configuration.greengrass.target_platform
        assert isinstance(platform, lfv_models.TargetPlatform)
        assert (platform.os, platform.arch, platform.accelerator) == ("WINDOWS", "RISCV64", "TPU")
        assert repr(platform) == "TargetPlatform(os='WINDOWS', arch='RISCV64', accelerator='TPU')"
        with pytest.raises(ValidationError):
            lfv_models.TargetPlatform(os="WINDOWS", arch="ARM64")  # type: ignore[arg-type]
        assert lfv_models.TargetPlatform(os="LINUX", arch="ARM64").arch == "ARM64"


AUDIT_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
AUDIT_B64 = base64.b64encode(AUDIT_BYTES).decode()


class TestBlobsAndSensitiveFields:
    @pytest.mark.parametrize("path", ["fast", "slow"])
    async def test_blob_decoded_and_hidden_in_repr(self, rek: RekognitionClient, fake_aws: FakeAws, path: str) -> None:
        if path == "slow":
            use_slow_path(rek)
        fake_aws.always(
            "GetFaceLivenessSessionResults",
            ok(
                {
                    "SessionId": "0f0e0d0c-0b0a-0908-0706-050403020100",
                    "Status": "SUCCEEDED",
                    "Confidence": 99.5,
                    "ReferenceImage": {
                        "Bytes": AUDIT_B64,
                        "BoundingBox": {"Width": 0.5, "Height": 0.5, "Left": 0.1, "Top": 0.1},
                    },
                    "AuditImages": [{"Bytes": AUDIT_B64}],
                }
            ),
        )
        reply = await rek.get_face_liveness_session_results(session_id="0f0e0d0c-0b0a-0908-0706-050403020100")
        assert reply.reference_image is not None
        assert reply.reference_image.bytes == AUDIT_BYTES
        assert reply.audit_images is not None
        assert reply.audit_images[0].bytes == AUDIT_BYTES
        for text in (repr(reply), repr(reply.reference_image), str(reply), repr(reply.audit_images)):
            assert "bytes=" not in text
            assert AUDIT_B64[:16] not in text
            assert "PNG" not in text
        assert "bounding_box=BoundingBox(" in repr(reply.reference_image)

    async def test_request_blob_is_raw_bytes_and_base64_on_the_wire(
        self, rek: RekognitionClient, fake_aws: FakeAws
    ) -> None:
        image = rek_models.Image(bytes=AUDIT_BYTES)
        assert image.bytes == AUDIT_BYTES
        fake_aws.always("DetectLabels", ok({"Labels": []}))
        await rek.detect_labels(image=image)
        assert fake_aws.calls("DetectLabels")[0].json["Image"] == {"Bytes": AUDIT_B64}

    def test_blob_json_round_trip(self) -> None:
        image = rek_models.Image(bytes=AUDIT_BYTES)
        assert rek_models.Image.model_validate_json(image.model_dump_json()) == image


class TestRequestModels:
    def test_unknown_keyword_rejected(self) -> None:
        with pytest.raises(ValidationError, match="collecton_id") as caught:
            DescribeCollectionRequest(collection_id="c", collecton_id="typo")  # type: ignore[call-arg]
        assert caught.value.errors()[0]["type"] == "extra_forbidden"

    def test_unknown_key_in_validate_rejected(self) -> None:
        with pytest.raises(ValidationError, match="Extra"):
            DescribeCollectionRequest.model_validate({"CollectionId": "c", "Extra": 1})

    def test_both_names_accepted(self) -> None:
        assert DescribeCollectionRequest(CollectionId="c") == DescribeCollectionRequest(collection_id="c")  # type: ignore[call-arg]

    def test_strict_types(self) -> None:
        with pytest.raises(ValidationError, match="collection_id"):
            DescribeCollectionRequest(collection_id=123)  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            rek_models.ListCollectionsRequest(max_results="5")  # type: ignore[arg-type]

    def test_validation_error_is_a_value_error(self) -> None:
        with pytest.raises(ValueError, match="collection_id"):
            DescribeCollectionRequest(collection_id="")

    async def test_unknown_keyword_to_a_method_is_a_type_error(self, rek: RekognitionClient) -> None:
        with pytest.raises(TypeError):
            await rek.describe_collection(collection_id="c", bogus=1)  # type: ignore[call-arg]

    def test_repr_omits_unset_fields(self) -> None:
        assert repr(S3Object(bucket="my-bucket")) == "S3Object(bucket='my-bucket')"


class TestReplyModels:
    @pytest.mark.parametrize("path", ["fast", "slow"])
    async def test_timestamps_are_utc_seconds(self, rek: RekognitionClient, fake_aws: FakeAws, path: str) -> None:
        if path == "slow":
            use_slow_path(rek)
        fake_aws.always(
            "DescribeCollection",
            ok({"FaceCount": 1, "CreationTimestamp": 1700000000.25, "UserCount": 0, "NewTopLevel": "kept"}),
        )
        reply = await rek.describe_collection(collection_id="c")
        assert reply.creation_timestamp == datetime(2023, 11, 14, 22, 13, 20, 250000, tzinfo=timezone.utc)
        assert reply.creation_timestamp is not None
        assert reply.creation_timestamp.utcoffset() is not None
        assert reply.creation_timestamp.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
        if path == "fast":
            assert reply.model_extra == {"NewTopLevel": "kept"}

    def test_reply_model_is_lenient_about_unknown_fields(self) -> None:
        reply = rek_models.DescribeCollectionResponse.model_validate({"FaceCount": 2, "Later": 1})
        assert reply.face_count == 2
        assert reply.model_extra == {"Later": 1}
        assert rek_models.DescribeCollectionResponse.model_validate({"face_count": 2}).face_count == 2


def test_a_callers_local_names_do_not_shadow_annotations() -> None:
    # Models build on first use; pydantic would resolve their annotations with the local
    # variables of the function that uses them first (here: reply, datetime, Field).
    code = """
from aws_vision_async.rekognition import models as m

def handler(reply, datetime, Field):
    page = m.DescribeProjectVersionsResponse.model_validate(
        {"ProjectVersionDescriptions": [{"ManifestSummary": {"S3Object": {"Bucket": "bkt", "Name": "n"}},
                                         "CreationTimestamp": 1}]}
    )
    (version,) = page.project_version_descriptions
    print(version.manifest_summary.model_dump()["s3_object"]["bucket"], version.model_dump()["creation_timestamp"].year)

handler(1, 2, 3)
"""
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["bkt", "1970"]
