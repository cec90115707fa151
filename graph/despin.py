"""Detecting and repairing text that went through a word-spinner.

A spinner replaces words by "synonyms" picked without regard to sense: "with" becomes
"pinch", "the" becomes "nan", "in" becomes "successful". The parse of such text is
garbage, and so are the facts drawn from it. The substitutions are data
(``ontology/spinner.tsv``), each with the context in which it applies, so that
"successful" becomes "in" before "Moscow" but never in "a successful test".

Repair returns the edits with offsets into the original text; the pipeline parses the
repaired text and maps every offset back, so statements point into what the user gave.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .errors import DataError
from .model import Edit
from .resources import load_table

#: Words the ``det`` context class accepts (``nan`` is the spun "the").
DETERMINERS: frozenset[str] = frozenset(
    [
        "the",
        "a",
        "an",
        "nan",
        "this",
        "that",
        "these",
        "those",
        "their",
        "his",
        "her",
        "its",
        "our",
        "my",
        "your",
        "some",
        "any",
        "every",
        "each",
        "both",
        "all",
        "no",
    ]
)

#: Edits per 100 words at or above which an article is taken as spun. Measured by
#: benchmarks/spin_eval.py: clean max 0.00 (own clean news, seed 000, CaRB dev sentences in
#: blocks of 20), spun min 4.44 at p = 0.6 (seed 003: 21.39); 1.0 leaves margin both ways.
SPUN_THRESHOLD = 1.0
#: Minimum number of edits for an article to be flagged as spun (no clean text measured
#: by benchmarks/spin_eval.py had even one).
SPUN_MIN_EDITS = 2

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")

_STOP = re.compile(r"[.!?]")

Predicate = Callable[[str | None], bool]


def _word_class(name: str) -> Predicate:
    """Return a predicate testing a neighbouring word against one context class."""
    if name.startswith("="):
        literal = name[1:].lower()
        return lambda w: w is not None and w.lower() == literal
    tests: dict[str, Predicate] = {
        "det": lambda w: w is not None and w.lower() in DETERMINERS,
        "name": lambda w: w is not None and w[:1].isupper(),
        "num": lambda w: w is not None and w[:1].isdigit(),
        "to": lambda w: w is not None and w.lower() == "to",
        "ing": lambda w: w is not None and w.lower().endswith("ing") and len(w) > 4,
        "ed": lambda w: w is not None and w.lower().endswith("ed") and len(w) > 3,
        "word": lambda w: w is not None and w.isalpha() and w.islower(),
    }
    if name not in tests:
        raise DataError(f"spinner.tsv: unknown context class {name!r}")
    return tests[name]


@dataclass(frozen=True, slots=True)
class Rule:
    """One lexicon entry: ``spun`` words stand for ``original`` where ``context`` holds."""

    spun: tuple[str, ...]
    original: str
    conditions: tuple[tuple[str, tuple[Predicate, ...]], ...]

    def applies(self, prev: str | None, nxt: str | None) -> bool:
        """Whether the context conditions hold for the given neighbours."""
        for where, preds in self.conditions:
            word = prev if where.startswith("prev") else nxt
            hit = any(p(word) for p in preds)
            if where.endswith("_not") == hit:
                return False
        return True


def _parse_context(text: str) -> tuple[tuple[str, tuple[Predicate, ...]], ...]:
    conditions = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        where, _, classes = part.partition(":")
        if where not in ("prev", "next", "prev_not", "next_not") or not classes:
            raise DataError(f"spinner.tsv: bad context {part!r}")
        conditions.append((where, tuple(_word_class(c) for c in classes.split("|"))))
    return tuple(conditions)


@lru_cache(maxsize=1)
def lexicon() -> dict[str, list[Rule]]:
    """Rules indexed by their first spun word, longest phrases first."""
    index: dict[str, list[Rule]] = {}
    for row in load_table("spinner.tsv"):
        rule = Rule(
            tuple(row["spun"].lower().split()), row["original"], _parse_context(row["context"])
        )
        index.setdefault(rule.spun[0], []).append(rule)
    for rules in index.values():
        rules.sort(key=lambda r: -len(r.spun))
    return index


def _match_case(template: str, word: str) -> str:
    return word[:1].upper() + word[1:] if template[:1].isupper() else word


def _continues(text: str, words: list[tuple[int, int, str]], j: int) -> bool:
    """Whether ``words[j]`` exists and is in the sentence of ``words[j - 1]``.

    Two neighbouring words are in one sentence when no ``.``, ``!`` or ``?`` stands
    between them.
    """
    return 0 < j < len(words) and not _STOP.search(text, words[j - 1][1], words[j][0])


def find_edits(text: str) -> list[Edit]:
    """Return the spinner substitutions whose context holds, left to right.

    Args:
        text: Text to inspect.

    Returns:
        Non-overlapping edits with offsets into ``text``.
    """
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    lower = [w.lower() for _, _, w in words]
    rules = lexicon()
    edits: list[Edit] = []
    i = 0
    while i < len(words):
        for rule in rules.get(lower[i], ()):
            n = len(rule.spun)
            if tuple(lower[i : i + n]) != rule.spun:
                continue
            prev = words[i - 1][2] if _continues(text, words, i) else None
            nxt = words[i + n][2] if _continues(text, words, i + n) else None
            if rule.applies(prev, nxt):
                start, end = words[i][0], words[i + n - 1][1]
                edits.append(
                    Edit(start, end, text[start:end], _match_case(words[i][2], rule.original))
                )
                i += n - 1
                break
        i += 1
    return edits


def spin_score(text: str, edits: list[Edit]) -> float:
    """Edits per 100 words."""
    words = len(_WORD.findall(text))
    return 100.0 * len(edits) / words if words else 0.0


def is_spun(text: str, edits: list[Edit]) -> bool:
    """Whether a text's edits mark it as spun (see ``SPUN_THRESHOLD``)."""
    return len(edits) >= SPUN_MIN_EDITS and spin_score(text, edits) >= SPUN_THRESHOLD


class OffsetMap:
    """Maps offsets in repaired text back to offsets in the original text."""

    def __init__(self, edits: list[Edit] | tuple[Edit, ...]) -> None:
        self._new_starts: list[int] = []
        self._edits: list[tuple[int, int, Edit]] = []
        shift = 0
        for e in sorted(edits, key=lambda e: e.start):
            new_start = e.start + shift
            new_end = new_start + len(e.replacement)
            self._new_starts.append(new_start)
            self._edits.append((new_start, new_end, e))
            shift += len(e.replacement) - (e.end - e.start)

    def to_original(self, pos: int, *, end: bool = False) -> int:
        """Translate an offset; positions inside a replacement snap to its edges."""
        k = bisect_right(self._new_starts, pos) - 1
        if k < 0:
            return pos
        new_start, new_end, e = self._edits[k]
        if pos == new_start and not end:
            return e.start
        if pos < new_end or (pos == new_end and end):
            return e.end if end or pos > new_start else e.start
        return e.end + (pos - new_end)


def apply_edits(text: str, edits: list[Edit] | tuple[Edit, ...]) -> str:
    """Return ``text`` with the edits applied."""
    out, last = [], 0
    for e in sorted(edits, key=lambda e: e.start):
        out.append(text[last : e.start])
        out.append(e.replacement)
        last = e.end
    out.append(text[last:])
    return "".join(out)


def repair(text: str, *, force: bool = False) -> tuple[str, list[Edit]]:
    """Repair a text if it is spun.

    Args:
        text: Text to repair.
        force: Apply the edits even if the text is not flagged as spun.

    Returns:
        ``(repaired_text, edits)``; no edits when the text is clean.
    """
    edits = find_edits(text)
    if not force and not is_spun(text, edits):
        return text, []
    return apply_edits(text, edits), edits


def spin(text: str, *, p: float, seed: int = 0) -> tuple[str, int]:
    """Spin clean text with the inverse lexicon, the way a word-spinner would.

    Each occurrence of a lexicon ``original`` phrase is replaced by its spun form with
    probability ``p`` wherever the rule's context holds (previous word as already spun,
    next word as in the clean text), so every substitution is one the lexicon claims to
    undo. Used to measure repair; deterministic for a given ``seed``.

    Args:
        text: Clean text.
        p: Probability of substituting each invertible occurrence, in ``[0, 1]``.
        seed: Seed of the random generator.

    Returns:
        ``(spun_text, substitutions_made)``.
    """
    import random

    rng = random.Random(seed)
    inverse: dict[str, list[Rule]] = {}
    for rules in lexicon().values():
        for rule in rules:
            inverse.setdefault(rule.original.lower().split()[0], []).append(rule)
    for rules in inverse.values():
        rules.sort(key=lambda r: (-len(r.original.split()), r.spun))
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    lower = [w.lower() for _, _, w in words]
    out: list[str] = []
    last, made, i, prev = 0, 0, 0, None
    while i < len(words):
        step, spun_last = 1, words[i][2]
        for rule in inverse.get(lower[i], ()):
            orig = tuple(rule.original.lower().split())
            n = len(orig)
            if tuple(lower[i : i + n]) != orig:
                continue
            nxt = words[i + n][2] if _continues(text, words, i + n) else None
            if rule.applies(prev, nxt) and rng.random() < p:
                start, end = words[i][0], words[i + n - 1][1]
                out.append(text[last:start])
                out.append(_match_case(words[i][2], " ".join(rule.spun)))
                last, made, step, spun_last = end, made + 1, n, rule.spun[-1]
            break
        prev = spun_last if i + step >= len(words) or _continues(text, words, i + step) \
            else None
        i += step
    out.append(text[last:])
    return "".join(out), made


@dataclass(frozen=True, slots=True)
class SpinEval:
    """Figures of a spin-and-repair evaluation (see ``evaluate_repair``)."""

    substitutions: int
    residual: int
    clean_words: int
    false_edits: int
    clean_scores: tuple[float, ...]
    spun_scores: tuple[float, ...]
    clean_flagged: int
    spun_flagged: int

    @property
    def reverted(self) -> float:
        """Share of substitutions undone by repair."""
        if not self.substitutions:
            return 1.0
        return max(0, self.substitutions - self.residual) / self.substitutions

    @property
    def false_edit_rate(self) -> float:
        """Candidate edits on clean text as a share of its words (before the spun gate)."""
        return self.false_edits / self.clean_words if self.clean_words else 0.0


def _word_diffs(a: str, b: str) -> int:
    """Number of words that differ between two texts (word-level alignment)."""
    from difflib import SequenceMatcher

    wa = [w.lower() for w in _WORD.findall(a)]
    wb = [w.lower() for w in _WORD.findall(b)]
    ops = SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")


def evaluate_repair(clean_articles: list[str], *, p: float, seed: int = 0,
                    extra_clean: list[str] | tuple[str, ...] = ()) -> SpinEval:
    """Spin clean articles, repair them, and measure reverts, false edits and detection.

    Args:
        clean_articles: Clean texts, one per article; each is spun and repaired.
        p: Substitution probability of the spinner.
        seed: Seed of the spinner.
        extra_clean: More clean texts measured for false edits and clean scores only.

    Returns:
        The figures.
    """
    subs = residual = words = false = clean_flagged = spun_flagged = 0
    clean_scores: list[float] = []
    spun_scores: list[float] = []
    for k, clean in enumerate(clean_articles):
        spun, made = spin(clean, p=p, seed=seed * 100_003 + k)
        repaired, edits = repair(spun)
        subs += made
        residual += _word_diffs(repaired, clean) if made else 0
        spun_scores.append(spin_score(spun, edits or find_edits(spun)))
        spun_flagged += bool(edits)
    for clean in [*clean_articles, *extra_clean]:
        found = find_edits(clean)
        words += len(_WORD.findall(clean))
        false += len(found)
        clean_scores.append(spin_score(clean, found))
        clean_flagged += is_spun(clean, found)
    return SpinEval(subs, residual, words, false, tuple(clean_scores), tuple(spun_scores),
                    clean_flagged, spun_flagged)
