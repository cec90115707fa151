"""Writing a build's outputs: graph.trig, statements.csv, graph.html, manifest.json.

Every file is written to a temporary name and renamed into place, so an interrupted or
failed build leaves the previous outputs intact.
"""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from . import __version__
from .errors import OutputError
from .model import BuildResult
from .rdf import statement_id, to_dataset
from .sparql import write_store
from .views import render_html

#: The header of statements.csv: a contract with users' scripts; add, never rename.
CSV_HEADER: tuple[str, ...] = (
    "statement_id", "subject", "subject_type", "relation", "object", "object_type",
    "negated", "modality", "attributed_to", "article", "date", "sentence", "char_start",
    "char_end", "confidence")

OUTPUT_FILES = ("graph.trig", "statements.csv", "graph.html", "manifest.json")


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write a file through a temporary sibling and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A header and rows as CSV text (``\\n`` line ends, quoted where needed)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def statements_csv(result: BuildResult) -> str:
    """The statements as CSV (labels, not IRIs), in a stable order."""
    ents = result.entities
    dates = {a.id: a.date or "" for a in result.articles}
    ordered = sorted(result.statements, key=lambda s: (s.article, s.char_start, s.char_end,
                                                       s.subject, s.relation, s.object))
    return csv_text(CSV_HEADER, ([
        statement_id(s), ents[s.subject].label, ents[s.subject].cls, s.relation,
        ents[s.object].label, ents[s.object].cls, "true" if s.negated else "false",
        s.modality, ents[s.attributed_to].label if s.attributed_to else "", s.article,
        dates.get(s.article, ""), s.sentence, s.char_start, s.char_end,
        f"{s.confidence:.3f}"] for s in ordered))


def manifest(result: BuildResult, *, model: str | None, base: str) -> dict:
    """The build's manifest: inputs with hashes, counts, versions, timings."""
    from .nlp import load_model, model_version

    return {
        "tool": {"name": "newsgraph", "version": __version__,
                 "python": platform.python_version()},
        "model": model_version(load_model(model)),
        "base_iri": base,
        "inputs": [{"path": a.source, "sha256": a.sha256, "article": a.id,
                    "title": a.title, "date": a.date, "repaired": bool(a.edits),
                    "repair_edits": len(a.edits),
                    **({"url": a.url} if a.url else {}),
                    **({"publisher": a.publisher} if a.publisher else {})}
                   for a in result.articles],
        "errors": result.errors,
        "counts": {"articles": len(result.articles), "sentences": result.sentences,
                   "entities": len(result.entities), "statements": len(result.statements),
                   "errors": len(result.errors)},
        "timings_seconds": {k: round(v, 3) for k, v in result.timings.items()},
        "outputs": list(OUTPUT_FILES),
        **({"changes": dict(result.changes)} if result.changes else {}),
    }


def _remove_stale_staging(out: Path) -> None:
    """Delete staging directories left behind by builds that were killed."""
    for old in out.glob(".staging-*"):
        pid = old.name.removeprefix(".staging-")
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(old, ignore_errors=True)
        except OSError:
            continue  # alive under another user: leave it alone


def _swap_dir(new: Path, target: Path, *, trash: Path) -> None:
    """Put directory ``new`` at ``target``; the previous one is moved to ``trash``."""
    if target.exists():
        target.rename(trash)
    try:
        new.rename(target)
    except BaseException:
        if trash.exists() and not target.exists():
            trash.rename(target)
        raise


def write_outputs(result: BuildResult, out: Path, *, base: str, model: str | None,
                  max_nodes: int | None) -> None:
    """Write a build's outputs into ``out`` as one whole: all of them, or none.

    Every file and the store are written into ``out/.staging-<pid>`` first; only when
    all of them are complete are they renamed into place, the store next to last and
    ``manifest.json`` last. A build that fails or is interrupted before that leaves the
    previous outputs exactly as they were, and no staging directory behind.

    Raises:
        OutputError: When ``out`` exists and is not a directory.
    """
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a directory; choose another --out")
    out.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(out)
    staging = out / f".staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        mentions = {k: sorted(set(v)) for k, v in result.mentions.items()}
        ds = to_dataset(result.articles, result.entities.values(), result.statements,
                        mentions, base=base)
        atomic_write(staging / "graph.trig", ds.serialize(format="trig"))
        atomic_write(staging / "statements.csv", statements_csv(result))
        page, counts = render_html(result.statements, result.entities,
                                   {a.id: a for a in result.articles},
                                   title=f"newsgraph: {len(result.articles)} articles",
                                   max_nodes=max_nodes)
        atomic_write(staging / "graph.html", page)
        write_store(staging / "graph.trig", staging / "store")
        result.timings.setdefault("write", 0.0)
        data = manifest(result, model=model, base=base)
        data["html"] = counts
        atomic_write(staging / "manifest.json",
                     json.dumps(data, indent=2, sort_keys=True) + "\n")
        for name in ("graph.trig", "statements.csv", "graph.html"):
            os.replace(staging / name, out / name)
        _swap_dir(staging / "store", out / "store", trash=staging / "store.previous")
        os.replace(staging / "manifest.json", out / "manifest.json")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.outputs = {name: str(out / name) for name in (*OUTPUT_FILES, "store")}

