"""The public surface of ``aws_vision_async``: its names, and how light importing it is."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import aws_vision_async
from aws_vision_async import errors as errors_mod

ROOT = Path(__file__).resolve().parents[2]

EXPECTED_ALL = [
    "AccessDeniedError",
    "AsyncPaginator",
    "AwsVisionError",
    "CallTimeoutError",
    "ConflictError",
    "ConnectError",
    "ConnectionLostError",
    "FanOut",
    "FanOutProgress",
    "InvalidRequestError",
    "InvalidResponseError",
    "LookoutVisionClient",
    "NetworkError",
    "NotFoundError",
    "Outcome",
    "PaginationError",
    "Prefetch",
    "QuotaExceededError",
    "RateLimitTimeoutError",
    "RateLimiter",
    "ReadTimeoutError",
    "RekognitionClient",
    "ResponseMetadata",
    "RetryPolicy",
    "ServiceError",
    "ThrottlingError",
    "TransientError",
    "WaiterError",
    "WaiterFailedError",
    "WaiterTimeoutError",
    "__version__",
    "fan_out",
    "set_testing",
]


def run_python(code: str) -> str:
    """Run ``code`` in a fresh interpreter (warnings are errors) and return its stdout."""
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


class TestNames:
    def test_all_is_pinned(self) -> None:
        assert aws_vision_async.__all__ == EXPECTED_ALL

    def test_all_is_sorted(self) -> None:
        assert aws_vision_async.__all__ == sorted(aws_vision_async.__all__)

    @pytest.mark.parametrize("name", EXPECTED_ALL)
    def test_every_name_resolves(self, name: str) -> None:
        assert getattr(aws_vision_async, name) is not None

    def test_lazy_names_are_the_real_objects(self) -> None:
        from aws_vision_async import fanout, ratelimit
        from aws_vision_async._core import pagination
        from aws_vision_async._core.pagination import AsyncPaginator
        from aws_vision_async.lookoutvision.client import LookoutVisionClient
        from aws_vision_async.rekognition.client import RekognitionClient

        assert aws_vision_async.RekognitionClient is RekognitionClient
        assert aws_vision_async.LookoutVisionClient is LookoutVisionClient
        assert aws_vision_async.AsyncPaginator is AsyncPaginator
        assert aws_vision_async.RateLimiter is ratelimit.RateLimiter
        assert aws_vision_async.RateLimitTimeoutError is ratelimit.RateLimitTimeoutError
        assert aws_vision_async.fan_out is fanout.fan_out
        assert aws_vision_async.Outcome is fanout.Outcome
        assert aws_vision_async.FanOutProgress is fanout.FanOutProgress
        assert aws_vision_async.FanOut is fanout.FanOut
        assert aws_vision_async.Prefetch is pagination.Prefetch

    def test_errors_are_those_of_the_errors_module(self) -> None:
        for name in errors_mod.__all__:
            assert getattr(aws_vision_async, name) is getattr(errors_mod, name)
        assert set(errors_mod.__all__) <= set(aws_vision_async.__all__)

    def test_version(self) -> None:
        assert isinstance(aws_vision_async.__version__, str)
        assert aws_vision_async.__version__.count(".") >= 2

    def test_unknown_name_is_an_attribute_error(self) -> None:
        with pytest.raises(AttributeError, match="NoSuchThing"):
            _ = aws_vision_async.NoSuchThing  # type: ignore[attr-defined]
        assert not hasattr(aws_vision_async, "NoSuchThing")

    def test_dir_lists_the_public_names(self) -> None:
        assert set(EXPECTED_ALL) <= set(dir(aws_vision_async))

    def test_star_import_gives_exactly_all(self) -> None:
        out = run_python(
            """
            import json
            before = set(globals())
            from aws_vision_async import *
            print(json.dumps(sorted(set(globals()) - before - {"before"})))
            """
        )
        assert json.loads(out) == sorted(EXPECTED_ALL)


class TestImportIsLight:
    def test_package_import_loads_no_client_machinery(self) -> None:
        out = run_python(
            """
            import json, sys
            import aws_vision_async
            print(json.dumps(sorted(sys.modules)))
            """
        )
        loaded = set(json.loads(out))
        assert "aws_vision_async" in loaded
        for heavy in (
            "aiobotocore",
            "botocore",
            "aws_vision_async.rekognition",
            "aws_vision_async.rekognition.models",
            "aws_vision_async.lookoutvision",
            "aws_vision_async.lookoutvision.models",
            "aws_vision_async._core.client",
        ):
            assert heavy not in loaded, heavy

    def test_errors_and_retry_usable_without_loading_clients(self) -> None:
        out = run_python(
            """
            import json, sys
            from aws_vision_async import RetryPolicy, ServiceError, ThrottlingError, set_testing
            RetryPolicy(max_attempts=2).backoff(1)
            print(json.dumps(["aiobotocore" in sys.modules, "aws_vision_async.rekognition.models" in sys.modules]))
            """
        )
        assert json.loads(out) == [False, False]

    def test_first_use_of_a_client_name_loads_it(self) -> None:
        out = run_python(
            """
            import json, sys
            import aws_vision_async
            aws_vision_async.RekognitionClient
            print(json.dumps(["aiobotocore" in sys.modules, "aws_vision_async.rekognition.models" in sys.modules]))
            """
        )
        assert json.loads(out) == [True, True]

    @pytest.mark.parametrize("service", ["rekognition", "lookoutvision"])
    def test_models_are_built_on_first_use(self, service: str) -> None:
        out = run_python(
            f"""
            import json
            from pydantic import BaseModel
            import aws_vision_async.{service}.models as m

            # Every public name (this creates every class: each lives in a private module).
            public = [getattr(m, name) for name in m.__all__]
            classes = [
                c for c in public
                if isinstance(c, type) and issubclass(c, BaseModel)
                and c.__module__ == m.__name__
            ]
            built_at_import = sorted(c.__name__ for c in classes if c.__pydantic_complete__)
            # Use one request model: it (and what it needs) gets built, the rest stay deferred.
            request = next(c for c in classes if c.__name__.endswith("Request"))
            try:
                request.model_validate({{}})
            except ValueError:
                pass
            built_after = sorted(c.__name__ for c in classes if c.__pydantic_complete__)
            print(json.dumps([len(classes), built_at_import, request.__name__, built_after]))
            """
        )
        count, built_at_import, used, built_after = json.loads(out)
        assert count > 20
        assert built_at_import == []
        assert used in built_after
        assert len(built_after) < count

    @pytest.mark.parametrize("service", ["rekognition", "lookoutvision"])
    def test_public_models_report_the_public_module_and_live_in_private_ones(self, service: str) -> None:
        out = run_python(
            f"""
            import json
            import aws_vision_async.{service}.models as m
            from aws_vision_async.{service}.models import *
            star = sorted(n for n in m.__all__ if n in globals())
            listed = set(dir(m))
            from aws_vision_async._core.model import home_module
            classes = [getattr(m, n) for n in m.__all__ if isinstance(getattr(m, n), type)]
            modules = sorted({{c.__module__ for c in classes}})
            homes = sorted({{home_module(c) for c in classes}})
            print(json.dumps([star == sorted(m.__all__), set(m.__all__) <= listed, modules, homes]))
            """
        )
        star_ok, dir_ok, modules, homes = json.loads(out)
        assert star_ok
        assert dir_ok
        # Each class reports the public module, and is defined in a private one.
        assert modules == [f"aws_vision_async.{service}.models"]
        assert all(home.startswith(f"aws_vision_async.{service}._shapes._") for home in homes), homes

    def test_classes_are_created_on_first_use(self) -> None:
        """Importing the models and the client creates no model class; a call creates only its own."""
        out = run_python(
            """
            import asyncio, json
            from pydantic import BaseModel
            from aws_vision_async.emulator import EMULATOR_CREDENTIALS, running

            def created():
                seen, todo = set(), [BaseModel]
                while todo:
                    for sub in todo.pop().__subclasses__():
                        if sub not in seen:
                            seen.add(sub)
                            todo.append(sub)
                return {c for c in seen if c.__module__.startswith("aws_vision_async.rekognition")}

            before = created()
            import aws_vision_async.rekognition.models
            from aws_vision_async import RekognitionClient
            at_import = created() - before

            async def main():
                async with running(sample=True) as url:
                    kw = dict(endpoint_url=url, region_name="us-east-1", **EMULATOR_CREDENTIALS)
                    async with RekognitionClient(**kw) as rek:
                        page = await rek.describe_projects()
                        return len(page.project_descriptions or [])

            projects = asyncio.run(main())
            after_call = created() - before
            from aws_vision_async.rekognition.models import Image
            every = len([getattr(aws_vision_async.rekognition.models, n)
                         for n in aws_vision_async.rekognition.models.__all__])
            print(json.dumps([sorted(c.__name__ for c in at_import), sorted(c.__name__ for c in after_call),
                              projects, len(created() - before)]))
            """
        )
        at_import, after_call, projects, total = json.loads(out)
        assert at_import == []
        assert projects > 0
        # DescribeProjects: its request, its response, ProjectDescription and DatasetMetadata.
        assert set(after_call) == {
            "DatasetMetadata",
            "DescribeProjectsRequest",
            "DescribeProjectsResponse",
            "ProjectDescription",
        }
        assert total > 300
