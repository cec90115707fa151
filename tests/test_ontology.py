"""The Python vocabulary and the Turtle ontology must not drift apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph

from graph.resources import load_table
from graph.vocab import NG

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology" / "newsgraph.ttl"


def declared_terms() -> set[str]:
    g = Graph().parse(ONTOLOGY)
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)
    return {str(s).removeprefix(str(NG)) for k in kinds for s in g.subjects(RDF.type, k)
            if str(s).startswith(str(NG))}


def test_every_python_term_is_declared_in_turtle_and_back():
    python_terms = set(NG.__annotations__)
    assert python_terms == declared_terms()


def test_a_typo_in_a_term_fails():
    with pytest.raises(AttributeError):
        _ = NG.cooperatesWiht


def test_relation_table_maps_only_to_declared_properties():
    declared = declared_terms()
    for row in load_table("relations.tsv"):
        assert row["property"] in declared, row
