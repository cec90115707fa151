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
from .readback import prune_cache, save_article
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
            result.sentences_by_article[article.id] = counter[0]
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


def _stamp(model: str | None) -> str:
    """Tool, extractor and model versions: a cached extraction is valid only under them."""
    import json

    from . import __version__
    from .nlp import model_version

    return json.dumps([__version__, model_version(load_model(model))], sort_keys=True)


def _keys_by_article(result: BuildResult) -> dict[str, set[str]]:
    """Entity keys each article mentions or uses in a statement, in one pass."""
    keys: dict[str, set[str]] = {a.id: set(result.mentions.get(a.id, []))
                                 for a in result.articles}
    for s in result.statements:
        used = keys.setdefault(s.article, set())
        used.update((s.subject, s.object))
        if s.attributed_to:
            used.add(s.attributed_to)
    return keys


def _incremental(articles: list[Article], out: Path, *, model: str | None, stamp: str,
                 progress: ProgressFn | None, full: bool, prune: bool,
                 ) -> tuple[BuildResult, BuildResult]:
    """Reuse the previous build's extraction of unchanged articles; parse the rest.

    Returns:
        ``(merged, fresh)``: the whole build and the part parsed in this run.
    """
    import json

    from .readback import load_article

    try:
        prev = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        prev = {}
    prev_inputs = {i["path"]: i["sha256"] for i in prev.get("inputs", [])}
    cached: dict[str, tuple] = {}
    if not full:
        for a in articles:
            got = load_article(out, a.sha256, stamp=stamp)
            if got is not None:
                cached[a.id] = got
    to_parse = [a for a in articles if a.id not in cached]
    fresh = extract_articles(to_parse, model=model, progress=progress) if to_parse \
        else BuildResult()
    current = {a.sha256 for a in articles}
    sources = {a.source for a in articles}
    kept: list[tuple] = []
    pruned = 0
    for path, sha in prev_inputs.items():
        if sha in current or path in sources:  # unchanged, or replaced by a new version
            continue
        if prune:
            pruned += 1
            continue
        got = load_article(out, sha, stamp=stamp)
        if got is not None:
            kept.append(got)
    merged = BuildResult(sentences=fresh.sentences)
    merged.mentions = dict(fresh.mentions)
    merged.statements = list(fresh.statements)
    by_id = {a.id: a for a in fresh.articles}
    entity_parts: list[Entity] = list(fresh.entities.values())
    reused = [cached[a.id] for a in articles if a.id in cached] + kept
    for c_art, ents, ments, stmts, sents in reused:
        by_id[c_art.id] = c_art
        entity_parts.extend(ents)
        if ments:
            merged.mentions[c_art.id] = ments
        merged.statements.extend(stmts)
        merged.sentences += sents
    merged.articles = [by_id[a.id] for a in articles] + [entry[0] for entry in kept]
    ents_all: dict[str, Entity] = {}
    for e in entity_parts:
        ents_all[e.key] = _merge(ents_all.get(e.key), e)
    used = set().union(*_keys_by_article(merged).values())
    merged.entities = {k: v for k, v in sorted(ents_all.items()) if k in used}
    prev_shas = set(prev_inputs.values())
    merged.changes = {
        "added": sum(1 for a in articles
                     if a.sha256 not in prev_shas and a.source not in prev_inputs),
        "replaced": sum(1 for a in articles
                        if a.sha256 not in prev_shas and a.source in prev_inputs),
        "unchanged": sum(1 for a in articles if a.sha256 in prev_shas), "pruned": pruned}
    return merged, fresh


def build(inputs: Sequence[Path | str], *, out: Path | str, model: str | None = None,
          base: str = DEFAULT_BASE, strict: bool = False, max_bytes: int = DEFAULT_MAX_BYTES,
          max_nodes: int | None = 500, progress: ProgressFn | None = None,
          stdin_format: str = "txt", on_error: Callable[[str], None] | None = None,
          full: bool = False, prune: bool = False) -> BuildResult:
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
        full: Re-parse every article even when ``out`` holds a build of it.
        prune: Drop articles of the previous build that are no longer among ``inputs``.

    Returns:
        The data model of the build with counts, errors, timings and output paths.
    """
    from .outputs import write_outputs

    t0 = time.perf_counter()
    articles, errors = read_inputs([Path(p) for p in inputs], strict=strict,
                                   max_bytes=max_bytes, stdin_format=stdin_format,
                                   on_error=on_error)
    t_read = time.perf_counter()
    stamp = _stamp(model)
    result, fresh = _incremental(articles, Path(out), model=model, stamp=stamp,
                                 progress=progress, full=full, prune=prune)
    result.errors = errors
    t_extract = time.perf_counter()
    result.timings = {"read": t_read - t0, "extract": t_extract - t_read}
    write_outputs(result, Path(out), base=base, model=model, max_nodes=max_nodes)
    used_by = _keys_by_article(fresh)
    statements_by: dict[str, list] = {}
    for st in fresh.statements:
        statements_by.setdefault(st.article, []).append(st)
    for art in fresh.articles:
        save_article(Path(out), art, [result.entities[k] for k in sorted(used_by[art.id])
                                      if k in result.entities],
                     list(fresh.mentions.get(art.id, [])), statements_by.get(art.id, []),
                     fresh.sentences_by_article.get(art.id, 0), stamp=stamp)
    prune_cache(Path(out), keep={a.sha256 for a in result.articles})
    result.timings["write"] = time.perf_counter() - t_extract
    result.timings["total"] = time.perf_counter() - t0
    return result
