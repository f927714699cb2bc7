"""The testing guide's examples work as written: its files are written out and run by pytest, and type-checked.

Every Python or TOML block of ``docs/guides/testing.md`` carries a file name
(```` ```python title="test_faults.py" ````); together they make a small test
suite, run here with pytester as a user would run it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ._support import run_mypy

pytest_plugins = ["pytester"]

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guides" / "testing.md"
BLOCK_RE = re.compile(r'^```(?P<lang>\w+)(?: title="(?P<title>[^"]+)")?\n(?P<body>.*?)^```$', re.M | re.S)

# What the guide's suite holds: tests x backends (asyncio and trio) for the async ones.
EXPECTED_PASSED = {
    "test_collections.py": 2 * 2,
    "test_faults.py": 2 * 2,
    "test_seeds.py": (1 + 3) * 2,
    "test_other_seed.py": 1,
    "test_sample.py": 1 * 2,
    "test_lookoutvision.py": 1 * 2,
    "test_models.py": 2 * 2,
}


def guide_files() -> dict[str, str]:
    """The guide's Python and TOML blocks, by their file names."""
    files: dict[str, str] = {}
    for block in BLOCK_RE.finditer(GUIDE.read_text()):
        if block["lang"] not in ("python", "toml"):
            continue
        title = block["title"]
        assert title, f"a {block['lang']} block without a file name: {block['body'][:60]!r}"
        assert title not in files, f"two blocks named {title}"
        files[title] = block["body"]
    return files


def test_every_example_is_a_file_of_the_suite() -> None:
    files = guide_files()

    assert set(files) == {"myapp.py", "conftest.py", "pyproject.toml", *EXPECTED_PASSED}


def test_the_guides_suite_passes(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, body in guide_files().items():
        (pytester.path / name).write_text(body)
    # Only the plugins the guide relies on (anyio's comes with anyio): each inner
    # run would import any other afresh, which takes seconds.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")

    result = pytester.runpytest("-p", "anyio.pytest_plugin", "-p", "no:cacheprovider", "--strict-markers", "-v")

    result.assert_outcomes(passed=sum(EXPECTED_PASSED.values()))
    output = "\n".join(result.outlines)
    for name, count in EXPECTED_PASSED.items():
        assert len(re.findall(rf"^{re.escape(name)}::\S+ PASSED", output, re.M)) == count, name


def test_the_guides_python_is_well_typed(tmp_path: Path, mypy_cache: Path) -> None:
    files = guide_files()
    for name, body in files.items():
        if name.endswith(".py"):
            (tmp_path / name).write_text(body)

    errors = run_mypy(sorted(tmp_path.glob("*.py")), cache_dir=mypy_cache, cwd=tmp_path)

    assert errors == []
