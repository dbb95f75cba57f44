#!/usr/bin/env bash
# Shared set-up steps for start.sh and test.sh (sourced, not run).

# Create .venv (once), install a pinned requirements file when it changed, and the project
# itself (editable: the checkout is the installed code; the commands coverage-planner,
# coverage-analysis and coverage-geodata land in .venv/bin).
setup_python() {
  local req="$1" stamp
  if [ ! -x .venv/bin/python ]; then
    if ! python3 -m venv .venv 2>/dev/null; then
      rm -rf .venv
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
      python3 -m venv .venv
    fi
  fi
  stamp=".venv/.installed-$(cat "$req" requirements.txt pyproject.toml | sha256sum | cut -c1-16)-$(basename "$req")"
  if [ ! -f "$stamp" ] || [ ! -f "$(.venv/bin/python -c 'import sys; print(sys.prefix)')/bin/coverage-planner" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
    # The pins above are the lock: install the project without letting pip re-resolve them.
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
    touch "$stamp"
  fi
}

# Install the Debian packages named, if any is missing (needs root and apt-get).
setup_debian() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "note: please install these Debian packages: ${missing[*]}" >&2
    return 0
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
