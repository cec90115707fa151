"""spaCy pipeline components registered by newsgraph.

``newsgraph_aliases`` marks every alias, metonym and gazetteer name of the entity tables
in ``Doc._.ng_alias_spans`` so that names spaCy's NER misses ("the Chinese defense",
"Seventh Fleet") still become mentions.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .entities import gazetteer

if not Doc.has_extension("ng_alias_spans"):
    Doc.set_extension("ng_alias_spans", default=[])


class AliasMarker:
    """Finds alias-table names in a Doc (case-insensitive, token-aligned)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        phrases = gazetteer().phrases()
        self.matcher.add("ALIAS", list(nlp.tokenizer.pipe(phrases)))

    def __call__(self, doc: Doc) -> Doc:
        doc._.ng_alias_spans = [Span(doc, start, end, label="ALIAS")
                                for _id, start, end in self.matcher(doc)]
        return doc


@Language.factory("newsgraph_aliases")
def make_alias_marker(nlp: Language, name: str) -> AliasMarker:
    """Factory for the alias marker component."""
    return AliasMarker(nlp, name)


def add_components(nlp: Language) -> Language:
    """Add newsgraph's components to a loaded pipeline (idempotent)."""
    if "newsgraph_aliases" not in nlp.pipe_names:
        nlp.add_pipe("newsgraph_aliases", last=True)
    return nlp
