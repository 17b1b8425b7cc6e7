"""Turn pydantic's validation errors into bokmål problems that name the path.

One translation for every boundary (rules files, cases, scenarios, API bodies),
so a caseworker reads the same wording whether they used the CLI or the API.
"""

from __future__ import annotations

from pydantic import ValidationError

from engine.errors import Problem
from engine.language.yaml_source import SourceDocument, format_loc

_TYPE_NAMES = {
    "int": "et heltall", "float": "et tall", "bool": "sann/usann (true/false)",
    "string": "tekst", "str": "tekst", "date": "en dato (ÅÅÅÅ-MM-DD)", "list": "en liste",
    "dict": "et oppslag (nøkkel: verdi)", "model": "et oppslag (nøkkel: verdi)",
}


def _describe(err: dict) -> str:
    kind = err["type"]
    given = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "påkrevd felt mangler"
    if kind == "extra_forbidden":
        return f"ukjent felt '{err['loc'][-1]}'"
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        return f"{given!r} er ikke en av de tillatte verdiene: {expected.replace(' or ', ' eller ')}"
    if kind in ("value_error", "assertion_error"):
        msg = str(ctx.get("error", err.get("msg", "")))
        return msg.removeprefix("Value error, ")
    if kind.endswith("_type") or kind.endswith("_parsing"):
        base = kind.split("_")[0]
        if kind.startswith("date"):
            base = "date"
        if kind == "model_type" or kind == "dict_type":
            base = "dict"
        wanted = _TYPE_NAMES.get(base, base)
        return f"{given!r} har feil type, forventet {wanted}"
    if kind == "date_from_datetime_inexact":
        return f"{given!r} må være en dato uten klokkeslett (ÅÅÅÅ-MM-DD)"
    if kind in ("finite_number",):
        return f"{given!r} må være et endelig tall"
    if kind == "string_type" and isinstance(err.get("loc", [None])[-1], str) and err["loc"][-1].endswith("[key]"):
        return "nøklene må være tekst"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{given!r} er for lite (minst {ctx.get('ge', ctx.get('gt'))})"
    if kind in ("less_than_equal", "less_than"):
        return f"{given!r} er for stort (høyst {ctx.get('le', ctx.get('lt'))})"
    if kind == "too_short":
        return f"må ha minst {ctx.get('min_length')} element(er)"
    if kind == "too_long":
        return f"kan ha høyst {ctx.get('max_length')} element(er)"
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
