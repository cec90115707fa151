"""Access to the data files under ``ontology/`` that drive behaviour.

Aliases, relation lexicons, boilerplate patterns and the spinner lexicon are data, not
code: adding one is one line in a file. The directory is found next to the package
(source checkout) or through ``NEWSGRAPH_ONTOLOGY``.
"""

from __future__ import annotations

import csv
import os
from functools import cache
from pathlib import Path

from .errors import DataError


def ontology_dir() -> Path:
    """Return the directory holding the ontology and the data tables."""
    override = os.environ.get("NEWSGRAPH_ONTOLOGY")
    if override:
        return Path(override)
    for candidate in (Path(__file__).resolve().parent.parent / "ontology",
                      Path(__file__).resolve().parent / "data"):
        if candidate.is_dir():
            return candidate
    raise DataError("ontology directory not found: set NEWSGRAPH_ONTOLOGY to the folder "
                    "holding newsgraph.ttl")


@cache
def load_lines(name: str) -> tuple[str, ...]:
    """Return the non-comment, non-blank lines of a data file."""
    path = ontology_dir() / name
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(ln.rstrip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#"))


@cache
def load_table(name: str) -> tuple[dict[str, str], ...]:
    """Return the rows of a tab-separated data file with a header line.

    Lines starting with ``#`` are comments. Empty cells become ``""``.

    Raises:
        DataError: When a row has more cells than the header.
    """
    path = ontology_dir() / name
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader)
    rows = []
    for number, row in enumerate(reader, start=2):
        if len(row) > len(header):
            raise DataError(f"{path}: row {number} has {len(row)} cells, header has "
                            f"{len(header)}")
        rows.append({h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)})
    return tuple(rows)
