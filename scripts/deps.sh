#!/usr/bin/env bash
# Runs a fast subset of the tests (contract, compat, pagination, retries, the
# direct path, every model's first build) against the lowest versions our pyproject.toml declares
# (`lowest`, the default: the lower bounds must be true) or the newest releases
# PyPI has within our upper bounds (`newest`: tomorrow's aiobotocore, today).
# scripts/check.sh runs `lowest`; run `newest` by hand or on a schedule.
set -euo pipefail
cd "$(dirname "$0")/.."

which="${1:-lowest}"
case "$which" in
    lowest) resolution=lowest-direct ;;
    newest) resolution=highest ;;
    *) echo "usage: scripts/deps.sh [lowest|newest]" >&2; exit 2 ;;
esac

PY="${PYTHON:-python3}"
uv() { "$PY" -m uv "$@"; }

env_dir="$(mktemp -d)"
trap 'rm -rf "$env_dir"' EXIT
uv venv --quiet --python "$PY" "$env_dir"
# The project (with the cli and redis extras, whose modules the tests import) first, resolved as
# asked; the test tools after, fitted around it.
uv pip install --quiet --python "$env_dir" --resolution "$resolution" -e '.[cli,redis]'
uv pip install --quiet --python "$env_dir" pytest hypothesis trio aiohttp trustme
echo "-- $which: $(uv pip list --python "$env_dir" 2>/dev/null \
    | awk '$1 ~ /^(aiobotocore|botocore|anyio|pydantic|tenacity|jmespath|typing_extensions|typing-extensions|httpx2|coredis)$/ {printf "%s %s  ", $1, $2}')"

tests=(
    tests/core/test_retry.py
    tests/core/test_models.py
    tests/core/test_prefetch.py
    tests/core/test_server_errors.py
    tests/rekognition/test_describe_projects.py
    tests/rekognition/test_list_dataset_entries.py
    tests/generated/test_direct_path.py
    tests/test_package.py
)
# The compat seam's own tests, once they exist: each names the internal access that broke.
[ -f tests/core/test_compat.py ] && tests+=(tests/core/test_compat.py)
"$env_dir/bin/python" -m pytest -q -p no:cacheprovider "${tests[@]}"
