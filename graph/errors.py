"""Coded, fix-suggesting errors. Every message is one line and names what to do next."""

from __future__ import annotations


class NewsgraphError(Exception):
    """Base class: ``code`` identifies the error kind, the message says how to fix it."""

    code = "E000"

    def __init__(self, message: str) -> None:
        super().__init__(f"[{self.code}] {message}")


class ModelNotFound(NewsgraphError):
    """No spaCy English model could be loaded."""

    code = "E001"


class InputError(NewsgraphError):
    """An input file cannot be read as an article (names the file and the reason)."""

    code = "E002"


class OutputError(NewsgraphError):
    """An output directory or store is missing or unusable."""

    code = "E003"


class QueryError(NewsgraphError):
    """A SPARQL query is malformed or refers to something missing."""

    code = "E004"


class DataError(NewsgraphError):
    """A data file under ``ontology/`` is malformed."""

    code = "E005"
