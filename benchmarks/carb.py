"""CaRB development-split benchmark of the open-IE extractor (``graph.openie``).

Parses the 641 development sentences with the spaCy model, extracts tuples,
writes them in CaRB's tabbed format and scores them against the gold tuples with
our own re-implementation of the CaRB scorer (``benchmarks/carb_scorer.py``).
Prints precision, recall, F1, AUC and sentences per second.

The data live outside the repository: ``--shared PATH`` names the shared data
directory; without it ``$NEWSGRAPH_SHARED`` is used, then ``../shared`` next to
the repository root. The CaRB files are read from ``<shared>/benchmarks/carb/``.

Usage: python benchmarks/carb.py [--shared PATH] [--out FILE] [--model NAME]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

    from benchmarks.carb_scorer import Score

REPO_ROOT = Path(__file__).resolve().parents[1]
#: Location of the CaRB files inside the shared data directory.
CARB_SUBDIR = Path("benchmarks") / "carb"


@dataclass(frozen=True)
class CarbRun:
    """Outcome of one benchmark run.

    Attributes:
        score: The scorer's result (``auc``, ``precision``, ``recall``, ``f1`` ...).
        sentences: Number of sentences parsed.
        tuples: Number of tuples written.
        seconds: Wall time of parsing plus extraction (model loading excluded).
        output: The tabbed file that was scored.
    """

    score: Score
    sentences: int
    tuples: int
    seconds: float
    output: Path

    @property
    def sentences_per_second(self) -> float:
        """Throughput of parsing plus extraction."""
        return self.sentences / self.seconds if self.seconds > 0 else float("inf")


def shared_dir(override: str | Path | None = None) -> Path:
    """Return the shared data directory.

    Args:
        override: An explicit directory (``--shared``); wins over the environment.

    Returns:
        ``override``, else ``$NEWSGRAPH_SHARED``, else ``../shared`` next to the repo.
    """
    if override:
        return Path(override)
    env = os.environ.get("NEWSGRAPH_SHARED")
    return Path(env) if env else REPO_ROOT.parent / "shared"


def carb_dir(shared: str | Path | None = None) -> Path:
    """Return the directory holding ``dev.txt`` and ``gold/dev.tsv``."""
    return shared_dir(shared) / CARB_SUBDIR


def load_scorer() -> ModuleType:
    """Import ``benchmarks/carb_scorer.py`` whether or not ``benchmarks`` is on the path."""
    name = "carb_scorer"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("carb_scorer.py"))
    if spec is None or spec.loader is None:
        raise ImportError("cannot load benchmarks/carb_scorer.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def run(
    shared: str | Path | None = None,
    out: str | Path | None = None,
    nlp: Language | None = None,
) -> CarbRun:
    """Extract tuples from the CaRB dev sentences and score them.

    Args:
        shared: The shared data directory (see :func:`shared_dir`).
        out: Where to write the tabbed output; a temporary file when ``None``.
        nlp: A loaded spaCy pipeline; the default model when ``None``.

    Returns:
        The score with throughput figures.

    Raises:
        FileNotFoundError: When the CaRB dev files are missing.
    """
    from graph.nlp import load_model
    from graph.openie import tabbed_lines

    base = carb_dir(shared)
    sentences_path, gold_path = base / "dev.txt", base / "gold" / "dev.tsv"
    for path in (sentences_path, gold_path):
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found: pass --shared or set NEWSGRAPH_SHARED")
    sentences = [
        line.rstrip("\n")
        for line in sentences_path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if nlp is None:
        nlp = load_model()
    if out is None:
        handle, name = tempfile.mkstemp(prefix="carb-dev-", suffix=".tabbed")
        os.close(handle)
        output = Path(name)
    else:
        output = Path(out)
        output.parent.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    lines = list(tabbed_lines(sentences, nlp))
    seconds = time.perf_counter() - start
    output.write_text("".join(line + "\n" for line in lines), encoding="utf-8")

    scorer = load_scorer()
    score = scorer.score(scorer.load_gold(gold_path), scorer.load_tabbed(output))
    return CarbRun(score=score, sentences=len(sentences), tuples=len(lines), seconds=seconds,
                   output=output)


def evaluate(shared: str | Path | None = None, nlp: Language | None = None) -> Score:
    """Run the benchmark and return only its :class:`carb_scorer.Score` (for tests).

    Args:
        shared: The shared data directory (see :func:`shared_dir`).
        nlp: A loaded spaCy pipeline; the default model when ``None``.

    Returns:
        The score; the temporary tabbed file is removed.
    """
    result = run(shared=shared, nlp=nlp)
    result.output.unlink(missing_ok=True)
    return result.score


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point.

    Args:
        argv: Arguments (defaults to ``sys.argv[1:]``).

    Returns:
        Process exit status (2 when the data are missing).
    """
    parser = argparse.ArgumentParser(description="Score graph.openie on the CaRB dev split.")
    parser.add_argument("--shared", type=Path, default=None,
                        help="shared data directory (default: $NEWSGRAPH_SHARED or ../shared)")
    parser.add_argument("--out", type=Path, default=None,
                        help="write the tabbed extractions here (default: a temporary file)")
    parser.add_argument("--model", default=None, help="spaCy model name or path")
    args = parser.parse_args(argv)

    from graph.nlp import load_model

    try:
        result = run(shared=args.shared, out=args.out, nlp=load_model(args.model))
    except FileNotFoundError as exc:
        print(f"carb: error: {exc}", file=sys.stderr)
        return 2
    score = result.score
    print(
        f"CaRB dev: P {score.precision:.3f}  R {score.recall:.3f}  F1 {score.f1:.3f}  "
        f"AUC {score.auc:.3f}  ({result.tuples} tuples, {result.sentences} sentences, "
        f"{result.sentences_per_second:.0f} sentences/s)"
    )
    if args.out is None:
        result.output.unlink(missing_ok=True)
    else:
        print(f"extractions written to {result.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
