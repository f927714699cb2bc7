"""A scripted fake of both services' wire protocols, on a real HTTP server on 127.0.0.1.

The server runs its own asyncio loop in a thread, so tests under any async
backend (asyncio or trio) reach it through the whole aiobotocore stack.

Tests script replies per operation with :meth:`FakeAws.on` and read what
arrived in :attr:`FakeAws.requests`.
"""

from __future__ import annotations

import asyncio
import json
import re
import ssl
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from aiohttp import web

LFV_MODEL = (
    Path(__file__).resolve().parents[1]
    / "src/aws_vision_async/lookoutvision/data/lookoutvision/2020-11-20/service-2.json"
)
REK_JSON = "application/x-amz-json-1.1"


@dataclass
class Recorded:
    """One request as the server received it."""

    operation: str
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else {}


@dataclass
class Reply:
    """A reply to send: status, JSON body, headers."""

    status: int = 200
    body: Any = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    delay: float = 0.0
    drop: bool = False
    content_type: str | None = None


Responder = Reply | Callable[[Recorded], Reply]


def ok(body: Any = None, **headers: str) -> Reply:
    return Reply(200, {} if body is None else body, dict(headers))


def rek_error(code: str, message: str = "", status: int = 400) -> Reply:
    """A Rekognition (awsJson1_1) error."""
    return Reply(status, {"__type": code, "Message": message or code})


def lfv_error(code: str, status: int, message: str = "", retry_after: int | None = None) -> Reply:
    """A Lookout for Vision (restJson1) error: code in X-Amzn-ErrorType."""
    headers = {"X-Amzn-ErrorType": f"{code}:http://internal.amazon.com/coral/com.amazonaws.lookoutvision/"}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return Reply(status, {"message": message or code}, headers)


def proxy_error(status: int) -> Reply:
    """A 5xx page from a proxy or load balancer in front of the service: HTML, no AWS error code."""
    page = f"<html><head><title>{status}</title></head><body><h1>{status}</h1></body></html>"
    return Reply(status, raw=page.encode(), content_type="text/html")


def drop() -> Reply:
    """Close the connection without replying."""
    return Reply(drop=True)


def _lfv_routes() -> list[tuple[str, re.Pattern[str], str]]:
    model = json.loads(LFV_MODEL.read_text())
    routes = []
    for name, op in model["operations"].items():
        uri = op["http"]["requestUri"].split("?")[0]
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(uri)) + "$"
        routes.append((op["http"]["method"], re.compile(pattern), name))
    # Longer templates first, so /projects/{p}/datasets/{t} wins over /projects/{p}.
    routes.sort(key=lambda r: -len(r[1].pattern))
    return routes


class FakeAws:
    """The fake server. Use the ``fake_aws`` fixture rather than building one."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self._ssl = ssl_context
        self.requests: list[Recorded] = []
        self._scripts: dict[str, deque[Responder]] = defaultdict(deque)
        self._defaults: dict[str, Responder] = {}
        self._routes = _lfv_routes()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.open_connections = 0
        self.max_open_connections = 0

    # -- scripting -------------------------------------------------------------

    def on(self, operation: str, *replies: Responder) -> None:
        """Queue replies for ``operation``, used once each in order."""
        self._scripts[operation].extend(replies)

    def always(self, operation: str, reply: Responder) -> None:
        """Answer ``operation`` with ``reply`` whenever nothing is queued."""
        self._defaults[operation] = reply

    def calls(self, operation: str) -> list[Recorded]:
        return [r for r in self.requests if r.operation == operation]

    def reset(self) -> None:
        self.requests.clear()
        self._scripts.clear()
        self._defaults.clear()

    # -- serving -----------------------------------------------------------------

    def _operation(self, request: web.Request) -> str:
        target = request.headers.get("X-Amz-Target")
        if target:
            return target.split(".", 1)[1]
        for method, pattern, name in self._routes:
            if method == request.method and pattern.match(request.path):
                return name
        return f"UNKNOWN {request.method} {request.path}"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        rec = Recorded(
            operation=self._operation(request),
            method=request.method,
            path=unquote(request.path),
            query=dict(request.query),
            headers=dict(request.headers),
            body=body,
        )
        self.requests.append(rec)
        script = self._scripts.get(rec.operation)
        responder: Responder | None = script.popleft() if script else self._defaults.get(rec.operation)
        if responder is None:
            reply = Reply(500, {"__type": "NotScripted", "Message": f"no reply scripted for {rec.operation}"})
        else:
            reply = responder(rec) if callable(responder) else responder
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.drop:
            assert request.transport is not None
            request.transport.abort()
            return web.Response()
        is_rek = "X-Amz-Target" in request.headers
        headers = {"x-amzn-RequestId": f"req-{len(self.requests)}", **reply.headers}
        data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
        return web.Response(
            status=reply.status,
            body=data,
            headers=headers,
            content_type=reply.content_type or (REK_JSON if is_rek else "application/json"),
        )

    def _on_connect(self, delta: int) -> None:
        self.open_connections += delta
        self.max_open_connections = max(self.max_open_connections, self.open_connections)

    def start(self) -> None:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            # Room for Rekognition's largest request (5 MB of image, base64): aiohttp's default is 1 MiB.
            app = web.Application(client_max_size=16 * 1024 * 1024)
            app.router.add_route("*", "/{tail:.*}", self._handle)
            runner = web.AppRunner(app, access_log=None)
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=self._ssl)
            loop.run_until_complete(site.start())
            server = site._server
            assert server is not None
            port = server.sockets[0].getsockname()[1]
            self.url = f"{'https' if self._ssl else 'http'}://127.0.0.1:{port}"
            self._runner = runner
            ready.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-aws", daemon=True)
        self._thread.start()
        ready.wait(10)

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)


def serve() -> Iterator[FakeAws]:
    server = FakeAws()
    server.start()
    try:
        yield server
    finally:
        server.stop()
