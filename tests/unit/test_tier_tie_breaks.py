"""A tier's own tie-break order (trinn: ved_likt_poeng): Hull ranks Band A by the date the applicant
entered Band A, Band B by the date the priority was awarded and Band E by the application date. One
order for every tier can only approximate that (a date filled in for an applicant of another band
would count there); a tier's own order applies inside that tier only."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import CompiledRules, RulesError, load_rules
from support.bundles import write_bundle

SECTIONS = """
ledig_bolig:
  id: {type: tekst, etikett: Bolig-ID, obligatorisk: true}
kandidat:
  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}
  band_a_fra: {type: dato, etikett: dato inn i Band A}
  prioritet_gitt: {type: dato, etikett: dato prioriteten ble gitt}
  soknad_dato: {type: dato, etikett: søknadsdato}
sjekkliste:
  band: {type: valg, etikett: band, verdier: {a: Band A, b: Band B, e: Band E}}
  prioriteter: {type: heltall, etikett: antall prioriteter, min: 0, maks: 9}
"""

RANKING = """
likhetsmargin: 0
likeverdige: false
ved_likt_poeng:
  - {felt: kandidat.soknad_dato, retning: stigende}
trinn:
  - id: band_a
    navn: Band A
    betingelse: {felt: sjekkliste.band, er: a}
    begrunnelse: band A
    hjemmel: Hull 5.1
    ved_likt_poeng:
      - {felt: kandidat.band_a_fra, retning: stigende}
  - id: band_b
    navn: Band B
    betingelse: {felt: sjekkliste.band, er: b}
    begrunnelse: band B
    hjemmel: Hull 5.2
    ved_likt_poeng:
      - {felt: kandidat.prioritet_gitt, retning: stigende}
      - {felt: kandidat.soknad_dato, retning: stigende}
  - id: band_e
    navn: Band E
    begrunnelse: alle andre
    hjemmel: Hull 5.5
"""

POINTS = ("- {id: prioriteter, navn: Prioriteter, poeng: {per: 1, verdi: sjekkliste.prioriteter, maks: 9}, "
          "betingelse: {felt: sjekkliste.band, er: a}, forklaring: prioriteter, hjemmel: Hull 5.1}\n")
AS_OF = dt.date(2026, 6, 1)


def candidate(cid, band, a=None, given_on=None, applied=None, priorities=0):
    values = {"id": cid, "sjekkliste": {"band": band, "prioriteter": priorities}}
    for key, day in (("band_a_fra", a), ("prioritet_gitt", given_on), ("soknad_dato", applied)):
        if day is not None:
            values[key] = day
    return values


CASE = {"ledig_bolig": {"id": "H-1"}, "kandidater": [
    candidate("H-1", "a", a="2024-01-01", applied="2019-01-01", priorities=2),
    candidate("H-2", "a", a="2023-01-01", applied="2025-01-01", priorities=2),
    candidate("H-3", "a", a="2020-01-01", applied="2018-01-01", priorities=1),
    candidate("H-4", "b", a="2010-01-01", given_on="2022-05-01", applied="2020-01-01"),
    candidate("H-5", "b", given_on="2021-05-01", applied="2024-01-01"),
    candidate("H-6", "e", a="2001-01-01", given_on="2001-01-01", applied="2016-01-01"),
    candidate("H-7", "e", applied="2015-01-01"),
]}


def compiled(tmp_path, ranking=RANKING, criteria=POINTS):
    return CompiledRules(load_rules(write_bundle(tmp_path / "regler", sections=SECTIONS, criteria=criteria,
                                                 ranking=ranking)))


def test_each_tier_is_ordered_by_its_own_date_and_the_rest_by_the_bundles(tmp_path):
    result = compiled(tmp_path).rank(CASE, AS_OF)
    # Band A: more priorities first, then the date into Band A (H-2 before H-1, whatever their application dates);
    # Band B: the date the priority was given (H-4's Band A date counts for nothing there);
    # Band E: the bundle's order, the application date (H-6's other dates count for nothing)
    assert [(c.id, c.tier.id) for c in result.candidates] == [
        ("H-2", "band_a"), ("H-1", "band_a"), ("H-3", "band_a"), ("H-5", "band_b"), ("H-4", "band_b"),
        ("H-7", "band_e"), ("H-6", "band_e")]
    by_id = {c.id: c for c in result.candidates}
    assert by_id["H-2"].tier.tie_break_order[0] == "«dato inn i Band A» (tidligste dato først)"
    assert by_id["H-4"].tier.tie_break_order[:2] == ["«dato prioriteten ble gitt» (tidligste dato først)",
                                                     "«søknadsdato» (tidligste dato først)"]
    assert by_id["H-7"].tier.tie_break_order == []  # Band E follows the bundle's order
    assert result.tie_break_order[0] == "«søknadsdato» (tidligste dato først)"
    assert result.present_to_unit_leader == ["H-2"]


def test_without_points_the_explanation_names_the_tiers_own_order(tmp_path):
    result = compiled(tmp_path, criteria="").rank(dict(CASE, kandidater=CASE["kandidater"][3:5]), AS_OF)
    assert [c.id for c in result.candidates] == ["H-5", "H-4"]
    assert result.candidates[1].compared_to_top.text == (
        "Innenfor «Band B» avgjør «dato prioriteten ble gitt» (tidligste dato først): H-5 står foran "
        "(H-5: 1. mai 2021, H-4: 1. mai 2022).")


def test_the_brief_ranking_orders_as_the_explained_one(tmp_path):
    rules = compiled(tmp_path)
    full = [c.id for c in rules.rank(CASE, AS_OF).candidates]
    assert [c.id for c in rules.rank_summary(CASE, AS_OF).candidates] == full
    assert [r["id"] for r in rules.rank_rows(CASE, AS_OF)] == full


def test_a_bundle_whose_tiers_have_no_order_of_their_own_ranks_as_before(tmp_path):
    plain = RANKING.replace("    ved_likt_poeng:\n      - {felt: kandidat.band_a_fra, retning: stigende}\n", "") \
        .replace("    ved_likt_poeng:\n      - {felt: kandidat.prioritet_gitt, retning: stigende}\n"
                 "      - {felt: kandidat.soknad_dato, retning: stigende}\n", "")
    assert "band_a_fra" not in plain and "prioritet_gitt" not in plain
    result = compiled(tmp_path, ranking=plain).rank(CASE, AS_OF)
    # every tier by the application date: H-1 (2019) before H-2 (2025) now, H-4 (2020) before H-5 (2024)
    assert [c.id for c in result.candidates] == ["H-1", "H-2", "H-3", "H-4", "H-5", "H-7", "H-6"]
    assert all(c.tier.tie_break_order == [] for c in result.candidates)


@pytest.mark.parametrize("broken, message", [
    ("kandidat.band_a_fra, retning: stigende}", "ukjent felt 'kandidat.band_a_fraa'"),
    ("kandidat.band_a_fra, retning: stigende}", "mente du 'kandidat.band_a_fra'"),
])
def test_rules_check_names_a_broken_tier_order_with_file_line_and_tier(tmp_path, broken, message):
    with pytest.raises(RulesError) as caught:
        compiled(tmp_path, ranking=RANKING.replace(broken, broken.replace("band_a_fra", "band_a_fraa")))
    found = [(p.message, p.file, p.line, p.rule_id) for p in caught.value.problems]
    written = (tmp_path / "regler" / "rangering.yaml").read_text(encoding="utf-8").splitlines()
    line = written.index("      - {felt: kandidat.band_a_fraa, retning: stigende}") + 1
    assert any(message in text and file.endswith("rangering.yaml") and at == line and rule == "band_a"
               for text, file, at, rule in found), found


def test_a_local_plans_tier_has_its_own_order_too(tmp_path):
    plan = """
lokale_planer:
  - id: nyby
    navn: Nyby
    gjelder: {felt: ledig_bolig.id, er: H-1}
    hjemmel: Nyby-planen
    trinn:
      - id: nyby_a
        navn: Nyby A
        betingelse: {felt: sjekkliste.band, er: a}
        begrunnelse: band A i Nyby
        hjemmel: Nyby-planen
        ved_likt_poeng:
          - {felt: kandidat.band_a_fra, retning: synkende}
      - id: nyby_andre
        navn: Nyby andre
        begrunnelse: andre
        hjemmel: Nyby-planen
"""
    result = compiled(tmp_path, ranking=RANKING + plan, criteria="").rank(CASE, AS_OF)
    assert [c.id for c in result.candidates][:3] == ["H-1", "H-2", "H-3"]  # newest Band A date first
    assert [c.tier.id for c in result.candidates] == ["nyby_a"] * 3 + ["nyby_andre"] * 4
    assert [c.id for c in result.candidates][3:] == ["H-7", "H-6", "H-4", "H-5"]  # the bundle's order


def _plain_order(candidates: list[dict], points: dict[str, int], tiers: dict[str, int], orders: dict) -> list[str]:
    """The order written out as a comparison of two candidates, one key after the other."""

    def compare(x, y):
        if tiers[x["id"]] != tiers[y["id"]]:
            return tiers[x["id"]] - tiers[y["id"]]
        if points[x["id"]] != points[y["id"]]:
            return points[y["id"]] - points[x["id"]]
        for field, ascending in orders[tiers[x["id"]]]:
            a, b = x.get(field), y.get(field)
            if a == b:
                continue
            if a is None or b is None:
                return 1 if a is None else -1
            return (-1 if a < b else 1) * (1 if ascending else -1)
        return -1 if x["id"] < y["id"] else 1

    return [c["id"] for c in sorted(candidates, key=functools.cmp_to_key(compare))]


_dates = st.one_of(st.none(), st.sampled_from(["2020-01-01", "2021-01-01", "2022-01-01"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abe"), _dates, _dates, _dates, st.integers(0, 2)), min_size=1, max_size=7))
def test_the_order_is_the_one_a_plain_comparison_gives(tmp_path_factory, drawn):
    rules = _rules(tmp_path_factory)
    candidates = [candidate(f"H-{i}", band, a, given_on, applied, n)
                  for i, (band, a, given_on, applied, n) in enumerate(drawn)]
    result = rules.rank({"ledig_bolig": {"id": "H-9"}, "kandidater": candidates}, AS_OF)
    points = {c.id: c.score for c in result.candidates}
    tiers = {c["id"]: "abe".index(c["sjekkliste"]["band"]) for c in candidates}
    orders = {0: [("band_a_fra", True)], 1: [("prioritet_gitt", True), ("soknad_dato", True)],
              2: [("soknad_dato", True)]}
    assert [c.id for c in result.candidates] == _plain_order(candidates, points, tiers, orders)


_compiled: dict = {}


def _rules(factory):
    if "rules" not in _compiled:
        _compiled["rules"] = compiled(factory.mktemp("orden"))
    return _compiled["rules"]


def test_the_readme_block_ranks_each_band_by_its_own_date(tmp_path):
    from support.readme import yaml_blocks

    [block] = yaml_blocks("### Egen rekkefølge innenfor et trinn")
    rules = compiled(tmp_path, ranking="likhetsmargin: 0\nlikeverdige: false\n" + block, criteria="")
    result = rules.rank(CASE, AS_OF)
    assert [(c.id, c.tier.id) for c in result.candidates] == [
        ("H-3", "band_a"), ("H-2", "band_a"), ("H-1", "band_a"), ("H-5", "band_b"), ("H-4", "band_b"),
        ("H-7", "band_e"), ("H-6", "band_e")]
