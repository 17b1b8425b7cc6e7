"""From a validated case to the facts rules are evaluated on, as dicts by dotted path.

Each candidate is seen together with the vacancy: its own fields
(`kandidat.*`, `sjekkliste.*`), the home and unit (`ledig_bolig.*`, `bolig.*`,
`botiltak.*`) and the computed values (`beregnet.*`). Each resident is a fact of
its own (`beboer.*`), and so is each candidate as they would count among the
residents after moving in (`candidate_as_resident`).

durable_rules has no date arithmetic and no aggregates, so the computed values
are added in Python: parameters, durations, formulas and tables by
engine/evaluation/computed.py, counts over residents from per-resident rule
matches by `CompiledRules._add_counts_many` (engine/evaluation/ranking.py).
"""

from __future__ import annotations

from typing import Any


def flatten_section(prefix: str, data: dict, out: dict) -> None:
    """`{'bemanning': {'natt': False}}` under `botiltak` -> `{'botiltak.bemanning.natt': False}`."""
    for key, value in data.items():
        path = f"{prefix}.{key}"
        if isinstance(value, dict):
            flatten_section(path, value, out)
        else:
            out[path] = value


def vacancy_values(case: dict) -> dict[str, Any]:
    vacancy = dict(case["ledig_bolig"])
    home = vacancy.pop("bolig", None) or {}  # optional where the bundle declares no such section
    unit = vacancy.pop("botiltak", None) or {}
    out: dict[str, Any] = {}
    flatten_section("ledig_bolig", vacancy, out)
    flatten_section("bolig", home, out)
    flatten_section("botiltak", unit, out)
    return out


def candidate_values(candidate: dict, shared: dict[str, Any]) -> dict[str, Any]:
    own = dict(candidate)
    checklist = own.pop("sjekkliste")
    out = dict(shared)
    flatten_section("kandidat", own, out)
    flatten_section("sjekkliste", checklist, out)
    return out


def resident_values(resident: dict) -> dict[str, Any]:
    out: dict[str, Any] = {}
    flatten_section("beboer", resident, out)
    return out


def candidate_as_resident(values: dict[str, Any], vocabulary) -> dict[str, Any]:
    """How the candidate would count among the residents after moving in (`fra_kandidat`)."""
    out: dict[str, Any] = {"beboer.id": values.get("kandidat.id")}
    for name, spec in vocabulary.section("beboer").items():
        if spec.fra_kandidat and values.get(spec.fra_kandidat) is not None:
            out[f"beboer.{name}"] = values[spec.fra_kandidat]
    return out
