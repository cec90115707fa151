"""The command line: help texts, query formats, errors that name the file."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from graph.cli import app

runner = CliRunner()
COMMANDS = ["build", "query", "validate", "clean", "openie"]


def test_top_level_help_lists_commands_with_an_example():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for cmd in COMMANDS:
        assert cmd in result.output
    assert "Example" in result.output


@pytest.mark.parametrize("cmd", COMMANDS)
def test_every_command_help_explains_options_and_gives_an_example(cmd):
    result = runner.invoke(app, [cmd, "--help"])
    assert result.exit_code == 0
    assert "Example: newsgraph " + cmd in result.output
    for line in result.output.splitlines():
        stripped = line.strip()
        if stripped.startswith("--") and not stripped.startswith("--help"):
            assert len(stripped.split(None, 1)) == 2 or stripped.endswith("<int>"), line


def test_python_dash_m_graph_runs():
    out = subprocess.run([sys.executable, "-m", "graph", "--version"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.startswith("newsgraph ")


QUERY = ("SELECT ?o WHERE { ?st rdf:subject ?s ; rdf:predicate ng:accuses ; rdf:object ?o . "
         "?s rdfs:label 'China' }")


def test_query_table_csv_tsv_json(seed_build):
    _result, out = seed_build
    table = runner.invoke(app, ["query", str(out), QUERY])
    assert table.exit_code == 0 and "united-states" in table.output and "(1 row)" in table.output
    as_csv = runner.invoke(app, ["query", str(out), QUERY, "--format", "csv"])
    rows = list(csv.reader(io.StringIO(as_csv.output)))
    assert rows[0] == ["o"] and rows[1][0].endswith("/entity/united-states")
    as_tsv = runner.invoke(app, ["query", str(out), QUERY, "--format", "tsv"])
    assert as_tsv.output.splitlines()[0] == "?o"
    as_json = json.loads(runner.invoke(app, ["query", str(out), QUERY, "-f", "json"]).output)
    assert as_json["head"]["vars"] == ["o"]
    assert as_json["results"]["bindings"][0]["o"]["type"] == "uri"


def test_query_from_a_saved_file(seed_build):
    _result, out = seed_build
    result = runner.invoke(app, ["query", str(out), "@queries/cooperation.rq", "-f", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {"China", "United States"} <= {r["subject"] for r in rows} | {r["object"]
                                                                         for r in rows}


def test_bad_query_is_a_one_line_error(seed_build):
    _result, out = seed_build
    result = runner.invoke(app, ["query", str(out), "SELEC nonsense"])
    assert result.exit_code == 2
    assert "invalid SPARQL" in result.output and result.output.count("\n") == 1


def test_bad_files_are_skipped_with_one_line_errors(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text("China accused Japan of provocations.\n",
                                     encoding="utf-8")
    (inputs / "empty.txt").write_text("", encoding="utf-8")
    (inputs / "latin1.txt").write_bytes("Caf\xe9 talks in S\xe3o Paulo.".encode("latin-1"))
    (inputs / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    result = runner.invoke(app, ["build", str(inputs), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    errors = [ln for ln in result.output.splitlines() if ln.startswith("newsgraph: skipped")]
    assert len(errors) == 3
    assert any("empty.txt: empty file" in e for e in errors)
    assert any("latin1.txt: not UTF-8" in e for e in errors)
    assert any("binary.txt: binary file" in e for e in errors)
    assert "articles 1" in result.output


def test_strict_stops_and_keeps_previous_outputs(tmp_path, seed_build):
    _result, built = seed_build
    out = tmp_path / "out"
    out.mkdir()
    before = (built / "statements.csv").read_bytes()
    (out / "statements.csv").write_bytes(before)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    result = runner.invoke(app, ["build", str(bad), "--out", str(out), "--strict"])
    assert result.exit_code == 2
    assert f"{bad}: empty file" in result.output
    assert (out / "statements.csv").read_bytes() == before


def test_missing_model_is_a_one_line_error_with_the_fix(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text("China accused Japan.", encoding="utf-8")
    from graph.nlp import load_model

    load_model.cache_clear()
    result = runner.invoke(app, ["build", str(good), "--out", str(tmp_path / "o"),
                                 "--model", "no_such_model_xyz"])
    assert result.exit_code == 2
    assert "no spaCy model found" in result.output and "requirements/model.txt" in result.output


def test_clean_explains_edits_on_the_spun_seed():
    result = runner.invoke(app, ["clean", "seeds/003_98b9bab8169b0c54.txt", "--explain"])
    assert result.exit_code == 0
    assert "spun" in result.output.splitlines()[0]
    assert "'pinch' -> 'with'" in result.output


def test_seed_build_conforms_to_the_shapes(seed_build):
    _result, out = seed_build
    result = runner.invoke(app, ["validate", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("conforms")


def test_validate_reports_a_statement_without_modality(seed_build, tmp_path):
    _result, out = seed_build
    trig = (out / "graph.trig").read_text(encoding="utf-8")
    broken = trig.replace("ng:modality ng:Intent", "ng:pattern \"x\"", 1)
    assert broken != trig
    (tmp_path / "graph.trig").write_text(broken, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "exactly one modality" in result.output
