"""Extraction rules on hand-built parses: the model is not the point here."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from graph.extract import ArticleContext, extract_sentence, find_mentions

VOCAB = spacy.blank("en").vocab  # lexical attributes (lower case) need the English vocab


def make_doc(words, heads, deps, pos, lemmas, ents=None):
    doc = Doc(VOCAB, words=words, heads=heads, deps=deps, pos=pos, lemmas=lemmas,
              sent_starts=[True] + [False] * (len(words) - 1), ents=ents)
    return doc


def run(doc):
    ctx = ArticleContext(article_id="a", to_article=lambda p, e: p, text=doc.text)
    ctx.mention_spans = find_mentions(doc)
    ctx.mentions = {t.i: (ent, via) for span, ent, via in ctx.mention_spans for t in span}
    sent = next(iter(doc.sents))
    return ctx, extract_sentence(sent, ctx, sentence_index=0, sentence_start=0,
                                 sentence_end=len(doc.text))


@pytest.fixture()
def negated_plan():
    # "Japan does not plan to cooperate with China ."
    words = ["Japan", "does", "not", "plan", "to", "cooperate", "with", "China", "."]
    heads = [3, 3, 3, 3, 5, 3, 5, 6, 3]
    deps = ["nsubj", "aux", "neg", "ROOT", "aux", "xcomp", "prep", "pobj", "punct"]
    pos = ["PROPN", "AUX", "PART", "VERB", "PART", "VERB", "ADP", "PROPN", "PUNCT"]
    lemmas = ["Japan", "do", "not", "plan", "to", "cooperate", "with", "China", "."]
    return make_doc(words, heads, deps, pos, lemmas, ents=["B-GPE", "O", "O", "O", "O", "O",
                                                            "O", "B-GPE", "O"])


def test_negation_and_intent_come_from_the_governing_verb(negated_plan):
    _ctx, statements = run(negated_plan)
    (s,) = [s for s in statements if s.relation == "cooperates with"]
    assert (s.subject, s.object) == ("japan", "china")
    assert s.negated is True and s.modality == "intent"
    assert s.predicate == "cooperatesWith"


def test_passive_with_agent_is_turned_active():
    # "Russia was accused by Ukraine ."
    words = ["Russia", "was", "accused", "by", "Ukraine", "."]
    doc = make_doc(words, [2, 2, 2, 2, 3, 2],
                   ["nsubjpass", "auxpass", "ROOT", "agent", "pobj", "punct"],
                   ["PROPN", "AUX", "VERB", "ADP", "PROPN", "PUNCT"],
                   ["Russia", "be", "accuse", "by", "Ukraine", "."],
                   ents=["B-GPE", "O", "O", "O", "B-GPE", "O"])
    _ctx, statements = run(doc)
    assert [(s.subject, s.relation, s.object) for s in statements] == [
        ("ukraine", "accuses", "russia")]


def test_reporting_verb_sets_attribution_and_unresolvable_pronoun_is_dropped():
    # "Brazil said that they attacked Peru ." -> "they" has no antecedent: nothing
    words = ["Brazil", "said", "that", "they", "attacked", "Peru", "."]
    doc = make_doc(words, [1, 1, 4, 4, 1, 4, 1],
                   ["nsubj", "ROOT", "mark", "nsubj", "ccomp", "dobj", "punct"],
                   ["PROPN", "VERB", "SCONJ", "PRON", "VERB", "PROPN", "PUNCT"],
                   ["Brazil", "say", "that", "they", "attack", "Peru", "."],
                   ents=["B-GPE", "O", "O", "O", "O", "B-GPE", "O"])
    _ctx, statements = run(doc)
    assert statements == []


def test_reported_clause_keeps_its_own_subject():
    # "Brazil said that Chile attacked Peru ."
    words = ["Brazil", "said", "that", "Chile", "attacked", "Peru", "."]
    doc = make_doc(words, [1, 1, 4, 4, 1, 4, 1],
                   ["nsubj", "ROOT", "mark", "nsubj", "ccomp", "dobj", "punct"],
                   ["PROPN", "VERB", "SCONJ", "PROPN", "VERB", "PROPN", "PUNCT"],
                   ["Brazil", "say", "that", "Chile", "attack", "Peru", "."],
                   ents=["B-GPE", "O", "O", "B-GPE", "O", "B-GPE", "O"])
    _ctx, statements = run(doc)
    assert [(s.subject, s.relation, s.object, s.attributed_to) for s in statements] == [
        ("chile", "attacks", "peru", "brazil")]
