"""The package as users see it: one version, public names that report their public module."""

from __future__ import annotations

import importlib.metadata

import aws_vision_async


def test_one_version_for_the_code_and_the_distribution() -> None:
    assert aws_vision_async.__version__ == importlib.metadata.version("aws-vision-async")
