#!/usr/bin/env bash
# The full check, as the README's test command and CI run it: installs what it
# needs (uv, then the locked environment), then lint, types, drift and tests.
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-python3}"
if ! "$PY" -m uv --version >/dev/null 2>&1; then
    "$PY" -m pip install --quiet --disable-pip-version-check uv \
        || "$PY" -m pip install --quiet --disable-pip-version-check --user uv
fi
uv() { "$PY" -m uv "$@"; }

uv sync --locked --quiet
echo "== ruff"
uv run --locked ruff check .
uv run --locked ruff format --check .
echo "== mypy --strict"
uv run --locked mypy
echo "== pyright (strict)"
uv run --locked pyright
echo "== import graph: no cycle, no hand-written module over the size limit"
uv run --locked python scripts/imports.py >/dev/null
echo "== generated code is up to date"
uv run --locked python -m tools.codegen --check
echo "== docs build (strict: a broken link or a page left out of the nav fails)"
site="$(mktemp -d)"
NO_MKDOCS_2_WARNING=1 uv run --locked --group docs mkdocs build --strict --quiet -d "$site"
rm -rf "$site"
echo "== the lowest versions pyproject.toml allows (a fast subset of the tests)"
bash scripts/deps.sh lowest
echo "== pytest"
uv run --locked pytest "$@"
