"""Select the statements of a view: focus entity and hops, relation, type, article, date.

The statements are read back from a build's store (``exporters.Source``), so a view
always shows what the build holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from urllib.parse import unquote

import networkx as nx

from .entities import find_entity
from .errors import QueryError
from .model import BuildResult, Statement


@dataclass(frozen=True)
class Filters:
    """What a view keeps (empty collections and ``None`` keep everything).

    Attributes:
        focus: Entity label or IRI to centre on.
        hops: Undirected distance from ``focus`` to keep.
        relations: Relation names to keep.
        types: Entity classes; a statement is kept if either end has one of them.
        article: Article id or source file name.
        since: Keep statements of articles dated on or after this ISO date.
    """

    focus: str | None = None
    hops: int = 1
    relations: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    article: str | None = None
    since: str | None = None


def resolve_entity(result: BuildResult, name: str) -> str:
    """Return the key of the entity named by label, alias, key or IRI (any case).

    Raises:
        QueryError: No entity matches; the message lists close labels.
    """
    wanted = name.strip().strip("<>").rstrip("/")
    if "/entity/" in wanted:  # an entity IRI: its last part is the percent-encoded key
        wanted = unquote(wanted.rsplit("/entity/", 1)[1])
    names = {key: [e.label, key, *e.aliases] for key, e in result.entities.items()}
    return find_entity(wanted if wanted else name, names, option="--focus")


def select(result: BuildResult, filters: Filters) -> list[Statement]:
    """Statements of ``result`` that pass ``filters``.

    Args:
        result: The build's data model.
        filters: What to keep.

    Returns:
        The kept statements, in the build's order.

    Raises:
        QueryError: An unknown focus entity or article, or a malformed date.
    """
    arts = {a.id: a for a in result.articles}
    stmts = list(result.statements)
    if filters.article is not None:
        wanted = filters.article
        ids = {a.id for a in result.articles
               if wanted in (a.id, a.source, Path(a.source).name)}
        if not ids:
            raise QueryError(f"--article {wanted!r}: no such article id or source file "
                             "in the build; see the article column of statements.csv")
        stmts = [s for s in stmts if s.article in ids]
    if filters.since is not None:
        try:
            since = Date.fromisoformat(filters.since)
        except ValueError:
            raise QueryError(f"--since {filters.since!r}: not an ISO date; write it like "
                             "2024-03-01") from None
        stmts = [s for s in stmts if (d := arts[s.article].date if s.article in arts
                                      else None) and Date.fromisoformat(d[:10]) >= since]
    if filters.relations:
        rels = {r.casefold() for r in filters.relations}
        stmts = [s for s in stmts if s.relation.casefold() in rels
                 or (s.predicate or "").casefold() in rels]
    if filters.types:
        types = {t.casefold() for t in filters.types}
        stmts = [s for s in stmts
                 if result.entities[s.subject].cls.casefold() in types
                 or result.entities[s.object].cls.casefold() in types]
    if filters.focus is not None:
        key = resolve_entity(result, filters.focus)
        graph: nx.Graph[str] = nx.Graph()
        graph.add_node(key)
        graph.add_edges_from((s.subject, s.object) for s in stmts)
        near = set(nx.single_source_shortest_path_length(graph, key, cutoff=filters.hops))
        stmts = [s for s in stmts if s.subject in near and s.object in near]
    return stmts


def render_view(out: Path, filters: Filters, *,
                max_nodes: int | None = 500) -> tuple[str, dict[str, int]]:
    """Read a build back from ``out`` and render the filtered view's page.

    Args:
        out: The build's output directory.
        filters: What to keep.
        max_nodes: Keep at most this many best-connected nodes (``None``: all).

    Returns:
        The page and its counts (``nodes``, ``edges``, ``cut``).
    """
    from .exporters import Source
    from .views import render_html

    result = Source(out).result
    stmts = select(result, filters)
    what = f"newsgraph: {len(result.articles)} articles"
    if filters.focus:
        what += f", {filters.focus} within {filters.hops} hops"
    return render_html(stmts, result.entities, {a.id: a for a in result.articles},
                       title=what, max_nodes=max_nodes)
