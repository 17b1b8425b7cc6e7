"""Explanation texts read as bokmål for any number: `{felt|entall|flertall}` agrees with the number."""

from __future__ import annotations

import re

import pytest

from engine import RulesError, load_rules
from engine.language.texts import Template, format_number, placeholders

# A number followed by a plural form: wrong after 1 («1 hele måneder», «1 beboere»).
PLURAL_AFTER_ONE = re.compile(r"(?<![\d,])1 (hele|måneder|beboere|sårbare)\b")


@pytest.mark.parametrize("months, text", [
    (1, "ventet i 1 hel måned"), (2, "ventet i 2 hele måneder"), (0, "ventet i 0 hele måneder"),
    (1.5, "ventet i 1,5 hele måneder"), (-1, "ventet i -1 hel måned"), (None, "ventet i ikke oppgitt"),
])
def test_a_number_with_singular_and_plural_takes_the_form_that_agrees_with_it(rulebook, months, text):
    template = Template("ventet i {beregnet.ventetid_maneder|hel måned|hele måneder}", rulebook.vocabulary)

    assert template.render({"beregnet.ventetid_maneder": months}) == text


def test_a_number_the_engine_adds_takes_the_forms_too(rulebook):
    template = Template("det gir {poeng|poeng|poeng} og {verdi|måned|måneder}", rulebook.vocabulary)

    assert template.render({}, {"poeng": 1, "verdi": 1}) == "det gir 1 poeng og 1 måned"


def test_every_shipped_text_agrees_with_a_count_of_one(rulebook):
    """Each explanation and reason in rules/, with every number in it 1: no plural noun after the 1."""
    vocab = rulebook.vocabulary
    texts = ([c.forklaring for c in rulebook.criteria] + [k.begrunnelse for k in rulebook.checks]
             + [r.begrunnelse for r in rulebook.composition])
    wrong = []
    for text in texts:
        values = {slot.field: 1 for slot in placeholders(text)
                  if vocab.get(slot.field) is not None and vocab.get(slot.field).is_number}
        shown = Template(text, vocab).render(values, {"poeng": 1, "verdi": 1})
        if PLURAL_AFTER_ONE.search(shown):
            wrong.append(shown)
    assert wrong == []


@pytest.fixture
def refused(rules_copy, monkeypatch):
    monkeypatch.chdir(rules_copy.parent)

    def edit(old: str, new: str) -> list[str]:
        path = rules_copy / "prioritering.yaml"
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")
        with pytest.raises(RulesError) as caught:
            load_rules("rules")
        return [p.message for p in caught.value.problems]

    return edit


def test_forms_need_both_the_singular_and_the_plural(refused):
    one_form = "{beregnet.ventetid_maneder|hele måneder}"
    assert refused("{beregnet.ventetid_maneder|hel måned|hele måneder}", one_form) == [
        "'{beregnet.ventetid_maneder|hele måneder}' skal ha formen {felt|entall|flertall}, "
        "f.eks. {beregnet.ventetid_maneder|hel måned|hele måneder}"]


def test_forms_belong_after_a_number_only(refused):
    assert refused("{kandidat.soknad_mottatt}", "{kandidat.soknad_mottatt|dag|dager}") == [
        "'{kandidat.soknad_mottatt|dag|dager}': entall og flertall passer bare etter et tall, "
        "og 'kandidat.soknad_mottatt' er ikke et tall (type dato)"]


def test_a_text_filled_in_once_is_the_same_as_filled_in_afresh_whatever_the_values_since(rulebook):
    """Filled-in texts are kept per template (many candidates share the shown values); a kept text must
    never stand for other values: True and 1 are equal in Python but read «ja» and «1»."""
    kept = Template("verdi {x|gang|ganger}, dato {kandidat.fodselsdato}", rulebook.vocabulary)
    values = [1, True, 1.0, 0, False, None, 2, [1, 2], "1", 1.5]
    dates = ["1950-01-02", None]
    for round_ in range(2):  # the second round reads what the first kept
        for x in values:
            for day in dates:
                fresh = Template("verdi {x|gang|ganger}, dato {kandidat.fodselsdato}", rulebook.vocabulary)
                row = {"x": x, "kandidat.fodselsdato": day}
                assert kept.render(row) == fresh.render(row)
                assert kept.render({}, {"x": x}) == fresh.render({}, {"x": x})
    assert kept.render({"x": True}) != kept.render({"x": 1})


def test_the_kept_texts_stay_bounded(rulebook):
    template = Template("{x}", rulebook.vocabulary)
    for i in range(3 * Template.MEMO_SIZE):
        assert template.render({"x": i}) == format_number(i)
    assert len(template._memo) <= Template.MEMO_SIZE
