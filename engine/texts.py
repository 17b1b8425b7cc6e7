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


def render(template: str, vocabulary, values: dict, extras: dict | None = None) -> str:
    """Fill `{sjekkliste.bosituasjon}`, `{poeng}` ... and tidy whitespace from folded YAML."""
    extras = extras or {}

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name in extras:
            return format_value(None, extras[name])
        return format_value(vocabulary.get(name), values.get(name))

    return " ".join(PLACEHOLDER.sub(fill, template).split())
