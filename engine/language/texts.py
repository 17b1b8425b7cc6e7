"""Bokmål texts: values as a reader expects them, and explanation templates filled in."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
          "september", "oktober", "november", "desember"]
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


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
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, list):
        return join_words([str(v) for v in value])
    return str(value)


class Template:
    """An explanation template parsed once, to be filled in for many candidates.

    Ranking fills the same few templates for every candidate; splitting the
    text at its placeholders and looking up each placeholder's field once per
    rules version, instead of once per candidate, makes filling in a join.
    The result is exactly that of substituting every `{name}` and then tidying
    whitespace (values may contain whitespace too, so tidying stays last).
    """

    def __init__(self, template: str, vocabulary):
        parts = PLACEHOLDER.split(template)  # literal, name, literal, name, ..., literal
        self.first = parts[0]
        self.slots = [(name, vocabulary.get(name), literal) for name, literal in zip(parts[1::2], parts[2::2])]
        self.constant = None if self.slots else " ".join(template.split())

    def render(self, values: dict, extras: dict | None = None) -> str:
        if self.constant is not None:
            return self.constant
        out = [self.first]
        for name, field, literal in self.slots:
            if extras and name in extras:
                out.append(format_value(None, extras[name]))
            else:
                out.append(format_value(field, values.get(name)))
            out.append(literal)
        return " ".join("".join(out).split())


def render(template: str, vocabulary, values: dict, extras: dict | None = None) -> str:
    """Fill `{sjekkliste.bosituasjon}`, `{poeng}` ... and tidy whitespace from folded YAML."""
    return Template(template, vocabulary).render(values, extras)
