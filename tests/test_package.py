"""The package as users see it: one version, public names that report their public module."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import inspect
import os
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import aws_vision_async

ROOT = Path(__file__).resolve().parent.parent


def test_one_version_for_the_code_and_the_distribution() -> None:
    assert aws_vision_async.__version__ == importlib.metadata.version("aws-vision-async")


def _imports_script() -> Any:
    spec = importlib.util.spec_from_file_location("imports_script", ROOT / "scripts" / "imports.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_import_graph_script_finds_cycles_and_import_time_edges() -> None:
    script = _imports_script()
    known = {"pkg", "pkg.a", "pkg.b", "pkg.sub", "pkg.sub.c"}
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import b\n"
        "from .sub import c\n"
        "import pkg\n"  # its own parent: already importing
        "if TYPE_CHECKING:\n    from .sub import other\n"
        "def later():\n    from . import nothing\n"
    )
    assert script.imports_of("pkg.a", False, source, known) == {"pkg.b", "pkg.sub", "pkg.sub.c"}
    assert script.imports_of("pkg.sub", True, "from .c import x\nfrom .. import a\n", known) == {"pkg.sub.c", "pkg.a"}
    assert script.find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert script.find_cycle({"a": {"b"}, "b": set()}) is None


def _public_modules() -> list[str]:
    names = [
        info.name
        for info in pkgutil.walk_packages(aws_vision_async.__path__, "aws_vision_async.")
        if not any(part.startswith("_") for part in info.name.split(".")[1:])
    ]
    return ["aws_vision_async", *names]


def test_public_names_report_the_module_users_import_them_from() -> None:
    wrong: list[str] = []
    for module_name in _public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            if not (inspect.isclass(value) or inspect.isfunction(value)):
                continue  # Literal aliases, constants, submodules
            home = value.__module__
            if any(part.startswith("_") for part in home.split(".")[1:]):
                wrong.append(f"{module_name}.{name} reports {home}")
            # The module it reports holds it under its name: pickles and docs find it there.
            elif getattr(importlib.import_module(home), value.__qualname__, None) is not value:
                wrong.append(f"{module_name}.{name} is not {home}.{value.__qualname__}")
    assert wrong == []


@pytest.mark.parametrize("service", ["rekognition", "lookoutvision"])
@pytest.mark.skipif(not hasattr(os, "fork"), reason="each model is built in a forked process")
def test_every_model_builds_first_whatever_was_built_before(service: str) -> None:
    """Models report their public module, yet each builds on its first use with nothing built before it.

    A nested model is resolved with the outer model's namespace, so the build of
    one model must not depend on another having been built first: each is built
    in a process forked before any was.
    """
    script = f"""
import os
from pydantic import BaseModel, ValidationError
import aws_vision_async.{service}.models as m
built = failed = 0
for name in m.__all__:  # no class is created here: models.py makes each on first use
    pid = os.fork()
    if pid == 0:
        c = getattr(m, name)
        if not (isinstance(c, type) and issubclass(c, BaseModel)):
            os._exit(2)  # a Literal alias
        if c.__module__ != m.__name__:
            os._exit(1)
        try:
            c.model_validate({{}})  # the first use builds it, and the models it nests
        except ValidationError:
            pass  # required fields: built all the same
        except BaseException:
            os._exit(1)
        os._exit(0 if c.__pydantic_complete__ else 1)
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    built += status == 0
    if status == 1:
        print(name, end=" ")
        failed += 1
print(built, failed)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    *failures, built, failed = done.stdout.split()
    assert failures == []
    assert failed == "0"
    assert int(built) > 50
