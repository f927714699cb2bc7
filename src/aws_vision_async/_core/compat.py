"""The one seam to botocore's and aiobotocore's internals.

Everything the SDK reads or writes in botocore or aiobotocore beyond their
documented API (clients, sessions, ``Config``, events, exceptions) is one
small function here, with what it reads and since when. Each has a test
(``tests/core/test_compat.py``) that names it when a new release breaks it.

Checked with botocore 1.43.117 and aiobotocore 3.10.0 (the lowest aiobotocore
the package declares). "Since" gives the release that introduced what is read,
where it is known; otherwise the versions it was checked with.

When a release moves something the direct path needs, :func:`direct_path_failure`
says which function failed when a client opens: the client logs one WARNING and
sends on botocore's own request path (``direct=False``), and calls still work.
"""

# pyright: reportPrivateUsage=false
# (reading botocore's and aiobotocore's private names is this module's purpose)

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from typing import Any, Final

import botocore
import botocore.httpsession
import botocore.loaders
import botocore.utils
from aiobotocore.httpsession import AIOHTTPSession
from botocore.awsrequest import AWSPreparedRequest

__all__ = [
    "CHECKED_WITH",
    "DIRECT_PATH_ACCESSES",
    "SESSION_OVERRIDES",
    "aiohttp_session_settings",
    "auth_instance_factory",
    "base_build_ssl_contexts",
    "base_create_connector",
    "base_get_session",
    "builtin_handlers",
    "cert_path",
    "current_datetime",
    "direct_path_failure",
    "endpoint_ruleset_resolver",
    "forget_loader_cache",
    "http_session",
    "instance_cache",
    "load_json_file",
    "no_connection_resend",
    "normalize_url_path",
    "prepared_request",
    "process_extras",
    "request_signer",
    "response_parser_factory",
    "session_components",
    "session_initializers",
    "set_auth_instance_factory",
    "set_response_parser_factory",
    "set_retry_context",
    "shift_signing_time",
    "signer_credentials",
    "signing_time_shiftable",
    "user_agent_creator",
]

#: The releases every access here was checked with.
CHECKED_WITH: Final = "botocore 1.43.117, aiobotocore 3.10.0"


# -- the aiobotocore client: the direct path ------------------------------------------


def request_signer(client: Any) -> Any:
    """The client's ``RequestSigner``: ``client._request_signer`` (botocore since 1.0).

    The direct path reads its ``signature_version``, ``signing_name`` and
    ``region_name`` (public attributes of the signer).
    """
    signer = client._request_signer
    # Read here, so that a signer without them fails at client start.
    for name in ("signature_version", "signing_name", "region_name"):
        getattr(signer, name)
    return signer


def signer_credentials(signer: Any) -> Any:
    """The credentials the signer signs with (refreshed by aiobotocore): ``signer._credentials`` (botocore 1.0).

    ``None`` when the client has no credentials; otherwise an object with an
    awaitable ``get_frozen_credentials()`` (aiobotocore's credentials).
    """
    return signer._credentials


def http_session(client: Any) -> Any:
    """The client's HTTP session (pool, proxies, TLS): ``client._endpoint.http_session`` (aiobotocore 1.0).

    Its ``send(AWSPreparedRequest)`` returns a response with ``status_code``,
    ``headers`` and an awaitable ``content``.
    """
    session = client._endpoint.http_session
    if not callable(getattr(session, "send", None)):
        raise AttributeError(f"{type(session).__name__} has no send()")
    return session


def response_parser_factory(client: Any) -> Any:
    """The endpoint's response-parser factory: ``client._endpoint._response_parser_factory`` (botocore 1.0)."""
    return client._endpoint._response_parser_factory


def set_response_parser_factory(client: Any, factory: object) -> None:
    """Replace the endpoint's response-parser factory (see :func:`response_parser_factory`)."""
    client._endpoint._response_parser_factory = factory


def endpoint_ruleset_resolver(client: Any) -> Callable[[Any, dict[str, Any], dict[str, Any]], Awaitable[Any]]:
    """The client's endpoint resolution: ``client._resolve_endpoint_ruleset`` (botocore 1.28, rulesets).

    Called as ``await resolve(operation_model, params, request_context)``; it
    returns ``(url, headers, properties)`` and writes the signing settings into
    ``request_context["signing"]`` (aiobotocore makes it a coroutine).
    """
    resolve: Callable[[Any, dict[str, Any], dict[str, Any]], Awaitable[Any]] = client._resolve_endpoint_ruleset
    return resolve


def user_agent_creator(client: Any) -> Any:
    """The client's user-agent builder: ``client._user_agent_creator`` (botocore 1.31, ``UserAgentString``).

    Its ``to_string()`` gives the ``User-Agent`` botocore sends.
    """
    creator = client._user_agent_creator
    if not callable(getattr(creator, "to_string", None)):
        raise AttributeError(f"{type(creator).__name__} has no to_string()")
    return creator


def normalize_url_path(path: str) -> str:
    """Botocore's path normalization, as ``SigV4Auth`` signs a path: ``botocore.utils.normalize_url_path``."""
    normalized: str = vars(botocore.utils)["normalize_url_path"](path)
    return normalized


def prepared_request(url: str, headers: dict[str, str], body: bytes) -> Any:
    """A POST request as botocore's HTTP sessions take it: ``botocore.awsrequest.AWSPreparedRequest``."""
    return AWSPreparedRequest("POST", url, headers, body, stream_output=False, context={})


#: What the direct path reads from a client, by function name, in the order it reads them.
DIRECT_PATH_ACCESSES: Final = (
    "request_signer",
    "signer_credentials",
    "http_session",
    "response_parser_factory",
    "endpoint_ruleset_resolver",
    "user_agent_creator",
    "normalize_url_path",
    "prepared_request",
)


def direct_path_failure(client: Any) -> tuple[str, BaseException] | None:
    """Try every access of the direct path on ``client``: the first that fails and why, or ``None``.

    The functions are looked up by name when called, so that a test can
    replace one to simulate a release that moved what it reads.
    """
    here = globals()
    checks: dict[str, Callable[[], object]] = {
        "request_signer": lambda: here["request_signer"](client),
        "signer_credentials": lambda: here["signer_credentials"](here["request_signer"](client)),
        "http_session": lambda: here["http_session"](client),
        "response_parser_factory": lambda: here["response_parser_factory"](client),
        "endpoint_ruleset_resolver": lambda: here["endpoint_ruleset_resolver"](client),
        "user_agent_creator": lambda: here["user_agent_creator"](client),
        "normalize_url_path": lambda: here["normalize_url_path"]("/"),
        "prepared_request": lambda: here["prepared_request"]("https://localhost/", {}, b""),
    }
    for name in DIRECT_PATH_ACCESSES:
        try:
            checks[name]()
        except Exception as exc:
            return name, exc
    return None


# -- botocore's retry bookkeeping and signer ------------------------------------------


def set_retry_context(request: Any, invocation_id: str, attempt: int, max_attempts: int) -> None:
    """Write the attempt numbers botocore's ``add_retry_headers`` reads: ``request.context["retries"]`` (1.20)."""
    retries: dict[str, Any] = request.context.setdefault("retries", {})
    retries["invocation-id"] = invocation_id
    retries["attempt"] = attempt
    retries["max"] = max_attempts


def auth_instance_factory(signer: Any) -> Any:
    """The signer's ``get_auth_instance`` (botocore 1.0; a coroutine function in aiobotocore)."""
    return signer.get_auth_instance


def set_auth_instance_factory(signer: Any, factory: Callable[..., Awaitable[Any]]) -> None:
    """Replace the signer's ``get_auth_instance`` on this one signer (see :func:`auth_instance_factory`)."""
    signer.get_auth_instance = factory


def shift_signing_time(auth: Any, offset: Callable[[], float]) -> None:
    """Make one ``SigV4Auth`` sign with the local time plus ``offset()`` seconds.

    botocore's ``SigV4Auth.add_auth`` writes the time to
    ``request.context["timestamp"]`` and then calls
    ``_modify_request_before_signing``, which sets the date headers;
    everything signed after it reads that timestamp (botocore 1.0). The
    wrapper rewrites the timestamp there.
    """
    modify = auth._modify_request_before_signing

    def modify_shifted(request: Any) -> Any:
        seconds = offset()
        if seconds:
            shifted = current_datetime() + datetime.timedelta(seconds=seconds)
            request.context["timestamp"] = shifted.strftime("%Y%m%dT%H%M%SZ")
        return modify(request)

    auth._modify_request_before_signing = modify_shifted


def signing_time_shiftable() -> bool:
    """Whether :func:`shift_signing_time` can wrap ``SigV4Auth._modify_request_before_signing`` (botocore 1.0)."""
    from botocore.auth import SigV4Auth  # noqa: PLC0415 - loaded with botocore

    return callable(getattr(SigV4Auth, "_modify_request_before_signing", None))


def current_datetime() -> datetime.datetime:
    """Botocore's clock, as ``SigV4Auth`` reads it: ``botocore.compat.get_current_datetime`` (1.31)."""
    from botocore.compat import get_current_datetime  # noqa: PLC0415 - loaded with botocore

    now: datetime.datetime = get_current_datetime()
    return now


# -- botocore's sessions and loader -----------------------------------------------------


def session_components(session: Any) -> Any:
    """The session's component registry: ``session._components`` (botocore 1.0), for ``lazy_register_component``."""
    return session._components


def session_initializers() -> list[Any]:
    """The functions botocore calls on every new session: ``botocore._INITIALIZERS`` (1.20)."""
    initializers: list[Any] = getattr(botocore, "_INITIALIZERS", [None])
    return initializers


def builtin_handlers(session: Any) -> Any:
    """The session's builtin event handlers, before any client copied them: ``session._original_handler`` (1.0)."""
    return session._original_handler


def forget_loader_cache(loader: Any) -> None:
    """Drop what the loader memoized (``loader._cache``, botocore's ``instance_cache``); nothing if absent."""
    cache = getattr(loader, "_cache", None)
    if isinstance(cache, dict):
        cache.clear()


def process_extras(loader: Any, model: Any, service_name: str, type_name: str, api_version: str) -> None:
    """Apply the loader's ``*.sdk-extras.json`` to ``model``, as ``Loader.load_service_model`` does (1.0).

    Reads ``loader._extras_processor`` and ``loader._find_extras``.
    """
    loader._extras_processor.process(model, loader._find_extras(service_name, type_name, api_version))


def load_json_file(loader: Any, full_path: str, open_method: Any) -> Any:
    """Botocore's own reading of one data file: ``JSONFileLoader._load_file`` (1.32)."""
    from botocore.loaders import JSONFileLoader  # noqa: PLC0415 - loaded with botocore

    base: Any = JSONFileLoader  # botocore is untyped: Any, here only
    return base._load_file(loader, full_path, open_method)


#: botocore's per-instance memoization of loader methods (``botocore.loaders.instance_cache``, 1.0).
instance_cache: Final[Callable[[Any], Any]] = vars(botocore.loaders)["instance_cache"]


# -- aiobotocore's aiohttp session ----------------------------------------------------


def aiohttp_session_settings(session: Any) -> dict[str, Any]:
    """The settings an ``AIOHTTPSession`` was made with (aiobotocore 2.0).

    Reads ``_verify``, ``_cert_file``, ``_key_file``, ``_proxy_config.settings``,
    ``_connector_args`` and ``_max_pool_connections``.
    """
    return {
        "verify": session._verify,
        "cert_file": session._cert_file,
        "key_file": session._key_file,
        "proxy_settings": dict(session._proxy_config.settings),
        "connector_args": dict(session._connector_args),
        "max_pool_connections": session._max_pool_connections,
    }


async def base_get_session(session: Any, proxy_url: Any) -> Any:
    """Aiobotocore's ``AIOHTTPSession._get_session(proxy_url)``: the aiohttp session for a proxy (2.13)."""
    base: Any = AIOHTTPSession
    return await base._get_session(session, proxy_url)


async def base_create_connector(session: Any, proxy_url: Any) -> Any:
    """Aiobotocore's ``AIOHTTPSession._create_connector(proxy_url)`` (2.13)."""
    base: Any = AIOHTTPSession
    return await base._create_connector(session, proxy_url)


def base_build_ssl_contexts(session: Any, proxy_url: Any) -> Any:
    """Aiobotocore's ``AIOHTTPSession._build_ssl_contexts(proxy_url)``, run in a worker thread (2.13)."""
    base: Any = AIOHTTPSession
    return base._build_ssl_contexts(session, proxy_url)


#: The private methods of ``AIOHTTPSession`` the SDK's session class overrides.
SESSION_OVERRIDES: Final = ("_get_session", "_create_connector", "_build_ssl_contexts")


def no_connection_resend(aiohttp_session: Any) -> None:
    """Turn off aiohttp's silent resend on a closed pooled connection: ``ClientSession._retry_connection`` (3.9)."""
    aiohttp_session._retry_connection = False


def cert_path(verify: Any) -> Any:
    """The CA bundle botocore verifies with: ``botocore.httpsession.get_cert_path`` (1.13)."""
    return vars(botocore.httpsession)["get_cert_path"](verify)
