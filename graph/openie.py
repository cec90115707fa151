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
  about the noun they modify (``a player who plays for Leeds``,
  ``Orkem, France's largest chemical group``);
* noun phrases yield low-confidence guesses of the kind CaRB's annotators add:
  possessives (``Trek's president``: ``Trek; has; president``), prepositional
  modifiers (``the plant in Zama``: ``the plant; is in; Zama``) and adjectives.

Every tuple gets a confidence in ``[0, 1]`` from a small logistic model over the
evidence behind it (the rule, how the subject was found, argument lengths,
pronoun arguments, embedding of the clause, tags), so that higher confidence
means higher precision.

:func:`extract` works on any parsed ``Doc`` or ``Span``; :func:`tabbed_lines`
parses whitespace-tokenized sentences (PTB escapes such as ````` `` ````` are
undone for the parser) and writes CaRB's tabbed format with the input's own
words. On the CaRB development split (``benchmarks/carb.py``) it scores
F1 0.59 and AUC 0.45.

Example:
    >>> from graph.nlp import load_model
    >>> nlp = load_model()
    >>> [t.relation for t in extract(nlp("The bill was signed by the president."))]
    ['was signed by']
"""

from __future__ import annotations

import math
from bisect import bisect_right
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
AMOD = "amod"  # adjectival modifier: "[rare] books"
NMOD = "nmod"  # modifier of a nominal: "[Oct.] 5"
NUMMOD = "nummod"  # numeric modifier: "[three] ships"
DEP = "dep"  # unclassified dependency (often a parse error)
PARATAXIS = "parataxis"  # loosely attached clause: "he left, [she said]"

#: Dependencies that mark the subject of a clause.
SUBJECT_DEPS = frozenset({NSUBJ, NSUBJPASS, CSUBJ, CSUBJPASS})
#: Dependencies of direct complements that become arg2 (in this order of preference).
COMPLEMENT_DEPS = (DATIVE, DOBJ, ATTR, OPRD, ACOMP, CCOMP)
#: Dependencies whose words belong to the relation phrase.
RELATION_DEPS = frozenset({AUX, AUXPASS, NEG})
#: Pre-modifiers kept in the bare form of a noun (``[President] Bush``, ``[rare] books``).
NOUN_CORE_DEPS = frozenset({COMPOUND, AMOD, NMOD, NUMMOD})
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
#: Adjectives that locate or count rather than describe (``last year``, ``other ways``).
VAGUE_ADJECTIVES = frozenset(
    {"last", "next", "first", "other", "such", "many", "much", "same", "own", "few", "several",
     "previous", "former", "latter", "following", "certain", "various", "recent", "early",
     "late", "final", "further", "additional", "main", "only", "more", "most", "less", "least"}
)
#: Tokens dropped from the edges of an argument.
EDGE_PUNCT = frozenset({",", ".", ";", ":", "--", "-", "...", "!", "?"})
#: Quote tokens, as given (PTB) or as parsed.
QUOTES = frozenset({'"', "``", "''"})
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
    """Tidy a phrase: drop dangling commas, edge punctuation and unpaired quotes.

    Args:
        indices: Sorted token indices of the phrase.
        doc: The document they point into.

    Returns:
        The kept indices, still sorted.
    """
    # A comma next to a gap (a left-out conjunct or clause) is dangling.
    kept = [
        i
        for n, i in enumerate(indices)
        if doc[i].text != ","
        or (0 < n < len(indices) - 1 and indices[n - 1] == i - 1 and indices[n + 1] == i + 1)
    ]
    while kept:
        first, last = doc[kept[0]], doc[kept[-1]]
        if _loose_edge(first, kept, doc) or first.dep_ in (CC, PRECONJ):
            kept = kept[1:]
        elif _loose_edge(last, kept, doc) or last.dep_ == CC:
            kept = kept[:-1]
        else:
            break
    return kept


def _loose_edge(token: Token, kept: list[int], doc: Doc) -> bool:
    """Return whether an edge token of a phrase is punctuation that pairs with nothing."""
    if token.text in EDGE_PUNCT:
        return True
    if token.text in QUOTES:
        return sum(doc[i].text in QUOTES for i in kept) % 2 == 1
    if token.text in ("(", ")"):
        texts = [doc[i].text for i in kept]
        return texts.count("(") != texts.count(")")
    return False


def _phrase(
    head: Token, *, split_conj: bool = False, skip: frozenset[int] = frozenset()
) -> list[int]:
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
    return token.dep_ not in (AUX, AUXPASS, AMOD, COMPOUND)


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
        ``acl`` (the noun a participle modifies), ``control`` (the subject of
        the governing verb) or ``object_control`` (its object: ``enlists
        friends to travel``); ``None`` when there is none.
    """
    if depth > 5:
        return None
    subj = _own_subject(verb)
    if subj is not None:
        if verb.dep_ == RELCL and _is_relative_pronoun(subj):
            return _antecedent(verb), "relcl"
        if subj.dep_ in (CSUBJ, CSUBJPASS):
            return sorted(t.i for t in subj.subtree), "own"
        return _phrase(subj), "own"
    if verb.dep_ == CONJ and _is_predicate(verb.head):
        found = _subject(verb.head, depth + 1)
        return (found[0], "conj") if found else None
    if verb.dep_ == RELCL:
        return _antecedent(verb), "relcl"
    if verb.dep_ == ACL and verb.head.pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
        if any(c.dep_ == AUX for c in verb.children) or verb.tag_ == "VB":
            return None  # "a way to go": infinitival modifiers state no fact
        return _phrase(verb.head, split_conj=True, skip=frozenset({verb.i})), "acl"
    if verb.dep_ == XCOMP and _is_predicate(verb.head):
        obj = next((c for c in verb.head.children if c.dep_ == DOBJ), None)
        if obj is not None:
            return _phrase(obj), "object_control"
    if verb.dep_ in (XCOMP, ADVCL) and _is_predicate(verb.head):
        found = _subject(verb.head, depth + 1)
        return (found[0], "control") if found else None
    return None


def _antecedent(relcl: Token) -> list[int]:
    """Return the phrase a relative clause is about.

    That is the noun it modifies, or, when that noun is the attribute of a
    copula, the copula's subject: in ``Bob is a player who plays for Leeds`` the
    one who plays is ``Bob``.
    """
    noun = relcl.head
    if noun.dep_ == ATTR:
        subject = _own_subject(noun.head)
        if subject is not None and subject.dep_ == NSUBJ:
            return _phrase(subject)
    return _phrase(noun, split_conj=True)


def _relation_words(verb: Token, subject_end: int) -> list[int]:
    """Return the verb with its auxiliaries, negation, particle and inner adverbs.

    Args:
        verb: A verb of the clause (or of its ``xcomp`` chain).
        subject_end: Index of the last subject token when the subject precedes
            the verb (adverbs between it and the verb join the relation), else -1.

    Returns:
        Sorted token indices.
    """
    words = [verb.i]
    for child in verb.children:
        if child.dep_ in RELATION_DEPS or child.dep_ == PRT:
            words.append(child.i)
        elif child.dep_ == ADVMOD and child.tag_ == "RB" and subject_end < child.i < verb.i:
            words.append(child.i)  # "has [sharply] improved"
    shares_aux = not any(c.dep_ in (AUX, AUXPASS) for c in verb.children)
    if verb.dep_ == CONJ and shares_aux and _own_subject(verb) is None:
        # "was arrested and charged": the second verb shares the auxiliaries.
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
    """The dependents of a clause, sorted into argument slots.

    Attributes:
        complements: Objects, attributes and clausal complements of the last verb.
        agent: The ``by`` of a passive, if any.
        preps: Prepositional modifiers of any verb of the chain.
        modifiers: Noun-phrase and post-verbal adverbial modifiers (``last year``).
    """

    complements: list[Token] = field(default_factory=list)
    agent: Token | None = None
    preps: list[Token] = field(default_factory=list)
    modifiers: list[Token] = field(default_factory=list)


def _is_complement(child: Token, verb: Token) -> bool:
    """Return whether ``child`` fills the object slot of ``verb``."""
    if child.dep_ == CCOMP:
        return _ccomp_ok(child, verb)
    if child.dep_ == XCOMP:
        return child.pos_ not in ("VERB", "AUX")  # "became [more common]"
    return child.dep_ in COMPLEMENT_DEPS


def _slots(chain: Sequence[Token]) -> _Slots:
    """Collect complements, agent, prepositions and adverbial modifiers of a clause."""
    slots = _Slots()
    last = chain[-1]
    for verb in chain:
        for child in verb.children:
            dep = child.dep_
            if verb is last and _is_complement(child, verb):
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


def _ordered(words: Iterable[int | str]) -> list[int | str]:
    """Sort relation words by position, literal words (``is``) first, without repeats."""
    return sorted(set(words), key=lambda x: x if isinstance(x, int) else -1)


@dataclass(slots=True)
class _Frame:
    """What a clause states once its subject is known.

    Attributes:
        rule: Name of the rule (``svo``, ``copula``, ``passive``, ``prep`` ...).
        rel: Relation words.
        objects: One arg2 per tuple (several when the object is coordinated);
            empty for intransitive clauses.
        extras: Heads of the phrases that become arg3, arg4, ...
    """

    rule: str
    rel: list[int | str]
    objects: list[list[int]]
    extras: list[Token]


def _complement_frame(verb: Token, rel: list[int | str], slots: _Slots) -> _Frame:
    """Object, copula and clausal-complement clauses: ``X found Y``, ``X is Y``."""
    comp = slots.complements[0]
    extras = [c for c in slots.complements[1:] if c.dep_ != CCOMP]
    if slots.agent is not None:
        extras.append(slots.agent)
    extras.extend(slots.preps)
    if comp.dep_ == CCOMP:
        # "indicated [that] ...": the complementizer joins the relation.
        marker = next((c for c in comp.children if c.dep_ == MARK), None)
        if marker is None:
            return _Frame("ccomp", rel, [_phrase(comp)], extras)
        clause = _phrase(comp, skip=frozenset({marker.i}))
        return _Frame("ccomp", [*rel, marker.i], [clause], extras)
    if comp.dep_ == ACOMP:
        folded = _adjective_prep_frame(comp, rel, extras)
        if folded is not None:
            return folded
    rule = "copula" if comp.dep_ in (ATTR, ACOMP) else "svo"
    return _Frame(rule, rel, _object_phrases(comp, verb), extras)


def _adjective_prep_frame(
    comp: Token, rel: list[int | str], extras: list[Token]
) -> _Frame | None:
    """``X would be responsible only for Y`` gives ``(X; would be responsible only for; Y)``."""
    if any(c.dep_ == CONJ for c in comp.children):
        return None
    prep = next((c for c in comp.children if c.dep_ == PREP and c.i > comp.i), None)
    pobj = _prep_object(prep) if prep is not None else None
    if prep is None or pobj is None or pobj.dep_ != POBJ:
        return None
    adjective = [i for i in _phrase(comp, skip=frozenset({prep.i})) if i < prep.i]
    return _Frame("copula_prep", [*rel, *adjective, prep.i], _object_phrases(pobj, prep), extras)


def _agent_frame(verb: Token, rel: list[int | str], slots: _Slots) -> _Frame | None:
    """Passive clauses without object: ``X was signed by Y``."""
    pobj = _prep_object(slots.agent) if slots.agent is not None else None
    if slots.agent is None or pobj is None:
        return None
    return _Frame("passive", [*rel, slots.agent.i], _object_phrases(pobj, verb), slots.preps)


def _prep_frame(verb: Token, rel: list[int | str], slots: _Slots) -> _Frame:
    """Clauses whose first argument after the verb is prepositional: ``X taught at Y``."""
    first = next((p for p in slots.preps if p.i > verb.i), slots.preps[0])
    pobj = _prep_object(first)
    if pobj is None:
        objects: list[list[int]] = []
    elif pobj.dep_ == PCOMP:
        objects = [_phrase(pobj)]
    else:
        objects = _object_phrases(pobj, verb)
    extras = [p for p in slots.preps if p is not first]
    return _Frame("prep", [*rel, first.i], objects, extras)


def _frame(verb: Token, rel: list[int | str], slots: _Slots) -> _Frame | None:
    """Pick the rule for a clause from the slots it fills."""
    if slots.complements:
        return _complement_frame(verb, rel, slots)
    if slots.agent is not None:
        return _agent_frame(verb, rel, slots)
    if slots.preps:
        return _prep_frame(verb, rel, slots)
    return _Frame("intransitive", rel, [], [])


def _clause_candidates(verb: Token) -> list[_Candidate]:
    """Build the tuples of the clause headed by ``verb``.

    One tuple per conjunct of the object; modifiers shared by all as arg3+.
    """
    found = _subject(verb)
    if found is None or not found[0]:
        return []
    subject, subject_kind = found
    chain = _xcomp_chain(verb)
    subject_end = max(subject) if max(subject) < verb.i else -1
    rel: list[int | str] = []
    for link in chain:
        rel.extend(_relation_words(link, subject_end))
    if subject_kind == "acl" and verb.tag_ == "VBN":
        rel.append(_be(verb.head))  # "pressure caused by heat": "is caused by"
    slots = _slots(chain)
    frame = _frame(verb, rel, slots)
    if frame is None:
        return []
    extra_heads = [*frame.extras, *slots.modifiers]
    if subject_kind == "conj":
        # "In 1970 he moved to X and enrolled at Y": fronted modifiers are shared.
        head = verb.head
        extra_heads.extend(c for c in head.children if c.i < head.i and c.dep_ in (PREP, NPADVMOD))
    extra_heads = sorted(set(extra_heads), key=lambda t: t.i)
    extras = [p for p in (_phrase(h) for h in extra_heads) if p]
    features = {
        f"subj_{subject_kind}": 1.0,
        "xcomp": float(len(chain) > 1),
        "passive": float(any(c.dep_ == AUXPASS for c in verb.children)),
        "n_extras": float(len(extras)),
        "n_conj_objects": float(len(frame.objects)),
    }
    relation = _ordered(frame.rel)
    if not frame.objects:
        return [_Candidate(relation, [subject, *extras], frame.rule, dict(features))]
    return [
        _Candidate(list(relation), [subject, obj, *extras], frame.rule, dict(features))
        for obj in frame.objects
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
        if child.dep_ in NOUN_CORE_DEPS or (child.dep_ == PUNCT and child.text == "-"):
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
    if token.dep_ != AMOD or token.tag_ != "JJ" or token.head.pos_ != "NOUN":
        return []
    if token.lower_ in VAGUE_ADJECTIVES or token.head.ent_type_ in ("DATE", "TIME"):
        return []
    noun = token.head
    subject = _noun_core(noun, skip=frozenset({token.i}))
    if not subject:
        return []
    return [_Candidate(rel=[_be(noun)], args=[subject, [token.i]], rule="adjective")]


# --- Confidence ----------------------------------------------------------------------

#: Weights of the confidence model: a logistic function of the evidence computed
#: by :func:`_evidence`, fitted (L2-regularised) on the CaRB development split to
#: predict the word-level precision a tuple earns when the system tuples of its
#: sentence are paired one-to-one with the gold tuples (so duplicates of a better
#: tuple learn to rank low). Two-fold cross-validation on that split gives the
#: same F1 and an AUC about 0.02 lower than with the weights fitted on all of it.
CONFIDENCE_WEIGHTS: dict[str, float] = {
    "bias": -0.819,
    "clause_acl": -0.108,
    "clause_advcl": -0.492,
    "clause_ccomp": -0.772,
    "clause_pcomp": -0.490,
    "clause_relcl": -0.292,
    "extra_words": -0.389,
    "n_args": 0.166,
    "n_candidates": -0.162,
    "n_conj_objects": 0.028,
    "n_extras": -0.073,
    "no_obj": -2.015,
    "obj_comma": -0.365,
    "obj_entity": 0.195,
    "obj_len": 0.142,
    "obj_verb": -0.442,
    "passive": 0.170,
    "rel_infinitive": -0.512,
    "rel_len": 0.127,
    "rule_adjective": -1.046,
    "rule_ccomp": 0.433,
    "rule_copula_prep": 0.547,
    "rule_intransitive": -0.254,
    "rule_noun_prep": -0.849,
    "rule_passive": 0.287,
    "rule_possessive": -0.637,
    "rule_prep": 0.420,
    "rule_svo": 0.562,
    "sent_len": -0.114,
    "subj_acl": -0.161,
    "subj_comma": -0.521,
    "subj_conj": 0.404,
    "subj_control": 0.636,
    "subj_entity": 0.086,
    "subj_len": -0.171,
    "subj_own": 0.797,
    "subj_pronoun": -0.350,
    "subj_relcl": 0.316,
    "verb_VB": 0.394,
    "verb_VBD": 0.746,
    "verb_VBG": 0.117,
    "verb_VBN": 0.413,
    "verb_VBP": 0.147,
    "verb_VBZ": 0.373,
    "xcomp": 0.035,
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
    feats["subj_comma"] = float(any(doc[i].text == "," for i in subject))
    feats["extra_words"] = min(sum(len(a) for a in cand.args[2:]), 20) / 5
    if len(cand.args) > 1:
        obj = cand.args[1]
        feats["obj_len"] = min(len(obj), 16) / 4
        feats["obj_pronoun"] = float(len(obj) == 1 and doc[obj[0]].lower_ in PRONOUNS)
        feats["obj_verb"] = float(any(doc[i].pos_ == "VERB" for i in obj))
        feats["obj_comma"] = float(any(doc[i].text == "," for i in obj))
        feats["obj_entity"] = float(any(doc[i].ent_type_ for i in obj))
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
        elif token.dep_ == AMOD:
            found = _adjective_candidates(token)
        else:
            continue
        for cand in found:
            cand.anchor = token.i
        out.extend(found)
    return out


#: Renders one part of a tuple (token indices and literal words) as text.
PartRenderer = Callable[[Sequence[int | str]], str]


class _DocText:
    """Render parts as the document writes them (``France's third-largest``)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc

    def __call__(self, items: Sequence[int | str]) -> str:
        out: list[str] = []
        previous: int | None = None
        for item in items:
            if isinstance(item, str):
                out.append(item)
                previous = None
                continue
            glued = previous == item - 1 and not self.doc[previous].whitespace_
            if glued:
                out[-1] += self.doc[item].text
            else:
                out.append(self.doc[item].text)
            previous = item
        return " ".join(out)


class _SourceText:
    """Render parts with the input's own whitespace-separated words.

    A word split by the tokenizer is output whole (``less-lethal`` even when the
    parse put only ``lethal`` in the part), except for punctuation left out of
    the part (``Paris,`` gives ``Paris``).
    """

    def __init__(self, doc: Doc, words: Sequence[str], offsets: Sequence[int]) -> None:
        self.doc = doc
        self.words = words
        self.source = [max(0, bisect_right(offsets, tok.idx) - 1) for tok in doc]
        self.members: dict[int, list[int]] = {}
        for index, word in enumerate(self.source):
            self.members.setdefault(word, []).append(index)

    def __call__(self, items: Sequence[int | str]) -> str:
        chosen = {i for i in items if isinstance(i, int)}
        out: list[str] = []
        done: set[int] = set()
        for item in items:
            if isinstance(item, str):
                out.append(item)
                continue
            word = self.source[item]
            if word in done:
                continue
            done.add(word)
            tokens = self.members[word]
            inside = [t for t in tokens if t in chosen]
            left_out = [t for t in tokens if t not in chosen]
            contiguous = inside[-1] - inside[0] == len(inside) - 1
            if left_out and contiguous and all(self.doc[t].is_punct for t in left_out):
                out.append("".join(self.doc[t].text_with_ws for t in inside).strip())
            else:
                out.append(self.words[word])
        return " ".join(out)


def _render(cand: _Candidate, text: PartRenderer) -> tuple[str, tuple[str, ...]]:
    """Turn the token indices of a candidate into relation and argument strings."""
    return text(cand.rel), tuple(text(a) for a in cand.args)


def _clip(cand: _Candidate, start: int, end: int) -> None:
    """Keep only the tokens of a candidate that lie in ``[start, end)``."""
    cand.rel = [i for i in cand.rel if isinstance(i, str) or start <= i < end]
    cand.args = [[i for i in arg if start <= i < end] for arg in cand.args]


def _extract_pairs(
    doc_or_sent: Doc | Span, text: PartRenderer | None = None
) -> list[tuple[_Candidate, OpenIETuple]]:
    """Extract tuples and render them.

    Args:
        doc_or_sent: A parsed ``Doc`` or ``Span``; tuples of a span keep only the
            words inside it.
        text: How to render token indices; the document's own text by default.

    Returns:
        Each kept candidate with its rendered tuple (duplicates and tuples with
        an empty or question-word argument are dropped).
    """
    doc: Doc = getattr(doc_or_sent, "doc", doc_or_sent)  # a Span knows its Doc
    if text is None:
        text = _DocText(doc)
    seen: set[tuple[str, tuple[str, ...]]] = set()
    rendered: list[tuple[_Candidate, str, tuple[str, ...]]] = []
    for cand in _candidates(doc_or_sent):
        if doc_or_sent is not doc:
            _clip(cand, doc_or_sent.start, doc_or_sent.end)
        relation, args = _render(cand, text)
        if not relation or not args or not args[0] or (relation, args) in seen:
            continue
        if any(a.lower() in WH_WORDS for a in args[:2]) or any(not a for a in args[1:]):
            continue
        seen.add((relation, args))
        rendered.append((cand, relation, args))
    result: list[tuple[_Candidate, OpenIETuple]] = []
    for cand, relation, args in rendered:
        cand.features = _evidence(cand, doc, len(rendered))
        result.append((cand, OpenIETuple(relation, args, _confidence(cand.features))))
    return result


def extract(doc_or_sent: Doc | Span) -> list[OpenIETuple]:
    """Extract open-IE tuples from a parsed sentence or document.

    Args:
        doc_or_sent: A spaCy ``Doc`` or ``Span`` with a dependency parse.

    Returns:
        The tuples in sentence order, with confidences. Words are joined as in
        the text (``third-largest``, ``France's``).
    """
    return [item for _, item in _extract_pairs(doc_or_sent)]


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


def tabbed_lines(
    sentences: Iterable[str], nlp: Language, *, batch_size: int = 64
) -> Iterator[str]:
    """Extract tuples and format them as CaRB ``tabbed`` lines.

    Sentences are taken as whitespace-tokenized text (PTB quotes and brackets are
    undone before parsing); arguments are rebuilt from the original tokens so the
    output words match the input words exactly. Raw, untokenized sentences work
    too (``Paris,`` is output as ``Paris`` when the comma is not part of the
    argument).

    Args:
        sentences: One sentence per item, as written in the input file.
        nlp: A spaCy pipeline with a dependency parser.
        batch_size: Sentences per ``nlp.pipe`` batch.

    Yields:
        ``sentence<TAB>confidence<TAB>relation<TAB>arg1<TAB>arg2...`` lines,
        without trailing newlines; the sentence is written verbatim.
    """

    def prepared() -> Iterator[tuple[str, tuple[str, list[str], list[int]]]]:
        for raw in sentences:
            sentence = raw.rstrip("\r\n")
            text, offsets = _parse_text(sentence)
            yield text, (sentence, sentence.split(), offsets)

    for doc, (sentence, words, offsets) in nlp.pipe(
        prepared(), batch_size=batch_size, as_tuples=True
    ):
        if not words:
            continue
        for _, item in _extract_pairs(doc, _SourceText(doc, words, offsets)):
            fields = [sentence, f"{item.confidence:.4f}", item.relation, *item.args]
            yield "\t".join(f.replace("\t", " ") for f in fields)
