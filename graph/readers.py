"""One reader per input format: plain text, Markdown, HTML and JSON lines.

Every reader takes the raw bytes of one input and its source name and returns the
articles it holds, or the one-line ``InputError`` of each part that could not be read
(a JSON-lines file can hold good and bad lines). File-level problems (binary data, a
wrong encoding, no text) raise ``InputError`` straight away. Each article's text is
passed through ``graph.articles.article_from_text`` so it gets the same page structure
as any other article.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .errors import InputError
from .model import Article

#: Input formats and the file suffixes that select them.
FORMATS: dict[str, tuple[str, ...]] = {
    "txt": (".txt",),
    "md": (".md", ".markdown"),
    "html": (".html", ".htm"),
    "jsonl": (".jsonl",),
}

#: Every suffix read when a directory is given.
SUFFIXES: frozenset[str] = frozenset(s for group in FORMATS.values() for s in group)

#: What a reader returns: articles, and the errors of parts it had to skip.
ReadResult = list["Article | InputError"]

# Leading bytes of common binary formats a text reader must refuse.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"), (b"PK\x03\x04", "ZIP/Office"), (b"\x89PNG", "PNG"),
    (b"GIF8", "GIF"), (b"\xff\xd8\xff", "JPEG"), (b"\x1f\x8b", "gzip"),
    (b"\x7fELF", "ELF executable"), (b"BZh", "bzip2"), (b"\xfd7zXZ", "xz"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""",
                           re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_ISO_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")
_TERMINAL = ".!?\"'\u201d\u2019)"


def format_of(name: str) -> str:
    """The input format selected by a file name's suffix (``txt`` when unknown)."""
    lower = name.lower()
    for fmt, suffixes in FORMATS.items():
        if lower.endswith(suffixes):
            return fmt
    return "txt"


def check_binary(raw: bytes, source: str) -> None:
    """Refuse binary data: NUL bytes or the magic number of a binary format.

    Raises:
        InputError: Naming ``source`` and the kind of binary data found.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)):
        return  # UTF-16/32 text holds NUL bytes by design
    for magic, kind in _MAGIC:
        if raw.startswith(magic):
            raise InputError(f"{source}: binary file ({kind} data), not a text article; "
                             "convert it to .txt, .md, .html or .jsonl first")
    if b"\x00" in raw:
        raise InputError(f"{source}: binary file (NUL bytes), not a text article; "
                         "convert it to .txt, .md, .html or .jsonl first")


def check_size(size: int, source: str, *, max_bytes: int) -> None:
    """Refuse an input larger than ``max_bytes``.

    Raises:
        InputError: Naming ``source``, its size and the limit.
    """
    if size > max_bytes:
        raise InputError(f"{source}: {size:,} bytes is over the {max_bytes:,}-byte "
                         "limit (raise it with --max-bytes)")


def declared_encoding(raw: bytes, *, markup: bool) -> str | None:
    """The encoding the bytes declare: a BOM, or for markup a meta charset / XML declaration.

    Args:
        raw: The file's bytes.
        markup: Look for HTML ``<meta charset>`` and ``<?xml encoding?>`` declarations.

    Returns:
        A codec name, or ``None`` when nothing is declared.
    """
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return codec
    if markup:
        head = raw[:4096]
        m = _XML_DECL.match(head) or _META_CHARSET.search(head)
        if m:
            return m.group(1).decode("ascii").lower()
    return None


def decode(raw: bytes, source: str, *, markup: bool = False) -> str:
    """Decode an input as UTF-8, or in the encoding it clearly declares.

    Raises:
        InputError: When the bytes are binary, not valid in the encoding, or blank.
    """
    check_binary(raw, source)
    declared = declared_encoding(raw, markup=markup)
    codec = declared or "utf-8"
    try:
        name = codecs.lookup(codec).name
    except LookupError as exc:
        raise InputError(f"{source}: declares unknown encoding {codec!r}; convert it with "
                         "`iconv -t UTF-8` and declare charset=utf-8") from exc
    if name == "utf-8" and raw.startswith(codecs.BOM_UTF8):
        name = "utf-8-sig"
    try:
        text = raw.decode(name)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        label = "UTF-8" if name.startswith("utf-8") else f"valid {declared}"
        raise InputError(
            f"{source}: not {label} (invalid byte 0x{raw[exc.start]:02x} at line {line}, "
            f"column {column}, offset {exc.start}); convert it with "
            "`iconv -f ENCODING -t UTF-8` or declare its charset") from exc
    if not text.strip():
        raise InputError(f"{source}: empty file (nothing but whitespace); "
                         "remove it or add the article text")
    return text


def _iso_date(value: Any) -> str | None:
    """An ISO ``YYYY-MM-DD`` date from a YAML/JSON value, or ``None``."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        m = _ISO_DATE.search(value)
        return m.group(1) if m else None
    return None


def _str(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def compose(title: str | None, body: str) -> str:
    """The text of an article whose title is stored apart from its body."""
    body = body.strip("\n")
    if not title or body.lstrip().startswith(title.strip()):
        return body + "\n"
    return f"{title.strip()}\n\n{body}\n"


def _with_meta(article: Article, *, title: str | None, date: str | None, url: str | None,
               publisher: str | None) -> Article:
    """Metadata given apart from the text wins over what the text's structure suggests."""
    return replace(article, title=title or article.title, date=date or article.date,
                   url=url or article.url, publisher=publisher or article.publisher)


def read_txt(raw: bytes, source: str) -> ReadResult:
    """A plain-text article (headline, optional date line, body)."""
    from .articles import article_from_text

    return [article_from_text(decode(raw, source), source=source, raw=raw)]


def read_md(raw: bytes, source: str) -> ReadResult:
    """A Markdown article with optional YAML front matter (title, date, source, url).

    The front matter stays in ``Article.text`` (offsets point into the file as read) as
    a segment of kind ``front_matter`` that is not parsed; its date wins over a date line.
    """
    import yaml

    from .articles import article_from_text, shift_segments

    text = decode(raw, source)
    m = _FRONT_MATTER.match(text)
    if not m:
        return [article_from_text(text, source=source, raw=raw)]
    try:
        meta = yaml.safe_load(m.group(1) or "") or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise InputError(f"{source}: malformed YAML front matter{where}; fix it or remove "
                         "the block between the --- lines") from exc
    if not isinstance(meta, dict):
        raise InputError(f"{source}: YAML front matter is not a mapping; write "
                         "`key: value` lines (title, date, source, url)")
    body = article_from_text(text[m.end():], source=source, raw=raw)
    article = shift_segments(body, text, m.end(), prefix_kind="front_matter")
    return [_with_meta(article, title=_str(meta.get("title")), date=_iso_date(
        meta.get("date")), url=_str(meta.get("url")), publisher=_str(meta.get("source")))]


def _trafilatura(source: str) -> Any:
    try:
        import trafilatura
    except ImportError as exc:
        raise InputError(f"{source}: HTML input needs trafilatura, which is not installed; run "
                         "`pip install 'newsgraph[html]'` (or `pip install trafilatura`)"
                         ) from exc
    return trafilatura


def read_html(raw: bytes, source: str) -> ReadResult:
    """An HTML page: main text, title, date and URL extracted with trafilatura."""
    from .articles import article_from_text

    trafilatura = _trafilatura(source)
    html = decode(raw, source, markup=True)
    doc = trafilatura.bare_extraction(html, with_metadata=True, favor_precision=True)
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    sentences = [ln for ln in text.splitlines()
                 if len(ln.split()) >= 4 and ln.rstrip()[-1:] in _TERMINAL]
    if not sentences:
        raise InputError(f"{source}: no main text found in the HTML (only navigation or "
                         "boilerplate); save the article page itself, not an index page")
    title = _str(getattr(doc, "title", None))
    article = article_from_text(compose(title, text), source=source, raw=raw)
    return [_with_meta(article, title=title, date=_iso_date(getattr(doc, "date", None)),
                       url=_str(getattr(doc, "url", None)), publisher=_str(
                           getattr(doc, "sitename", None)))]


def read_jsonl(raw: bytes, source: str) -> ReadResult:
    """JSON lines: one article per line with ``text`` and optional title, date, url.

    A bad line becomes an ``InputError`` naming ``source:LINE``; the other lines are read.
    Each article's source is ``source:LINE`` and its id hashes the line's bytes.
    """
    from .articles import article_from_text

    text = decode(raw, source)
    found: ReadResult = []
    for number, line in enumerate(text.split("\n"), start=1):
        where = f"{source}:{number}"
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            found.append(InputError(f"{where}: malformed JSON ({exc.msg} at column "
                                    f"{exc.colno}); fix the line or remove it"))
            continue
        if not isinstance(record, dict):
            found.append(InputError(f"{where}: JSON line is not an object; write one "
                                    '{"text": ...} object per line'))
            continue
        body = record.get("text")
        if not isinstance(body, str) or not body.strip():
            found.append(InputError(f'{where}: JSON line has no "text"; put the article '
                                    'text under the "text" key'))
            continue
        title = _str(record.get("title"))
        try:
            article = article_from_text(compose(title, body), source=where,
                                        raw=line.rstrip("\r").encode("utf-8"))
        except InputError as exc:
            found.append(exc)
            continue
        found.append(_with_meta(article, title=title, date=_iso_date(record.get("date")),
                                url=_str(record.get("url")),
                                publisher=_str(record.get("source"))))
    return found


#: The reader of each format.
READERS: dict[str, Callable[[bytes, str], ReadResult]] = {
    "txt": read_txt, "md": read_md, "html": read_html, "jsonl": read_jsonl}


def read_bytes(raw: bytes, source: str, *, fmt: str, max_bytes: int) -> ReadResult:
    """Read one input's bytes in ``fmt``.

    Raises:
        InputError: For a file-level problem (too large, binary, encoding, empty).
    """
    if fmt not in READERS:
        raise InputError(f"{source}: unknown input format {fmt!r}; use one of "
                         f"{', '.join(READERS)}")
    check_size(len(raw), source, max_bytes=max_bytes)
    if not raw.strip():
        raise InputError(f"{source}: empty file (nothing but whitespace); "
                         "remove it or add the article text")
    return READERS[fmt](raw, source)
