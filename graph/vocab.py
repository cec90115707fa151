"""The newsgraph ontology as an rdflib ``DefinedNamespace``: a typo in a term fails.

The terms mirror ``ontology/newsgraph.ttl``; ``tests/test_ontology.py`` fails when the
two drift apart.
"""

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

ONTOLOGY_IRI = "https://w3id.org/newsgraph/ontology#"
#: Default base for minted resources (entities, articles, statements, relations).
DEFAULT_BASE = "https://w3id.org/newsgraph/id/"


class NG(DefinedNamespace):
    """Classes and properties of the newsgraph ontology."""

    _NS = Namespace(ONTOLOGY_IRI)
    _fail = True

    # Classes
    Entity: URIRef
    Agent: URIRef
    Country: URIRef
    City: URIRef
    Place: URIRef
    Organization: URIRef
    GovernmentOrganization: URIRef
    MilitaryUnit: URIRef
    NewsAgency: URIRef
    Person: URIRef
    Vessel: URIRef
    Group: URIRef
    Event: URIRef
    Concept: URIRef
    Article: URIRef
    Statement: URIRef
    Modality: URIRef
    # Modality individuals
    Fact: URIRef
    Intent: URIRef
    Possible: URIRef
    # Object properties between entities
    relatedTo: URIRef
    cooperatesWith: URIRef
    coordinatesWith: URIRef
    engagesWith: URIRef
    accuses: URIRef
    criticizes: URIRef
    meetsWith: URIRef
    holdsDialogueWith: URIRef
    hasRelationsWith: URIRef
    spokespersonOf: URIRef
    counterpartOf: URIRef
    leaderOf: URIRef
    partOf: URIRef
    controls: URIRef
    threatens: URIRef
    sanctions: URIRef
    supports: URIRef
    opposes: URIRef
    visits: URIRef
    navigatesNear: URIRef
    transits: URIRef
    patrols: URIRef
    patrolsWith: URIRef
    requests: URIRef
    mentions: URIRef
    # Statement and provenance properties
    relationLabel: URIRef
    attributedTo: URIRef
    modality: URIRef
    negated: URIRef
    confidence: URIRef
    sentence: URIRef
    sentenceIndex: URIRef
    charStart: URIRef
    charEnd: URIRef
    extractor: URIRef
    pattern: URIRef
    # Article properties
    sha256: URIRef
    section: URIRef
    sourcePath: URIRef
    publisherName: URIRef
    repaired: URIRef
    repairEdits: URIRef
    isoCode: URIRef
