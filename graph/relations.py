"""Relation labels and their mapping to ontology properties.

A relation label is the verb's lemma in the present third person, then its particle and
preposition ("cooperates with", "navigates near"). Common labels map to canonical
ontology properties (``ontology/relations.tsv``); nouns that name a relation
("cooperation", "summit") map to labels through ``ontology/nominals.tsv``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .resources import load_table

_IRREGULAR = {"be": "is", "have": "has", "do": "does", "go": "goes", "say": "says"}


def third_person(lemma: str) -> str:
    """Present third-person singular of a verb lemma (``cooperate`` -> ``cooperates``)."""
    lemma = lemma.lower()
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    if re.search(r"(s|sh|ch|x|z|o)$", lemma):
        return lemma + "es"
    if re.search(r"[^aeiou]y$", lemma):
        return lemma[:-1] + "ies"
    return lemma + "s"


def relation_label(lemma: str, *extras: str) -> str:
    """Join a verb lemma (conjugated) with particles, objects and prepositions."""
    words = [third_person(lemma), *(e.lower() for e in extras if e)]
    return " ".join(" ".join(words).split())


@lru_cache(maxsize=1)
def properties() -> dict[str, str]:
    """Relation label -> ontology property local name."""
    return {row["relation"]: row["property"] for row in load_table("relations.tsv")}


@lru_cache(maxsize=1)
def nominals() -> dict[str, str]:
    """Relation noun -> relation label ("cooperation" -> "cooperates with")."""
    return {row["noun"]: row["relation"] for row in load_table("nominals.tsv")}


@lru_cache(maxsize=1)
def lexicon() -> dict[str, str]:
    """Lemma -> kind (intent, possible, report, deny, light)."""
    return {row["lemma"]: row["kind"] for row in load_table("lexicon.tsv")}


def property_for(label: str) -> str | None:
    """The canonical property for a relation label, or ``None`` to mint one."""
    return properties().get(label)
