"""Shared fixtures: one real build of the seeds per test session."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def nlp():
    """The real spaCy pipeline (the pinned model)."""
    from graph.components import add_components
    from graph.nlp import load_model

    return add_components(load_model())


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """A build of ``seeds/`` and its output directory."""
    from graph.pipeline import build

    out = tmp_path_factory.mktemp("seed-build")
    result = build([SEEDS], out=out)
    return result, out


@pytest.fixture(scope="session")
def seed_rows(seed_build):
    """Rows of the seed build's statements.csv."""
    _result, out = seed_build
    with open(out / "statements.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
