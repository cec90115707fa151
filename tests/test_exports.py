"""Exports of the seed build: each format reads back to the store's content."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from graph.cli import app
from graph.errors import OutputError
from graph.exporters import (
    NEO4J_NODE_HEADER,
    NEO4J_REL_HEADER,
    cypher_literal,
    export,
    formats,
    relationship_type,
)
from graph.outputs import CSV_HEADER
from graph.sparql import open_store, run_query

QUAD_FORMATS = {"nq": "nquads", "trig": "trig"}
TRIPLE_FORMATS = {"nt": "nt", "ttl": "turtle", "jsonld": "json-ld", "xml": "xml"}


@pytest.fixture(scope="module")
def exported(seed_build, tmp_path_factory) -> dict[str, Path]:
    """Every format exported once from the seed build."""
    _result, out = seed_build
    dest = tmp_path_factory.mktemp("exports")
    return {e.name: export(out, e.name, to=dest / e.filename) for e in formats()}


@pytest.fixture(scope="module")
def store_dataset(seed_build) -> Dataset:
    """The store's quads, read by rdflib from Oxigraph's own N-Quads dump."""
    _result, out = seed_build
    ds = Dataset()
    ds.parse(data=open_store(out).dump(format=ox.RdfFormat.N_QUADS).decode("utf-8"),
             format="nquads")
    return ds


def _named_graphs(ds: Dataset) -> dict[URIRef, Graph]:
    return {g.identifier: g for g in ds.graphs() if len(g)}


def _union(ds: Dataset) -> Graph:
    g = Graph()
    for s, p, o, _ctx in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def _store_count(out: Path, query: str) -> int:
    return int(next(iter(run_query(open_store(out), query)))["n"].value)


@pytest.mark.parametrize("fmt", sorted(QUAD_FORMATS))
def test_quad_formats_parse_back_isomorphic_per_graph(fmt, exported, store_dataset):
    ds = Dataset()
    ds.parse(exported[fmt], format=QUAD_FORMATS[fmt])
    got, want = _named_graphs(ds), _named_graphs(store_dataset)
    assert len(want) > 1
    assert sorted(got) == sorted(want)
    for name, graph in want.items():
        assert isomorphic(got[name], graph), name
    assert len(list(ds.quads((None, None, None, None)))) == \
        len(list(store_dataset.quads((None, None, None, None))))


@pytest.mark.parametrize("fmt", sorted(TRIPLE_FORMATS))
def test_triple_formats_parse_back_isomorphic_to_union(fmt, exported, store_dataset):
    g = Graph()
    g.parse(exported[fmt], format=TRIPLE_FORMATS[fmt])
    union = _union(store_dataset)
    assert len(union) > 100
    assert len(g) == len(union)
    assert isomorphic(g, union)


def _edge_keys(g: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    return {(str(u), str(v), str(k)) for u, v, k in g.edges(keys=True)}


def test_graphml_and_gexf_match_node_link_json(exported, seed_build):
    _result, out = seed_build
    data = json.loads(exported["json"].read_text(encoding="utf-8"))
    ref = nx.node_link_graph(data, edges="edges")
    n_statements = _store_count(out, "SELECT (COUNT(?s) AS ?n) WHERE { ?s a ng:Statement }")
    assert ref.is_multigraph() and ref.is_directed()
    assert ref.number_of_edges() == n_statements > 0
    for reader in (nx.read_graphml, nx.read_gexf):
        g = reader(exported["graphml" if reader is nx.read_graphml else "gexf"])
        assert set(map(str, g.nodes)) == set(map(str, ref.nodes))
        assert g.number_of_edges() == ref.number_of_edges()
        assert _edge_keys(g) == _edge_keys(ref)
    labels = nx.read_graphml(exported["graphml"]).nodes(data="label")
    assert dict(labels) == dict(ref.nodes(data="label"))


def test_csv_export_has_the_statements_csv_contract(exported, seed_build):
    _result, out = seed_build
    with open(exported["csv"], encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == CSV_HEADER
    assert exported["csv"].read_text(encoding="utf-8") == \
        (out / "statements.csv").read_text(encoding="utf-8")


def test_neo4j_import_files(exported):
    folder = exported["neo4j"]
    with open(folder / "nodes.csv", encoding="utf-8", newline="") as fh:
        nodes = list(csv.reader(fh))
    with open(folder / "relationships.csv", encoding="utf-8", newline="") as fh:
        rels = list(csv.reader(fh))
    assert tuple(nodes[0]) == NEO4J_NODE_HEADER == ("id:ID", "label", ":LABEL")
    assert tuple(rels[0][:3]) == (":START_ID", ":END_ID", ":TYPE")
    assert tuple(rels[0]) == NEO4J_REL_HEADER
    assert {"negated:boolean", "confidence:float", "modality", "sentence", "article"} <= \
        set(rels[0])
    ids = {row[0] for row in nodes[1:]}
    assert len(ids) == len(nodes) - 1
    assert all(row[2].startswith("Entity;") for row in nodes[1:])
    neg = rels[0].index("negated:boolean")
    for row in rels[1:]:
        assert row[0] in ids and row[1] in ids
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", row[2])
        assert row[neg] in ("true", "false")
    edges = json.loads(exported["json"].read_text(encoding="utf-8"))["edges"]
    assert len(rels) - 1 == len(edges)
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "neo4j-admin database import full --nodes=nodes.csv " \
           "--relationships=relationships.csv" in readme


def test_cypher_merges_each_node_and_relationship_once(exported):
    text = exported["cypher"].read_text(encoding="utf-8")
    data = json.loads(exported["json"].read_text(encoding="utf-8"))
    lines = [ln for ln in text.splitlines() if not ln.startswith("//")]
    node_merges = [ln for ln in lines if ln.startswith("MERGE (n:Entity")]
    rel_merges = [ln for ln in lines if "MERGE (a)-[r:" in ln]
    assert len(node_merges) == len(data["nodes"])
    assert len(rel_merges) == len(data["edges"])
    assert sum(ln.count("MERGE") for ln in lines) == len(data["nodes"]) + len(data["edges"])
    keys = {e["key"] for e in data["edges"]}
    assert {re.search(r"statement_id: '([0-9a-f]+)'", ln).group(1) for ln in rel_merges} \
        == keys


def test_cypher_literal_escapes_quotes_backslashes_and_newlines():
    assert cypher_literal("Xi's \\ \"x\"\nend") == "'Xi\\'s \\\\ \"x\"\\nend'"
    assert cypher_literal(True) == "true"
    assert cypher_literal(0.5) == "0.5"


def test_relationship_type_is_an_upper_snake_identifier():
    assert relationship_type("cooperates with") == "COOPERATES_WITH"
    assert relationship_type("  ") == "RELATED_TO"
    assert relationship_type("3rd-party of") == "R_3RD_PARTY_OF"


@pytest.mark.parametrize(("alias", "name"), [("N-Triples", "nt"), ("nquads", "nq"),
                                             ("json-ld", "jsonld"), ("rdf/xml", "xml"),
                                             ("turtle", "ttl"), ("statements", "csv")])
def test_aliases_write_the_same_bytes(alias, name, exported, seed_build, tmp_path):
    _result, out = seed_build
    path = export(out, alias, to=tmp_path / "x")
    assert path.read_bytes() == exported[name].read_bytes()


def test_default_destination_and_determinism(seed_build, exported):
    _result, out = seed_build
    path = export(out, "gexf")
    assert path == out / "export" / "graph.gexf"
    assert path.read_bytes() == exported["gexf"].read_bytes()
    assert b"lastmodifieddate" not in path.read_bytes()


def test_unknown_format_lists_the_formats(seed_build):
    _result, out = seed_build
    with pytest.raises(OutputError, match=r"unknown export format 'parquet'.*nq.*cypher"):
        export(out, "parquet")


def test_cli_export_and_list(seed_build, tmp_path):
    _result, out = seed_build
    runner = CliRunner()
    listing = runner.invoke(app, ["export", "--list"])
    assert listing.exit_code == 0
    for e in formats():
        assert e.name in listing.output
    dest = tmp_path / "g.ttl"
    res = runner.invoke(app, ["export", str(out), "--format", "turtle", "--to", str(dest)])
    assert res.exit_code == 0, res.output
    assert Path(res.output.strip()) == dest
    assert len(Graph().parse(dest, format="turtle")) > 100
    bad = runner.invoke(app, ["export", str(out), "--format", "nope"])
    assert bad.exit_code == 2
    assert "E003" in bad.output


def test_exports_do_not_depend_on_the_hash_seed(seed_build, exported, tmp_path):
    _result, out = seed_build
    code = ("import sys; from pathlib import Path; from graph.exporters import export, formats\n"
            "for e in formats(): export(Path(sys.argv[1]), e.name, to=Path(sys.argv[2]) / e.name)")
    subprocess.run([sys.executable, "-c", code, str(out), str(tmp_path)], check=True,
                   env={"PYTHONHASHSEED": "12345", "PATH": ""}, timeout=300)
    for name, path in exported.items():
        if path.is_dir():
            for f in sorted(path.iterdir()):
                assert (tmp_path / name / f.name).read_bytes() == f.read_bytes(), f.name
        else:
            assert (tmp_path / name).read_bytes() == path.read_bytes(), name
