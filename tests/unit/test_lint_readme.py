"""The messages rules/README.md shows in «Regelsjekk (lint)» are the ones `rules check` gives (issue 9, item 11).

Each example is rebuilt as a small bundle; the message after the rule's name must be the
README's word for word (line numbers inside the message aside, which depend on the file).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine import RulesError, load_rules
from engine.policy.lint import lint
from support.bundles import write_bundle

README = (Path(__file__).resolve().parents[2] / "rules" / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("## Regelsjekk (lint)"):README.index("## Hjelp i editoren")]
CODES = ["utviklingshemming", "fysisk", "psykisk", "rus", "eldre", "ungdom", "annet"]


def _readme_message(rule: str) -> str:
    """The message the README prints for a rule, after `kontroll 'x': ` or `kriterium 'x': `."""
    [line] = [line.strip() for line in SECTION.splitlines() if f" '{rule}': " in line and line.startswith("    rules/")]
    return _without_lines(line.split(f" '{rule}': ", 1)[1])


def _without_lines(message: str) -> str:
    return re.sub(r"linje \d+", "linje N", message)


def _bundle(tmp_path, monkeypatch, sections: str, **rules):
    monkeypatch.chdir(tmp_path)
    return write_bundle(tmp_path / "rules", sections="kandidat:\n  id: {type: tekst, etikett: Søker-ID, "
                                                     "obligatorisk: true}\n" + sections, **rules)


def _messages(rule: str) -> list[str]:
    return [_without_lines(f.problem.message) for f in lint(load_rules("rules")) if f.problem.rule_id == rule]


def test_the_always_true_example(tmp_path, monkeypatch):
    _bundle(tmp_path, monkeypatch, "  sist_takket_nei: {type: dato, etikett: Sist takket nei}\n",
            derived="maneder_siden_avslag: {etikett: måneder siden avslag, maneder_siden: kandidat.sist_takket_nei}",
            checks="- {id: karantene_etter_avslag, navn: K, begrunnelse: K., hjemmel: Test,\n"
                   "   betingelse: {felt: beregnet.maneder_siden_avslag, over: -6}}")
    assert _messages("karantene_etter_avslag") == [_readme_message("karantene_etter_avslag")]


def test_the_protected_attribute_example(tmp_path, monkeypatch):
    _bundle(tmp_path, monkeypatch, "  statsborgerskap: {type: tekst, etikett: Statsborgerskap}\n",
            criteria="- {id: lokal_tilknytning, navn: L, poeng: 1, forklaring: L., hjemmel: Test,\n"
                     "   betingelse: {felt: kandidat.statsborgerskap, er: norsk}}")
    assert _messages("lokal_tilknytning") == [_readme_message("lokal_tilknytning")]


def test_the_too_complex_example(tmp_path, monkeypatch):
    values = ", ".join(f"{c}: {c}" for c in CODES)
    lists = "".join(f"  {name}: {{type: flervalg, etikett: {name}, verdier: {{{values}}}}}\n"
                    for name in ("malgrupper", "onsker"))
    monkeypatch.chdir(tmp_path)
    write_bundle(tmp_path / "rules", sections=(
        "kandidat:\n  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}\n" + lists
        + "botiltak:\n" + lists.replace("  onsker:", "  tilbud:")), checks="""
        - id: feil_malgruppe
          navn: F
          begrunnelse: F.
          hjemmel: Test
          betingelse:
            ikke:
              noen:
                - {felt: kandidat.malgrupper, har_felles_med: botiltak.malgrupper}
                - {felt: kandidat.onsker, har_felles_med: botiltak.tilbud}
        """)
    assert _messages("feil_malgruppe") == [_readme_message("feil_malgruppe")]


def test_the_unknown_key_example(tmp_path, monkeypatch):
    _bundle(tmp_path, monkeypatch, "  takket_nei: {type: heltall, etikett: Avslag, min: 0}\n",
            checks="- {id: mange_avslag, navn: M, begrunnelse: M., hjemmel: Test,\n"
                   "   betingelse: {felt: kandidat.takket_nei, mindre_enn: 2}}")
    with pytest.raises(RulesError) as caught:
        load_rules("rules")
    assert [p.message for p in caught.value.problems] == [_readme_message("mange_avslag")]
