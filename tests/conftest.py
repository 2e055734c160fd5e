"""Shared fixtures: the repo paths, ../shared, and a fast local runner."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "000_5d6750ddc2411a79.txt"

# Beam's own noise (apitools warning) is not ours to see in test output.
warnings.filterwarnings("ignore", message=".*apitools.*")
logging.getLogger("apache_beam").setLevel(logging.ERROR)

# TestPipeline on the FnApiRunner: the DirectRunner would first try Prism,
# whose binary it downloads (about 15 s lost per pipeline offline).
RUNNER = "FnApiRunner"


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not present (the shared specs and data sit beside the repo)")
    return SHARED


@pytest.fixture
def seed_text() -> str:
    if not SEED.is_file():
        pytest.skip(f"{SEED} is not present")
    return SEED.read_text(encoding="utf-8")
