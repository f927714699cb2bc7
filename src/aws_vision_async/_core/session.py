"""Credentials and sessions: the secrets a client holds, and the aiobotocore client it opens."""

from __future__ import annotations

import sys
from contextlib import AsyncExitStack
from typing import Any, Literal

from aiobotocore.config import AioConfig
from aiobotocore.httpxsession import HttpxSession
from aiobotocore.session import AioSession

from .. import __version__
from . import loader
from .http_session import NoReplayAIOHTTPSession
from .operation import ServiceSpec

__all__ = ["USER_AGENT", "Secret", "open_aiobotocore_client", "running_under_trio"]

#: Added to botocore's user agent, as libraries built on botocore do.
USER_AGENT = f"aws-vision-async/{__version__}"


class Secret:
    """Holds a credential; never shows it."""

    __slots__ = ("value",)

    def __init__(self, value: str | None) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "<secret>" if self.value else "None"


async def open_aiobotocore_client(
    stack: AsyncExitStack,
    spec: ServiceSpec,
    *,
    session: AioSession | None,
    profile_name: str | None,
    region_name: str | None,
    endpoint_url: str | None,
    access_key: Secret,
    secret_key: Secret,
    session_token: Secret,
    config: AioConfig | None,
    http_backend: Literal["auto", "aiohttp", "httpx"],
) -> Any:
    """Open an aiobotocore client for ``spec``'s service on ``stack`` (closed with it).

    botocore's own retries are off (one attempt): the SDK does the retrying.
    Without ``session``, the new session shares the process's data loader
    (``_core/loader.py``): the service model is read from JSON once.
    """
    use_httpx = http_backend == "httpx" or (http_backend == "auto" and running_under_trio())
    # botocore is untyped: keep what comes from it as Any, here only.
    chosen: Any = session
    if chosen is None:
        chosen = loader.new_session(profile_name, spec.data_path)
        if use_httpx:
            # aiobotocore picks its async primitives (asyncio or anyio) from
            # the session's default client config.
            chosen.set_default_client_config(AioConfig(http_session_cls=HttpxSession))
    if spec.data_path is not None:
        # Lookout for Vision's model is no longer in botocore: add the shipped one.
        loader.add_data_path(chosen.get_component("data_loader"), spec.data_path)
    user_config: Any = config
    user_agent = " ".join(filter(None, [getattr(user_config, "user_agent_extra", None), USER_AGENT]))
    ours = AioConfig(
        retries={"total_max_attempts": 1, "mode": "standard"},
        http_session_cls=HttpxSession if use_httpx else NoReplayAIOHTTPSession,
        user_agent_extra=user_agent,
    )
    merged: AioConfig = user_config.merge(ours) if user_config is not None else ours
    return await stack.enter_async_context(
        chosen.create_client(
            spec.service_name,
            region_name=region_name,
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key.value,
            aws_secret_access_key=secret_key.value,
            aws_session_token=session_token.value,
            config=merged,
        )
    )


def running_under_trio() -> bool:
    """Whether the current task is trio's (then aiohttp cannot run: httpx is used)."""
    trio: Any = sys.modules.get("trio")
    if trio is None:
        return False
    try:
        trio.lowlevel.current_task()
    except RuntimeError:
        return False
    return True
