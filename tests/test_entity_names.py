"""One resolver for the entity names users type (``--focus``, ``--param entity=``)."""

from __future__ import annotations

import pytest

from graph.entities import find_entity
from graph.errors import QueryError

NAMES = {
    "a-georgia-tech": ["Georgia Tech", "a-georgia-tech", "Georgia"],
    "georgia": ["Georgia", "georgia", "Sakartvelo"],
    "https://x.test/entity/peru": ["Peru", "https://x.test/entity/peru"],
}


def test_a_label_beats_an_alias_whatever_the_order():
    assert find_entity("GEORGIA", NAMES, option="--focus") == "georgia"
    assert find_entity("GEORGIA", dict(reversed(NAMES.items())), option="--focus") == \
        "georgia"
    assert find_entity("sakartvelo", NAMES, option="--focus") == "georgia"


def test_iri_with_or_without_brackets():
    for name in ("https://x.test/entity/peru", "<https://x.test/entity/peru>"):
        assert find_entity(name, NAMES, option="--param") == "https://x.test/entity/peru"


def test_equal_matches_resolve_to_the_smallest_id():
    twins = {"b": ["Twin", "b"], "a": ["twin", "a"]}
    assert find_entity("Twin", twins, option="--focus") == "a"


def test_unknown_name_names_the_option_and_close_labels():
    peru = r"--param: no entity labelled 'Peruu'.*close labels: Peru"
    with pytest.raises(QueryError, match=peru):
        find_entity("Peruu", NAMES, option="--param")
    with pytest.raises(QueryError, match=r"--focus: no entity labelled 'Zzqx'.*no label is close"):
        find_entity("Zzqx", NAMES, option="--focus")


def test_focus_and_param_agree_on_an_alias(seed_build):
    from graph.exporters import Source
    from graph.sparql import bind_param, open_store
    from graph.subgraph import resolve_entity

    _result, out = seed_build
    source = Source(out)
    with_alias = [e for e in source.nodes() if e.aliases]
    assert with_alias, "the seed build should describe at least one entity with an alias"
    for entity in with_alias:
        alias = entity.aliases[0]
        key = resolve_entity(source.result, alias)
        iri = bind_param(open_store(out), alias).value
        assert iri.endswith("/entity/" + key)
        assert key == entity.key or alias in (source.result.entities[key].label,
                                              source.result.entities[key].key)


def test_aliases_are_names_not_pronouns_or_head_words(seed_build):
    """Coreference resolves "it" and "the islands" to entities; those are not aliases."""
    from graph.exporters import Source

    _result, out = seed_build
    entities = Source(out).nodes()
    aliases = {a: e.label for e in entities for a in e.aliases}
    assert aliases
    lower = {a: label for a, label in aliases.items() if a == a.lower()}
    assert not lower, f"common words or pronouns recorded as aliases: {lower}"
    # "Islands" occurs in the seeds only as the head of "Paracel Islands"
    assert "Islands" not in aliases
