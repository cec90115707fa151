"""Every input format becomes articles with the right title, date, text and source."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from graph.articles import discover, read_path
from graph.cli import app
from graph.model import Article
from graph.pipeline import build, read_inputs

runner = CliRunner()

TXT = ("China and Japan trade accusations\n\nDate: 2024-02-01\n\n"
       "China accused Japan of provocations in the East China Sea on Monday.\n")
MD = ("---\ntitle: Russia and China sign an energy pact\ndate: 2024-03-05\n"
      "source: Example Wire\nurl: https://example.org/energy\n---\n"
      "# Russia and China sign an energy pact\n\nDate: 2023-01-01\n\n"
      "Russia signed an agreement with China on energy cooperation in Moscow.\n")
HTML = """<!doctype html><html><head><meta charset="utf-8">
<title>Vietnam protests to China</title>
<meta property="og:title" content="Vietnam protests to China">
<meta property="og:url" content="https://example.org/vietnam">
<meta property="article:published_time" content="2024-04-09">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Vietnam protests to China</h1>
<p>Vietnam accused China of violating its sovereignty near the Paracel Islands on Tuesday,
the foreign ministry said in a statement issued in Hanoi.</p>
<p>The Philippines criticized China over the incident at a press conference in Manila,
where officials described the encounter in detail to reporters.</p>
</article><footer>Copyright 2024 Example Media. All rights reserved.</footer>
</body></html>
"""
JSONL_RECORDS = [
    {"title": "India hosts Japan", "date": "2024-05-02", "url": "https://example.org/1",
     "text": "India welcomed Japan's prime minister in New Delhi on Thursday."},
    {"title": "Germany criticizes Russia", "date": "2024-05-03T10:00:00Z",
     "text": "Germany criticized Russia over the attack on Ukraine."},
]


def _jsonl() -> str:
    return "".join(json.dumps(r) + "\n" for r in JSONL_RECORDS)


def _one(path: Path, text: str) -> Article:
    """Write ``text`` to ``path`` and read it back as exactly one article."""
    path.write_text(text, encoding="utf-8")
    items = read_path(path)
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


def test_txt_reads_headline_date_line_and_body(tmp_path):
    path = tmp_path / "a.txt"
    art = _one(path, TXT)
    assert art.title == "China and Japan trade accusations"
    assert art.date == "2024-02-01"
    assert art.source == str(path)
    assert art.text == TXT
    body = [art.text[s.start:s.end] for s in art.segments if s.kind == "body"]
    assert body == ["China accused Japan of provocations in the East China Sea on Monday."]


def test_md_front_matter_fills_fields_and_its_date_wins(tmp_path):
    path = tmp_path / "b.md"
    art = _one(path, MD)
    assert art.title == "Russia and China sign an energy pact"
    assert art.date == "2024-03-05"  # not the 2023 date line of the body
    assert art.url == "https://example.org/energy"
    assert art.publisher == "Example Wire"
    assert art.text == MD  # offsets point into the file as read
    kinds = {s.kind: art.text[s.start:s.end] for s in art.segments}
    assert kinds["front_matter"].startswith("---\ntitle:")
    assert "front_matter" not in {s.kind for s in art.parsed_segments()}
    assert "Russia signed an agreement" in kinds["body"]


def test_md_without_front_matter_is_read_as_text(tmp_path):
    path = tmp_path / "c.md"
    art = _one(path, TXT)
    assert art.title == "China and Japan trade accusations" and art.date == "2024-02-01"


def test_html_main_text_and_metadata_through_trafilatura(tmp_path):
    path = tmp_path / "d.html"
    art = _one(path, HTML)
    assert art.title == "Vietnam protests to China"
    assert art.date == "2024-04-09"
    assert art.url == "https://example.org/vietnam"
    assert "Vietnam accused China of violating its sovereignty" in art.text
    assert "Philippines criticized China" in art.text
    assert "Sport" not in art.text and "Copyright" not in art.text
    assert "<p>" not in art.text


def test_jsonl_gives_one_article_per_line_with_line_sources(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text(_jsonl(), encoding="utf-8")
    items = read_path(path)
    assert [type(a) for a in items] == [Article, Article]
    first, second = items
    assert (first.title, first.date, first.url) == ("India hosts Japan", "2024-05-02",
                                                     "https://example.org/1")
    assert (second.title, second.date) == ("Germany criticizes Russia", "2024-05-03")
    assert first.source == f"{path}:1" and second.source == f"{path}:2"
    assert "India welcomed Japan's prime minister" in first.text
    assert first.id != second.id
    again = read_path(path)
    assert [a.id for a in again] == [first.id, second.id]  # stable ids


def test_directory_tree_is_recursive_sorted_and_skips_hidden(tmp_path):
    root = tmp_path / "corpus"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "b.txt").write_text(TXT, encoding="utf-8")
    (root / "sub" / "a.md").write_text(MD, encoding="utf-8")
    (root / "sub" / "deeper" / "c.html").write_text(HTML, encoding="utf-8")
    (root / "sub" / "deeper" / "d.jsonl").write_text(_jsonl(), encoding="utf-8")
    (root / ".hidden" / "x.txt").write_text(TXT, encoding="utf-8")
    (root / ".secret.txt").write_text(TXT, encoding="utf-8")
    (root / "notes.csv").write_text("a,b\n", encoding="utf-8")
    found = discover([root])
    assert found == sorted(found)
    assert [p.relative_to(root).as_posix() for p in found] == [
        "b.txt", "sub/a.md", "sub/deeper/c.html", "sub/deeper/d.jsonl"]
    articles, errors = read_inputs([root])
    assert errors == []
    assert len(articles) == 5


def test_stdin_in_every_format(tmp_path):
    cases = {"txt": (TXT, "China and Japan trade accusations"),
             "md": (MD, "Russia and China sign an energy pact"),
             "html": (HTML, "Vietnam protests to China"),
             "jsonl": (_jsonl(), "India hosts Japan")}
    for fmt, (text, title) in cases.items():
        articles, errors = read_inputs([Path("-")], stdin_format=fmt,
                                       stdin=io.BytesIO(text.encode("utf-8")))
        assert errors == [] and articles[0].title == title, fmt
        assert articles[0].source.startswith("-")


def test_cli_builds_from_stdin(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", "-", "--out", str(out), "--stdin-format", "md",
                                 "-q"], input=MD)
    assert result.exit_code == 0, result.output
    with open(out / "statements.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert any(r["subject"] == "Russia" and r["date"] == "2024-03-05" for r in rows), rows
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [i["path"] for i in manifest["inputs"]] == ["-"]


def test_build_over_a_mixed_directory_gives_statements_from_each_format(tmp_path):
    root = tmp_path / "mixed"
    root.mkdir()
    (root / "a.txt").write_text(TXT, encoding="utf-8")
    (root / "b.md").write_text(MD, encoding="utf-8")
    (root / "c.html").write_text(HTML, encoding="utf-8")
    (root / "d.jsonl").write_text(_jsonl(), encoding="utf-8")
    result = build([root], out=tmp_path / "out")
    assert result.errors == []
    by_source = {a.id: a.source for a in result.articles}
    sources = {by_source[s.article] for s in result.statements}
    expected = {str(root / "a.txt"), str(root / "b.md"), str(root / "c.html"),
                f"{root / 'd.jsonl'}:1", f"{root / 'd.jsonl'}:2"}
    assert sources == expected, sources
    subjects = {(result.entities[s.subject].label, by_source[s.article].rsplit("/", 1)[-1])
                for s in result.statements}
    assert ("China", "a.txt") in subjects
    assert ("Russia", "b.md") in subjects
    assert ("Vietnam", "c.html") in subjects
    assert ("Germany", "d.jsonl:2") in subjects


def test_url_and_publisher_reach_the_graph_and_the_manifest(tmp_path):
    from graph.sparql import open_store, run_query

    root = tmp_path / "in"
    root.mkdir()
    (root / "b.md").write_text(MD, encoding="utf-8")
    records = [
        {"title": "Spaces", "url": "https://example.org/a b/é?q=\"x\"", "source": "Wire",
         "text": "Germany criticized Russia over the attack on Ukraine."},
        {"title": "Not a web address", "url": "javascript:alert(1)",
         "text": "India welcomed Japan's prime minister in New Delhi on Thursday."},
    ]
    (root / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records),
                                  encoding="utf-8")
    out = tmp_path / "out"
    result = build([root], out=out)
    assert result.errors == []
    rows = run_query(open_store(out), "SELECT ?src ?url ?pub WHERE { ?a ng:sourcePath ?src ; "
                     "schema:url ?url . OPTIONAL { ?a ng:publisherName ?pub } }")
    found = {r["src"].value.rsplit("/", 1)[-1]: (r["url"], r["pub"]) for r in rows}
    url, pub = found["b.md"]
    assert (type(url).__name__, url.value, pub.value) == \
        ("NamedNode", "https://example.org/energy", "Example Wire")
    url, pub = found["c.jsonl:1"]
    assert type(url).__name__ == "NamedNode" and pub.value == "Wire"
    assert url.value == "https://example.org/a%20b/%C3%A9?q=%22x%22"
    url, pub = found["c.jsonl:2"]
    assert type(url).__name__ == "Literal" and url.value == "javascript:alert(1)"
    assert pub is None
    inputs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    by_path = {i["path"].rsplit("/", 1)[-1]: i for i in inputs}
    assert by_path["b.md"]["url"] == "https://example.org/energy"
    assert by_path["b.md"]["publisher"] == "Example Wire"
    assert by_path["c.jsonl:2"]["url"] == "javascript:alert(1)"  # as the input gave it
