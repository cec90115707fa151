"""Real loads of the exports into graph stores: Oxigraph server, Kuzu, Virtuoso.

Each server is started by its test on a free loopback port in a temporary directory and
always stopped by a finalizer. The commands mirror the README's "Use the graph elsewhere".
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from graph.exporters import export

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(request: pytest.FixtureRequest, cmd: list[str], log: Path,
           **kwargs: object) -> subprocess.Popen:
    """Start a server process that a finalizer always terminates (then kills)."""
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, **kwargs)

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    request.addfinalizer(stop)
    return proc


def _wait_http(url: str, proc: subprocess.Popen, log: Path, *, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # the server answers, even if not with 200 to a bare GET
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer within {timeout}s: {log.read_text()[-2000:]}")


def _sparql_select(endpoint: str, query: str) -> list[dict[str, str]]:
    body = urllib.parse.urlencode({"query": query}).encode("utf-8")
    req = urllib.request.Request(endpoint, data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        data = json.loads(resp.read().decode("utf-8"))
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def _quads_per_graph(nq: Path) -> Counter[str]:
    """Quads per graph IRI of an N-Quads export (every quad of ours is in a named graph)."""
    counts: Counter[str] = Counter()
    for line in nq.read_text(encoding="utf-8").splitlines():
        if line.strip():
            graph = line.rstrip(" .").rsplit(" ", 1)[-1]
            assert graph.startswith("<") and graph.endswith(">"), line
            counts[graph[1:-1]] += 1
    return counts


_PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def test_oxigraph_server_loads_nquads_over_graph_store_protocol(seed_build, tmp_path,
                                                                 request):
    _result, out = seed_build
    nq = export(out, "nq", to=tmp_path / "graph.nq")
    port = _free_port()
    log = tmp_path / "oxigraph.log"
    proc = _start(request, [str(BIN / "oxigraph"), "serve", "--location",
                            str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"], log)
    base = f"http://127.0.0.1:{port}"
    _wait_http(base + "/", proc, log)
    req = urllib.request.Request(base + "/store", data=nq.read_bytes(), method="POST",
                                 headers={"Content-Type": "application/n-quads"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        assert resp.status in (200, 201, 204)
    want = _quads_per_graph(nq)
    rows = _sparql_select(base + "/query", _PER_GRAPH)
    got = {r["g"]: int(r["n"]) for r in rows}
    assert got == dict(want)
    total = _sparql_select(base + "/query",
                           "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert int(total[0]["n"]) == sum(want.values()) > 100


def test_kuzu_loads_the_neo4j_export(seed_build, tmp_path, monkeypatch):
    import kuzu

    result, out = seed_build
    folder = export(out, "neo4j", to=tmp_path / "neo4j")
    monkeypatch.chdir(folder)  # kuzu.cypher names the CSV files relative to its folder
    db = kuzu.Database(str(tmp_path / "kuzu-db"))
    conn = kuzu.Connection(db)
    conn.execute((folder / "kuzu.cypher").read_text(encoding="utf-8"))  # as its README says
    n_rels = conn.execute("MATCH ()-[r:Fact]->() RETURN count(r)").get_next()[0]
    n_nodes = conn.execute("MATCH (n:Entity) RETURN count(n)").get_next()[0]
    n_neg = conn.execute("MATCH ()-[r:Fact]->() WHERE r.negated RETURN count(r)"
                         ).get_next()[0]
    assert n_rels == len(result.statements) > 0
    assert n_nodes == len(result.entities)
    assert n_neg == sum(s.negated for s in result.statements)


VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 100000
"""


def test_virtuoso_loads_nquads(seed_build, tmp_path, request):
    virtuoso, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    assert virtuoso and isql, "Virtuoso is missing: run `make sysdeps`"
    _result, out = seed_build
    nq = export(out, "nq", to=tmp_path / "graph.nq")
    sql, http = _free_port(), _free_port()
    ini = tmp_path / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=tmp_path, sql=sql, http=http), encoding="utf-8")
    log = tmp_path / "server.log"
    proc = _start(request, [virtuoso, "-f", "-c", str(ini)], log, cwd=tmp_path)
    endpoint = f"http://127.0.0.1:{http}/sparql"
    _wait_http(endpoint, proc, log, timeout=120)
    load = (f"DB.DBA.TTLP_MT(file_to_string_output('{nq}'), '', "
            f"'urn:newsgraph:unused', 512); checkpoint;")
    done = subprocess.run([isql, f"127.0.0.1:{sql}", "dba", "dba", f"exec={load}"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and "Error" not in done.stdout + done.stderr, \
        done.stdout + done.stderr
    want = _quads_per_graph(nq)
    got = {r["g"]: int(r["n"]) for r in _sparql_select(endpoint, _PER_GRAPH)
           if r["g"] in want}  # Virtuoso keeps system graphs of its own
    assert got == dict(want)
    assert sum(got.values()) > 100


def test_kuzu_runs_the_merge_script_idempotently(seed_build, tmp_path):
    import kuzu

    result, out = seed_build
    script = export(out, "kuzu", to=tmp_path / "graph.kuzu.cypher").read_text(
        encoding="utf-8")
    conn = kuzu.Connection(kuzu.Database(str(tmp_path / "kuzu-db")))
    for _run in range(2):  # the second run must update in place, not duplicate
        conn.execute(script)
        n_rels = conn.execute("MATCH ()-[r:Fact]->() RETURN count(r)").get_next()[0]
        n_nodes = conn.execute("MATCH (n:Entity) RETURN count(n)").get_next()[0]
        assert n_rels == len(result.statements) > 0
        assert n_nodes == len(result.entities)
    labels = dict(conn.execute("MATCH (n:Entity) RETURN n.id, n.label").get_all())
    assert labels == {k: e.label for k, e in result.entities.items()}
    sentences = sorted(row[0] for row in conn.execute(
        "MATCH ()-[r:Fact]->() RETURN r.sentence").get_all())
    assert sentences == sorted(s.sentence for s in result.statements)
