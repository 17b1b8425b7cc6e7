"""Loading a rules folder: the shipped one is valid; every broken copy is refused with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import RulesError, load_rules
from engine.language.rules import CompositionRule

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_rules_load(rulebook):
    assert rulebook.version == "2026.1-eksempel"
    assert {"bostedslos", "omsorgsgiver_svikter", "ventetid"} <= {c.id for c in rulebook.criteria}
    assert {"trapper_uten_heis", "dognbemanning_uten_nattbemanning"} <= {c.id for c in rulebook.checks}
    assert {"for_mange_med_aktiv_rus"} <= {r.id for r in rulebook.composition}
    assert len(rulebook.content_hash) == 64


def test_an_unchanged_copy_has_the_same_content_hash(rulebook, rules_copy):
    assert load_rules(rules_copy).content_hash == rulebook.content_hash


@pytest.fixture
def broken(rules_copy, monkeypatch):
    """Edit one file of a copy of rules/ and return the problems loading it reports.

    The working directory is the copy's parent, so files are shown as `rules/<file>`,
    as policy staff see them when they run the check from the project folder.
    """
    monkeypatch.chdir(rules_copy.parent)

    def edit(file: str, old: str | None, new: str | None) -> tuple[list, int | None]:
        path = rules_copy / file
        if old is None:
            path.unlink()
            line = None
        else:
            text = path.read_text(encoding="utf-8")
            assert text.count(old) == 1, f"the edit must be unambiguous: {old!r}"
            line = text[:text.index(old)].count("\n") + 1  # the line the edit starts on
            path.write_text(text.replace(old, new), encoding="utf-8")
        with pytest.raises(RulesError) as caught:
            load_rules("rules")
        return caught.value.problems, line

    return edit


def test_a_misspelled_field_in_a_criterion_names_file_line_rule_and_field(broken):
    problems, line = broken("prioritering.yaml", "{felt: sjekkliste.bosituasjon, er: bostedslos}",
                            "{felt: sjekkliste.bosituasjonn, er: bostedslos}")
    assert [str(p) for p in problems] == [
        f"rules/prioritering.yaml:{line}: kriterium 'bostedslos': ukjent felt 'sjekkliste.bosituasjonn' "
        "(mente du 'sjekkliste.bosituasjon'?)"]
    assert (problems[0].file, problems[0].line, problems[0].rule_id) == ("rules/prioritering.yaml", 14, "bostedslos")


def test_a_misspelled_field_deep_in_a_condition_points_at_its_own_line(broken):
    problems, line = broken("prioritering.yaml", "- {felt: sjekkliste.bosituasjon, er: institusjon}",
                            "- {felt: sjekkliste.bosituasjonn, er: institusjon}")
    assert [str(p) for p in problems] == [
        f"rules/prioritering.yaml:{line}: kriterium 'utskrivningsklar': ukjent felt 'sjekkliste.bosituasjonn' "
        "(mente du 'sjekkliste.bosituasjon'?)"]
    assert problems[0].path == "kriterier[2].betingelse.alle[1].felt"


def test_a_value_outside_the_allowed_values_is_refused(broken):
    problems, line = broken("egnethet.yaml", "{felt: sjekkliste.tjenestebehov, er: dognbemanning}",
                            "{felt: sjekkliste.tjenestebehov, er: natt}")
    assert [str(p) for p in problems] == [
        f"rules/egnethet.yaml:{line}: kontroll 'dognbemanning_uten_nattbemanning': 'natt' er ikke en tillatt verdi "
        "for 'sjekkliste.tjenestebehov' (tillatt: ingen, ambulant, dag, dag_kveld, dognbemanning)"]


def test_a_number_durable_rules_cannot_read_is_refused_in_a_list_of_values_too(broken):
    problems, line = broken("egnethet.yaml", "- {felt: bolig.etasje, over: 1}",
                            "- {felt: bolig.etasje, en_av: [2, 1.0e+20]}")
    assert [str(p) for p in problems] == [
        f"rules/egnethet.yaml:{line}: kontroll 'trapper_uten_heis': 1e+20 er utenfor gyldig område (et endelig tall, "
        "høyst 1 000 000 000 000 i absoluttverdi)"]


def test_an_unknown_key_in_a_rule_is_refused(broken):
    problems, line = broken("sammensetning.yaml", "    utfall: drofting\n    begrunnelse: >-\n      Søkeren har {sj",
                            "    utfall: drofting\n    vekt: 3\n    begrunnelse: >-\n      Søkeren har {sj")
    assert [str(p) for p in problems] == [
        f"rules/sammensetning.yaml:{line + 1}: regel 'hoy_utagering_blant_sarbare': ukjent felt 'vekt' "
        f"(mente du 'poeng'?); tillatt her: {', '.join(CompositionRule.model_fields)}"]


def test_broken_yaml_syntax_names_file_and_line(broken):
    problems, line = broken("prioritering.yaml", "    navn: Bostedsløs\n    poeng: 30\n", "    navn: Bostedsløs\n    poeng: 30: 5\n")
    assert len(problems) == 1
    assert str(problems[0]) == (f"rules/prioritering.yaml:{line + 1}: ugyldig YAML (kolonne 14): en tekst med «: » "
                                'i seg må stå i anførselstegn, f.eks. hjemmel: "pkt. 3: avslag"')


def test_a_file_with_another_version_than_the_bundle_is_refused(broken):
    problems, line = broken("egnethet.yaml", 'versjon: "2026.1-eksempel"', 'versjon: "2026.2"')
    assert [str(p) for p in problems] == [
        f"rules/egnethet.yaml:{line}: versjon: versjon '2026.2' er ulik regelverkets '2026.1-eksempel' "
        "(regelverk.yaml)"]


def test_a_rule_id_used_twice_is_refused(broken):
    problems, line = broken("egnethet.yaml", "id: rullestol_ikke_tilpasset", "id: bostedslos")
    assert [str(p) for p in problems] == [
        f"rules/egnethet.yaml:{line}: kontroll 'bostedslos': id-en er allerede brukt i prioritering.yaml"]


def test_a_text_placeholder_naming_an_unknown_field_is_refused(broken):
    problems, line = broken("prioritering.yaml", "Søkeren er {sjekkliste.bosituasjon} og har ikke",
                            "Søkeren er {sjekkliste.bosituasjonn} og har ikke")
    assert [str(p) for p in problems] == [
        f"rules/prioritering.yaml:{line}: kriterium 'bostedslos': teksten viser til ukjent felt "
        "'{sjekkliste.bosituasjonn}' (mente du 'sjekkliste.bosituasjon'?)"]


def test_a_missing_file_is_named(broken):
    problems, _ = broken("rangering.yaml", None, None)
    assert [str(p) for p in problems] == ["rules/rangering.yaml: filen mangler i regelverket"]


def test_a_folder_that_does_not_exist_is_refused(tmp_path):
    with pytest.raises(RulesError) as caught:
        load_rules(tmp_path / "finnes-ikke")
    assert caught.value.problems[0].message == "mappen finnes ikke"


def test_every_problem_in_a_folder_is_reported_at_once(broken, rules_copy):
    path = rules_copy / "egnethet.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: rullestol_ikke_tilpasset", "id: bostedslos"),
                    encoding="utf-8")
    problems, _ = broken("prioritering.yaml", "{felt: sjekkliste.bosituasjon, er: bostedslos}",
                         "{felt: sjekkliste.bosituasjonn, er: bostedslos}")
    assert {p.file for p in problems} == {"rules/prioritering.yaml", "rules/egnethet.yaml"}


def test_an_impossible_date_in_a_rules_file_names_file_and_line(broken):
    problems, line = broken("rangering.yaml", "gjelder_fra: 2026-01-01", "gjelder_fra: 2026-13-01")
    assert [(p.file, p.line) for p in problems] == [("rules/rangering.yaml", line)]
