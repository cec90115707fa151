"""Page structure of scraped articles: only the headline, deck and body are parsed."""

from __future__ import annotations

from graph.articles import article_from_text, read_article

from .conftest import SEEDS


def kinds(article):
    return [(s.kind, article.text[s.start:s.end][:30]) for s in article.segments]


def test_seed_000_section_repeated_title_and_trailer():
    a = read_article(SEEDS / "000_2ad670eb4d9b3f06.txt")
    assert a.section == "International"
    assert a.title.startswith("Chinese Defense: Cooperation Between Beijing")
    assert a.date is None
    k = [s.kind for s in a.segments]
    assert k[:3] == ["section", "title", "repeated_title"]
    assert k[-1] == "trailer"
    assert a.text[a.segments[-1].start:a.segments[-1].end] == "Our readers are reading too"
    assert k.count("body") == 5


def test_seed_003_dateline_title_and_inline_related_headline():
    a = read_article(SEEDS / "003_98b9bab8169b0c54.txt")
    assert a.date == "2023-03-29"
    assert a.title == "China ready to boost military cooperation with Russia"
    related = [a.text[s.start:s.end] for s in a.segments if s.kind == "related"]
    assert related == [next(ln.strip() for ln in a.text.splitlines() if "surplus" in ln)]
    assert "standfirst" in [s.kind for s in a.segments]
    parsed = " ".join(a.text[s.start:s.end] for s in a.parsed_segments())
    assert "surplus" not in parsed and "date 2023" not in parsed


def test_offsets_are_into_the_text_as_read():
    text = "World\n\nHeadline here\n\nBody sentence one. Body two.\n\nShare this\n"
    a = article_from_text(text, source="x.txt")
    body = next(s for s in a.segments if s.kind == "body")
    assert text[body.start:body.end] == "Body sentence one. Body two."
    assert [s.kind for s in a.segments][-1] == "trailer"


def test_article_id_is_the_content_hash():
    a = article_from_text("Title\n\nChina met Russia.", source="a")
    b = article_from_text("Title\n\nChina met Russia.", source="elsewhere")
    assert a.id == b.id and len(a.id) == 16
