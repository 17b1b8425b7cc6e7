"""The checklist (sjekkliste) as a form, generated from the field vocabulary in rules/felter.yaml.

Each field of the `sjekkliste` section becomes an input of the right kind, with its
bokmål label (`etikett`), description and allowed values; a field added to the
vocabulary appears in the form with no code change:

    boolsk    two radio buttons, Ja / Nei (a required question must be answered)
    valg      a select with the allowed values
    flervalg  checkboxes, one per allowed value
    heltall   a number input (whole numbers)       tall   a number input (decimals allowed)
    dato      a date input (DD.MM.ÅÅÅÅ or ÅÅÅÅ-MM-DD) tekst  a text input
    objekt    a fieldset with the sub-fields (names joined with a dot)

`parse` reads the posted form back into typed values. A value that cannot be read
(say '12a' for a number) is a problem for that field; the rest is validated by the
casework with the pydantic model generated from the same vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from engine.errors import Problem
from engine.language.validation_messages import not_a_date, wrong_type
from engine.language.vocabulary import FieldSpec, Vocabulary
from service.casework.commands import DATE_FORMATS, read_day

SECTION = "sjekkliste"
YES, NO = "ja", "nei"


@dataclass
class FormField:
    """One input of the generated form."""

    name: str                 # the form name, also the checklist path (`leder.navn` for objects)
    kind: str                 # boolsk, valg, flervalg, heltall, tall, dato, tekst, objekt
    label: str
    required: bool
    description: str | None = None
    choices: list[tuple[str, str]] = field(default_factory=list)
    minimum: float | None = None
    maximum: float | None = None
    shared_with_unit: bool = False
    children: list["FormField"] = field(default_factory=list)

    @property
    def input_id(self) -> str:
        return "felt-" + self.name.replace(".", "-").replace("_", "-")


def form_fields(vocabulary: Vocabulary, section: str = SECTION) -> list[FormField]:
    return [_field(name, spec, vocabulary) for name, spec in vocabulary.section(section).items()]


def _field(name: str, spec: FieldSpec, vocabulary: Vocabulary) -> FormField:
    values = vocabulary.values_of(spec) or {}
    children = [_field(f"{name}.{sub}", sub_spec, vocabulary) for sub, sub_spec in (spec.felter or {}).items()]
    return FormField(name=name, kind=spec.type, label=spec.etikett, required=spec.obligatorisk,
                     description=spec.beskrivelse, choices=list(values.items()), minimum=spec.min,
                     maximum=spec.maks, shared_with_unit=spec.deles_med_botiltak, children=children)


def flatten(fields: list[FormField]) -> list[FormField]:
    out = []
    for f in fields:
        out.append(f)
        out.extend(flatten(f.children))
    return out


def as_form_values(checklist: dict | None, fields: list[FormField]) -> dict[str, Any]:
    """A stored checklist as the strings and lists the form shows."""
    out: dict[str, Any] = {}

    def walk(items, data):
        for f in items:
            value = (data or {}).get(f.name.rsplit(".", 1)[-1])
            if f.kind == "objekt":
                walk(f.children, value if isinstance(value, dict) else {})
            elif value is None:
                continue
            elif f.kind == "boolsk":
                out[f.name] = YES if value else NO
            elif f.kind == "flervalg":
                out[f.name] = list(value)
            else:
                out[f.name] = str(value)

    walk(fields, checklist or {})
    return out


def parse(form: dict[str, Any], fields: list[FormField]) -> tuple[dict, list[Problem]]:
    """The posted values as a typed checklist, and the problems with values that cannot be read."""
    problems: list[Problem] = []

    def read(items) -> dict:
        data: dict[str, Any] = {}
        for f in items:
            key = f.name.rsplit(".", 1)[-1]
            if f.kind == "objekt":
                sub = read(f.children)
                if sub:
                    data[key] = sub
                continue
            raw = form.get(f.name)
            if f.kind == "flervalg":
                chosen = raw if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
                if chosen:
                    data[key] = chosen
                continue
            if isinstance(raw, list):
                raw = raw[-1]
            if raw is None or not str(raw).strip():
                continue
            raw = str(raw).strip()
            if f.kind == "boolsk":
                if raw not in (YES, NO):
                    problems.append(Problem(f.name, wrong_type(raw, "ja eller nei")))
                    continue
                data[key] = raw == YES
            elif f.kind == "heltall":
                try:
                    data[key] = int(raw)
                except ValueError:
                    problems.append(Problem(f.name, wrong_type(raw, "et heltall")))
            elif f.kind == "tall":
                try:
                    data[key] = float(raw.replace(",", "."))
                except ValueError:
                    problems.append(Problem(f.name, wrong_type(raw, "et tall")))
            elif f.kind == "dato":  # as every date field of the pages: DD.MM.ÅÅÅÅ or ÅÅÅÅ-MM-DD
                try:
                    data[key] = read_day(raw).isoformat()
                except ValueError:
                    problems.append(Problem(f.name, not_a_date(raw, DATE_FORMATS)))
            else:  # valg, tekst: the model checks allowed values
                data[key] = raw
        return data

    return read(fields), problems


def field_path(problem_path: str) -> str:
    """A casework problem path (`checklist.bosituasjon`, `changes.leder.navn`) as the form's field name."""
    for prefix in ("checklist.", "changes."):
        if problem_path.startswith(prefix):
            problem_path = problem_path[len(prefix):]
            break
    return re.sub(r"\[\d+\]$", "", problem_path)  # one value of a multiple choice: the field itself
