"""The offline page (no remote references, escaping, parallel edges) and view filters."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from graph.errors import QueryError
from graph.model import Article, Entity, Statement
from graph.subgraph import Filters, select
from graph.views import render_html


@pytest.fixture(scope="module")
def seed(seed_build):
    from graph.exporters import Source

    _result, out = seed_build
    return Source(out).result


def _stmt(subj: str, rel: str, obj: str, sentence: str, **kw) -> Statement:
    fields = dict(subject=subj, relation=rel, predicate=None, object=obj, negated=False,
                  modality="fact", attributed_to=None, article="a1", sentence=sentence,
                  sentence_index=0, char_start=0, char_end=len(sentence), confidence=0.9,
                  pattern="t", extractor="t")
    fields.update(kw)
    return Statement(**fields)


EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def _evil_page() -> tuple[str, dict[str, int]]:
    ents = {"a": Entity(key="a", label="A&B " + EVIL, cls="Organization"),
            "b": Entity(key="b", label="Bee", cls="Country")}
    arts = {"a1": Article(id="a1", title="T " + EVIL, date="2024-01-02", source="x.txt",
                          text="", sha256="0")}
    stmts = [_stmt("a", "cooperates with", "b", "A cooperates with Bee " + EVIL),
             _stmt("a", "sanctions", "b", "A sanctions Bee.", negated=True),
             _stmt("a", "visits", "b", "A will visit Bee.", modality="intent")]
    return render_html(stmts, ents, arts, title="t " + EVIL)


def test_page_has_no_remote_reference(seed_build):
    _result, out = seed_build
    page = (out / "graph.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "bootstrap" not in page.lower()
    assert "<script" in page and "vis.Network" in page


def test_every_label_and_tooltip_is_escaped():
    page, _counts = _evil_page()
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)" in page


def test_parallel_edges_stay_separate_and_styled():
    page, counts = _evil_page()
    assert counts == {"nodes": 2, "edges": 3, "cut": 0}
    assert 'data-nodes="2"' in page and 'data-edges="3"' in page
    edges = re.search(r"edges = new vis.DataSet\((.*?)\);\n", page).group(1)
    assert edges.count('"from": "a"') == 3
    assert '"label": "NOT sanctions"' in edges and '"dashes": true' in edges
    # Drawn apart: straight, then arcs of growing curvature.
    assert sorted(re.findall(r'"roundness": ([0-9.]+)', edges)) == ["0.0", "0.18", "0.36"]
    assert "physics: false" in page


def test_max_nodes_keeps_best_connected_and_says_what_it_cut(seed):
    degree = Counter(k for s in seed.statements for k in (s.subject, s.object))
    page, counts = render_html(seed.statements, seed.entities,
                               {a.id: a for a in seed.articles}, max_nodes=3)
    assert counts["nodes"] == 3 and counts["cut"] == len(degree) - 3
    assert f"{counts['cut']} less-connected nodes not shown" in page
    best = max(degree, key=lambda k: degree[k])
    assert f'"id": "{best}"' in page


def test_focus_and_hops(seed):
    degree = Counter(k for s in seed.statements for k in (s.subject, s.object))
    hub = max(degree, key=lambda k: (degree[k], k))
    label = seed.entities[hub].label
    near = {hub} | {s.object for s in seed.statements if s.subject == hub} \
        | {s.subject for s in seed.statements if s.object == hub}
    one = select(seed, Filters(focus=label.upper(), hops=1))
    touching = [s for s in seed.statements if hub in (s.subject, s.object)]
    assert all(s in one for s in touching)
    assert all(s.subject in near and s.object in near for s in one)
    two = select(seed, Filters(focus=label, hops=2))
    assert len(two) >= len(one)
    with pytest.raises(QueryError, match=re.escape(label)):
        select(seed, Filters(focus=label[:-1] + "x"))


def test_relation_type_article_since(seed):
    rel = Counter(s.relation for s in seed.statements).most_common(1)[0][0]
    got = select(seed, Filters(relations=(rel,)))
    assert got and all(s.relation == rel for s in got)
    assert len(got) == sum(s.relation == rel for s in seed.statements)

    cls = seed.entities[seed.statements[0].object].cls
    got = select(seed, Filters(types=(cls.lower(),)))
    assert got and all(cls in (seed.entities[s.subject].cls, seed.entities[s.object].cls)
                       for s in got)

    art = seed.articles[0]
    name = art.source.rsplit("/", 1)[-1]
    got = select(seed, Filters(article=name))
    assert len(got) == sum(s.article == art.id for s in seed.statements)
    assert select(seed, Filters(article=art.id)) == got

    dated = sorted({a.date[:10] for a in seed.articles if a.date})
    assert dated
    arts = {a.id: a for a in seed.articles}
    got = select(seed, Filters(since=dated[-1]))
    assert all(arts[s.article].date and arts[s.article].date[:10] >= dated[-1] for s in got)
    assert len(got) == sum(1 for s in seed.statements
                           if arts[s.article].date and arts[s.article].date[:10] >= dated[-1])
    with pytest.raises(QueryError, match="ISO"):
        select(seed, Filters(since="yesterday"))


def test_cli_show_writes_the_page(seed_build, tmp_path):
    from typer.testing import CliRunner

    from graph.cli import app

    _result, out = seed_build
    dest = tmp_path / "v" / "view.html"
    res = CliRunner().invoke(app, ["show", str(out), "--to", str(dest), "--max-nodes", "4"])
    assert res.exit_code == 0, res.output
    page = dest.read_text(encoding="utf-8")
    nodes = int(re.search(r'data-nodes="(\d+)"', page).group(1))
    edges = int(re.search(r'data-edges="(\d+)"', page).group(1))
    assert nodes == 4
    assert f"{nodes} nodes, {edges} edges" in res.output and "cut by --max-nodes" in res.output
    bad = CliRunner().invoke(app, ["show", str(out), "--to", str(dest), "--focus", "Zzqx"])
    assert bad.exit_code == 2
