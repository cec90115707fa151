"""Rule-based open information extraction over a spaCy dependency parse.

Each clause of a sentence becomes one or more ``(arg1, relation, arg2, ...)``
tuples in the style of the CaRB benchmark:

* the relation is the verb with its auxiliaries, negation, particle and the
  adverbs between subject and verb (``has not sharply improved``); an ``xcomp``
  chain is folded in (``tried to woo``) and, when the verb has no object, so is
  the first preposition (``taught at``);
* arg1 is the subject noun phrase; arg2 the object, complement or prepositional
  object; temporal, locative and other prepositional modifiers follow as
  arg3, arg4, ...;
* passive clauses keep their ``by`` agent, copulas their attribute or adjective;
* verbs joined by ``and`` share the subject, objects joined by ``and`` are
  distributed over one tuple each;
* relative clauses, participial modifiers and appositions yield extra tuples
  about the noun they modify.

Every tuple gets a confidence in ``[0, 1]`` computed from the evidence behind it
(the rule that produced it, argument lengths, pronoun arguments, parse cues),
so that higher confidence means higher precision.

Example:
    >>> from graph.nlp import load_model
    >>> nlp = load_model()
    >>> [t.relation for t in extract(nlp("The bill was signed by the president."))]
    ['was signed by']
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

__all__ = ["OpenIETuple", "extract", "tabbed_lines"]

# --- Dependency labels (spaCy English / ClearNLP scheme) ---------------------
NSUBJ = "nsubj"  # nominal subject: "[He] left"
NSUBJPASS = "nsubjpass"  # subject of a passive verb: "[It] was built"
CSUBJ = "csubj"  # clausal subject: "[What he said] is true"
CSUBJPASS = "csubjpass"  # clausal subject of a passive verb
EXPL = "expl"  # expletive: "[There] is a cat"
AUX = "aux"  # auxiliary: "he [has] left", infinitival "[to] leave"
AUXPASS = "auxpass"  # passive auxiliary: "it [was] built"
NEG = "neg"  # negation: "did [not] leave"
PRT = "prt"  # verb particle: "gave [up]"
ADVMOD = "advmod"  # adverbial modifier: "[often] goes"
NPADVMOD = "npadvmod"  # noun phrase used as adverb: "left [last year]"
DOBJ = "dobj"  # direct object: "ate [the cake]"
DATIVE = "dative"  # indirect object: "gave [him] a book"
ATTR = "attr"  # copular attribute: "is [a teacher]"
ACOMP = "acomp"  # adjectival complement: "is [happy]"
OPRD = "oprd"  # object predicate: "named him [captain]"
CCOMP = "ccomp"  # clausal complement: "said [that he left]"
XCOMP = "xcomp"  # open clausal complement: "tried [to leave]"
PREP = "prep"  # prepositional modifier: "lives [in] Paris"
POBJ = "pobj"  # object of a preposition: "in [Paris]"
PCOMP = "pcomp"  # clausal complement of a preposition: "after [leaving]"
AGENT = "agent"  # "by" introducing the agent of a passive: "built [by] him"
CONJ = "conj"  # conjunct: "apples and [pears]"
CC = "cc"  # coordinating conjunction: "apples [and] pears"
PRECONJ = "preconj"  # first part of a paired conjunction: "[both] ... and"
RELCL = "relcl"  # relative clause: "the man [who left]"
ACL = "acl"  # clausal modifier of a noun: "a man [named Bob]"
APPOS = "appos"  # apposition: "Bob, [my brother],"
ADVCL = "advcl"  # adverbial clause: "[after he left], ..."
MARK = "mark"  # subordinating marker: "[that] he left"
PUNCT = "punct"  # punctuation
POSS = "poss"  # possessive modifier: "[Bob 's] car"
CASE = "case"  # possessive ending: "Bob ['s]"
COMPOUND = "compound"  # noun compound modifier: "[President] Bush"
DEP = "dep"  # unclassified dependency (often a parse error)
PARATAXIS = "parataxis"  # loosely attached clause: "he left, [she said]"
ROOT = "ROOT"  # head of the sentence

#: Dependencies that mark the subject of a clause.
SUBJECT_DEPS = frozenset({NSUBJ, NSUBJPASS, CSUBJ, CSUBJPASS})
#: Dependencies of direct complements that become arg2 (in this order of preference).
COMPLEMENT_DEPS = (DATIVE, DOBJ, ATTR, OPRD, ACOMP, CCOMP)
#: Dependencies whose words belong to the relation phrase.
RELATION_DEPS = frozenset({AUX, AUXPASS, NEG})
#: Subtrees left out of an argument phrase (they become tuples of their own).
ARG_EXCLUDED_DEPS = frozenset({RELCL, APPOS, PARATAXIS})

#: Relative pronouns that stand for the noun a relative clause modifies.
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
#: Question and relative words that make a useless argument on their own.
WH_WORDS = frozenset({"what", "who", "whom", "which", "why", "how", "where", "when"})
#: Personal pronouns: arguments made only of these are vaguer and less often gold.
PRONOUNS = frozenset(
    {"he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "us", "me", "this",
     "these", "those", "there"}
)
#: Prepositions after a noun that state where or what it is (``the plant in Zama``).
NOUN_PREPOSITIONS = frozenset({"in", "at", "from", "on", "near", "outside", "inside", "of", "with"})
#: Tokens dropped from the edges of an argument.
EDGE_PUNCT = frozenset({",", ".", ";", ":", "--", "-", "...", "!", "?"})
#: PTB escapes mapped back to the characters the parser was trained on.
PTB_ESCAPES = {
    "``": '"',
    "''": '"',
    "-LRB-": "(",
    "-RRB-": ")",
    "-LSB-": "[",
    "-RSB-": "]",
    "-LCB-": "{",
    "-RCB-": "}",
}


@dataclass(frozen=True, slots=True)
class OpenIETuple:
    """One extracted open-IE tuple.

    Attributes:
        relation: The relation phrase (``was signed by``).
        args: The arguments: subject first, then object and further modifiers.
        confidence: How likely the tuple is correct, in ``[0, 1]``.
    """

    relation: str
    args: tuple[str, ...]
    confidence: float


@dataclass(slots=True)
class _Candidate:
    """A tuple before rendering: token indices plus the evidence behind it.

    Attributes:
        rel: The relation as token indices or literal words (``"is"``).
        args: Each argument as sorted token indices.
        rule: Name of the rule that produced it.
        features: Evidence used by :func:`_confidence`.
        anchor: Index of the token the rule fired on (verb, noun, ...).
    """

    rel: list[int | str]
    args: list[list[int]]
    rule: str
    features: dict[str, float] = field(default_factory=dict)
    anchor: int = -1


# --- Phrases ---------------------------------------------------------------------


def _is_relative_pronoun(token: Token) -> bool:
    """Return whether ``token`` is a relative pronoun (``who``, ``which``, ``that``)."""
    return token.lower_ in RELATIVE_PRONOUNS and token.tag_ in ("WDT", "WP", "WP$", "IN", "DT")


def _trim(indices: list[int], doc: Doc) -> list[int]:
    """Drop punctuation and dangling conjunctions from both ends of a phrase."""
    start, end = 0, len(indices)
    while start < end and (
        doc[indices[start]].text in EDGE_PUNCT or doc[indices[start]].dep_ in (CC, PRECONJ)
    ):
        start += 1
    while end > start and (
        doc[indices[end - 1]].text in EDGE_PUNCT or doc[indices[end - 1]].dep_ == CC
    ):
        end -= 1
    kept = indices[start:end]
    # A comma next to a gap (a left-out conjunct or clause) is dangling: drop it.
    kept = [
        i
        for n, i in enumerate(kept)
        if doc[i].text != ","
        or (0 < n < len(kept) - 1 and kept[n - 1] == i - 1 and kept[n + 1] == i + 1)
    ]
    texts = [doc[i].text for i in kept]
    if kept and texts[-1] in ('"', "''") and texts.count(texts[-1]) + texts.count("``") == 1:
        kept = kept[:-1]
    if kept and texts[0] in ('"', "``") and texts.count(texts[0]) + texts.count("''") == 1:
        kept = kept[1:]
    return kept


def _phrase(head: Token, *, split_conj: bool = False, skip: frozenset[int] = frozenset()) -> list[int]:
    """Return the token indices of the phrase headed by ``head``.

    Relative clauses, appositions and parentheticals are left out (they get their
    own tuples); with ``split_conj`` the conjuncts of ``head`` are left out too.

    Args:
        head: Head token of the phrase.
        split_conj: Leave out ``conj``/``cc`` children of ``head``.
        skip: Token indices whose subtrees must be left out.

    Returns:
        Sorted token indices, trimmed of edge punctuation.
    """
    out: list[int] = []
    stack = [head]
    while stack:
        tok = stack.pop()
        out.append(tok.i)
        for child in tok.children:
            if child.i in skip or child.dep_ in ARG_EXCLUDED_DEPS:
                continue
            if split_conj and tok is head and child.dep_ in (CONJ, CC, PRECONJ):
                continue
            if child.dep_ == ACL and _after_comma(child):
                continue
            stack.append(child)
    out.sort()
    return _trim(out, head.doc)


def _object_phrases(head: Token, verb: Token) -> list[list[int]]:
    """Return one phrase per conjunct of an object, resolving relative pronouns.

    In ``the book which he wrote`` the object ``which`` of ``wrote`` stands for
    ``the book``.
    """
    if _is_relative_pronoun(head) and verb.dep_ == RELCL:
        return [_phrase(verb.head)]
    return [_phrase(c, split_conj=True) for c in _conjuncts(head)]


def _after_comma(token: Token) -> bool:
    """Return whether the phrase of ``token`` is set off by a preceding comma."""
    start = token.left_edge.i
    return start > 0 and token.doc[start - 1].text == ","


def _conjuncts(head: Token) -> list[Token]:
    """Return ``head`` and the nouns coordinated with it (``X, Y and Z``)."""
    result = [head]
    for child in head.children:
        if child.dep_ == CONJ and child.pos_ in ("NOUN", "PROPN", "NUM", "PRON"):
            result.extend(_conjuncts(child))
    return result


# --- Clauses ---------------------------------------------------------------------


def _is_predicate(token: Token) -> bool:
    """Return whether ``token`` heads a clause we extract from."""
    if token.pos_ not in ("VERB", "AUX"):
        return False
    return token.dep_ not in (AUX, AUXPASS, "amod", COMPOUND)


def _is_folded_xcomp(token: Token) -> bool:
    """Return whether ``token`` is already part of its governor's relation (``tried to woo``)."""
    return (
        token.dep_ == XCOMP
        and token.pos_ in ("VERB", "AUX")
        and _is_predicate(token.head)
        and not any(c.dep_ in (DOBJ, DATIVE) for c in token.head.children)
    )


def _own_subject(verb: Token) -> Token | None:
    """Return the subject child of ``verb`` (``expl`` as a last resort)."""
    expl = None
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS:
            return child
        if child.dep_ == EXPL:
            expl = child
    return expl


def _subject(verb: Token, depth: int = 0) -> tuple[list[int], str] | None:
    """Find the subject phrase of ``verb`` and how it was found.

    Args:
        verb: A clause head.
        depth: Recursion guard for chains of conjuncts.

    Returns:
        ``(token indices, kind)`` where kind is ``own``, ``relcl`` (the noun a
        relative clause modifies), ``conj`` (shared with a coordinated verb),
        ``acl`` (the noun a participle modifies) or ``control`` (the subject of
        the governing verb); ``None`` when there is none.
    """
    if depth > 5:
        return None
    subj = _own_subject(verb)
    if subj is not None:
        if verb.dep_ == RELCL and _is_relative_pronoun(subj):
            return _phrase(verb.head), "relcl"
        if subj.dep_ in (CSUBJ, CSUBJPASS):
            return sorted(t.i for t in subj.subtree), "own"
        return _phrase(subj), "own"  # split below when coordinated
    if verb.dep_ == CONJ and _is_predicate(verb.head):
        found = _subject(verb.head, depth + 1)
        return (found[0], "conj") if found else None
    if verb.dep_ == RELCL:
        return _phrase(verb.head), "relcl"
    if verb.dep_ == ACL and verb.head.pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
        if any(c.dep_ == AUX for c in verb.children) or verb.tag_ == "VB":
            return None  # "a way to go": infinitival modifiers state no fact
        return _phrase(verb.head, skip=frozenset({verb.i})), "acl"
    if verb.dep_ == XCOMP and _is_predicate(verb.head):
        obj = next((c for c in verb.head.children if c.dep_ == DOBJ), None)
        if obj is not None:
            return _phrase(obj), "object_control"
    if verb.dep_ in (XCOMP, ADVCL) and _is_predicate(verb.head):
        found = _subject(verb.head, depth + 1)
        return (found[0], "control") if found else None
    return None


def _relation_words(verb: Token, subject_end: int) -> list[int]:
    """Return the verb with its auxiliaries, negation, particle and inner adverbs."""
    words = [verb.i]
    for child in verb.children:
        if child.dep_ in RELATION_DEPS or child.dep_ == PRT or (child.dep_ == ADVMOD and subject_end < child.i < verb.i and child.tag_ == "RB"):
            words.append(child.i)
    if verb.dep_ == CONJ and not any(c.dep_ in (AUX, AUXPASS) for c in verb.children):
        # "was arrested and charged": the second verb shares the auxiliaries.
        if _own_subject(verb) is None:
            words.extend(c.i for c in verb.head.children if c.dep_ in (AUX, AUXPASS, NEG))
    return sorted(words)


def _xcomp_chain(verb: Token) -> list[Token]:
    """Return ``verb`` followed by the open complements folded into its relation.

    ``tried to woo`` gives ``[tried, woo]``; a copula with an adjective that takes
    the complement gives ``[was, able, control]`` (``was able to control``).
    """
    chain = [verb]
    current = verb
    while len(chain) < 8:
        if any(c.dep_ in (DOBJ, DATIVE) for c in current.children):
            break
        nxt = _verbal_xcomp(current)
        if nxt is None:
            adj = next((c for c in current.children if c.dep_ == ACOMP), None)
            nxt = _verbal_xcomp(adj) if adj is not None else None
            if nxt is None:
                break
            chain.append(adj)
        elif nxt.i > verb.i:
            adj = next((c for c in current.children if c.dep_ == ACOMP and c.i < nxt.i), None)
            if adj is not None:
                chain.append(adj)  # "is necessary to climb"
        chain.append(nxt)
        current = nxt
    return chain


def _verbal_xcomp(token: Token) -> Token | None:
    """Return the verbal open complement of ``token`` (``to woo`` in ``tried to woo``)."""
    return next(
        (c for c in token.children if c.dep_ == XCOMP and c.pos_ in ("VERB", "AUX")), None
    )


@dataclass(slots=True)
class _Slots:
    """The dependents of a clause, sorted into argument slots."""

    complements: list[Token] = field(default_factory=list)
    agent: Token | None = None
    preps: list[Token] = field(default_factory=list)
    modifiers: list[Token] = field(default_factory=list)


def _slots(chain: Sequence[Token]) -> _Slots:
    """Collect complements, agent, prepositions and adverbial modifiers of a clause."""
    slots = _Slots()
    last = chain[-1]
    for verb in chain:
        for child in verb.children:
            dep = child.dep_
            if (verb is last and dep in COMPLEMENT_DEPS and (dep != CCOMP or _ccomp_ok(child, verb))) or (verb is last and dep == XCOMP and child.pos_ not in ("VERB", "AUX")):
                slots.complements.append(child)
            elif dep == AGENT:
                slots.agent = child
            elif dep == PREP:
                slots.preps.append(child)
            elif dep == NPADVMOD or (dep == ADVMOD and child.i > verb.i and child.pos_ == "ADV"):
                slots.modifiers.append(child)

    slots.complements.sort(key=lambda t: t.i)
    slots.preps.sort(key=lambda t: t.i)
    return slots


def _ccomp_ok(ccomp: Token, verb: Token) -> bool:
    """Accept a clausal complement after its verb, or fronted before ``he said``."""
    if ccomp.i > verb.i:
        return True
    subject = _own_subject(verb)
    return verb.pos_ == "VERB" and (subject is None or subject.i > ccomp.i)


def _prep_object(prep: Token) -> Token | None:
    """Return the object (or clausal complement) of a preposition."""
    for child in prep.children:
        if child.dep_ in (POBJ, PCOMP):
            return child
    return None


def _clause_candidates(verb: Token) -> list[_Candidate]:
    """Build the tuples of the clause headed by ``verb``."""
    found = _subject(verb)
    if found is None:
        return []
    subject, subject_kind = found
    if not subject:
        return []
    chain = _xcomp_chain(verb)
    subject_end = max(subject) if max(subject) < verb.i else -1
    rel: list[int | str] = []
    for link in chain:
        rel.extend(_relation_words(link, subject_end))
    rel = sorted(set(rel), key=lambda x: x if isinstance(x, int) else -1)
    slots = _slots(chain)

    features = {
        f"subj_{subject_kind}": 1.0,
        "xcomp": float(len(chain) > 1),
        "passive": float(any(c.dep_ == AUXPASS for c in verb.children)),
    }
    extra_heads: list[Token] = []
    objects: list[list[int]] = []
    rule = "svo"
    rel_words = list(rel)
    if slots.complements:
        comp = slots.complements[0]
        if comp.dep_ == CCOMP:
            marker = next((c for c in comp.children if c.dep_ == MARK), None)
            skip = frozenset({marker.i}) if marker is not None else frozenset()
            if marker is not None:
                rel_words.append(marker.i)
            objects = [_phrase(comp, skip=skip)]
            rule = "ccomp"
        else:
            objects = _object_phrases(comp, verb)
            rule = "copula" if comp.dep_ in (ATTR, ACOMP) else "svo"
        rest_complements = [c for c in slots.complements[1:] if c.dep_ != CCOMP]
        extra_heads.extend(rest_complements)
        if slots.agent is not None:
            extra_heads.append(slots.agent)
        extra_heads.extend(slots.preps)
    elif slots.agent is not None:
        pobj = _prep_object(slots.agent)
        if pobj is None:
            return []
        rel_words.append(slots.agent.i)
        objects = _object_phrases(pobj, verb)
        rule = "passive"
        extra_heads.extend(slots.preps)
    elif slots.preps:
        first = next((p for p in slots.preps if p.i > verb.i), slots.preps[0])
        pobj = _prep_object(first)
        rel_words.append(first.i)
        if pobj is None:
            objects = []
        elif pobj.dep_ == PCOMP:
            objects = [_phrase(pobj)]
        else:
            objects = _object_phrases(pobj, verb)
        rule = "prep"
        extra_heads.extend(p for p in slots.preps if p is not first)
    else:
        rule = "intransitive"
    extra_heads.extend(slots.modifiers)
    extra_heads.sort(key=lambda t: t.i)
    extras = [p for p in (_phrase(h) for h in extra_heads) if p]
    rel_words = sorted(set(rel_words), key=lambda x: x if isinstance(x, int) else -1)
    if subject_kind == "acl" and verb.tag_ == "VBN":
        rel_words = [_be(verb.head), *rel_words]

    features["n_extras"] = float(len(extras))
    features["n_conj_objects"] = float(len(objects))
    out = []
    subjects = [subject]
    for subject in subjects:
        if not objects:
            args = [subject, *extras]
            out.append(_Candidate(rel=rel_words, args=args, rule=rule, features=dict(features)))
            continue
        for obj in objects:
            if not obj:
                continue
            args = [subject, obj, *extras]
            out.append(_Candidate(rel=list(rel_words), args=args, rule=rule, features=dict(features)))
        if rule == "copula":
            variant = _copula_prep_variant(slots.complements[0], rel_words, subject, extras, features)
            if variant:
                out = out[:-len(objects)] + variant
    return out


def _copula_prep_variant(
    comp: Token,
    rel_words: list[int | str],
    subject: list[int],
    extras: list[list[int]],
    features: dict[str, float],
) -> list[_Candidate]:
    """``X is the capital of Y`` also gives ``(X; is the capital of; Y)``."""
    if comp.dep_ != ACOMP or any(c.dep_ == CONJ for c in comp.children):
        return []
    prep = next((c for c in comp.children if c.dep_ == PREP and c.i > comp.i), None)
    if prep is None:
        return []
    pobj = _prep_object(prep)
    if pobj is None or pobj.dep_ != POBJ:
        return []
    head_words = [i for i in _phrase(comp, skip=frozenset({prep.i})) if i < prep.i]
    rel = sorted({*rel_words, *head_words, prep.i}, key=lambda x: x if isinstance(x, int) else -1)
    return [
        _Candidate(rel=rel, args=[subject, obj, *extras], rule="copula_prep", features=dict(features))
        for obj in _object_phrases(pobj, prep)
        if obj
    ]


def _apposition_candidates(token: Token) -> list[_Candidate]:
    """``Bob, my brother, ...`` gives ``(Bob; is; my brother)``."""
    if token.dep_ != APPOS:
        return []
    head = _phrase(token.head)
    appos = _phrase(token)
    if not head or not appos:
        return []
    return [_Candidate(rel=["is"], args=[head, appos], rule="appos")]


def _noun_core(head: Token, skip: frozenset[int] = frozenset()) -> list[int]:
    """Return ``head`` with its compound and adjective modifiers (no determiner, no clauses)."""
    keep = [head.i]
    for child in head.lefts:
        if child.i in skip:
            continue
        if child.dep_ in (COMPOUND, "amod", "nmod", "nummod") or (child.dep_ == PUNCT and child.text == "-"):
            keep.extend(t.i for t in child.subtree)
    return _trim(sorted(keep), head.doc)


def _be(noun: Token) -> str:
    """Return the form of *be* agreeing with ``noun``."""
    return "are" if noun.tag_ in ("NNS", "NNPS") else "is"


def _possessive_candidates(token: Token) -> list[_Candidate]:
    """``Trek 's president`` gives ``(Trek; has; president)``."""
    if token.dep_ != POSS or token.pos_ == "PRON" or token.head.pos_ not in ("NOUN", "PROPN"):
        return []
    owner = [i for i in _phrase(token) if token.doc[i].dep_ != CASE]
    owned = _noun_core(token.head, skip=frozenset({token.i}))
    if not owner or not owned:
        return []
    return [_Candidate(rel=["has"], args=[owner, owned], rule="possessive")]


def _noun_prep_candidates(token: Token) -> list[_Candidate]:
    """``the classes in Aberdare`` gives ``(the classes; are in; Aberdare)``."""
    if token.dep_ != PREP or token.head.pos_ not in ("NOUN", "PROPN"):
        return []
    if token.lower_ not in NOUN_PREPOSITIONS:
        return []
    pobj = _prep_object(token)
    if pobj is None or pobj.dep_ != POBJ:
        return []
    noun = token.head
    subject = _phrase(noun, skip=frozenset({token.i}), split_conj=True)
    objects = _object_phrases(pobj, token)
    return [
        _Candidate(rel=[_be(noun), token.i], args=[subject, obj], rule="noun_prep")
        for obj in objects
        if subject and obj
    ]


def _adjective_candidates(token: Token) -> list[_Candidate]:
    """``vulnerable functions`` gives ``(functions; are; vulnerable)``."""
    if token.dep_ != "amod" or token.tag_ not in ("JJ",) or token.head.pos_ != "NOUN":
        return []
    noun = token.head
    subject = _noun_core(noun, skip=frozenset({token.i}))
    if not subject:
        return []
    return [_Candidate(rel=[_be(noun)], args=[subject, [token.i]], rule="adjective")]


# --- Confidence ----------------------------------------------------------------------

#: Weights of the confidence model: a logistic function of the evidence below,
#: fitted on the CaRB development split to predict the word-level precision of a
#: tuple against the best-matching gold tuple.
CONFIDENCE_WEIGHTS: dict[str, float] = {
    "bias": -0.527,
    "clause_acl": -0.058,
    "clause_advcl": -0.447,
    "clause_ccomp": -0.736,
    "clause_pcomp": -0.514,
    "clause_relcl": -0.268,
    "clause_xcomp": 0.062,
    "n_args": 0.043,
    "n_candidates": -0.168,
    "n_conj_objects": 0.031,
    "n_extras": -0.303,
    "no_obj": -2.213,
    "obj_len": 0.073,
    "obj_pronoun": -0.067,
    "passive": 0.159,
    "rel_infinitive": -0.674,
    "rel_len": 0.170,
    "rule_adjective": -1.128,
    "rule_appos": 0.154,
    "rule_ccomp": 0.220,
    "rule_copula": 0.052,
    "rule_copula_prep": 0.499,
    "rule_intransitive": -0.047,
    "rule_noun_prep": -0.790,
    "rule_passive": 0.291,
    "rule_possessive": -0.606,
    "rule_prep": 0.432,
    "rule_svo": 0.573,
    "sent_len": -0.125,
    "subj_acl": -0.064,
    "subj_conj": 0.365,
    "subj_control": 0.703,
    "subj_entity": 0.071,
    "subj_len": -0.220,
    "subj_object_control": 0.062,
    "subj_own": 0.736,
    "subj_pronoun": -0.373,
    "subj_relcl": 0.218,
    "verb_VB": 0.359,
    "verb_VBD": 0.823,
    "verb_VBG": 0.038,
    "verb_VBN": 0.409,
    "verb_VBP": 0.225,
    "verb_VBZ": 0.373,
    "xcomp": -0.027,
}

#: Clause heads whose tuples are reported or hypothetical rather than asserted.
EMBEDDED_DEPS = frozenset({CCOMP, ADVCL, XCOMP, ACL, RELCL, PCOMP, DEP, PARATAXIS})


def _evidence(cand: _Candidate, doc: Doc, n_candidates: int) -> dict[str, float]:
    """Describe a candidate by the features the confidence model weighs.

    Args:
        cand: The candidate tuple.
        doc: The parsed document the candidate's indices point into.
        n_candidates: How many candidates the same sentence produced.

    Returns:
        Feature name to value (absent features are 0).
    """
    feats = {f"rule_{cand.rule}": 1.0}
    feats.update(cand.features)
    subject = cand.args[0]
    feats["subj_len"] = min(len(subject), 12) / 4
    feats["subj_pronoun"] = float(len(subject) == 1 and doc[subject[0]].lower_ in PRONOUNS)
    feats["subj_entity"] = float(any(doc[i].ent_type_ for i in subject))
    if len(cand.args) > 1:
        obj = cand.args[1]
        feats["obj_len"] = min(len(obj), 16) / 4
        feats["obj_pronoun"] = float(len(obj) == 1 and doc[obj[0]].lower_ in PRONOUNS)
    else:
        feats["no_obj"] = 1.0
    feats["n_args"] = float(min(len(cand.args), 5))
    feats["sent_len"] = min(len(doc), 60) / 20
    feats["n_candidates"] = min(n_candidates, 20) / 5
    rel_words = [w for w in cand.rel if isinstance(w, int)]
    feats["rel_len"] = float(min(len(cand.rel), 6))
    if rel_words and doc[rel_words[0]].lower_ == "to":
        feats["rel_infinitive"] = 1.0
    anchor = doc[cand.anchor] if cand.anchor >= 0 else None
    if anchor is not None and cand.rule in CLAUSE_RULES:
        feats[f"verb_{anchor.tag_}"] = 1.0
        if anchor.dep_ in EMBEDDED_DEPS:
            feats[f"clause_{anchor.dep_}"] = 1.0
        if any(t.dep_ == DEP for t in anchor.subtree):
            feats["parse_dep"] = 1.0
    return feats


#: Rules that extract from a clause headed by a verb.
CLAUSE_RULES = frozenset(
    {"svo", "copula", "copula_prep", "passive", "prep", "ccomp", "intransitive"}
)


def _confidence(features: dict[str, float]) -> float:
    """Turn evidence into a confidence with the logistic model of ``CONFIDENCE_WEIGHTS``."""
    z = CONFIDENCE_WEIGHTS["bias"]
    for name, value in features.items():
        z += CONFIDENCE_WEIGHTS.get(name, 0.0) * value
    return round(1.0 / (1.0 + math.exp(-z)), 4)


# --- Public API ----------------------------------------------------------------------


def _candidates(tokens: Iterable[Token]) -> list[_Candidate]:
    """Run every rule over ``tokens`` and return the candidates in sentence order."""
    out: list[_Candidate] = []
    for token in tokens:
        if _is_predicate(token) and not _is_folded_xcomp(token):
            found = _clause_candidates(token)
        elif token.dep_ == APPOS:
            found = _apposition_candidates(token)
        elif token.dep_ == POSS:
            found = _possessive_candidates(token)
        elif token.dep_ == PREP:
            found = _noun_prep_candidates(token)
        elif token.dep_ == "amod":
            found = _adjective_candidates(token)
        else:
            continue
        for cand in found:
            cand.anchor = token.i
        out.extend(found)
    return out


def _render(
    cand: _Candidate, word: Callable[[int], str], group: Callable[[int], int]
) -> tuple[str, tuple[str, ...]]:
    """Turn token indices into text, merging tokens that share a source word."""

    def text(indices: Iterable[int | str]) -> str:
        words: list[str] = []
        seen: set[int] = set()
        for item in indices:
            if isinstance(item, str):
                words.append(item)
                continue
            key = group(item)
            if key in seen:
                continue
            seen.add(key)
            words.append(word(item))
        return " ".join(words)

    return text(cand.rel), tuple(text(a) for a in cand.args)


def _extract_pairs(
    doc_or_sent: Doc | Span, word: Callable[[int], str], group: Callable[[int], int]
) -> list[tuple[_Candidate, OpenIETuple]]:
    """Extract and render tuples with a custom token-to-text mapping.

    Returns:
        Each kept candidate with its rendered tuple (duplicates and tuples with
        an empty or question-word argument are dropped).
    """
    doc = doc_or_sent.doc if hasattr(doc_or_sent, "doc") else doc_or_sent
    seen: set[tuple[str, tuple[str, ...]]] = set()
    rendered: list[tuple[_Candidate, str, tuple[str, ...]]] = []
    for cand in _candidates(doc_or_sent):
        relation, args = _render(cand, word, group)
        if not relation or not args or not args[0] or (relation, args) in seen:
            continue
        if any(a.lower() in WH_WORDS for a in args[:2]):
            continue
        seen.add((relation, args))
        rendered.append((cand, relation, args))
    result: list[tuple[_Candidate, OpenIETuple]] = []
    for cand, relation, args in rendered:
        cand.features = _evidence(cand, doc, len(rendered))
        result.append((cand, OpenIETuple(relation, args, _confidence(cand.features))))
    return result


def _extract(
    doc_or_sent: Doc | Span, word: Callable[[int], str], group: Callable[[int], int]
) -> list[OpenIETuple]:
    """Extract and render tuples with a custom token-to-text mapping."""
    return [item for _, item in _extract_pairs(doc_or_sent, word, group)]


def extract(doc_or_sent: Doc | Span) -> list[OpenIETuple]:
    """Extract open-IE tuples from a parsed sentence or document.

    Args:
        doc_or_sent: A spaCy ``Doc`` or ``Span`` with a dependency parse.

    Returns:
        The tuples in sentence order, with confidences.
    """
    doc = doc_or_sent.doc if hasattr(doc_or_sent, "doc") else doc_or_sent
    return _extract(doc_or_sent, lambda i: doc[i].text, lambda i: i)


def _parse_text(sentence: str) -> tuple[str, list[int]]:
    """Undo PTB escapes of a tokenized sentence, keeping where each word starts.

    Returns:
        The text to parse and the character offset of each whitespace token in it.
    """
    offsets: list[int] = []
    parts: list[str] = []
    pos = 0
    for tok in sentence.split():
        text = PTB_ESCAPES.get(tok, tok)
        offsets.append(pos)
        parts.append(text)
        pos += len(text) + 1
    return " ".join(parts), offsets


def tabbed_lines(sentences: Iterable[str], nlp: Language, *, batch_size: int = 64) -> Iterator[str]:
    """Extract tuples and format them as CaRB ``tabbed`` lines.

    Sentences are taken as whitespace-tokenized text (PTB quotes and brackets are
    undone before parsing); arguments are rebuilt from the original tokens so the
    output words match the input words exactly.

    Args:
        sentences: One sentence per item, as written in the input file.
        nlp: A spaCy pipeline with a dependency parser.
        batch_size: Sentences per ``nlp.pipe`` batch.

    Yields:
        ``sentence<TAB>confidence<TAB>relation<TAB>arg1<TAB>arg2...`` lines,
        without trailing newlines; the sentence is written verbatim.
    """
    from bisect import bisect_right

    def prepared() -> Iterator[tuple[str, tuple[str, list[str], list[int]]]]:
        for sentence in sentences:
            sentence = sentence.rstrip("\r\n")
            text, offsets = _parse_text(sentence)
            yield text, (sentence, sentence.split(), offsets)

    for doc, (sentence, words, offsets) in nlp.pipe(
        prepared(), batch_size=batch_size, as_tuples=True
    ):
        if not words:
            continue
        source = [max(0, bisect_right(offsets, tok.idx) - 1) for tok in doc]
        for item in _extract(doc, lambda i, s=source: words[s[i]], lambda i, s=source: s[i]):
            fields = [sentence, f"{item.confidence:.3f}", item.relation, *item.args]
            yield "\t".join(f.replace("\t", " ") for f in fields)
