"""Bad input files are one-line errors that never break a build; builds are all-or-nothing."""

from __future__ import annotations

import builtins
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph import outputs
from graph.articles import read_path
from graph.cli import app
from graph.errors import InputError
from graph.model import Article
from graph.pipeline import build
from graph.sparql import open_store, run_query

runner = CliRunner()

GOOD = "China and Japan trade accusations\n\nChina accused Japan of provocations.\n"
GOOD_HTML_LATIN1 = (
    '<html><head><meta http-equiv="Content-Type" content="text/html; '
    'charset=iso-8859-1"><title>Brazil hosts talks</title></head><body><article>'
    "<h1>Brazil hosts talks</h1><p>Brazil welcomed Argentina's president in S\xe3o Paulo "
    "on Monday for talks about trade and the caf\xe9 industry in the region.</p>"
    "</article></body></html>")
NAV_ONLY_HTML = (
    "<html><head><title>Menu</title></head><body><nav><ul><li><a href=/>Home</a></li>"
    "<li><a href=/w>World news</a></li><li><a href=/b>Business and markets</a></li></ul>"
    '</nav><div class="footer">Copyright 2024 Example Media. All rights reserved.</div>'
    "</body></html>")


def _error(path: Path, **kwargs) -> str:
    """The one-line error reading ``path`` gives."""
    with pytest.raises(InputError) as info:
        for item in read_path(path, **kwargs):
            if isinstance(item, InputError):
                raise item
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    return message


def _bad_files(root: Path) -> dict[str, str]:
    """Write one file of every bad kind into ``root``; return name -> expected reason."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "nul.txt").write_bytes(b"China accused Japan. " * 40 + b"\x00\x01\x02")
    (root / "scan.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 China accused Japan.")
    (root / "latin1.txt").write_bytes("Caf\xe9 talks in S\xe3o Paulo.\n".encode("latin-1"))
    (root / "latin1.html").write_bytes(
        GOOD_HTML_LATIN1.replace("charset=iso-8859-1", "").encode("latin-1"))
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.md").write_text(" \n\t\n  \n", encoding="utf-8")
    (root / "nav.html").write_text(NAV_ONLY_HTML, encoding="utf-8")
    (root / "big.txt").write_text(GOOD + "China met Russia. " * 200, encoding="utf-8")
    return {"nul.txt": "binary file (NUL bytes)", "scan.txt": "binary file (PDF data)",
            "latin1.txt": "not UTF-8", "latin1.html": "not UTF-8",
            "empty.txt": "empty file", "blank.md": "empty file",
            "nav.html": "no main text", "big.txt": "over the 1,000-byte limit"}


def test_every_bad_kind_is_one_line_naming_file_and_reason(tmp_path):
    expected = _bad_files(tmp_path)
    for name, reason in expected.items():
        message = _error(tmp_path / name, max_bytes=1000)
        assert reason in message, message
        assert message.startswith("[E002] ")


def test_not_utf8_reports_the_position(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"Talks opened.\nCaf\xe9 owners met.\n")
    message = _error(path)
    assert "invalid byte 0xe9 at line 2, column 4, offset 17" in message
    assert "iconv" in message


def test_declared_latin1_html_is_decoded(tmp_path):
    path = tmp_path / "brazil.html"
    path.write_bytes(GOOD_HTML_LATIN1.encode("latin-1"))
    [article] = read_path(path)
    assert isinstance(article, Article)
    assert "S\xe3o Paulo" in article.text and "caf\xe9" in article.text
    assert article.title == "Brazil hosts talks"


def test_bom_declared_utf16_text_is_decoded(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(GOOD.encode("utf-16"))
    [article] = read_path(path)
    assert isinstance(article, Article) and article.title == "China and Japan trade accusations"


def test_jsonl_bad_lines_name_the_line_and_the_others_are_read(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        json.dumps({"title": "One", "text": "China accused Japan of provocations."}) + "\n"
        + '{"title": "Two", "text": "unterminated\n'
        + json.dumps({"title": "Three", "url": "https://example.org/3"}) + "\n"
        + "\n"
        + json.dumps({"title": "Five", "text": "Russia met China in Moscow."}) + "\n",
        encoding="utf-8")
    items = read_path(path)
    good = [i for i in items if isinstance(i, Article)]
    bad = [str(i) for i in items if isinstance(i, InputError)]
    assert [a.source for a in good] == [f"{path}:1", f"{path}:5"]
    assert len(bad) == 2
    assert f"{path}:2: malformed JSON" in bad[0]
    assert f'{path}:3: JSON line has no "text"' in bad[1]
    assert all("\n" not in b for b in bad)


def test_missing_trafilatura_names_the_pip_command(tmp_path, monkeypatch):
    path = tmp_path / "page.html"
    path.write_bytes(GOOD_HTML_LATIN1.encode("latin-1"))
    real_import = builtins.__import__

    def no_trafilatura(name, *args, **kwargs):
        if name == "trafilatura":
            raise ImportError("No module named 'trafilatura'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_trafilatura)
    message = _error(path)
    assert "pip install 'newsgraph[html]'" in message


def test_build_goes_on_and_reports_the_count(tmp_path):
    root = tmp_path / "in"
    expected = _bad_files(root)
    (root / "good.txt").write_text(GOOD, encoding="utf-8")
    (root / "feed.jsonl").write_text('{"text": "Russia met China."}\n{oops\n',
                                     encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(root), "--out", str(out), "--max-bytes",
                                 "1000"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    skipped = [ln for ln in lines if ln.startswith("newsgraph: skipped: ")]
    assert len(skipped) == len(expected) + 1
    for name, reason in expected.items():
        assert any(f"{root / name}: " in ln and reason in ln for ln in skipped), name
    assert any(f"{root / 'feed.jsonl'}:2: malformed JSON" in ln for ln in skipped)
    assert f"skipped {len(expected) + 1} bad input file(s)" in lines
    assert "articles 2" in result.output
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert data["counts"]["errors"] == len(expected) + 1


def test_strict_makes_the_first_error_fatal(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.txt").write_text(GOOD, encoding="utf-8")
    (root / "b.jsonl").write_text("not json\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(root), "--out", str(out), "--strict"])
    assert result.exit_code == 2
    assert f"{root / 'b.jsonl'}:1: malformed JSON" in result.output
    assert not out.exists()


def test_every_input_bad_exits_2_and_writes_nothing(tmp_path):
    root = tmp_path / "in"
    expected = _bad_files(root)
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(root), "--out", str(out), "--max-bytes",
                                 "1000"])
    assert result.exit_code == 2
    assert f"every input was bad ({len(expected)} skipped)" in result.output
    assert not out.exists()


def _snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in outputs.OUTPUT_FILES}


def _store_count(out: Path) -> int:
    rows = list(run_query(open_store(out), "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g "
                          "{ ?s ?p ?o } }"))
    return int(rows[0][0].value)


@pytest.mark.parametrize(("failing", "error"), [
    ("statements_csv", KeyboardInterrupt), ("render_html", RuntimeError),
    ("write_store", RuntimeError), ("manifest", RuntimeError)])
def test_failed_build_leaves_previous_outputs_and_no_staging(tmp_path, monkeypatch,
                                                             failing, error):
    """A writer failing (or Ctrl-C) midway changes nothing in the previous build."""
    first = tmp_path / "first"
    first.mkdir()
    (first / "a.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    build([first], out=out)
    before = _snapshot(out)
    count = _store_count(out)
    store_files = sorted(p.relative_to(out).as_posix() for p in (out / "store").rglob("*"))

    second = tmp_path / "second"
    second.mkdir()
    (second / "b.txt").write_text("Russia and China meet\n\nRussia signed an agreement "
                                  "with China in Moscow.\n", encoding="utf-8")

    def boom(*args, **kwargs):
        raise error(f"{failing} failed")

    monkeypatch.setattr(outputs, failing, boom)
    with pytest.raises(error, match=f"{failing} failed"):
        build([first, second], out=out)
    assert _snapshot(out) == before
    assert _store_count(out) == count
    assert sorted(p.relative_to(out).as_posix()
                  for p in (out / "store").rglob("*")) == store_files
    # Hidden entries other than the extraction cache (.cache) would be staging leftovers.
    assert sorted(p.name for p in out.iterdir() if p.name != ".cache") == sorted(
        [*outputs.OUTPUT_FILES, "store"])

    monkeypatch.undo()
    build([first, second], out=out)
    assert _store_count(out) > count
    assert _snapshot(out)["statements.csv"] != before["statements.csv"]
    assert not list(out.glob(".staging-*"))


def test_stale_staging_of_a_dead_build_is_removed(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    stale = out / ".staging-999999999"
    stale.mkdir(parents=True)
    (stale / "graph.trig").write_text("partial", encoding="utf-8")
    build([src], out=out)
    assert not stale.exists()
    shutil.rmtree(out)


def test_jsonl_in_a_bom_declared_encoding_is_read(tmp_path):
    path = tmp_path / "feed16.jsonl"
    line = json.dumps({"title": "One", "text": "China accused Japan of provocations."})
    path.write_bytes((line + "\r\n").encode("utf-16"))
    [article] = read_path(path)
    assert isinstance(article, Article)
    assert article.source == f"{path}:1" and article.title == "One"
