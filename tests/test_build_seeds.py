"""End-to-end checks of `build` on the two seed articles (real model, real RDF)."""

from __future__ import annotations

import json
import re

from rdflib import BNode, Dataset, URIRef

from graph.outputs import CSV_HEADER
from graph.pipeline import build
from graph.rdf import sorted_nquads

from .conftest import SEEDS

ART_000 = "cc668da89278750b"  # sha256 prefix of seeds/000_*.txt
ART_003 = "5c9f6dfdce0e90e9"


def test_writes_the_four_outputs_and_a_store(seed_build):
    _result, out = seed_build
    for name in ("graph.trig", "statements.csv", "graph.html", "manifest.json"):
        assert (out / name).stat().st_size > 0, name
    assert (out / "store").is_dir()


def test_statements_csv_header_is_the_contract(seed_build):
    _result, out = seed_build
    header = (out / "statements.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(CSV_HEADER)
    assert header == ("statement_id,subject,subject_type,relation,object,object_type,negated,"
                      "modality,attributed_to,article,date,sentence,char_start,char_end,"
                      "confidence")


def test_china_cooperation_with_russia_is_an_intent_from_003(seed_rows):
    hits = [r for r in seed_rows if r["article"] == ART_003 and r["subject"] == "China"
            and r["relation"] == "cooperates with" and r["object"] == "Russia"]
    assert hits and all(r["modality"] == "intent" for r in hits)
    assert any(r["sentence"].startswith("China ready to boost") for r in hits)


def test_us_navy_ship_near_the_paracel_islands_from_000(seed_build, seed_rows):
    result, _out = seed_build
    hits = [r for r in seed_rows if r["article"] == ART_000 and r["object"] == "Paracel Islands"
            and "near" in r["relation"].split()]
    assert hits, "no statement puts a ship near the Paracel Islands"
    ship = result.entities["uss-john-mccain"]
    assert ship.cls == "Vessel" and ship.part_of == "united-states-navy"
    assert {r["subject"] for r in hits} == {"USS John McCain"}
    assert hits[0]["attributed_to"] == "Seventh Fleet"


def test_china_accuses_the_united_states_from_000(seed_rows):
    hits = [r for r in seed_rows if r["article"] == ART_000 and r["subject"] == "China"
            and r["relation"] == "accuses" and r["object"] == "United States"]
    assert len(hits) == 1 and hits[0]["negated"] == "false"


def test_no_statement_from_the_trailer_line(seed_build, seed_rows):
    result, _ = seed_build
    text = next(a.text for a in result.articles if a.id == ART_000)
    trailer_at = text.index("Our readers are reading too")
    assert all(int(r["char_end"]) <= trailer_at for r in seed_rows if r["article"] == ART_000)
    assert not [r for r in seed_rows if "readers" in r["sentence"]]


def test_offsets_point_into_the_original_text(seed_build, seed_rows):
    result, _ = seed_build
    texts = {a.id: a.text for a in result.articles}
    for r in seed_rows:
        start, end = int(r["char_start"]), int(r["char_end"])
        assert 0 <= start < end <= len(texts[r["article"]])
        assert texts[r["article"]][start:end] in r["sentence"]
        assert r["sentence"] in texts[r["article"]]


def test_graph_trig_parses_back_without_blank_nodes(seed_build):
    _result, out = seed_build
    ds = Dataset()
    ds.parse(out / "graph.trig", format="trig")
    quads = list(ds.quads((None, None, None, None)))
    assert len(quads) > 500
    for s, p, o, g in quads:
        assert not isinstance(s, BNode) and not isinstance(o, BNode), (s, p, o)
        for term in (s, p, o, g):
            if isinstance(term, URIRef):
                assert re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+", str(term))
    graphs = {str(g.identifier) for g in ds.graphs()}
    assert any(g.endswith(f"article/{ART_000}") for g in graphs)
    assert any(g.endswith(f"article/{ART_003}") for g in graphs)


def test_negated_statements_are_never_plain_triples(seed_build):
    _result, out = seed_build
    ds = Dataset()
    ds.parse(out / "graph.trig", format="trig")
    q = """PREFIX ng: <https://w3id.org/newsgraph/ontology#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    SELECT ?s ?p ?o ?asserted WHERE { GRAPH ?g { ?st ng:negated true ; rdf:subject ?s ;
      rdf:predicate ?p ; rdf:object ?o . BIND(EXISTS { GRAPH ?g2 { ?s ?p ?o } } AS ?asserted)
    } }"""
    rows = list(ds.query(q))
    assert rows, "the seeds deny an alliance: there must be a negated statement"
    negated = {(r.s, r.p, r.o) for r in rows}
    positive = {(s, p, o) for s, p, o, _g in ds.quads((None, None, None, None))
                if (s, p, o) in negated}
    # a negated triple may only be asserted if another, non-negated statement states it
    q2 = """PREFIX ng: <https://w3id.org/newsgraph/ontology#>
    PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
    SELECT ?s ?p ?o WHERE { ?st ng:negated false ; rdf:subject ?s ; rdf:predicate ?p ;
      rdf:object ?o }"""
    affirmed = {(r.s, r.p, r.o) for r in ds.query(q2)}
    assert positive <= affirmed


def test_graph_html_loads_nothing_external(seed_build):
    _result, out = seed_build
    page = (out / "graph.html").read_text(encoding="utf-8")
    assert "vis.Network" in page
    assert not re.search(r"<script[^>]*\bsrc=", page, re.I)
    assert not re.search(r"<link[^>]*\bhref=", page, re.I)
    assert "cdn." not in page and "https://cdn" not in page


def test_manifest_counts_and_hashes(seed_build):
    result, out = seed_build
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert data["counts"]["articles"] == 2
    assert data["counts"]["statements"] == len(result.statements)
    assert {i["sha256"][:16] for i in data["inputs"]} == {ART_000, ART_003}
    assert data["model"].endswith("3.8.0")
    spun = next(i for i in data["inputs"] if i["article"] == ART_003)
    assert spun["repaired"] and spun["repair_edits"] > 20


def test_two_builds_give_identical_outputs(seed_build, tmp_path):
    _result, out = seed_build
    build([SEEDS], out=tmp_path)
    assert (tmp_path / "statements.csv").read_bytes() == (out / "statements.csv").read_bytes()
    first, second = Dataset(), Dataset()
    first.parse(out / "graph.trig", format="trig")
    second.parse(tmp_path / "graph.trig", format="trig")
    assert sorted_nquads(first) == sorted_nquads(second)
