"""Groups of criteria and prerequisites (issue 9, item 7): a cap over a group, only the highest of a
group, and a criterion that counts only on top of another; the explanation says what a group cut."""

from __future__ import annotations

import datetime as dt

import pytest

from engine import CompiledRules, RulesError, load_rules
from support.bundles import write_bundle
from support.reference_evaluator import ReferenceRules

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
sjekkliste:
  medisinsk: {type: valg, etikett: medisinsk behov, verdier: {hoy: høyt, middels: middels}}
  fysisk: {type: boolsk, etikett: fysisk funksjonsnedsettelse}
  psykisk: {type: boolsk, etikett: psykisk helse}
  rimelig_fortrinn: {type: boolsk, etikett: rimelig fortrinn}
  tilleggsgrunn: {type: boolsk, etikett: tilleggsgrunn}
"""


def criterion(cid: str, points: int, cond: str, extra: str = "") -> str:
    return (f"- {{id: {cid}, navn: {cid.capitalize()}, poeng: {points}, hjemmel: h, forklaring: {cid} gjelder.,\n"
            f"   betingelse: {cond}{extra}}}\n")


CRITERIA = (criterion("medisinsk_hoy", 40, "{felt: sjekkliste.medisinsk, er: hoy}")
            + criterion("fysisk", 30, "{felt: sjekkliste.fysisk, er: true}")
            + criterion("psykisk", 20, "{felt: sjekkliste.psykisk, er: true}")
            + criterion("fortrinn", 10, "{felt: sjekkliste.rimelig_fortrinn, er: true}")
            + criterion("tillegg", 5, "{felt: sjekkliste.tilleggsgrunn, er: true}", ", forutsetter: fortrinn"))

GROUPS = """
grupper:
  - {id: helse, navn: Helsebehov, kriterier: [fysisk, psykisk], tak: 35, hjemmel: Retningslinjer pkt. 3}
  - {id: medisinsk, navn: Medisinsk behov, kriterier: [medisinsk_hoy, fortrinn], bare_hoyeste: true, hjemmel: pkt. 4}
"""


def bundle(tmp_path, criteria=CRITERIA, groups=GROUPS):
    folder = write_bundle(tmp_path / "regler", sections=SECTIONS, criteria=criteria)
    if groups:
        path = folder / "prioritering.yaml"
        path.write_text(path.read_text(encoding="utf-8") + groups.lstrip("\n"), encoding="utf-8")
    return folder


CASE = {"ledig_bolig": {"id": "B-1"}, "kandidater": [
    {"id": "S-1", "sjekkliste": {"fysisk": True, "psykisk": True}},                             # 50, capped at 35
    {"id": "S-2", "sjekkliste": {"medisinsk": "hoy", "rimelig_fortrinn": True, "tilleggsgrunn": True}},  # 40 + 5
    {"id": "S-3", "sjekkliste": {"tilleggsgrunn": True, "psykisk": True}},                      # tillegg needs fortrinn
    {"id": "S-4", "sjekkliste": {"rimelig_fortrinn": True, "tilleggsgrunn": True}},             # 10 + 5
]}
AS_OF = dt.date(2026, 6, 1)


@pytest.fixture
def compiled(tmp_path):
    return CompiledRules(load_rules(bundle(tmp_path)))


def test_a_cap_cuts_the_group_and_the_explanation_says_so(compiled):
    one = {c.id: c for c in compiled.rank(CASE, AS_OF).candidates}["S-1"]
    assert one.score == 35
    items = {i.rule_id: (i.points, i.text) for i in one.score_items}
    assert items["fysisk"][0] == 30 and items["psykisk"][0] == 20  # each criterion keeps its worth
    assert items["helse"] == (-15, "«Helsebehov» gir høyst 35 poeng til sammen: 15 poeng trekkes fra.")


def test_only_the_highest_of_a_group_counts(compiled):
    two = {c.id: c for c in compiled.rank(CASE, AS_OF).candidates}["S-2"]
    assert two.score == 45  # 40 (the higher of 40 and 10) + 5 on top of fortrinn
    cut = next(i for i in two.score_items if i.rule_id == "medisinsk")
    assert cut.points == -10
    assert cut.text == ("Bare det høyeste kriteriet i «Medisinsk behov» teller (Medisinsk_hoy, 40 poeng): "
                        "10 poeng trekkes fra.")


def test_a_criterion_counts_only_on_top_of_its_prerequisite(compiled):
    ranked = {c.id: c for c in compiled.rank(CASE, AS_OF).candidates}
    assert "tillegg" not in [i.rule_id for i in ranked["S-3"].score_items]
    unmet = next(u for u in ranked["S-3"].unmet_criteria if u.rule_id == "tillegg")
    assert unmet.requirement == "«tilleggsgrunn» er ja, og bare når «Fortrinn» gjelder"
    assert ranked["S-4"].score == 15


def test_the_brief_ranking_and_the_reference_evaluator_agree(tmp_path, compiled):
    full = compiled.rank(CASE, AS_OF)
    brief = compiled.rank_summary(CASE, AS_OF)
    assert [(c.id, c.score) for c in full.candidates] == [(c.id, c.score) for c in brief.candidates]
    assert [c.id for c in full.candidates] == ["S-2", "S-1", "S-3", "S-4"]
    reference = CompiledRules(load_rules(bundle(tmp_path / "ref")), evaluator_factory=ReferenceRules)
    assert reference.rank(CASE, AS_OF).model_dump() == full.model_dump()


def test_a_bundle_without_groups_ranks_as_before(tmp_path):
    plain = CompiledRules(load_rules(bundle(tmp_path, groups="")))
    scores = {c.id: c.score for c in plain.rank(CASE, AS_OF).candidates}
    assert scores == {"S-1": 50, "S-2": 55, "S-3": 20, "S-4": 15}


@pytest.mark.parametrize("groups, criteria, message", [
    ("grupper:\n  - {id: g, navn: g, kriterier: [fysisk, psykiskk], tak: 3, hjemmel: h}\n", CRITERIA,
     "ukjent kriterium 'psykiskk' (mente du 'psykisk'?)"),
    ("grupper:\n  - {id: g, navn: g, kriterier: [fysisk, psykisk], hjemmel: h}\n", CRITERIA,
     "en gruppe må ha 'tak', 'bare_hoyeste: true' eller 'betingelse' (eller flere av dem)"),
    ("grupper:\n  - {id: g, navn: g, kriterier: [fysisk, psykisk], tak: 3, hjemmel: h}\n"
     "  - {id: g2, navn: g2, kriterier: [fysisk, fortrinn], tak: 3, hjemmel: h}\n", CRITERIA,
     "'fysisk' står allerede i gruppen 'g'"),
    ("grupper:\n  - {id: fysisk, navn: g, kriterier: [psykisk, fortrinn], tak: 3, hjemmel: h}\n", CRITERIA,
     "id-en er allerede brukt"),
    ("", CRITERIA.replace("forutsetter: fortrinn", "forutsetter: tillegg"), "et kriterium kan ikke forutsette seg selv"),
    ("", CRITERIA.replace("forutsetter: fortrinn", "forutsetter: fortrin"), "ukjent kriterium 'fortrin'"),
    ("", CRITERIA.replace('er: true}}\n- {id: fortrinn', 'er: true}, forutsetter: tillegg}\n- {id: fortrinn', 1)
     .replace("poeng: 20, hjemmel: h, forklaring: psykisk gjelder.,\n   betingelse: {felt: sjekkliste.psykisk, er: true}, forutsetter: tillegg}",
              "poeng: 20, hjemmel: h, forklaring: psykisk gjelder.,\n   betingelse: {felt: sjekkliste.psykisk, er: true}}")
     .replace("{felt: sjekkliste.rimelig_fortrinn, er: true}}", "{felt: sjekkliste.rimelig_fortrinn, er: true}, forutsetter: tillegg}"),
     "kriteriene forutsetter hverandre i ring: tillegg → fortrinn → tillegg"),
])
def test_rules_check_refuses_broken_groups_with_file_and_line(tmp_path, groups, criteria, message):
    with pytest.raises(RulesError) as caught:
        load_rules(bundle(tmp_path, criteria=criteria, groups=groups))
    found = [(p.message, p.file, p.line) for p in caught.value.problems]
    assert any(message in text and file.endswith("prioritering.yaml") and line for text, file, line in found), found


def test_a_group_with_a_condition_gives_its_points_only_to_those_it_holds_for(tmp_path):
    """An Edinburgh tester: «an owner-occupier with a suitable home gets no needs points» meant the same condition
    in six criteria. The README's group, pasted: its criteria still show their points, and a line of the group
    takes them away, for everyone the condition does not hold for; the brief ranking and the reference evaluator
    agree."""
    from support.readme import yaml_blocks

    [_, conditional] = [b for b in yaml_blocks("### Grupper av kriterier") if b.startswith("grupper:")]
    criteria = (criterion("fysisk_funksjonsnedsettelse", 30, "{felt: sjekkliste.fysisk, er: true}")
                + criterion("psykisk_helse", 10, "{felt: sjekkliste.psykisk, er: true}")
                + criterion("fortrinn", 5, "{felt: sjekkliste.rimelig_fortrinn, er: true}"))
    sections = SECTIONS + "  eier_egnet_bolig: {type: boolsk, etikett: eier en egnet bolig}\n"
    folder = write_bundle(tmp_path / "regler", sections=sections, criteria=criteria)
    path = folder / "prioritering.yaml"
    path.write_text(path.read_text(encoding="utf-8") + conditional, encoding="utf-8")
    case = {"ledig_bolig": {"id": "B-1"}, "kandidater": [
        {"id": "E-1", "sjekkliste": {"fysisk": True, "psykisk": True, "eier_egnet_bolig": True,
                                     "rimelig_fortrinn": True}},
        {"id": "E-2", "sjekkliste": {"fysisk": True, "eier_egnet_bolig": False}},
        {"id": "E-3", "sjekkliste": {"psykisk": True}}]}  # not given: er_ikke holds, as for any other condition
    full = None
    for evaluator in (None, ReferenceRules):
        compiled_ = CompiledRules(load_rules(folder)) if evaluator is None else CompiledRules(
            load_rules(folder), evaluator_factory=evaluator)
        result = compiled_.rank(case, AS_OF)
        assert [(c.id, c.score) for c in result.candidates] == [("E-2", 30), ("E-3", 10), ("E-1", 5)]
        e1 = next(c for c in result.candidates if c.id == "E-1")
        assert [(i.rule_id, i.points) for i in e1.score_items] == [
            ("fysisk_funksjonsnedsettelse", 30), ("psykisk_helse", 10), ("fortrinn", 5), ("behovspoeng", -40)]
        assert e1.score_items[-1].text == ("Søkeren eier en egnet bolig og får ikke behovspoeng: 40 poeng fra "
                                           "«Behovspoeng» trekkes fra.")
        brief = compiled_.rank_summary(case, AS_OF)
        assert [(c.id, c.score) for c in brief.candidates] == [(c.id, c.score) for c in result.candidates]
        if full is not None:
            assert result.model_dump() == full.model_dump()
        full = result


@pytest.mark.parametrize("group, message", [
    ("  - {id: g, navn: G, kriterier: [fysisk, psykisk], betingelse: {felt: sjekkliste.fysisk, er: true}, "
     "hjemmel: h}\n", "en gruppe med 'betingelse' må ha 'begrunnelse'"),
    ("  - {id: g, navn: G, kriterier: [fysisk, psykisk], betingelse: {felt: resultat.poeng, minst: 1}, "
     "begrunnelse: b, hjemmel: h}\n", "resultat.poeng"),
    ("  - {id: g, navn: G, kriterier: [fysisk, psykisk], betingelse: {felt: sjekkliste.fysisk2, er: true}, "
     "begrunnelse: b, hjemmel: h}\n", "ukjent felt 'sjekkliste.fysisk2'"),
])
def test_rules_check_refuses_a_group_condition_without_its_reason_or_on_the_points(tmp_path, group, message):
    with pytest.raises(RulesError) as caught:
        load_rules(bundle(tmp_path, groups="grupper:\n" + group))
    assert any(message in str(p) and p.line for p in caught.value.problems), [str(p) for p in caught.value.problems]
