"""Calibration of the CaRB scorer against the official dev-split scores.

The official figures (CaRB's own ``carb.py``, default matcher) are listed in
the README of the shared CaRB benchmark directory; each of AUC, P, R and F1
must be reproduced within 0.005.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

TOLERANCE = 0.005

# file name (or None for gold-as-system) -> official (AUC, P, R, F1)
OFFICIAL: dict[str, tuple[float, float, float, float]] = {
    "openie5_dev.tabbed": (0.240, 0.526, 0.406, 0.458),
    "spacy_subtree_dev.tabbed": (0.323, 0.571, 0.411, 0.478),
    "textacy_svo_dev.tabbed": (0.093, 0.708, 0.109, 0.189),
}
GOLD_AS_SYSTEM: tuple[float, float, float, float] = (0.992, 0.990, 0.996, 0.993)

REPO_ROOT = Path(__file__).resolve().parents[1]


def _shared_dir() -> Path:
    override = os.environ.get("NEWSGRAPH_SHARED")
    base = Path(override) if override else REPO_ROOT.parent / "shared"
    return base / "benchmarks" / "carb"


CARB_DIR = _shared_dir()
GOLD_PATH = CARB_DIR / "gold" / "dev.tsv"

@pytest.fixture()
def carb_data() -> Path:
    """The CaRB dev data in ../shared; its absence is a failure, never a skip."""
    assert GOLD_PATH.is_file(), f"CaRB dev data not found under {CARB_DIR} (set NEWSGRAPH_SHARED)"
    return CARB_DIR


needs_data = pytest.mark.usefixtures("carb_data")


def _load_scorer() -> ModuleType:
    path = REPO_ROOT / "benchmarks" / "carb_scorer.py"
    spec = importlib.util.spec_from_file_location("carb_scorer", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


carb = _load_scorer()


@pytest.fixture(scope="module")
def gold() -> dict[str, list]:
    return carb.load_gold(GOLD_PATH)


def _gold_as_system() -> dict[str, list]:
    """Every gold line handed back verbatim as a system tuple of confidence 1.0."""
    system: dict[str, list] = {}
    with open(GOLD_PATH, encoding="utf-8") as handle:
        for line in handle:
            fields = line.strip().split("\t")
            if len(fields) < 2:
                continue
            ext = carb.Extraction(
                sentence=fields[0], relation=fields[1], args=tuple(fields[2:]), confidence=1.0
            )
            system.setdefault(fields[0], []).append(ext)
    return system


def _assert_close(result: object, expected: tuple[float, float, float, float]) -> None:
    got = (result.auc, result.precision, result.recall, result.f1)  # type: ignore[attr-defined]
    for name, value, want in zip(("AUC", "P", "R", "F1"), got, expected, strict=True):
        assert abs(value - want) <= TOLERANCE, f"{name}: got {value:.4f}, official {want:.3f}"


@needs_data
@pytest.mark.parametrize("filename", sorted(OFFICIAL))
def test_calibration_file(gold: dict[str, list], filename: str) -> None:
    system = carb.load_tabbed(CARB_DIR / "calibration" / filename)
    _assert_close(carb.score(gold, system), OFFICIAL[filename])


@needs_data
def test_gold_as_system(gold: dict[str, list]) -> None:
    _assert_close(carb.score(gold, _gold_as_system()), GOLD_AS_SYSTEM)


def test_match_rules() -> None:
    g = carb.Extraction("s", "made an offer on", ("Bush", "the wage", "in May"))
    # Arguments 2..n are folded, so the split of the tail does not matter.
    assert carb.match(g, carb.Extraction("s", "made an offer on", ("Bush", "the wage in May"))) == (
        1.0,
        1.0,
    )
    # No shared relation word: no match at all.
    assert carb.match(g, carb.Extraction("s", "gave", ("Bush", "the wage in May"))) == (0.0, 0.0)
    # Missing second argument: no match.
    assert carb.match(g, carb.Extraction("s", "made an offer on", ("Bush",))) == (0.0, 0.0)
    # Partial overlap: precision over system words, recall over gold words.
    precision, recall = carb.match(g, carb.Extraction("s", "made", ("Bush", "an offer")))
    assert precision == pytest.approx(2 / 4)
    assert recall == pytest.approx(2 / 9)


def test_normalise_sentence() -> None:
    assert carb.normalise_sentence("A -LRB- b -RRB- , c .") == carb.normalise_sentence("A(b), c")
    assert carb.normalise_sentence("It 's `` x ''") == "Itsx"


@needs_data
def test_cli(capsys: pytest.CaptureFixture[str]) -> None:
    tabbed = CARB_DIR / "calibration" / "openie5_dev.tabbed"
    assert carb.main(["--gold", str(GOLD_PATH), "--tabbed", str(tabbed)]) == 0
    out = capsys.readouterr().out
    assert "AUC: 0.240" in out and "F1: 0.458" in out
