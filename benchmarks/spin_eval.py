"""Spinner repair, measured: spin clean news with the inverse lexicon, repair, and count.

Prints the substitutions made, the share reverted (target >= 95%), false edits on clean
text as a share of its words (target <= 0.5%) for our own clean news, seed 000 and the
CaRB dev sentences (dev split only), and the detection scores (edits per 100 words) of
clean and spun articles against ``graph.despin.SPUN_THRESHOLD``.

Usage: python benchmarks/spin_eval.py [--p 0.6] [--seed 1] [--shared DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from graph import despin  # noqa: E402

CLEAN_NEWS = REPO_ROOT / "benchmarks" / "spin" / "clean_news.txt"
SEED_CLEAN = REPO_ROOT / "seeds" / "000_2ad670eb4d9b3f06.txt"
SEED_SPUN = REPO_ROOT / "seeds" / "003_98b9bab8169b0c54.txt"
#: CaRB dev sentences are scored in blocks of this many, about one article's length.
CARB_BLOCK = 20


@dataclass(frozen=True, slots=True)
class Figures:
    """Everything the benchmark prints."""

    news: despin.SpinEval
    carb: despin.SpinEval
    seed_clean_score: float
    seed_spun_score: float

    @property
    def clean_max(self) -> float:
        """Highest score of any clean article (own news, seed 000, CaRB dev blocks)."""
        return max((*self.news.clean_scores, *self.carb.clean_scores, self.seed_clean_score))

    @property
    def spun_min(self) -> float:
        """Lowest score of any spun article (spun own news, seed 003)."""
        return min((*self.news.spun_scores, self.seed_spun_score))


def clean_articles(path: Path = CLEAN_NEWS) -> list[str]:
    """Paragraphs of the clean news file (``#`` lines are comments)."""
    text = "\n".join(ln for ln in path.read_text(encoding="utf-8").splitlines()
                     if not ln.startswith("#"))
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def carb_blocks(shared: str | Path | None = None) -> list[str]:
    """CaRB dev sentences joined in blocks of ``CARB_BLOCK`` (never the test split)."""
    base = Path(shared) if shared else Path(
        os.environ.get("NEWSGRAPH_SHARED", REPO_ROOT.parent / "shared"))
    lines = [ln.strip() for ln in (base / "benchmarks" / "carb" / "dev.txt")
             .read_text(encoding="utf-8").splitlines() if ln.strip()]
    return [" ".join(lines[i : i + CARB_BLOCK]) for i in range(0, len(lines), CARB_BLOCK)]


def measure(*, p: float = 0.6, seed: int = 1, shared: str | Path | None = None) -> Figures:
    """Run the evaluation.

    Args:
        p: Substitution probability of the spinner.
        seed: Spinner seed.
        shared: Directory holding ``benchmarks/carb/dev.txt`` (default ``../shared``).

    Returns:
        The figures.
    """
    news = despin.evaluate_repair(clean_articles(), p=p, seed=seed)
    carb = despin.evaluate_repair([], p=p, seed=seed, extra_clean=carb_blocks(shared))
    seed_clean = SEED_CLEAN.read_text(encoding="utf-8")
    seed_spun = SEED_SPUN.read_text(encoding="utf-8")
    return Figures(news, carb,
                   despin.spin_score(seed_clean, despin.find_edits(seed_clean)),
                   despin.spin_score(seed_spun, despin.find_edits(seed_spun)))


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--p", type=float, default=0.6)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shared", default=None)
    args = ap.parse_args(argv)
    f = measure(p=args.p, seed=args.seed, shared=args.shared)
    n, c = f.news, f.carb
    print(f"spinner p={args.p} seed={args.seed}: {len(n.spun_scores)} articles, "
          f"{n.substitutions} substitutions made")
    print(f"reverted by repair: {n.reverted:.1%} ({n.residual} words still differ)")
    print(f"false edits, own clean news: {n.false_edits}/{n.clean_words} words "
          f"= {n.false_edit_rate:.2%}")
    print(f"false edits, CaRB dev ({len(c.clean_scores)} blocks of {CARB_BLOCK}): "
          f"{c.false_edits}/{c.clean_words} words = {c.false_edit_rate:.2%}")
    print(f"detection (edits/100 words): clean max {f.clean_max:.2f} "
          f"(seed 000 {f.seed_clean_score:.2f}), spun min {f.spun_min:.2f} "
          f"(seed 003 {f.seed_spun_score:.2f}), threshold {despin.SPUN_THRESHOLD:.2f} "
          f"and >= {despin.SPUN_MIN_EDITS} edits")
    print(f"flagged as spun: clean {n.clean_flagged + c.clean_flagged}/"
          f"{len(n.clean_scores) + len(c.clean_scores)}, spun {n.spun_flagged}/"
          f"{len(n.spun_scores)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
