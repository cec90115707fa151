"""Readback of a previous build's per-article extraction, so unchanged articles skip parsing.

Each article's extraction (article, its entities, mentions, statements and sentence
count) is kept as JSON under ``out/.cache/<sha256>.json``; ``load_article`` returns it
exactly as extraction produced it, so outputs of an incremental build are identical.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from .model import Article, Edit, Entity, Segment, Statement

CACHE_DIR = ".cache"


def save_article(out: Path, article: Article, entities: list[Entity], mentions: list[str],
                 statements: list[Statement], sentences: int, *, stamp: str) -> None:
    """Store one article's extraction under ``out/.cache`` keyed by its sha256."""
    from .outputs import atomic_write

    data = {"stamp": stamp, "article": asdict(article),
            "entities": [asdict(e) for e in entities], "mentions": mentions,
            "statements": [asdict(s) for s in statements], "sentences": sentences}
    atomic_write(out / CACHE_DIR / f"{article.sha256}.json", json.dumps(data))


def load_article(out: Path, sha256: str, *, stamp: str
                 ) -> tuple[Article, list[Entity], list[str], list[Statement], int] | None:
    """One article's stored extraction, or ``None`` when missing or from another version."""
    path = out / CACHE_DIR / f"{sha256}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("stamp") != stamp:
        return None
    a = data["article"]
    article = Article(**{**a, "segments": tuple(Segment(**s) for s in a["segments"]),
                         "edits": tuple(Edit(**e) for e in a["edits"])})
    entities = [Entity(**{**e, "aliases": tuple(e["aliases"]),
                          "same_as": tuple(e["same_as"])}) for e in data["entities"]]
    statements = [Statement(**s) for s in data["statements"]]
    return article, entities, list(data["mentions"]), statements, int(data["sentences"])


def prune_cache(out: Path, *, keep: set[str]) -> int:
    """Delete cached extractions of articles no longer in the build; return how many."""
    removed = 0
    for path in sorted((out / CACHE_DIR).glob("*.json")):
        if path.stem not in keep:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
