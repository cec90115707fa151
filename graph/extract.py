"""Statements from the dependency parse: rules as small functions, one per pattern.

Each rule looks at a predicate (a verb, or a noun that names a relation) and returns
candidate statements: subject, relation label, object, plus negation, modality and
attribution read from the clause and the clauses that govern it. Entities come from the
mentions found by ``entities`` and the references resolved by ``coref``; a statement whose
subject or object cannot be resolved is dropped rather than guessed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import coref
from .entities import SKIPPED_NER, clean_surface, gazetteer, resolve_span, slugify
from .model import Entity, Modality, Statement
from .relations import lexicon, nominals, property_for, relation_label

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

EXTRACTOR_VERSION = "newsgraph-rules-0.2"

# Dependency labels (ClearNLP style, as produced by spaCy's English models).
NSUBJ = "nsubj"          # nominal subject: "China" in "China accuses ..."
NSUBJPASS = "nsubjpass"  # passive subject: "islands" in "islands are controlled by ..."
CSUBJ = "csubj"          # clausal subject
AGENT = "agent"          # "by" phrase of a passive verb
DOBJ = "dobj"            # direct object
DATIVE = "dative"        # indirect object
ATTR = "attr"            # predicate nominal after a copula
ACOMP = "acomp"          # adjectival complement: "is ready"
PREP = "prep"            # prepositional modifier
POBJ = "pobj"            # object of a preposition
PCOMP = "pcomp"          # clause as object of a preposition: "forward to cooperating"
XCOMP = "xcomp"          # open clausal complement: "ready to boost"
CCOMP = "ccomp"          # clausal complement: "said that ..."
CONJ = "conj"            # conjunct
ADVCL = "advcl"          # adverbial clause
RELCL = "relcl"          # relative clause
APPOS = "appos"          # apposition: "his counterpart, Vladimir Putin"
NEG = "neg"              # negation: "not", "never", "n't"
AUX = "aux"              # auxiliary: "will", "could"
PRT = "prt"              # verb particle: "look forward", "carry out"
POSS = "poss"            # possessor: "China's"
AMOD = "amod"            # adjectival modifier
COMPOUND = "compound"    # noun compound
DET = "det"              # determiner
NUMMOD = "nummod"        # numeric modifier
ADVMOD = "advmod"        # adverbial modifier

#: Dependencies through which a clause inherits its subject from its head.
SUBJECT_INHERIT = frozenset({XCOMP, ACOMP, CONJ, PCOMP, ADVCL, PREP})
#: Dependencies climbed when reading modality and negation from governing clauses.
CHAIN = frozenset({XCOMP, ACOMP, PCOMP, PREP, CONJ, ADVCL})
#: Relative pronouns replaced by the noun their clause modifies.
RELATIVE_PRONOUNS = frozenset({"which", "who", "that", "whom"})
#: Prepositional phrases that are a preposition in disguise: "in the vicinity of" = near.
COMPOUND_PREPS: dict[tuple[str, str], str] = {
    ("in", "vicinity"): "near", ("in", "front"): "in front of", ("on", "behalf"): "for",
    ("in", "waters"): "in waters of", ("in", "support"): "in support of",
}
#: Prepositions that never give a relation object (attribution, manner, reason).
SKIPPED_PREPS = frozenset({"according", "based", "as", "like", "than", "despite", "because"})
#: Prepositional idioms that are never a relation object ("in order to", "in contrast").
IDIOMS = frozenset({("in", "order"), ("in", "contrast"), ("in", "addition"), ("as", "part"),
                    ("in", "turn"), ("at", "time"), ("in", "fact"), ("for", "example")})
#: Verbs whose object is the subject of their "of"/"for" clause: "accuses the US of
#: fueling tensions" -> the US fuels tensions, as claimed by the accuser.
OBJECT_CONTROL = frozenset({"accuse", "blame", "charge", "criticize", "condemn", "suspect"})
#: Modal auxiliaries that make a clause a possibility.
POSSIBLE_AUX = frozenset({"may", "might", "could"})
#: Role nouns in appositions: "his Russian counterpart, Vladimir Putin".
APPOSITION_ROLES = frozenset({"counterpart", "spokesperson", "spokesman", "spokeswoman",
                              "president", "leader", "minister", "ambassador", "envoy"})
#: Normalised titles for role statements.
ROLE_LABEL = {"spokesman": "spokesperson", "spokeswoman": "spokesperson",
              "president": "leader", "prime minister": "leader", "premier": "leader"}


@dataclass
class Party:
    """An entity filling a statement slot, with how sure its resolution is."""

    entity: Entity
    token: Token
    confidence: float


@dataclass
class Clause:
    """What governs a predicate: negation, modality and who claimed it."""

    negated: bool = False
    modality: Modality = "fact"
    attributed_to: Entity | None = None
    governor: Entity | None = None


@dataclass
class ArticleContext:
    """Per-article state shared by the rules: entities, salience, offsets.

    Attributes:
        article_id: Id of the article being read.
        to_article: Maps a character offset of the parsed text to the article's text.
        text: The article's original text.
        entities: Every entity found so far, by key (aliases accumulate).
        salience: Mentions so far, for pronouns and role nouns.
        spun: Whether the article was repaired (lowers confidence).
    """

    article_id: str
    to_article: Callable[[int, bool], int]
    text: str
    entities: dict[str, Entity] = field(default_factory=dict)
    salience: coref.Salience = field(default_factory=coref.Salience)
    spun: bool = False
    mentions: dict[int, tuple[Entity, str]] = field(default_factory=dict)
    mention_spans: list[tuple[Span, Entity, str]] = field(default_factory=list)


# ---------------------------------------------------------------------------- mentions


def find_mentions(doc: Doc) -> list[tuple[Span, Entity, str]]:
    """Named spans of a parsed segment resolved to canonical entities.

    spaCy's named entities and alias-table matches are merged (the longer span wins).
    """
    from spacy.util import filter_spans

    spans = [e for e in doc.ents if e.label_ not in SKIPPED_NER]
    spans.extend(doc._.ng_alias_spans if doc.has_extension("ng_alias_spans") else [])
    found = []
    for span in filter_spans(spans):
        label = span.label_ if span.label_ != "ALIAS" else None
        start = span.start
        while start < span.end and doc[start].lower_ in ("the", "a", "an"):
            start += 1
        if start == span.end:
            continue
        trimmed = doc[start:span.end]
        resolved = resolve_span(trimmed, label)
        if resolved is not None:
            found.append((trimmed, resolved[0], resolved[1]))
    return found


# ---------------------------------------------------------------------------- resolution


def _register(ctx: ArticleContext, entity: Entity, surface: Token | str) -> Entity:
    """Record ``entity`` in the article, adding the surface form that named it as an alias.

    Only a proper name becomes an alias: a pronoun ("it") or a common noun ("islands",
    "budget") that coreference or a concept's head resolved to the entity is a way of
    pointing at it, not a name for it, and would make ``--focus it`` meaningful; nor is
    the last word of a longer name.
    """
    known = ctx.entities.get(entity.key)
    if isinstance(surface, str):
        name = clean_surface(surface)
    else:
        # the head of a longer name ("Islands" of "Paracel Islands") is not a name alone
        whole = surface.pos_ == "PROPN" and not any(
            t.dep_ == COMPOUND for t in surface.lefts)
        name = clean_surface(surface.text) if whole else ""
    aliases = set(entity.aliases) | (set(known.aliases) if known else set())
    if name and name != entity.label:
        aliases.add(name)
    base = known or entity
    merged = Entity(key=base.key, label=base.label, cls=base.cls,
                    aliases=tuple(sorted(aliases)), same_as=base.same_as,
                    iso_code=base.iso_code,
                    part_of=base.part_of)
    ctx.entities[entity.key] = merged
    return merged


def concept_label(token: Token) -> str | None:
    """Label for a common-noun phrase: its modifiers and head, without determiners."""
    if token.pos_ not in ("NOUN", "PROPN") or token.lower_ in coref.NEVER_NODES:
        return None
    left = [t for t in token.lefts if t.dep_ in (AMOD, COMPOUND, NUMMOD, "nmod", "npadvmod")]
    start = min([t.left_edge.i for t in left] + [token.i])
    words = [t for t in token.doc[start:token.i + 1]
             if t.dep_ not in (DET, POSS, "predet", "case") and not t.is_punct]
    if not words:
        return None
    text = " ".join(t.text if t.pos_ == "PROPN" else t.lower_ for t in words)
    return text if any(ch.isalpha() for ch in text) else None


def resolve(token: Token, ctx: ArticleContext, clause: Clause, *,
            allow_concept: bool) -> list[Party]:
    """Resolve the head of a noun phrase to the entities it denotes.

    Named mentions resolve directly; pronouns and role nouns through ``coref``; other
    common nouns become concepts when ``allow_concept``. Returns ``[]`` when nothing
    trustworthy is found.
    """
    if token.i in ctx.mentions:
        entity, via = ctx.mentions[token.i]
        return [Party(entity, token, 0.95 if via == "metonym" else 1.0)]
    for child in token.children:  # "the Chinese Ministry of Defense" parsed with a prep head
        if child.dep_ == COMPOUND and child.i in ctx.mentions and token.pos_ == "PROPN":
            entity, via = ctx.mentions[child.i]
            return [Party(entity, token, 0.9)]
    if token.pos_ == "PRON" or token.lower_ in coref.NEVER_NODES:
        earlier = [(ent, span.root.dep_ == NSUBJ) for span, ent, _via in ctx.mention_spans
                   if span.sent == token.sent and span.end <= token.i]
        salience = coref.Salience(ctx.salience.history + earlier, ctx.salience.speaker,
                                  ctx.salience.last_pair)
        found = coref.resolve_pronoun(token, salience, governor=clause.governor)
        return [Party(e, token, 0.75) for e in found]
    for child in token.children:  # "his Russian counterpart, Vladimir Putin"
        if child.dep_ == APPOS and child.i in ctx.mentions:
            entity, _via = ctx.mentions[child.i]
            return [Party(entity, child, 0.9)]
    found = coref.resolve_role(token, ctx.salience)
    if found:
        return [Party(e, token, 0.7) for e in found]
    if token.lower_ in coref.roles() and any(c.dep_ == DET for c in token.children):
        return []  # a definite role noun we could not resolve: drop, never guess
    if allow_concept:
        label = concept_label(token)
        if label:
            return [Party(Entity(key="concept-" + slugify(label), label=label,
                                 cls="Concept"), token, 0.8)]
    return []


def with_conjuncts(token: Token) -> list[Token]:
    """A token and its coordinated siblings ("China and Russia")."""
    return [token, *token.conjuncts] if token.dep_ != CONJ else [token]


# ---------------------------------------------------------------------------- clause reading


def _head(token: Token) -> tuple[Token, str]:
    """The governing token and the dependency, repairing one common misattachment.

    "China asserts that X cannot be challenged and accuses the US": the parser hangs the
    active "accuses" on the passive "challenged"; it coordinates with "asserts".
    """
    head = token.head
    if (token.dep_ == CONJ and head.dep_ == CCOMP and _is_passive(head)
            and not _is_passive(token) and any(c.dep_ == DOBJ for c in token.children)):
        return head.head, CONJ
    return head, token.dep_


def _subject_tokens(verb: Token) -> list[Token]:
    """Subject heads of a predicate, inherited from governing clauses when it has none."""
    current: Token = verb
    for _ in range(8):
        subj = [c for c in current.children if c.dep_ in (NSUBJ, CSUBJ)]
        agents = [p for c in current.children if c.dep_ == AGENT
                  for p in c.children if p.dep_ == POBJ]
        if agents:
            return [t for a in agents for t in with_conjuncts(a)]
        if subj:
            heads = [t for s in subj for t in with_conjuncts(s)]
            if current.dep_ == RELCL and heads and heads[0].lower_ in RELATIVE_PRONOUNS:
                return with_conjuncts(current.head)
            return heads
        if current.dep_ == RELCL:
            return with_conjuncts(current.head)
        head, dep = _head(current)
        if dep not in SUBJECT_INHERIT or head is current:
            return []
        if dep == PREP and head.lemma_.lower() in OBJECT_CONTROL:
            objs = [c for c in head.children if c.dep_ == DOBJ]
            if objs:
                return with_conjuncts(objs[0])
        current = head
    return []


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in (NSUBJPASS, "auxpass") for c in verb.children)


def _has_neg(token: Token) -> bool:
    return any(c.dep_ == NEG for c in token.children)


def _intent_word(token: Token, lex: dict[str, str]) -> str | None:
    lemma = token.lemma_.lower()
    if lemma == "look" and any(c.lower_ == "forward" for c in token.children):
        lemma = "look forward"
    return lex.get(lemma)


def read_clause(verb: Token, ctx: ArticleContext) -> Clause:
    """Negation, modality and attribution of the clause headed by ``verb``."""
    lex = lexicon()
    clause = Clause(negated=_has_neg(verb))
    if any(c.dep_ == AUX and c.lower_ in POSSIBLE_AUX for c in verb.children):
        clause.modality = "possible"
    current = verb
    crossed_report = False
    for _ in range(10):
        head, dep = _head(current)
        if head is current:
            break
        if dep in CHAIN or dep == CCOMP or dep == "parataxis":
            kind = _intent_word(head, lex)
            if not crossed_report:
                if dep in (XCOMP, PCOMP, PREP, ACOMP) and _has_neg(head):
                    clause.negated = True
                if kind == "intent" and dep != CONJ:
                    clause.modality = "intent"
                if kind == "possible" or any(c.dep_ == AUX and c.lower_ in POSSIBLE_AUX
                                              for c in head.children):
                    clause.modality = clause.modality if clause.modality == "intent" \
                        else "possible"
                if kind == "deny" and dep in (CCOMP, XCOMP, PCOMP):
                    clause.negated = not clause.negated
            accusing = head.lemma_.lower() in OBJECT_CONTROL and dep == PREP
            if ((kind == "report" and dep in (CCOMP, "parataxis")) or accusing) \
                    and not crossed_report:
                speakers = [t for t in _subject_tokens(head)]
                for s in speakers:
                    parties = resolve(s, ctx, Clause(), allow_concept=False)
                    if parties:
                        clause.attributed_to = parties[0].entity
                        clause.governor = parties[0].entity
                        break
                crossed_report = True
            current = head
            continue
        break
    if clause.attributed_to is None:
        clause.attributed_to = according_to(verb.sent, ctx)
    if clause.attributed_to is None and ctx.salience.speaker is not None \
            and _inside_quote(verb):
        clause.attributed_to = ctx.salience.speaker
    return clause


def _inside_quote(token: Token) -> bool:
    """Whether a token stands between an odd number of quotation marks in its segment."""
    doc = token.doc
    marks = doc.user_data.get("ng_quotes")
    if marks is None:  # offsets of quote characters, computed once per parsed segment
        text = doc.text
        marks = tuple([i for i, ch in enumerate(text) if ch == q] for q in '"\u201c\u201d')
        doc.user_data["ng_quotes"] = marks
    straight, opening, closing = (bisect_left(m, token.idx) for m in marks)
    return straight % 2 == 1 or opening > closing


def according_to(sent: Span, ctx: ArticleContext) -> Entity | None:
    """Speaker named by "according to X" (or "a statement from X") in the sentence."""
    for tok in sent:
        if tok.lower_ != "according":
            continue
        for prep in tok.children:
            for pobj in prep.children:
                if pobj.dep_ != POBJ:
                    continue
                parties = resolve(pobj, ctx, Clause(), allow_concept=False)
                if parties and parties[0].entity.cls != "Concept":
                    return parties[0].entity
                for p2 in pobj.children:  # "a statement from the ministry"
                    for inner in p2.children:
                        if p2.lower_ in ("from", "by", "of") and inner.dep_ == POBJ:
                            found = resolve(inner, ctx, Clause(), allow_concept=False)
                            if found:
                                return found[0].entity
    return None


# ---------------------------------------------------------------------------- rules


@dataclass
class Candidate:
    """A statement before offsets and provenance are attached."""

    subject: Party
    relation: str
    obj: Party
    clause: Clause
    pattern: str
    anchor: Token
    confidence: float


def _nominal_parties(noun: Token, ctx: ArticleContext, clause: Clause,
                     ) -> tuple[list[Party], list[Party]]:
    """Parties of a relation noun: ``between A and B`` or ``(X's) ... with B``."""
    for prep in noun.children:
        if prep.dep_ != PREP:
            continue
        pobjs = [c for c in prep.children if c.dep_ == POBJ]
        if not pobjs:
            continue
        if prep.lower_ == "between":
            toks = with_conjuncts(pobjs[0])
            if len(toks) >= 2:
                left = resolve(toks[0], ctx, clause, allow_concept=False)
                right = [p for t in toks[1:] for p in
                         resolve(t, ctx, clause, allow_concept=False)]
                if len(left) >= 2 and not right:  # "between the two countries"
                    return left[:1], left[1:2]
                return left, right
            both = resolve(toks[0], ctx, clause, allow_concept=False)
            if len(both) == 2:  # "between their nations" resolved to a pair
                return both[:1], both[1:]
        if prep.lower_ in ("with", "among", "alongside"):
            objs = [p for t in with_conjuncts(pobjs[0])
                    for p in resolve(t, ctx, clause, allow_concept=False)]
            subj = [p for c in noun.children if c.dep_ == POSS
                    for p in resolve(c, ctx, clause, allow_concept=False)]
            return subj, objs
    return [], []


def nominal_label(noun: Token) -> str | None:
    """The relation a noun names ("cooperation" -> "cooperates with"), if any."""
    if noun.pos_ not in ("NOUN", "PROPN"):
        return None
    table = nominals()
    return table.get(noun.lower_) or table.get(noun.lemma_.lower())


def nominal_rule(noun: Token, ctx: ArticleContext) -> Iterator[Candidate]:
    """"cooperation between Beijing and Washington", "military cooperation with Russia".

    The relation comes from ``nominals.tsv``; a party missing from the noun phrase (the
    subject of "boost cooperation with Russia") comes from the governing verb, whose
    clause also gives negation, modality and attribution.
    """
    label = nominal_label(noun)
    if label is None:
        return
    verb = noun.head
    while verb.pos_ not in ("VERB", "AUX", "ADJ") and verb.head is not verb:
        verb = verb.head
    clause = read_clause(verb, ctx) if verb.pos_ in ("VERB", "AUX", "ADJ") else Clause()
    subjects, objects = _nominal_parties(noun, ctx, clause)
    if objects and not subjects and verb.pos_ in ("VERB", "AUX", "ADJ") \
            and noun.dep_ in (DOBJ, ATTR, POBJ, NSUBJPASS):
        subjects = [p for t in _subject_tokens(verb)
                    for p in resolve(t, ctx, clause, allow_concept=False)]
    if len(subjects) == 1 and len(objects) == 1:
        ctx.salience.last_pair = [subjects[0].entity, objects[0].entity]
    for s in subjects:
        for o in objects:
            if s.entity.key != o.entity.key:
                yield Candidate(s, label, o, clause, "nominal", noun,
                                0.75 * s.confidence * o.confidence)


def _object_slots(verb: Token) -> Iterator[tuple[list[str], Token, str]]:
    """Yield ``(relation words, object head, pattern)`` for each object of a verb."""
    particles = [c.lower_ for c in verb.children if c.dep_ == PRT]
    for child in verb.children:
        if child.dep_ in (DOBJ, DATIVE, ATTR, "oprd"):
            for obj in with_conjuncts(child):
                yield particles, obj, "verb-object"
                if nominal_label(obj):
                    continue
                for prep in obj.children:  # "affirmed the rights ... near the islands"
                    yield from _prep_slots([*particles, obj.lower_], prep, "verb-object-prep")
        elif child.dep_ == PREP:
            yield from _prep_slots(particles, child, "verb-prep")


def _prep_slots(words: list[str], prep: Token, pattern: str,
                ) -> Iterator[tuple[list[str], Token, str]]:
    if prep.dep_ != PREP or prep.lower_ in SKIPPED_PREPS:
        return
    for pobj in (c for c in prep.children if c.dep_ == POBJ):
        if (prep.lower_, pobj.lower_) in IDIOMS or pobj.ent_type_ in SKIPPED_NER:
            continue
        compound = COMPOUND_PREPS.get((prep.lower_, pobj.lemma_.lower()))
        if compound:
            for inner in pobj.children:
                if inner.dep_ == PREP and inner.lower_ == "of":
                    for target in (c for c in inner.children if c.dep_ == POBJ):
                        for t in with_conjuncts(target):
                            yield [*words, compound], t, pattern
            continue
        for t in with_conjuncts(pobj):
            yield [*words, prep.lower_], t, pattern


def verb_rule(verb: Token, ctx: ArticleContext) -> Iterator[Candidate]:
    """Subject - verb (+ particle + preposition) - object, active or passive.

    Passive clauses with a by-agent are turned active ("islands controlled by Beijing" ->
    China controls islands); without an agent the passive subject stays the subject.
    Objects that name a relation with their own party are left to ``nominal_rule``.
    """
    if verb.pos_ not in ("VERB", "AUX") or verb.dep_ == PREP or verb.lower_ == "according":
        return
    lemma = verb.lemma_.lower()
    lex = lexicon()
    if lex.get(lemma) == "report" and not any(c.dep_ in (DOBJ,) for c in verb.children):
        return
    clause = read_clause(verb, ctx)
    passive = _is_passive(verb)
    subj_tokens = _subject_tokens(verb)
    slots = list(_object_slots(verb))
    if passive:
        agentless = not any(c.dep_ == AGENT for c in verb.children)
        pass_subj = [t for c in verb.children if c.dep_ == NSUBJPASS for t in with_conjuncts(c)]
        if (verb.dep_ == RELCL and not pass_subj) or (pass_subj and pass_subj[0].lower_
                                                    in RELATIVE_PRONOUNS):
            pass_subj = with_conjuncts(verb.head)
        if agentless:
            subj_tokens = pass_subj
            lemma_words = ["is", verb.text.lower()]
            slots = [(w, o, p) for w, o, p in slots if p != "verb-object"]
        else:
            slots = [([], o, "passive-agent") for o in pass_subj] + slots
            lemma_words = []
    else:
        lemma_words = []
    subjects = [p for t in subj_tokens for p in resolve(t, ctx, clause, allow_concept=False)]
    subjects = [s for s in subjects if s.entity.cls != "Concept"]
    if not subjects:
        return
    if len(subjects) == 2 and len(subj_tokens) == 1:
        ctx.salience.last_pair = [subjects[0].entity, subjects[1].entity]
    for words, obj_tok, pattern in slots:
        nominal = nominal_label(obj_tok)
        if nominal and _nominal_parties(obj_tok, ctx, clause)[1]:
            continue
        if nominal and len(subjects) == 2 and subjects[0].entity != subjects[1].entity:
            # "the two leaders agreed to improve relations": a relation between the pair
            a, b = subjects
            yield Candidate(a, nominal, b, clause, "pair-nominal", obj_tok,
                            0.7 * a.confidence * b.confidence)
            continue
        objects = resolve(obj_tok, ctx, clause, allow_concept=True)
        for s in subjects:
            for o in objects:
                if s.entity.key == o.entity.key:
                    continue
                if lemma_words:
                    label = " ".join([*lemma_words, *words])
                elif lemma == "be":
                    label = " ".join(["is", *words])
                else:
                    label = relation_label(lemma, *words)
                conf = {"verb-object": 0.85, "verb-prep": 0.8, "passive-agent": 0.8}.get(
                    pattern, 0.7) * s.confidence * o.confidence
                yield Candidate(s, label, o, clause, pattern, verb, conf)


def role_rule(span: Span, entity: Entity, ctx: ArticleContext) -> Iterator[Candidate]:
    """"Chinese Defense Ministry spokesperson Tan Kefei" -> Tan Kefei is spokesperson of ...

    A title right before a person's name, itself preceded by an organisation or country
    mention, gives a role statement.
    """
    if entity.cls != "Person" or span.start == 0:
        return
    doc = span.doc
    title_tok = doc[span.start - 1]
    title = title_tok.lower_
    if title not in {t for t in gazetteer().titles if " " not in t} or title_tok.is_punct:
        return
    org_tok = doc[span.start - 2] if span.start >= 2 else None
    if org_tok is None or org_tok.i not in ctx.mentions:
        return
    org, _via = ctx.mentions[org_tok.i]
    if org.cls not in coref.AGENT_CLASSES:
        return
    label = f"is {ROLE_LABEL.get(title, title)} of"
    yield Candidate(Party(entity, span.root, 1.0), label, Party(org, org_tok, 1.0),
                    Clause(), "title", title_tok, 0.85)


def apposition_rule(token: Token, ctx: ArticleContext) -> Iterator[Candidate]:
    """"his Russian counterpart, Vladimir Putin" -> Vladimir Putin is counterpart of Xi."""
    if token.dep_ != APPOS or token.head.lower_ not in APPOSITION_ROLES:
        return
    role = token.head
    clause = Clause()
    named = resolve(token, ctx, clause, allow_concept=False)
    owners = [p for c in role.children if c.dep_ == POSS
              for p in resolve(c, ctx, clause, allow_concept=False)]
    label = f"is {ROLE_LABEL.get(role.lower_, role.lower_)} of"
    for n in named:
        for o in owners:
            if n.entity.key != o.entity.key:
                yield Candidate(n, label, o, clause, "apposition", role,
                                0.75 * n.confidence * o.confidence)


# ---------------------------------------------------------------------------- driver


def _note_speaker(sent: Span, ctx: ArticleContext) -> None:
    """Remember who speaks in this sentence, for quotes that run on and for "we"."""
    lex = lexicon()
    for tok in sent:
        if tok.pos_ == "VERB" and lex.get(tok.lemma_.lower()) == "report":
            for s in _subject_tokens(tok):
                if s.pos_ == "PRON" and ctx.salience.speaker is not None:
                    return
                parties = resolve(s, ctx, Clause(), allow_concept=False)
                if parties and parties[0].entity.cls != "Concept":
                    ctx.salience.speaker = parties[0].entity
                    return
            if tok.lemma_.lower() == "continue":
                return
    found = according_to(sent, ctx)
    if found is not None:
        ctx.salience.speaker = found


def extract_sentence(sent: Span, ctx: ArticleContext, *, sentence_index: int,
                     sentence_start: int, sentence_end: int) -> list[Statement]:
    """All statements of one sentence (mentions must already be in ``ctx.mentions``)."""
    candidates: list[Candidate] = []
    for tok in sent:
        candidates.extend(verb_rule(tok, ctx))
        candidates.extend(nominal_rule(tok, ctx))
        candidates.extend(apposition_rule(tok, ctx))
    for span, entity, _via in ctx.mention_spans:
        if span.start >= sent.start and span.end <= sent.end:
            candidates.extend(role_rule(span, entity, ctx))
    sentence_text = ctx.text[sentence_start:sentence_end]
    out: dict[tuple[str, str, str], Statement] = {}
    for c in candidates:
        subject = _register(ctx, c.subject.entity, c.subject.token)
        obj = _register(ctx, c.obj.entity, c.obj.token)
        toks = [c.subject.token, c.anchor, c.obj.token]
        lo = min(t.idx for t in toks)
        hi = max(t.idx + len(t.text) for t in toks)
        start = ctx.to_article(lo, False)
        end = ctx.to_article(hi, True)
        if c.subject.token.sent != sent:  # subject resolved through the chain elsewhere
            start, end = sentence_start, sentence_end
        confidence = c.confidence * (0.85 if ctx.spun else 1.0)
        statement = Statement(
            subject=subject.key, relation=c.relation, predicate=property_for(c.relation),
            object=obj.key, negated=c.clause.negated, modality=c.clause.modality,
            attributed_to=c.clause.attributed_to.key if c.clause.attributed_to else None,
            article=ctx.article_id, sentence=sentence_text, sentence_index=sentence_index,
            char_start=max(start, sentence_start), char_end=min(end, sentence_end),
            confidence=round(min(confidence, 1.0), 3), pattern=c.pattern,
            extractor=EXTRACTOR_VERSION)
        if statement.attributed_to:
            _register(ctx, c.clause.attributed_to, c.clause.attributed_to.label)  # type: ignore[union-attr]
        key = (statement.subject, statement.relation, statement.object)
        if key not in out or out[key].confidence < statement.confidence:
            out[key] = statement
    _note_speaker(sent, ctx)
    for span, entity, _via in ctx.mention_spans:
        if span.start >= sent.start and span.end <= sent.end:
            ctx.salience.mention(entity, subject=span.root.dep_ in (NSUBJ, NSUBJPASS))
    return sorted(out.values(), key=lambda s: (s.char_start, s.char_end, s.subject,
                                               s.relation, s.object))
