"""SHACL validation of a build against ``ontology/shapes.ttl`` (needs the ``validate`` extra)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError
from .resources import ontology_dir


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL result, readable."""

    focus: str
    path: str
    message: str


def validate(out: Path) -> list[Violation]:
    """Validate a build's ``graph.trig`` (all graphs together) against the shapes.

    Raises:
        OutputError: When the build or pyshacl is missing.
    """
    try:
        import pyshacl
    except ImportError as exc:
        raise OutputError("pyshacl is not installed: pip install 'newsgraph[validate]'") from exc
    from rdflib import Dataset, Graph, Namespace

    trig = out / "graph.trig"
    if not trig.is_file():
        raise OutputError(f"{out}: no graph.trig; run `newsgraph build INPUT --out {out}`")
    ds = Dataset()
    ds.parse(trig, format="trig")
    data = Graph()
    for s, p, o, _g in ds.quads((None, None, None, None)):
        data.add((s, p, o))
    shapes = Graph().parse(ontology_dir() / "shapes.ttl")
    ontology = Graph().parse(ontology_dir() / "newsgraph.ttl")
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology,
                                                inference="none", allow_warnings=True)
    sh = Namespace("http://www.w3.org/ns/shacl#")
    found = []
    for result in report.subjects(predicate=None, object=sh.ValidationResult):
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        msg = report.value(result, sh.resultMessage)
        found.append(Violation(str(focus), str(path or ""), str(msg or "")))
    return sorted(found, key=lambda v: (v.focus, v.path, v.message))
