"""Shared pytest fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
ARTIFACTS = REPO / "artifacts"

# Tests never reach the internet; make accidental use of proxies fail fast.
os.environ.setdefault("NO_PROXY", "*")


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Folder for screenshots and other test artifacts (kept after the run)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
