"""The build: read -> despin -> parse -> mentions -> extract -> RDF -> outputs.

``build`` is the importable entry point the CLI wraps. Each stage is a module of this
package; this one only joins them and keeps counts and timings.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from . import despin
from .articles import DEFAULT_MAX_BYTES, discover, read_path
from .components import add_components
from .errors import InputError
from .extract import ArticleContext, extract_sentence, find_mentions
from .model import Article, BuildResult, Edit, Entity
from .nlp import load_model
from .readers import read_bytes
from .vocab import DEFAULT_BASE

ProgressFn = Callable[[Iterable], Iterable]


def read_inputs(inputs: Sequence[Path], *, strict: bool = False,
                max_bytes: int = DEFAULT_MAX_BYTES, stdin_format: str = "txt",
                stdin: BinaryIO | None = None, on_error: Callable[[str], None] | None = None,
                ) -> tuple[list[Article], list[str]]:
    """Read every article under ``inputs``; bad files become one-line errors.

    Args:
        inputs: Files, directories (searched recursively) and ``-`` for standard input.
        strict: Raise the first bad file's error instead of skipping the file.
        max_bytes: Size limit of one input file.
        stdin_format: Format of standard input: ``txt``, ``md``, ``html`` or ``jsonl``.
        stdin: Stream read for ``-`` (default: ``sys.stdin.buffer``).
        on_error: Called with each error line as it happens (the build goes on).

    Returns:
        ``(articles, errors)``: distinct articles in input order and the error lines.

    Raises:
        InputError: On the first bad file when ``strict``, when an input is missing, or
            when every input is bad (nothing to build).
    """
    articles: list[Article] = []
    errors: list[str] = []
    seen: set[str] = set()
    for path in discover(inputs):
        try:
            if str(path) == "-":
                stream = stdin if stdin is not None else sys.stdin.buffer
                items = read_bytes(stream.read(), "-", fmt=stdin_format,
                                   max_bytes=max_bytes)
            else:
                items = read_path(path, max_bytes=max_bytes)
        except InputError as exc:
            items = [exc]
        for item in items:
            if isinstance(item, InputError):
                if strict:
                    raise item
                errors.append(str(item))
                if on_error is not None:
                    on_error(str(item))
                continue
            if item.id in seen:
                continue
            seen.add(item.id)
            articles.append(item)
    if errors and not articles:
        raise InputError(f"every input was bad ({len(errors)} skipped); nothing was "
                         "written: fix the files reported above or give other inputs")
    return articles, errors


def _prepare(article: Article) -> tuple[Article, list[tuple[str, despin.OffsetMap, int]]]:
    """Repair spun text segment by segment; return the texts to parse with their maps."""
    pieces = []
    all_edits: list[Edit] = []
    segs = article.parsed_segments()
    found = {seg: despin.find_edits(article.text[seg.start:seg.end]) for seg in segs}
    body_text = " ".join(article.text[s.start:s.end] for s in segs)
    spun = despin.is_spun(body_text, [e for v in found.values() for e in v])
    for seg in segs:
        raw = article.text[seg.start:seg.end]
        edits = found[seg] if spun else []
        pieces.append((despin.apply_edits(raw, edits), despin.OffsetMap(edits), seg.start))
        all_edits.extend(Edit(e.start + seg.start, e.end + seg.start, e.original,
                              e.replacement) for e in edits)
    return replace(article, edits=tuple(all_edits)), pieces


def extract_articles(articles: Sequence[Article], *, model: str | None = None,
                     progress: ProgressFn | None = None, batch_size: int = 32,
                     ) -> BuildResult:
    """Parse articles and extract entities and statements (no files written)."""
    nlp = add_components(load_model(model))
    result = BuildResult()
    prepared = [_prepare(a) for a in articles]
    jobs = [(text, (i, k)) for i, (_a, pieces) in enumerate(prepared)
            for k, (text, _m, _s) in enumerate(pieces)]
    docs = nlp.pipe(jobs, as_tuples=True, batch_size=batch_size)
    if progress is not None:
        docs = progress(docs)
    contexts: dict[int, tuple[ArticleContext, list[int]]] = {}
    for doc, (i, k) in docs:
        article, pieces = prepared[i]
        if i not in contexts:
            contexts[i] = (ArticleContext(article_id=article.id, to_article=lambda p, e: p,
                                          text=article.text, spun=bool(article.edits)), [0])
        ctx, counter = contexts[i]
        _text, omap, base = pieces[k]
        ctx.to_article = lambda p, end, omap=omap, base=base: base + omap.to_original(
            p, end=end)
        ctx.mention_spans = find_mentions(doc)
        ctx.mentions = {t.i: (ent, via) for span, ent, via in ctx.mention_spans for t in span}
        for _span, ent, _via in ctx.mention_spans:
            result.mentions.setdefault(article.id, []).append(ent.key)  # type: ignore[arg-type]
            ctx.entities.setdefault(ent.key, ent)
        for sent in doc.sents:
            if not sent.text.strip():
                continue
            start = ctx.to_article(sent.start_char, False)
            end = ctx.to_article(sent.end_char, True)
            while end > start and ctx.text[end - 1].isspace():
                end -= 1
            result.statements.extend(extract_sentence(
                sent, ctx, sentence_index=counter[0], sentence_start=start,
                sentence_end=end))
            counter[0] += 1
            result.sentences += 1
    for i, (article, _pieces) in enumerate(prepared):
        result.articles.append(article)
        if i in contexts:
            for key, ent in contexts[i][0].entities.items():
                result.entities[key] = _merge(result.entities.get(key), ent)
    used = {s.subject for s in result.statements} | {s.object for s in result.statements} | {
        s.attributed_to for s in result.statements if s.attributed_to}
    mentioned = {k for keys in result.mentions.values() for k in keys}
    result.entities = {k: v for k, v in sorted(result.entities.items())
                       if k in used or k in mentioned}
    return result


def _merge(a: Entity | None, b: Entity) -> Entity:
    if a is None:
        return b
    return replace(a, aliases=tuple(sorted(set(a.aliases) | set(b.aliases))))


def build(inputs: Sequence[Path | str], *, out: Path | str, model: str | None = None,
          base: str = DEFAULT_BASE, strict: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
          max_nodes: int | None = 500, progress: ProgressFn | None = None,
          stdin_format: str = "txt", on_error: Callable[[str], None] | None = None,
          ) -> BuildResult:
    """Build the knowledge graph of ``inputs`` into ``out``.

    Args:
        inputs: Files and directories of articles.
        out: Output directory (created if missing).
        model: spaCy model name or path (default: see ``graph.nlp``).
        base: Base IRI of minted resources.
        strict: Stop at the first bad input file instead of skipping it.
        max_bytes: Size limit per input file.
        max_nodes: Node cap of ``graph.html``.
        progress: Optional wrapper (e.g. ``tqdm``) over the stream of parsed segments.
        stdin_format: Format of ``-`` (standard input): txt, md, html or jsonl.
        on_error: Called with each bad input's one-line error as it is skipped.

    Returns:
        The data model of the build with counts, errors, timings and output paths.
    """
    from .outputs import write_outputs

    t0 = time.perf_counter()
    articles, errors = read_inputs([Path(p) for p in inputs], strict=strict,
                                   max_bytes=max_bytes, stdin_format=stdin_format,
                                   on_error=on_error)
    t_read = time.perf_counter()
    result = extract_articles(articles, model=model, progress=progress)
    result.errors = errors
    t_extract = time.perf_counter()
    result.timings = {"read": t_read - t0, "extract": t_extract - t_read}
    write_outputs(result, Path(out), base=base, model=model, max_nodes=max_nodes)
    result.timings["write"] = time.perf_counter() - t_extract
    result.timings["total"] = time.perf_counter() - t0
    return result
