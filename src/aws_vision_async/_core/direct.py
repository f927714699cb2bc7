"""The direct request path: a validated request straight to signed HTTP, past botocore's per-call machinery.

For every call botocore walks its event chain, validates and serializes the
parameter dict (which the SDK's model has validated already), and resolves the
endpoint through its rule set; only then does it sign and send. For an
operation whose input binds wholly to a JSON body (every Rekognition
operation) none of that depends on the call, so this path does it once per
client and operation and then, per attempt, only:

* encodes the request dict as botocore's JSON serializer would (members by
  wire name, blobs in base64, timestamps in epoch seconds);
* adds the headers botocore adds (target, content type, user agent, the SDK's
  attempt headers), signs with SigV4 using the client's own credentials
  (refreshed as aiobotocore refreshes them) and the signing name and Region the
  endpoint rules gave (the same headers signed as botocore's ``SigV4Auth``
  signs; the derived key is kept for its day);
* sends through the client's own HTTP session (its pool, proxies, timeouts and
  TLS settings), and hands a 2xx body on raw; an error reply goes through
  botocore's own error parser, into the ``ClientError`` botocore would raise.

What it does not do: emit botocore's per-call events (``before-call``,
``request-created``, ``before-send``, ``after-call``, ...), so handlers and
instrumentation hooked there do not see these requests. Clients made with
``direct=False`` keep botocore's path for every operation. Operations that bind
members to the URI, headers or query string (Lookout for Vision's), or whose
endpoint may depend on the input, always take botocore's path.
"""

from __future__ import annotations

import base64
import calendar
import datetime
import hashlib
import hmac
import json
import logging
import time
import weakref
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote, urlsplit

import botocore
from botocore.exceptions import ClientError, NoCredentialsError

from . import compat, fastparse
from .attempt import Attempt
from .botocore_path import BotocoreTransport, install
from .clock import OFFSET, ClientClock
from .transport import Reply, Request

__all__ = ["DirectPath", "DirectTransport", "direct_path", "encode_body", "open_transport"]

_log = logging.getLogger("aws_vision_async")

_SIGV4: Final = frozenset({"v4", "sigv4"})
# botocore's SigV4Auth signs every header but these (auth.py, SIGNED_HEADERS_BLACKLIST).
_UNSIGNED_HEADERS: Final = frozenset({"expect", "transfer-encoding", "user-agent", "x-amzn-trace-id"})
# One DirectPath per aiobotocore client, dropped with it.
_PATHS: weakref.WeakKeyDictionary[Any, DirectPath | None] = weakref.WeakKeyDictionary()


def _default(value: object) -> object:
    # What json.dumps cannot encode, as botocore's JSON serializer writes it.
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc)
        return int(calendar.timegm(value.timetuple()))
    raise TypeError(f"{type(value).__name__} is not a JSON request value")


def encode_body(params: dict[str, Any]) -> bytes:
    """The JSON body botocore would send for ``params`` (a request dict by wire names).

    Args:
        params: The request, as ``model_dump(by_alias=True, exclude_unset=True)`` gives it.

    Returns:
        The UTF-8 JSON bytes.
    """
    return json.dumps(params, default=_default, separators=(",", ":")).encode()


def _signing_key(secret: str, day: str, region: str, service: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


class _Keys:
    """Frozen credentials, for one signature; never shown (an error reporter may print a frame's locals)."""

    __slots__ = ("access_key", "fingerprint", "secret_key", "token")

    def __init__(self, frozen: Any) -> None:
        self.access_key: str = frozen.access_key
        self.secret_key: str = frozen.secret_key
        self.token: str | None = frozen.token
        self.fingerprint = hashlib.sha256(self.secret_key.encode()).digest()

    def __repr__(self) -> str:
        return "<credentials>"


class _Route:
    """What is fixed for one operation of one client: where it goes and how it is signed."""

    __slots__ = ("headers", "host", "path", "region", "signing_name", "url")

    def __init__(self, url: str, headers: dict[str, str], signing_name: str, region: str) -> None:
        # As botocore joins the endpoint and the operation's "/": an endpoint's own path stays as it is.
        parts = urlsplit(url)
        self.url = url if parts.path else url + "/"
        self.path = quote(compat.normalize_url_path(parts.path or "/"), safe="/~")  # as SigV4Auth signs it
        self.headers = headers
        self.signing_name = signing_name
        self.region = region
        self.host = _canonical_host(url)


def _canonical_host(url: str) -> str:
    # As botocore's SigV4Auth: the Host header, without a default port.
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # IPv6
    if parts.port is not None and (parts.scheme, parts.port) not in {("http", 80), ("https", 443)}:
        host = f"{host}:{parts.port}"
    return host


class DirectPath:
    """The direct path of one aiobotocore client; see the module docstring."""

    def __init__(self, client: Any) -> None:
        """Read what the client holds: its signer, HTTP session, parser, user agent.

        Args:
            client: An open aiobotocore client of a JSON-protocol service.
        """
        self._client = client
        self._service_model = client.meta.service_model
        # What it reads of botocore's internals, through the one seam (compat.py).
        self._signer = compat.request_signer(client)
        self._http_session = compat.http_session(client)
        self._resolve_endpoint = compat.endpoint_ruleset_resolver(client)
        self._agent_string = compat.user_agent_creator(client)
        self._parser_factory = compat.response_parser_factory(client)
        #: Where each operation goes; ``None``: botocore's path.
        self.routes: dict[str, _Route | None] = {}
        self._parser: Any = None
        self._user_agent: str | None = None
        self._key: tuple[tuple[bytes | str, ...], bytes] = ((), b"")
        metadata = self._service_model.metadata
        self._target_prefix: str = metadata["targetPrefix"]
        self._content_type = f"application/x-amz-json-{metadata['jsonVersion']}"

    def _eligible(self, operation_model: Any) -> bool:
        input_shape = operation_model.input_shape
        if input_shape is not None and any("location" in m.serialization for m in input_shape.members.values()):
            return False
        return not (
            operation_model.endpoint  # a host prefix
            or operation_model.context_parameters
            or operation_model.static_context_parameters
            or getattr(operation_model, "operation_context_parameters", None)
            or operation_model.has_streaming_input
            or operation_model.has_event_stream_output
            or operation_model.http_checksum
            or operation_model.request_compression
            or operation_model.auth_type not in (None, *_SIGV4)
        )

    async def route(self, operation_name: str) -> _Route | None:
        """Resolve where ``operation_name`` goes, once; ``None`` when it must take botocore's path."""
        if operation_name in self.routes:
            return self.routes[operation_name]
        route: _Route | None = None
        operation_model = self._service_model.operation_model(operation_name)
        if self._eligible(operation_model):
            client = self._client
            context: dict[str, Any] = {
                "client_region": client.meta.region_name,
                "client_config": client.meta.config,
                "has_streaming_input": False,
                "auth_type": operation_model.resolved_auth_type,
                "unsigned_payload": operation_model.unsigned_payload,
                "auth_options": self._service_model.metadata.get("auth"),
            }
            # No input parameter feeds the rules (checked above): one answer for every call.
            try:
                resolved: tuple[str, Any, Any] = await self._resolve_endpoint(operation_model, {}, context)
                url, headers, properties = resolved
            except (AttributeError, TypeError, ValueError) as exc:
                # A release changed how rules resolve: botocore's own path still knows.
                problem = f"compat.endpoint_ruleset_resolver failed for {operation_name} ({type(exc).__name__}: {exc})"
                _warn_fallback([problem], "this operation")
                self.routes[operation_name] = None
                return None
            signing: dict[str, Any] = context.get("signing") or {}
            found: dict[str, Any] = properties or {}
            schemes: list[dict[str, Any]] = found.get("authSchemes") or [{}]
            scheme = schemes[0]
            signature = context.get("auth_type") or self._signer.signature_version
            # An endpoint URL with a query string is left to botocore (it would be signed too).
            if signature in _SIGV4 and scheme.get("name", "sigv4") == "sigv4" and not urlsplit(url).query:
                route = _Route(
                    url=url,
                    headers=dict(headers or {}),
                    signing_name=signing.get("signing_name") or scheme.get("signingName") or self._signer.signing_name,
                    region=signing.get("region") or scheme.get("signingRegion") or self._signer.region_name,
                )
        self.routes[operation_name] = route
        return route

    async def send(
        self, route: _Route, operation_name: str, params: dict[str, Any], attempt: Attempt
    ) -> tuple[bytes, int, Mapping[str, str]]:
        """Send one attempt; return the 2xx body, its status and its headers (names in lower case).

        Raises:
            ClientError: The service replied with an error (parsed by botocore's parser).
            NoCredentialsError: The client has no credentials.
            botocore.exceptions.HTTPClientError: No reply arrived.
        """
        body = encode_body(params)
        # botocore logs each request it sends; this path says what it sends, without the headers.
        _log.debug(
            "%s: sending attempt %d of %d to %s (direct path, %d bytes)",
            operation_name,
            attempt.number,
            attempt.max_attempts,
            route.url,
            len(body),
        )
        # The signed request is never a local of this frame: its headers carry the
        # session token, and a network error's traceback passes through here.
        response = await self._http_session.send(await self._signed(route, operation_name, body, attempt))
        content: bytes = await response.content
        if response.status_code < 300:
            return content, response.status_code, response.headers
        raise await self._error(response, content, operation_name)

    async def _signed(self, route: _Route, operation_name: str, body: bytes, attempt: Attempt) -> Any:
        """The request of one attempt, with the headers botocore adds, signed."""
        user_agent = self._user_agent
        if user_agent is None:
            # Fixed for the client's life; botocore rebuilds it for every request.
            user_agent = self._user_agent = str(self._agent_string.to_string())
        headers: dict[str, str] = {
            "X-Amz-Target": f"{self._target_prefix}.{operation_name}",
            "Content-Type": self._content_type,
            **route.headers,
            "User-Agent": user_agent,
            "amz-sdk-invocation-id": attempt.invocation_id,
            "amz-sdk-request": f"attempt={attempt.number}; max={attempt.max_attempts}",
        }
        self._sign(route, headers, body, await self._credentials())
        return compat.prepared_request(route.url, headers, body)

    async def _credentials(self) -> _Keys:
        # As aiobotocore's signer reads them (refreshed when due).
        credentials = compat.signer_credentials(self._signer)
        if credentials is None:
            raise NoCredentialsError
        return _Keys(await credentials.get_frozen_credentials())

    def _sign(self, route: _Route, headers: dict[str, str], body: bytes, credentials: _Keys) -> None:
        """Add SigV4 headers as botocore's ``SigV4Auth`` does (same signed headers), without its request objects."""
        # The client's clock correction (_core/clock.py): the service's time, as well as it is known.
        amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(time.time() + OFFSET.get()))
        headers["X-Amz-Date"] = amz_date
        if credentials.token:
            headers["X-Amz-Security-Token"] = credentials.token
        signed = sorted(
            [("host", route.host), *((k.lower(), " ".join(v.split())) for k, v in headers.items())],
        )
        signed = [(k, v) for k, v in signed if k not in _UNSIGNED_HEADERS]
        names = ";".join(k for k, _ in signed)
        canonical = "POST\n{}\n\n{}\n{}\n{}".format(
            route.path, "".join(f"{k}:{v}\n" for k, v in signed), names, hashlib.sha256(body).hexdigest()
        )
        day = amz_date[:8]
        scope = f"{day}/{route.region}/{route.signing_name}/aws4_request"
        to_sign = f"AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        # The secret key itself is not kept: a digest of it says when it changed.
        wanted = (credentials.fingerprint, day, route.region, route.signing_name)
        if self._key[0] != wanted:
            # The derived key changes once a day (or with the credentials): derive it then,
            # not per request as botocore does. Held by this client only, dropped with it.
            self._key = (wanted, _signing_key(credentials.secret_key, day, route.region, route.signing_name))
        key = self._key[1]
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        credential = f"{credentials.access_key}/{scope}"
        headers["Authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders={names}, Signature={signature}"
        )

    async def _error(self, response: Any, body: bytes, operation_name: str) -> ClientError:
        if self._parser is None:
            # botocore's own parser factory, under the SDK's raw-body wrapper if any.
            factory = self._parser_factory
            factory = getattr(factory, "_inner", factory)
            self._parser = factory.create_parser(self._service_model.metadata["protocol"])
        operation_model = self._service_model.operation_model(operation_name)
        parsed: dict[str, Any] = await self._parser.parse(
            {
                "headers": response.headers,
                "status_code": response.status_code,
                "body": body,
                "context": {"operation_name": operation_name},
            },
            operation_model.output_shape,
        )
        code = parsed.get("Error", {}).get("Code")
        error_class: type[ClientError] = self._client.exceptions.from_code(code)
        return error_class(parsed, operation_name)


def direct_path(client: Any, problems: list[str] | None = None) -> DirectPath | None:
    """The direct path of ``client``, or ``None`` when its service or settings need botocore's path.

    Args:
        client: An open aiobotocore client.
        problems: Where to say what failed, when a botocore or aiobotocore
            release has moved something the direct path reads
            (``_core/compat.py``); then the result is ``None``, for botocore's
            own path. Without it, that is logged as a WARNING.
    """
    try:
        return _PATHS[client]
    except KeyError:
        pass
    path: DirectPath | None = None
    if client.meta.service_model.metadata.get("protocol") == "json":
        failure = compat.direct_path_failure(client)
        if failure is not None:
            name, exc = failure
            problem = f"compat.{name} failed ({type(exc).__name__}: {exc})"
            if problems is None:
                _warn_fallback([problem], "this client")
            else:
                problems.append(problem)
        elif compat.request_signer(client).signature_version is not botocore.UNSIGNED:
            path = DirectPath(client)
    _PATHS[client] = path
    return path


def _warn_fallback(problems: list[str], scope: str) -> None:
    import aiobotocore  # noqa: PLC0415 - loaded with the client

    _log.warning(
        "botocore's internals are not as this SDK knows them (botocore %s, aiobotocore %s): %s;"
        " %s sends on botocore's own request path (as with direct=False)",
        botocore.__version__,
        aiobotocore.__version__,
        "; ".join(problems),
        scope,
    )


class DirectTransport:
    """The direct path where an operation allows it, botocore's path for the others.

    Attributes:
        clock: The client's clock correction.
    """

    __slots__ = ("_fallback", "_path", "clock")

    def __init__(self, path: DirectPath, fallback: BotocoreTransport) -> None:
        """Send on ``path``, and on ``fallback`` what it cannot send."""
        self._path = path
        self._fallback = fallback
        self.clock: ClientClock = fallback.clock

    def close(self, message: str) -> None:
        """Refuse later requests with ``RuntimeError(message)``: the client was closed."""
        self._fallback.close(message)

    async def send(self, request: Request) -> Reply:
        """Send ``request`` (see :class:`~aws_vision_async._core.transport.Transport`)."""
        operation_name = request.operation.name
        route = await self._path.route(operation_name)
        if route is None:
            return await self._fallback.send(request)
        self._fallback.check_open()
        body, status, headers = await self._path.send(route, operation_name, request.params, request.attempt)
        return Reply(status, headers, body)

    def corrects_clock(self, operation_name: str) -> bool:
        """The direct path signs with the clock's offset itself; botocore's signer needs a hook."""
        return self._path.routes.get(operation_name) is not None or self._fallback.corrects_clock(operation_name)


def open_transport(client: Any, *, direct: bool) -> BotocoreTransport | DirectTransport:
    """Hook the SDK into ``client`` and return the transport its SDK client sends through.

    When botocore's internals have moved (``_core/compat.py``), logs one
    WARNING naming what failed, and sends on botocore's own path.

    Args:
        client: An open aiobotocore client.
        direct: Take the direct path where the service and operation allow it.
    """
    problems: list[str] = []
    try:
        fastparse.install(client)
    except Exception as exc:
        problems.append(f"compat.response_parser_factory failed ({type(exc).__name__}: {exc})")
    install(client)
    botocore_path = BotocoreTransport(client)
    path = direct_path(client, problems) if direct else None
    if problems:
        _warn_fallback(problems, "this client")
    if path is None:
        return botocore_path
    return DirectTransport(path, botocore_path)
