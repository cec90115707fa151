"""Word-spinner repair: context-checked substitutions and offsets back to the original."""

from __future__ import annotations

from graph import despin

SPUN = ("China is fresh to fortify practice pinch nan Russian subject successful Moscow, "
        "and talks betwixt nan 2 sides went aft nan summit.")


def test_successful_becomes_in_only_where_the_context_agrees():
    edits = {e.original: e.replacement for e in despin.find_edits(SPUN)}
    assert edits["successful"] == "in"
    clean = "The country carried out a successful test of the missile."
    assert despin.find_edits(clean) == []


def test_repair_of_a_spun_sentence():
    repaired, edits = despin.repair(SPUN)
    assert repaired.startswith(
        "China is ready to strengthen cooperation with the Russian military in Moscow")
    assert "between the 2 sides went after the summit" in repaired
    assert len(edits) >= 8


def test_clean_text_is_left_alone():
    text = "China said on Monday it was ready to strengthen cooperation with Russia."
    repaired, edits = despin.repair(text)
    assert repaired == text and edits == []


def test_offsets_map_back_into_the_original():
    repaired, edits = despin.repair(SPUN)
    omap = despin.OffsetMap(edits)
    for word in ("Russian", "Moscow", "summit", "China"):
        i = repaired.index(word)
        start, end = omap.to_original(i), omap.to_original(i + len(word), end=True)
        assert SPUN[start:end] == word
    i = repaired.index("with the Russian military")
    j = i + len("with the Russian military")
    assert SPUN[omap.to_original(i):omap.to_original(j, end=True)] == "pinch nan Russian subject"


def test_seed_003_is_flagged_and_seed_000_is_not():
    from pathlib import Path

    seeds = Path(__file__).resolve().parents[1] / "seeds"
    spun = (seeds / "003_98b9bab8169b0c54.txt").read_text(encoding="utf-8")
    clean = (seeds / "000_2ad670eb4d9b3f06.txt").read_text(encoding="utf-8")
    assert despin.is_spun(spun, despin.find_edits(spun))
    assert despin.find_edits(clean) == []
