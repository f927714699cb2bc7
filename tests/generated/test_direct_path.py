"""The direct request path sends what botocore would send: the same JSON, the same headers, a valid signature.

* For every Rekognition operation, random valid requests (hypothesis, from
  botocore's own input shapes) encode to a body equal as JSON to the one
  botocore's serializer makes.
* For every Rekognition operation, one request goes through each path to a
  real local HTTP server: the bodies are equal as JSON, the headers botocore
  sets are the same, and each signature verifies, recomputed here from the
  bytes the server received (an independent SigV4 implementation).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import re
from typing import Any
from urllib.parse import quote

import anyio
import pytest
from botocore.serialize import create_serializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aws_vision_async import RekognitionClient, RetryPolicy
from aws_vision_async._core.direct import direct_path, encode_body
from aws_vision_async._core.operation import OperationSpec

from ..conftest import ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, client_kwargs
from ..fakeaws import FakeAws, Recorded, ok
from .test_property_botocore import OPERATIONS, request_strategy, service_model

REKOGNITION = [spec for service, spec in OPERATIONS if service == "rekognition"]
IDS = [spec.name for spec in REKOGNITION]


def botocore_body(spec: OperationSpec[Any, Any], params: dict[str, Any]) -> Any:
    serializer = create_serializer("json")
    request = serializer.serialize_to_request(params, service_model("rekognition").operation_model(spec.name))
    return json.loads(request["body"])


@pytest.mark.parametrize("spec", REKOGNITION, ids=IDS)
@settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_the_body_is_botocores_as_json(spec: OperationSpec[Any, Any], data: st.DataObject) -> None:
    params = data.draw(request_strategy("rekognition", spec.name), label="params")
    request = spec.request.model_validate(params)
    dumped = request.model_dump(by_alias=True, exclude_unset=True)
    assert json.loads(encode_body(dumped)) == botocore_body(spec, dumped)


def test_every_rekognition_operation_takes_the_direct_path() -> None:
    async def routes() -> dict[str, bool]:
        async with RekognitionClient(
            region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key="x"
        ) as rek:
            path = direct_path(rek.aiobotocore_client)
            assert path is not None
            return {spec.name: await path.route(spec.name) is not None for spec in REKOGNITION}

    assert anyio.run(routes) == dict.fromkeys(IDS, True)


# -- through HTTP, both paths ----------------------------------------------------------------

_AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<scope>[^,]+), "
    r"SignedHeaders=(?P<signed>[^,]+), Signature=(?P<signature>[0-9a-f]{64})$"
)


def verify_sigv4(recorded: Recorded, secret: str, access_key: str = ACCESS_KEY) -> str:
    """Recompute the SigV4 signature of a received request; return its scope."""
    headers = {k.lower(): v for k, v in recorded.headers.items()}
    match = _AUTH.match(headers["authorization"])
    assert match, headers["authorization"]
    signed = match["signed"].split(";")
    assert {"host", "x-amz-date", "x-amz-target", "content-type"} <= set(signed)
    canonical_headers = "".join(f"{name}:{' '.join(headers[name].split())}\n" for name in signed)
    canonical = "\n".join(
        [
            recorded.method,
            # The server hands the path on decoded; it was sent encoded once, and SigV4 (for services
            # other than S3) signs each segment encoded twice.
            quote(quote(recorded.path, safe="/~"), safe="/~"),
            "",
            canonical_headers,
            match["signed"],
            hashlib.sha256(recorded.body).hexdigest(),
        ]
    )
    scope = match["scope"]
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", headers["x-amz-date"], scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = ("AWS4" + secret).encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, match["signature"]), "the signature does not verify"
    assert match["key"] == access_key
    return scope


# The headers botocore sets on the request itself (the HTTP layer adds its own, the same on both paths).
SAME_HEADERS = ("x-amz-target", "content-type", "user-agent", "x-amz-security-token", "amz-sdk-request")


@pytest.mark.anyio
async def test_both_paths_send_the_same_request_signed(fake_aws: FakeAws) -> None:
    examples: dict[str, dict[str, Any]] = {}

    @given(data=st.data())
    @settings(max_examples=1, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def draw(data: st.DataObject) -> None:
        for spec in REKOGNITION:
            params = data.draw(request_strategy("rekognition", spec.name))
            if spec.token_field is not None:
                # The SDK always fills the token before sending (botocore would make its own otherwise).
                wire = spec.request.model_fields[spec.token_field].serialization_alias or spec.token_field
                params.setdefault(wire, "00000000-0000-4000-8000-000000000000")
            examples[spec.name] = spec.request.model_validate(params).model_dump(by_alias=True, exclude_unset=True)

    draw()
    for spec in REKOGNITION:
        fake_aws.always(spec.name, ok({}))  # only the requests matter here
    once = RetryPolicy(max_attempts=1)
    async with (
        RekognitionClient(**client_kwargs(fake_aws, retry_policy=once)) as direct,
        RekognitionClient(**client_kwargs(fake_aws, retry_policy=once, direct=False)) as classic,
    ):
        for spec in REKOGNITION:
            for client in (direct, classic):
                await client._send(spec, examples[spec.name])  # pyright: ignore[reportPrivateUsage]
    for spec in REKOGNITION:
        sent = fake_aws.calls(spec.name)
        assert len(sent) == 2, spec.name
        via_direct, via_botocore = sent
        assert json.loads(via_direct.body or b"{}") == json.loads(via_botocore.body or b"{}"), spec.name
        heads = [{k.lower(): v for k, v in r.headers.items()} for r in sent]
        for name in SAME_HEADERS:
            assert heads[0].get(name) == heads[1].get(name), (spec.name, name)
        assert heads[0]["x-amz-security-token"] == SESSION_TOKEN
        assert heads[0]["amz-sdk-invocation-id"] != heads[1]["amz-sdk-invocation-id"]  # two calls
        scopes = {verify_sigv4(r, SECRET_KEY) for r in sent}
        assert len(scopes) == 1
        assert scopes.pop().endswith("/us-east-1/rekognition/aws4_request")


@pytest.mark.anyio
async def test_the_signature_check_catches_a_changed_request(fake_aws: FakeAws) -> None:
    fake_aws.always("ListCollections", ok({}))
    async with RekognitionClient(**client_kwargs(fake_aws)) as rek:
        await rek.list_collections()
    [sent] = fake_aws.calls("ListCollections")
    verify_sigv4(sent, SECRET_KEY)
    with pytest.raises(AssertionError, match="does not verify"):
        verify_sigv4(dataclasses.replace(sent, body=sent.body + b" "), SECRET_KEY)
    with pytest.raises(AssertionError, match="does not verify"):
        verify_sigv4(sent, SECRET_KEY + "x")
    changed = {**sent.headers, "X-Amz-Target": "RekognitionService.DeleteCollection"}
    with pytest.raises(AssertionError, match="does not verify"):
        verify_sigv4(dataclasses.replace(sent, headers=changed), SECRET_KEY)


@pytest.mark.anyio
@pytest.mark.parametrize("direct", [True, False])
async def test_botocore_per_call_events_fire_only_on_botocores_path(fake_aws: FakeAws, direct: bool) -> None:
    fake_aws.always("ListCollections", ok({"CollectionIds": ["a"]}))
    seen: list[str] = []
    async with RekognitionClient(**client_kwargs(fake_aws, direct=direct)) as rek:
        events = rek.aiobotocore_client.meta.events
        for event in ("before-call", "request-created", "before-send", "after-call"):
            events.register(f"{event}.rekognition.ListCollections", lambda event_name, **_: seen.append(event_name))
        page = await rek.list_collections()
    assert page.collection_ids == ["a"]
    assert bool(seen) is not direct


def test_lookout_for_vision_operations_keep_botocores_path() -> None:
    async def routes() -> set[bool]:
        from aws_vision_async import LookoutVisionClient

        with pytest.warns(DeprecationWarning, match="end of support"):
            lfv = LookoutVisionClient(region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key="x")
        async with lfv:
            path = direct_path(lfv.aiobotocore_client)
            return {path is None}

    assert anyio.run(routes) == {True}


@pytest.mark.anyio
async def test_refreshable_credentials_are_refreshed_and_used(fake_aws: FakeAws) -> None:
    from datetime import datetime, timedelta, timezone

    from aiobotocore.credentials import AioRefreshableCredentials
    from aiobotocore.session import get_session

    refreshed = 0

    async def refresh() -> dict[str, str]:
        nonlocal refreshed
        refreshed += 1
        expiry = datetime.now(timezone.utc) + (timedelta(seconds=1) if refreshed == 1 else timedelta(hours=1))
        return {
            "access_key": f"AKIDREFRESHED{refreshed}",
            "secret_key": f"refreshed-secret-number-{refreshed}",
            "token": f"refreshed-token-{refreshed}",
            "expiry_time": expiry.isoformat(),
        }

    stale = {
        "access_key": "AKIDSTALE",
        "secret_key": "stale-secret-value-000",
        "token": "stale-token",
        "expiry_time": (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat(),
    }
    session = get_session()
    session._credentials = AioRefreshableCredentials.create_from_metadata(  # pyright: ignore[reportAttributeAccessIssue]
        stale, refresh, "test"
    )
    fake_aws.always("ListCollections", ok({}))
    async with RekognitionClient(session=session, region_name="us-east-1", endpoint_url=fake_aws.url) as rek:
        await rek.list_collections()
        await rek.list_collections()  # the refreshed credentials expire within botocore's refresh window
    first, second = fake_aws.calls("ListCollections")
    assert "Credential=AKIDREFRESHED1/" in first.headers["Authorization"]
    verify_sigv4(first, "refreshed-secret-number-1", access_key="AKIDREFRESHED1")
    assert first.headers["X-Amz-Security-Token"] == "refreshed-token-1"
    assert "Credential=AKIDREFRESHED2/" in second.headers["Authorization"]
    verify_sigv4(second, "refreshed-secret-number-2", access_key="AKIDREFRESHED2")


@pytest.mark.anyio
@pytest.mark.parametrize("prefix", ["/prefix", "/prefix/", "/a path/with~chars"])
async def test_an_endpoint_with_a_path_is_joined_and_signed_as_botocore_does(fake_aws: FakeAws, prefix: str) -> None:
    fake_aws.always("ListCollections", ok({}))
    endpoint = fake_aws.url + prefix.replace(" ", "%20")
    for direct in (True, False):
        async with RekognitionClient(**client_kwargs(fake_aws, endpoint_url=endpoint, direct=direct)) as rek:
            await rek.list_collections()
    via_direct, via_botocore = fake_aws.calls("ListCollections")
    assert via_direct.path == via_botocore.path
    for sent in (via_direct, via_botocore):
        verify_sigv4(sent, SECRET_KEY)
