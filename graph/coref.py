"""Rule-based reference resolution within one article.

Pronouns (it, he, they, its, we) and role nouns (the spokesman, the two leaders, both
sides, the fleet, the islands) resolve to the entities they denote from what the article
said before, or to nothing, in which case the statement is dropped. No pronoun or bare
determiner ever becomes a node. Neural coreference models (coreferee, fastcoref) fetch
their weights from the network at run time, which this project must not need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from .resources import load_table

if TYPE_CHECKING:
    from spacy.tokens import Token

    from .model import Entity

#: Personal pronouns by what they may refer to.
PERSON_PRONOUNS = frozenset({"he", "him", "his", "himself", "she", "her", "hers", "herself"})
THING_PRONOUNS = frozenset({"it", "its", "itself"})
SPEAKER_PRONOUNS = frozenset({"we", "us", "our", "ours", "ourselves"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves"})
#: Every pronoun or determiner that must never be a node on its own.
NEVER_NODES = (
    PERSON_PRONOUNS
    | THING_PRONOUNS
    | SPEAKER_PRONOUNS
    | PLURAL_PRONOUNS
    | frozenset(
        [
            "i",
            "me",
            "my",
            "you",
            "your",
            "this",
            "that",
            "these",
            "those",
            "which",
            "who",
            "whom",
            "whose",
            "what",
            "the",
            "a",
            "an",
            "some",
            "any",
            "each",
            "every",
            "both",
            "all",
            "there",
            "here",
            "one",
            "ones",
            "another",
            "other",
            "others",
            "such",
        ]
    )
)

#: Classes that can act like an organisation and be called "it".
AGENT_CLASSES = frozenset(
    {"Country", "Organization", "GovernmentOrganization", "MilitaryUnit", "Vessel", "NewsAgency"}
)

#: Words that make a role noun denote two entities ("the two leaders", "both sides").
PAIR_WORDS = frozenset({"two", "2", "both"})


@dataclass(frozen=True, slots=True)
class Role:
    """A role noun and what it may denote."""

    cls: str
    count: int
    contains: str


@lru_cache(maxsize=1)
def roles() -> dict[str, Role]:
    """Role nouns from ``ontology/roles.tsv``."""
    return {
        r["noun"]: Role(r["class"], int(r["count"] or 1), r["contains"])
        for r in load_table("roles.tsv")
    }


@dataclass
class Salience:
    """What the article has mentioned so far, most recent last.

    Attributes:
        history: Entities in order of mention, with whether they were a subject.
        speaker: The entity the current passage is attributed to.
        last_pair: The two parties of the last relation between two entities ("they").
    """

    history: list[tuple[Entity, bool]] = field(default_factory=list)
    speaker: Entity | None = None
    last_pair: list[Entity] = field(default_factory=list)

    def mention(self, entity: Entity, *, subject: bool) -> None:
        """Record a mention."""
        self.history.append((entity, subject))

    def last(
        self,
        classes: frozenset[str] | set[str],
        *,
        contains: str = "",
        count: int = 1,
        prefer_subject: bool = False,
    ) -> list[Entity]:
        """The most recent ``count`` distinct entities of the given classes."""
        found: list[Entity] = []
        ordered = reversed(self.history)
        if prefer_subject:
            ordered = sorted(reversed(self.history), key=lambda h: not h[1])  # type: ignore[assignment]
        for entity, _subject in ordered:
            if entity.cls not in classes or (contains and contains not in entity.label):
                continue
            if entity not in found:
                found.append(entity)
            if len(found) == count:
                return found
        return []


def resolve_pronoun(token: Token, salience: Salience, *, governor: Entity | None) -> list[Entity]:
    """Resolve a pronoun to the entities it denotes (empty when unsure).

    Args:
        token: The pronoun.
        salience: What the article said before.
        governor: The subject of the reporting verb governing the clause, if any
            ("the ministry said that it ..." -> the ministry).
    """
    word = token.lower_
    if word in PERSON_PRONOUNS:
        if governor is not None and governor.cls == "Person":
            return [governor]
        return salience.last({"Person"})
    if word in THING_PRONOUNS:
        if governor is not None and governor.cls in AGENT_CLASSES:
            return [governor]
        return salience.last(AGENT_CLASSES, prefer_subject=True)
    if word in SPEAKER_PRONOUNS and salience.speaker is not None:
        return [salience.speaker]
    if word in PLURAL_PRONOUNS and len(salience.last_pair) == 2:
        return list(salience.last_pair)
    return []


def resolve_role(token: Token, salience: Salience) -> list[Entity]:
    """Resolve a definite role noun ("the spokesman", "both sides") or return ``[]``."""
    role = roles().get(token.lower_)
    if role is None:
        return []
    words = {c.lower_ for c in token.children if c.dep_ in ("det", "nummod", "predet")}
    if not words & ({"the", "this", "that"} | PAIR_WORDS):
        return []
    count = 2 if words & PAIR_WORDS else role.count
    if count != role.count and role.count == 1:
        return []
    return salience.last({role.cls}, contains=role.contains, count=count)
