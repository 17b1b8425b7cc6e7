"""Lint that knows ranges (issue 9, item 11a): comparisons that are always or never true whatever the case says.

Each bundle is written with `write_bundle` in a temporary folder and run from there, so the
messages name `regler/<file>:<line>` as policy staff would see them.
"""

from __future__ import annotations

import pytest

from engine import load_rules
from engine.policy.lint import lint
from support.bundles import write_bundle

SECTIONS = """
beboer:
  id: {type: tekst, etikett: Beboer-ID, obligatorisk: true}
  aktiv_rus: {type: boolsk, etikett: aktiv rus}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
  sist_takket_nei: {type: dato, etikett: Sist takket nei}
  soknad_mottatt: {type: dato, etikett: Søknad mottatt, obligatorisk: true}
  fodselsdato: {type: dato, etikett: Fødselsdato}
  takket_nei: {type: heltall, etikett: Antall avslag, min: 0, maks: 10}
  rom_behov: {type: heltall, etikett: Rom søkeren trenger, min: 1, maks: 6, obligatorisk: true}
"""
DERIVED = """
maneder_siden_avslag: {etikett: måneder siden søkeren sist takket nei, maneder_siden: kandidat.sist_takket_nei}
beboere_aktiv_rus:
  etikett: beboere med aktiv rus
  antall: {blant: beboere, hvor: {felt: beboer.aktiv_rus, er: true}}
"""


def _findings(tmp_path, monkeypatch, condition: str, derived: str = DERIVED):
    """Lint of a bundle with one criterion whose condition is `condition`; returns the findings and its line."""
    monkeypatch.chdir(tmp_path)
    write_bundle(tmp_path / "regler", sections=SECTIONS, derived=derived, criteria=f"""
        - id: kriteriet
          navn: Kriteriet
          poeng: 5
          betingelse: {condition}
          forklaring: Kriteriet gjelder.
          hjemmel: Test
        """)
    line = (tmp_path / "regler" / "prioritering.yaml").read_text(encoding="utf-8").splitlines().index(
        f"    betingelse: {condition}") + 1
    findings = [f for f in lint(load_rules("regler")) if "brukes ikke av noen regel" not in f.problem.message]
    return findings, line


def test_more_than_minus_six_months_since_a_date_is_always_true_and_an_error_naming_file_line_and_range(
        tmp_path, monkeypatch):
    findings, line = _findings(tmp_path, monkeypatch, "{felt: beregnet.maneder_siden_avslag, over: -6}")
    assert [(f.severity, str(f.problem)) for f in findings] == [(
        "feil", f"regler/prioritering.yaml:{line}: kriterium 'kriteriet': 'over: -6' er alltid sann når verdien "
                "finnes: 'beregnet.maneder_siden_avslag' er aldri under 0 (hele måneder siden en dato er aldri "
                "negative; en dato på feil side av vurderingsdatoen gir ingen verdi); skriv 'finnes: true' hvis det "
                "er meningen")]


def test_fewer_than_zero_in_a_count_is_never_true_even_inside_alle(tmp_path, monkeypatch):
    findings, line = _findings(tmp_path, monkeypatch, "{alle: [{felt: kandidat.takket_nei, minst: 2}, "
                                                       "{felt: beregnet.beboere_aktiv_rus, under: 0}]}")
    assert [(f.severity, f.problem.rule_id, f.problem.line, f.problem.message) for f in findings] == [(
        "feil", "kriteriet", line, "'under: 0' kan aldri være sann: 'beregnet.beboere_aktiv_rus' er aldri under 0 "
                                   "(en telling er aldri negativ)")]


def test_at_least_zero_in_a_count_is_always_true_without_the_finnes_hint_since_a_count_always_has_a_value(
        tmp_path, monkeypatch):
    findings, _ = _findings(tmp_path, monkeypatch, "{felt: beregnet.beboere_aktiv_rus, minst: 0}")
    assert [f.problem.message for f in findings] == [
        "'minst: 0' er alltid sann: 'beregnet.beboere_aktiv_rus' er aldri under 0 (en telling er aldri negativ)"]


@pytest.mark.parametrize("condition, message", [
    ("{felt: kandidat.takket_nei, hoyst: 10}",
     "'hoyst: 10' er alltid sann når verdien finnes: 'kandidat.takket_nei' er aldri over 10 (maks: 10 i felter.yaml); "
     "skriv 'finnes: true' hvis det er meningen"),
    ("{felt: kandidat.takket_nei, minst: 11}",
     "'minst: 11' kan aldri være sann: 'kandidat.takket_nei' er aldri over 10 (maks: 10 i felter.yaml)"),
    ("{felt: kandidat.rom_behov, over: 0}",  # obligatorisk: always has a value, so no hint about finnes
     "'over: 0' er alltid sann: 'kandidat.rom_behov' er aldri under 1 (min: 1 i felter.yaml)"),
    ("{felt: kandidat.rom_behov, under: 1}",
     "'under: 1' kan aldri være sann: 'kandidat.rom_behov' er aldri under 1 (min: 1 i felter.yaml)"),
])
def test_declared_min_and_maks_make_comparisons_beyond_them_errors(tmp_path, monkeypatch, condition, message):
    findings, line = _findings(tmp_path, monkeypatch, condition)
    assert [(f.severity, f.problem.line, f.problem.message) for f in findings] == [("feil", line, message)]


def test_a_list_of_values_a_count_can_never_have_is_never_true_and_its_negation_always(tmp_path, monkeypatch):
    findings, _ = _findings(tmp_path, monkeypatch, "{noen: [{felt: beregnet.beboere_aktiv_rus, en_av: [-2, -1]}, "
                                                    "{ikke: {felt: beregnet.beboere_aktiv_rus, ikke_en_av: [-1]}}]}")
    assert [f.problem.message for f in findings] == [
        "'en_av: [-2, -1]' kan aldri være sann: 'beregnet.beboere_aktiv_rus' er aldri under 0 (en telling er aldri "
        "negativ)",
        "'ikke_en_av: [-1]' er alltid sann: 'beregnet.beboere_aktiv_rus' er aldri under 0 (en telling er aldri "
        "negativ)"]


def test_an_age_over_120_is_only_a_note_since_the_bound_is_plausible_not_certain(tmp_path, monkeypatch):
    derived = DERIVED + "alder: {etikett: alder, alder: kandidat.fodselsdato}\n"
    findings, line = _findings(tmp_path, monkeypatch, "{felt: beregnet.alder, over: 130}", derived=derived)
    assert [(f.severity, f.problem.line, f.problem.message) for f in findings] == [(
        "merknad", line, "'over: 130' kan aldri være sann: 'beregnet.alder' er aldri over 120 (ingen er eldre enn "
                         "120 år)")]
    negative, _ = _findings(tmp_path, monkeypatch, "{felt: beregnet.alder, under: 0}", derived=derived)
    assert [(f.severity, f.problem.message) for f in negative] == [(
        "feil", "'under: 0' kan aldri være sann: 'beregnet.alder' er aldri under 0 (en alder er aldri negativ)")]


def test_a_lookup_table_gives_only_its_own_values(tmp_path, monkeypatch):
    derived = DERIVED + ("faktor:\n  etikett: inntektsfaktor\n  tabell: {felt: kandidat.rom_behov, rader: "
                         "[{fra: 1, verdi: 3.5}, {fra: 3, verdi: 4}, {fra: 5, verdi: 5}]}\n")
    findings, _ = _findings(tmp_path, monkeypatch, "{felt: beregnet.faktor, over: 5}", derived=derived)
    assert [f.problem.message for f in findings] == [
        "'over: 5' kan aldri være sann: 'beregnet.faktor' er aldri over 5 (tabellen gir bare verdier fra 3.5 til 5)"]


@pytest.mark.parametrize("condition", [
    "{felt: beregnet.maneder_siden_avslag, under: 6}",
    "{felt: beregnet.maneder_siden_avslag, over: 0}",
    "{felt: beregnet.beboere_aktiv_rus, over: 0}",
    "{felt: kandidat.takket_nei, hoyst: 9}",
    "{felt: beregnet.beboere_aktiv_rus, en_av: [-1, 0]}",
])
def test_comparisons_that_can_go_either_way_give_no_finding(tmp_path, monkeypatch, condition):
    findings, _ = _findings(tmp_path, monkeypatch, condition)
    assert findings == []


def test_the_shipped_rules_have_no_comparison_outside_a_known_range(rulebook):
    assert [f for f in lint(rulebook) if "alltid sann" in f.problem.message
            or "kan aldri være sann:" in f.problem.message] == []
