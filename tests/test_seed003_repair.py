"""Seed 003 (spun text): automatic repair gives the facts of a hand repair, offsets stay put."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset
from typer.testing import CliRunner

from graph.articles import read_article
from graph.cli import app
from graph.pipeline import extract_articles
from graph.vocab import NG

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "003_98b9bab8169b0c54.txt"
HAND = ROOT / "tests" / "fixtures" / "003_repaired_by_hand.txt"


def _facts(result) -> set[tuple[str, str, str, bool, str]]:
    return {(s.subject, s.relation, s.object, s.negated, s.modality) for s in result.statements}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """Extractions from a copy of seed 003 and from the hand-repaired copy."""
    tmp = tmp_path_factory.mktemp("seed003")
    spun_path = shutil.copy(SEED, tmp / "spun.txt")
    hand_path = shutil.copy(HAND, tmp / "hand.txt")
    spun = extract_articles([read_article(Path(spun_path))])
    hand = extract_articles([read_article(Path(hand_path))])
    return spun, hand


def test_repaired_seed_gives_the_facts_of_the_hand_repair(both):
    spun, hand = both
    assert hand.articles[0].edits == ()
    assert len(spun.articles[0].edits) >= 40
    assert _facts(hand)
    assert _facts(spun) == _facts(hand)


def test_statement_offsets_point_into_the_original_spun_text(both):
    spun, _hand = both
    original = SEED.read_text(encoding="utf-8")
    assert spun.articles[0].text.strip() == original.strip()
    text = spun.articles[0].text
    for s in spun.statements:
        span = text[s.char_start:s.char_end]
        assert span and span in s.sentence and s.sentence in text
    joined = " ".join(text[s.char_start:s.char_end] for s in spun.statements)
    assert any(w in joined for w in ("pinch", "nan", "successful", "betwixt", "aft"))


def test_manifest_and_rdf_record_the_repair(seed_build):
    result, out = seed_build
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    rows = {row["article"]: row for row in manifest["inputs"]}
    repaired = [a for a in result.articles if a.edits]
    assert len(repaired) == 1
    n = len(repaired[0].edits)
    assert rows[repaired[0].id]["repaired"] is True
    assert rows[repaired[0].id]["repair_edits"] == n
    assert [r for r in rows.values() if r["repaired"]] == [rows[repaired[0].id]]
    ds = Dataset()
    ds.parse(out / "graph.trig", format="trig")
    counts = {int(o) for _s, p, o, _g in ds.quads((None, NG.repairEdits, None, None))}
    flags = {bool(o.toPython()) for _s, p, o, _g in ds.quads((None, NG.repaired, None, None))}
    assert n in counts and 0 in counts and flags == {True, False}


def test_traps_are_left_untouched():
    from graph import despin

    text = ("The army carried out a successful test on Monday. Climbers reached the summit "
            "of the mountain, and the talks went well as planned.")
    assert despin.find_edits(text) == []
    spun = SEED.read_text(encoding="utf-8") + "\n" + text
    repaired, _edits = despin.repair(spun)
    assert repaired.endswith(text)


def test_clean_explain_prints_each_edit_with_its_position():
    result = CliRunner().invoke(app, ["clean", str(SEED), "--explain"])
    assert result.exit_code == 0, result.output
    text = SEED.read_text(encoding="utf-8")
    lines = [ln for ln in result.output.splitlines() if "->" in ln]
    assert len(lines) >= 40
    for ln in lines:
        span, _, rest = ln.partition("\t")
        start, end = (int(x) for x in span.split("-"))
        assert repr(text[start:end]) == rest.split(" -> ")[0]
