#!/usr/bin/env bash
# Install what the tests need (idempotent) and run the whole suite: lint, format, types, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/setup_env.sh
source scripts/setup_env.sh
setup_python requirements-dev.txt
setup_debian chromium chromium-driver fonts-noto-cjk poppler-utils
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy geodata analysis dashboard
exec .venv/bin/python -m pytest "$@"
