"""Incremental builds: unchanged articles are read back, not re-parsed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset
from typer.testing import CliRunner

import graph.pipeline as pipeline
from graph.cli import app
from graph.pipeline import build
from graph.rdf import sorted_nquads
from graph.sparql import open_store, run_query

SEEDS = sorted(Path(__file__).resolve().parent.parent.joinpath("seeds").glob("*.txt"))
COUNT = "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a ng:Article }"
runner = CliRunner()


@pytest.fixture
def counted(monkeypatch):
    """Count the articles handed to the (real) extraction entry point."""
    seen: list[str] = []
    real = pipeline.extract_articles

    def wrapper(articles, **kw):
        seen.extend(a.id for a in articles)
        return real(articles, **kw)

    monkeypatch.setattr(pipeline, "extract_articles", wrapper)
    return seen


def _nq(out: Path) -> str:
    ds = Dataset()
    ds.parse(out / "graph.trig", format="trig")
    return sorted_nquads(ds)


def _articles(out: Path) -> int:
    return int(next(iter(run_query(open_store(out), COUNT)))[0].value)


def test_add_edit_prune_and_no_reparse(tmp_path, counted) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    shutil.copy(SEEDS[0], src)
    build([src], out=out)
    assert len(counted) == 1
    shutil.copy(SEEDS[1], src)
    first = build([src], out=out)
    assert first.changes == {"added": 1, "replaced": 0, "unchanged": 1, "pruned": 0}
    assert len(counted) == 2  # only the new article was parsed
    assert json.loads((out / "manifest.json").read_text())["changes"] == first.changes
    edited = src / SEEDS[1].name
    edited.write_text(edited.read_text(encoding="utf-8") + "\nRussia praised China.\n",
                      encoding="utf-8")
    again = build([src], out=out)
    assert again.changes["replaced"] == 1 and again.changes["unchanged"] == 1
    assert len(list((out / ".cache").glob("*.json"))) == 2  # the old version's entry is gone
    assert len(counted) == 3
    edited.unlink()
    kept = build([src], out=out)
    assert kept.changes["pruned"] == 0 and _articles(out) == 2
    pruned = build([src], out=out, prune=True)
    assert pruned.changes["pruned"] == 1 and _articles(out) == 1
    assert len(list((out / ".cache").glob("*.json"))) == 1
    assert len(counted) == 3


def test_incremental_equals_fresh_full_build(tmp_path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SEEDS[0], src)
    build([src], out=tmp_path / "inc")
    shutil.copy(SEEDS[1], src)
    build([src], out=tmp_path / "inc")
    res = runner.invoke(app, ["build", str(src), "--out", str(tmp_path / "fresh"), "-q",
                              "--full"])
    assert res.exit_code == 0, res.output
    for name in ("statements.csv",):
        assert (tmp_path / "inc" / name).read_bytes() == \
            (tmp_path / "fresh" / name).read_bytes()
    assert _nq(tmp_path / "inc") == _nq(tmp_path / "fresh")


def test_interrupted_build_keeps_previous_outputs(tmp_path, monkeypatch) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    shutil.copy(SEEDS[0], src)
    build([src], out=out)
    before = (out / "statements.csv").read_bytes()
    shutil.copy(SEEDS[1], src)

    def boom(articles, **kw):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(pipeline, "extract_articles", boom)
    with pytest.raises(RuntimeError):
        build([src], out=out)
    assert (out / "statements.csv").read_bytes() == before
    assert _articles(out) == 1
