"""Refuse numbers the evaluator cannot take, before ranking (a 422 naming the path, not a 500).

Work-around for an engine limitation (reported): durable_rules' C core fails with a
bare error code ("Could not assert fact, error code: 204", or 309 when deleting the
state) on a float that Python writes with an exponent (1e+16, 1e-05) or as
Infinity/NaN, and the case model accepts such values in number fields without
bounds, even sent as text ("1e20"). Remove this module once the engine handles them.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from engine import CompiledRules, Problem

MESSAGE = ("{value} kan ikke regnes med: et desimaltall må være 0 eller ha en absoluttverdi mellom "
           "0,0001 og 10^16")


def _unusable(value: float) -> bool:
    text = repr(value)  # what json.dumps writes for the evaluator
    return "e" in text or "n" in text  # 1e+16, 1e-05, inf, nan


def unusable_numbers(compiled: CompiledRules, data: Any, doc=None) -> list[Problem]:
    """Every float in a valid case the evaluator cannot take, with its path (and line when `doc` is given).

    Looks at the case as the model reads it, so a number sent as text ("1e20" in a
    number field) is caught too. An invalid case yields nothing here: ranking it
    raises CaseError with every problem anyway.
    """
    try:
        case = compiled.case_models.Case.model_validate(data)
    except ValidationError:
        return []
    problems: list[Problem] = []

    def walk(value: Any, loc: tuple) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, loc + (key,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, loc + (index,))
        elif isinstance(value, float) and _unusable(value):
            message = MESSAGE.format(value=value)
            problems.append(doc.problem(loc, message) if doc is not None
                            else Problem(path=_format(loc), message=message))

    walk(case.model_dump(exclude_none=True), ())
    return problems


def _format(loc: tuple) -> str:
    """`('kandidater', 2, 'sjekkliste', 'x')` -> `kandidater[2].sjekkliste.x` (as the engine writes paths)."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
