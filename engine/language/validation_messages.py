"""Turn pydantic's validation errors into bokmål problems that name the path.

One translation for every boundary (rules files, cases, scenarios, API bodies),
so a caseworker reads the same wording whether they used the CLI or the API.

The wording of each kind of error is here once, and every check that finds one uses
it (the casework's commands, the forms, the CLI's options):

    missing value     må fylles ut
    wrong type        '12a' er ikke et heltall
    too long          teksten er for lang (høyst 200 tegn)
    not a choice      'natt' er ikke en av de tillatte verdiene: 'ingen', 'dag' eller 'natt'
    date format       '31.02.2026' er ikke en dato på formen DD.MM.ÅÅÅÅ eller ÅÅÅÅ-MM-DD
    date out of range 31.12.1999 er for tidlig (tidligst 01.01.2000)
"""

from __future__ import annotations

from typing import Any, Iterable

from pydantic import ValidationError

from engine.errors import Problem
from engine.language.yaml_source import SourceDocument, format_loc

#: The date format of files and the API (cases, rules, scenarios, --as-of, ?as_of=).
ISO_DATE = "ÅÅÅÅ-MM-DD"

MISSING = "må fylles ut"

_TYPE_NAMES = {
    "int": "et heltall", "float": "et tall", "bool": "true eller false",
    "string": "tekst", "str": "tekst", "list": "en liste",
    "dict": "et oppslag (nøkkel: verdi)", "model": "et oppslag (nøkkel: verdi)",
}


def shown(value: Any) -> str:
    """A value as the message quotes it: text in quotes, true/false as written in YAML and JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return repr(value)


def missing_when(condition: str) -> str:
    """A value required in some cases only: «må fylles ut når begrunnelsen er «annet»»."""
    return f"{MISSING} {condition}"


def at_least_one(what: str) -> str:
    """An empty list where one is needed: «oppgi minst én målgruppe»."""
    return f"oppgi minst {what}"


def wrong_type(value: Any, wanted: str) -> str:
    return f"{shown(value)} er ikke {wanted}"


def too_long(limit: int, of: str = "teksten", unit: str = "tegn") -> str:
    return f"{of} er for lang (høyst {limit}{f' {unit}' if unit else ''})"


def too_short(limit: int, of: str = "listen", unit: str = "") -> str:
    return f"{of} er for kort (minst {limit}{f' {unit}' if unit else ''})"


def too_small(value: Any, least) -> str:
    return f"{shown(value)} er for lite (minst {least})"


def too_large(value: Any, most) -> str:
    return f"{shown(value)} er for stort (høyst {most})"


def choices(allowed: Iterable[Any]) -> str:
    """'a', 'b' eller 'c'"""
    quoted = [shown(a) for a in allowed]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " eller " + quoted[-1]


def not_a_choice(value: Any, allowed: Iterable[Any] | str) -> str:
    listed = allowed if isinstance(allowed, str) else choices(allowed)
    return f"{shown(value)} er ikke en av de tillatte verdiene: {listed}"


def not_a_date(value: Any, formats: str = ISO_DATE) -> str:
    return f"{shown(value)} er ikke en dato på formen {formats}"


def not_a_moment(value: Any, formats: str) -> str:
    return f"{shown(value)} er ikke et tidspunkt på formen {formats}"


def too_early(day: str, earliest: str) -> str:
    return f"{day} er for tidlig (tidligst {earliest})"


def _describe(err: dict) -> str:
    kind = err["type"]
    given = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return MISSING
    if kind == "extra_forbidden":
        return f"ukjent felt '{err['loc'][-1]}'"
    if kind == "literal_error":
        return not_a_choice(given, ctx.get("expected", "").replace(" or ", " eller "))
    if kind in ("value_error", "assertion_error"):
        msg = str(ctx.get("error", err.get("msg", "")))
        return msg.removeprefix("Value error, ")
    if kind.startswith("date") and (kind.endswith("_type") or kind.endswith("_parsing")
                                    or kind == "date_from_datetime_inexact"):
        return not_a_date(given)
    if kind.endswith("_type") or kind.endswith("_parsing"):
        base = kind.split("_")[0]
        if kind == "model_type" or kind == "dict_type":
            base = "dict"
        return wrong_type(given, _TYPE_NAMES.get(base, base))
    if kind in ("finite_number",):
        return wrong_type(given, "et endelig tall")
    if kind in ("greater_than_equal", "greater_than"):
        return too_small(given, ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return too_large(given, ctx.get("le", ctx.get("lt")))
    if kind == "string_too_short":
        return too_short(ctx.get("min_length"), "teksten", "tegn")
    if kind == "string_too_long":
        return too_long(ctx.get("max_length"))
    if kind == "too_short":
        return too_short(ctx.get("min_length"))
    if kind == "too_long":
        return too_long(ctx.get("max_length"), "listen", "")
    if kind in ("union_tag_invalid", "condition_shape"):
        return err.get("msg", "ugyldig form")
    if kind == "union_tag_not_found":
        return "ugyldig form"
    return err.get("msg", kind)


def _clean_loc(loc: tuple) -> tuple:
    """Drop the union tags and function names pydantic inserts into paths."""
    return tuple(p for p in loc if not (isinstance(p, str) and (p.startswith("function-") or p.startswith("<"))))


def problems_from(exc: ValidationError, doc: SourceDocument | None = None,
                  prefix: tuple = (), rule_id_at=None) -> list[Problem]:
    problems: list[Problem] = []
    seen = set()
    for err in exc.errors(include_url=False):
        loc = prefix + _clean_loc(tuple(err["loc"]))
        if doc is not None:
            loc = _drop_tags(loc, doc)
        message = _describe(err)
        rule_id = rule_id_at(loc) if rule_id_at else None
        if doc is not None:
            problem = doc.problem(loc, message, rule_id)
        else:
            problem = Problem(path=format_loc(loc), message=message, rule_id=rule_id)
        key = str(problem)
        if key not in seen:
            seen.add(key)
            problems.append(problem)
    return problems


def _drop_tags(loc: tuple, doc: SourceDocument) -> tuple:
    """Keep only path parts that exist in the document, except the last (the bad key)."""
    kept: tuple = ()
    for i, part in enumerate(loc):
        if kept + (part,) in doc.lines or i == len(loc) - 1 or isinstance(part, int):
            kept = kept + (part,)
    return kept
