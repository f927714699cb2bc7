"""Where a published class lives: classes that report their public module, and the names their annotations need.

The generated models are defined in private ``_shapes`` modules but report
``aws_vision_async.<service>.models`` as their ``__module__`` (reprs,
tracebacks, pickles). Their deferred pydantic build still resolves annotations
where they were written: :func:`build_namespace` gives those names.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Sequence
from typing import Any, Final

__all__ = ["build_namespace", "home_module", "publish"]


#: The defining module of each class that reports its public module instead (see ``publish``).
_HOMES: Final[weakref.WeakKeyDictionary[type, str]] = weakref.WeakKeyDictionary()


def home_module(cls: type) -> str:
    """The module that defines ``cls``, whose names its annotations use."""
    return _HOMES.get(cls, cls.__module__)


def build_namespace(cls: type) -> dict[str, Any]:
    """The names the annotations of ``cls``, and of the models it nests, are resolved with.

    A class that reports its public module (``publish``) is resolved in the
    modules of its private package: pydantic resolves a nested model's
    annotations with the outer model's namespace and the nested model's
    ``__module__``, which is the public module. Those modules share one set of
    names (each shape once, helpers the same objects), so their union is
    consistent; the class's own module wins.
    """
    home = _HOMES.get(cls)
    if home is None:
        return {}
    package = home.rpartition(".")[0] + "."
    namespace: dict[str, Any] = {}
    for name, module in list(sys.modules.items()):
        if name.startswith(package):
            namespace.update(vars(module))
    namespace.update(vars(sys.modules[home]))
    return namespace


def publish(module: str, names: Sequence[str], public: str) -> None:
    """Make the classes ``names`` of ``module`` report ``public`` as their module.

    Reprs, tracebacks and pickles then name the module users import them from
    (``aws_vision_async.rekognition.models``), not the private one that defines
    them; their annotations are still resolved in the defining module.
    """
    namespace = vars(sys.modules[module])
    for name in names:
        value = namespace[name]
        if isinstance(value, type):
            _HOMES[value] = module
            value.__module__ = public
