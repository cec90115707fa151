"""The spinner benchmark's targets: reverts, false edits and a detection margin."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from graph import despin

ROOT = Path(__file__).resolve().parents[1]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("spin_eval", ROOT / "benchmarks" / "spin_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["spin_eval"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def figures():
    """The benchmark's figures at its default spinner settings."""
    return _load().measure()


def test_clean_news_file_has_at_least_sixty_sentences():
    articles = _load().clean_articles()
    sentences = sum(a.count(". ") + a.endswith(".") for a in articles)
    assert sentences >= 60
    joined = " ".join(articles)
    for trap in ("a successful test", "a pinch of salt", "summit of the mountain", "as well"):
        assert trap in joined


def test_repair_reverts_at_least_95_percent_of_substitutions(figures):
    assert figures.news.substitutions >= 50
    assert figures.news.reverted >= 0.95


def test_false_edits_on_clean_text_stay_under_half_a_percent(figures):
    assert figures.news.clean_words >= 600 and figures.carb.clean_words >= 10_000
    assert figures.news.false_edit_rate <= 0.005
    assert figures.carb.false_edit_rate <= 0.005


def test_threshold_separates_clean_from_spun_with_a_margin(figures):
    assert figures.clean_max < despin.SPUN_THRESHOLD < figures.spun_min
    assert figures.news.clean_flagged == 0 and figures.carb.clean_flagged == 0


def test_spinner_is_deterministic_and_repair_undoes_it():
    text = "The talks between the two sides went on after the summit in Moscow."
    first = despin.spin(text, p=1.0, seed=3)
    assert first == despin.spin(text, p=1.0, seed=3)
    spun, made = first
    assert made >= 5 and spun != text
    assert despin.repair(spun)[0] == text
