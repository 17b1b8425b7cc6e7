"""Small things testers read wrong: «minst 0.0» for a whole number, «2026-02-30 er ikke en dato på formen
ÅÅÅÅ-MM-DD» (it is on the form; the day does not exist), and no «mente du» for a choice mistyped in a case."""

from __future__ import annotations

import pytest

from engine import CaseError, read_case_file
from engine.language.case import validate_case
from engine.language.validation_messages import not_a_date, too_large, too_small
from support.readme import RULES


def test_a_whole_bound_reads_as_a_whole_number():
    assert too_small(-1, 0.0) == "-1 er for lite (minst 0)"
    assert too_large(7, 5.0) == "7 er for stort (høyst 5)"
    assert too_small(0.2, 0.5) == "0.2 er for lite (minst 0.5)"


@pytest.mark.parametrize("text, said", [
    ("2026-02-30", "'2026-02-30' er ikke en dato som finnes (måneden har ikke den dagen; skriv ÅÅÅÅ-MM-DD)"),
    ("2026-13-01", "'2026-13-01' er ikke en dato som finnes (måneden må være 01-12; skriv ÅÅÅÅ-MM-DD)"),
    ("1.2.2026", "'1.2.2026' er ikke en dato på formen ÅÅÅÅ-MM-DD"),
])
def test_a_date_on_the_form_that_does_not_exist_is_told_so(text, said):
    assert not_a_date(text) == said


def test_a_choice_mistyped_in_a_case_gets_a_suggestion(compiled):
    data, doc = read_case_file(RULES.parent / "examples" / "sak-1-lade.yaml")
    data["kandidater"][0]["sjekkliste"]["bosituasjon"] = "bostedslos2"
    with pytest.raises(CaseError) as caught:
        validate_case(data, compiled.case_models, doc)
    [problem] = [p for p in caught.value.problems if p.path.endswith("bosituasjon")]
    assert problem.message.endswith("(mente du 'bostedslos'?)"), problem.message


def test_an_id_that_is_no_id_is_told_in_bokmal_not_in_pydantics_english(tmp_path):
    """An Edinburgh tester wrote `forutsetter: beregnet.ikke_eier` and read «String should match pattern
    '^[a-z0-9][a-z0-9_]*$'»."""
    import shutil

    from engine import RulesError, load_rules

    folder = tmp_path / "regler"
    shutil.copytree(RULES, folder)
    path = folder / "prioritering.yaml"
    text = path.read_text(encoding="utf-8")
    anchor = "    betingelse: {felt: sjekkliste.bosituasjon, er: bostedslos}\n"
    assert anchor in text
    path.write_text(text.replace(anchor, anchor + "    forutsetter: beregnet.ikke_eier\n", 1), encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    [problem] = caught.value.problems
    assert problem.message == ("'beregnet.ikke_eier' er ikke en id: en id har bare små bokstaver, tall og _ "
                               "(f.eks. 'bostedslos'); her står id-en til en regel, ikke et felt")
    assert problem.line and "should" not in str(problem)
