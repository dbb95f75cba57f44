#!/usr/bin/env bash
# Install what the tests need (idempotent) and run the whole suite: lint, format, types, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/setup_env.sh
source scripts/setup_env.sh
setup_python requirements-dev.txt
# postgresql-15 + postgresql-15-postgis-3: the tests start a throw-away cluster (tests/support/postgres.py).
setup_debian chromium chromium-driver fonts-noto-cjk poppler-utils postgresql-15 postgresql-15-postgis-3
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy geodata analysis dashboard
exec .venv/bin/python -m pytest "$@"
