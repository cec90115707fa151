"""From statements to RDF: deterministic IRIs, reification and PROV-O provenance.

One named graph per article holds the article's description, its statements (reified,
with provenance) and the plain triples of the statements that are not negated. Entity
descriptions live in one named graph of their own so that an article's graph can be
replaced without touching entities other articles share. No blank nodes anywhere.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

from rdflib import RDF, RDFS, XSD, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from .entities import slugify
from .model import Article, Entity, Statement
from .vocab import DEFAULT_BASE, NG

SCHEMA = "https://schema.org/"
_MODALITY = {"fact": NG.Fact, "intent": NG.Intent, "possible": NG.Possible}


class IRIs:
    """Mints the IRIs of one build from its base (percent-encoded, deterministic)."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base if base.endswith(("/", "#")) else base + "/"

    def _mint(self, kind: str, local: str) -> URIRef:
        return URIRef(f"{self.base}{kind}/{quote(local, safe='-._~')}")

    def entity(self, key: str) -> URIRef:
        """IRI of an entity (same key, same IRI across articles)."""
        return self._mint("entity", key)

    def article(self, article_id: str) -> URIRef:
        """IRI of an article; it also names the article's graph."""
        return self._mint("article", article_id)

    def statement(self, s: Statement) -> URIRef:
        """IRI of a statement: a hash of its article, offsets and triple."""
        raw = "|".join(map(str, s.key)).encode("utf-8")
        return self._mint("statement", hashlib.sha256(raw).hexdigest()[:20])

    def relation(self, label: str) -> URIRef:
        """IRI of a relation the ontology does not define."""
        return self._mint("relation", slugify(label))

    def entities_graph(self) -> URIRef:
        """Name of the graph holding entity descriptions."""
        return self._mint("graph", "entities")

    def predicate(self, s: Statement) -> URIRef:
        """The property a statement asserts: canonical if known, else minted."""
        return NG[s.predicate] if s.predicate else self.relation(s.relation)


def statement_id(s: Statement) -> str:
    """Short id of a statement (the last part of its IRI)."""
    return hashlib.sha256("|".join(map(str, s.key)).encode("utf-8")).hexdigest()[:20]


#: Characters an IRI may carry as they are (RFC 3986 reserved and unreserved, and ``%``).
_IRI_SAFE = ":/?#[]@!$&'()*+,;=%-._~"


def url_term(url: str) -> URIRef | Literal:
    """An article's URL as an IRI when it is an absolute http(s) address, else a literal.

    Characters an IRI may not hold (spaces, quotes, angle brackets, non-ASCII) are
    percent-encoded; a string that is not a web address (``javascript:...``, a bare path)
    is kept as an ``xsd:anyURI`` literal rather than minted into the graph as an IRI.
    """
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return URIRef(quote(url.strip(), safe=_IRI_SAFE))
    return Literal(url, datatype=XSD.anyURI)


def bind_prefixes(ds: Dataset, iris: IRIs) -> None:
    """Bind the prefixes used in serialisations."""
    ds.bind("ng", str(NG))
    ds.bind("ent", iris.base + "entity/")
    ds.bind("art", iris.base + "article/")
    ds.bind("st", iris.base + "statement/")
    ds.bind("rel", iris.base + "relation/")
    for prefix, ns in (("prov", PROV), ("skos", SKOS), ("dcterms", DCTERMS), ("owl", OWL)):
        ds.bind(prefix, ns)
    ds.bind("schema", SCHEMA)


def add_entities(ds: Dataset, entities: Iterable[Entity], iris: IRIs) -> None:
    """Describe entities (type, labels, links) in the entities graph."""
    g = ds.graph(iris.entities_graph())
    for e in entities:
        node = iris.entity(e.key)
        g.add((node, RDF.type, NG[e.cls]))
        g.add((node, RDFS.label, Literal(e.label)))
        g.add((node, SKOS.prefLabel, Literal(e.label)))
        for alias in e.aliases:
            if alias != e.label:
                g.add((node, SKOS.altLabel, Literal(alias)))
        for same in e.same_as:
            g.add((node, OWL.sameAs, URIRef(same)))
        if e.iso_code:
            g.add((node, NG.isoCode, Literal(e.iso_code)))
        if e.part_of:
            g.add((node, NG.partOf, iris.entity(e.part_of)))


def add_article(ds: Dataset, article: Article, statements: Iterable[Statement],
                mentioned: Iterable[str], iris: IRIs) -> None:
    """Add an article's named graph: description, mentions and statements."""
    art = iris.article(article.id)
    g = ds.graph(art)
    g.add((art, RDF.type, NG.Article))
    g.add((art, RDF.type, URIRef(SCHEMA + "NewsArticle")))
    g.add((art, DCTERMS.title, Literal(article.title)))
    g.add((art, NG.sha256, Literal(article.sha256)))
    g.add((art, NG.sourcePath, Literal(article.source)))
    if article.url:
        g.add((art, URIRef(SCHEMA + "url"), url_term(article.url)))
    if article.publisher:
        g.add((art, NG.publisherName, Literal(article.publisher)))
    if article.date:
        g.add((art, DCTERMS.date, Literal(article.date, datatype=XSD.date)))
    if article.section:
        g.add((art, NG.section, Literal(article.section)))
    g.add((art, NG.repaired, Literal(bool(article.edits))))
    g.add((art, NG.repairEdits, Literal(len(article.edits))))
    for key in sorted(set(mentioned)):
        g.add((art, NG.mentions, iris.entity(key)))
    for s in statements:
        add_statement(g, s, article, iris)


def add_statement(g, s: Statement, article: Article, iris: IRIs) -> None:
    """Reify one statement with its provenance; assert it plainly unless negated."""
    node = iris.statement(s)
    subj, obj, pred = iris.entity(s.subject), iris.entity(s.object), iris.predicate(s)
    g.add((node, RDF.type, RDF.Statement))
    g.add((node, RDF.type, NG.Statement))
    g.add((node, RDF.subject, subj))
    g.add((node, RDF.predicate, pred))
    g.add((node, RDF.object, obj))
    g.add((node, NG.relationLabel, Literal(s.relation)))
    g.add((node, NG.negated, Literal(s.negated)))
    g.add((node, NG.modality, _MODALITY[s.modality]))
    g.add((node, NG.confidence, Literal(f"{s.confidence:.3f}", datatype=XSD.decimal)))
    g.add((node, NG.sentence, Literal(s.sentence)))
    g.add((node, NG.sentenceIndex, Literal(s.sentence_index)))
    g.add((node, NG.charStart, Literal(s.char_start)))
    g.add((node, NG.charEnd, Literal(s.char_end)))
    g.add((node, NG.extractor, Literal(s.extractor)))
    g.add((node, NG.pattern, Literal(s.pattern)))
    g.add((node, PROV.wasDerivedFrom, iris.article(s.article)))
    if article.date:
        g.add((node, DCTERMS.date, Literal(article.date, datatype=XSD.date)))
    if s.attributed_to:
        g.add((node, NG.attributedTo, iris.entity(s.attributed_to)))
        g.add((node, PROV.wasAttributedTo, iris.entity(s.attributed_to)))
    if not s.predicate:
        g.add((pred, RDF.type, OWL.ObjectProperty))
        g.add((pred, RDFS.label, Literal(s.relation)))
        g.add((pred, RDFS.subPropertyOf, NG.relatedTo))
    if not s.negated:
        g.add((subj, pred, obj))


def to_dataset(articles: Iterable[Article], entities: Iterable[Entity],
               statements: Iterable[Statement], mentions: dict[str, list[str]],
               *, base: str = DEFAULT_BASE) -> Dataset:
    """Build the RDF dataset of a whole build."""
    iris = IRIs(base)
    ds = Dataset()
    bind_prefixes(ds, iris)
    by_article: dict[str, list[Statement]] = {}
    for s in statements:
        by_article.setdefault(s.article, []).append(s)
    add_entities(ds, entities, iris)
    for a in articles:
        add_article(ds, a, by_article.get(a.id, []), mentions.get(a.id, []), iris)
    return ds


def sorted_nquads(ds: Dataset) -> str:
    """The dataset as N-Quads, lines sorted: the canonical form for comparisons."""
    text = ds.serialize(format="nquads")
    return "".join(sorted(line + "\n" for line in text.splitlines() if line.strip()))
