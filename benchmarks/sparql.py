"""SPARQL over a 1M-triple graph: the project's store path, raw pyoxigraph and rdflib.

Generates a deterministic graph in the project's own vocabulary, shaped like what
``graph/rdf.py`` emits: entities (class, label, alias) in the entities graph; per article
a named graph with the article's description, its statements reified (``ng:Statement``,
``rdf:subject/predicate/object``, ``prov:wasDerivedFrom``, ``dcterms:date``,
``ng:attributedTo``, modality, negation, sentence...) and the plain asserted triples. The
graph is written as TriG (what a build stores) and as N-Quads, then loaded into

* the project: ``graph.sparql.write_store`` + ``open_store`` + ``run_query``,
* raw pyoxigraph: an on-disk ``Store`` bulk-loaded from the N-Quads, queried with
  explicit PREFIX declarations over the union of the graphs,
* the project in memory: ``open_store(build, in_memory=True)`` (what
  ``newsgraph serve --in-memory`` answers from) + ``run_query``,
* raw pyoxigraph in memory: ``Store()`` without a path, bulk-loaded from the N-Quads,
* rdflib: an in-memory ``Dataset`` with the default graph as the union.

It prints the load times and, for the queries (lookup by entity, two-hop join, group-by
count per relation, per entity and over all triples, attributed statements, timeline), the
median time of several runs (project and raw alternately), the row count (the three must
agree) and the ratios project/raw and rdflib/project, and what answering over HTTP with
``newsgraph serve`` adds per query. A second table splits each query's time into the
engine's work and the handing over of the rows: the same query wrapped as
``SELECT (COUNT(*) AS ?rows) { SELECT ... }`` is answered without decoding any result
term, through the project and through rdflib.

Usage: python benchmarks/sparql.py [--triples 1000000] [--runs 9] [--rdflib-runs 2]
                                   [--no-rdflib] [--no-endpoint] [--keep DIR]
                                   [--query NAME ...]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pyoxigraph as ox

from graph.sparql import PREFIXES, open_store, run_query, write_store

BASE = "https://w3id.org/newsgraph/id/"
NGO = PREFIXES["ng"]
RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
XSD = PREFIXES["xsd"]
CLASSES = ["Country", "Organization", "Person", "Place", "Vessel", "MilitaryUnit"]
RELATIONS = [("cooperatesWith", "cooperates with"), ("accuses", "accuses"),
             ("meetsWith", "meets with"), ("criticizes", "criticizes"),
             ("sanctions", "sanctions"), ("supports", "supports"),
             ("visits", "visits"), ("warns", "warns")]
MODALITIES = ["Fact", "Fact", "Fact", "Intent", "Possible"]

QUERIES: dict[str, str] = {
    "lookup by entity": """
SELECT ?st ?p ?o WHERE {
  ?e rdfs:label "Entity 17" .
  ?st rdf:subject ?e ; rdf:predicate ?p ; rdf:object ?o .
}""",
    "two-hop join": """
SELECT ?a ?c (COUNT(?b) AS ?via) WHERE {
  ?a ng:accuses ?b .
  ?b ng:cooperatesWith ?c .
} GROUP BY ?a ?c""",
    "group-by relation": """
SELECT ?p (COUNT(?st) AS ?n) WHERE {
  ?st a ng:Statement ; rdf:predicate ?p .
} GROUP BY ?p ORDER BY DESC(?n)""",
    "group-by entity": """
SELECT ?label (COUNT(?st) AS ?n) WHERE {
  ?st rdf:subject ?e .
  ?e rdfs:label ?label .
} GROUP BY ?label ORDER BY DESC(?n) ?label LIMIT 20""",
    "group-by all triples": """
SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)""",
    "attributed statements": """
SELECT ?st ?s ?rel ?o WHERE {
  ?who rdfs:label "Entity 3" .
  ?st ng:attributedTo ?who ; rdf:subject ?s ; ng:relationLabel ?rel ; rdf:object ?o .
}""",
    "timeline": """
SELECT ?date ?rel ?o ?article WHERE {
  ?e rdfs:label "Entity 5" .
  ?st rdf:subject ?e ; ng:relationLabel ?rel ; rdf:object ?o ; dcterms:date ?date ;
      prov:wasDerivedFrom ?article .
} ORDER BY ?date ?rel""",
}


def counted(query: str) -> str:
    """The query as a subquery whose rows are counted inside the engine."""
    return f"SELECT (COUNT(*) AS ?rows) WHERE {{ {query} }}"


def _count_cell(result: object) -> int:
    return int(next(iter(result))[0].value)


def _iri(kind: str, local: str) -> str:
    return f"<{BASE}{kind}/{local}>"


def _lit(text: str, datatype: str | None = None) -> str:
    return f'"{text}"' + (f"^^<{datatype}>" if datatype else "")


def generate(triples: int, seed: int = 7) -> Iterator[tuple[str, list[str]]]:
    """Yield ``(graph IRI, lines 's p o .')`` per graph until about ``triples`` triples.

    Args:
        triples: Approximate size of the graph.
        seed: Seed of the generator (the same seed gives the same graph).
    """
    rng = random.Random(seed)
    n_entities = max(50, triples // 200)
    weights = [1.0 / (i + 1) ** 0.8 for i in range(n_entities)]
    ents = [_iri("entity", f"e{i}") for i in range(n_entities)]
    lines = []
    for i, e in enumerate(ents):
        lines.append(f"{e} <{RDF}type> <{NGO}{CLASSES[i % len(CLASSES)]}> .")
        lines.append(f"{e} <{RDFS}label> {_lit(f'Entity {i}')} .")
        lines.append(f"{e} <{PREFIXES['skos']}altLabel> {_lit(f'E{i}')} .")
    yield _iri("graph", "entities"), lines
    count = len(lines)
    article = 0
    while count < triples:
        art = _iri("article", f"a{article:07d}")
        day = f"20{20 + article % 5}-{1 + article % 12:02d}-{1 + article % 28:02d}"
        date = _lit(day, XSD + "date")
        lines = [f"{art} <{RDF}type> <{NGO}Article> .",
                 f"{art} <{PREFIXES['dcterms']}title> {_lit(f'Article {article}')} .",
                 f"{art} <{PREFIXES['dcterms']}date> {date} ."]
        for k in range(8):
            subj, obj = rng.choices(ents, weights, k=2)
            prop, label = RELATIONS[rng.randrange(len(RELATIONS))]
            st = _iri("statement", f"s{article:07d}x{k}")
            negated = rng.random() < 0.05
            lines += [
                f"{st} <{RDF}type> <{RDF}Statement> .",
                f"{st} <{RDF}type> <{NGO}Statement> .",
                f"{st} <{RDF}subject> {subj} .",
                f"{st} <{RDF}predicate> <{NGO}{prop}> .",
                f"{st} <{RDF}object> {obj} .",
                f"{st} <{NGO}relationLabel> {_lit(label)} .",
                f"{st} <{NGO}negated> {_lit(str(negated).lower(), XSD + 'boolean')} .",
                f"{st} <{NGO}modality> <{NGO}{rng.choice(MODALITIES)}> .",
                f"{st} <{NGO}sentence> {_lit(f'Sentence {k} of article {article}.')} .",
                f"{st} <{NGO}charStart> {_lit(str(k * 100), XSD + 'integer')} .",
                f"{st} <{PREFIXES['prov']}wasDerivedFrom> {art} .",
                f"{st} <{PREFIXES['dcterms']}date> {date} .",
                f"{art} <{NGO}mentions> {subj} .",
            ]
            if rng.random() < 0.3:
                who = rng.choices(ents, weights)[0]
                lines.append(f"{st} <{NGO}attributedTo> {who} .")
            if not negated:
                lines.append(f"{subj} <{NGO}{prop}> {obj} .")
        lines = list(dict.fromkeys(lines))  # a graph is a set: mentions repeat
        yield art, lines
        count += len(lines)
        article += 1


def write_files(triples: int, folder: Path) -> tuple[Path, Path, int]:
    """Write the generated graph as TriG and N-Quads; return both paths and its size."""
    trig, nq = folder / "graph.trig", folder / "graph.nq"
    n = 0
    with open(trig, "w", encoding="utf-8") as ft, open(nq, "w", encoding="utf-8") as fq:
        for graph, lines in generate(triples):
            ft.write(f"{graph} {{\n" + "\n".join(lines) + "\n}\n")
            fq.write("".join(f"{ln[:-1]}{graph} .\n" for ln in lines))
            n += len(lines)
    return trig, nq, n


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def _median(fn: Callable[[], int], runs: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(runs):
        t, rows = _timed(fn)
        times.append(t)
    return statistics.median(times), rows


def _paired(a: Callable[[], int], b: Callable[[], int], runs: int
            ) -> tuple[float, int, float, int]:
    """Median times of two functions run alternately (load on the machine hits both)."""
    times_a, times_b, rows_a, rows_b = [], [], 0, 0
    for _ in range(runs):
        t, rows_a = _timed(a)
        times_a.append(t)
        t, rows_b = _timed(b)
        times_b.append(t)
    return statistics.median(times_a), rows_a, statistics.median(times_b), rows_b


def project_vs_raw(project: ox.Store, raw: ox.Store, query: str, full: str, runs: int
                   ) -> tuple[float, int, float, int]:
    """Median times and row counts of a query through the project and through raw pyoxigraph.

    Args:
        project: The store as the project opened it (queried with ``run_query``).
        raw: The raw pyoxigraph store (queried with ``full``, the query with PREFIX lines).
        query: The query as the project takes it.
        full: The same query with its PREFIX declarations.
        runs: Runs of each, alternately, after one warm-up run of both.
    """
    def via_project() -> int:
        return len(list(run_query(project, query)))

    def via_raw() -> int:
        return len(list(raw.query(full, use_default_graph_as_union=True)))

    via_project()  # warm the caches of both stores alike
    via_raw()
    return _paired(via_project, via_raw, runs)


def endpoint_overhead(out: Path, queries: dict[str, str], runs: int) -> None:
    """Print what answering over HTTP (``newsgraph serve``'s worker processes) adds.

    Args:
        out: A build directory with ``store/``.
        queries: Name to query text (the project's prefixes apply).
        runs: Runs per query.
    """
    import threading

    import httpx

    from graph.server import make_server
    from graph.sparql import format_results

    server = make_server(out, port=0, timeout=120, max_rows=10_000_000)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    store = open_store(out)
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    print(f"\nendpoint (median of {runs}; JSON results; in process = run_query + "
          "serialization)")
    print(f"{'query':24}{'in process':>12}{'over HTTP':>12}{'added':>10}")
    try:
        with httpx.Client(timeout=120) as client:
            for name, q in queries.items():
                def local(q: str = q) -> int:
                    return len(format_results(run_query(store, q), fmt="json"))

                def remote(q: str = q) -> int:
                    r = client.get(url, params={"query": q})
                    r.raise_for_status()
                    return len(r.content)

                remote()
                t_l, _, t_h, _ = _paired(local, remote, runs)
                print(f"{name:24}{t_l * 1e3:10.1f}ms{t_h * 1e3:10.1f}ms"
                      f"{(t_h - t_l) * 1e3:8.1f}ms")
    finally:
        server.shutdown()
        server.server_close()
        server.pool.close()


def main() -> None:
    """Generate, load, query and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=9, help="runs per query (pyoxigraph)")
    ap.add_argument("--rdflib-runs", type=int, default=2, help="runs per query (rdflib)")
    ap.add_argument("--no-rdflib", action="store_true", help="skip rdflib")
    ap.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    ap.add_argument("--query", action="append", choices=sorted(QUERIES), metavar="NAME",
                    help="run only this query (repeatable); default: all of "
                         + ", ".join(QUERIES))
    ap.add_argument("--no-endpoint", action="store_true", help="skip the HTTP figures")
    args = ap.parse_args()
    queries = {k: v for k, v in QUERIES.items() if not args.query or k in args.query}

    folder = args.keep or Path(tempfile.mkdtemp(prefix="ng-bench-sparql-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        t_gen, (trig, nq, n) = _timed(lambda: write_files(args.triples, folder))
        print(f"generated {n:,} triples in {t_gen:.1f} s ({trig.stat().st_size / 1e6:.0f} MB "
              f"TriG)")

        out = folder / "build"
        out.mkdir(exist_ok=True)
        t_proj, _ = _timed(lambda: write_store(trig, out / "store"))
        project = open_store(out)
        raw_dir = folder / "raw-store"
        shutil.rmtree(raw_dir, ignore_errors=True)
        raw = ox.Store(str(raw_dir))
        t_raw, _ = _timed(lambda: raw.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS))
        raw.flush()
        memory = ox.Store()  # no disk: no RocksDB dictionary lookups
        t_mem, _ = _timed(lambda: memory.bulk_load(path=str(nq),
                                                   format=ox.RdfFormat.N_QUADS))
        t_pmem, project_mem = _timed(lambda: open_store(out, in_memory=True))
        loads = {"project": t_proj, "raw pyoxigraph": t_raw,
                 "project in memory (copy of the store)": t_pmem, "raw in memory": t_mem}
        if not len(project) == len(raw) == n:
            raise SystemExit(f"the stores hold {len(project)} and {len(raw)} quads, not {n}")

        # pyoxigraph first: once rdflib's millions of Python objects exist, every garbage
        # collection pass (triggered by the result objects) would be charged to the query.
        header = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
        timings: dict[str, tuple[int, float, float]] = {}
        engine: dict[str, float] = {}
        in_memory: dict[str, tuple[float, float]] = {}
        for name, q in queries.items():
            full = header + q

            t_p, rows_p, t_r, rows_r = project_vs_raw(project, raw, q, full, args.runs)
            if rows_p != rows_r:
                raise SystemExit(f"{name}: project {rows_p} rows, raw {rows_r}")
            timings[name] = (rows_p, t_p, t_r)
            t_e, rows_e = _median(lambda q=q: _count_cell(run_query(project, counted(q))),
                                  args.runs)
            if rows_e != rows_p:
                raise SystemExit(f"{name}: counted {rows_e} rows, listed {rows_p}")
            engine[name] = t_e
            t_pm, rows_pm, t_rm, rows_rm = project_vs_raw(project_mem, memory, q, full,
                                                          args.runs)
            if not rows_pm == rows_rm == rows_p:
                raise SystemExit(f"{name}: in memory {rows_pm} and {rows_rm} rows, not {rows_p}")
            in_memory[name] = (t_pm, t_rm)
        if not args.no_endpoint:
            small = {k: v for k, v in queries.items() if k != "two-hop join"}
            small["ask"] = "ASK { ?s ?p ?o }"
            endpoint_overhead(out, small, args.runs)

        rdflib_times: dict[str, float] = {}
        rdflib_engine: dict[str, float] = {}
        if not args.no_rdflib:
            import rdflib

            ds = rdflib.Dataset(default_union=True)
            loads["rdflib"], _ = _timed(lambda: ds.parse(str(nq), format="nquads"))
            for name, q in queries.items():
                t_l, rows_l = _median(lambda q=q: len(list(ds.query(header + q))),
                                      args.rdflib_runs)
                if rows_l != timings[name][0]:
                    raise SystemExit(f"{name}: rdflib {rows_l} rows, project "
                                     f"{timings[name][0]}")
                rdflib_times[name] = t_l
                t_le, _ = _median(lambda q=q: _count_cell(ds.query(header + counted(q))),
                                  args.rdflib_runs)
                rdflib_engine[name] = t_le

        print("\nload (s): " + "  ".join(f"{k} {v:.1f}" for k, v in loads.items()))
        print(f"median seconds ({args.runs} runs; rdflib {args.rdflib_runs})")
        print(f"{'':32}{'-- on disk (newsgraph query, serve) --':>44}"
              f"{'-- in memory (serve --in-memory) --':>44}")
        print(f"{'query':24}{'rows':>8}{'project':>10}{'raw':>10}{'proj/raw':>10}"
              f"{'rdflib/proj':>14}{'project':>10}{'raw':>10}{'proj/raw':>10}"
              f"{'rdflib/proj':>14}{'rdflib':>10}")
        for name, (rows, t_p, t_r) in timings.items():
            t_l = rdflib_times.get(name)
            t_pm, t_rm = in_memory[name]
            rd = f"{t_l:10.3f}" if t_l is not None else ""
            ratio = f"{t_l / t_p:13.1f}x" if t_l is not None else ""
            ratio_m = f"{t_l / t_pm:13.1f}x" if t_l is not None else ""
            print(f"{name:24}{rows:8d}{t_p:10.4f}{t_r:10.4f}{t_p / t_r:9.2f}x{ratio:>14}"
                  f"{t_pm:10.4f}{t_rm:10.4f}{t_pm / t_rm:9.2f}x{ratio_m:>14}{rd:>10}")
        print("\nengine only: the query's rows counted inside the engine, no term decoded "
              "(median seconds)")
        print(f"{'query':24}{'project':>10}{'handover':>10}{'rdflib':>10}{'rdflib/proj':>12}")
        for name, t_e in engine.items():
            t_le = rdflib_engine.get(name)
            rd = f"{t_le:10.3f}" if t_le is not None else ""
            ratio = f"{t_le / t_e:11.0f}x" if t_le is not None else ""
            share = max(0.0, 1 - t_e / timings[name][1])
            print(f"{name:24}{t_e:10.4f}{share:9.0%} {rd:>10}{ratio:>12}")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
