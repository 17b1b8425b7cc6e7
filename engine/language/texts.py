"""Bokmål texts: values as a reader expects them, and explanation templates filled in.

A placeholder is `{felt}` (the value as a reader expects it) or, for a number with a
noun that follows it, `{felt|entall|flertall}`: the number and the form that agrees
with it, «1 hel måned», «10 hele måneder» (the singular for 1 and -1, the plural
otherwise, also for 0 and for decimals). rules/README.md describes both for policy staff.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
          "september", "oktober", "november", "desember"]
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
FORMS = "|"  # separates the field from its singular and plural: {felt|entall|flertall}


class Placeholder:
    """One `{...}` of a template: the field it shows, and the noun forms that follow a number."""

    def __init__(self, text: str):
        self.text = text
        parts = [p.strip() for p in text.split(FORMS)]
        self.field = parts[0]
        self.forms = tuple(parts[1:])  # () or (singular, plural); anything else is refused by `problem`

    def problem(self) -> str | None:
        """What is wrong with the placeholder's shape (bokmål), or None."""
        if self.forms and (len(self.forms) != 2 or not all(self.forms)):
            return (f"'{{{self.text}}}' skal ha formen {{felt|entall|flertall}}, "
                    f"f.eks. {{beregnet.ventetid_maneder|hel måned|hele måneder}}")
        return None

    def render(self, field, value) -> str:
        shown = format_value(field, value)
        if not self.forms or value is None or isinstance(value, bool):
            return shown
        singular, plural = self.forms
        return f"{shown} {singular if value in (1, -1) else plural}"


def placeholders(template: str) -> list[Placeholder]:
    return [Placeholder(text) for text in PLACEHOLDER.findall(template)]


def format_date(value) -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"


def join_words(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " og " + words[-1]


def format_value(field, value) -> str:
    """A fact value as it reads in a sentence: labels for codes, ja/nei, Norwegian dates."""
    if value is None:
        return "ikke oppgitt"
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if field is not None:
        if field.type == "dato":
            return format_date(value)
        if field.values and isinstance(value, list):
            return join_words([field.values.get(v, str(v)) for v in value])
        if field.values and value in field.values:
            return field.values[value]
    if isinstance(value, (int, float)):
        return format_number(value)
    if isinstance(value, list):
        return join_words([str(v) for v in value])
    return str(value)


def format_number(value) -> str:
    """A number as Norwegian text: decimal comma, at most four decimals, a space between
    thousands from 10 000 («3,5», «24», «520 640»; never an exponent as `:g` writes 1e+06)."""
    text = f"{value:.4f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    whole, _, decimals = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    if len(digits) > 4:
        digits = f"{int(digits):,}".replace(",", " ")
    return sign + digits + ("," + decimals if decimals else "")


class Template:
    """An explanation template parsed once, to be filled in for many candidates.

    Ranking fills the same few templates for every candidate; splitting the
    text at its placeholders and looking up each placeholder's field once per
    rules version, instead of once per candidate, makes filling in a join.
    The result is exactly that of substituting every `{name}` and then tidying
    whitespace (values may contain whitespace too, so tidying stays last).
    """

    MEMO_SIZE = 4096  # filled-in texts kept per template; emptied when full, so memory stays bounded

    def __init__(self, template: str, vocabulary):
        parts = PLACEHOLDER.split(template)  # literal, placeholder, literal, placeholder, ..., literal
        self.first = parts[0]
        self.slots = [(slot, vocabulary.get(slot.field), literal)
                      for slot, literal in zip(map(Placeholder, parts[1::2]), parts[2::2])]
        self.constant = None if self.slots else " ".join(template.split())
        self._fields = tuple(slot.field for slot, _, _ in self.slots)
        self._memo: dict[tuple, str] = {}

    def render(self, values: dict, extras: dict | None = None) -> str:
        """The text for these values. Many candidates share the values a template shows (the
        same bedroom count, the same checklist answer), so a text once filled in is kept, keyed
        by the shown values and their types (True and 1 read differently: «ja», «1»)."""
        if self.constant is not None:
            return self.constant
        shown = [extras[f] if extras and f in extras else values.get(f) for f in self._fields]
        try:
            key = (extras is not None, *shown, *map(type, shown))
            return self._memo[key]
        except KeyError:
            text = self._fill(values, extras)
            if len(self._memo) >= self.MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = text
            return text
        except TypeError:  # a list (a multiple choice) cannot be a key: filled in each time
            return self._fill(values, extras)

    def _fill(self, values: dict, extras: dict | None) -> str:
        out = [self.first]
        for slot, field, literal in self.slots:
            if extras and slot.field in extras:
                out.append(slot.render(None, extras[slot.field]))
            else:
                out.append(slot.render(field, values.get(slot.field)))
            out.append(literal)
        return " ".join("".join(out).split())


def render(template: str, vocabulary, values: dict, extras: dict | None = None) -> str:
    """Fill `{sjekkliste.bosituasjon}`, `{poeng}`, `{beregnet.x|hel måned|hele måneder}` ... and tidy
    whitespace from folded YAML."""
    return Template(template, vocabulary).render(values, extras)
