"""Protected attributes found by name, synonym and label (issue 9, item 11b).

The attributes and their other words are data (engine/policy/beskyttede_egenskaper.yaml);
a bundle chooses which apply with `beskyttede_egenskaper` in regelverk.yaml.
"""

from __future__ import annotations

import pytest

from engine import RulesError, load_rules
from engine.language.rules import PROTECTED_DEFAULT
from engine.language.validation_messages import fold
from engine.policy.lint import PROTECTED_FILE, lint, mentions, protected_catalogue
from support.bundles import HEADER, write_bundle

SECTIONS = """
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
  statsborgerskap: {type: tekst, etikett: Statsborgerskap}
  bakgrunn: {type: tekst, etikett: Søkerens morsmål}
  foedeland: {type: tekst, etikett: Land}
  fode_land: {type: tekst, etikett: Land}
  tilhorighet: {type: tekst, etikett: Religionen søkeren har}
  legning: {type: tekst, etikett: Seksuell orientering}
  klan: {type: tekst, etikett: Slekt}
  innvandret: {type: dato, etikett: Kom til Norge}
sjekkliste:
  kjonnsdelt_bad: {type: boolsk, etikett: Trenger kjønnsdelt bad}
  fodested_kjent: {type: boolsk, etikett: Vi vet hvilken by søkeren kommer fra}
"""

FIX = "; se «Beskyttede egenskaper» i rules/README.md"  # what the first error for a field adds


def _criterion(i: int, condition: str) -> str:
    return (f"- {{id: k{i}, navn: K{i}, poeng: 1, forklaring: K{i}., hjemmel: Test,\n"
            f"   betingelse: {condition}}}\n")


def _errors(tmp_path, monkeypatch, conditions: list[str], header: str = "", derived: str = "") -> list:
    monkeypatch.chdir(tmp_path)
    folder = write_bundle(tmp_path / "regler", sections=SECTIONS, derived=derived,
                          criteria="".join(_criterion(i, c) for i, c in enumerate(conditions)))
    if header:
        (folder / "regelverk.yaml").write_text(HEADER + "navn: Testregelverk\n" + header, encoding="utf-8")
    return [str(f.problem) for f in lint(load_rules("regler")) if f.severity == "feil"]


def test_a_synonym_in_the_name_a_spelling_of_it_and_a_word_in_the_label_are_all_protected(tmp_path, monkeypatch):
    errors = _errors(tmp_path, monkeypatch, [
        "{felt: kandidat.statsborgerskap, er: norsk}",
        "{felt: kandidat.bakgrunn, er: norsk}",
        "{felt: kandidat.foedeland, er: norge}",
        "{felt: kandidat.fode_land, er: norge}",
        "{felt: kandidat.tilhorighet, er: ingen}",
        "{felt: kandidat.legning, er: x}",
    ])
    assert errors == [
        "regler/prioritering.yaml:5: kriterium 'k0': 'kandidat.statsborgerskap' er en beskyttet egenskap (navnet "
        "nevner «statsborgerskap», et ord for nasjonalitet) og kan ikke avgjøre en tildeling" + FIX,
        "regler/prioritering.yaml:7: kriterium 'k1': 'kandidat.bakgrunn' er en beskyttet egenskap (etiketten "
        "«Søkerens morsmål» nevner «morsmål», et ord for språk) og kan ikke avgjøre en tildeling" + FIX,
        "regler/prioritering.yaml:9: kriterium 'k2': 'kandidat.foedeland' er en beskyttet egenskap (navnet nevner "
        "«fødeland», et ord for nasjonalitet) og kan ikke avgjøre en tildeling" + FIX,
        "regler/prioritering.yaml:11: kriterium 'k3': 'kandidat.fode_land' er en beskyttet egenskap (navnet nevner "
        "«fødeland», et ord for nasjonalitet) og kan ikke avgjøre en tildeling" + FIX,
        "regler/prioritering.yaml:13: kriterium 'k4': 'kandidat.tilhorighet' er en beskyttet egenskap (etiketten "
        "«Religionen søkeren har» nevner «religion») og kan ikke avgjøre en tildeling" + FIX,
        "regler/prioritering.yaml:15: kriterium 'k5': 'kandidat.legning' er en beskyttet egenskap (navnet nevner "
        "«legning», et ord for seksuell orientering) og kan ikke avgjøre en tildeling" + FIX,
    ]


def test_a_computed_value_from_a_protected_field_is_protected_naming_its_source(tmp_path, monkeypatch):
    errors = _errors(tmp_path, monkeypatch, ["{felt: beregnet.ar_i_landet, over: 5}"], derived="""
        ar_i_landet: {etikett: år i Norge, maneder_siden: kandidat.innvandret}
        """)
    assert errors == []  # "kom til Norge" is not a protected attribute by any of its words
    errors = _errors(tmp_path, monkeypatch, ["{felt: beregnet.tid, over: 5}"], derived="""
        tid: {etikett: tid, maneder_siden: kandidat.innvandret}
        """, header="beskyttede_egenskaper: [innvandret]\n")
    assert errors == ["regler/prioritering.yaml:5: kriterium 'k0': 'beregnet.tid' (beregnet av 'kandidat.innvandret') "
                      "er en beskyttet egenskap og kan ikke avgjøre en tildeling; tillater loven at verdien regnes av "
                      "innvandret, skriv `beskyttet_egenskap_tillatt: [innvandret]` på 'beregnet.tid' i felter.yaml "
                      "(se «Beskyttede egenskaper» i rules/README.md)"]
    # written as the message says, the value may be read; the field itself still may not
    errors = _errors(tmp_path, monkeypatch, ["{felt: beregnet.tid, over: 5}", "{felt: kandidat.innvandret, finnes: true}"],
                     derived="""
        tid: {etikett: tid, maneder_siden: kandidat.innvandret, beskyttet_egenskap_tillatt: [innvandret]}
        """, header="beskyttede_egenskaper: [innvandret]\n")
    assert errors == ["regler/prioritering.yaml:7: kriterium 'k1': 'kandidat.innvandret' er en beskyttet egenskap og "
                      "kan ikke avgjøre en tildeling" + FIX]


def test_words_that_only_contain_an_attribute_are_not_protected(tmp_path, monkeypatch):
    assert _errors(tmp_path, monkeypatch, ["{felt: sjekkliste.kjonnsdelt_bad, er: true}",
                                           "{felt: sjekkliste.fodested_kjent, er: true}"]) == []


def test_the_bundle_chooses_the_attributes_each_with_the_words_of_the_file_and_may_add_its_own(tmp_path, monkeypatch):
    conditions = ["{felt: kandidat.statsborgerskap, er: norsk}", "{felt: kandidat.foedeland, er: norge}",
                  "{felt: kandidat.tilhorighet, er: ingen}", "{felt: kandidat.klan, er: x}"]
    errors = _errors(tmp_path, monkeypatch, conditions, header="beskyttede_egenskaper: [statsborgerskap, klan]\n")
    assert [e.split(": ", 2)[1] for e in errors] == ["kriterium 'k0'", "kriterium 'k1'", "kriterium 'k3'"]
    assert "'kandidat.klan' er en beskyttet egenskap og kan ikke" in errors[2]
    # left out of the bundle's list, religion may be used (a bundle's own choice, as before)
    assert not any("tilhorighet" in e for e in errors)


def test_the_file_covers_the_default_list_and_every_word_folds_to_something():
    catalogue = protected_catalogue()
    assert set(PROTECTED_DEFAULT) <= {a.key for a in catalogue}
    assert all(folded and folded == fold(written) for a in catalogue for folded, written in a.words)
    words = [folded for a in catalogue for folded, _ in a.words]
    assert len(words) == len(set(words)), "a word may stand for one attribute only"
    for wanted in ("statsborgerskap", "fodeland", "morsmal", "nasjonalitet", "etnisitet", "religion", "kjonn",
                   "seksuell_orientering"):
        assert wanted in words


@pytest.mark.parametrize("text, word, expected", [
    ("Fødeland", "fodeland", True), ("foedeland", "fodeland", True), ("FODE-LAND", "fodeland", True),
    ("statsborgerskapet", "statsborgerskap", True), ("Kjønnet til søkeren", "kjonn", True),
    ("Seksuell orientering", "seksuell_orientering", True), ("morsmaal", "morsmal", True),
    ("kjonnsdelt_bad", "kjonn", False), ("sprakkurs", "sprak", False), ("land", "fodeland", False),
])
def test_matching_folds_case_and_aeoeaa_and_separators_and_allows_inflections_only(text, word, expected):
    assert mentions(text, word) is expected


def test_a_broken_attributes_file_is_refused_with_its_line(tmp_path):
    broken = tmp_path / "beskyttede_egenskaper.yaml"
    broken.write_text("egenskaper:\n  religion:\n    synonym: [tro]\n", encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        protected_catalogue(broken)
    problem = caught.value.problems[0]
    assert (problem.line, problem.message.split(";")[0]) == (3, "ukjent felt 'synonym' (mente du 'synonymer'?)")
    assert PROTECTED_FILE.is_file()


def test_an_eligibility_condition_and_a_tier_are_checked_like_any_rule(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = write_bundle(tmp_path / "regler", sections=SECTIONS, criteria="""
        - {id: k, navn: K, poeng: 1, forklaring: K., hjemmel: Test, betingelse: {felt: kandidat.klan, er: x}}
        """, ranking="""
        likhetsmargin: 0
        trinn:
          - {id: a, navn: Band A, begrunnelse: A., hjemmel: Test, betingelse: {felt: kandidat.legning, er: x}}
          - {id: b, navn: Band B, begrunnelse: B., hjemmel: Test}
        """)
    checks = folder / "egnethet.yaml"
    checks.write_text(checks.read_text(encoding="utf-8") + """vilkar:
  - id: statsborger
    navn: Norsk statsborger
    krav: {felt: kandidat.statsborgerskap, er: norsk}
    begrunnelse: Søkeren er ikke norsk statsborger.
    hjemmel: Test
""", encoding="utf-8")
    errors = [f.problem for f in lint(load_rules("regler")) if f.severity == "feil"]
    assert [(p.file, p.line, p.rule_id, p.message.split(" er en beskyttet")[0]) for p in errors] == [
        ("regler/egnethet.yaml", 7, "statsborger", "'kandidat.statsborgerskap'"),
        ("regler/rangering.yaml", 6, "a", "'kandidat.legning'")]


def test_counts_of_boys_or_girls_are_sex_by_another_word(tmp_path):
    """A policy officer's bedroom count by `gutter_10_16` decides by sex (found in a written UK bundle)."""
    folder = write_bundle(tmp_path / "r", sections="""
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
sjekkliste:
  gutter_10_16: {type: heltall, etikett: Antall 10-16 år, min: 0}
""", criteria="- {id: c, navn: c, poeng: 1, forklaring: c, hjemmel: c, betingelse: {felt: sjekkliste.gutter_10_16, over: 0}}\n")
    errors = [str(f) for f in lint(load_rules(folder)) if f.severity == "feil"]
    assert len(errors) == 1 and "«gutt», et ord for kjønn" in errors[0]


def test_a_tiers_own_tie_break_order_is_checked_like_the_bundles(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_bundle(tmp_path / "regler", sections=SECTIONS, ranking="""
        likhetsmargin: 0
        trinn:
          - id: a
            navn: Band A
            begrunnelse: A.
            hjemmel: Test
            ved_likt_poeng:
              - {felt: kandidat.statsborgerskap, retning: stigende}
        """)
    errors = [f.problem for f in lint(load_rules("regler")) if f.severity == "feil"]
    assert [(p.file, p.line, p.rule_id, p.message.split(" er en beskyttet")[0]) for p in errors] == [
        ("regler/rangering.yaml", 11, "a", "'kandidat.statsborgerskap'")]


def test_a_protected_field_used_by_several_rules_is_an_error_at_each_but_explained_once(tmp_path, monkeypatch):
    errors = _errors(tmp_path, monkeypatch, ["{felt: kandidat.statsborgerskap, er: norsk}",
                                             "{felt: kandidat.statsborgerskap, er: annet}",
                                             "{felt: kandidat.statsborgerskap, er: x}"])
    assert errors[0].startswith("regler/prioritering.yaml:5: kriterium 'k0': 'kandidat.statsborgerskap' er en "
                                "beskyttet egenskap (navnet nevner «statsborgerskap», et ord for nasjonalitet)")
    assert errors[1:] == [
        f"regler/prioritering.yaml:{line}: kriterium 'k{i}': 'kandidat.statsborgerskap' er en beskyttet egenskap "
        "(se prioritering.yaml:5) og kan ikke avgjøre en tildeling" for i, line in ((1, 7), (2, 9))]


def test_a_note_may_read_the_protected_attribute_it_names_and_no_other_rule_may(tmp_path, monkeypatch):
    """`beskyttet_egenskap_tillatt` on a merknad (Great Yarmouth: «always consider waiving the residence requirement
    for Gypsies and Travellers»), as the README teaches it: the note decides nothing; a criterion reading the same
    field is still refused, and so is a note reading an attribute it does not name."""
    from support.readme import yaml_blocks

    [note] = [b for b in yaml_blocks("### Beskyttede egenskaper") if b.startswith("merknader:")]
    monkeypatch.chdir(tmp_path)
    sections = SECTIONS.replace("sjekkliste:\n", "  gypsy_eller_traveller: {type: boolsk, etikett: Gypsy eller "
                                "Traveller (etnisk tilhørighet)}\nsjekkliste:\n  botidskrav_frafalt: {type: boolsk, "
                                "etikett: botidskravet frafalt}\n")
    folder = write_bundle(tmp_path / "regler", sections=sections,
                          criteria=_criterion(0, "{felt: kandidat.gypsy_eller_traveller, er: true}"))
    (folder / "egnethet.yaml").write_text((folder / "egnethet.yaml").read_text(encoding="utf-8") + note,
                                          encoding="utf-8")
    errors = [str(f.problem) for f in lint(load_rules("regler")) if f.severity == "feil"]
    assert len(errors) == 1 and errors[0].startswith("regler/prioritering.yaml:5: kriterium 'k0': "
                                                     "'kandidat.gypsy_eller_traveller' er en beskyttet egenskap")
    (folder / "egnethet.yaml").write_text((folder / "egnethet.yaml").read_text(encoding="utf-8").replace(
        "[etnisitet]", "[religion]"), encoding="utf-8")
    errors = [str(f.problem) for f in lint(load_rules("regler")) if f.severity == "feil"]
    assert any("merknad 'vurder_frafall_av_botidskravet': 'kandidat.gypsy_eller_traveller' er en beskyttet" in e
               for e in errors), errors


def test_the_readmes_bedroom_standard_may_read_sex_and_its_rule_is_not_stopped(tmp_path):
    """The README's `soverombehov` with `beskyttet_egenskap_tillatt: [kjonn]`, in a bundle with a household list."""
    import yaml as _yaml
    from support.readme import yaml_blocks
    from engine.language.vocabulary import DerivedSpec

    [block] = [b for b in yaml_blocks("### Beskyttede egenskaper") if "soverombehov:" in b]
    spec = DerivedSpec.model_validate(_yaml.safe_load(block)["soverombehov"])
    assert spec.beskyttet_egenskap_tillatt == ["kjonn"] and spec.soverom.deler[0].samme == ["husstand.kjonn"]
