"""Exports of a build to the formats other tools load: RDF, property graphs, CSV, Cypher.

Every exporter is registered once with its name, aliases, a description and a default file
name, like rdflib's serializer plugins. RDF formats are written from the build's Oxigraph
store; property-graph formats (GraphML, GEXF, node-link JSON, Neo4j admin-import CSV,
Cypher) are written from the entities and statements read back from the same store. All
output is sorted, so the same build always exports to the same bytes.

Example:
    >>> from graph.exporters import export
    >>> export(Path("out"), "nq")  # doctest: +SKIP
    PosixPath('out/export/graph.nq')
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote

import networkx as nx
import pyoxigraph as ox

from .errors import OutputError
from .model import Article, BuildResult, Entity, Statement
from .outputs import atomic_write, csv_text, statements_csv
from .rdf import statement_id
from .sparql import PREFIXES, open_store, run_query
from .vocab import NG

#: The relationship properties of the property-graph exports, with their Neo4j types.
REL_PROPERTIES: tuple[tuple[str, str], ...] = (
    ("statement_id", ""), ("relation", ""), ("predicate", ""), ("negated", "boolean"),
    ("modality", ""), ("attributed_to", ""), ("article", ""), ("date", ""),
    ("sentence", ""), ("char_start", "int"), ("char_end", "int"),
    ("confidence", "float"), ("pattern", ""))

NEO4J_NODE_HEADER: tuple[str, ...] = ("id:ID", "label", ":LABEL")
NEO4J_REL_HEADER: tuple[str, ...] = (
    ":START_ID", ":END_ID", ":TYPE",
    *(f"{name}:{kind}" if kind else name for name, kind in REL_PROPERTIES))


@dataclass(frozen=True)
class Exporter:
    """One registered export format.

    Attributes:
        name: Canonical format name (``nq``).
        aliases: Other accepted names (``nquads``).
        description: One line for ``newsgraph export --list``.
        filename: Default file (or directory) name under ``DIR/export/``.
        write: Writes the export of a source to a path.
    """

    name: str
    aliases: tuple[str, ...]
    description: str
    filename: str
    write: Callable[[Source, Path], None] = field(repr=False)


_REGISTRY: dict[str, Exporter] = {}
_NAMES: dict[str, str] = {}


def exporter(name: str, *, aliases: tuple[str, ...] = (), description: str,
             filename: str) -> Callable[[Callable[[Source, Path], None]],
                                        Callable[[Source, Path], None]]:
    """Register the decorated ``write(source, path)`` function as an export format.

    Args:
        name: Canonical format name.
        aliases: Other names accepted for it (case-insensitive).
        description: One-line description.
        filename: Default output name.
    """
    def register(func: Callable[[Source, Path], None]) -> Callable[[Source, Path], None]:
        entry = Exporter(name, aliases, description, filename, func)
        _REGISTRY[name] = entry
        for key in (name, *aliases):
            _NAMES[key.lower()] = name
        return func
    return register


def formats() -> list[Exporter]:
    """The registered export formats, in registration order."""
    return list(_REGISTRY.values())


def get_exporter(fmt: str) -> Exporter:
    """The exporter registered under a name or alias.

    Raises:
        OutputError: For an unknown format, listing the known ones.
    """
    name = _NAMES.get(fmt.lower())
    if name is None:
        known = ", ".join(e.name for e in formats())
        raise OutputError(f"unknown export format {fmt!r}: use one of {known} "
                          f"(see `newsgraph export --list`)")
    return _REGISTRY[name]


def export(out_dir: Path, fmt: str, *, to: Path | None = None) -> Path:
    """Export the build in ``out_dir`` to one format.

    Args:
        out_dir: A build's output directory (with ``store/`` or ``graph.trig``).
        fmt: A format name or alias (see :func:`formats`).
        to: Destination path; defaults to ``out_dir/export/<default name>``.

    Returns:
        The path written (a directory for ``neo4j``).

    Raises:
        OutputError: For an unknown format, a missing build or an unusable destination.
    """
    entry = get_exporter(fmt)
    dest = to if to is not None else out_dir / "export" / entry.filename
    source = Source(out_dir)
    try:
        entry.write(source, dest)
    except OSError as exc:
        raise OutputError(f"{dest}: cannot write the {entry.name} export "
                          f"({exc.strerror or exc}); choose another --to") from exc
    return dest


# --------------------------------------------------------------------------------------
# Reading a build back


def _local(iri: str) -> str:
    """The entity key, article id or statement id at the end of a minted IRI."""
    return unquote(iri.rsplit("/", 1)[-1])


def _value(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else ""


_ARTICLES = """SELECT ?a ?title ?sha ?src ?date ?url ?pub WHERE {
  ?a a ng:Article ; dcterms:title ?title ; ng:sha256 ?sha ; ng:sourcePath ?src .
  OPTIONAL { ?a dcterms:date ?date } OPTIONAL { ?a schema:url ?url }
  OPTIONAL { ?a ng:publisherName ?pub } }"""
_ENTITIES = """SELECT ?e ?label (MIN(STR(?t)) AS ?type) WHERE {
  ?e skos:prefLabel ?label ; a ?t . FILTER(STRSTARTS(STR(?t), STR(ng:))) }
  GROUP BY ?e ?label"""
_ALIASES = "SELECT ?e ?alias WHERE { ?e skos:prefLabel ?l ; skos:altLabel ?alias }"
_STATEMENTS = """SELECT * WHERE {
  ?st a ng:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
      ng:relationLabel ?rel ; ng:negated ?neg ; ng:modality ?mod ; ng:confidence ?conf ;
      ng:sentence ?sent ; ng:sentenceIndex ?si ; ng:charStart ?cs ; ng:charEnd ?ce ;
      ng:extractor ?ex ; ng:pattern ?pat ; prov:wasDerivedFrom ?art .
  OPTIONAL { ?st ng:attributedTo ?by } }"""


class Source:
    """A build's store and the data model read back from it (lazily, once)."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.store = open_store(out_dir)

    def quads(self) -> list[ox.Quad]:
        """Every quad of the store, sorted by graph, subject, predicate, object."""
        return sorted(self.store, key=lambda q: (str(q.graph_name), str(q.subject),
                                                 str(q.predicate), str(q.object)))

    def triples(self) -> list[ox.Triple]:
        """The union graph: distinct triples of all graphs, sorted."""
        seen = {q.triple for q in self.store}
        return sorted(seen, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))

    def prefixes(self) -> dict[str, str]:
        """Prefixes for Turtle and TriG: the query prefixes plus the build's own."""
        prefixes = dict(PREFIXES)
        manifest = self.out_dir / "manifest.json"
        if manifest.is_file():
            base = json.loads(manifest.read_text(encoding="utf-8")).get("base_iri")
            if base:
                base = base if base.endswith(("/", "#")) else base + "/"
                for prefix, kind in (("ent", "entity"), ("art", "article"),
                                     ("st", "statement"), ("rel", "relation")):
                    prefixes[prefix] = f"{base}{kind}/"
        return prefixes

    @cached_property
    def result(self) -> BuildResult:
        """Articles, entities and statements of the build, as the pipeline made them."""
        result = BuildResult()
        for row in run_query(self.store, _ARTICLES):
            result.articles.append(Article(
                id=_local(row["a"].value), title=row["title"].value,
                date=_value(row["date"]) or None, source=row["src"].value, text="",
                sha256=row["sha"].value, url=_value(row["url"]) or None,
                publisher=_value(row["pub"]) or None))
        for row in run_query(self.store, _ENTITIES):
            key = _local(row["e"].value)
            result.entities[key] = Entity(key=key, label=row["label"].value,
                                          cls=row["type"].value[len(str(NG)):])
        aliases: dict[str, list[str]] = {}
        for row in run_query(self.store, _ALIASES):
            aliases.setdefault(_local(row["e"].value), []).append(row["alias"].value)
        for key, found in aliases.items():
            if key in result.entities:
                result.entities[key] = replace(result.entities[key],
                                               aliases=tuple(sorted(found)))
        ng = str(NG)
        for row in run_query(self.store, _STATEMENTS):
            pred = row["p"].value
            result.statements.append(Statement(
                subject=_local(row["s"].value), relation=row["rel"].value,
                predicate=pred[len(ng):] if pred.startswith(ng) else None,
                object=_local(row["o"].value), negated=row["neg"].value == "true",
                modality=row["mod"].value[len(ng):].lower(),  # type: ignore[arg-type]
                attributed_to=_local(row["by"].value) if row["by"] else None,
                article=_local(row["art"].value), sentence=row["sent"].value,
                sentence_index=int(row["si"].value), char_start=int(row["cs"].value),
                char_end=int(row["ce"].value), confidence=float(row["conf"].value),
                pattern=row["pat"].value, extractor=row["ex"].value))
        result.articles.sort(key=lambda a: a.id)
        result.statements.sort(key=statement_id)
        missing = {k for s in result.statements for k in (s.subject, s.object)
                   if k not in result.entities}
        if missing:
            raise OutputError(f"{self.out_dir}: statements refer to entities the store does "
                              f"not describe ({', '.join(sorted(missing)[:3])}); rebuild it")
        return result

    def nodes(self) -> list[Entity]:
        """The entities, sorted by key."""
        return [self.result.entities[k] for k in sorted(self.result.entities)]

    def relationships(self) -> Iterator[tuple[Statement, dict[str, str | bool | int | float]]]:
        """Each statement (sorted by id) with its relationship properties."""
        ents = self.result.entities
        dates = {a.id: a.date or "" for a in self.result.articles}
        for s in self.result.statements:
            yield s, {
                "statement_id": statement_id(s), "relation": s.relation,
                "predicate": s.predicate or "", "negated": s.negated,
                "modality": s.modality,
                "attributed_to": ents[s.attributed_to].label if s.attributed_to in ents
                else "",
                "article": s.article, "date": dates.get(s.article, ""),
                "sentence": s.sentence, "char_start": s.char_start,
                "char_end": s.char_end, "confidence": round(s.confidence, 3),
                "pattern": s.pattern}

    def networkx(self) -> nx.MultiDiGraph:
        """The property graph: entities as nodes, statements as edges keyed by id."""
        g = nx.MultiDiGraph()
        for e in self.nodes():
            g.add_node(e.key, label=e.label, type=e.cls)
        for s, props in self.relationships():
            g.add_edge(s.subject, s.object, key=props["statement_id"], **props)
        return g


def relationship_type(relation: str) -> str:
    """A relation label as an upper snake identifier (``affirms`` -> ``AFFIRMS``)."""
    ident = re.sub(r"[^0-9A-Za-z]+", "_", relation).strip("_").upper()
    if not ident:
        return "RELATED_TO"
    return f"R_{ident}" if ident[0].isdigit() else ident


# --------------------------------------------------------------------------------------
# RDF formats (from the store)


def _rdf_writer(fmt: ox.RdfFormat, *, quads: bool) -> Callable[[Source, Path], None]:
    def write(source: Source, path: Path) -> None:
        data = source.quads() if quads else source.triples()
        prefixes = source.prefixes() if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG,
                                                 ox.RdfFormat.RDF_XML) else None
        atomic_write(path, ox.serialize(data, format=fmt, prefixes=prefixes))
    return write


for _name, _aliases, _fmt, _quads, _file, _desc in (
        ("nq", ("nquads", "n-quads"), ox.RdfFormat.N_QUADS, True, "graph.nq",
         "N-Quads: every named graph, one quad a line (any quad store)"),
        ("trig", (), ox.RdfFormat.TRIG, True, "graph.trig",
         "TriG: every named graph, with prefixes"),
        ("nt", ("ntriples", "n-triples"), ox.RdfFormat.N_TRIPLES, False, "graph.nt",
         "N-Triples: the union of all graphs, one triple a line"),
        ("ttl", ("turtle",), ox.RdfFormat.TURTLE, False, "graph.ttl",
         "Turtle: the union of all graphs"),
        ("jsonld", ("json-ld",), ox.RdfFormat.JSON_LD, False, "graph.jsonld",
         "JSON-LD: the union of all graphs"),
        ("xml", ("rdfxml", "rdf/xml", "rdf"), ox.RdfFormat.RDF_XML, False, "graph.rdf",
         "RDF/XML: the union of all graphs")):
    exporter(_name, aliases=_aliases, description=_desc, filename=_file)(
        _rdf_writer(_fmt, quads=_quads))


# --------------------------------------------------------------------------------------
# Property-graph and tabular formats (from the statements)


@exporter("csv", aliases=("statements",), filename="statements.csv",
          description="CSV of statements with labels (same columns as statements.csv)")
def _write_csv(source: Source, path: Path) -> None:
    atomic_write(path, statements_csv(source.result))


@exporter("json", aliases=("node-link",), filename="graph.json",
          description="networkx node-link JSON: entities and statement edges")
def _write_json(source: Source, path: Path) -> None:
    data = nx.node_link_data(source.networkx(), edges="edges")
    atomic_write(path, json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


@exporter("graphml", filename="graph.graphml",
          description="GraphML for Gephi, yEd, Cytoscape and networkx")
def _write_graphml(source: Source, path: Path) -> None:
    buf = io.BytesIO()
    nx.write_graphml(source.networkx(), buf, encoding="utf-8")
    atomic_write(path, buf.getvalue())


@exporter("gexf", filename="graph.gexf", description="GEXF for Gephi")
def _write_gexf(source: Source, path: Path) -> None:
    g = source.networkx()
    for _u, _v, key, data in g.edges(keys=True, data=True):
        data["id"] = key
    buf = io.BytesIO()
    nx.write_gexf(g, buf, encoding="utf-8")
    # networkx stamps today's date into <meta>; drop it so the bytes depend on the build only
    atomic_write(path, re.sub(rb'<meta lastmodifieddate="[^"]*">', b"<meta>",
                              buf.getvalue(), count=1))


def _neo4j_cell(value: str | bool | int | float) -> str | int | float:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


NEO4J_README = """# Neo4j admin-import files of a newsgraph build

`nodes.csv` holds the entities (`:Entity` plus their ontology class), `relationships.csv`
the statements (one relationship each, typed by the relation, with the statement's
provenance as properties). Import them into an empty database, from this directory:

    neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv \\
        --multiline-fields=true --overwrite-destination neo4j

Kuzu loads the same files with the schema and COPY statements of `kuzu.cypher`, from this
directory (`pip install kuzu`):

    python -c "import kuzu; kuzu.Connection(kuzu.Database('kuzu-db')).execute(open('kuzu.cypher').read())"
"""  # noqa: E501

#: Kuzu schema and bulk load of the Neo4j CSV files (columns taken by position).
KUZU_SCRIPT = """CREATE NODE TABLE Entity(id STRING, label STRING, labels STRING, PRIMARY KEY (id));
CREATE REL TABLE Fact(FROM Entity TO Entity, type STRING, statement_id STRING, relation STRING, predicate STRING, negated BOOLEAN, modality STRING, attributed_to STRING, article STRING, date STRING, sentence STRING, char_start INT64, char_end INT64, confidence DOUBLE, pattern STRING);
COPY Entity FROM 'nodes.csv' (HEADER=true, PARALLEL=false);
COPY Fact FROM 'relationships.csv' (HEADER=true, PARALLEL=false);
"""  # noqa: E501


@exporter("neo4j", aliases=("neo4j-admin",), filename="neo4j",
          description="Neo4j admin-import CSV directory (nodes, relationships, README, "
                      "Kuzu script)")
def _write_neo4j(source: Source, path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path}: exists and is not a directory; the neo4j export is a "
                          f"directory, choose another --to")
    nodes = [[e.key, e.label, f"Entity;{e.cls}"] for e in source.nodes()]
    rels = [[s.subject, s.object, relationship_type(s.relation),
             *(_neo4j_cell(props[name]) for name, _kind in REL_PROPERTIES)]
            for s, props in source.relationships()]
    path.mkdir(parents=True, exist_ok=True)
    atomic_write(path / "nodes.csv", csv_text(NEO4J_NODE_HEADER, nodes))
    atomic_write(path / "relationships.csv", csv_text(NEO4J_REL_HEADER, rels))
    atomic_write(path / "README.md", NEO4J_README)
    atomic_write(path / "kuzu.cypher", KUZU_SCRIPT)


_CYPHER_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: Kuzu reads ``\\n`` as ``n``, but takes raw line breaks inside a quoted string.
_KUZU_ESCAPES = {"\\": "\\\\", "'": "\\'"}


def cypher_literal(value: str | bool | int | float, *, dialect: str = "neo4j") -> str:
    """A value as a Cypher literal (strings single-quoted, with escapes).

    Args:
        value: The value.
        dialect: ``neo4j`` (also Memgraph) or ``kuzu``.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    escapes = _KUZU_ESCAPES if dialect == "kuzu" else _CYPHER_ESCAPES
    return "'" + "".join(escapes.get(c, c) for c in value) + "'"


@exporter("cypher", aliases=("cql", "memgraph"), filename="graph.cypher",
          description="Idempotent Cypher script (MERGE by id) for Neo4j and Memgraph")
def _write_cypher(source: Source, path: Path) -> None:
    lines = ["// newsgraph export: idempotent, run it again to update the same nodes.",
             "// Neo4j: CREATE CONSTRAINT entity_id IF NOT EXISTS "
             "FOR (n:Entity) REQUIRE n.id IS UNIQUE;"]
    for e in source.nodes():
        label = re.sub(r"[^0-9A-Za-z_]", "", e.cls) or "Thing"
        lines.append(f"MERGE (n:Entity {{id: {cypher_literal(e.key)}}}) "
                     f"SET n.label = {cypher_literal(e.label)}, n:{label};")
    for s, props in source.relationships():
        sets = ", ".join(f"r.{name} = {cypher_literal(props[name])}"
                         for name, _kind in REL_PROPERTIES if name != "statement_id")
        lines.append(
            f"MATCH (a:Entity {{id: {cypher_literal(s.subject)}}}), "
            f"(b:Entity {{id: {cypher_literal(s.object)}}}) "
            f"MERGE (a)-[r:{relationship_type(s.relation)} "
            f"{{statement_id: {cypher_literal(props['statement_id'])}}}]->(b) SET {sets};")
    atomic_write(path, "\n".join(lines) + "\n")



@exporter("kuzu", filename="graph.kuzu.cypher",
          description="Idempotent Kuzu script: schema (IF NOT EXISTS) and MERGE by id")
def _write_kuzu(source: Source, path: Path) -> None:
    schema = KUZU_SCRIPT.splitlines()[:2]
    lines = ["// newsgraph export for Kuzu: idempotent, run it again to update in place.",
             *(ln.replace("TABLE ", "TABLE IF NOT EXISTS ", 1) for ln in schema)]
    for e in source.nodes():
        lines.append(f"MERGE (n:Entity {{id: {cypher_literal(e.key, dialect='kuzu')}}}) "
                     f"SET n.label = {cypher_literal(e.label, dialect='kuzu')}, "
                     f"n.labels = {cypher_literal('Entity;' + e.cls, dialect='kuzu')};")
    for s, props in source.relationships():
        values = {"type": relationship_type(s.relation), **props}
        sets = ", ".join(f"r.{name} = {cypher_literal(values[name], dialect='kuzu')}"
                         for name in ("type", *(n for n, _k in REL_PROPERTIES))
                         if name != "statement_id")
        lines.append(
            f"MATCH (a:Entity {{id: {cypher_literal(s.subject, dialect='kuzu')}}}), "
            f"(b:Entity {{id: {cypher_literal(s.object, dialect='kuzu')}}}) "
            f"MERGE (a)-[r:Fact {{statement_id: "
            f"{cypher_literal(props['statement_id'], dialect='kuzu')}}}]->(b) SET {sets};")
    atomic_write(path, "\n".join(lines) + "\n")
