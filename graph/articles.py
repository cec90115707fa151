"""Reading articles from disk and recognising the structure of a scraped page.

A scraped article carries more than its story: a section label, the headline (often
twice), a date line, inline "related article" headlines and trailer lines. This module
labels each line of the text with the role it plays so that only the headline and the
body are parsed for statements. Offsets always refer to the text exactly as read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from .errors import InputError
from .model import Article, Segment
from .readers import SUFFIXES, check_size, format_of, read_bytes
from .resources import load_lines

#: Extensions read when a directory is given.
TEXT_SUFFIXES: frozenset[str] = SUFFIXES

#: Default upper bound on an input file's size, in bytes.
DEFAULT_MAX_BYTES = 5_000_000

_DATELINE = re.compile(r"^\s*date\s*:?\s+(\d{4}-\d{2}-\d{2})\b\s*", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# Characters that end a sentence or a quoted sentence.
_TERMINAL = ".!?\"'\u201d\u2019)…:"
# Whitespace including the no-break spaces scrapers leave at the end of paragraphs.
_WS = " \t\r\n\u00a0\u2009\u202f"
# A headline-like line: no sentence-final punctuation and at most this many words.
_MAX_HEADLINE_WORDS = 25


def _lines(text: str) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of every non-blank line, trimmed of whitespace."""
    pos = 0
    for raw in text.splitlines(keepends=True):
        start, end = pos, pos + len(raw)
        pos = end
        while start < end and text[start] in _WS:
            start += 1
        while end > start and text[end - 1] in _WS:
            end -= 1
        if end > start:
            yield start, end


def _is_headline_like(line: str) -> bool:
    """A line that reads as a headline, a label or a trailer rather than a sentence."""
    words = line.split()
    return bool(words) and len(words) <= _MAX_HEADLINE_WORDS and line[-1] not in _TERMINAL


def _norm(line: str) -> str:
    return re.sub(r"\W+", " ", line).strip().lower()


def boilerplate_patterns() -> list[re.Pattern[str]]:
    """Trailer and navigation lines known to carry no news (``ontology/boilerplate.txt``)."""
    return [re.compile(p, re.IGNORECASE) for p in load_lines("boilerplate.txt")]


def segment(text: str) -> tuple[list[Segment], str, str | None, str | None]:
    """Split an article's text into labelled segments.

    Args:
        text: The article text as read.

    Returns:
        ``(segments, title, date, section)``. ``segments`` cover every non-blank line.
    """
    lines = list(_lines(text))
    boiler = boilerplate_patterns()
    segments: list[Segment] = []
    title = ""
    date: str | None = None
    section: str | None = None
    title_norm: str | None = None
    body_seen = False
    for index, (start, end) in enumerate(lines):
        line = text[start:end]
        m = _DATELINE.match(line)
        if m and not body_seen:
            date = m.group(1)
            segments.append(Segment(start, start + m.end(1), "dateline"))
            start += m.end()
            line = text[start:end]
            if not line:
                continue
        if any(p.search(line) for p in boiler):
            segments.append(Segment(start, end, "trailer"))
            continue
        headline_like = _is_headline_like(line)
        if not title:
            following = [text[s:e] for s, e in lines[index + 1:index + 3]]
            is_label = (headline_like and len(line.split()) <= 3 and section is None
                        and bool(following) and ":" not in line)
            if is_label and _norm(following[0]) != _norm(line):
                section = line
                segments.append(Segment(start, end, "section"))
                continue
            title, title_norm = line, _norm(line)
            segments.append(Segment(start, end, "title"))
            continue
        if _norm(line) == title_norm:
            segments.append(Segment(start, end, "repeated_title"))
            continue
        if headline_like and not body_seen:
            # A deck / standfirst under the headline: it reads as a sentence; parse it.
            segments.append(Segment(start, end, "standfirst"))
            continue
        if headline_like:
            kind = "trailer" if index == len(lines) - 1 else "related"
            segments.append(Segment(start, end, kind))
            continue
        body_seen = True
        segments.append(Segment(start, end, "body"))
    return segments, title, date, section


def article_from_text(text: str, *, source: str, raw: bytes | None = None) -> Article:
    """Build an ``Article`` from decoded text.

    Args:
        text: The decoded text.
        source: Where it came from (a path or ``-``), used in errors and provenance.
        raw: The raw bytes, hashed for the article id (defaults to the UTF-8 text).

    Returns:
        The article with its structure recognised.

    Raises:
        InputError: When the text has no parsable content.
    """
    digest = hashlib.sha256(raw if raw is not None else text.encode("utf-8")).hexdigest()
    segments, title, date, section = segment(text)
    article = Article(id=digest[:16], title=title, date=date, source=source, text=text,
                      sha256=digest, segments=tuple(segments), section=section)
    if not article.parsed_segments():
        raise InputError(f"{source}: no article text found (empty or only boilerplate)")
    return article


def shift_segments(article: Article, text: str, offset: int, *,
                   prefix_kind: str) -> Article:
    """Re-anchor an article read from ``text[offset:]`` onto the whole of ``text``.

    Args:
        article: The article built from the tail of ``text``.
        text: The full text as read.
        offset: Where the article's own text starts in ``text``.
        prefix_kind: Segment kind given to ``text[:offset]`` (never parsed).

    Returns:
        The same article whose text is ``text`` and whose segments point into it.
    """
    segs = [Segment(0, offset, prefix_kind)] if offset else []
    segs.extend(Segment(s.start + offset, s.end + offset, s.kind) for s in article.segments)
    return replace(article, text=text, segments=tuple(segs))


def read_article(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read one article file (the first article of a JSON-lines file).

    Raises:
        InputError: Naming the file and the reason (missing, too large, binary, not
            UTF-8, empty, no article text).
    """
    for item in read_path(path, max_bytes=max_bytes):
        if isinstance(item, InputError):
            raise item
        return item
    raise InputError(f"{path}: no article found; add at least one article")


def read_path(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
              fmt: str | None = None) -> list[Article | InputError]:
    """Read every article of one file with the reader of its format.

    Args:
        path: The file.
        max_bytes: Size limit.
        fmt: Format (``txt``, ``md``, ``html``, ``jsonl``); by default from the suffix.

    Returns:
        Articles, and errors for parts that were skipped (bad JSON lines).

    Raises:
        InputError: For a problem with the whole file.
    """
    try:
        check_size(path.stat().st_size, str(path), max_bytes=max_bytes)
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc}); check the path "
                         "and its permissions") from exc
    return read_bytes(raw, str(path), fmt=fmt or format_of(path.name), max_bytes=max_bytes)


def discover(inputs: Iterable[Path]) -> list[Path]:
    """Expand files and directories (recursively) into a sorted list of article files.

    A directory contributes its files with a known suffix (``.txt``, ``.md``, ``.html``,
    ``.htm``, ``.jsonl``), hidden files and directories excluded; ``-`` (standard input)
    is kept as given, first.

    Raises:
        InputError: When an input path does not exist.
    """
    found: set[Path] = set()
    stdin = False
    for item in inputs:
        if str(item) == "-":
            stdin = True
        elif item.is_dir():
            found.update(p for p in item.rglob("*")
                         if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES
                         and not any(part.startswith(".")
                                     for part in p.relative_to(item).parts))
        elif item.exists():
            found.add(item)
        else:
            raise InputError(f"{item}: no such file or directory; check the path")
    return ([Path("-")] if stdin else []) + sorted(found)
