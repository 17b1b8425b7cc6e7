"""The case (sak): one vacancy, the unit's current residents and the nominees.

The case model is generated from the vocabulary in `rules/felter.yaml`, so a
field policy staff add there is accepted (and checked) here with no code change,
and unknown fields, wrong types and values outside the allowed ones are rejected
with the exact path (`kandidater[2].sjekkliste.tjenestebehov`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import (AfterValidator, ConfigDict, Field, Strict, StrictBool, StrictFloat, StrictStr,
                      ValidationError, create_model)
from typing_extensions import Annotated

from engine.errors import CaseError, Problem
from engine.language.numbers import plain_number as _plain_number
from engine.language.validation_messages import problems_from
from engine.language.vocabulary import FieldSpec, Vocabulary
from engine.language.yaml_source import SourceDocument, YamlSyntaxError, parse_yaml_text, read_yaml_file

_STRICT_INT = Annotated[int, Strict(), AfterValidator(_plain_number)]
_PLAIN_FLOAT = Annotated[StrictFloat, AfterValidator(_plain_number)]


def _number_type(spec: FieldSpec, base):
    bounds = {}
    if spec.min is not None:
        bounds["ge"] = spec.min
    if spec.maks is not None:
        bounds["le"] = spec.maks
    return base, bounds


def _python_type(spec: FieldSpec, vocabulary: Vocabulary, name: str):
    """Map a vocabulary type to a strict pydantic type (no silent '12' -> 12)."""
    t = spec.type
    if t == "tekst":
        return StrictStr, {}
    if t == "heltall":
        return _number_type(spec, _STRICT_INT)
    if t == "tall":
        return _number_type(spec, _PLAIN_FLOAT)
    if t == "boolsk":
        return StrictBool, {}
    if t == "dato":
        return dt.date, {}
    if t in ("valg", "flervalg"):
        values = tuple(vocabulary.values_of(spec) or ())
        choice = Literal[values]  # type: ignore[valid-type]
        return (choice if t == "valg" else list[choice]), {}
    if t == "objekt":
        return _section_model(name, spec.felter or {}, vocabulary), {}
    if t == "liste":
        # One record per member or offer; a list not given is "ikke oppgitt", an empty one is given and empty.
        return list[_section_model(name, spec.felter or {}, vocabulary)], {}
    raise AssertionError(t)


def _section_model(name: str, fields: dict[str, FieldSpec], vocabulary: Vocabulary, extra: dict | None = None):
    definitions: dict[str, Any] = {}
    for field_name, spec in fields.items():
        annotation, bounds = _python_type(spec, vocabulary, f"{name}_{field_name}")
        description = spec.etikett
        if spec.obligatorisk:
            definitions[field_name] = (annotation, Field(..., description=description, **bounds))
        else:
            definitions[field_name] = (Optional[annotation], Field(None, description=description, **bounds))
    definitions.update(extra or {})
    return create_model(name, __config__=ConfigDict(extra="forbid"), **definitions)


def _part(model, declared: bool, description: str):
    return (model, Field(..., description=description)) if declared else \
        (Optional[model], Field(None, description=description))


class CaseModels:
    """The pydantic models of a case under one vocabulary (built once per rules bundle)."""

    def __init__(self, vocabulary: Vocabulary):
        v = vocabulary
        self.Bolig = _section_model("Bolig", v.section("bolig"), v)
        self.Botiltak = _section_model("Botiltak", v.section("botiltak"), v)
        # The home and the unit are required where the bundle declares fields for them; a bundle
        # without a `botiltak` section (say, a UK scheme) takes cases without one.
        self.LedigBolig = _section_model("LedigBolig", v.section("ledig_bolig"), v, {
            "bolig": _part(self.Bolig, bool(v.section("bolig")), "Boligen"),
            "botiltak": _part(self.Botiltak, bool(v.section("botiltak")), "Botiltaket boligen hører til"),
        })
        self.Beboer = _section_model("Beboer", v.section("beboer"), v)
        self.Sjekkliste = _section_model("Sjekkliste", v.section("sjekkliste"), v)
        self.Kandidat = _section_model("Kandidat", v.section("kandidat"), v, {
            "sjekkliste": (self.Sjekkliste, Field(..., description="Sjekklisten saksbehandleren har fylt ut")),
        })
        self.Case = create_model(
            "Sak", __config__=ConfigDict(extra="forbid"),
            ledig_bolig=(self.LedigBolig, Field(..., description="Den ledige boligen")),
            beboere=(list[self.Beboer], Field(default_factory=list, description="Dagens beboere (anonymisert)")),
            kandidater=(list[self.Kandidat], Field(..., min_length=1, description="Kandidatene, én per HVK")),
        )


def validate_case(data: Any, models: CaseModels, doc: SourceDocument | None = None) -> dict:
    """Validate a case; return it as plain JSON-able data (dates as ISO strings).

    Raises CaseError naming every bad path; nothing is evaluated from a bad case.
    """
    if not isinstance(data, dict):
        raise CaseError(Problem(path="", message="saken må være et oppslag med ledig_bolig, beboere og kandidater",
                                file=doc.file if doc else None))
    try:
        case = models.Case.model_validate(data)
    except ValidationError as exc:
        raise CaseError(problems_from(exc, doc))
    plain = case.model_dump(mode="json", exclude_none=True)
    problems = []
    for key, items in (("kandidater", plain["kandidater"]), ("beboere", plain["beboere"])):
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item["id"] in seen:
                msg = f"id-en '{item['id']}' er brukt før (i {key}[{seen[item['id']]}])"
                problems.append(doc.problem((key, i, "id"), msg) if doc else Problem(path=f"{key}[{i}].id", message=msg))
            seen.setdefault(item["id"], i)
    if problems:
        raise CaseError(problems)
    return plain


def offices_with_several(data: Any) -> dict[str, list[str]]:
    """Welfare offices (kandidat.hvk) with more than one candidate in the case, with their ids.

    A real vacancy takes one active nomination per office (the store refuses a second), so
    `rank` warns; a case file may still hold any number of candidates, as when a whole
    waiting list is screened against a home. Reads the raw data and never fails on it.
    """
    by_office: dict[str, list[str]] = {}
    candidates = data.get("kandidater") if isinstance(data, dict) else None
    for candidate in candidates if isinstance(candidates, list) else []:
        if isinstance(candidate, dict) and isinstance(candidate.get("hvk"), str):
            by_office.setdefault(candidate["hvk"], []).append(str(candidate.get("id")))
    return {office: ids for office, ids in by_office.items() if len(ids) > 1}


def read_case_file(path: str | Path) -> tuple[Any, SourceDocument]:
    """Read a case from YAML or JSON; syntax errors become CaseError with file and line."""
    try:
        doc = read_yaml_file(Path(path))
    except YamlSyntaxError as exc:
        raise CaseError(exc.problem)
    return doc.data, doc


def parse_case_text(text: str, name: str = "<innsendt>") -> tuple[Any, SourceDocument]:
    try:
        doc = parse_yaml_text(text, file=name)
    except YamlSyntaxError as exc:
        raise CaseError(exc.problem)
    return doc.data, doc


def case_hash(case: dict, as_of: dt.date) -> str:  # `case` as validate_case returns it (JSON-able)
    """Hash of the validated case and the as-of date: same input, same hash, later too.

    Candidates and residents are sorted by id first: their order carries no meaning
    (shuffling the nominees must not change the result, its hash included).
    """
    canonical_case = dict(case)
    for key in ("kandidater", "beboere"):
        canonical_case[key] = sorted(case.get(key, []), key=lambda item: item["id"])
    canonical = json.dumps({"sak": canonical_case, "vurderingsdato": as_of.isoformat()},
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
