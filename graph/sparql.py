"""SPARQL over a build: the Oxigraph store, result formats and saved queries."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox

from .entities import find_entity
from .errors import OutputError, QueryError
from .vocab import NG

#: Prefixes every query may use without declaring them.
PREFIXES: dict[str, str] = {
    "ng": str(NG),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
}

RESULT_FORMATS = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
                  "tsv": ox.QueryResultsFormat.TSV, "xml": ox.QueryResultsFormat.XML}
GRAPH_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "turtle": ox.RdfFormat.TURTLE,
                 "nt": ox.RdfFormat.N_TRIPLES, "ntriples": ox.RdfFormat.N_TRIPLES}


def write_store(trig: Path, store_dir: Path) -> None:
    """(Re)create the on-disk Oxigraph store of a build from its TriG, atomically."""
    tmp = store_dir.with_name(store_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    store = ox.Store(str(tmp))
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
    store.flush()
    del store
    old = store_dir.with_name(store_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if store_dir.exists():
        store_dir.rename(old)
    tmp.rename(store_dir)
    shutil.rmtree(old, ignore_errors=True)


def check_build(out: Path) -> None:
    """Make sure ``out`` holds a build (a ``store/`` or a ``graph.trig``).

    Raises:
        OutputError: When it holds neither, saying how to make one.
    """
    if not ((out / "store").is_dir() or (out / "graph.trig").is_file()):
        raise OutputError(f"{out}: no build found (no store/ or graph.trig); run "
                          f"`newsgraph build INPUT --out {out}` first")


def open_store(out: Path, *, in_memory: bool = False) -> ox.Store:
    """Open a build's store read-only (falls back to loading ``graph.trig`` in memory).

    Args:
        out: The build directory.
        in_memory: Copy the on-disk store into memory and answer from the copy: joins and
            aggregates over large builds run several times faster (no disk dictionary
            lookups) at the cost of RAM (about 350 MB per million triples) and the copy's
            time (about 15 s per million triples).

    Raises:
        OutputError: When ``out`` holds no build.
    """
    check_build(out)
    if (out / "store").is_dir():
        disk = ox.Store.read_only(str(out / "store"))
        if not in_memory:
            return disk
        memory = ox.Store()
        memory.bulk_load(input=disk.dump(format=ox.RdfFormat.N_QUADS),
                         format=ox.RdfFormat.N_QUADS)
        return memory
    store = ox.Store()
    store.load(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG)
    return store


def read_query(text: str) -> str:
    """Query text, or the contents of a file when given as ``@path``."""
    if text.startswith("@"):
        path = Path(text[1:])
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"{path}: cannot read query file ({exc.strerror})") from exc
    return text


def run_query(store: ox.Store, query: str, *, bindings: dict[str, ox.NamedNode | ox.Literal]
              | None = None) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run a query with the standard prefixes over the union of all graphs.

    Args:
        store: The store.
        query: SPARQL text.
        bindings: Values bound to variables as RDF terms (never spliced into the text).

    Raises:
        QueryError: On a syntax error, with the parser's message.
    """
    subs = {ox.Variable(k): v for k, v in (bindings or {}).items()}
    try:
        return store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True,
                           substitutions=subs or None)
    except SyntaxError as exc:
        raise QueryError(f"invalid SPARQL: {exc}") from exc


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal | ox.NamedNode):
        return term.value
    return str(term)


def format_results(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, *,
                   fmt: str = "table") -> str:
    """Render query results as a text table or a standard results format."""
    if isinstance(result, ox.QueryBoolean):
        value = bool(result)
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": value})
        return "true" if value else "false"
    if isinstance(result, ox.QueryTriples):
        rdf = GRAPH_FORMATS.get(fmt, ox.RdfFormat.TURTLE)
        return result.serialize(format=rdf).decode("utf-8")
    if fmt in RESULT_FORMATS:
        return result.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")
    if fmt != "table":
        raise QueryError(f"unknown format {fmt!r}: use table, csv, tsv, json or xml")
    names = [v.value for v in result.variables]
    rows = [[_cell(sol[n]) for n in names] for sol in result]
    widths = [max([len(n), *(min(len(r[i]), 60) for r in rows)]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    for r in rows:
        out.append("  ".join((c if len(c) <= 60 else c[:57] + "...").ljust(w)
                             for c, w in zip(r, widths, strict=True)))
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


#: Directory of the saved queries shipped with the project.
QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"


def saved_queries(directory: Path = QUERIES_DIR) -> dict[str, str]:
    """Saved query names mapped to their one-line descriptions (first comment line)."""
    found: dict[str, str] = {}
    for path in sorted(directory.glob("*.rq")):
        lines = path.read_text(encoding="utf-8").splitlines()
        desc = lines[0].lstrip("#").strip() if lines and lines[0].startswith("#") else ""
        found[path.stem] = desc
    return found


def resolve_query(text: str, *, directory: Path = QUERIES_DIR) -> str:
    """Query text from a saved query name, an ``@path`` or inline SPARQL."""
    if not text.startswith("@") and (directory / f"{text}.rq").is_file():
        return (directory / f"{text}.rq").read_text(encoding="utf-8")
    return read_query(text)


def bind_param(store: ox.Store, value: str) -> ox.NamedNode:
    """An entity IRI from ``<iri>``, ``http(s)://...`` or a label / alias (any case).

    The label is resolved by ``entities.find_entity``, as ``--focus`` is.

    Raises:
        QueryError: When no entity has that label, naming close labels.
    """
    if value.startswith("<") and value.endswith(">"):
        return ox.NamedNode(value[1:-1])
    if value.startswith(("http://", "https://")):
        return ox.NamedNode(value)
    names: dict[str, list[str]] = {}
    q = ("SELECT ?e ?l ?alias WHERE { ?e rdfs:label ?l ; a ?c . "
         "OPTIONAL { ?e skos:altLabel ?alias } FILTER(isIRI(?e)) }")
    for row in run_query(store, q):
        known = names.setdefault(row[0].value, [row[1].value, row[0].value])
        if row[2] is not None:
            known.append(row[2].value)
    return ox.NamedNode(find_entity(value, names, option="--param"))
