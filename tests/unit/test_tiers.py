"""Tiers (trinn, bands) in rangering.yaml (issue 9, item 6): band A before band B whatever the points;
within a band points or the priority date; explanations speak in bands, and a scheme of bands and
dates alone needs no criteria and invents no points."""

from __future__ import annotations

import copy
import datetime as dt
import shutil

import pytest

from engine import CompiledRules, RulesError, load_rules
from engine.policy.lint import lint
from support.bundles import write_bundle
from support.reference_evaluator import ReferenceRules

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
  prioritetsdato: {type: dato, etikett: prioritetsdato}
sjekkliste:
  akutt: {type: boolsk, etikett: akutt behov}
  medisinsk: {type: boolsk, etikett: medisinsk behov}
  barn: {type: heltall, etikett: barn i husstanden, min: 0}
"""

TIERS = """
likhetsmargin: 5
ved_likt_poeng:
  - {felt: kandidat.prioritetsdato, retning: stigende}
trinn:
  - id: band_a
    navn: Band A
    betingelse: {felt: sjekkliste.akutt, er: true}
    begrunnelse: akutt behov
    hjemmel: Allocations policy 5.1
  - id: band_b
    navn: Band B
    betingelse: {felt: sjekkliste.medisinsk, er: true}
    begrunnelse: medisinsk behov
    hjemmel: Allocations policy 5.2
  - id: band_c
    navn: Band C
    begrunnelse: ingen prioritet
    hjemmel: Allocations policy 5.3
"""

REFUSED_TO_BAND_C = """
  - id: band_c_etter_avslag
    navn: Band C
    betingelse: {felt: sjekkliste.takket_nei, er: true}
    sjekkes_forst: true
    samme_plass_som: band_c
    begrunnelse: takket nei til et egnet tilbud
    hjemmel: Allocations policy 7
"""
POINTS = "- {id: barn, navn: Barn, poeng: {per: 10, verdi: sjekkliste.barn, maks: 40}, forklaring: barn, hjemmel: h}\n"

CASE = {"ledig_bolig": {"id": "B-1"}, "kandidater": [
    {"id": "T-1", "prioritetsdato": "2020-01-01", "sjekkliste": {"medisinsk": True, "barn": 4}},  # B, 40 points
    {"id": "T-2", "prioritetsdato": "2024-06-01", "sjekkliste": {"akutt": True}},                # A, 0 points
    {"id": "T-3", "prioritetsdato": "2019-01-01", "sjekkliste": {"medisinsk": True, "barn": 1}},  # B, 10
    {"id": "T-4", "prioritetsdato": "2018-01-01", "sjekkliste": {"medisinsk": True, "barn": 4}},  # B, 40
    {"id": "T-5", "prioritetsdato": "2010-01-01", "sjekkliste": {}},                             # C
]}
AS_OF = dt.date(2026, 6, 1)


def compiled(tmp_path, criteria=POINTS, ranking=TIERS, evaluator=None):
    folder = write_bundle(tmp_path / "regler", sections=SECTIONS, criteria=criteria, ranking=ranking)
    book = load_rules(folder)
    return CompiledRules(book) if evaluator is None else CompiledRules(book, evaluator_factory=evaluator)


def test_a_higher_band_ranks_first_whatever_the_points_and_ties_stay_within_a_band(tmp_path):
    result = compiled(tmp_path).rank(CASE, AS_OF)
    assert [(c.id, c.tier.id, c.score) for c in result.candidates] == [
        ("T-2", "band_a", 0), ("T-4", "band_b", 40), ("T-1", "band_b", 40), ("T-3", "band_b", 10),
        ("T-5", "band_c", 0)]
    # T-4 and T-1 are within the margin in band B; T-2 (band A, 0 points) and T-5 (band C) never join them
    assert result.equal_standing_groups == [["T-4", "T-1"]]
    assert result.present_to_unit_leader == ["T-2"]
    by_id = {c.id: c for c in result.candidates}
    assert by_id["T-4"].compared_to_top.text == (
        "I «Band B» (medisinsk behov); T-2 er i «Band A», og et høyere trinn går foran uansett poeng.")


def test_within_a_band_the_explanation_says_so(tmp_path):
    second = CASE["kandidater"][0]
    case = dict(CASE, kandidater=[second, CASE["kandidater"][2]])  # both band B
    result = compiled(tmp_path).rank(case, AS_OF)
    below = result.candidates[1]
    assert below.id == "T-3"
    assert below.compared_to_top.text.startswith("Innenfor «Band B»: 30 poeng bak T-1.")


def test_a_scheme_of_bands_and_dates_alone_needs_no_criteria_and_invents_no_points(tmp_path):
    result = compiled(tmp_path, criteria="").rank(CASE, AS_OF)
    assert [c.id for c in result.candidates] == ["T-2", "T-4", "T-3", "T-1", "T-5"]  # B: by date, oldest first
    assert {c.score for c in result.candidates} == {0}
    assert result.equal_standing_groups == []  # a strict order: dates decide, nobody is "of equal standing"
    t3 = next(c for c in result.candidates if c.id == "T-3")
    assert "poeng" not in t3.compared_to_top.text
    t1 = next(c for c in result.candidates if c.id == "T-1")
    assert t1.tier.name == "Band B" and t1.tier.text == "medisinsk behov"
    band_b = compiled(tmp_path / "b", criteria="").rank(dict(CASE, kandidater=CASE["kandidater"][2:4]), AS_OF)
    assert band_b.candidates[1].compared_to_top.text == (
        "Innenfor «Band B» avgjør «prioritetsdato» (tidligste dato først): T-4 står foran "
        "(T-4: 1. januar 2018, T-3: 1. januar 2019).")  # the dates compared, so the order can be checked


def test_brief_and_reference_rankings_agree_with_the_explained_one(tmp_path):
    durable = compiled(tmp_path / "d")
    reference = compiled(tmp_path / "r", evaluator=ReferenceRules)
    full = durable.rank(CASE, AS_OF)
    assert reference.rank(CASE, AS_OF).model_dump() == full.model_dump()
    brief = durable.rank_summary(CASE, AS_OF)
    assert [(c.id, c.tier) for c in brief.candidates] == [(c.id, c.tier.id) for c in full.candidates]


def test_a_bundle_without_tiers_ranks_as_before(tmp_path):
    plain = compiled(tmp_path, ranking="likhetsmargin: 5\nved_likt_poeng: []\n").rank(CASE, AS_OF)
    assert [c.id for c in plain.candidates][:3] == ["T-1", "T-4", "T-3"]
    assert all(c.tier is None for c in plain.candidates)


@pytest.mark.parametrize("ranking, message", [
    (TIERS.replace("    betingelse: {felt: sjekkliste.akutt, er: true}\n", ""),
     "bare det siste trinnet kan mangle 'betingelse'"),
    (TIERS.replace("sjekkliste.medisinsk, er: true", "sjekkliste.medisinsk, er: 3"),
     "'sjekkliste.medisinsk' er sann/usann"),
    (TIERS.replace("id: band_c", "id: band_a"), "id-en er allerede brukt"),
])
def test_rules_check_refuses_broken_tiers_with_file_and_line(tmp_path, ranking, message):
    with pytest.raises(RulesError) as caught:
        compiled(tmp_path, ranking=ranking)
    found = [(p.message, p.file, p.line) for p in caught.value.problems]
    assert any(message in text and file.endswith("rangering.yaml") and line for text, file, line in found), found


def test_a_strict_order_makes_nobody_of_equal_standing_and_the_tie_break_decides(tmp_path):
    strict = compiled(tmp_path, ranking="likhetsmargin: 0\nlikeverdige: false\n"
                                        "ved_likt_poeng:\n  - {felt: kandidat.prioritetsdato, retning: stigende}\n")
    result = strict.rank(CASE, AS_OF)
    assert [(c.id, c.score) for c in result.candidates][:2] == [("T-4", 40), ("T-1", 40)]  # T-4's date is older
    assert result.equal_standing_groups == [] and result.present_to_unit_leader == ["T-4"]
    assert result.candidates[1].equal_standing_with == []
    default = compiled(tmp_path / "d", ranking="likhetsmargin: 0\nved_likt_poeng:\n"
                                                "  - {felt: kandidat.prioritetsdato, retning: stigende}\n")
    assert default.rank(CASE, AS_OF).present_to_unit_leader == ["T-4", "T-1"]


def test_without_points_or_a_tie_break_nothing_tells_candidates_apart_so_all_of_a_tier_are_equal(tmp_path):
    """A scheme of qualification only (no criteria, no ved_likt_poeng): the candidate id must not decide who is
    presented; all who can be allocated in one tier are of equal standing, and «why not first» says so."""
    bands = TIERS.replace("ved_likt_poeng:\n  - {felt: kandidat.prioritetsdato, retning: stigende}\n", "ved_likt_poeng: []\n")
    result = compiled(tmp_path, criteria="", ranking=bands).rank(CASE, AS_OF)
    by_tier = {}
    for c in result.candidates:
        by_tier.setdefault(c.tier.id, []).append(c.id)
    assert by_tier == {"band_a": ["T-2"], "band_b": ["T-1", "T-3", "T-4"], "band_c": ["T-5"]}
    assert result.equal_standing_groups == [["T-1", "T-3", "T-4"]]
    assert result.present_to_unit_leader == ["T-2"]  # band A alone is first
    t3 = next(c for c in result.candidates if c.id == "T-3")
    assert t3.equal_standing_with == ["T-1", "T-4"]
    flat = compiled(tmp_path / "flat", criteria="", ranking="likhetsmargin: 0\nved_likt_poeng: []\n").rank(CASE, AS_OF)
    assert flat.present_to_unit_leader == ["T-1", "T-2", "T-3", "T-4", "T-5"]
    assert flat.candidates[1].compared_to_top.text == ("Likeverdig med T-1: ingenting i regelverket skiller dem, og "
                                                       "de legges fram sammen.")


def test_a_confidential_tier_of_the_one_first_is_never_named_to_another_office(tmp_path):
    """`taushetsbelagt: true` on a tier («søkere med psykiske lidelser», Kristiansand): the consultant's ranking
    names it, but another office reading its own nominee learns only that the one first is in a higher tier;
    a tier that is not confidential is still named, and an office is never told «N poeng bak» when a band
    decided."""
    from service.casework.disclosure import OTHER_NOMINEE, as_own_office_reads

    ranking = TIERS.replace("    begrunnelse: akutt behov\n", "    begrunnelse: akutt behov\n    taushetsbelagt: true\n")
    book = load_rules(write_bundle(tmp_path / "regler", sections=SECTIONS, criteria=POINTS, ranking=ranking))
    assert {"band_a"} <= book.confidential_rules and "band_b" not in book.confidential_rules
    by_id = {c.id: c.model_dump(mode="json") for c in CompiledRules(book).rank(CASE, AS_OF).candidates}
    team = by_id["T-4"]["compared_to_top"]
    assert team["top_tier"] == "band_a" and "«Band A»" in team["text"]  # the consultants see it (need to know)
    office = as_own_office_reads(by_id["T-4"], book.confidential_rules)["compared_to_top"]
    assert office["text"] == ("I «Band B» (medisinsk behov); kandidaten som står først, er i et høyere trinn, og et "
                              "høyere trinn går foran. Trinnet vises ikke, fordi det bygger på forhold under "
                              "taushetsplikt.")
    assert office["top_tier"] is None and office["withheld"] is True and office["top_candidate"] == OTHER_NOMINEE
    # Band C under band A: the same; without the mark, band A is named, and no points are said to decide
    plain = load_rules(write_bundle(tmp_path / "plain", sections=SECTIONS, criteria=POINTS, ranking=TIERS))
    assert plain.confidential_rules == frozenset()
    shown = {c.id: c.model_dump(mode="json") for c in CompiledRules(plain).rank(CASE, AS_OF).candidates}
    text = as_own_office_reads(shown["T-5"], plain.confidential_rules)["compared_to_top"]["text"]
    assert text == "I «Band C» (ingen prioritet); kandidaten som står først er i «Band A», og et høyere trinn går " \
                   "foran uansett poeng."


def test_a_tier_checked_first_takes_its_candidates_before_a_higher_tier_and_ranks_where_it_stands(tmp_path):
    """`sjekkes_forst`, taught by the README: «a refusal puts you in Band D whatever else applies» (a tester
    writing Sheffield repeated the refusal in every band)."""
    from support.readme import yaml_blocks

    block = yaml_blocks("### Et trinn som prøves først")[0]  # the second: samme_plass_som
    sections = SECTIONS.replace("  akutt: {type: boolsk, etikett: akutt behov}\n",
                                "  akutt_behov: {type: boolsk, etikett: akutt behov}\n"
                                "  medisinsk_behov: {type: boolsk, etikett: medisinsk behov}\n"
                                "  takket_nei_til_egnet_tilbud: {type: boolsk, etikett: takket nei}\n")
    folder = write_bundle(tmp_path / "regler", sections=sections, ranking="likhetsmargin: 0\nved_likt_poeng: []\n"
                          + block)
    book = load_rules(folder)
    case = {"ledig_bolig": {"id": "B-1"}, "kandidater": [
        {"id": "T-1", "sjekkliste": {"akutt_behov": True, "takket_nei_til_egnet_tilbud": True}},
        {"id": "T-2", "sjekkliste": {}},
        {"id": "T-3", "sjekkliste": {"medisinsk_behov": True}}]}
    for evaluator in (None, ReferenceRules):
        compiled = CompiledRules(book) if evaluator is None else CompiledRules(book, evaluator_factory=evaluator)
        result = compiled.rank(case, AS_OF)
        assert [(c.id, c.tier.id) for c in result.candidates] == [("T-3", "band_b"), ("T-2", "band_c"),
                                                                  ("T-1", "band_d")]
        assert result.candidates[2].tier.text == "takket nei til et egnet tilbud"
    with pytest.raises(RulesError) as caught:
        load_rules(write_bundle(tmp_path / "open", sections=sections, ranking="likhetsmargin: 0\nved_likt_poeng: []\n"
                                + block.replace("    begrunnelse: ingen særskilt prioritet\n",
                                                "    begrunnelse: ingen særskilt prioritet\n    sjekkes_forst: true\n")))
    assert "trinnet 'band_c' har 'sjekkes_forst' men ingen 'betingelse'" in str(caught.value)
    assert "rangering.yaml:" in str(caught.value)


def test_a_note_reads_the_tier_the_candidate_is_in_and_a_rule_that_decides_may_not(tmp_path):
    """`resultat.trinn` (a tester writing Sheffield: «Band A is reviewed after a period» had to repeat the band's
    condition), as the README teaches it: readable by notes and the decision's content, refused elsewhere."""
    from support.readme import yaml_blocks

    [note] = yaml_blocks("### Trinnet kandidaten er i")
    sections = SECTIONS.replace("  prioritetsdato: {type: dato, etikett: prioritetsdato}\n",
                                "  prioritetsdato: {type: dato, etikett: prioritetsdato}\n"
                                "  bandet_vurdert: {type: dato, etikett: bandet ble vurdert}\n")
    derived = "maneder_siden_bandet_ble_vurdert: {etikett: måneder siden, maneder_siden: kandidat.bandet_vurdert}\n"
    folder = write_bundle(tmp_path / "regler", sections=sections, criteria=POINTS, ranking=TIERS, derived=derived)
    (folder / "egnethet.yaml").write_text((folder / "egnethet.yaml").read_text(encoding="utf-8") + note,
                                          encoding="utf-8")
    book = load_rules(folder)
    case = {"ledig_bolig": {"id": "B-1"}, "kandidater": [
        {"id": "T-1", "bandet_vurdert": "2025-11-01", "sjekkliste": {"akutt": True}},     # band A, 7 months
        {"id": "T-2", "bandet_vurdert": "2026-02-01", "sjekkliste": {"akutt": True}},     # band A, 4 months
        {"id": "T-3", "bandet_vurdert": "2025-01-01", "sjekkliste": {"medisinsk": True}}]}  # band B: no note
    for evaluator in (None, ReferenceRules):
        compiled = CompiledRules(book) if evaluator is None else CompiledRules(book, evaluator_factory=evaluator)
        result = compiled.rank(case, AS_OF)
        assert {cid: [n.rule_id for n in notes] for cid, notes in result.notes.items()} == {
            "T-1": ["band_a_vurderes_pa_nytt"]}
        assert result.notes["T-1"][0].text == ("Søkeren er i Band A, og bandet ble vurdert for 7 måneder siden; "
                                               "Band A vurderes på nytt etter 6 måneder.")
    wrong = POINTS.replace("poeng: {per: 10", "betingelse: {felt: resultat.trinn, er: band_a}, poeng: {per: 10")
    with pytest.raises(RulesError) as caught:
        load_rules(write_bundle(tmp_path / "kriterium", sections=sections, criteria=wrong, ranking=TIERS,
                                derived=derived))
    assert "'resultat.trinn' kan ikke brukes her: trinnet kandidaten er i, kan bare leses av merknader" in \
        str(caught.value) and "prioritering.yaml:" in str(caught.value)
    unknown = note.replace("er: band_a}", "er: band_x}")
    (folder / "egnethet.yaml").write_text((folder / "egnethet.yaml").read_text(encoding="utf-8").replace(note, unknown),
                                          encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    assert "'band_x' er ikke en tillatt verdi for 'resultat.trinn' (tillatt: band_a, band_b, band_c)" in \
        str(caught.value)


def test_a_plans_precedence_comes_before_every_tiers_own_order(tmp_path):
    """`forrang` on a local plan (a tester writing Sheffield copied all four bands into the plan to say «within
    each band, working households first»), as the README teaches it."""
    from support.readme import yaml_blocks

    [plan] = yaml_blocks("### Forrang innenfor hvert band")
    sections = SECTIONS.replace("  prioritetsdato: {type: dato, etikett: prioritetsdato}\n",
                                "  prioritetsdato: {type: dato, etikett: prioritetsdato}\n"
                                "  i_arbeid: {type: boolsk, etikett: i arbeid}\n")
    sections += "botiltak:\n  id: {type: tekst, etikett: Botiltak, obligatorisk: true}\n"
    own_order = TIERS.replace("    hjemmel: Allocations policy 5.2\n",
                              "    hjemmel: Allocations policy 5.2\n    ved_likt_poeng:\n"
                              "      - {felt: kandidat.prioritetsdato, retning: synkende}\n")
    folder = write_bundle(tmp_path / "regler", sections=sections, ranking=own_order + plan)
    book = load_rules(folder)
    nominees = [{"id": "T-1", "prioritetsdato": "2020-01-01", "sjekkliste": {"medisinsk": True}},
                {"id": "T-2", "prioritetsdato": "2021-01-01", "i_arbeid": True, "sjekkliste": {"medisinsk": True}},
                {"id": "T-3", "prioritetsdato": "2022-01-01", "sjekkliste": {"medisinsk": True}},
                {"id": "T-4", "prioritetsdato": "2019-01-01", "i_arbeid": True, "sjekkliste": {}}]
    for unit, order in (("parkside", ["T-2", "T-3", "T-1", "T-4"]), ("annet", ["T-3", "T-2", "T-1", "T-4"])):
        case = {"ledig_bolig": {"id": "B-1", "botiltak": {"id": unit}}, "kandidater": copy.deepcopy(nominees)}
        for evaluator in (None, ReferenceRules):
            compiled = CompiledRules(book) if evaluator is None else CompiledRules(book, evaluator_factory=evaluator)
            ranked = compiled.rank(case, AS_OF).candidates
            assert [c.id for c in ranked] == order, unit
            words = ranked[0].tier.tie_break_order
            assert ("i arbeid" in words[0]) == (unit == "parkside") and "prioritetsdato" in " ".join(words), words
    # a field only the precedence reads is used (a tester was told `kandidat.i_arbeid` was not), and the id
    # that names the vacancy in every result is never «unused»
    notes = [f.problem.message for f in lint(book)]
    assert not any("'kandidat.i_arbeid' brukes ikke" in m or "'ledig_bolig.id' brukes ikke" in m for m in notes), notes
    # and a protected attribute in the precedence is refused, as in any other tie-break
    protected = folder.parent / "beskyttet"
    shutil.copytree(folder, protected)
    felter = (protected / "felter.yaml").read_text(encoding="utf-8")
    (protected / "felter.yaml").write_text(felter.replace("i_arbeid: {type: boolsk, etikett: i arbeid}",
                                                          "statsborgerskap: {type: tekst, etikett: statsborgerskap}"),
                                           encoding="utf-8")
    (protected / "rangering.yaml").write_text((protected / "rangering.yaml").read_text(encoding="utf-8").replace(
        "kandidat.i_arbeid", "kandidat.statsborgerskap"), encoding="utf-8")
    found = [f.problem for f in lint(load_rules(protected)) if f.severity == "feil"]
    assert any("statsborgerskap" in p.message and p.file.endswith("rangering.yaml") for p in found), found


def test_why_not_first_names_the_tie_break_that_decided_not_the_first_one(tmp_path):
    """A tester writing Manchester: «avgjør «Community contribution»» was said when both were in work and the
    band date decided. The explanation names the first tie-break on which the two differ; when none does, the two
    are of equal standing."""
    sections = SECTIONS.replace("  prioritetsdato: {type: dato, etikett: prioritetsdato}\n",
                                "  prioritetsdato: {type: dato, etikett: prioritetsdato}\n"
                                "  i_arbeid: {type: boolsk, etikett: i arbeid}\n")
    ranking = ("likhetsmargin: 0\nved_likt_poeng:\n  - {felt: kandidat.i_arbeid, retning: synkende}\n"
               "  - {felt: kandidat.prioritetsdato, retning: stigende}\n")
    book = load_rules(write_bundle(tmp_path / "regler", sections=sections, ranking=ranking))
    case = {"ledig_bolig": {"id": "B-1"}, "kandidater": [
        {"id": "T-1", "i_arbeid": True, "prioritetsdato": "2020-01-01", "sjekkliste": {}},
        {"id": "T-2", "i_arbeid": True, "prioritetsdato": "2021-01-01", "sjekkliste": {}},   # the date decides
        {"id": "T-3", "i_arbeid": False, "prioritetsdato": "2019-01-01", "sjekkliste": {}},  # work decides
        {"id": "T-4", "i_arbeid": True, "prioritetsdato": "2020-01-01", "sjekkliste": {}}]}  # nothing decides
    result = CompiledRules(book).rank(case, AS_OF)
    texts = {c.id: c.compared_to_top.text for c in result.candidates if c.compared_to_top}
    # T-4 and T-1 have the same values for every tie-break: nothing in the rules tells them apart, so they are of
    # equal standing and presented together (a Bergen tester: «families first; the meeting decides among them»)
    assert result.equal_standing_groups == [["T-1", "T-4"]] and result.present_to_unit_leader == ["T-1", "T-4"]
    assert texts == {
        "T-4": "Likeverdig med T-1: ingenting i regelverket skiller dem, og de legges fram sammen.",
        "T-2": "Uten poeng avgjør «prioritetsdato» (tidligste dato først): T-1 står foran (T-1: 1. januar 2020, "
               "T-2: 1. januar 2021).",
        "T-3": "Uten poeng avgjør «i arbeid» (ja før nei): T-1 står foran."}


def test_a_tier_in_another_tiers_place_ranks_with_its_members_by_its_order(tmp_path):
    """`samme_plass_som` (a tester writing Manchester: «a refusal puts you in Band 4» could only be a tier ranked
    after Band 4): refusers are tried first, have their own reason, and rank among Band 4 by Band 4's date."""
    sections = SECTIONS.replace("  barn: {type: heltall, etikett: barn i husstanden, min: 0}\n",
                                "  barn: {type: heltall, etikett: barn i husstanden, min: 0}\n"
                                "  takket_nei: {type: boolsk, etikett: takket nei}\n")
    ranking = TIERS + REFUSED_TO_BAND_C
    book = load_rules(write_bundle(tmp_path / "regler", sections=sections, ranking=ranking))
    case = {"ledig_bolig": {"id": "B-1"}, "kandidater": [
        {"id": "T-1", "prioritetsdato": "2021-01-01", "sjekkliste": {}},                                 # C
        {"id": "T-2", "prioritetsdato": "2020-01-01", "sjekkliste": {"akutt": True, "takket_nei": True}},  # C, refused
        {"id": "T-3", "prioritetsdato": "2022-01-01", "sjekkliste": {"medisinsk": True}}]}                # B
    for evaluator in (None, ReferenceRules):
        compiled = CompiledRules(book) if evaluator is None else CompiledRules(book, evaluator_factory=evaluator)
        result = compiled.rank(case, AS_OF)
        assert [(c.id, c.tier.id, c.tier.position) for c in result.candidates] == [
            ("T-3", "band_b", 2), ("T-2", "band_c_etter_avslag", 3), ("T-1", "band_c", 3)]
        t2 = result.candidates[1]
        assert (t2.tier.name, t2.tier.text) == ("Band C", "takket nei til et egnet tilbud")
        assert result.candidates[2].compared_to_top.text.startswith("I «Band C» (ingen prioritet); T-3 er i «Band B»")


@pytest.mark.parametrize("alias, message", [
    ("samme_plass_som: band_x", "'samme_plass_som' må være et annet trinn i listen"),
    ("samme_plass_som: band_c_etter_avslag", "'samme_plass_som' må være et annet trinn i listen"),
])
def test_a_place_shared_with_no_other_tier_is_refused_with_file_and_line(tmp_path, alias, message):
    ranking = TIERS + ("  - id: band_c_etter_avslag\n    navn: Band C\n    betingelse: {felt: sjekkliste.akutt, er: false}\n"
                       f"    sjekkes_forst: true\n    {alias}\n    begrunnelse: x\n    hjemmel: h\n")
    folder = write_bundle(tmp_path / "regler", sections=SECTIONS, ranking=ranking)
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    [problem] = caught.value.problems
    assert message in problem.message and problem.file.endswith("rangering.yaml"), problem
    # the line of the tier's own `samme_plass_som`, not the file's first (a Liverpool tester was sent to line 2)
    lines = (folder / "rangering.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[problem.line - 1].strip() == alias, (problem.line, lines)


def test_the_readme_tier_in_another_tiers_place_is_valid_pasted_after_the_readme_bands(tmp_path):
    from support.readme import yaml_blocks

    bands, alias = yaml_blocks("### Et trinn som prøves først")
    sections = SECTIONS.replace("  akutt: {type: boolsk, etikett: akutt behov}\n",
                                "  akutt_behov: {type: boolsk, etikett: akutt behov}\n"
                                "  medisinsk_behov: {type: boolsk, etikett: medisinsk behov}\n"
                                "  takket_nei_til_egnet_tilbud: {type: boolsk, etikett: takket nei}\n")
    book = load_rules(write_bundle(tmp_path / "regler", sections=sections,
                                   ranking="likhetsmargin: 0\nved_likt_poeng: []\n" + bands + alias))
    assert [t.id for t in book.ranking.trinn][-1] == "band_c_etter_avslag"


def _demotion_bundle(tmp_path, demotion: str | None = None, ranking: str | None = None):
    from support.readme import yaml_blocks

    bands, _ = yaml_blocks("### Et trinn som prøves først")
    [readme_demotion] = yaml_blocks("### Ett trinn ned")
    sections = SECTIONS.replace("  akutt: {type: boolsk, etikett: akutt behov}\n",
                                "  akutt_behov: {type: boolsk, etikett: akutt behov}\n"
                                "  medisinsk_behov: {type: boolsk, etikett: medisinsk behov}\n"
                                "  takket_nei_til_egnet_tilbud: {type: boolsk, etikett: takket nei}\n"
                                "  husleiegjeld: {type: boolsk, etikett: husleiegjeld til kommunen}\n")
    text = ranking if ranking is not None else (
        "ved_likt_poeng:\n  - {felt: kandidat.prioritetsdato, retning: stigende}\n" + bands)
    return load_rules(write_bundle(tmp_path / "regler", sections=sections,
                                   ranking=text + (demotion if demotion is not None else readme_demotion)))


def test_reduced_preference_moves_a_candidate_one_tier_down_whatever_their_band(tmp_path):
    """`trinn_ned` (a Liverpool tester wrote one extra band per band, each repeating its condition): rent arrears
    put an applicant one band lower, ranked there by that band's order, and the text says from where."""
    book = _demotion_bundle(tmp_path)
    case = {"ledig_bolig": {"id": "B-1"}, "kandidater": [
        {"id": "T-1", "prioritetsdato": "2019-01-01", "sjekkliste": {"akutt_behov": True, "husleiegjeld": True}},
        {"id": "T-2", "prioritetsdato": "2020-01-01", "sjekkliste": {"medisinsk_behov": True}},
        {"id": "T-3", "prioritetsdato": "2021-01-01", "sjekkliste": {"akutt_behov": True}},
        {"id": "T-4", "prioritetsdato": "2010-01-01", "sjekkliste": {"husleiegjeld": True}},
        {"id": "T-5", "prioritetsdato": "2009-01-01", "sjekkliste": {"takket_nei_til_egnet_tilbud": True,
                                                                      "husleiegjeld": True}}]}
    for evaluator in (None, ReferenceRules):
        compiled = CompiledRules(book) if evaluator is None else CompiledRules(book, evaluator_factory=evaluator)
        result = compiled.rank(case, AS_OF)
        assert [(c.id, c.tier.id) for c in result.candidates] == [
            ("T-3", "band_a"), ("T-1", "band_b"), ("T-2", "band_b"), ("T-5", "band_d"), ("T-4", "band_d")]
        by_id = {c.id: c for c in result.candidates}
        assert by_id["T-1"].tier.text == ("flyttet ned fra «Band A» (akutt behov for bolig): husleiegjeld til "
                                          "kommunen gir ett band lavere")
        assert by_id["T-5"].tier.text == "takket nei til et egnet tilbud"  # already last: not moved, nothing said
        # the basis of the placement is band A's and the demotion's, not band B's (whose condition T-1 never met)
        demotion = book.ranking.trinn_ned[0]
        band_a = next(t for t in book.ranking.trinn if t.id == "band_a")
        assert by_id["T-1"].tier.basis == f"{band_a.hjemmel}; {demotion.hjemmel}"
        assert by_id["T-3"].tier.basis == band_a.hjemmel
        assert by_id["T-1"].compared_to_top.text.startswith("I «Band B» (flyttet ned fra «Band A»")
        brief = compiled.rank_summary(case, AS_OF)
        assert [(c.id, c.tier) for c in brief.candidates] == [(c.id, c.tier.id) for c in result.candidates]


def test_two_places_down_and_a_bundle_without_tiers(tmp_path):
    from support.readme import yaml_blocks

    [readme_demotion] = yaml_blocks("### Ett trinn ned")
    book = _demotion_bundle(tmp_path, readme_demotion.replace("trinn: 1 ", "trinn: 2 "))
    case = {"ledig_bolig": {"id": "B-1"}, "kandidater": [
        {"id": "T-1", "sjekkliste": {"akutt_behov": True, "husleiegjeld": True}}]}
    assert CompiledRules(book).rank(case, AS_OF).candidates[0].tier.id == "band_c"
    with pytest.raises(RulesError) as caught:
        _demotion_bundle(tmp_path / "uten", ranking="ved_likt_poeng: []\n")
    assert any("'trinn_ned' flytter kandidater ned fra trinnet de er i, men regelverket har ingen trinn" in p.message
               and p.line for p in caught.value.problems), caught.value.problems


def _group_bundle(tmp_path, plan: str | None = None, ranking_head: str | None = None):
    """The README's bands (A, B, C, and D tried first), its rent-arrears demotion and its Parkside group ahead."""
    from support.readme import yaml_blocks

    bands, _ = yaml_blocks("### Et trinn som prøves først")
    [demotion] = yaml_blocks("### Ett trinn ned")
    [readme_plan] = yaml_blocks("### En gruppe foran alle band")
    sections = SECTIONS.replace("  prioritetsdato: {type: dato, etikett: prioritetsdato}\n",
                                "  prioritetsdato: {type: dato, etikett: prioritetsdato}\n"
                                "  lokal_tilknytning: {type: boolsk, etikett: lokal tilknytning}\n"
                                "  statsborgerskap: {type: tekst, etikett: statsborgerskap}\n"
                                "  tilknytning_sognet: {type: boolsk, etikett: tilknytning til sognet}\n"
                                "  tilknytning_nabosogn: {type: boolsk, etikett: tilknytning til et nabosogn}\n")
    sections = sections.replace("  akutt: {type: boolsk, etikett: akutt behov}\n",
                                "  akutt_behov: {type: boolsk, etikett: akutt behov}\n"
                                "  medisinsk_behov: {type: boolsk, etikett: medisinsk behov}\n"
                                "  takket_nei_til_egnet_tilbud: {type: boolsk, etikett: takket nei}\n"
                                "  husleiegjeld: {type: boolsk, etikett: husleiegjeld til kommunen}\n")
    sections += "botiltak:\n  id: {type: tekst, etikett: Botiltak, obligatorisk: true}\n"
    head = ranking_head if ranking_head is not None else (
        "ved_likt_poeng:\n  - {felt: kandidat.prioritetsdato, retning: stigende}\n" + bands)
    return load_rules(write_bundle(tmp_path / "regler", sections=sections,
                                   ranking=head + demotion + (plan if plan is not None else readme_plan)))


def test_a_plans_group_ahead_stands_before_every_band_and_is_ranked_by_the_bands_within(tmp_path):
    """`gruppe_foran` («local connection first; within each group by band and date»): a local applicant in Band C
    stands before a non-local one in Band A; a demotion moves down within the group, never out of it; outside
    the plan's unit nothing changes."""
    book = _group_bundle(tmp_path)
    nominees = [
        {"id": "T-1", "prioritetsdato": "2018-01-01", "sjekkliste": {"akutt_behov": True}},
        {"id": "T-2", "prioritetsdato": "2022-01-01", "lokal_tilknytning": True, "sjekkliste": {}},
        {"id": "T-3", "prioritetsdato": "2021-01-01", "lokal_tilknytning": True,
         "sjekkliste": {"medisinsk_behov": True}},
        {"id": "T-4", "prioritetsdato": "2017-01-01", "lokal_tilknytning": True,
         "sjekkliste": {"takket_nei_til_egnet_tilbud": True, "husleiegjeld": True}},
        {"id": "T-5", "prioritetsdato": "2016-01-01", "lokal_tilknytning": True,
         "sjekkliste": {"akutt_behov": True, "husleiegjeld": True}}]
    plan = next(p for p in book.plans if p.id == "parkside_lokal")
    for evaluator in (None, ReferenceRules):
        compiled = CompiledRules(book) if evaluator is None else CompiledRules(book, evaluator_factory=evaluator)
        case = {"ledig_bolig": {"id": "B-1", "botiltak": {"id": "parkside"}}, "kandidater": copy.deepcopy(nominees)}
        result = compiled.rank(case, AS_OF)
        assert [(c.id, c.tier.id, c.tier.name) for c in result.candidates] == [
            ("T-5", "band_b", "Band B, lokal tilknytning"),   # Band A, one band down for the arrears
            ("T-3", "band_b", "Band B, lokal tilknytning"),
            ("T-2", "band_c", "Band C, lokal tilknytning"),
            ("T-4", "band_d", "Band D, lokal tilknytning"),   # refused: the group's last band, not out of it
            ("T-1", "band_a", "Band A")]
        by_id = {c.id: c for c in result.candidates}
        assert by_id["T-2"].tier.text == "ingen særskilt prioritet; lokal tilknytning til Parkside"
        assert by_id["T-2"].tier.basis == f"Tildelingsregler pkt. 5.3; {plan.hjemmel}"
        assert by_id["T-1"].tier.basis == "Tildelingsregler pkt. 5.1"
        assert by_id["T-1"].compared_to_top.text == (
            "I «Band A» (akutt behov for bolig); T-5 er i «Band B, lokal tilknytning», og gruppen «lokal tilknytning» "
            "går foran alle andre (Lokal utleieplan for Parkside).")
        assert by_id["T-2"].compared_to_top.text.endswith("og et høyere trinn går foran.")
        brief = compiled.rank_summary(case, AS_OF)
        assert [c.id for c in brief.candidates] == [c.id for c in result.candidates]
        elsewhere = {"ledig_bolig": {"id": "B-2", "botiltak": {"id": "annet"}}, "kandidater": copy.deepcopy(nominees)}
        assert [(c.id, c.tier.name) for c in compiled.rank(elsewhere, AS_OF).candidates] == [
            ("T-1", "Band A"), ("T-5", "Band B"), ("T-3", "Band B"), ("T-2", "Band C"), ("T-4", "Band D")]


@pytest.mark.parametrize("plan, head, message", [
    ("    kombineres: true\n", None, "gruppe_foran erstatter regelverkets og kan ikke stå i den"),
    ("", "ved_likt_poeng: []\n", "'gruppe_foran' rangerer gruppen etter trinnene, men verken planen eller "
                                 "regelverket har trinn"),
])
def test_a_group_ahead_needs_tiers_and_a_plan_of_its_own(tmp_path, plan, head, message):
    from support.readme import yaml_blocks

    [readme_plan] = yaml_blocks("### En gruppe foran alle band")
    text = readme_plan.replace("    hjemmel: Local lettings plan", plan + "    hjemmel: Local lettings plan")
    with pytest.raises(RulesError) as caught:
        _group_bundle(tmp_path, text, ranking_head=head)  # head: a ranking without tiers
    assert any(message in p.message and p.file.endswith("rangering.yaml") and p.line for p in caught.value.problems), \
        [p.message for p in caught.value.problems]


def test_the_lint_reads_a_group_ahead_like_any_other_rule(tmp_path):
    """A protected attribute in `gruppe_foran` is refused (and a field only it reads is not «unused»)."""
    book = _group_bundle(tmp_path / "lokal")
    notes = [f.problem.message for f in lint(book)]
    assert not any("'kandidat.lokal_tilknytning' brukes ikke" in m for m in notes), notes
    from support.readme import yaml_blocks

    [readme_plan] = yaml_blocks("### En gruppe foran alle band")
    protected = readme_plan.replace("{felt: kandidat.lokal_tilknytning, er: true}",
                                    "{felt: kandidat.statsborgerskap, er: norsk}")
    folder = tmp_path / "beskyttet"
    book = _group_bundle(folder, protected)  # loads: the field is declared below before lint runs
    found = [f.problem for f in lint(book) if f.severity == "feil"]
    assert any("statsborgerskap" in p.message and p.file.endswith("rangering.yaml") for p in found), found


def test_groups_ahead_in_a_list_stand_one_after_the_other_each_ranked_by_the_bands(tmp_path):
    """A Cornwall tester: a section 106 site goes to the parish first, then the adjoining parishes, then the rest
    («gruppe_foran takes only one group»). The README's plan, pasted: each group's bands, then everyone else's;
    one in both groups stands in the first; a demotion stays within the candidate's own group."""
    from support.readme import yaml_blocks

    [cascade] = yaml_blocks("### Flere grupper etter hverandre")
    book = _group_bundle(tmp_path, cascade)
    nominees = [
        {"id": "R-1", "prioritetsdato": "2015-01-01", "sjekkliste": {"akutt_behov": True}},
        {"id": "N-1", "prioritetsdato": "2020-01-01", "tilknytning_nabosogn": True, "sjekkliste": {"akutt_behov": True}},
        {"id": "N-2", "prioritetsdato": "2021-01-01", "tilknytning_nabosogn": True, "tilknytning_sognet": True,
         "sjekkliste": {"medisinsk_behov": True}},
        {"id": "N-3", "prioritetsdato": "2016-01-01", "tilknytning_nabosogn": True,
         "sjekkliste": {"medisinsk_behov": True, "husleiegjeld": True}},
        {"id": "P-1", "prioritetsdato": "2023-01-01", "tilknytning_sognet": True, "sjekkliste": {}}]
    for evaluator in (None, ReferenceRules):
        compiled = CompiledRules(book) if evaluator is None else CompiledRules(book, evaluator_factory=evaluator)
        case = {"ledig_bolig": {"id": "B-1", "botiltak": {"id": "st_erth"}}, "kandidater": copy.deepcopy(nominees)}
        result = compiled.rank(case, AS_OF)
        assert [(c.id, c.tier.id, c.tier.name) for c in result.candidates] == [
            ("N-2", "band_b", "Band B, sognet"),     # in both groups: the first
            ("P-1", "band_c", "Band C, sognet"),
            ("N-1", "band_a", "Band A, nabosogn"),
            ("N-3", "band_c", "Band C, nabosogn"),   # Band B, one down for the arrears, within the group
            ("R-1", "band_a", "Band A")]
        by_id = {c.id: c for c in result.candidates}
        assert by_id["N-1"].compared_to_top.text == (
            "I «Band A, nabosogn» (akutt behov for bolig; tilknytning til et nabosogn); N-2 er i «Band B, sognet», og "
            "gruppen «sognet» går foran alle andre (Section 106, St Erth).")
        assert by_id["P-1"].compared_to_top.text.endswith("og et høyere trinn går foran.")
        brief = compiled.rank_summary(case, AS_OF)  # the group too, not the band alone (a Cornwall tester)
        assert [(c.id, c.tier, c.group) for c in brief.candidates] == [
            ("N-2", "band_b", "sognet"), ("P-1", "band_c", "sognet"), ("N-1", "band_a", "nabosogn"),
            ("N-3", "band_c", "nabosogn"), ("R-1", "band_a", None)]
        assert "group" not in brief.model_dump_json(include={"candidates": {4}})
        from service.cli.rank import format_summary

        lines = format_summary(brief, tiers={t.id: t.navn for t in book.ranking.trinn}).splitlines()
        assert any(line.startswith("2. P-1") and "Band C, sognet" in line for line in lines), lines
        assert any(line.startswith("5. R-1") and "Band A" in line and "sognet" not in line for line in lines), lines
        no_parish = dict(case, kandidater=[k for k in copy.deepcopy(nominees) if k["id"] in ("R-1", "N-1", "N-3")])
        result = compiled.rank(no_parish, AS_OF)
        assert [c.id for c in result.candidates] == ["N-1", "N-3", "R-1"]
        assert result.candidates[2].compared_to_top.text == (
            "I «Band A» (akutt behov for bolig); N-1 er i «Band A, nabosogn», og gruppen «nabosogn» går foran alle "
            "som ikke er i «sognet» eller «nabosogn» (Section 106, St Erth).")


@pytest.mark.parametrize("groups, message", [
    ("    gruppe_foran: []\n", "listen er for kort (minst 1)"),
    ("    gruppe_foran: 3\n", "'gruppe_foran' må være én gruppe (navn, betingelse, begrunnelse) eller en liste"),
    ("    gruppe_foran:\n      - navn: sognet\n        betingelse: {felt: kandidat.tilknytning_sognet, er: true}\n",
     "lokal plan 's106_sogn': 'begrunnelse' må fylles ut"),
    ("    gruppe_foran:\n      - navn: sognet\n        betingelse: {felt: kandidat.tilknytning_sognet, er: true}\n"
     "        begrunnelse: tilknytning til sognet\n      - navn: poeng\n"
     "        betingelse: {felt: resultat.poeng, minst: 1}\n        begrunnelse: poeng\n",
     "'gruppe_foran' kan ikke lese resultat.poeng"),
])
def test_a_list_of_groups_ahead_is_checked_group_by_group_with_file_and_line(tmp_path, groups, message):
    plan = ("lokale_planer:\n  - id: s106_sogn\n    navn: Section 106\n    gjelder: {felt: botiltak.id, er: st_erth}\n"
            + groups + "    hjemmel: h\n")
    with pytest.raises(RulesError) as caught:
        _group_bundle(tmp_path, plan)
    assert any(message in str(p) and p.file.endswith("rangering.yaml") and p.line for p in caught.value.problems), \
        [str(p) for p in caught.value.problems]
    if "resultat.poeng" not in message:  # a shape's mistake once, not once more as «not a mapping» from the other
        assert len(caught.value.problems) == 1, [str(p) for p in caught.value.problems]


def test_the_values_compared_are_told_for_register_dates_and_numbers_never_for_documented_needs(tmp_path):
    """«T-1 står foran (T-1: ..., T-2: ...)» lets a consultant check the order; a checklist value (sjekkliste.*,
    the documented needs) of another office's nominee is not told, even a number."""
    ranking = ("likhetsmargin: 0\nved_likt_poeng:\n  - {felt: sjekkliste.barn, retning: synkende}\n"
               "  - {felt: kandidat.prioritetsdato, retning: stigende}\n")
    book = load_rules(write_bundle(tmp_path / "regler", sections=SECTIONS, ranking=ranking))
    case = {"ledig_bolig": {"id": "B-1"}, "kandidater": [
        {"id": "T-1", "prioritetsdato": "2020-01-01", "sjekkliste": {"barn": 3}},
        {"id": "T-2", "prioritetsdato": "2019-01-01", "sjekkliste": {"barn": 1}},   # the children decide
        {"id": "T-3", "prioritetsdato": "2021-03-05", "sjekkliste": {"barn": 3}}]}  # the date decides
    texts = {c.id: c.compared_to_top.text for c in CompiledRules(book).rank(case, AS_OF).candidates
             if c.compared_to_top}
    assert texts == {
        "T-2": "Uten poeng avgjør «barn i husstanden» (høyest først): T-1 står foran.",
        "T-3": "Uten poeng avgjør «prioritetsdato» (tidligste dato først): T-1 står foran (T-1: 1. januar 2020, "
               "T-3: 5. mars 2021)."}


def test_a_candidate_in_two_tiers_of_one_place_is_given_both_reasons_and_both_bases(tmp_path):
    """A Bergen tester wrote one tier per priority group, all in one place (`samme_plass_som`): a family with
    children who was also homeless read «fordi barnefamilie» alone. Every tier of the place that holds gives its
    reason and its basis; the tier named is the first, as before."""
    ranking = TIERS.replace("""    hjemmel: Allocations policy 5.2
""", """    hjemmel: Allocations policy 5.2
  - id: band_b_barn
    navn: Band B
    betingelse: {felt: sjekkliste.barn, minst: 2}
    samme_plass_som: band_b
    begrunnelse: '{sjekkliste.barn} barn i husstanden'
    hjemmel: Allocations policy 5.2.1
""")
    book = load_rules(write_bundle(tmp_path / "regler", sections=SECTIONS, ranking=ranking))
    case = {"ledig_bolig": {"id": "B-1"}, "kandidater": [
        {"id": "T-1", "prioritetsdato": "2021-01-01", "sjekkliste": {"medisinsk": True, "barn": 3}},
        {"id": "T-2", "prioritetsdato": "2020-01-01", "sjekkliste": {"barn": 2}},
        {"id": "T-3", "prioritetsdato": "2019-01-01", "sjekkliste": {"medisinsk": True}}]}
    for evaluator in (None, ReferenceRules):
        compiled = CompiledRules(book) if evaluator is None else CompiledRules(book, evaluator_factory=evaluator)
        by_id = {c.id: c.tier for c in compiled.rank(case, AS_OF).candidates}
        assert (by_id["T-1"].id, by_id["T-1"].text, by_id["T-1"].basis) == (
            "band_b", "medisinsk behov; 3 barn i husstanden", "Allocations policy 5.2; Allocations policy 5.2.1")
        assert (by_id["T-2"].id, by_id["T-2"].text, by_id["T-2"].basis) == (
            "band_b_barn", "2 barn i husstanden", "Allocations policy 5.2.1")
        assert (by_id["T-3"].text, by_id["T-3"].basis) == ("medisinsk behov", "Allocations policy 5.2")


def test_a_demotion_moves_by_tiers_past_one_in_another_tiers_place(tmp_path):
    """A Sheffield tester: `trinn_ned` with a tier in another's place (`samme_plass_som`) crashed (KeyError): that
    tier's own file position is no place, and «one down» landed on it, or «never past the last» did when the
    last tier was such a one. One down is the next tier that stands on its own; the last is the last of those."""
    from support.readme import yaml_blocks

    [demotion] = yaml_blocks("### Ett trinn ned")
    sections = SECTIONS.replace("  akutt: {type: boolsk, etikett: akutt behov}\n",
                                "  akutt: {type: boolsk, etikett: akutt behov}\n"
                                "  takket_nei: {type: boolsk, etikett: takket nei}\n"
                                "  husleiegjeld: {type: boolsk, etikett: husleiegjeld til kommunen}\n")
    ranking = TIERS.replace("likhetsmargin: 5\n", "") + REFUSED_TO_BAND_C
    ranking = ranking.replace("""  - id: band_c
""", """  - id: band_b_barn
    navn: Band B
    betingelse: {felt: sjekkliste.barn, minst: 2}
    samme_plass_som: band_b
    begrunnelse: to eller flere barn
    hjemmel: Allocations policy 5.2.1
  - id: band_c
""")
    book = load_rules(write_bundle(tmp_path / "regler", sections=sections, ranking=ranking + demotion))
    case = {"ledig_bolig": {"id": "B-1"}, "kandidater": [
        {"id": "T-1", "prioritetsdato": "2019-01-01", "sjekkliste": {"akutt": True, "husleiegjeld": True}},
        {"id": "T-2", "prioritetsdato": "2018-01-01", "sjekkliste": {"medisinsk": True, "husleiegjeld": True}},
        {"id": "T-3", "prioritetsdato": "2016-01-01", "sjekkliste": {"takket_nei": True, "husleiegjeld": True}},
        {"id": "T-4", "prioritetsdato": "2017-01-01", "sjekkliste": {"barn": 2, "husleiegjeld": True}}]}
    for evaluator in (None, ReferenceRules):
        compiled = CompiledRules(book) if evaluator is None else CompiledRules(book, evaluator_factory=evaluator)
        result = compiled.rank(case, AS_OF)
        assert [(c.id, c.tier.id, c.tier.position) for c in result.candidates] == [
            ("T-1", "band_b", 2), ("T-3", "band_c_etter_avslag", 4), ("T-4", "band_c", 4), ("T-2", "band_c", 4)]
        by_id = {c.id: c.tier for c in result.candidates}
        assert by_id["T-3"].text == "takket nei til et egnet tilbud"  # already in the last tier: not moved
        assert by_id["T-4"].text == ("flyttet ned fra «Band B» (to eller flere barn): husleiegjeld til kommunen gir "
                                     "ett band lavere")
        assert [(c.id, c.tier) for c in compiled.rank_summary(case, AS_OF).candidates] == [
            (c.id, c.tier.id) for c in result.candidates]


def test_in_a_group_ahead_the_open_tier_of_the_place_gives_no_reason_and_the_groups_stands_once(tmp_path):
    """A Bristol tester: a refuser in the plan's group, placed in Band C by a tier in Band C's place, read «takket
    nei ...; lokal tilknytning; ingen prioritet; lokal tilknytning» with the basis twice: in a group the open tier's
    rule is the group's alone, so it «held» too."""
    sections = SECTIONS.replace("  barn: {type: heltall, etikett: barn i husstanden, min: 0}\n",
                                "  barn: {type: heltall, etikett: barn i husstanden, min: 0}\n"
                                "  takket_nei: {type: boolsk, etikett: takket nei}\n"
                                "  lokal: {type: boolsk, etikett: lokal tilknytning}\n")
    sections += "botiltak:\n  id: {type: tekst, etikett: Botiltak, obligatorisk: true}\n"
    plan = ("lokale_planer:\n  - id: lokal\n    navn: Lokal plan\n    gjelder: {felt: botiltak.id, er: nyby}\n"
            "    gruppe_foran:\n      navn: lokal\n      betingelse: {felt: sjekkliste.lokal, er: true}\n"
            "      begrunnelse: lokal tilknytning\n    hjemmel: Lokal plan pkt. 1\n")
    book = load_rules(write_bundle(tmp_path / "regler", sections=sections, ranking=TIERS + REFUSED_TO_BAND_C + plan))
    case = {"ledig_bolig": {"id": "B-1", "botiltak": {"id": "nyby"}}, "kandidater": [
        {"id": "T-1", "prioritetsdato": "2021-01-01", "sjekkliste": {"lokal": True, "takket_nei": True}}]}
    for evaluator in (None, ReferenceRules):
        compiled = CompiledRules(book) if evaluator is None else CompiledRules(book, evaluator_factory=evaluator)
        tier = compiled.rank(case, AS_OF).candidates[0].tier
        assert (tier.id, tier.name, tier.text, tier.basis) == (
            "band_c_etter_avslag", "Band C, lokal", "takket nei til et egnet tilbud; lokal tilknytning",
            "Allocations policy 7; Lokal plan pkt. 1")
