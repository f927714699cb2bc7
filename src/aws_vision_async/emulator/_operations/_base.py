# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false, reportUnknownMemberType=false
# (requests are decoded JSON, untyped by nature)
"""What every family of operations shares: the account's clock, lock, S3, paging, idempotency, handler table.

:class:`StateBase` is the root of the emulated account. A family of operations is a
subclass of it (see ``_operations``); the handler table
(``state.rekognition``, ``state.lookoutvision``) is made of the methods marked with
:func:`handles`, each run under the state's lock after the statuses are brought up to
the clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from functools import wraps
from typing import Any, Final, Literal, TypeVar

from ..._core.images import IMAGE_PREFIXES, MAX_IMAGE_BYTES
from .._timings import Timings
from .._wire import ApiError

__all__ = [
    "ACCOUNT",
    "IDEMPOTENCY_WINDOW",
    "MAX_IMAGE_BYTES",
    "MAX_RESULTS",
    "MAX_S3_IMAGE_BYTES",
    "MAX_TAGS",
    "Handler",
    "PageTokens",
    "StateBase",
    "check_tag_count",
    "handles",
    "millis",
    "scope",
    "with_token",
]

ACCOUNT = "123456789012"
MAX_RESULTS = 100
#: How long a client token is remembered, as the services document.
IDEMPOTENCY_WINDOW = 8 * 3600.0

Handler = Callable[[dict[str, Any]], dict[str, Any]]
Service = Literal["rekognition", "lookoutvision"]

_H = TypeVar("_H", bound=Callable[..., dict[str, Any]])
# The attribute that marks a method as an operation's handler: (service, operation name).
_MARK: Final = "__emulates__"


def handles(service: Service, operation: str) -> Callable[[_H], _H]:
    """Mark a method of a family as the handler of ``service``'s ``operation``.

    Args:
        service: ``"rekognition"`` or ``"lookoutvision"``.
        operation: The operation's name, such as ``"CreateProject"``.

    Returns:
        A decorator that returns the method unchanged, marked.
    """

    def mark(method: _H) -> _H:
        setattr(method, _MARK, (service, operation))
        return method

    return mark


def millis(moment: datetime) -> int:
    """``moment`` in milliseconds since the epoch, as ARNs carry it."""
    return int(moment.timestamp() * 1000)


# Image limits of "Guidelines and quotas in Amazon Rekognition"
# (https://docs.aws.amazon.com/rekognition/latest/dg/limits.html): 5 MB as raw bytes
# (MAX_IMAGE_BYTES, the SDK's own), 15 MB as an S3 object; JPEG and PNG only, known by
# their first bytes (IMAGE_PREFIXES).
MAX_S3_IMAGE_BYTES = 15 * 1024 * 1024


#: User tags per resource: "Maximum number of tags per resource: 50" (Tagging AWS
#: resources, "Tag naming limits and requirements").
MAX_TAGS = 50


def check_tag_count(count: int) -> None:
    """Refuse more than ``MAX_TAGS`` tags on one resource (``ServiceQuotaExceededException``)."""
    if count > MAX_TAGS:
        raise ApiError(
            "ServiceQuotaExceededException",
            400,
            f"A resource can have at most {MAX_TAGS} tags; this request would give it {count}.",
        )


# -- pagination ---------------------------------------------------------------------------------


class PageTokens:
    """Opaque pagination tokens, bound to an operation and its filters, signed.

    Standard base64 of the payload and its HMAC, which fits both services'
    token constraints (Lookout for Vision: ``[a-zA-Z0-9/+=]{0,2048}``;
    Rekognition: at most 255 characters).
    """

    _SIGNATURE_BYTES = 12

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[: self._SIGNATURE_BYTES]

    def issue(self, operation: str, offset: int, scope: str) -> str:
        """The token of the page of ``operation`` that starts at ``offset``, for requests of ``scope``."""
        payload = json.dumps({"o": operation, "i": offset, "s": scope}, separators=(",", ":")).encode()
        return base64.b64encode(payload + self._sign(payload)).decode()

    def read(self, operation: str, token: str, scope: str) -> int | None:
        """The offset ``token`` stands for; ``None`` if it was not issued for ``operation`` and ``scope``."""
        try:
            raw = base64.b64decode(token, validate=True)
        except ValueError:
            return None
        payload, signature = raw[: -self._SIGNATURE_BYTES], raw[-self._SIGNATURE_BYTES :]
        if not hmac.compare_digest(self._sign(payload), signature):
            return None
        try:
            data = json.loads(payload)
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("o") != operation or data.get("s") != scope:
            return None
        offset = data.get("i")
        return offset if isinstance(offset, int) and offset >= 0 else None


def with_token(page: dict[str, Any], token: str | None) -> dict[str, Any]:
    """``page`` with ``NextToken`` when ``token`` is one."""
    # A page carries NextToken only when more follow, as the services reply.
    return {**page, "NextToken": token} if token else page


def scope(params: dict[str, Any], *skip: str) -> str:
    """A digest of a request's parameters, less paging and ``skip``: what a token or client token is bound to."""
    rest = {k: v for k, v in params.items() if k not in ("NextToken", "MaxResults", *skip)}
    return hashlib.sha256(json.dumps(rest, sort_keys=True, default=str).encode()).hexdigest()[:16]


# -- the account --------------------------------------------------------------------------------


class StateBase:
    """The account and Region every family of operations works in, and what they share.

    Attributes:
        region: The Region in ARNs.
        clock: The time in seconds since the epoch (``time.time``); replace it
            to move time by hand.
        timings: How long slow operations take.
        lock: Held by every operation, so that a test may read the state while the
            emulator serves.
        s3_objects: The emulator's S3: objects by ``(bucket, key)``. Fill it with
            ``put_object``.
        rekognition: The Rekognition handlers by operation name; replace one to
            change what the emulator answers.
        lookoutvision: The Lookout for Vision handlers by operation name.
        resource_tags: The tags of every taggable resource, by ARN less ``arn:``
            (:meth:`tag_key`).
    """

    def __init__(
        self,
        region: str = "us-east-1",
        clock: Callable[[], float] = time.time,
        timings: Timings | None = None,
    ) -> None:
        self.region = region
        self.clock = clock
        self.timings = timings or Timings()
        self.lock = threading.RLock()
        self.s3_objects: dict[tuple[str, str], bytes] = {}
        self._tokens = PageTokens()
        self._idempotency: dict[tuple[str, str], tuple[str, dict[str, Any], float]] = {}
        self._serial = 0
        self.resource_tags: dict[str, dict[str, str]] = {}
        self._create_stores()
        self.rekognition = self._handlers("rekognition")
        self.lookoutvision = self._handlers("lookoutvision")

    def _create_stores(self) -> None:
        """Make each family's resources: a family that has some overrides this, calling ``super()``."""

    def _catch_up(self, now: float) -> None:
        """Finish what is due by ``now``: a family with slow operations overrides this, calling ``super()``."""

    def _handlers(self, service: Service) -> dict[str, Handler]:
        # From the base to the most derived class, in the order of definition: a
        # family that redefines an operation's handler wins.
        table: dict[str, Handler] = {}
        for cls in reversed(type(self).__mro__):
            for name, member in vars(cls).items():
                mark = getattr(member, _MARK, None)
                if mark is not None and mark[0] == service:
                    table[mark[1]] = self._locked(getattr(self, name))
        return table

    def _locked(self, handler: Handler) -> Handler:
        @wraps(handler)
        def run(params: dict[str, Any]) -> dict[str, Any]:
            with self.lock:
                self.tick()
                return handler(params)

        return run

    def _created(self) -> datetime:
        # Strictly increasing creation times keep "sorted by creation" stable.
        self._serial += 1
        return datetime.fromtimestamp(round(self.clock(), 3) + self._serial / 1000, timezone.utc)

    # -- time ----------------------------------------------------------------------------------

    def tick(self) -> None:
        """Bring every status up to the clock: finish what is due, in the order it fell due."""
        with self.lock:
            self._catch_up(self.clock())

    # -- the emulator's S3 ---------------------------------------------------------------------

    def put_object(self, bucket: str, key: str, body: bytes | str) -> None:
        """Store an object in the emulator's S3, for operations that read S3 to find it.

        Args:
            bucket: The bucket.
            key: The object's key (``Name`` in the services' ``S3Object``).
            body: Its content; text is stored as UTF-8.
        """
        with self.lock:
            self.s3_objects[(bucket, key)] = body.encode() if isinstance(body, str) else bytes(body)

    def image_bytes(self, image: dict[str, Any], *, max_bytes: int = MAX_IMAGE_BYTES, name: str = "Image") -> bytes:
        """The bytes of a request's image (its ``Bytes`` or the ``S3Object`` it names), checked as AWS does.

        Args:
            image: The request's ``Image`` (or ``SourceImage``...) member.
            max_bytes: The operation's limit for ``Bytes`` (5 MB for most, 4 MB for
                ``DetectCustomLabels``); an S3 object may be up to 15 MB.
            name: The member's name, for messages.

        Returns:
            The image's bytes; for an S3 object not in the emulator's S3, the location
            (``s3://bucket/name?version``), which stands for an image never seen.

        Raises:
            ApiError: Neither or both of ``Bytes`` and ``S3Object`` (``InvalidParameterException``),
                an image above the limit (``ImageTooLargeException``), or one that is neither
                a JPEG nor a PNG (``InvalidImageFormatException``).
        """
        if ("Bytes" in image) == ("S3Object" in image):
            raise ApiError("InvalidParameterException", 400, f"{name} needs either Bytes or S3Object")
        if "Bytes" in image:
            data, limit = image["Bytes"], max_bytes
        else:
            location = image["S3Object"]
            stored = self.s3_objects.get((location.get("Bucket", ""), location.get("Name", "")))
            if stored is None:
                # Not in the emulator's S3: the location stands for the image.
                ref = f"s3://{location.get('Bucket', '')}/{location.get('Name', '')}?{location.get('Version', '')}"
                return ref.encode()
            data, limit = stored, MAX_S3_IMAGE_BYTES
        if len(data) > limit:
            raise ApiError("ImageTooLargeException", 400, f"{name} is {len(data)} bytes, above {limit}")
        if not bytes(data[:8]).startswith(IMAGE_PREFIXES):  # the same test as the SDK's client-side check
            raise ApiError("InvalidImageFormatException", 400, "Request has unsupported image format")
        return bytes(data)

    def _s3_text(self, s3_object: dict[str, Any]) -> str | None:
        body = self.s3_objects.get((s3_object.get("Bucket", ""), s3_object.get("Name", "")))
        if body is None:
            return None
        try:
            return body.decode()
        except UnicodeDecodeError:
            return None

    # -- tags --------------------------------------------------------------------------------

    @staticmethod
    def tag_key(arn: str) -> str:
        """The key of a resource's tags: its ARN without the ``arn:`` prefix.

        ``CreateCollection`` returns a collection's ARN without it
        (``aws:rekognition:...``), and ``TagResource`` takes either form.
        """
        return arn.removeprefix("arn:")

    def record_tags(self, arn: str, tags: dict[str, str] | None) -> None:
        """Give a new resource its ``Tags`` (at creation: every ``Create*`` that takes them calls this)."""
        self.resource_tags[self.tag_key(arn)] = dict(tags or {})

    def forget_tags(self, arn: str) -> None:
        """Drop a deleted resource's tags, so that a new one of the same name starts with none."""
        self.resource_tags.pop(self.tag_key(arn), None)

    # -- shared mechanics --------------------------------------------------------------------

    def page(
        self,
        operation: str,
        params: dict[str, Any],
        items: Sequence[Any],
        invalid_token: ApiError,
    ) -> tuple[Sequence[Any], str | None]:
        """One page of ``items`` and the token of the next, if any."""
        scope_ = scope(params)
        start = 0
        token = params.get("NextToken")
        if token is not None:
            offset = self._tokens.read(operation, token, scope_)
            if offset is None:
                raise invalid_token
            start = offset
        # MaxResults 0 (which ListCollections allows) gets the default page size.
        size = params.get("MaxResults") or MAX_RESULTS
        end = start + size
        nxt = self._tokens.issue(operation, end, scope_) if end < len(items) else None
        return items[start:end], nxt

    def idempotent(
        self,
        *,
        service: str,
        operation: str,
        params: dict[str, Any],
        token_member: str,
        mismatch: ApiError,
        run: Handler,
    ) -> dict[str, Any]:
        """Run ``run`` once per client token within the idempotency window.

        The same token with the same parameters gets the first result again;
        with different parameters, ``mismatch``.
        """
        token = params.get(token_member)
        if token is None:
            return run(params)
        now = self.clock()
        key = (f"{service}:{operation}", token)
        fingerprint = scope(params, token_member)
        seen = self._idempotency.get(key)
        if seen is not None and seen[2] > now:
            if seen[0] != fingerprint:
                raise mismatch
            return seen[1]
        result = run(params)
        self._idempotency[key] = (fingerprint, result, now + IDEMPOTENCY_WINDOW)
        return result
