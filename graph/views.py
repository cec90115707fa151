"""Interactive HTML views of the graph (pyvis), fully offline and escaped.

pyvis pages link their scripts and styles to CDNs by default, which leaves a blank page
without network; this module inlines vis-network and removes every remote reference.
Every label and tooltip is HTML-escaped, so article text can never run as script.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from .model import Article, Entity, Statement

#: Node colour and shape per ontology class (also drawn in the legend).
CLASS_STYLE: dict[str, tuple[str, str]] = {
    "Country": ("#1f77b4", "dot"),
    "City": ("#17becf", "dot"),
    "Place": ("#2ca02c", "triangle"),
    "GovernmentOrganization": ("#d62728", "square"),
    "Organization": ("#ff7f0e", "square"),
    "MilitaryUnit": ("#8c564b", "diamond"),
    "NewsAgency": ("#bcbd22", "square"),
    "Person": ("#9467bd", "star"),
    "Vessel": ("#7f7f7f", "diamond"),
    "Group": ("#e377c2", "dot"),
    "Event": ("#aec7e8", "triangleDown"),
    "Concept": ("#c7c7c7", "ellipse"),
}
# Any script or stylesheet loaded from elsewhere (CDN or a relative node_modules path).
_REMOTE = re.compile(r"<(script|link)\b[^>]*\b(src|href)=\"[^\"]*\"[^>]*>(\s*</script>)?",
                     re.IGNORECASE)

# Labels and tooltips travel HTML-escaped; in the page they are decoded in an inert
# DOMParser document (no script runs, no image loads) and tooltips become elements
# filled with textContent, so vis-network never parses article text as HTML.
_TEXT_JS = """
function ngText(s) {
  return new DOMParser().parseFromString(String(s), "text/html").documentElement.textContent;
}
function ngTip(s) {
  var d = document.createElement("div");
  d.style.whiteSpace = "pre-wrap"; d.style.maxWidth = "520px";
  d.textContent = ngText(s);
  return d;
}
nodes.update(nodes.get().map(function (n) {
  return {id: n.id, label: ngText(n.label), title: ngTip(n.title)}; }));
edges.update(edges.get().map(function (e) {
  return {id: e.id, label: ngText(e.label), title: ngTip(e.title)}; }));
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def select_nodes(statements: list[Statement], max_nodes: int | None) -> tuple[set[str], int]:
    """Keep the ``max_nodes`` best-connected nodes; return them and how many were cut."""
    degree: Counter[str] = Counter()
    for s in statements:
        degree[s.subject] += 1
        degree[s.object] += 1
    nodes = sorted(degree, key=lambda k: (-degree[k], k))
    if max_nodes is None or len(nodes) <= max_nodes:
        return set(nodes), 0
    return set(nodes[:max_nodes]), len(nodes) - max_nodes


def render_html(statements: Iterable[Statement], entities: dict[str, Entity],
                articles: dict[str, Article], *, title: str = "newsgraph",
                max_nodes: int | None = 500) -> tuple[str, dict[str, int]]:
    """Render an offline interactive page of the statements.

    Args:
        statements: Statements to draw (one edge each; parallel edges stay separate).
        entities: Entities by key, for labels and classes.
        articles: Articles by id, for tooltips.
        title: Page heading.
        max_nodes: Keep at most this many best-connected nodes (``None``: all).

    Returns:
        The page's HTML and its counts: ``nodes``, ``edges`` drawn and ``cut`` nodes
        left out.
    """
    from pyvis.network import Network

    stmts = sorted(statements, key=lambda s: (s.subject, s.relation, s.object, s.char_start))
    keep, cut = select_nodes(stmts, max_nodes)
    # Size by degree in the whole selection; every kept node is drawn, even when all
    # its edges lead to nodes that --max-nodes cut.
    degree: Counter[str] = Counter()
    for s in stmts:
        degree[s.subject] += 1
        degree[s.object] += 1
    degree = Counter({k: degree[k] for k in keep})
    stmts = [s for s in stmts if s.subject in keep and s.object in keep]
    net = Network(height="92vh", width="100%", directed=True, cdn_resources="in_line",
                  notebook=False)
    for key in sorted(degree):
        e = entities[key]
        colour, shape = CLASS_STYLE.get(e.cls, ("#999999", "dot"))
        tip = f"{_esc(e.label)} ({_esc(e.cls)})"
        if e.aliases:
            tip += "\nalso: " + _esc(", ".join(e.aliases))
        net.add_node(key, label=_esc(e.label), title=tip, color=colour, shape=shape,
                     size=10 + 4 * min(degree[key], 10))
    evidence: dict[tuple[str, str, str, bool, str], list[Statement]] = defaultdict(list)
    for s in stmts:
        evidence[(s.subject, s.relation, s.object, s.negated, s.modality)].append(s)
    # Parallel edges of a pair (either direction) fan out on arcs of growing curvature.
    fan: Counter[tuple[str, str]] = Counter()
    for (subj, rel, obj, negated, modality), group in sorted(evidence.items()):
        pair = (min(subj, obj), max(subj, obj))
        nth = fan[pair]
        fan[pair] += 1
        lines = []
        for s in group:
            a = articles.get(s.article)
            who = f" (according to {entities[s.attributed_to].label})" if s.attributed_to \
                else ""
            lines.append(f"“{s.sentence}”{who}\n— {a.title if a else s.article}"
                         f"{', ' + a.date if a and a.date else ''}")
        label = ("NOT " if negated else "") + rel + (" [intent]" if modality == "intent"
                                                     else " [possible]" if modality ==
                                                     "possible" else "")
        net.add_edge(subj, obj, label=_esc(label), title=_esc("\n\n".join(lines)),
                     dashes=modality != "fact", color="#d62728" if negated else "#555555",
                     arrows="to", font={"size": 10, "align": "middle"},
                     smooth={"enabled": nth > 0, "type": "curvedCW",
                             "roundness": round(0.18 * nth, 2)})
    net.set_options('{"physics": {"stabilization": {"enabled": true, "iterations": 300},'
                    ' "barnesHut": {"springLength": 160}}, "edges": {"smooth": false},'
                    ' "interaction": {"hover": true, "navigationButtons": false}}')
    page = net.generate_html()
    page = _REMOTE.sub("", page)
    page = _add_legend(page, title, {entities[k].cls for k in degree}, cut)
    page = page.replace('<div id="mynetwork"',
                        f'<div id="mynetwork" data-nodes="{len(degree)}" '
                        f'data-edges="{len(evidence)}" data-cut="{cut}"', 1)
    page = page.replace("data = {nodes: nodes, edges: edges};", _TEXT_JS +
                        "data = {nodes: nodes, edges: edges};", 1)
    page = page.replace("network = new vis.Network(container, data, options);",
                        "network = new vis.Network(container, data, options);\n"
                        "network.once('stabilizationIterationsDone', function () {"
                        " network.setOptions({physics: false}); });")
    return page, {"nodes": len(degree), "edges": len(evidence), "cut": cut}


def _add_legend(page: str, title: str, classes: set[str], cut: int) -> str:
    items = "".join(
        f'<span style="margin-right:12px"><span style="display:inline-block;width:10px;'
        f'height:10px;background:{CLASS_STYLE.get(c, ("#999", ""))[0]}"></span> {_esc(c)}</span>'
        for c in sorted(classes))
    note = f" — {cut} less-connected nodes not shown" if cut else ""
    legend = (f'<div id="ng-legend" style="font:13px sans-serif;padding:6px">'
              f"<b>{_esc(title)}</b>{_esc(note)}<br>{items} "
              "<span>dashed edge: intent or possibility; red edge: denied</span></div>")
    return page.replace("<body>", "<body>\n" + legend, 1)
