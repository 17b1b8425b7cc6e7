"""Local plans (lokale_planer in rangering.yaml, issue 9 item 9): rules/README.md's Nyby plan, copied as a
policy officer would into the shipped rules, applies only to its unit, replaces the bundle's values and
tie-break order, counts its criteria only under it, and falls back when no nominee has a local
connection, saying so; `rules check` refuses what would make a plan unreadable, with file and line."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from engine import CompiledRules, RulesError, load_rules
from engine.policy.lint import lint
from support.readme import yaml_blocks
from support.reference_evaluator import ReferenceRules

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 28)
FALLBACK = "«Lokal utleieplan for Nyby» gjelder ikke: ingen av kandidatene har lokal tilknytning."

# Two of the bundle's own rules that read the parameter the plan replaces: a criterion comparing with it,
# and points per month computed by a formula from it (computed after the counts, so computed again).
BUNDLE_CRITERIA = """
  - id: over_ventetidsgrensen
    navn: Over ventetidsgrensen
    poeng: 3
    betingelse: {felt: beregnet.ventetid_maneder, minst: {felt: parameter.ventetid_grense}}
    forklaring: Søkeren har ventet minst {parameter.ventetid_grense} måneder.
    hjemmel: Retningslinjer pkt. 4
  - id: maneder_over_grensen
    navn: Måneder over grensen
    poeng: {per: 1, verdi: beregnet.maneder_over_grensen, maks: 30, enhet: måned}
    forklaring: '{verdi} måneder over grensen.'
    hjemmel: Retningslinjer pkt. 4
"""
FORMULA = """  maneder_over_grensen:
    etikett: måneder over ventetidsgrensen
    formel: max(0, beregnet.ventetid_maneder - parameter.ventetid_grense)
    enhet: måneder
"""


def _bundle(tmp_path: Path, plan_text: str | None = None, own_rules: bool = False, name: str = "rules") -> Path:
    field, parameters, plan = yaml_blocks("## Lokale planer")[:3]
    folder = tmp_path / name
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT / "rules", folder)
    vocabulary = (folder / "felter.yaml").read_text(encoding="utf-8")
    vocabulary = vocabulary.replace("  kandidat:\n", "  kandidat:\n" + field, 1)
    if own_rules:
        vocabulary = vocabulary.replace("\nberegnet:\n", "\nberegnet:\n" + FORMULA, 1)
        priority = (folder / "prioritering.yaml").read_text(encoding="utf-8")
        (folder / "prioritering.yaml").write_text(priority.replace("\nkriterier:\n", "\nkriterier:" + BUNDLE_CRITERIA, 1),
                                                  encoding="utf-8")
    (folder / "felter.yaml").write_text(vocabulary.rstrip() + "\n" + parameters, encoding="utf-8")
    ranking = (folder / "rangering.yaml").read_text(encoding="utf-8")
    (folder / "rangering.yaml").write_text(ranking.rstrip() + "\n" + (plan if plan_text is None else plan_text),
                                           encoding="utf-8")
    return folder


def _case(unit: str = "nyby", local: tuple[str, ...] = ("K-1187",)) -> dict:
    case = yaml.safe_load((ROOT / "examples" / "sak-1-lade.yaml").read_text(encoding="utf-8"))
    case["ledig_bolig"]["botiltak"]["id"] = unit
    for nominee in case["kandidater"]:
        nominee["lokal_tilknytning"] = nominee["id"] in local
    return case


def _plain(result) -> dict:
    """A ranking without what names the rules version (the bundles compared differ in their files)."""
    data = result.model_dump()
    data.pop("rules_version")
    data.pop("input_hash")
    return data


@pytest.fixture(scope="module")
def readme_plan(tmp_path_factory):
    return CompiledRules(load_rules(_bundle(tmp_path_factory.mktemp("readme"))))


@pytest.fixture(scope="module")
def with_own_rules(tmp_path_factory):
    return CompiledRules(load_rules(_bundle(tmp_path_factory.mktemp("own"), own_rules=True)))


def test_the_readme_plan_passes_the_rules_check_and_leaves_the_shipped_rules_as_they_were(readme_plan):
    assert [f for f in lint(readme_plan.book) if f.severity == "feil"] == []
    shipped = load_rules(ROOT / "rules")
    assert shipped.plans == []
    assert readme_plan.book.content_hash != shipped.content_hash
    [plan] = readme_plan.book.plans
    assert (plan.id, plan.verdier, [c.id for c in plan.kriterier]) == (
        "nyby_lokal_utleieplan", {"ventetid_grense": 12}, ["nyby_lokal_tilknytning", "nyby_lang_ventetid"])


def test_a_plan_applies_only_to_the_homes_of_its_units(readme_plan):
    shipped = CompiledRules(load_rules(ROOT / "rules"))
    case = _case(unit="lade-botiltak")
    elsewhere = readme_plan.rank(case, AS_OF)
    assert elsewhere.plans == []
    assert "plans" not in elsewhere.model_dump_json()
    without_field = copy.deepcopy(case)
    for nominee in without_field["kandidater"]:
        del nominee["lokal_tilknytning"]
    assert _plain(elsewhere) == _plain(shipped.rank(without_field, AS_OF))

    nyby = readme_plan.rank(_case(), AS_OF)
    [outcome] = nyby.plans
    assert (outcome.id, outcome.applied, outcome.status, outcome.text, outcome.nominees_meeting_fallback) == (
        "nyby_lokal_utleieplan", True, "gjelder", "«Lokal utleieplan for Nyby» gjelder for boligen.", 1)
    assert outcome.basis == "Lokal utleieplan for Nyby, vedtatt av bydelsutvalget 2026"


def test_the_plans_criteria_and_checks_count_only_under_it(readme_plan):
    by_id = {c.id: c for c in readme_plan.rank(_case(), AS_OF).candidates}
    local = by_id["K-1187"]
    item = next(i for i in local.score_items if i.rule_id == "nyby_lokal_tilknytning")
    assert (item.points, item.text, item.basis, item.source) == (
        20, "Søkeren har lokal tilknytning til bydelen.", "Lokal utleieplan for Nyby pkt. 2", "prioritering")
    assert [b.rule_id for b in local.blocks] == ["dognbemanning_uten_nattbemanning", "nyby_ikke_skjermet"]
    assert "nyby_lokal_tilknytning" in {u.rule_id for u in by_id["K-2031"].unmet_criteria}
    elsewhere = {c.id: c for c in readme_plan.rank(_case(unit="lade-botiltak"), AS_OF).candidates}
    for candidate in elsewhere.values():
        ids = {i.rule_id for i in candidate.score_items} | {b.rule_id for b in candidate.blocks} | \
              {u.rule_id for u in candidate.unmet_criteria}
        assert not {"nyby_lokal_tilknytning", "nyby_lang_ventetid", "nyby_ikke_skjermet"} & ids


def test_the_plans_values_replace_the_bundles_in_conditions_and_formulas(with_own_rules):
    nyby = {c.id: c for c in with_own_rules.rank(_case(), AS_OF).candidates}
    lade = {c.id: c for c in with_own_rules.rank(_case(unit="lade-botiltak"), AS_OF).candidates}

    def items(candidate):
        return {i.rule_id: (i.points, i.text) for i in candidate.score_items}

    # K-0954 has waited 12 months: over Nyby's limit (12), not over the bundle's (24).
    assert items(nyby["K-0954"])["over_ventetidsgrensen"] == (3, "Søkeren har ventet minst 12 måneder.")
    assert items(nyby["K-0954"])["nyby_lang_ventetid"] == (10, "Søkeren har ventet i 12 måneder.")
    assert "over_ventetidsgrensen" not in items(lade["K-0954"])
    # K-2031 has waited 30 months: 18 over Nyby's limit, 6 over the bundle's.
    assert items(nyby["K-2031"])["maneder_over_grensen"] == (18, "18 måneder over grensen.")
    assert items(lade["K-2031"])["maneder_over_grensen"] == (6, "6 måneder over grensen.")
    assert items(lade["K-2031"])["over_ventetidsgrensen"] == (3, "Søkeren har ventet minst 24 måneder.")


def test_the_plans_tie_break_order_is_used(tmp_path):
    _, _, plan = yaml_blocks("## Lokale planer")[:3]
    newest_first = plan.replace("{felt: kandidat.soknad_mottatt, retning: stigende}",
                                "{felt: kandidat.soknad_mottatt, retning: synkende}")
    assert newest_first != plan
    compiled = CompiledRules(load_rules(_bundle(tmp_path, newest_first)))
    case = _case(local=("T-1", "T-2"))
    twin = next(c for c in case["kandidater"] if c["id"] == "K-2210")
    first, second = copy.deepcopy(twin), copy.deepcopy(twin)
    first.update(id="T-1", soknad_mottatt="2025-06-01", lokal_tilknytning=True, hvk="Heimdal")
    second.update(id="T-2", soknad_mottatt="2025-06-03", lokal_tilknytning=True, hvk="Østbyen")
    case["kandidater"] = [first, second]
    nyby = compiled.rank(case, AS_OF)
    assert [c.id for c in nyby.candidates] == ["T-2", "T-1"]  # same points: the newest application first
    assert nyby.candidates[0].score == nyby.candidates[1].score
    assert nyby.tie_break_order[:2] == ["«Lokal tilknytning til bydelen» (ja før nei)",
                                        "«Søknad mottatt» (seneste dato først)"]
    case["ledig_bolig"]["botiltak"]["id"] = "lade-botiltak"
    lade = compiled.rank(case, AS_OF)
    assert [c.id for c in lade.candidates] == ["T-1", "T-2"]  # the bundle's order: the oldest first
    assert lade.tie_break_order == compiled.tie_break_words()


def test_the_plan_falls_back_when_no_nominee_has_a_local_connection_and_says_so(readme_plan):
    shipped = CompiledRules(load_rules(ROOT / "rules"))
    fallen = readme_plan.rank(_case(local=()), AS_OF)
    [outcome] = fallen.plans
    assert (outcome.applied, outcome.status, outcome.text, outcome.nominees_meeting_fallback) == (
        False, "faller_bort", FALLBACK, 0)
    case = _case(local=())
    for nominee in case["kandidater"]:
        del nominee["lokal_tilknytning"]
    expected = _plain(shipped.rank(case, AS_OF))
    got = _plain(fallen)
    assert got.pop("plans") == [outcome.model_dump()]
    assert got == expected  # the bundle's own rules, values and tie-break order, as if there were no plan
    assert '"status":"faller_bort"' in fallen.model_dump_json()


def test_the_brief_ranking_agrees_with_the_full_one_under_a_plan_and_after_a_fallback(with_own_rules):
    for case in (_case(), _case(local=()), _case(unit="lade-botiltak")):
        full = with_own_rules.rank(case, AS_OF)
        brief = with_own_rules.rank_summary(case, AS_OF)
        assert [(c.id, c.score, c.eligible) for c in brief.candidates] == \
               [(c.id, c.score, c.eligible) for c in full.candidates]
        assert [c.blocked_by for c in brief.candidates] == [[b.rule_id for b in c.blocks] for c in full.candidates]
        assert brief.plans == full.plans
        assert brief.present_to_unit_leader == full.present_to_unit_leader
        [rows] = with_own_rules.rank_brief([(_validated(with_own_rules, case), AS_OF)])
        assert [(r["id"], r["score"]) for r in rows] == [(c.id, c.score) for c in full.candidates]


def _validated(compiled, case):
    from engine.language.case import validate_case

    return validate_case(case, compiled.case_models)


SECOND_PLAN = """  - id: nyby_reserve
    navn: Nyby uten lokal tilknytning
    gjelder: {felt: botiltak.id, er: nyby}
    ved_likt_poeng:
      - {felt: kandidat.soknad_mottatt, retning: stigende}
    hjemmel: Lokal utleieplan for Nyby pkt. 7
"""


def test_when_the_first_plan_falls_back_the_next_for_the_same_home_is_considered(tmp_path):
    _, _, plan = yaml_blocks("## Lokale planer")[:3]
    compiled = CompiledRules(load_rules(_bundle(tmp_path, plan + SECOND_PLAN)))
    fallen = compiled.rank(_case(local=()), AS_OF)
    assert [(p.id, p.status) for p in fallen.plans] == [("nyby_lokal_utleieplan", "faller_bort"),
                                                        ("nyby_reserve", "gjelder")]
    assert fallen.tie_break_order[0] == "«Søknad mottatt» (tidligste dato først)"
    applied = compiled.rank(_case(), AS_OF)
    assert [(p.id, p.status, p.text) for p in applied.plans] == [
        ("nyby_lokal_utleieplan", "gjelder", "«Lokal utleieplan for Nyby» gjelder for boligen."),
        ("nyby_reserve", "ikke_vurdert", "«Nyby uten lokal tilknytning» er ikke vurdert: «Lokal utleieplan for "
                                         "Nyby» gjelder for boligen.")]


def test_a_plan_can_give_way_when_some_nominee_meets_a_condition(tmp_path):
    _, _, plan = yaml_blocks("## Lokale planer")[:3]
    urgent = plan.replace("ingen_kandidat: {felt: kandidat.lokal_tilknytning, er: true}",
                          "noen_kandidat: {felt: sjekkliste.akutt_fare, er: true}").replace(
        "begrunnelse: ingen av kandidatene har lokal tilknytning",
        "begrunnelse: en av kandidatene er i akutt fare, og da går den vanlige nøkkelen foran")
    compiled = CompiledRules(load_rules(_bundle(tmp_path, urgent)))
    case = _case()
    assert [p.status for p in compiled.rank(case, AS_OF).plans] == ["gjelder"]
    case["kandidater"][2]["sjekkliste"]["akutt_fare"] = True
    [outcome] = compiled.rank(case, AS_OF).plans
    assert (outcome.status, outcome.nominees_meeting_fallback, outcome.text) == (
        "faller_bort", 1, "«Lokal utleieplan for Nyby» gjelder ikke: en av kandidatene er i akutt fare, og da går den "
                          "vanlige nøkkelen foran.")


def _refused(tmp_path, old: str, new: str) -> list[str]:
    _, _, plan = yaml_blocks("## Lokale planer")[:3]
    assert old in plan, old
    with pytest.raises(RulesError) as caught:
        load_rules(_bundle(tmp_path, plan.replace(old, new, 1)))
    return [str(p) for p in caught.value.problems]


def _line_of(folder_text: str, needle: str) -> int:
    return next(i for i, line in enumerate(folder_text.splitlines(), start=1) if needle in line)


def test_rules_check_refuses_a_gjelder_that_reads_the_nominee(tmp_path):
    [message] = _refused(tmp_path, "gjelder: {felt: botiltak.id, en_av: [nyby]}",
                         "gjelder: {felt: kandidat.lokal_tilknytning, er: true}")
    ranking = (tmp_path / "rules" / "rangering.yaml").read_text(encoding="utf-8")
    line = _line_of(ranking, "gjelder: {felt: kandidat.lokal_tilknytning")
    assert message == (
        f"{tmp_path / 'rules' / 'rangering.yaml'}:{line}: lokal plan 'nyby_lokal_utleieplan': 'gjelder' kan bare lese "
        "felt for boligen (ledig_bolig.*, bolig.*, botiltak.*), parametre og beregnede verdier som bare bygger på dem "
        "og på boligens lister (f.eks. en telling over ledig_bolig.tildelinger), ikke 'kandidat.lokal_tilknytning': "
        "hvilke boliger planen gjelder for, kan ikke avhenge av hvem som er nominert; en betingelse over kandidatene "
        "skrives under 'faller_bort'")


def test_rules_check_refuses_a_value_for_an_unknown_parameter_with_a_suggestion(tmp_path):
    [message] = _refused(tmp_path, "verdier: {ventetid_grense: 12}", "verdier: {ventetidgrense: 12}")
    assert message.endswith("lokal plan 'nyby_lokal_utleieplan': ukjent parameter 'ventetidgrense' (mente du "
                            "'ventetid_grense'?); planens verdier erstatter parametre i felter.yaml, og de er: "
                            "ventetid_grense")
    [message] = _refused(tmp_path, "verdier: {ventetid_grense: 12}", "verdier: {ventetid_grense: 12.5}")
    assert message.endswith("'parameter.ventetid_grense' er et heltall i felter.yaml, men planen gir 12.5")


def test_rules_check_refuses_ids_already_used_in_the_bundle(tmp_path):
    [message] = _refused(tmp_path, "- id: nyby_lang_ventetid", "- id: ventetid")
    assert message.endswith("kriterium 'ventetid': id-en er allerede brukt i prioritering.yaml")
    _, _, plan = yaml_blocks("## Lokale planer")[:3]
    twice = plan + SECOND_PLAN.replace("id: nyby_reserve", "id: nyby_lokal_utleieplan")
    with pytest.raises(RulesError) as caught:
        load_rules(_bundle(tmp_path, twice, name="twice"))
    assert [p.message for p in caught.value.problems] == ["id-en er allerede brukt i rangering.yaml"]


def test_rules_check_refuses_a_fallback_text_about_one_nominee_and_a_plan_that_changes_nothing(tmp_path):
    [message] = _refused(tmp_path, "begrunnelse: ingen av kandidatene har lokal tilknytning",
                         "begrunnelse: '{kandidat.id} har ikke lokal tilknytning'")
    assert "teksten kan bare vise felt for boligen" in message and "'{kandidat.id}'" in message
    nothing = """lokale_planer:
  - id: tom_plan
    navn: Tom plan
    gjelder: {felt: botiltak.id, er: nyby}
    hjemmel: Ingen
"""
    with pytest.raises(RulesError) as caught:
        load_rules(_bundle(tmp_path, nothing, name="nothing"))
    assert [str(p).split(": ", 1)[1] for p in caught.value.problems] == [
        "lokal plan 'tom_plan': planen endrer ingenting: gi den 'verdier', 'kriterier', 'kontroller', 'vilkar', "
        "'ved_likt_poeng', 'forrang', 'trinn', 'gruppe_foran', 'vilkar_gjelder_ikke' eller 'klage'"]


def test_the_lint_judges_a_plans_rules_like_the_bundles(tmp_path):
    _, _, plan = yaml_blocks("## Lokale planer")[:3]
    protected = plan.replace("betingelse: {felt: kandidat.lokal_tilknytning, er: true}",
                             "betingelse: {felt: kandidat.statsborgerskap, er: norsk}", 1)
    folder = _bundle(tmp_path, protected)
    vocabulary = (folder / "felter.yaml").read_text(encoding="utf-8")
    (folder / "felter.yaml").write_text(vocabulary.replace(
        "  kandidat:\n", "  kandidat:\n    statsborgerskap: {type: tekst, etikett: Statsborgerskap}\n", 1), encoding="utf-8")
    errors = [str(f.problem) for f in lint(load_rules(folder)) if f.severity == "feil"]
    assert len(errors) == 1
    assert "rangering.yaml:" in errors[0]
    assert "kriterium 'nyby_lokal_tilknytning': 'kandidat.statsborgerskap' er en beskyttet egenskap" in errors[0]


def _counting_allocatable(tmp_path, extra_vilkar: str = "") -> Path:
    _, _, plan = yaml_blocks("## Lokale planer")[:3]
    fallback = yaml_blocks("## Lokale planer")[3]
    old = ("    faller_bort:\n      ingen_kandidat: {felt: kandidat.lokal_tilknytning, er: true}\n"
           "      begrunnelse: ingen av kandidatene har lokal tilknytning\n")
    assert old in plan
    folder = _bundle(tmp_path, plan.replace(old, fallback.split("    hjemmel", 1)[0]))
    if extra_vilkar:
        suitability = (folder / "egnethet.yaml").read_text(encoding="utf-8")
        (folder / "egnethet.yaml").write_text(suitability.replace("\nkontroller:\n", "\nvilkar:\n" + extra_vilkar
                                                                  + "\nkontroller:\n", 1), encoding="utf-8")
    return folder


def test_a_fallback_among_those_who_can_be_allocated_does_not_count_a_blocked_nominee(tmp_path, readme_plan):
    """K-1187 has a local connection but needs night staff Lade has not: counted among all the nominees,
    the plan holds and leaves the home to the others by its order; counted among those who can be
    allocated, it falls back, as «if no eligible applicant has a local connection» says."""
    among_all = readme_plan.rank(_case(local=("K-1187",)), AS_OF)
    assert [(p.status, p.nominees_meeting_fallback) for p in among_all.plans] == [("gjelder", 1)]
    rules = CompiledRules(load_rules(_counting_allocatable(tmp_path)))
    for compiled in (rules, CompiledRules(rules.book, evaluator_factory=ReferenceRules)):
        alone = compiled.rank(_case(local=("K-1187",)), AS_OF)
        assert not next(c for c in alone.candidates if c.id == "K-1187").eligible
        [outcome] = alone.plans
        assert (outcome.status, outcome.nominees_meeting_fallback, outcome.text) == (
            "faller_bort", 0, "«Lokal utleieplan for Nyby» gjelder ikke: ingen av kandidatene som kan tildeles "
                              "boligen, har lokal tilknytning.")
        assert compiled.rank_summary(_case(local=("K-1187",)), AS_OF).plans == alone.plans
        with_one = compiled.rank(_case(local=("K-1187", "K-2031")), AS_OF)
        assert [(p.status, p.nominees_meeting_fallback) for p in with_one.plans] == [("gjelder", 1)]


def test_counting_those_who_can_be_allocated_is_refused_beside_a_vilkar_over_the_points(tmp_path):
    over_points = ("  - id: nok_poeng\n    navn: Nok poeng\n    krav: {felt: resultat.poeng, minst: 1}\n"
                   "    begrunnelse: x\n    hjemmel: x\n")
    with pytest.raises(RulesError) as caught:
        load_rules(_counting_allocatable(tmp_path, over_points))
    found = [(p.file, p.line, p.message) for p in caught.value.problems]
    assert any(file.endswith("rangering.yaml") and line and "'blant: kan_tildeles'" in text and "nok_poeng" in text
               for file, line, text in found), found


def _with_adapted_plan(tmp_path, adapted: str | None = None) -> Path:
    _, _, plan = yaml_blocks("## Lokale planer")[:3]
    [combined] = yaml_blocks("### Planer som gjelder sammen")
    return _bundle(tmp_path, plan + (adapted or combined), name="kombinert")


def _adapted_case(wheelchair: tuple[str, ...], unit: str = "nyby") -> dict:
    case = _case(unit=unit, local=("K-2031",))
    case["ledig_bolig"]["bolig"]["rullestoltilpasset"] = True
    for nominee in case["kandidater"]:
        nominee["sjekkliste"]["rullestol"] = nominee["id"] in wheelchair
    return case


def test_a_combined_plan_applies_beside_the_plan_in_force_and_adds_its_check(tmp_path):
    rules = CompiledRules(load_rules(_with_adapted_plan(tmp_path)))
    for compiled in (rules, CompiledRules(rules.book, evaluator_factory=ReferenceRules)):
        result = compiled.rank(_adapted_case(("K-0954",)), AS_OF)
        assert [(p.id, p.status, p.text) for p in result.plans] == [
            ("nyby_lokal_utleieplan", "gjelder", "«Lokal utleieplan for Nyby» gjelder for boligen."),
            ("tilpassede_boliger", "gjelder", "«Tilpassede boliger går til søkere som trenger dem» gjelder for boligen, "
                                              "sammen med «Lokal utleieplan for Nyby».")]
        by_id = {c.id: c for c in result.candidates}
        assert by_id["K-0954"].eligible and result.present_to_unit_leader == ["K-0954"]
        for cid in ("K-2031", "K-2210"):
            assert [b.rule_id for b in by_id[cid].blocks] == ["trenger_ikke_tilpasset_bolig"]
        # the Nyby plan's own criterion still counts beside the combined plan's check
        assert "nyby_lokal_tilknytning" in [i.rule_id for i in by_id["K-2031"].score_items]
        summary = compiled.rank_summary(_adapted_case(("K-0954",)), AS_OF)
        assert summary.plans == result.plans
        assert [(c.id, c.eligible) for c in summary.candidates] == [(c.id, c.eligible) for c in result.candidates]


def test_a_combined_plan_that_falls_back_changes_nothing(tmp_path, readme_plan):
    rules = CompiledRules(load_rules(_with_adapted_plan(tmp_path)))
    nobody = rules.rank(_adapted_case(()), AS_OF)
    assert [(p.id, p.status) for p in nobody.plans] == [("nyby_lokal_utleieplan", "gjelder"),
                                                          ("tilpassede_boliger", "faller_bort")]
    alone = readme_plan.rank(_adapted_case(()), AS_OF)
    assert [(c.id, c.score, c.eligible) for c in nobody.candidates] == \
           [(c.id, c.score, c.eligible) for c in alone.candidates]


def test_a_combined_plan_applies_beside_the_bundles_own_rules_where_no_other_plan_does(tmp_path):
    rules = CompiledRules(load_rules(_with_adapted_plan(tmp_path)))
    result = rules.rank(_adapted_case(("K-0954",), unit="lade-botiltak"), AS_OF)
    assert [(p.id, p.status, p.text) for p in result.plans] == [
        ("tilpassede_boliger", "gjelder", "«Tilpassede boliger går til søkere som trenger dem» gjelder for boligen, "
                                          "sammen med regelverkets egne regler.")]


def test_a_combined_plan_may_not_replace_what_another_plan_decides(tmp_path):
    [combined] = yaml_blocks("### Planer som gjelder sammen")
    replacing = combined.replace("    kombineres: true\n", "    kombineres: true\n    verdier: {ventetid_grense: 6}\n")
    with pytest.raises(RulesError) as caught:
        load_rules(_with_adapted_plan(tmp_path, replacing))
    found = [(p.file, p.line, p.message) for p in caught.value.problems]
    assert any(file.endswith("rangering.yaml") and line and "kan bare legge til kriterier, kontroller og forrang; "
               "verdier erstatter regelverkets" in text for file, line, text in found), found
