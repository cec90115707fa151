"""The one data model that flows through every stage of the pipeline.

``Article`` (read) -> ``Mention`` / ``Entity`` (canonicalize) -> ``Statement`` (extract)
-> RDF (rdf). Every object is a frozen dataclass so a stage cannot change what an
earlier stage produced; later stages build new objects instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Modality = Literal["fact", "intent", "possible"]
MODALITIES: tuple[str, ...] = ("fact", "intent", "possible")
#: Segment kinds whose text is parsed for statements.
PARSED_KINDS: frozenset[str] = frozenset({"title", "standfirst", "body"})


@dataclass(frozen=True, slots=True)
class Segment:
    """A span of an article's text with the role it plays in the page.

    Attributes:
        start: Character offset of the first character in ``Article.text``.
        end: Character offset one past the last character.
        kind: ``title``, ``standfirst`` (a deck under the headline), ``body``,
            ``section``, ``dateline``, ``repeated_title``,
            ``related`` (an inline "related article" headline) or ``trailer``.
    """

    start: int
    end: int
    kind: str


@dataclass(frozen=True, slots=True)
class Edit:
    """One repair made to spun text: ``text[start:end]`` was replaced by ``replacement``."""

    start: int
    end: int
    original: str
    replacement: str


@dataclass(frozen=True, slots=True)
class Article:
    """A news article as read from disk, with its page structure.

    Attributes:
        id: Stable identifier: the first 16 hex digits of ``sha256``.
        title: The headline (empty when none was found).
        date: ISO date (``YYYY-MM-DD``) or ``None`` when the article carries none.
        source: The path (or ``-``) the article was read from.
        text: The text exactly as read (all offsets point into it).
        sha256: SHA-256 of the raw bytes.
        segments: Structure of ``text``; only ``title`` and ``body`` are parsed.
        section: The section label (``International``), if any.
        edits: Spinner repairs applied before parsing (offsets into ``text``).
        url: The article's URL (front matter, HTML metadata or JSON ``url``), if known.
        publisher: The outlet it names as its ``source`` (front matter, JSON), if any.
    """

    id: str
    title: str
    date: str | None
    source: str
    text: str
    sha256: str
    segments: tuple[Segment, ...] = ()
    section: str | None = None
    edits: tuple[Edit, ...] = ()
    url: str | None = None
    publisher: str | None = None

    def parsed_segments(self) -> tuple[Segment, ...]:
        """Segments whose text is parsed for statements (title and body)."""
        return tuple(s for s in self.segments if s.kind in PARSED_KINDS)


@dataclass(frozen=True, slots=True)
class Entity:
    """A real-world actor, place or thing with one canonical label.

    Attributes:
        key: Stable slug, the last part of the IRI (``united-states``).
        label: Canonical label (``United States``).
        cls: Ontology class local name (``Country``, ``Person``, ``Vessel``...).
        aliases: Other surface forms seen or known (sorted, without ``label``).
        same_as: External IRIs (GeoNames) for the same thing.
        iso_code: ISO 3166-1 alpha-2 code for countries.
        part_of: Key of the entity this one belongs to (ministry -> country).
    """

    key: str
    label: str
    cls: str
    aliases: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()
    iso_code: str | None = None
    part_of: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of an article that denotes an entity.

    Attributes:
        text: Surface text of the mention.
        start: Character offset into ``Article.text``.
        end: Character offset one past the end.
        entity: Key of the entity it denotes.
        sentence: Index of the sentence within the article.
        via: How it was resolved: ``ner``, ``alias``, ``gazetteer``, ``chunk``, ``coref``.
    """

    text: str
    start: int
    end: int
    entity: str
    sentence: int
    via: str


@dataclass(frozen=True, slots=True)
class Statement:
    """One extracted fact with everything needed to trust or discard it.

    Attributes:
        subject: Key of the subject entity.
        relation: Human relation label in the present third person (``cooperates with``).
        predicate: Ontology property local name (``cooperatesWith``) or ``None`` when the
            relation is minted from its label.
        object: Key of the object entity.
        negated: The sentence denies the relation.
        modality: ``fact``, ``intent`` (plan, hope, readiness) or ``possible`` (may, could).
        attributed_to: Key of the entity who claimed it, or ``None`` when the article
            states it in its own voice.
        article: Id of the source article.
        sentence: Text of the evidence sentence (as in the original article).
        sentence_index: Index of the evidence sentence in the article.
        char_start: Offset of the evidence span in ``Article.text``.
        char_end: Offset one past the end of the evidence span.
        confidence: In ``[0, 1]``, from the pattern, entity resolution and parse.
        pattern: Name of the extraction rule that produced it.
        extractor: Version of the extractor.
    """

    subject: str
    relation: str
    predicate: str | None
    object: str
    negated: bool
    modality: Modality
    attributed_to: str | None
    article: str
    sentence: str
    sentence_index: int
    char_start: int
    char_end: int
    confidence: float
    pattern: str
    extractor: str

    @property
    def key(self) -> tuple[str, int, int, str, str, str]:
        """Identity of the statement used for its IRI and for de-duplication."""
        return (self.article, self.char_start, self.char_end, self.subject,
                self.relation, self.object)


@dataclass(slots=True)
class BuildResult:
    """What ``build`` produced: the data model plus counts and output paths."""

    articles: list[Article] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    mentions: dict[str, list[Mention]] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)
    sentences: int = 0
    errors: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    changes: dict[str, int] = field(default_factory=dict)
    #: Sentences parsed per article id (kept with an article's cached extraction).
    sentences_by_article: dict[str, int] = field(default_factory=dict)
