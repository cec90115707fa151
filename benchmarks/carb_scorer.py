"""Independent re-implementation of the CaRB open-IE scorer (default matcher).

CaRB (Bhardwaj, Aggarwal & Mausam, EMNLP 2019) scores open information
extraction tuples against crowdsourced gold tuples at the word level.  This
module re-implements the behaviour of the public scorer's default mode
(``carb.py --gold=G --tabbed=T``, "binary lenient tuple match", no
``--binary``) in plain standard-library Python:

* Gold arguments containing ``C: `` (CaRB's context annotations) are
  dropped when the gold file is read; system arguments are kept as given.
* Sentences of gold and system files are paired after deleting spaces,
  undoing Penn-Treebank bracket escapes and deleting ASCII punctuation.  When
  several raw sentences collapse to one key, the tuples of the last one win.
* Every gold tuple is compared with every system tuple of its sentence.  Both
  tuples have arguments 2..n folded into one second argument.  The relation
  words are intersected as multisets (a surplus ``be`` in the system relation
  also matches any form of *be* in the gold relation); a pair whose relations
  share no word scores (0, 0), and so does a pair where the gold tuple has an
  argument slot the system tuple lacks.  Otherwise the pair scores
  (matched / system words, matched / gold words), summed over relation and
  arguments.  For gold relations containing a reporting verb (``said``,
  ``told``, ...) the system arguments are also tried in swapped order and the
  better (precision-first) result is kept.
* For each confidence threshold (every distinct system confidence), a gold
  tuple's recall is its best recall over the kept system tuples; precision
  pairs gold and system tuples one-to-one, greedily by highest precision.
  Precision is averaged over kept system tuples (1 when none is kept), recall
  over all gold tuples.
* F1 is the best over the sweep; AUC is the trapezoidal area under the
  precision-recall points of the sweep plus the point (recall 0, precision 1).

Example:
    ``python benchmarks/carb_scorer.py --gold gold/dev.tsv --tabbed out.tabbed``
"""

from __future__ import annotations

import argparse
import string
import sys
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Extraction",
    "Score",
    "load_gold",
    "load_tabbed",
    "main",
    "match",
    "normalise_sentence",
    "score",
]

_PUNCT_TABLE = str.maketrans("", "", string.punctuation)
_PTB_BRACKETS: tuple[tuple[str, str], ...] = (
    ("-LRB-", "("),
    ("-RRB-", ")"),
    ("-LSB-", "["),
    ("-RSB-", "]"),
    ("-LCB-", "{"),
    ("-RCB-", "}"),
)
_BE_FORMS: tuple[str, ...] = ("be", "is", "am", "are", "was", "were", "been", "being")
_CONTEXT_MARK = "C: "
_REPORTING_VERBS: tuple[str, ...] = ("said", "told", "added", "adds", "says")


@dataclass(frozen=True)
class Extraction:
    """One open-IE tuple.

    Attributes:
        sentence: The source sentence, as written in the input file.
        relation: The relation phrase.
        args: The arguments in order (arg1, arg2, ...).
        confidence: System confidence; gold tuples use 1.0.
    """

    sentence: str
    relation: str
    args: tuple[str, ...] = ()
    confidence: float = 1.0


@dataclass(frozen=True)
class Score:
    """Result of scoring a system against the gold tuples.

    Attributes:
        auc: Area under the precision-recall curve (with the (0, 1) end point).
        precision: Precision at the threshold of best F1.
        recall: Recall at the threshold of best F1.
        f1: Best F1 over the confidence sweep.
        threshold: Confidence threshold giving the best F1 (``None`` when the
            system produced no extraction).
        curve: The sweep as ``(threshold, precision, recall)`` triples, in
            increasing threshold order.
    """

    auc: float
    precision: float
    recall: float
    f1: float
    threshold: float | None
    curve: tuple[tuple[float, float, float], ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class _Prepared:
    """A tuple pre-split into words, arguments 2..n already folded."""

    rel: tuple[str, ...]
    rel_counts: Counter[str]
    args: tuple[tuple[str, ...], ...]
    swapped_args: tuple[tuple[str, ...], ...]


def normalise_sentence(text: str) -> str:
    """Return the key CaRB uses to pair gold and system sentences.

    Spaces are deleted, Penn-Treebank bracket escapes (``-LRB-`` ...) are turned
    back into brackets and every ASCII punctuation character is deleted.

    Args:
        text: A sentence as written in a gold or system file.

    Returns:
        The normalised sentence key.
    """
    key = text.replace(" ", "")
    for escape, bracket in _PTB_BRACKETS:
        key = key.replace(escape, bracket)
    return key.translate(_PUNCT_TABLE)


def _read_lines(path: str | Path) -> Iterable[str]:
    with open(path, encoding="utf-8") as handle:
        yield from handle


def load_gold(path: str | Path) -> dict[str, list[Extraction]]:
    """Load a CaRB gold file (``sentence<TAB>relation<TAB>arg1<TAB>arg2...``).

    As in CaRB, fields are whitespace-stripped, trailing empty arguments vanish
    and arguments containing ``C: `` (context annotations) are dropped.

    Args:
        path: Path of the gold ``.tsv`` file.

    Returns:
        Gold tuples grouped by sentence (the sentence text as written, stripped),
        in file order, each with confidence 1.0.
    """
    gold: dict[str, list[Extraction]] = {}
    for line in _read_lines(path):
        fields = line.strip().split("\t")
        if len(fields) < 2:
            continue
        sentence = fields[0].strip()
        ext = Extraction(
            sentence=sentence,
            relation=fields[1].strip(),
            args=tuple(arg.strip() for arg in fields[2:] if _CONTEXT_MARK not in arg),
            confidence=1.0,
        )
        gold.setdefault(sentence, []).append(ext)
    return gold


def load_tabbed(path: str | Path) -> dict[str, list[Extraction]]:
    """Load system output in CaRB's tabbed format.

    Each line is ``sentence<TAB>confidence<TAB>relation<TAB>arg1<TAB>arg2...``;
    blank lines are skipped.

    Args:
        path: Path of the ``.tabbed`` file.

    Returns:
        System tuples grouped by sentence text, in file order.

    Raises:
        ValueError: If a non-blank line has fewer than three fields or a
            confidence that is not a number.
    """
    system: dict[str, list[Extraction]] = {}
    for number, line in enumerate(_read_lines(path), start=1):
        if not line.strip():
            continue
        fields = line.strip().split("\t")
        if len(fields) < 3:
            raise ValueError(f"{path}:{number}: expected at least 3 tab-separated fields")
        sentence, confidence, relation = fields[:3]
        ext = Extraction(
            sentence=sentence,
            relation=relation,
            args=tuple(fields[3:]),
            confidence=float(confidence),
        )
        system.setdefault(sentence, []).append(ext)
    return system


def _fold(args: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """Split arguments into words, folding arguments 2..n into one."""
    if len(args) < 2:
        return tuple(tuple(arg.split()) for arg in args)
    rest = tuple(word for arg in args[1:] for word in arg.split())
    return (tuple(args[0].split()), rest)


def _prepare(ext: Extraction) -> _Prepared:
    rel = tuple(ext.relation.split())
    folded = _fold(ext.args)
    swapped = (folded[1], folded[0]) if len(folded) == 2 else folded
    return _Prepared(rel=rel, rel_counts=Counter(rel), args=folded, swapped_args=swapped)


def _overlap(gold_words: Sequence[str], system_words: Sequence[str]) -> int:
    """Size of the multiset intersection of two word sequences."""
    if not gold_words or not system_words:
        return 0
    system_counts = Counter(system_words)
    return sum(min(n, system_counts[w]) for w, n in Counter(gold_words).items())


def _lenient(
    gold: _Prepared, system: _Prepared, system_args: tuple[tuple[str, ...], ...]
) -> tuple[float, float]:
    """Word-level (precision, recall) of one system tuple against one gold tuple."""
    hits = _overlap(gold.rel, system.rel)
    # A surplus "be" in the system relation also matches any form of "be" in gold.
    if system.rel_counts["be"] > gold.rel_counts["be"] and any(
        form in gold.rel_counts for form in _BE_FORMS
    ):
        hits += 1
    if hits == 0:
        return (0.0, 0.0)
    p_num = r_num = hits
    p_den = len(system.rel)
    r_den = len(gold.rel)
    for i, gold_words in enumerate(gold.args):
        r_den += len(gold_words)
        if i >= len(system_args):
            if i < 2:
                return (0.0, 0.0)
            continue
        system_words = system_args[i]
        p_den += len(system_words)
        hits = _overlap(gold_words, system_words)
        p_num += hits
        r_num += hits
    precision = p_num / p_den if p_den else 0.0
    recall = r_num / r_den if r_den else 0.0
    return (precision, recall)


def _match_prepared(gold: _Prepared, system: _Prepared, reporting: bool) -> tuple[float, float]:
    straight = _lenient(gold, system, system.args)
    if not reporting:
        return straight
    return max(straight, _lenient(gold, system, system.swapped_args))


def _is_reporting(relation: str) -> bool:
    return any(verb in relation for verb in _REPORTING_VERBS)


def match(gold: Extraction, system: Extraction) -> tuple[float, float]:
    """Score one system tuple against one gold tuple with CaRB's default matcher.

    Args:
        gold: The reference tuple.
        system: The predicted tuple.

    Returns:
        ``(precision, recall)`` of the pair at the word level.
    """
    return _match_prepared(_prepare(gold), _prepare(system), _is_reporting(gold.relation))


def _normalise_keys(tuples: Mapping[str, list[Extraction]]) -> dict[str, list[Extraction]]:
    """Re-key by normalised sentence; on collisions the last sentence wins."""
    result: dict[str, list[Extraction]] = {}
    for sentence, extractions in tuples.items():
        result[normalise_sentence(sentence)] = list(extractions)
    return result


def _greedy_precision(
    ranked_pairs: Sequence[tuple[float, int, int]], kept: set[int], n_gold: int
) -> float:
    """Sum of precisions of a greedy one-to-one gold/system pairing.

    Args:
        ranked_pairs: ``(precision, gold_index, system_index)`` for every pair,
            sorted by decreasing precision, then gold index, then system index.
        kept: Indices of the system tuples above the threshold.
        n_gold: Number of gold tuples of the sentence.

    Returns:
        Total precision of the selected pairs.
    """
    budget = min(n_gold, len(kept))
    used_gold: set[int] = set()
    used_system: set[int] = set()
    total = 0.0
    for precision, i, j in ranked_pairs:
        if len(used_gold) == budget:
            break
        if j not in kept or i in used_gold or j in used_system:
            continue
        used_gold.add(i)
        used_system.add(j)
        total += precision
    return total


def _f1(precision: float, recall: float) -> float:
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


def score(gold: Mapping[str, list[Extraction]], system: Mapping[str, list[Extraction]]) -> Score:
    """Score system tuples against gold tuples following CaRB's rules.

    Args:
        gold: Gold tuples by sentence, e.g. from :func:`load_gold`.
        system: System tuples by sentence, e.g. from :func:`load_tabbed`.
            Sentences absent from the gold are ignored, except that their
            confidences still count as thresholds (as in CaRB).

    Returns:
        The AUC and the precision, recall and F1 at the best-F1 threshold.
    """
    gold_n = _normalise_keys(gold)
    system_n = _normalise_keys(system)
    thresholds = sorted({ext.confidence for exts in system_n.values() for ext in exts})
    n = len(thresholds)
    if n == 0:
        return Score(auc=0.0, precision=0.0, recall=0.0, f1=0.0, threshold=None)

    # Difference arrays: each sentence adds a constant over a range of thresholds.
    d_prec = [0.0] * (n + 1)
    d_rec = [0.0] * (n + 1)
    d_kept = [0] * (n + 1)
    total_gold = 0

    for key, gold_exts in gold_n.items():
        total_gold += len(gold_exts)
        system_exts = system_n.get(key, [])
        if not system_exts or not gold_exts:
            continue
        g_prep = [_prepare(ext) for ext in gold_exts]
        s_prep = [_prepare(ext) for ext in system_exts]
        table = [
            [_match_prepared(g, s, _is_reporting(g_ext.relation)) for s in s_prep]
            for g, g_ext in zip(g_prep, gold_exts, strict=True)
        ]
        ranked = sorted(
            ((table[i][j][0], i, j) for i in range(len(g_prep)) for j in range(len(s_prep))),
            key=lambda item: (-item[0], item[1], item[2]),
        )
        confidences = [ext.confidence for ext in system_exts]
        start = 0
        for conf in sorted(set(confidences)):
            end = bisect_left(thresholds, conf) + 1
            kept = {j for j, c in enumerate(confidences) if c >= conf}
            rec_sum = sum(max(row[j][1] for j in kept) for row in table)
            prec_sum = _greedy_precision(ranked, kept, len(g_prep))
            d_prec[start] += prec_sum
            d_prec[end] -= prec_sum
            d_rec[start] += rec_sum
            d_rec[end] -= rec_sum
            d_kept[start] += len(kept)
            d_kept[end] -= len(kept)
            start = end

    precisions: list[float] = []
    recalls: list[float] = []
    p_acc = r_acc = 0.0
    k_acc = 0
    for k in range(n):
        p_acc += d_prec[k]
        r_acc += d_rec[k]
        k_acc += d_kept[k]
        precisions.append(p_acc / k_acc if k_acc > 0 else 1.0)
        recalls.append(r_acc / total_gold if total_gold > 0 else 0.0)

    f1s = [_f1(p, r) for p, r in zip(precisions, recalls, strict=True)]
    best = max(range(n), key=lambda k: (f1s[k], -k))

    xs = [*recalls, 0.0]
    ys = [*precisions, 1.0]
    area = sum((xs[k + 1] - xs[k]) * (ys[k] + ys[k + 1]) / 2 for k in range(len(xs) - 1))
    return Score(
        auc=abs(area),
        precision=precisions[best],
        recall=recalls[best],
        f1=f1s[best],
        threshold=thresholds[best],
        curve=tuple(zip(thresholds, precisions, recalls, strict=True)),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: print AUC, P, R and F1 of a tabbed file.

    Args:
        argv: Arguments (defaults to ``sys.argv[1:]``).

    Returns:
        Process exit status.
    """
    parser = argparse.ArgumentParser(description="Score open-IE output with CaRB's rules.")
    parser.add_argument("--gold", required=True, type=Path, help="gold tuples (.tsv)")
    parser.add_argument("--tabbed", required=True, type=Path, help="system output (.tabbed)")
    args = parser.parse_args(argv)
    result = score(load_gold(args.gold), load_tabbed(args.tabbed))
    print(
        f"AUC: {result.auc:.3f}\tP: {result.precision:.3f}\t"
        f"R: {result.recall:.3f}\tF1: {result.f1:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
