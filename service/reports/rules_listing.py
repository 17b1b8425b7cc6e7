"""The loaded rules as the API lists them: every criterion, check and composition rule in words.

Built from the engine's public objects only (the rulebook, `describe` for
conditions, `tie_break_words`), so what the API shows is what the engine ranks by.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, Field

from engine import CompiledRules
from engine.language.conditions import describe
from engine.evaluation.result import RulesVersion


class FixedPoints(BaseModel):
    kind: Literal["fast"] = "fast"
    points: int = Field(description="Poengene kriteriet gir når betingelsen er oppfylt.")
    text: str = Field(description="Poengene i ord.")


class PointsPerUnit(BaseModel):
    kind: Literal["per_enhet"] = "per_enhet"
    per: float = Field(description="Poeng per enhet.")
    unit: str = Field(description="Hva én enhet er, f.eks. måned.")
    value_field: str = Field(description="Tallfeltet eller den beregnede verdien det gis poeng for.")
    value_label: str = Field(description="Feltets navn slik brukerne ser det.")
    max: Optional[int] = Field(description="Høyeste antall poeng kriteriet kan gi; tomt når det ikke har tak.")
    text: str = Field(description="Poengene i ord.")


class CriterionListing(BaseModel):
    """A criterion in the priority key (prioriteringsnøkkelen)."""

    id: str
    name: str
    points: Annotated[Union[FixedPoints, PointsPerUnit], Field(discriminator="kind")]
    max_points: Optional[int] = Field(description="Det meste kriteriet kan gi; tomt når det gir poeng per enhet "
                                                  "uten tak.")
    condition: Optional[str] = Field(description="Når kriteriet gjelder, i ord; null når det gjelder alle med verdi.")
    explanation_template: str = Field(description="Begrunnelsen; {felt} fylles inn med sakens verdier.")
    basis: str = Field(description="Hjemmel/grunnlag.")


class SuitabilityCheckListing(BaseModel):
    """A suitability check (egnethetskontroll): when the condition holds, the candidate is blocked."""

    id: str
    name: str
    condition: str = Field(description="Når kontrollen slår til, i ord.")
    outcome: Literal["blokker"] = "blokker"
    outcome_text: str = Field(description="Hva som skjer når kontrollen slår til.")
    reason_template: str = Field(description="Begrunnelsen; {felt} fylles inn med sakens verdier.")
    basis: str


class CompositionRuleListing(BaseModel):
    """A resident-composition rule (sammensetningsregel)."""

    id: str
    name: str
    condition: str = Field(description="Når regelen slår til, i ord.")
    outcome: Literal["blokker", "drofting", "poeng"] = Field(
        description="blokker: kan ikke tildeles; drofting: drøftingsmøte kreves; poeng: poengjustering.")
    points: Optional[int] = Field(None, description="Poengjusteringen, bare for utfall poeng.")
    outcome_text: str = Field(description="Utfallet i ord.")
    reason_template: str
    basis: str


class RuleListing(BaseModel):
    """A vilkår, a tier, a note, a scope rule (gjelder_ikke) or one option of a decision point: when it applies,
    and what it says."""

    id: str = Field(description="Regelens id (for et vedtakspunkt: innholdets verdi).")
    name: str
    condition: Optional[str] = Field(description="Når regelen gjelder, i ord; null for det siste trinnet eller "
                                                 "innholdet uten betingelse (alle andre).")
    text_template: str = Field(description="Det regelen sier; {felt} fylles inn med sakens verdier.")
    basis: str
    outcome_text: Optional[str] = Field(None, description="For et vilkår som drøftes i stedet for å gi avslag "
                                                          "(utfall: drofting): hva som skjer; ellers null.")


class DecisionPointListing(BaseModel):
    """A point of the decision's content (vedtak): its options in order, the first that holds applies."""

    id: str
    name: str
    options: list[RuleListing]


class RulesListing(BaseModel):
    """The rules the service ranks by right now."""

    rules_version: RulesVersion
    name: str = Field(description="Regelverkets navn.")
    example_policy: bool = Field(description="Sant for eksempelpolicy som kommunen skal erstatte.")
    criteria: list[CriterionListing]
    suitability_checks: list[SuitabilityCheckListing]
    composition_rules: list[CompositionRuleListing]
    eligibility_conditions: list[RuleListing] = Field(
        default_factory=list, description="Vilkår for å stå på ventelisten; condition er det som må være oppfylt.")
    tiers: list[RuleListing] = Field(default_factory=list, description="Trinn (band), det høyeste først.")
    notes: list[RuleListing] = Field(default_factory=list, description="Merknader til saksbehandleren.")
    decision_points: list[DecisionPointListing] = Field(default_factory=list, description="Vedtakets innhold.")
    out_of_scope: list[RuleListing] = Field(default_factory=list, description="Boliger regelverket ikke gjelder "
                                                                         "(virkeområdet, gjelder_ikke).")
    tie_margin: float = Field(description="Kandidater innenfor så mange poeng av hverandre er likeverdige.")
    tie_break_order: list[str] = Field(description="Rekkefølgen ved likt poeng, i ord.")


BLOCK_TEXT = "kandidaten kan ikke tildeles boligen"


def _points(criterion, vocabulary) -> FixedPoints | PointsPerUnit:
    if not isinstance(criterion.poeng, int):  # points per unit, capped
        per = criterion.poeng
        field = vocabulary.get(per.verdi)
        label = field.label if field else per.verdi
        return PointsPerUnit(per=per.per, unit=per.enhet, value_field=per.verdi, value_label=label, max=per.maks,
                             text=per.words(label))
    return FixedPoints(points=criterion.poeng, text=f"{criterion.poeng} poeng")


DISCUSS_TEXT = "drøftingsmøte kreves før tildeling"
DISCRETION_TEXT = "kan avslås etter skjønn: drøftingsmøte kreves"


def _outcome_text(rule) -> str:
    if rule.utfall == "blokker":
        return BLOCK_TEXT
    if rule.utfall == "drofting":
        return DISCUSS_TEXT
    return f"{rule.poeng:+d} poeng"


def list_rules(compiled: CompiledRules) -> RulesListing:
    book = compiled.book
    vocab = book.vocabulary
    criteria = []
    for c in book.criteria:
        points = _points(c, vocab)
        criteria.append(CriterionListing(
            id=c.id, name=c.navn, points=points,
            max_points=points.max if isinstance(points, PointsPerUnit) else points.points,
            condition=describe(c.betingelse, vocab) if c.betingelse is not None else None,
            explanation_template=c.forklaring, basis=c.hjemmel))
    checks = [SuitabilityCheckListing(id=k.id, name=k.navn, condition=describe(k.betingelse, vocab),
                                      outcome_text=_outcome_text(k), reason_template=k.begrunnelse,
                                      basis=k.hjemmel)
              for k in book.checks]
    composition = [CompositionRuleListing(id=r.id, name=r.navn, condition=describe(r.betingelse, vocab),
                                          outcome=r.utfall, points=r.poeng, outcome_text=_outcome_text(r),
                                          reason_template=r.begrunnelse, basis=r.hjemmel)
                   for r in book.composition]
    def listed(rule_id, name, condition, text, basis) -> RuleListing:
        return RuleListing(id=rule_id, name=name, condition=describe(condition, vocab) if condition is not None else None,
                           text_template=text, basis=basis)

    return RulesListing(
        rules_version=compiled.version, name=book.header.navn, example_policy=book.header.eksempel,
        criteria=criteria, suitability_checks=checks, composition_rules=composition,
        eligibility_conditions=[listed(c.id, c.navn, c.krav, c.begrunnelse, c.hjemmel).model_copy(update={
            "outcome_text": DISCRETION_TEXT if c.utfall == "drofting" else None}) for c in book.conditions],
        tiers=[listed(t.id, t.navn, t.betingelse, t.begrunnelse, t.hjemmel) for t in book.ranking.trinn],
        notes=[listed(n.id, n.navn, n.betingelse, n.begrunnelse, n.hjemmel) for n in book.notes],
        decision_points=[DecisionPointListing(id=p.id, name=p.navn, options=[
            listed(o.verdi, p.navn, o.betingelse, o.tekst, o.hjemmel) for o in p.innhold]) for p in book.ranking.vedtak],
        out_of_scope=[listed(g.id, g.navn, g.betingelse, g.begrunnelse, g.hjemmel) for g in book.ranking.gjelder_ikke],
        tie_margin=book.ranking.likhetsmargin, tie_break_order=compiled.tie_break_words())
