"""Generated method docstrings: the summary line says what the operation does.

The first docstring line is all that IDE hovers and API reference tables show, so it
must say what the operation does; notices the service documentation leads with are
kept as a later section.
"""

from __future__ import annotations

import html
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import botocore.loaders
import botocore.session
import pytest
from botocore import xform_name

from aws_vision_async import LookoutVisionClient, RekognitionClient
from aws_vision_async.lookoutvision import _operations as lfv_ops

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = REPO_ROOT / "src" / "aws_vision_async"
CLIENTS: dict[str, type[Any]] = {"rekognition": RekognitionClient, "lookoutvision": LookoutVisionClient}

#: How the notices AWS puts before an operation's description begin.
NOTICE_STARTS = (
    "This operation applies only",
    "This operation applies",
    "Service availability notice",
    "End of support notice",
    "Note:",
    "Note that",
    "Important:",
    "Notice:",
)


def _raw_model(service: str) -> dict[str, Any]:
    if service == "rekognition":
        loader = botocore.session.get_session().get_component("data_loader")
        return loader.load_service_model(service, "service-2")  # type: ignore[no-any-return]
    assert lfv_ops.SERVICE.data_path is not None
    loader = botocore.loaders.Loader(extra_search_paths=[lfv_ops.SERVICE.data_path])
    return loader.load_service_model(service, "service-2")  # type: ignore[no-any-return]


RAW = {service: _raw_model(service) for service in CLIENTS}


def _plain(fragment: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", fragment))
    return re.sub(r"\s+", " ", text).strip()


def _flat(text: str) -> str:
    """A docstring's words on one line (docstrings wrap lines anywhere)."""
    return re.sub(r"\s+", " ", text).strip()


def _methods() -> list[tuple[str, str]]:
    return [
        (service, name)
        for service, client in CLIENTS.items()
        for name, member in sorted(vars(client).items())
        # Waiters are no operations: their docs are checked in test_waiters.py.
        if not name.startswith(("_", "wait_until_")) and inspect.isfunction(member)
    ]


def _docstring(service: str, method: str) -> str:
    doc = getattr(CLIENTS[service], method).__doc__
    assert doc, f"{service}.{method} has no docstring"
    return inspect.cleandoc(doc)


def _operation_doc(service: str, method: str) -> str:
    model = RAW[service]
    names = [op for op in model["operations"] if xform_name(op) == method]
    assert len(names) == 1, method
    if service == "lookoutvision":
        # The shipped Lookout for Vision model keeps its documentation apart.
        docs = json.loads((REPO_ROOT / "tools/codegen/lookoutvision-docs.json").read_text())
        return str(docs["operations"].get(names[0], ""))
    return str(model["operations"][names[0]].get("documentation", ""))


def _leading_notices(doc: str) -> list[str]:
    """The text of each <note>/<important> block the service documentation opens with."""
    notices: list[str] = []
    rest = doc.strip()
    while match := re.match(r"<(note|important)>(.*?)</\1>\s*", rest, re.S):
        notices.append(_plain(match.group(2)))
        rest = rest[match.end() :]
    return notices


METHODS = _methods()


def test_every_operation_is_checked() -> None:
    assert len(METHODS) == 75 + 22


@pytest.mark.parametrize(("service", "method"), METHODS, ids=[f"{s}.{m}" for s, m in METHODS])
def test_summary_line_says_what_the_operation_does(service: str, method: str) -> None:
    summary = _docstring(service, method).splitlines()[0]
    assert not summary.startswith(NOTICE_STARTS), summary
    assert "notice" not in summary.lower(), summary
    # A whole sentence: starts with a capital, ends as a sentence ends, no wrap mid-sentence.
    assert summary[0].isupper(), summary
    assert re.search(r"[.!?][)\"']?$", summary), summary
    # Inline markup leaves no gap before punctuation ("FaceIds ." for "<code>FaceIds</code>.").
    assert not re.search(r"\w \.(\s|$)", summary), summary


@pytest.mark.parametrize(("service", "method"), METHODS, ids=[f"{s}.{m}" for s, m in METHODS])
def test_leading_notice_is_kept_later(service: str, method: str) -> None:
    doc = _docstring(service, method)
    notices = _leading_notices(_operation_doc(service, method))
    body = _flat(doc.split("\n", 1)[1]) if "\n" in doc else ""
    for notice in notices:
        first_sentence = re.split(r"(?<=[.!?])\s", notice)[0]
        assert first_sentence in body, f"{service}.{method} lost its notice {first_sentence!r}"
        # Before the Args section, as a section of its own ("Note:" / "Important:").
        before_args = _flat(doc.split("Args:", 1)[0])
        assert first_sentence in before_args
    if notices:
        assert re.search(r"^(Note|Important):$", doc, re.M), doc


def test_the_reported_operations_lead_with_their_description() -> None:
    # The operations the issue named, whose documentation opens with a notice.
    expected = {
        "list_dataset_entries": "Lists the entries (images) within a dataset.",
        "create_dataset": "Creates a new Amazon Rekognition Custom Labels dataset.",
        "update_dataset_entries": "Adds or updates one or more entries (images) in a dataset.",
        "start_project_version": "Starts the running of the version of a model.",
        "detect_custom_labels": (
            "Detects custom labels in a supplied image by using an Amazon Rekognition Custom Labels model."
        ),
        "stop_stream_processor": "Stops a running stream processor that was created by CreateStreamProcessor.",
    }
    for method, summary in expected.items():
        assert _docstring("rekognition", method).splitlines()[0] == summary
    applies_only = [
        m for s, m in METHODS if "This operation applies only to Amazon Rekognition Custom Labels." in _docstring(s, m)
    ]
    assert len(applies_only) == 14, applies_only
    availability = [m for s, m in METHODS if "Service availability notice:" in _docstring(s, m)]
    assert len(availability) == 10, availability


@pytest.mark.parametrize("service", list(CLIENTS))
def test_client_docstrings_are_google_style(service: str) -> None:
    # ruff's pydocstyle rules, Google convention, on the generated client: sections,
    # their order-independent layout and a summary line that ends as a sentence.
    path = PACKAGE_DIR / service / "client.py"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--isolated",
            "--select",
            "D2,D3,D4",
            "--ignore",
            "D203,D213,D401,D404,D407,D413",
            "--config",
            "lint.pydocstyle.convention='google'",
            "--output-format",
            "concise",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
