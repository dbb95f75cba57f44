#!/usr/bin/env bash
# Install what the dashboard needs (idempotent) and start it on the built-in demo city.
# Usage: bash scripts/start.sh [extra streamlit options, e.g. --server.port 8502]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/setup_env.sh
source scripts/setup_env.sh
setup_python requirements.txt
setup_debian fonts-noto-cjk
exec .venv/bin/python -m dashboard.launch "$@"
