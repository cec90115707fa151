"""A SPARQL 1.1 Protocol endpoint over a build, on the standard library's HTTP server.

Queries never run in the HTTP process: each one is handed to a pre-started worker process
that has the build's store open (read-only unless updates are allowed). A query that
outlives ``timeout`` has its worker killed (pyoxigraph cannot be interrupted from another
thread) and the client gets ``504``; a fresh worker takes its place in the background.

Row cap: a SELECT with more than ``max_rows`` solutions (or a CONSTRUCT/DESCRIBE with more
than ``max_rows`` triples) is answered with ``413`` and a one-line message, never with a
silently truncated result.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import multiprocessing as mp
import queue
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from .errors import NewsgraphError, OutputError

log = logging.getLogger("newsgraph.server")

#: SPARQL results media types, by short name.
RESULTS_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "xml": "application/sparql-results+xml",
}
#: RDF graph media types, by short name.
GRAPH_TYPES: dict[str, str] = {"ttl": "text/turtle", "nt": "application/n-triples"}
_ALIASES = {"turtle": "ttl", "ntriples": "nt", "n-triples": "nt", "sparql-results+json": "json"}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_SPARQL_PATHS = ("/sparql", "/query")
_Reply = tuple[int, str, bytes]


# --------------------------------------------------------------------------- negotiation

def negotiate(accept: str | None, fmt: str | None) -> tuple[str, str]:
    """Pick the results format and the graph format a client asked for.

    Args:
        accept: The ``Accept`` header (media ranges with optional ``q`` weights).
        fmt: The ``format`` parameter: a short name (json, csv, tsv, xml, ttl, nt) or a
            media type; it wins over ``Accept``.

    Returns:
        The short names ``(results, graph)``; JSON and Turtle when nothing matches.
    """
    wanted: list[str] = []
    if fmt:
        wanted.append(fmt.strip().lower())
    ranges: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept or "").split(",")):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranges.append((-q, i, bits[0].lower()))
    wanted.extend(r[2] for r in sorted(ranges))
    by_type = {**{v: k for k, v in RESULTS_TYPES.items()},
               **{v: k for k, v in GRAPH_TYPES.items()},
               "application/json": "json", "text/plain": "nt",
               "application/xml": "xml", "text/xml": "xml"}
    results = graph = None
    for w in wanted:
        name = _ALIASES.get(w, by_type.get(w, w))
        if results is None and name in RESULTS_TYPES:
            results = name
        if graph is None and name in GRAPH_TYPES:
            graph = name
    return results or "json", graph or "ttl"


# --------------------------------------------------------------------------- serializers

def _json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                        "predicate": _json_term(term.predicate),
                                        "object": _json_term(term.object)}}


def _csv_cell(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode | ox.Literal):
        text = term.value
    elif isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    else:
        text = str(term)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attr = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype.value != _XSD_STRING:
            attr = f" datatype={quoteattr(term.datatype.value)}"
        else:
            attr = ""
        return f"<literal{attr}>{xml_escape(term.value)}</literal>"
    return f"<literal>{xml_escape(str(term))}</literal>"


def serialize_solutions(names: list[str], rows: list[list[Any]], fmt: str) -> bytes:
    """Write SELECT solutions in a SPARQL 1.1 results format.

    Args:
        names: Variable names, in projection order.
        rows: One list of terms (``None`` when unbound) per solution.
        fmt: ``json``, ``csv``, ``tsv`` or ``xml``.

    Returns:
        The UTF-8 document.
    """
    if fmt == "json":
        bindings = [{n: _json_term(t) for n, t in zip(names, row, strict=True)
                     if t is not None} for row in rows]
        doc = {"head": {"vars": names}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if fmt == "csv":
        lines = [",".join(names)]
        lines += [",".join(_csv_cell(t) for t in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join(f"?{n}" for n in names)]
        lines += ["\t".join("" if t is None else str(t).replace("\t", "\\t") for t in row)
                  for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
             "<head>", *(f"<variable name={quoteattr(n)}/>" for n in names), "</head>",
             "<results>"]
    for row in rows:
        parts.append("<result>")
        parts += [f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                  for n, t in zip(names, row, strict=True) if t is not None]
        parts.append("</result>")
    parts.append("</results>\n</sparql>\n")
    return "\n".join(parts).encode("utf-8")


# --------------------------------------------------------------------------- worker process

def _text(status: int, message: str) -> _Reply:
    return status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8")


def _execute(store: Any, req: dict[str, Any]) -> _Reply:
    from .sparql import PREFIXES

    if req["op"] == "health":
        body = json.dumps({"status": "ok", "triples": len(store), "writable": req["writable"],
                           "in_memory": req["in_memory"]})
        return 200, "application/json", body.encode("utf-8")
    if req["op"] == "update":
        try:
            store.update(req["text"], prefixes=PREFIXES)
            store.flush()
        except SyntaxError as exc:
            return _text(400, f"invalid SPARQL update: {exc}")
        return _text(200, "update applied")
    kwargs: dict[str, Any] = {"prefixes": PREFIXES}
    if req["default_graphs"]:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in req["default_graphs"]]
    else:
        kwargs["use_default_graph_as_union"] = True
    if req["named_graphs"]:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in req["named_graphs"]]
    try:
        result = store.query(req["text"], **kwargs)
    except SyntaxError as exc:
        return _text(400, f"invalid SPARQL query: {exc}")
    cap = req["max_rows"]
    too_many = (f"more than {cap} {{}}: add a LIMIT to the query or start the server "
                f"with a larger --max-rows")
    if isinstance(result, ox.QueryBoolean):
        fmt = req["results"]
        body = result.serialize(format=_results_format(fmt))
        return 200, RESULTS_TYPES[fmt], body
    if isinstance(result, ox.QueryTriples):
        triples = []
        for t in result:
            triples.append(t)
            if len(triples) > cap:
                return _text(413, too_many.format("triples"))
        fmt = req["graph"]
        rdf = ox.RdfFormat.TURTLE if fmt == "ttl" else ox.RdfFormat.N_TRIPLES
        body = ox.serialize(triples, format=rdf,
                            prefixes=PREFIXES if fmt == "ttl" else None)
        return 200, GRAPH_TYPES[fmt], body or b""
    names = [v.value for v in result.variables]
    rows = []
    for sol in result:
        rows.append([sol[n] for n in names])
        if len(rows) > cap:
            return _text(413, too_many.format("rows"))
    fmt = req["results"]
    return 200, RESULTS_TYPES[fmt], serialize_solutions(names, rows, fmt)


def _results_format(fmt: str) -> Any:
    from .sparql import RESULT_FORMATS

    return RESULT_FORMATS[fmt]


def _open(out: Path, writable: bool, in_memory: bool) -> Any:
    from .sparql import open_store

    if writable and (out / "store").is_dir():
        return ox.Store(str(out / "store"))
    return open_store(out, in_memory=in_memory)


def _worker_main(conn: Connection, out: str, writable: bool, in_memory: bool) -> None:
    """Worker loop: open the store once, then answer requests until the pipe closes."""
    try:
        store = _open(Path(out), writable, in_memory)
    except (OSError, ValueError, NewsgraphError) as exc:
        conn.send((500, "text/plain; charset=utf-8", f"{exc}\n".encode()))
        return
    conn.send((200, "text/plain", b"ready"))
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = _execute(store, req)
        except (OSError, ValueError, RuntimeError) as exc:
            reply = _text(500, f"query failed: {exc}")
        conn.send(reply)


@dataclass
class _Worker:
    process: mp.process.BaseProcess
    conn: Connection


class WorkerPool:
    """Pre-started worker processes that each hold the store open.

    Args:
        out: The build directory.
        size: How many queries may run at once.
        writable: Open the store for writing (then ``size`` is forced to 1: one writer).
        in_memory: Each worker answers from its own in-memory copy of the store.
    """

    def __init__(self, out: Path, *, size: int = 2, writable: bool = False,
                 in_memory: bool = False) -> None:
        self.out = out
        self.writable = writable
        self.in_memory = in_memory
        self.size = 1 if writable else max(1, size)
        self._ctx = mp.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        # start them all before waiting: opening (or copying into memory) runs in parallel
        spawned = [self._spawn() for _ in range(self.size)]
        try:
            for worker in spawned:
                self._idle.put(self._ready(worker))
        except BaseException:
            for worker in spawned:
                worker.process.kill()
            raise

    def _start(self) -> _Worker:
        return self._ready(self._spawn())

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker_main, args=(child, str(self.out),
                                                            self.writable, self.in_memory),
                                 daemon=True)
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def _ready(self, worker: _Worker) -> _Worker:
        """Wait until ``worker`` has its store open; raise if it could not open it."""
        status, _ctype, body = worker.conn.recv()
        if status != 200:
            worker.process.join(5)
            raise OutputError(f"{self.out}: cannot open the store for serving "
                              f"({body.decode().strip()}); is another process writing it?")
        return worker

    def _replace(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        if self._closed:
            return
        try:
            self._idle.put(self._start())
        except OutputError:
            log.exception("could not restart a query worker")

    def run(self, req: dict[str, Any], *, timeout: float) -> _Reply:
        """Run one request in a worker, killing it after ``timeout`` seconds."""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return _text(503, f"all {self.size} query workers are busy after {timeout:g} s; "
                              "retry later or start the server with a larger --timeout")
        try:
            worker.conn.send(req)
            if worker.conn.poll(timeout):
                reply: _Reply = worker.conn.recv()
                self._idle.put(worker)
                return reply
        except (EOFError, OSError) as exc:
            log.warning("query worker died: %s", exc)
            threading.Thread(target=self._replace, args=(worker,), daemon=True).start()
            return _text(500, "the query worker died; the query was not answered")
        log.warning("query stopped after %.1f s timeout", timeout)
        threading.Thread(target=self._replace, args=(worker,), daemon=True).start()
        return _text(504, f"query timed out after {timeout:g} s (the server's --timeout); "
                          "narrow the query or add a LIMIT")

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        while True:
            try:
                w = self._idle.get_nowait()
            except queue.Empty:
                return
            w.process.kill()
            w.process.join(5)


# --------------------------------------------------------------------------- HTTP

class _Handler(BaseHTTPRequestHandler):
    server: _SparqlServer
    server_version = "newsgraph-sparql"

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def _send(self, reply: _Reply, *, extra: dict[str, str] | None = None) -> None:
        status, ctype, body = reply
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        if url.path == "/":
            page = self.server.out / "graph.html"
            try:
                body = page.read_bytes()
            except OSError:
                self._send(_text(404, f"{page}: no graph page in this build"))
                return
            self._send((200, "text/html; charset=utf-8", body))
        elif url.path == "/health":
            pool = self.server.pool
            self._send(pool.run({"op": "health", "writable": pool.writable,
                                 "in_memory": pool.in_memory},
                                timeout=self.server.query_timeout))
        elif url.path in _SPARQL_PATHS:
            if "update" in params:
                self._send(_text(405, "SPARQL updates must be sent with POST"),
                           extra={"Allow": "POST"})
                return
            self._sparql(params, None, None)
        else:
            self._send(_text(404, f"{url.path}: not found; the endpoint is /sparql"))

    do_HEAD = do_GET

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path not in _SPARQL_PATHS:
            self._send(_text(404, f"{url.path}: not found; the endpoint is /sparql"))
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        params = parse_qs(url.query, keep_blank_values=True)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/x-www-form-urlencoded":
            for k, v in parse_qs(body, keep_blank_values=True).items():
                params.setdefault(k, []).extend(v)
            self._sparql(params, None, None)
        elif ctype == "application/sparql-query":
            self._sparql(params, body, None)
        elif ctype == "application/sparql-update":
            self._sparql(params, None, body)
        else:
            self._send(_text(415, f"unsupported Content-Type {ctype or '(none)'}: use "
                                  "application/x-www-form-urlencoded, application/"
                                  "sparql-query or application/sparql-update"))

    def _sparql(self, params: dict[str, list[str]], query: str | None,
                update: str | None) -> None:
        if query is None and update is None:
            query = (params.get("query") or [None])[0]
            update = (params.get("update") or [None])[0]
        if update is not None:
            if not self.server.pool.writable:
                self._send(_text(403, "updates are disabled: this endpoint is read-only "
                                      "(start it with --allow-update to accept them)"))
                return
            self._send(self.server.pool.run({"op": "update", "text": update},
                                            timeout=self.server.query_timeout))
            return
        if not query:
            self._send(_text(400, "no query: pass query= (GET or form POST) or POST "
                                  "application/sparql-query"))
            return
        results, graph = negotiate(self.headers.get("Accept"),
                                   (params.get("format") or [None])[0])
        req = {"op": "query", "text": query, "results": results, "graph": graph,
               "default_graphs": params.get("default-graph-uri", []),
               "named_graphs": params.get("named-graph-uri", []),
               "max_rows": self.server.max_rows}
        self._send(self.server.pool.run(req, timeout=self.server.query_timeout))


class _SparqlServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], *, out: Path, pool: WorkerPool,
                 timeout: float, max_rows: int) -> None:
        self.out = out
        self.pool = pool
        self.query_timeout = timeout
        self.max_rows = max_rows
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.address_family = family
        super().__init__(address, _Handler)


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` resolves to is a loopback address."""
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0].split("%")[0]).is_loopback
                               for i in infos)


def make_server(out: Path, *, host: str = "127.0.0.1", port: int = 7878,
                allow_update: bool = False, timeout: float = 10.0, max_rows: int = 10000,
                allow_remote: bool = False, workers: int = 2,
                in_memory: bool = False) -> _SparqlServer:
    """Create (but do not start) the SPARQL endpoint of a build.

    Args:
        out: A build's output directory (with ``store/`` or ``graph.trig``).
        host: Address to bind; loopback unless ``allow_remote``.
        port: TCP port (0 picks a free one).
        allow_update: Accept SPARQL updates and apply them to ``out/store``.
        timeout: Seconds a query may run before its worker is killed (504).
        max_rows: Largest number of solutions or triples returned (more: 413).
        allow_remote: Permit binding a non-loopback address.
        workers: Query worker processes (1 when updates are allowed).
        in_memory: Each worker copies the store into memory at start and answers from the
            copy (faster joins and aggregates on large builds; see ``open_store``).

    Raises:
        OutputError: When ``out`` holds no build, the host is not loopback without
            ``allow_remote``, updates are asked of an in-memory copy, or the address
            cannot be bound.
    """
    if in_memory and allow_update:
        raise OutputError(f"{out}: --in-memory serves a copy of the store, so updates "
                          "would be lost; drop --in-memory to accept updates")
    from .sparql import check_build

    check_build(out)
    if not allow_remote and not is_loopback(host):
        raise OutputError(f"{host}: not a loopback address; the endpoint has no "
                          "authentication, pass --allow-remote to expose it anyway")
    pool = WorkerPool(out, size=workers, writable=allow_update, in_memory=in_memory)
    try:
        return _SparqlServer((host, port), out=out, pool=pool, timeout=timeout,
                             max_rows=max_rows)
    except OSError as exc:
        pool.close()
        raise OutputError(f"{host}:{port}: cannot listen ({exc.strerror}); choose another "
                          "--port") from exc


def serve(out: Path, *, host: str = "127.0.0.1", port: int = 7878,
          allow_update: bool = False, timeout: float = 10.0, max_rows: int = 10000,
          allow_remote: bool = False, in_memory: bool = False, ready: Any = None) -> None:
    """Serve a build over the SPARQL 1.1 Protocol until interrupted.

    Args:
        out: A build's output directory.
        host: Address to bind (loopback by default).
        port: TCP port.
        allow_update: Accept SPARQL updates (otherwise they get 403).
        timeout: Per-query time limit in seconds (504 beyond it).
        max_rows: Row cap (413 beyond it).
        allow_remote: Permit a non-loopback ``host``.
        in_memory: Answer from in-memory copies of the store (see :func:`make_server`).
        ready: Called with the endpoint URL once the server listens.

    Raises:
        OutputError: As :func:`make_server`.
    """
    server = make_server(out, host=host, port=port, allow_update=allow_update,
                         timeout=timeout, max_rows=max_rows, allow_remote=allow_remote,
                         in_memory=in_memory)
    bound_host, bound_port = server.server_address[:2]
    shown = f"[{bound_host}]" if ":" in str(bound_host) else bound_host
    url = f"http://{shown}:{bound_port}/sparql"
    log.info("serving %s at %s", out, url)
    if ready is not None:
        ready(url)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        server.pool.close()
