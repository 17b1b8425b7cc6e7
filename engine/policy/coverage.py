"""The coverage table of a written policy (dekning.yaml): how faithfully a bundle does what its source says.

Each bundle under examples/policies/ is a real published policy written as rules. Its
dekning.yaml has one entry per rule of the source text, with a status: `trofast` (the
bundle does what the text says, nothing lost or invented), `kompromiss` (it does
something close; `merknad` says what is given up) or `umulig` (the rules language cannot
say it). The sum over bundles is the measure of the language (issue 9).

A compromise also says whose it is (`arsak`), because the three call for different work:
`kilden` (the source text is cut off, unclear or leaves a value open, and the bundle
chose; a fuller text would make it faithful with no change to the language), `spraket`
(the rules language has no construct for what the text says) and `tjenesten` (the text
asks for something outside ranking one vacancy: another kind of case, a history the
service does not keep). Only the last two are work for us; the table shows them apart.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engine.errors import RulesError
from engine.language.validation_messages import problems_from
from engine.language.yaml_source import YamlSyntaxError, read_yaml_file, shown_path

STATUSES = ("trofast", "kompromiss", "umulig")
CAUSES = ("kilden", "spraket", "tjenesten")


class CoverageEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    regel: str = Field(min_length=1, description="Kort navn på regelen i kildeteksten.")
    kilde: str = Field(min_length=1, description="Hvor i kildeteksten regelen står (avsnitt, punkt).")
    status: Literal["trofast", "kompromiss", "umulig"]
    merknad: str = Field("", description="Hvordan regelen er skrevet; for kompromiss og umulig: hva som går tapt.")
    arsak: Literal["kilden", "spraket", "tjenesten"] | None = Field(
        None, description="For kompromiss og umulig: hvorfor. kilden: kildeteksten er avkortet, uklar eller lar "
                          "en verdi stå åpen, og regelverket har valgt; spraket: regelspråket mangler en "
                          "konstruksjon; tjenesten: teksten krever noe utenfor rangeringen av én ledig bolig "
                          "(en annen sakstype, en historikk tjenesten ikke fører).")
    regler: list[str] = Field(default_factory=list, description="Id-ene i regelverket som gjør regelen.")

    @model_validator(mode="after")
    def _say_what_is_lost(self):
        if self.status != "trofast" and not self.merknad.strip():
            raise ValueError(f"status '{self.status}' krever en 'merknad' som sier hva som går tapt")
        if self.status != "trofast" and self.arsak is None:
            raise ValueError(f"status '{self.status}' krever en 'arsak': {', '.join(CAUSES)}")
        if self.status == "trofast" and self.arsak is not None:
            raise ValueError("status 'trofast' har ingen 'arsak'; arsak sier hvorfor en regel ikke er trofast")
        return self


class CoverageFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kilde: str = Field(min_length=1, description="Kildeteksten: navn, vedtaksdato og adresse.")
    regler: list[CoverageEntry] = Field(min_length=1)


def load_coverage(path: Path) -> CoverageFile:
    shown = shown_path(path)
    try:
        doc = read_yaml_file(path, shown)
    except YamlSyntaxError as exc:
        raise RulesError(exc.problem) from None
    try:
        return CoverageFile.model_validate(doc.data)
    except ValidationError as exc:
        raise RulesError(problems_from(exc, doc)) from None


def tally(files: dict[str, CoverageFile]) -> tuple[dict[str, Counter], Counter]:
    """Per bundle and in all: how many rules of each status, and of each cause (keyed `arsak:<cause>`)."""
    per = {name: Counter([e.status for e in f.regler] + [f"arsak:{e.arsak}" for e in f.regler if e.arsak])
           for name, f in files.items()}
    total: Counter = Counter()
    for counts in per.values():
        total.update(counts)
    return per, total
