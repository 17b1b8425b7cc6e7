"""One wording for each kind of error, and fields named in bokmål in every message a person reads."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from engine.errors import Problem
from engine.language import validation_messages as wording
from service.casework import commands
from service.domain.errors import InvalidInput
from service.domain.field_names import FIELD_NAMES, field_name, in_words

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT_FIELDS = ("username", "display_name", "role", "welfare_office", "unit_ids", "password", "old_password",
                  "new_password", "email", "label", "active")

# How the same kinds of error were once worded in other ways.
OTHER_WORDINGS = re.compile(r"påkrevd felt mangler|har feil type|forventet (et|en|tekst|sann)"
                            r"|er ikke en gyldig dato|Format: ÅÅÅÅ-MM-DD\.")


def _commands():
    return [c for c in vars(commands).values()
            if inspect.isclass(c) and issubclass(c, commands.Command) and c is not commands.Command]


def test_every_field_of_every_request_has_a_name_in_bokmal():
    fields = {name for command in _commands() for name in command.model_fields} | set(ACCOUNT_FIELDS)

    assert sorted(fields - set(FIELD_NAMES)) == []


@pytest.mark.parametrize("path, name", [
    ("changes", "endringer"), ("target_groups[1]", "målgrupper nr. 2"),
    ("checklist.tjenestebehov", "sjekkliste (tjenestebehov)"), ("participants[0].name", "deltakere nr. 1 (navn)"),
    ("home_id", "bolig"),
])
def test_a_path_reads_as_the_field_a_person_knows(path, name):
    assert field_name(path) == name


def test_a_refused_request_says_what_is_wrong_without_the_fields_python_names():
    refused = InvalidInput(commands.parse(commands.RecordJournalChange, changes={}, note="Endret.").problems)

    assert refused.message == "Ugyldige opplysninger. Endringer: oppgi minst ett felt som er endret"
    assert "changes" not in refused.message
    assert [(p.path, p.message) for p in refused.problems] == [("changes", "oppgi minst ett felt som er endret")]


def test_every_field_a_form_can_refuse_is_named_in_bokmal_in_the_message():
    for command in _commands():
        bad = commands.parse(command, {name: object() for name in command.model_fields})
        message = InvalidInput(bad.problems).message if bad.problems else ""
        leaked = [name for name in command.model_fields if "_" in name and name in message]
        assert leaked == [], (command.__name__, message)


def test_each_kind_of_error_has_one_wording_in_the_engine_and_the_casework():
    assert wording.MISSING == "må fylles ut"
    assert commands.parse(commands.SignContract, signed_on=True).problems == [
        Problem("signed_on", wording.not_a_date(True, commands.DATE_FORMATS))]
    assert {p.message for p in commands.parse(commands.ApproveRecommendation, recommendation_id="x").problems} == {
        wording.wrong_type("x", "et heltall")}
    assert {p.message for p in commands.parse(commands.DeclineOffer, reason_code="flyttet").problems} == {
        wording.not_a_choice("flyttet", commands.DECLINE_REASONS)}
    assert {p.message for p in commands.parse(commands.WithdrawNomination, nomination_id=1,
                                              reason="x" * 2001).problems} == {wording.too_long(2000)}
    assert in_words("", "Ingen felt er endret.") == "Ingen felt er endret."


def test_no_module_words_a_kind_of_error_its_own_way():
    sources = [p for p in list((ROOT / "engine").rglob("*.py")) + list((ROOT / "service").rglob("*.py"))
               + list((ROOT / "service").rglob("*.html"))]
    found = [f"{p.relative_to(ROOT)}:{i}: {line.strip()}" for p in sources
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if OTHER_WORDINGS.search(line)]

    assert found == []


@pytest.mark.parametrize("text", ["3.4.2026", "03.04.2026", "2026-04-03"])
def test_a_date_is_read_in_every_format_the_help_text_names(text):
    assert commands.read_day(text).isoformat() == "2026-04-03"


@pytest.mark.parametrize("text", ["20260403", "2026-W14-5", "3/4/2026", "2026-4-3"])
def test_a_date_in_a_format_the_help_text_does_not_name_is_refused(text):
    assert commands.parse(commands.SignContract, signed_on=text).problems == [
        Problem("signed_on", f"'{text}' er ikke en dato på formen DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD")]


@pytest.mark.parametrize("text, line, column, words", [
    ("kriterier:\n  - betingelse: {felt: sjekkliste.bosituasjon er: bostedslos}\n", 2, 49, "mangler komma eller «}»"),
    ("verdier: [bostedslos, midlertidig\nneste: 1\n", 2, 6, "mangler komma eller «]»"),
    ("b: {felt: a,, er: b}\n", 1, 13, "mangler en verdi"),
    ("a:\n\tb: 1\n", 2, 1, "tabulator kan ikke brukes til innrykk"),
    ("navn: Test\nhjemmel: \"pkt. 3\nversjon: 1\n", 2, 10, "filen slutter før et anførselstegn"),
    ("a:\n  - x\n  b: 1\n", 3, 3, "en liste (linjer som begynner med «-») og «navn: verdi»"),
])
def test_yaml_slips_are_told_in_bokmal_with_line_column_and_the_fix(text, line, column, words):
    """A policy officer's missing comma read «did not find expected ',' or '}'» (a tester writing Leeds); an unclosed
    quote was reported at the end of the file instead of where it opened."""
    from engine.language.yaml_source import YamlSyntaxError, parse_yaml_text

    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml_text(text, file="regler.yaml")
    problem = caught.value.problem
    assert (problem.line, problem.file) == (line, "regler.yaml")
    assert problem.message.startswith(f"ugyldig YAML (kolonne {column}): "), problem.message
    assert words in problem.message
    assert "did not find" not in problem.message and "expected" not in problem.message


def test_a_choice_written_with_norwegian_letters_or_capitals_gets_a_did_you_mean():
    assert wording.not_a_choice("søker", ["soker", "partner", "barn"]).endswith("(mente du 'soker'?)")
    assert wording.not_a_choice("Partner", ["soker", "partner", "barn"]).endswith("(mente du 'partner'?)")
    assert "mente du" not in wording.not_a_choice("xyz", ["soker", "partner", "barn"])


def test_rules_check_says_how_to_write_yes_and_no_and_which_result_fields_exist(tmp_path):
    from engine import RulesError, load_rules
    from support.bundles import write_bundle

    sections = ("ledig_bolig:\n  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}\n"
                "kandidat:\n  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}\n"
                "  eier_bolig: {type: boolsk, etikett: eier bolig}\n")
    checks = ("- {id: eier, navn: Eier bolig, betingelse: {felt: kandidat.eier_bolig, er: nei}, "
              "begrunnelse: eier, hjemmel: h}\n"
              "- {id: band, navn: Band, betingelse: {felt: resultat.band, er: a}, begrunnelse: b, hjemmel: h}\n")
    with pytest.raises(RulesError) as caught:
        load_rules(write_bundle(tmp_path / "regler", sections=sections, checks=checks))
    text = str(caught.value)
    assert "'kandidat.eier_bolig' er sann/usann, men sammenlignes med 'nei'; skriv true (ja) eller false (nei)" in text
    assert "ukjent felt 'resultat.band' (det rangeringen selv fyller ut: 'resultat.poeng'" in text


def test_an_unknown_key_that_reads_like_text_hints_at_a_comma_inside_braces():
    """A tester wrote {navn: Alvorlig vold (serious violence), ...} and read «ukjent felt 'serious violence)'»."""
    assert "Sett teksten i anførselstegn" in wording.unknown_key("serious violence)", None)
    assert "anførselstegn" not in wording.unknown_key("vekt", None)
