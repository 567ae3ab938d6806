#!/usr/bin/env bash
# Builds and installs the Python package from this repository into a fresh virtual environment
# (`python -m pip install .`, as a user would) and runs its tests (tests/python/) against it,
# then the Ray recipe's test (scripts/test-ray.sh) with the same environment.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv=$(mktemp -d)/venv
trap 'rm -rf "$(dirname "$venv")"' EXIT
python3 -m venv "$venv"
start=$(date +%s)
"$venv/bin/python" -m pip install -q --disable-pip-version-check .
echo "python package: built and installed in $(( $(date +%s) - start )) s"
"$venv/bin/python" -m pip install -q --disable-pip-version-check pytest Pillow
# From outside the repository, so that `import gpucast` is the installed package.
cd "$(dirname "$venv")"
PATH="$venv/bin:$PATH" "$venv/bin/python" -m pytest -q -p no:cacheprovider "$root/tests/python"
# deploy/ray/batch.py on a local one-node Ray cluster, through this package.
cd "$root"
bash scripts/test-ray.sh "$venv"
