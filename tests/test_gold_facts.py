"""Gold facts of the seeds, written by reading the articles, must all be found."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.coref import NEVER_NODES

GOLD = Path(__file__).with_name("gold_seeds.tsv")


def gold_rows() -> list[dict[str, str]]:
    lines = [ln for ln in GOLD.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def test_gold_has_enough_facts_with_every_kind_of_annotation():
    rows = gold_rows()
    assert len(rows) >= 15
    assert {r["article"] for r in rows} == {"cc668da89278750b", "5c9f6dfdce0e90e9"}
    assert any(r["negated"] == "true" for r in rows)
    assert any(r["modality"] == "intent" for r in rows)
    assert any(r["attributed_to"] != "-" for r in rows)


@pytest.mark.parametrize("gold", gold_rows(),
                         ids=lambda g: f"{g['subject']}|{g['relation']}|{g['object']}")
def test_gold_fact_is_found(gold, seed_rows):
    found = [r for r in seed_rows if r["article"] == gold["article"]
             and r["subject"] == gold["subject"] and r["relation"] == gold["relation"]
             and r["object"] == gold["object"]]
    assert found, "not extracted"
    expected_by = "" if gold["attributed_to"] == "-" else gold["attributed_to"]
    matching = [r for r in found if r["negated"] == gold["negated"]
                and r["modality"] == gold["modality"] and r["attributed_to"] == expected_by]
    assert matching, [(r["negated"], r["modality"], r["attributed_to"]) for r in found]


def test_no_node_is_a_pronoun_or_a_determiner(seed_build):
    result, _out = seed_build
    nodes = {s.subject for s in result.statements} | {s.object for s in result.statements}
    for key in nodes:
        label = result.entities[key].label
        words = label.lower().split()
        assert label.lower() not in NEVER_NODES, label
        assert words[0] not in {"the", "a", "an", "this", "that", "these", "those"}, label
