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
echo "== mypy and pyright without coredis (the redis extra is optional): strict, but for coredis' own types inside _fleet"
noredis="$(mktemp -d)"
UV_PROJECT_ENVIRONMENT="$noredis/.venv" uv sync --locked --quiet --no-install-project --no-install-package coredis
for path in src tests examples; do ln -s "$PWD/$path" "$noredis/$path"; done
{
    cat pyproject.toml
    cat <<'EOF'

[[tool.mypy.overrides]]
module = ["coredis", "coredis.*"]
ignore_missing_imports = true

[[tool.mypy.overrides]]
module = ["aws_vision_async._fleet.*"]
warn_return_any = false

[[tool.pyright.executionEnvironments]]
root = "src/aws_vision_async/_fleet"
extraPaths = ["src"]
reportMissingImports = "none"
reportUnknownMemberType = "none"
reportUnknownVariableType = "none"
reportUnknownArgumentType = "none"
reportUnknownParameterType = "none"

[[tool.pyright.executionEnvironments]]
root = "."
extraPaths = ["src"]
EOF
} >"$noredis/pyproject.toml"
(cd "$noredis" && .venv/bin/mypy && .venv/bin/pyright)
rm -rf "$noredis"  # (left in the temporary directory when a check fails, for a look)
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
