"""durable_rules' error codes never reach the user (issue 9, item 11c), and lint stays linear (item 11e).

The core refuses a rule with more than 15 `$and`/`$or` nodes (error 113, docs/durable_rules.md entry 7);
lint counts them on the compiled condition and says which parts cost what, with their lines.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

import engine.policy.lint as lint_module
from engine import CompiledRules, RulesError, load_rules
from engine.evaluation.durable_adapter import DurableRules, _Compiler
from engine.language.conditions import Condition
from engine.policy.lint import ENGINE_NESTING_LIMIT, _nodes, lint
from support.bundles import write_bundle

CODES = ["v1", "v2", "v3", "v4", "v5", "v6", "v7"]


def _sections(codes: list[str]) -> str:
    values = ", ".join(f"{c}: {c.upper()}" for c in codes)
    return "kandidat:\n  id: {type: tekst, etikett: Søker-ID, obligatorisk: true}\n" + "".join(
        f"  {name}: {{type: flervalg, etikett: {name.upper()}, verdier: {{{values}}}}}\n" for name in "abcd") + (
        "  rullestol: {type: boolsk, etikett: Rullestol, obligatorisk: true}\n")


TWO_IN_COMMON = """
- id: felles
  navn: Felles målgruppe
  poeng: 10
  betingelse:
    noen:
      - {felt: kandidat.a, har_felles_med: kandidat.b}
      - {felt: kandidat.c, har_felles_med: kandidat.d}
  forklaring: Søkeren har noe felles.
  hjemmel: Test
"""


def test_a_noen_of_two_har_felles_med_past_the_limit_is_explained_in_words_with_lines_and_no_error_code(
        tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_bundle(tmp_path / "regler", sections=_sections(CODES), criteria=TWO_IN_COMMON)
    book = load_rules("regler")
    errors = [f for f in lint(book) if f.severity == "feil"]
    assert [(e.problem.file, e.problem.line, e.problem.rule_id) for e in errors] == [
        ("regler/prioritering.yaml", 7, "felles")]
    message = errors[0].problem.message
    assert message == (
        "regelmotoren kan ikke bruke betingelsen: den blir 18 ledd med 'alle' eller 'noen' (regelmotoren legger "
        "selv til ett), og regelmotoren tåler høyst 15 i én regel. 'har_felles_med' blir ett ledd per felles verdi "
        "og ett til: mellom 'kandidat.a' og 'kandidat.b' (linje 9) 8, mellom 'kandidat.c' og 'kandidat.d' "
        "(linje 10) 8; 'alle', 'noen' og 'ikke' blir 1 (hver 'ikke' flyttes inn til sammenligningene); skriv den "
        "enklere: del den i flere regler med færre 'har_felles_med' hver (en kontroll eller en regel som "
        "blokkerer, virker likt delt i flere regler; et kriterium delt i flere gir poeng for hver del som gjelder)")
    assert "113" not in message and "error" not in message


def test_the_same_rule_over_fewer_shared_values_compiles_and_lints_clean(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_bundle(tmp_path / "regler", sections=_sections(CODES[:4]), criteria=TWO_IN_COMMON)
    book = load_rules("regler")
    assert [f for f in lint(book) if f.severity == "feil"] == []
    CompiledRules(book).evaluator.close()


def test_a_rule_the_engine_refuses_for_another_reason_is_named_without_the_engine_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_bundle(tmp_path / "regler", sections=_sections(CODES[:2]), criteria="""
        - {id: k, navn: K, poeng: 1, forklaring: K., hjemmel: Test, betingelse: {felt: kandidat.rullestol, er: true}}
        """)

    def refuse(rules, values_of):
        raise RulesError([])

    monkeypatch.setattr(lint_module, "DurableRules", lambda rules, values_of: (
        refuse(rules, values_of) if "r0" in rules else DurableRules(rules, values_of)))
    errors = [f for f in lint(load_rules("regler")) if f.severity == "feil"]
    assert [(e.problem.line, e.problem.message) for e in errors] == [(4, lint_module.REFUSED)]


# Conditions over a few fields, nested deep enough to pass the limit now and then.
_LEAVES = st.one_of(
    st.builds(lambda f, g: {"felt": f"kandidat.{f}", "har_felles_med": f"kandidat.{g}"},
              st.sampled_from("abcd"), st.sampled_from("abcd")),
    st.builds(lambda f, v: {"felt": f"kandidat.{f}", "inneholder": v}, st.sampled_from("ab"), st.sampled_from(CODES)),
    st.builds(lambda v: {"felt": "kandidat.rullestol", "er": v}, st.booleans()),
)
_CONDITIONS = st.recursive(_LEAVES, lambda children: st.one_of(
    st.lists(children, min_size=1, max_size=3).map(lambda p: {"alle": p}),
    st.lists(children, min_size=1, max_size=3).map(lambda p: {"noen": p}),
    children.map(lambda c: {"ikke": c})), max_leaves=6).map(TypeAdapter(Condition).validate_python)


def _values_of(path):
    return {c: c for c in CODES} if path != "kandidat.rullestol" else None


@given(_CONDITIONS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_count_lint_makes_is_exactly_what_the_engine_accepts(condition):
    nodes = 1 + _nodes(_Compiler(_values_of).compile(condition))
    try:
        DurableRules({"r": ("kandidat", condition)}, _values_of).close()
        compiles = True
    except RulesError:
        compiles = False
    assert compiles == (nodes <= ENGINE_NESTING_LIMIT), (nodes, condition)


def _many_criteria(n: int, duplicate_of: int | None = None) -> str:
    """n different criteria over two lists and a yes/no question, and a copy of one of them written otherwise."""
    def parts(i):
        return CODES[i % 7], CODES[(i // 7) % 7], str(i < 49).lower()

    rows = [f"- {{id: k{i}, navn: K{i}, poeng: 1, forklaring: K{i}., hjemmel: Test,\n"
            f"   betingelse: {{alle: [{{felt: kandidat.a, inneholder: {a}}}, {{felt: kandidat.b, inneholder: {b}}}, "
            f"{{felt: kandidat.rullestol, er: {wheelchair}}}]}}}}" for i in range(n) for a, b, wheelchair in [parts(i)]]
    if duplicate_of is not None:
        a, b, wheelchair = parts(duplicate_of)
        other = "false" if wheelchair == "true" else "true"
        rows.append(f"- {{id: kopi, navn: Kopi, poeng: 1, forklaring: Kopi., hjemmel: Test,\n"
                    f"   betingelse: {{ikke: {{noen: [{{felt: kandidat.rullestol, er: {other}}}, "
                    f"{{felt: kandidat.b, inneholder_ikke: {b}}}, {{felt: kandidat.a, inneholder_ikke: {a}}}]}}}}}}")
    return "\n".join(rows) + "\n"


def test_lint_compiles_one_ruleset_for_all_rules_and_still_finds_a_duplicate_among_many(tmp_path, monkeypatch):
    """Not one ruleset per rule and per pair (80 criteria took 7 s so; benchmarks/rules_check_benchmark.py)."""
    monkeypatch.chdir(tmp_path)
    write_bundle(tmp_path / "regler", sections=_sections(CODES), criteria=_many_criteria(60, duplicate_of=23))
    book = load_rules("regler")
    built = []

    def counting(rules, values_of):
        built.append(len(rules))
        return DurableRules(rules, values_of)

    monkeypatch.setattr(lint_module, "DurableRules", counting)
    errors = [f for f in lint(book) if f.severity == "feil"]
    assert built == [61]
    assert [(e.problem.rule_id, e.problem.message) for e in errors] == [
        ("kopi", "gjelder for nøyaktig de samme sakene som kriterium 'k23' (duplikat)")]


def test_comparisons_of_one_node_each_are_counted_and_named_and_the_fix_points_to_a_formula(tmp_path, monkeypatch):
    """A tester read «17 ledd ... 'alle', 'noen' og 'ikke' blir 12» with the other 4 unexplained: they were
    `en_av` comparisons, one node each; the message counts and names them, and the fix names the formula."""
    monkeypatch.chdir(tmp_path)
    condition = "".join(f"      - {{felt: kandidat.{f}, en_av: [v1, v2]}}\n" for f in "abcd" * 4)
    criteria = ("- id: mange\n  navn: Mange\n  poeng: 10\n  betingelse:\n    noen:\n" + condition +
                "  forklaring: Mange.\n  hjemmel: Test\n")
    write_bundle(tmp_path / "regler", sections=_sections(CODES).replace("flervalg", "valg"), criteria=criteria)
    errors = [f for f in lint(load_rules("regler")) if f.severity == "feil"]
    messages = [e.problem.message for e in errors if "regelmotoren" in e.problem.message]
    assert messages and "16 sammenligninger med 'en_av' blir ett ledd hver" in messages[0], messages
    assert "«minst to av disse» skrives som en formel der hvert ja/nei-felt teller 1" in messages[0]
