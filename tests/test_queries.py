"""Saved queries in queries/ run by name, with parameters bound as RDF terms."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from graph.cli import app
from graph.errors import QueryError
from graph.sparql import bind_param, open_store, resolve_query, run_query, saved_queries

runner = CliRunner()


def _csv(out, *args: str) -> list[dict[str, str]]:
    res = runner.invoke(app, ["query", str(out), *args, "--format", "csv"])
    assert res.exit_code == 0, res.output
    return list(csv.DictReader(io.StringIO(res.output)))


def test_list_names_every_saved_query_with_description() -> None:
    res = runner.invoke(app, ["query", "--list"])
    assert res.exit_code == 0, res.output
    names = {line.split("\t")[0]: line.split("\t")[1] for line in res.output.splitlines()}
    assert {"cooperation", "entity", "attributed", "negated", "timeline"} <= set(names)
    assert all(names.values())
    assert set(saved_queries()) == set(names)


def test_negated_matches_csv_rows(seed_build, seed_rows) -> None:
    _result, out = seed_build
    rows = _csv(out, "negated")
    expected = {(r["subject"], r["relation"], r["object"]) for r in seed_rows
                if r["negated"] == "true"}
    assert expected
    assert {(r["subject"], r["relation"], r["object"]) for r in rows} == expected


def test_attributed_by_label_matches_csv_rows(seed_build, seed_rows) -> None:
    _result, out = seed_build
    source = next(r["attributed_to"] for r in seed_rows if r["attributed_to"])
    rows = _csv(out, "attributed", "--param", f"source={source}")
    expected = sorted(r["sentence"] for r in seed_rows if r["attributed_to"] == source)
    assert sorted(r["sentence"] for r in rows) == expected


def test_entity_by_label_and_iri_agree(seed_build, seed_rows) -> None:
    _result, out = seed_build
    by_label = _csv(out, "entity", "--param", "entity=china")
    iri = by_label[0]["entity"]
    by_iri = _csv(out, "entity", "--param", f"entity=<{iri}>")
    assert by_label == by_iri
    as_subject = [r for r in seed_rows if r["subject"] == "China"]
    assert len([r for r in by_label if r["role"] == "subject"]) == len(as_subject)
    coop = _csv(out, "cooperation")
    assert any(r["subject"] == "China" and r["object"] == "Russia"
               and r["modality"].lower() == "intent" for r in coop)


def test_timeline_is_ordered_by_date(seed_build) -> None:
    _result, out = seed_build
    rows = _csv(out, "timeline", "--param", "entity=China")
    dates = [r["date"] for r in rows if r["date"]]
    assert dates and dates == sorted(dates)


def test_unknown_label_and_injection_are_errors_not_sparql(seed_build) -> None:
    _result, out = seed_build
    store = open_store(out)
    with pytest.raises(QueryError, match="no entity labelled"):
        bind_param(store, "Chinaa")
    before = len(store)
    res = runner.invoke(app, ["query", str(out), "entity", "--param",
                              'entity=x" } ; DROP ALL ; SELECT * { ?s ?p "'])
    assert res.exit_code != 0
    assert len(open_store(out)) == before
    q = resolve_query("entity")
    rows = list(run_query(store, q, bindings={"entity": ox.Literal('x" } ; DROP ALL')}))
    assert rows == []


def test_in_memory_copy_holds_the_same_quads_and_answers_alike(seed_build) -> None:
    _result, out = seed_build
    disk, memory = open_store(out), open_store(out, in_memory=True)
    assert sorted(map(str, memory)) == sorted(map(str, disk)) and len(disk) > 500
    q = "SELECT ?s ?o WHERE { ?s ng:cooperatesWith ?o } ORDER BY ?s ?o"
    rows = [tuple(map(str, r)) for r in run_query(memory, q)]
    assert rows and rows == [tuple(map(str, r)) for r in run_query(disk, q)]
