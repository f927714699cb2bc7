"""The HTTP side of the emulator: aiohttp, both wire protocols, faults, statistics."""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections import Counter
from collections.abc import Mapping
from functools import cache
from types import TracebackType
from typing import Any

import anyio
import botocore.session
from aiohttp import web
from botocore.loaders import Loader
from botocore.model import ServiceModel
from typing_extensions import Self

from ..lookoutvision._operations import SERVICE as _LFV_SERVICE
from ._faults import FaultPlan, Faults
from ._resources import InferenceUsage
from ._sample import SampleData, populate
from ._state import State
from ._timings import Timings
from ._wire import ApiError, WireModel, encode_json

__all__ = ["Emulator"]

_log = logging.getLogger("aws_vision_async.emulator")
_REK_CONTENT_TYPE = "application/x-amz-json-1.1"


@cache
def _load_models() -> tuple[WireModel, WireModel]:
    # Read once per process: the wire models hold no state of an emulator.
    session: Any = botocore.session.Session()  # botocore is untyped
    rek = session.get_service_model("rekognition")
    loader: Any = Loader(extra_search_paths=[str(_LFV_SERVICE.data_path)], include_default_search_paths=False)
    lfv = ServiceModel(loader.load_service_model("lookoutvision", "service-2"), "lookoutvision")
    return (
        WireModel(rek, "InvalidParameterException", "InvalidParameterException"),
        WireModel(lfv, "ValidationException", "ResourceNotFoundException"),
    )


class Emulator:
    """A stateful local endpoint for Rekognition and Lookout for Vision.

    It serves both services on one port over real HTTP, so any client, this
    SDK's or boto3's, reaches it with ``endpoint_url``. Requests are decoded and
    validated with botocore's service models; errors have each protocol's shape.

    Start it in-process (it runs its own event loop in a thread, so it serves
    asyncio and trio programs alike)::

        async with Emulator(sample=True) as emulator:
            async with RekognitionClient(endpoint_url=emulator.url, ...) as rek:
                ...

    or from the command line: ``python -m aws_vision_async.emulator --port 4566``.

    Slow operations (training a model, starting it...) go through their
    statuses as the service's do, in the times of ``timings``: fractions of a
    second by default.

    Attributes:
        state: The resources, inspectable and changeable between calls.
        faults: The fault plan; change it with ``faults.set(...)`` at any time.
        seed: The seed the fault draws start from, at construction and on
            every ``reset()``; ``None`` for a new sequence each time.
        requests: How many requests arrived, per ``"service:Operation"``.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        sample: bool | SampleData = False,
        faults: Mapping[str, Faults] | None = None,
        seed: int | None = None,
        region: str = "us-east-1",
        timings: Timings | None = None,
    ) -> None:
        """Describe the emulator; nothing listens until it is started.

        Args:
            host: The address to listen on; keep the default loopback address.
            port: The port; 0 picks a free one.
            sample: ``True`` for the default sample data, or a ``SampleData``.
            faults: Faults per operation (``"CreateProject"``,
                ``"lookoutvision:CreateProject"`` or ``"*"``); an operation
                neither service has is a ``ValueError`` that lists theirs.
            seed: Seed of the fault draws, for reproducible runs: the same
                sequence of requests meets the same faults. ``None`` seeds from
                the system's randomness, a different sequence every time.
            region: The Region used in ARNs.
            timings: How long slow operations take (training, starting a
                model...); ``None`` for ``Timings()``, fractions of a second.
        """
        self.host = host
        self.port = port
        self.region = region
        self._sample = SampleData() if sample is True else (sample or None)
        self._timings = timings or Timings()
        self.state = State(region, timings=self._timings)
        if self._sample is not None:
            populate(self.state, self._sample)
        self.seed = seed
        # Kept so that reset() can restore them: "reset" means "as new".
        self._initial_faults = dict(faults or {})
        self._rek, self._lfv = _load_models()
        operations = {"rekognition": self._rek.model.operation_names, "lookoutvision": self._lfv.model.operation_names}
        self.faults = FaultPlan(faults, seed, operations=operations)
        self.requests: Counter[str] = Counter()
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Event | None = None
        self.url = ""

    def __repr__(self) -> str:
        return f"<Emulator {self.url or 'not started'}>"

    @property
    def timings(self) -> Timings:
        """How long slow operations take; set it to change them for the operations asked for next."""
        return self._timings

    @timings.setter
    def timings(self, timings: Timings) -> None:
        self._timings = timings
        self.state.timings = timings

    def running_versions(self) -> list[str]:
        """The ARNs of the Custom Labels model versions started and not stopped (STARTING or RUNNING).

        ``assert emulator.running_versions() == []`` at the end of a test says
        that the code under test stopped every model it started.
        """
        return self.state.running_versions()

    def inference_usage(self, project_version_arn: str | None = None) -> list[InferenceUsage]:
        """The inference units model versions held, one record per start: see ``State.inference_usage``.

        Args:
            project_version_arn: Only this version's records; all when ``None``.
        """
        return self.state.inference_usage(project_version_arn)

    # -- requests --------------------------------------------------------------------

    def _error_response(self, service: str, error: ApiError) -> web.Response:
        headers = {"x-amzn-RequestId": str(uuid.uuid4()), **error.headers}
        if service == "rekognition":
            body = encode_json({"__type": error.code, "Message": error.message})
            return web.Response(status=error.status, body=body, headers=headers, content_type=_REK_CONTENT_TYPE)
        headers["x-amzn-ErrorType"] = error.code
        body = encode_json({"message": error.message})
        return web.Response(status=error.status, body=body, headers=headers, content_type="application/json")

    def _fault_error(self, service: str, kind: str) -> ApiError:
        if kind == "quota":  # the operation's tps quota, worded as AWS words it
            if service == "rekognition":
                return ApiError("ThrottlingException", 400, "Rate exceeded")
            return ApiError("ThrottlingException", 429, "Rate exceeded", {"Retry-After": "1"})
        if kind == "throttle":
            if service == "rekognition":
                return ApiError("ThrottlingException", 400, "Rate exceeded (injected fault)")
            return ApiError("ThrottlingException", 429, "Rate exceeded (injected fault)", {"Retry-After": "1"})
        code = "InternalServerError" if service == "rekognition" else "InternalServerException"
        headers = {} if service == "rekognition" else {"Retry-After": "1"}
        return ApiError(code, 500, "Internal failure (injected fault)", headers)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        service = "rekognition" if "X-Amz-Target" in request.headers else "lookoutvision"
        wire = self._rek if service == "rekognition" else self._lfv
        try:
            decoded = wire.decode(request.method, request.path, request.query, request.headers, body)
        except ApiError as exc:
            self.requests[f"{service}:?"] += 1
            return self._error_response(service, exc)
        operation = decoded.operation
        key = f"{service}:{operation}"
        self.requests[key] += 1
        fault, latency = self.faults.draw(key, operation)
        if latency:
            await asyncio.sleep(latency)
        if fault == "drop":
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=500)
        try:
            if fault in ("throttle", "server_error", "quota"):
                raise self._fault_error(service, fault)
            result = self._run(service, operation, decoded.params)
            if fault == "commit_then_fail":
                raise self._fault_error(service, "server_error")
        except ApiError as exc:
            return self._error_response(service, exc)
        headers = {"x-amzn-RequestId": str(uuid.uuid4())}
        if service == "rekognition":
            return web.Response(body=encode_json(result), headers=headers, content_type=_REK_CONTENT_TYPE)
        status = int(wire.model.operation_model(operation).http.get("responseCode", 200))
        return web.Response(status=status, body=encode_json(result), headers=headers, content_type="application/json")

    def _run(self, service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        handlers = self.state.rekognition if service == "rekognition" else self.state.lookoutvision
        handler = handlers.get(operation)
        if handler is None:
            raise ApiError(
                "NotImplementedException", 501, f"{operation} is not emulated by aws-vision-async's emulator"
            )
        return handler(params)

    def app(self) -> web.Application:
        """The aiohttp application, for embedding in a server of your own."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        return app

    # -- running -------------------------------------------------------------------------

    async def serve(self) -> None:
        """Serve on the running asyncio loop until cancelled (the command line's way)."""
        runner = web.AppRunner(self.app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self.url = self._url_of(runner)
        _log.info("emulator listening on %s", self.url)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    def _url_of(self, runner: web.AppRunner) -> str:
        # With port 0 the system picked the port: read it back.
        address: Any = runner.addresses[0]
        return f"http://{self.host}:{address[1]}"

    def start(self) -> str:
        """Start serving in a thread of its own; return the endpoint URL.

        Raises:
            RuntimeError: It is running already, or did not start.
        """
        if self._thread is not None:
            raise RuntimeError("the emulator is running already")
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            stopped = asyncio.Event()
            self._stopped = stopped

            async def main() -> None:
                runner = web.AppRunner(self.app(), access_log=None)
                await runner.setup()
                try:
                    site = web.TCPSite(runner, self.host, self.port)
                    await site.start()
                    self.url = self._url_of(runner)
                    self._runner = runner
                    ready.set()
                    await stopped.wait()
                finally:
                    await runner.cleanup()

            try:
                loop.run_until_complete(main())
            except BaseException as exc:  # reported to start()'s caller
                failure.append(exc)
                ready.set()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=run, name="aws-vision-async-emulator", daemon=True)
        self._thread.start()
        if not ready.wait(30) or failure:
            self._thread = None
            raise RuntimeError("the emulator did not start") from (failure[0] if failure else None)
        return self.url

    def stop(self) -> None:
        """Stop serving and join the thread. Idempotent."""
        thread, self._thread = self._thread, None
        if thread is None or self._loop is None or self._stopped is None:
            return
        self._loop.call_soon_threadsafe(self._stopped.set)
        thread.join(30)

    def reset(self, *, sample: bool | SampleData | None = None) -> None:
        """Make the emulator as new: its first sample data and faults, fault draws from ``seed``, no counts.

        Every resource made since is forgotten (models and their inference
        usage too) and every fault set since removed; the fault draws start
        again from ``seed``, so that the same requests after each reset meet
        the same faults. ``timings`` stay as they are.

        Args:
            sample: The sample data to start from instead of the constructor's:
                ``False`` for none, ``True`` for the default, or a ``SampleData``.
        """
        chosen = self._sample if sample is None else (SampleData() if sample is True else (sample or None))
        self.state = State(self.region, timings=self._timings)
        if chosen is not None:
            populate(self.state, chosen)
        self.faults.clear()
        for operation, faults in self._initial_faults.items():
            self.faults.set(operation, faults)
        self.faults.reseed(self.seed)
        self.requests.clear()

    async def __aenter__(self) -> Self:
        await anyio.to_thread.run_sync(self.start)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await anyio.to_thread.run_sync(self.stop)
