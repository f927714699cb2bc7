"""The sessions the SDK makes, sharing one botocore data loader per process.

botocore's ``Loader`` reads the service model, the endpoint ruleset and the
partitions from JSON files and memoizes them, per loader; every new session has
its own, so each client opened without ``session=`` read them again (about
45 ms). The SDK's sessions share one loader instead: the second client of a
process opens in a few milliseconds. A loader holds data files only, never
credentials or profile settings, which stay in each session.
"""

from __future__ import annotations

import copy
import json
import os
import threading
from typing import Any, cast

from aiobotocore.session import AioSession
from botocore.exceptions import DataNotFoundError
from botocore.loaders import JSONFileLoader, Loader

from . import compat

__all__ = ["add_data_path", "new_session", "shared_loader"]

_lock = threading.Lock()
#: One loader per (AWS data path setting, folder the SDK adds).
_loaders: dict[tuple[str | None, str | None], Any] = {}


def shared_loader(data_path: str | None = None, extra_path: str | None = None) -> Any:
    """The process-wide loader for botocore's ``data_path`` setting, with ``extra_path`` searched first.

    Args:
        data_path: The ``AWS_DATA_PATH`` setting of the session (``os.pathsep``-separated).
        extra_path: A folder of service models the package ships (Lookout for Vision).
    """
    key = (data_path, extra_path)
    loader = _loaders.get(key)
    if loader is None:
        with _lock:
            loader = _loaders.get(key)
            if loader is None:
                loader = _create_loader(data_path)
                if extra_path is not None:
                    add_data_path(loader, extra_path)
                _loaders[key] = loader
    return loader


def new_session(profile: str | None, extra_path: str | None) -> AioSession:
    """A new session for ``profile`` whose data loader is the shared one.

    Everything but the loader and the builtin event handlers (credentials,
    config files, components) is the session's own, as in any new ``AioSession``.
    The handlers, the same module-level functions in every session, are copied
    from a pristine session rather than registered one by one (which takes
    most of the time of ``AioSession()``).
    """
    # botocore is untyped: keep what comes from it as Any, here only.
    session: Any = _session(profile)
    components: Any = compat.session_components(session)
    # Lazy, like botocore's own: the data path setting is read on first use.
    components.lazy_register_component(
        "data_loader", lambda: shared_loader(session.get_config_variable("data_path"), extra_path)
    )
    return cast("AioSession", session)


#: The builtin handlers of a new session, registered once, copied for each session.
_prototype: Any = None


def _session(profile: str | None) -> Any:
    global _prototype  # noqa: PLW0603 - made once per process
    if compat.session_initializers():
        # Something hooks every new session: let it see a session made the usual way.
        return AioSession(profile=profile)
    if _prototype is None:
        with _lock:
            if _prototype is None:
                # Never used but for its handlers, copied as botocore copies a
                # session's handlers for each client.
                pristine: Any = AioSession()
                _prototype = compat.builtin_handlers(pristine)
    return AioSession(profile=profile, event_hooks=copy.copy(_prototype), include_builtin_handlers=False)


def add_data_path(loader: Any, path: str) -> None:
    """Search ``path`` first in ``loader`` (Lookout for Vision's model is no longer in botocore)."""
    paths: list[str] = loader.search_paths
    if path in paths:
        return
    paths.insert(0, path)
    # The loader memoizes what it found on the old paths (a session shared with
    # a client opened before may have listed the services already): forget it.
    compat.forget_loader_cache(loader)


class _FileLoader(JSONFileLoader):  # type: ignore[misc] # botocore is untyped
    """botocore's JSON file loader, except that ``endpoints.json`` is read into plain dicts.

    botocore reads every file into ``OrderedDict``s, through a Python hook per
    object: for the 1.2 MB ``endpoints.json`` that doubles the parse (9 ms
    against 4 ms). Its only reader, ``botocore.regions.EndpointResolver``,
    uses it as a plain mapping. Models keep botocore's ``OrderedDict``s.
    """

    def _load_file(self, full_path: str, open_method: Any) -> Any:
        if os.path.basename(full_path) != "endpoints.json" or not os.path.isfile(full_path):
            return compat.load_json_file(self, full_path, open_method)
        with open_method(full_path, "rb") as fp:
            return json.loads(fp.read().decode("utf-8"))


class _Loader(Loader):  # type: ignore[misc] # botocore is untyped
    """botocore's loader, except that it finds one service without listing them all.

    botocore checks that a service exists by listing every service directory on
    its search paths (about 900 directory reads, 15 ms or more in a fresh
    process) before it loads one model. Listing the versions of that one
    service answers the same question; a name it does not know goes to
    botocore's own path, for its ``UnknownServiceError``.
    """

    FILE_LOADER_CLASS = _FileLoader

    @compat.instance_cache
    def load_service_model(self, service_name: str, type_name: str, api_version: str | None = None) -> Any:
        this: Any = self  # botocore is untyped: Any, here only
        try:
            versions: list[str] = this.list_api_versions(service_name, type_name)
        except DataNotFoundError:
            base: Any = super()
            return base.load_service_model(service_name, type_name, api_version)
        if api_version is None:
            api_version = max(versions)
        model: Any = this.load_data(os.path.join(service_name, api_version, type_name))
        compat.process_extras(this, model, service_name, type_name, api_version)
        return model


def _create_loader(data_path: str | None) -> Any:
    # botocore's create_loader, with the loader above.
    if data_path is None:
        return _Loader()
    return _Loader(extra_search_paths=[os.path.expanduser(os.path.expandvars(p)) for p in data_path.split(os.pathsep)])
