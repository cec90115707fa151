"""The SPARQL endpoint, driven over loopback by a real HTTP client (httpx).

``newsgraph serve`` runs as a real subprocess on a free port against the seed build; a
finalizer always stops it (and with it the query worker processes).
"""

from __future__ import annotations

import csv
import io
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
import rdflib

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
NG = "https://w3id.org/newsgraph/ontology#"
STATEMENTS = """SELECT ?st ?rel ?neg ?modality WHERE {
  ?st a ng:Statement ; ng:relationLabel ?rel ; ng:negated ?neg ; ng:modality ?m .
  BIND(LCASE(STRAFTER(STR(?m), "#")) AS ?modality)
}"""
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
MAX_ROWS = 200


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(request: pytest.FixtureRequest, out: Path, log: Path, *extra: str) -> str:
    """Start ``newsgraph serve``, wait for /health, return the base URL."""
    port = _free_port()
    fh = open(log, "wb")  # noqa: SIM115 - closed by the finalizer
    proc = subprocess.Popen([str(BIN / "newsgraph"), "serve", str(out), "--port", str(port),
                             *extra], stdout=fh, stderr=subprocess.STDOUT)

    def stop() -> None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        fh.close()

    request.addfinalizer(stop)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"newsgraph serve exited {proc.returncode}: {log.read_text()}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return base
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"newsgraph serve did not answer /health within 60 s: {log.read_text()}")


@pytest.fixture(scope="module")
def endpoint(request, seed_build, tmp_path_factory):
    """Base URL of a read-only endpoint over the seed build (3 s timeout, 200-row cap)."""
    _result, out = seed_build
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    return _serve(request, out, log, "--timeout", "3", "--max-rows", str(MAX_ROWS))


def _expected(seed_rows: list[dict[str, str]]) -> Counter:
    return Counter((r["statement_id"], r["relation"], r["negated"], r["modality"])
                   for r in seed_rows)


def _triples(base: str) -> int:
    return httpx.get(f"{base}/health", timeout=10).json()["triples"]


def test_health_counts_the_store(endpoint, seed_build):
    import pyoxigraph as ox

    _result, out = seed_build
    store = ox.Store.read_only(str(out / "store"))
    assert _triples(endpoint) == len(store) > 0


def test_select_json_matches_statements_csv(endpoint, seed_rows):
    r = httpx.get(f"{endpoint}/sparql", params={"query": STATEMENTS}, timeout=10)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/sparql-results+json"
    doc = r.json()
    assert doc["head"]["vars"] == ["st", "rel", "neg", "modality"]
    got = Counter((b["st"]["value"].rsplit("/", 1)[1], b["rel"]["value"], b["neg"]["value"],
                   b["modality"]["value"]) for b in doc["results"]["bindings"])
    assert got == _expected(seed_rows)
    neg = doc["results"]["bindings"][0]["neg"]
    assert neg["datatype"] == "http://www.w3.org/2001/XMLSchema#boolean"


def test_select_csv_and_format_parameter(endpoint, seed_rows):
    by_accept = httpx.get(f"{endpoint}/query", params={"query": STATEMENTS},
                          headers={"Accept": "text/csv"}, timeout=10)
    by_param = httpx.get(f"{endpoint}/sparql", params={"query": STATEMENTS, "format": "csv"},
                         timeout=10)
    assert by_accept.headers["content-type"] == "text/csv"
    assert by_accept.content == by_param.content
    rows = list(csv.DictReader(io.StringIO(by_accept.text)))
    got = Counter((r["st"].rsplit("/", 1)[1], r["rel"], r["neg"], r["modality"]) for r in rows)
    assert got == _expected(seed_rows)


def test_select_tsv_and_xml(endpoint, seed_rows):
    tsv = httpx.get(f"{endpoint}/sparql", params={"query": STATEMENTS},
                    headers={"Accept": "text/tab-separated-values"}, timeout=10)
    lines = tsv.text.splitlines()
    assert lines[0] == "?st\t?rel\t?neg\t?modality"
    assert len(lines) - 1 == len(seed_rows)
    xml = httpx.get(f"{endpoint}/sparql", params={"query": STATEMENTS},
                    headers={"Accept": "application/sparql-results+xml"}, timeout=10)
    assert xml.headers["content-type"] == "application/sparql-results+xml"
    result = rdflib.query.Result.parse(io.BytesIO(xml.content), format="xml")
    assert len(list(result)) == len(seed_rows)


def test_ask(endpoint, seed_rows):
    relation = seed_rows[0]["relation"]
    yes = httpx.get(f"{endpoint}/sparql", timeout=10, params={
        "query": f'ASK {{ ?st ng:relationLabel "{relation}" }}'})
    no = httpx.get(f"{endpoint}/sparql", timeout=10, params={
        "query": 'ASK { ?st ng:relationLabel "no such relation at all" }'})
    assert yes.json() == {"head": {}, "boolean": True}
    assert no.json()["boolean"] is False


def test_construct_turtle_and_ntriples(endpoint, seed_rows):
    q = "CONSTRUCT { ?st ng:relationLabel ?rel } WHERE { ?st a ng:Statement ; " \
        "ng:relationLabel ?rel }"
    ttl = httpx.post(f"{endpoint}/sparql", content=q, timeout=10,
                     headers={"Content-Type": "application/sparql-query"})
    assert ttl.status_code == 200
    assert ttl.headers["content-type"] == "text/turtle"
    g = rdflib.Graph().parse(data=ttl.text, format="turtle")
    assert len(g) == len({r["statement_id"] for r in seed_rows})
    assert {str(o) for o in g.objects()} == {r["relation"] for r in seed_rows}
    nt = httpx.post(f"{endpoint}/sparql", content=q, timeout=10,
                    headers={"Content-Type": "application/sparql-query",
                             "Accept": "application/n-triples"})
    assert nt.headers["content-type"] == "application/n-triples"
    assert rdflib.Graph().parse(data=nt.text, format="nt").isomorphic(g)


def test_post_form_query_and_named_graph(endpoint, seed_rows):
    article = seed_rows[0]["article"]
    graph = f"https://w3id.org/newsgraph/id/article/{article}"
    q = "SELECT ?st WHERE { ?st a ng:Statement }"
    r = httpx.post(f"{endpoint}/sparql", data={"query": q, "default-graph-uri": graph},
                   timeout=10)
    assert r.status_code == 200
    got = {b["st"]["value"].rsplit("/", 1)[1] for b in r.json()["results"]["bindings"]}
    assert got == {row["statement_id"] for row in seed_rows if row["article"] == article}


def test_update_refused_and_store_unchanged(endpoint):
    before = _triples(endpoint)
    update = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    form = httpx.post(f"{endpoint}/sparql", data={"update": update}, timeout=10)
    direct = httpx.post(f"{endpoint}/sparql", content=update, timeout=10,
                        headers={"Content-Type": "application/sparql-update"})
    assert form.status_code == direct.status_code == 403
    assert "--allow-update" in form.text
    assert _triples(endpoint) == before
    ask = httpx.get(f"{endpoint}/sparql", params={"query": "ASK { <urn:x:a> ?p ?o }"},
                    timeout=10)
    assert ask.json()["boolean"] is False


def test_update_allowed_with_flag(request, seed_build, tmp_path):
    _result, out = seed_build
    copy = tmp_path / "build"
    shutil.copytree(out, copy)
    base = _serve(request, copy, tmp_path / "serve.log", "--allow-update")
    before = _triples(base)
    r = httpx.post(f"{base}/sparql", data={"update": "INSERT DATA { <urn:x:a> <urn:x:b> 1 }"},
                   timeout=10)
    assert r.status_code == 200
    assert _triples(base) == before + 1


def test_runaway_query_stopped_at_timeout(endpoint):
    started = time.monotonic()
    r = httpx.get(f"{endpoint}/sparql", params={"query": RUNAWAY}, timeout=30)
    elapsed = time.monotonic() - started
    assert r.status_code == 504
    assert "timed out after 3 s" in r.text
    assert elapsed < 10
    # the killed worker is replaced: the endpoint still answers
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ok = httpx.get(f"{endpoint}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
        if ok.status_code == 200:
            break
    assert ok.json()["boolean"] is True


def test_row_cap(endpoint, seed_build):
    r = httpx.get(f"{endpoint}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                  timeout=10)
    assert r.status_code == 413
    assert f"more than {MAX_ROWS} rows" in r.text
    limited = httpx.get(f"{endpoint}/sparql", timeout=10, params={
        "query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}"})
    assert len(limited.json()["results"]["bindings"]) == MAX_ROWS


def test_bad_query_is_400(endpoint):
    r = httpx.get(f"{endpoint}/sparql", params={"query": "SELECT WHERE {"}, timeout=10)
    assert r.status_code == 400
    assert "invalid SPARQL" in r.text


def test_root_serves_graph_page(endpoint, seed_build):
    _result, out = seed_build
    r = httpx.get(f"{endpoint}/", timeout=10)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.content == (out / "graph.html").read_bytes()


def test_non_loopback_host_refused(seed_build):
    _result, out = seed_build
    proc = subprocess.run([str(BIN / "newsgraph"), "serve", str(out), "--host", "0.0.0.0",
                           "--port", str(_free_port())], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert "--allow-remote" in proc.stderr


@pytest.fixture(scope="module")
def memory_endpoint(request, seed_build, tmp_path_factory):
    """The same build served from in-memory copies of the store (``--in-memory``)."""
    _result, out = seed_build
    log = tmp_path_factory.mktemp("serve-mem") / "serve.log"
    return _serve(request, out, log, "--in-memory", "--timeout", "3")


def test_in_memory_endpoint_answers_as_the_disk_one(memory_endpoint, endpoint):
    health = httpx.get(f"{memory_endpoint}/health", timeout=10).json()
    assert health["in_memory"] is True and health["writable"] is False
    assert httpx.get(f"{endpoint}/health", timeout=10).json()["in_memory"] is False
    assert health["triples"] == _triples(endpoint)
    headers = {"Accept": "text/csv"}
    query = STATEMENTS + " ORDER BY ?st"
    mem = httpx.get(f"{memory_endpoint}/sparql", params={"query": query}, headers=headers,
                    timeout=10)
    disk = httpx.get(f"{endpoint}/sparql", params={"query": query}, headers=headers,
                     timeout=10)
    assert mem.status_code == disk.status_code == 200
    assert mem.text == disk.text and mem.text.count("\n") > 10


def test_in_memory_endpoint_still_stops_a_runaway_query(memory_endpoint):
    r = httpx.get(f"{memory_endpoint}/sparql", params={"query": RUNAWAY}, timeout=30)
    assert r.status_code == 504
    after = httpx.get(f"{memory_endpoint}/sparql", params={"query": "ASK { ?s ?p ?o }"},
                      headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert after.status_code == 200 and after.json()["boolean"] is True


def test_in_memory_refuses_updates_at_start(seed_build):
    _result, out = seed_build
    res = subprocess.run([str(BIN / "newsgraph"), "serve", str(out), "--in-memory",
                          "--allow-update", "--port", str(_free_port())],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2
    assert "--in-memory" in res.stderr and "updates" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
