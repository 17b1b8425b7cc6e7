"""The candidate's total points as a value rules read (resultat.poeng, issue 9): a band for «30 points
or more» (Northern Ireland's housing stress), «30 points or less cannot join the register» (Camden), a
check that needs a minimum. Only rules that give no points may read it (tiers, vilkår, checks), so it is
matched after every point is counted; everything else that names it is refused at `rules check`."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import CompiledRules, RulesError, load_rules
from engine.policy.lint import lint
from support.bundles import write_bundle
from support.reference_evaluator import ReferenceRules

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
  tilpasset: {type: boolsk, etikett: tilpasset bolig}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
  prioritetsdato: {type: dato, etikett: prioritetsdato}
sjekkliste:
  medisinsk: {type: heltall, etikett: medisinske poeng, min: 0}
  overfylt: {type: boolsk, etikett: overfylt bolig}
  trenger_tilpasning: {type: boolsk, etikett: trenger tilpasset bolig}
"""

CRITERIA = """
- {id: medisinsk, navn: Medisinsk behov, poeng: {per: 1, verdi: sjekkliste.medisinsk, maks: 50},
   forklaring: "{sjekkliste.medisinsk} medisinske poeng", hjemmel: Scheme 1}
- {id: overfylt, navn: Overfylt, poeng: 20, betingelse: {felt: sjekkliste.overfylt, er: true},
   forklaring: overfylt bolig, hjemmel: Scheme 2}
"""

# Composition points count toward the total a tier reads.
COMPOSITION = """
- id: tilpasset_til_den_som_trenger
  navn: Tilpasset bolig til den som trenger den
  betingelse: {alle: [{felt: ledig_bolig.tilpasset, er: true}, {felt: sjekkliste.trenger_tilpasning, er: true}]}
  utfall: poeng
  poeng: 10
  begrunnelse: boligen er tilpasset, og søkeren trenger det
  hjemmel: Scheme 3
"""

CHECKS = """
- id: for_fa_poeng_til_tilpasset
  navn: For få poeng til en tilpasset bolig
  betingelse: {alle: [{felt: ledig_bolig.tilpasset, er: true}, {felt: resultat.poeng, under: 15}]}
  begrunnelse: "Søkeren har {resultat.poeng} poeng; en tilpasset bolig krever minst 15."
  hjemmel: Scheme 4
"""

CONDITIONS = """
vilkar:
  - id: over_ti_poeng
    navn: Mer enn 10 poeng
    krav: {felt: resultat.poeng, over: 10}
    begrunnelse: "Søkeren har {resultat.poeng} poeng; 10 poeng eller mindre gir ikke plass på listen."
    hjemmel: Scheme 5 (Camden 2016)
"""

RANKING = """
likhetsmargin: 0
ved_likt_poeng:
  - {felt: kandidat.prioritetsdato, retning: stigende}
trinn:
  - id: housing_stress
    navn: Housing stress
    betingelse: {felt: resultat.poeng, minst: 30}
    begrunnelse: "{resultat.poeng} poeng, minst 30"
    hjemmel: Scheme 6
  - id: andre
    navn: Andre søkere
    begrunnelse: "{resultat.poeng} poeng, under 30"
    hjemmel: Scheme 6
"""

AS_OF = dt.date(2026, 6, 1)


def _bundle(tmp_path, criteria=CRITERIA, checks=CHECKS, composition=COMPOSITION, conditions=CONDITIONS,
            ranking=RANKING, derived=""):
    folder = write_bundle(tmp_path / "regler", sections=SECTIONS, criteria=criteria, checks=checks,
                          composition=composition, ranking=ranking, derived=derived)
    with (folder / "egnethet.yaml").open("a", encoding="utf-8") as file:
        file.write(conditions)
    return folder


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    return load_rules(_bundle(tmp_path_factory.mktemp("poeng")))


@pytest.fixture(scope="module")
def both(book):
    return CompiledRules(book), CompiledRules(book, evaluator_factory=ReferenceRules)


def _case(nominees, tilpasset=False):
    return {"ledig_bolig": {"id": "B-1", "tilpasset": tilpasset}, "kandidater": [
        {"id": f"K-{i}", "prioritetsdato": f"20{10 + i}-01-01",
         "sjekkliste": {"medisinsk": medical, "overfylt": crowded, "trenger_tilpasning": needs}}
        for i, (medical, crowded, needs) in enumerate(nominees)]}


def test_a_band_of_30_points_or_more_reads_the_total_with_composition_points(both):
    durable, _ = both
    # K-0: 12 + 20 = 32; K-1: 25 + 10 (tilpasset) = 35; K-2: 29; K-3: 5 (does not qualify: 10 or less)
    result = durable.rank(_case([(12, True, False), (25, False, True), (29, False, False), (5, False, False)],
                                tilpasset=True), AS_OF)
    by_id = {c.id: c for c in result.candidates}
    assert [(c.id, c.score, c.tier and c.tier.id) for c in result.candidates] == [
        ("K-1", 35, "housing_stress"), ("K-0", 32, "housing_stress"), ("K-2", 29, "andre"), ("K-3", 5, None)]
    assert by_id["K-1"].tier.text == "35 poeng, minst 30"
    assert by_id["K-2"].tier.text == "29 poeng, under 30"
    assert by_id["K-2"].compared_to_top.text.startswith("I «Andre søkere» (29 poeng, under 30); K-1 er i «Housing stress»")
    # Camden: 10 points or less cannot join the register, with the total in the reason
    assert not by_id["K-3"].qualifies
    assert [(f.rule_id, f.text) for f in by_id["K-3"].unmet_conditions] == [
        ("over_ti_poeng", "Søkeren har 5 poeng; 10 poeng eller mindre gir ikke plass på listen.")]
    assert by_id["K-2"].qualifies and by_id["K-2"].eligible


def test_a_check_reads_the_total_only_for_the_homes_it_is_about(both):
    durable, _ = both
    nominees = [(12, False, False), (14, False, True)]  # 12 points; 14 + 10 = 24 on a tilpasset home
    adapted = {c.id: c for c in durable.rank(_case(nominees, tilpasset=True), AS_OF).candidates}
    assert [b.text for b in adapted["K-0"].blocks] == ["Søkeren har 12 poeng; en tilpasset bolig krever minst 15."]
    assert adapted["K-1"].eligible and adapted["K-1"].score == 24
    plain = {c.id: c for c in durable.rank(_case(nominees), AS_OF).candidates}
    assert plain["K-0"].eligible and plain["K-0"].blocks == [] and plain["K-1"].score == 14


NOMINEE = st.tuples(st.integers(0, 60), st.booleans(), st.booleans())


@given(nominees=st.lists(NOMINEE, min_size=1, max_size=5), tilpasset=st.booleans())
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
def test_random_nominees_rank_as_the_reference_and_the_brief_ranking_agrees(both, nominees, tilpasset):
    durable, reference = both
    case = _case(nominees, tilpasset)
    full = durable.rank(case, AS_OF)
    assert full.model_dump() == reference.rank(case, AS_OF).model_dump()
    for c in full.candidates:  # the total read is the score shown, and the band follows it
        assert c.qualifies == (c.score > 10)
        expected = ("housing_stress" if c.score >= 30 else "andre") if c.qualifies else None  # not on the list: no band
        assert (c.tier and c.tier.id) == expected
    brief = durable.rank_rows(case, AS_OF)
    assert [(r["id"], r["score"], r["tier"], r["eligible"], r["qualifies"], r["blocked_by"]) for r in brief] == [
        (c.id, c.score, c.tier and c.tier.id, c.eligible, c.qualifies, [b.rule_id for b in c.blocks])
        for c in full.candidates]


def test_lint_takes_the_total_as_a_field_the_engine_fills(book):
    assert not [f for f in lint(book) if "resultat.poeng" in f.problem.message]


def _refused(tmp_path, **changes) -> list[str]:
    with pytest.raises(RulesError) as caught:
        load_rules(_bundle(tmp_path, **changes))
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("where, changes", [
    ("prioritering.yaml:", {"criteria": CRITERIA + "- {id: mange, navn: Mange, poeng: 5, betingelse: "
                                                  "{felt: resultat.poeng, minst: 40}, forklaring: x, hjemmel: h}\n"}),
    ("sammensetning.yaml:", {"composition": COMPOSITION.replace("{felt: sjekkliste.trenger_tilpasning, er: true}",
                                                                "{felt: resultat.poeng, over: 3}")}),
    ("felter.yaml:", {"derived": "dobbel: {etikett: dobbelt, formel: resultat.poeng * 2}\n"}),
    ("rangering.yaml:", {"ranking": RANKING.replace("felt: kandidat.prioritetsdato", "felt: resultat.poeng")}),
])
def test_rules_check_refuses_the_total_where_it_is_not_yet_known(tmp_path, where, changes):
    messages = [m for m in _refused(tmp_path, **changes) if "resultat.poeng" in m]
    assert messages and all(where in m for m in messages), messages
    assert "kan bare leses av regler som ikke selv gir poeng" in messages[0]


PLAN = RANKING + """
lokale_planer:
  - id: tilpassede_boliger
    navn: Tilpassede boliger
    gjelder: {felt: ledig_bolig.tilpasset, er: true}
    trinn:
      - id: trenger_og_stress
        navn: Trenger tilpasning, minst 30 poeng
        betingelse: {alle: [{felt: sjekkliste.trenger_tilpasning, er: true}, {felt: resultat.poeng, minst: 30}]}
        begrunnelse: "trenger tilpasning, {resultat.poeng} poeng"
        hjemmel: Plan 1
      - id: resten
        navn: Resten
        begrunnelse: "{resultat.poeng} poeng"
        hjemmel: Plan 1
    hjemmel: Plan 1
"""


def test_a_local_plans_own_tiers_read_the_total_too(tmp_path):
    book = load_rules(_bundle(tmp_path, ranking=PLAN))
    durable, reference = CompiledRules(book), CompiledRules(book, evaluator_factory=ReferenceRules)
    # K-0: 40 + 10 (tilpasset) = 50 and needs it; K-1: 45, does not; K-2: 15 + 10 = 25 and needs it
    case = _case([(40, False, True), (45, False, False), (15, False, True)], tilpasset=True)
    result = durable.rank(case, AS_OF)
    assert result.model_dump() == reference.rank(case, AS_OF).model_dump()
    assert [(c.id, c.score, c.tier.id, c.tier.text) for c in result.candidates] == [
        ("K-0", 50, "trenger_og_stress", "trenger tilpasning, 50 poeng"), ("K-1", 45, "resten", "45 poeng"),
        ("K-2", 25, "resten", "25 poeng")]
    # a plain home: the bundle's own bands
    plain = durable.rank(_case([(40, False, True), (15, False, True)]), AS_OF)
    assert [(c.id, c.tier.id) for c in plain.candidates] == [("K-0", "housing_stress"), ("K-1", "andre")]
