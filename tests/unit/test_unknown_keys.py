"""Unknown keys list the allowed ones with a "mente du" (issue 9, item 11d).

The lists are read from the models, so the expected texts below are built from the models'
fields too: a new operator or kind of computed value is listed without an edit here.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from engine import RulesError, load_rules
from engine.language.conditions import Comparison
from engine.language.rules import PriorityFile
from engine.language.validation_messages import fold, model_at, problems_from, suggest_key
from engine.language.vocabulary import DerivedSpec
from support.bundles import write_bundle

SECTIONS = """
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
  soknad_mottatt: {type: dato, etikett: Søknad mottatt, obligatorisk: true}
  takket_nei: {type: heltall, etikett: Antall avslag, min: 0}
"""
OPERATORS = ", ".join(k for k in Comparison.model_fields if k != "felt")
KINDS = ", ".join(k for k in DerivedSpec.model_fields if k not in ("etikett", "beskrivelse", "enhet"))
OPTIONAL = ", ".join(k for k in ("beskrivelse", "enhet") if k in DerivedSpec.model_fields)


def _problems(tmp_path, monkeypatch, **files) -> list[str]:
    monkeypatch.chdir(tmp_path)
    write_bundle(tmp_path / "regler", sections=SECTIONS, **files)
    with pytest.raises(RulesError) as caught:
        load_rules("regler")
    return [str(p) for p in caught.value.problems]


def test_an_unknown_operator_suggests_the_one_meant_and_lists_the_operators(tmp_path, monkeypatch):
    problems = _problems(tmp_path, monkeypatch, criteria="""
        - id: avslag
          navn: Få avslag
          poeng: 1
          betingelse: {felt: kandidat.takket_nei, mindre_enn: 2}
          forklaring: Få avslag.
          hjemmel: Test
        """)
    assert problems == [
        "regler/prioritering.yaml:7: kriterium 'avslag': ukjent felt 'mindre_enn' (mente du 'under'?); en "
        f"sammenligning har 'felt' og én operator: {OPERATORS}; en sammensatt betingelse har 'alle', 'noen' "
        "eller 'ikke'"]


def test_an_unknown_kind_of_computed_value_lists_the_kinds_read_from_the_model(tmp_path, monkeypatch):
    problems = _problems(tmp_path, monkeypatch, derived="""
        ventetid:
          etikett: ventetid
          formler: kandidat.takket_nei * 2
        """, criteria="""
        - {id: k, navn: K, poeng: 1, forklaring: K., hjemmel: Test, betingelse: {felt: kandidat.takket_nei, over: 1}}
        """)
    optional = f" (og eventuelt {OPTIONAL})" if OPTIONAL else ""
    assert problems == [
        "regler/felter.yaml:11: beregnet.ventetid.formler: ukjent felt 'formler' (mente du 'formel'?); en beregnet "
        f"verdi har 'etikett' og én av disse: {KINDS}{optional}"]
    assert "maneder_siden" in KINDS and "antall" in KINDS


def test_a_key_spelt_with_aeoeaa_suggests_the_ascii_key(tmp_path, monkeypatch):
    problems = _problems(tmp_path, monkeypatch, derived="""
        ventetid:
          etikett: ventetid
          måneder_siden: kandidat.soknad_mottatt
        """, criteria="""
        - {id: k, navn: K, poeng: 1, forklaring: K., hjemmel: Test, betingelse: {felt: kandidat.takket_nei, over: 1}}
        """)
    assert "ukjent felt 'måneder_siden' (mente du 'maneder_siden'?)" in problems[0]


def test_an_unknown_key_of_an_ordinary_model_lists_its_keys(tmp_path, monkeypatch):
    problems = _problems(tmp_path, monkeypatch, criteria="""
        - {id: k, navn: K, points: 1, poeng: 1, forklaring: K., hjemmel: Test,
           betingelse: {felt: kandidat.takket_nei, over: 1}}
        """)
    fields = ", ".join(PriorityFile.model_fields["kriterier"].annotation.__args__[0].model_fields)
    assert problems == [f"regler/prioritering.yaml:4: kriterium 'k': ukjent felt 'points' (mente du 'poeng'?); "
                        f"tillatt her: {fields}"]


@pytest.mark.parametrize("key, allowed, meant", [
    ("mindre_enn", ["felt", "under", "over"], "under"),
    ("Større enn", ["felt", "under", "over"], "over"),
    ("minst_lik", ["felt", "minst"], "minst"),
    ("og", ["felt", "er", "alle", "noen"], "alle"),
    ("FELT", ["felt", "er"], "felt"),
    ("formula", ["etikett", "formel", "tabell"], "formel"),
    ("tabel", ["etikett", "formel", "tabell"], "tabell"),
    ("helt_annet", ["felt", "er"], None),
])
def test_suggest_key(key, allowed, meant):
    assert suggest_key(key, allowed) == meant


def test_the_model_of_an_error_is_found_through_lists_unions_and_tags():
    data = {"versjon": "1", "gjelder_fra": "2026-01-01", "kriterier": [
        {"id": "a", "navn": "a", "poeng": {"per": 1, "verdi": "x", "maks": 3, "enhett": "x"}, "forklaring": "x",
         "hjemmel": "h", "betingelse": {"ikke": {"alle": [{"felt": "x", "storre_enn": 1}]}}}]}
    with pytest.raises(ValidationError) as caught:
        PriorityFile.model_validate(data)
    unknown = {err["loc"][-1]: model_at(PriorityFile, err["loc"]) for err in caught.value.errors()
               if err["type"] == "extra_forbidden"}
    assert {k: m.__name__ for k, m in unknown.items()} == {"enhett": "PerUnitPoints", "storre_enn": "Comparison"}


def test_a_request_body_without_a_document_keeps_the_bare_message():
    with pytest.raises(ValidationError) as caught:
        Comparison.model_validate({"felt": "x", "er": 1, "mindre_enn": 2})
    assert [p.message for p in problems_from(caught.value)] == ["ukjent felt 'mindre_enn'"]
    assert [p.message for p in problems_from(caught.value, model=Comparison)][0].startswith(
        "ukjent felt 'mindre_enn' (mente du 'under'?)")


def test_fold_treats_case_aeoeaa_and_separators_alike():
    assert fold("Fødeland") == fold("foedeland") == fold("fodeland") == "fodeland"
    assert fold("Seksuell orientering") == fold("seksuell_orientering") == fold("SEKSUELL-ORIENTERING")
    assert fold("Måneder siden") == fold("maaneder_siden") == "maneder_siden"
