"""The rules bundle (regelverk): what policy staff edit, loaded and validated as a whole.

A bundle is a folder of YAML files, each carrying the same version label
(`versjon`) and effective date (`gjelder_fra`, effective_from):

    regelverk.yaml     the bundle's name, version and description
    felter.yaml        the fact vocabulary (feltkatalog) and computed values
    prioritering.yaml  the priority key (prioriteringsnøkkel): criteria that give points
    egnethet.yaml      suitability (egnethet): hard checks that block a candidate
    sammensetning.yaml resident composition (sammensetning): block, consult or adjust points
    rangering.yaml     ranking policy: tie margin and tie-break order

Loading either yields a complete, checked `Rulebook` or raises `RulesError`
listing every problem with file and line; a half-valid bundle is never used.
Loading does not compile: a condition durable_rules refuses (docs/durable_rules.md)
is found when the bundle is compiled (`CompiledRules`) and by `rules check`
(engine/policy/lint.py), which names its file and line.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StrictInt, Tag, ValidationError, model_validator

import engine.language.conditions as cond_lang
from engine.language.conditions import Condition
from engine.errors import Problem, RulesError
from engine.language.texts import placeholders
from engine.language.validation_messages import LocatedError, problems_from
from engine.language import formulas
from engine.language.vocabulary import (BETWEEN, CONDITION_VALUES, DATE_CHOICES, DECISION_DATE, DERIVED, LIST_SECTIONS, OUTCOME_FIELD,
                                        OUTCOME_ONLY_IN_DECISIONS, PARAMETER, SCORE_FIELD,
                                        SCORE_ONLY_IN_TIERS, SECTIONS, TIER_FIELD, TIER_ONLY_IN_RESULTS, Vocabulary,
                                        VocabularyFile)
from engine.language.yaml_source import SourceDocument, YamlSyntaxError, read_yaml_file, shown_path

RULE_ID = r"^[a-z0-9][a-z0-9_]*$"
TEMPLATE_EXTRAS = {"poeng", "verdi"}


# Attributes that must never decide an allocation (likestillings- og diskrimineringsloven § 6).
PROTECTED_DEFAULT = ("etnisitet", "nasjonalitet", "landbakgrunn", "religion", "livssyn", "kjonn",
                     "seksuell_orientering", "kjonnsidentitet", "hudfarge", "sprak")


class VersionedFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    versjon: str = Field(description="Versjonsmerke for regelverket, likt i alle filene.")
    gjelder_fra: dt.date = Field(description="Datoen regelverket gjelder fra (effective_from).")
    beskrivelse: Optional[str] = None


class BundleHeader(VersionedFile):
    """regelverk.yaml."""

    navn: str
    eksempel: bool = Field(False, description="Sant for eksempelpolicy som kommunen skal erstatte.")
    beskyttede_egenskaper: list[str] = Field(
        default_factory=lambda: list(PROTECTED_DEFAULT),
        description="Feltnavn som aldri kan avgjøre en tildeling; `rules check` stanser regler som bruker dem.")
    sammensetning_vises_fra: StrictInt = Field(
        3, ge=1, description="Beboersammensetningen vises (anonymisert) først når botiltaket har minst så mange "
                             "beboere; med færre kan tallene peke ut én person.")


class PerUnitPoints(BaseModel):
    """Points per unit of a number, usually capped: `{per: 1, verdi: beregnet.ventetid_maneder, maks: 24}`.

    Without `maks` there is no cap (Hull: «the number of priorities» has none), and the value's own
    range in felter.yaml is all that limits the points; the cap is not invented to satisfy the format.
    """

    model_config = ConfigDict(extra="forbid")

    per: Union[StrictInt, float] = Field(description="Poeng per enhet.")
    verdi: str = Field(description="Tallfeltet eller den beregnede verdien det gis poeng for.")
    maks: Optional[StrictInt] = Field(None, ge=0, description="Høyeste antall poeng kriteriet kan gi (valgfritt: "
                                                              "uten er det ikke noe tak).")
    enhet: str = Field("enhet", description="Hva én enhet er, f.eks. måned (brukes i tekster).")

    def words(self, label: str) -> str:
        """The points in words, as the ranking and the rules listing show them."""
        text = f"{self.per:g} poeng per {self.enhet} ({label})"
        return text + (f", høyst {self.maks}" if self.maks is not None else ", uten tak")


class InForce(BaseModel):
    """When a rule is in force (gjelder_fra, gjelder_til): a regulation that applies from one day, or
    ends on one, is a property of its rules, so one bundle can hold the rules before and after.

    Outside its period a rule does not apply on the assessment date: a criterion gives no points,
    a check and a composition rule find nothing, a tier takes nobody, and a vilkår asks nothing
    (it counts as met). Both days are included.
    """

    gjelder_fra: Optional[dt.date] = Field(None, description="Første dag regelen gjelder (valgfritt).")
    gjelder_til: Optional[dt.date] = Field(None, description="Siste dag regelen gjelder (valgfritt).")

    @model_validator(mode="after")
    def _period_in_order(self):
        if self.gjelder_fra and self.gjelder_til and self.gjelder_til < self.gjelder_fra:
            raise ValueError(f"'gjelder_til' ({self.gjelder_til}) er før 'gjelder_fra' ({self.gjelder_fra})")
        return self

    @property
    def has_period(self) -> bool:
        return self.gjelder_fra is not None or self.gjelder_til is not None

    def in_force(self, day: dt.date) -> bool:
        return (self.gjelder_fra is None or self.gjelder_fra <= day) and (self.gjelder_til is None
                                                                         or day <= self.gjelder_til)


class Criterion(InForce):
    """A criterion (kriterium) in the priority key."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=RULE_ID)
    navn: str
    poeng: Union[StrictInt, PerUnitPoints]
    betingelse: Optional[Condition] = Field(
        None, description="Når kriteriet gjelder. Kan utelates for poeng per enhet.")
    forklaring: str = Field(description="Setning til begrunnelsen; {felt} fylles inn, {felt|entall|flertall} "
                                        "med ordet som passer til tallet.")
    hjemmel: str = Field(description="Grunnlaget: retningslinje, lov eller vedtak.")
    taushetsbelagt: bool = Field(
        False, description="Sant når regelen bygger på opplysninger under taushetsplikt (helse, rus, vold, "
                           "omsorgssituasjon): vedtaksbrev til andre søkere viser aldri den tildeltes poeng for den.")
    forutsetter: Optional[str] = Field(
        None, pattern=RULE_ID, description="Id-en til et annet kriterium: dette teller bare når det andre gjelder "
                                           "(f.eks. tilleggspoeng bare for søkere med rimelig fortrinn).")

    @model_validator(mode="after")
    def _condition_needed(self):
        if self.betingelse is None and not isinstance(self.poeng, PerUnitPoints):
            raise ValueError("et kriterium med faste poeng må ha en 'betingelse'")
        return self


class SuitabilityCheck(InForce):
    """A hard suitability check (egnethetskontroll): when the condition holds, the candidate is blocked."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=RULE_ID)
    navn: str
    betingelse: Condition
    begrunnelse: str
    hjemmel: str
    utfall: Literal["blokker", "drofting"] = Field(
        "blokker", description="blokker (standard): kandidaten kan ikke tildeles boligen; drofting: regelen sier "
                               "«kan», så saken drøftes og avgjøres etter skjønn.")


class EligibilityCondition(InForce):
    """A condition for being on the waiting list at all (vilkår: age, residence, income, quarantine ...),
    apart from suitability for one home: a candidate who fails one "oppfyller ikke vilkårene", whatever
    the home, and the answer is a refusal of the application, not of this home."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=RULE_ID)
    navn: str
    krav: Condition = Field(description="Det som må være oppfylt; et felt uten verdi oppfyller ikke kravet.")
    begrunnelse: str = Field(description="Hvorfor vilkåret ikke er oppfylt, til avslaget; {felt} fylles inn.")
    hjemmel: str
    utfall: Literal["avslag", "drofting"] = Field(
        "avslag", description="avslag (standard): en kandidat som ikke oppfyller kravet, oppfyller ikke vilkårene; "
                              "drofting: regelen sier «kan avslås», så saken drøftes og avgjøres etter skjønn, og "
                              "kandidaten står på ventelisten til det er avgjort.")


class Note(InForce):
    """A note (merknad) shown with a candidate when its condition holds: a reminder to the caseworker,
    such as «Band A is reviewed after 6 months» when the band is older than that. It never blocks,
    gives no points and changes nothing in the order."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=RULE_ID)
    navn: str
    betingelse: Condition
    begrunnelse: str = Field(description="Det merknaden sier; {felt} fylles inn.")
    hjemmel: str
    beskyttet_egenskap_tillatt: list[str] = Field(
        default_factory=list, description="Beskyttede egenskaper (beskyttede_egenskaper.yaml) merknaden kan lese, "
                                          "f.eks. [etnisitet] for «rådet vurderer alltid å frafalle botidskravet for "
                                          "Gypsies og Travellers»: en merknad avgjør ingenting, og regelsjekken sier "
                                          "fortsatt fra om egenskapen i alle andre regler.")


class CompositionRule(InForce):
    """A resident-composition rule (sammensetningsregel)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=RULE_ID)
    navn: str
    betingelse: Condition
    utfall: Literal["blokker", "drofting", "poeng"] = Field(
        description="blokker: kandidaten kan ikke tildeles; drofting: drøftingsmøte kreves; poeng: poengjustering.")
    poeng: Optional[StrictInt] = None
    begrunnelse: str = Field(description="Hva som gjelder, og hva et drøftingsmøte må ta stilling til.")
    hjemmel: str
    taushetsbelagt: bool = Field(
        False, description="Sant når regelen bygger på opplysninger under taushetsplikt (helse, rus, vold, "
                           "omsorgssituasjon): vedtaksbrev til andre søkere viser aldri den tildeltes poeng for den.")

    @model_validator(mode="after")
    def _points_iff_adjustment(self):
        if self.utfall == "poeng" and self.poeng is None:
            raise ValueError("utfall 'poeng' krever 'poeng'")
        if self.utfall != "poeng" and self.poeng is not None:
            raise ValueError("'poeng' passer bare med utfall 'poeng'")
        return self


class TieBreak(BaseModel):
    model_config = ConfigDict(extra="forbid")

    felt: str
    retning: Literal["stigende", "synkende"] = Field(
        description="stigende: lavest/eldst/nei først; synkende: høyest/nyest/ja først.")


class CriteriaGroup(BaseModel):
    """A group of criteria (gruppe) whose points are limited together: a cap, or only the highest counts."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=RULE_ID)
    navn: str
    kriterier: list[str] = Field(min_length=2, description="Id-ene til kriteriene i gruppen.")
    tak: Optional[StrictInt] = Field(None, ge=0, description="Høyst så mange poeng fra gruppen til sammen.")
    bare_hoyeste: bool = Field(False, description="Bare kriteriet med flest poeng i gruppen teller.")
    betingelse: Optional[Condition] = Field(
        None, description="Gruppens kriterier gir bare poeng når denne holder for kandidaten («ingen behovspoeng "
                          "til en som eier en egnet bolig»).")
    begrunnelse: Optional[str] = Field(
        None, min_length=1, description="Hvorfor gruppen ikke gir poeng når betingelsen ikke holder (bokmål).")
    hjemmel: str

    @model_validator(mode="after")
    def _limits_something(self):
        if self.tak is None and not self.bare_hoyeste and self.betingelse is None:
            raise ValueError("en gruppe må ha 'tak', 'bare_hoyeste: true' eller 'betingelse' (eller flere av dem)")
        if (self.betingelse is None) != (self.begrunnelse is None):
            raise ValueError("en gruppe med 'betingelse' må ha 'begrunnelse' (hvorfor den ikke gir poeng), og "
                             "'begrunnelse' står bare sammen med 'betingelse'")
        return self


class PriorityFile(VersionedFile):
    kriterier: list[Criterion] = Field(default_factory=list, description="Kriteriene som gir poeng (kan være "
                                                                         "tom i en ordning uten poeng).")
    grupper: list[CriteriaGroup] = Field(default_factory=list, description="Grupper av kriterier med felles tak "
                                                                           "eller der bare det høyeste teller.")


class SuitabilityFile(VersionedFile):
    vilkar: list[EligibilityCondition] = Field(
        default_factory=list, description="Vilkår for å stå på ventelisten i det hele tatt (alder, botid, inntekt "
                                          "...): kandidater som ikke oppfyller dem, kan ikke tildeles noen bolig.")
    kontroller: list[SuitabilityCheck] = Field(default_factory=list)
    merknader: list[Note] = Field(
        default_factory=list, description="Merknader til saksbehandleren (f.eks. at bandet skal vurderes på nytt): "
                                          "vises når betingelsen holder, og blokkerer ikke, gir ikke poeng og "
                                          "endrer ikke rekkefølgen.")


class CompositionFile(VersionedFile):
    regler: list[CompositionRule] = Field(default_factory=list)


class FixedTexts(BaseModel):
    """The words the ranking is printed with (rank, the terminal), in the bundle's own terms.

    A scheme with no unit leader, or that says "suspended" rather than "kan ikke tildeles",
    writes its own; what is left out keeps the routine's words.
    """

    model_config = ConfigDict(extra="forbid")
    presenteres: str = Field("Presenteres for enhetslederen", min_length=1, max_length=200,
                             description="Foran de kandidatene som legges fram (den beste og de likeverdige).")
    ingen_kan_tildeles: str = Field("Ingen av kandidatene kan tildeles boligen.", min_length=1, max_length=200)
    kan_tildeles: str = Field("kan tildeles", min_length=1, max_length=80)
    kan_ikke_tildeles: str = Field("KAN IKKE TILDELES", min_length=1, max_length=80)
    ikke_presentert: str = Field("kan tildeles, legges ikke fram", min_length=1, max_length=200,
                                 description="Utfallet for en kandidat som kan tildeles, men ikke legges fram "
                                             "(f.eks. «settes på venteliste»).")
    oppfyller_ikke_vilkarene: str = Field("OPPFYLLER IKKE VILKÅRENE", min_length=1, max_length=80,
                                          description="Utfallet for en kandidat som ikke oppfyller vilkårene.")
    krever_drofting: str = Field("krever drøftingsmøte", min_length=1, max_length=80)


class AppealTerms(BaseModel):
    """How a decision under the bundle is appealed (klage; «review» in UK schemes): the deadline, how
    soon the appeal is decided, and the bundle's own words. Without it the letter uses the routine's:
    three weeks after forvaltningsloven § 29."""

    model_config = ConfigDict(extra="forbid")
    frist_dager: StrictInt = Field(21, ge=1, le=365, description="Dager fra brevet er mottatt til klagen (eller "
                                                                 "anmodningen om ny vurdering) må være sendt.")
    avgjores_innen_dager: Optional[StrictInt] = Field(
        None, ge=1, le=365, description="Dager etter at klagen er mottatt, som den avgjøres innen (valgfritt).")
    overskrift: Optional[str] = Field(None, min_length=1, max_length=120,
                                      description="Overskriften i vedtaksbrevet, f.eks. «Du kan be om en ny vurdering».")
    tekst: Optional[str] = Field(None, min_length=1, max_length=2000,
                                 description="Hvordan man klager, med regelverkets egne ord, i stedet for rutinens "
                                             "tekst om forvaltningsloven.")
    hjemmel: str


class Tier(InForce):
    """A tier (trinn; a band in UK schemes): every candidate in a higher tier ranks before every one
    in a lower, whatever the points; within a tier points and the tie-break order decide."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=RULE_ID)
    navn: str = Field(description="Trinnets navn slik søkerne kjenner det, f.eks. «Band B».")
    betingelse: Optional[Condition] = Field(
        None, description="Hvem som hører til trinnet; kandidaten havner i det første trinnet som passer. "
                          "Kan utelates for det siste trinnet (alle andre). Kan lese kandidatens samlede poeng "
                          "(resultat.poeng), f.eks. "
                          "{felt: resultat.poeng, minst: 30}.")
    begrunnelse: str = Field(description="Hvorfor kandidaten er i trinnet; {felt} fylles inn.")
    hjemmel: str
    ved_likt_poeng: Optional[list[TieBreak]] = Field(
        None, description="Trinnets egen rekkefølge ved likt poeng, i stedet for regelverkets (eller planens), "
                          "f.eks. datoen søkeren kom inn i Band A bare i Band A. Uten: regelverkets.")
    sjekkes_forst: bool = Field(
        False, description="Sant når trinnet skal prøves før de andre, men rangeres der det står: «den som har "
                           "takket nei, er i Band D uansett andre grunner», uten å gjenta det i hvert band.")
    samme_plass_som: Optional[str] = Field(
        None, pattern=RULE_ID, description="Id-en til et annet trinn: kandidatene her rangeres sammen med det "
                                           "trinnets, etter dets rekkefølge, f.eks. «den som har takket nei, "
                                           "plasseres i Band 4» som et trinn med egen betingelse og begrunnelse "
                                           "(og sjekkes_forst) på Band 4s plass.")
    taushetsbelagt: bool = Field(
        False, description="Sant når trinnet røper opplysninger under taushetsplikt (f.eks. «søkere med "
                           "psykiske lidelser»): et annet kontor ser aldri at kandidaten som står først, er i "
                           "trinnet, bare at hen er i et høyere trinn.")


class TierDemotion(BaseModel):
    """A rule that moves a candidate down from the tier they are in (trinn ned; «reduced preference» in UK
    schemes: rent arrears put an applicant one band lower). Without it, every band needs a twin one place
    lower with the same condition and the arrears added."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=RULE_ID)
    navn: str = Field(description="F.eks. «Redusert fortrinn for husleiegjeld».")
    betingelse: Condition = Field(description="Når kandidaten flyttes ned.")
    trinn: int = Field(1, ge=1, le=20, description="Hvor mange trinn ned (standard 1); aldri lenger enn til det "
                                                  "siste trinnet.")
    begrunnelse: str = Field(description="Hvorfor, slik rangeringen sier det; {felt} fylles inn.")
    hjemmel: str


def _tiers_open_last(tiers: list, key: str = "trinn") -> None:
    """Only the last tier tried may lack a condition: the last of those not marked `sjekkes_forst` (they are
    tried first wherever they stand, so Band D for refusals may stand after the open Band C). A tier that
    shares another's place (`samme_plass_som`) names one that stands on its own, and orders as it does."""
    by_id = {tier.id: tier for tier in tiers}
    for i, tier in enumerate(tiers):
        target = tier.samme_plass_som
        if target is None:
            continue
        if target == tier.id or target not in by_id:
            known = ", ".join(t.id for t in tiers if t.id != tier.id)
            raise LocatedError(f"trinnet '{tier.id}': 'samme_plass_som' må være et annet trinn i listen ({known}), "
                               f"ikke '{target}'", (key, i, "samme_plass_som"))
        if by_id[target].samme_plass_som is not None:
            raise LocatedError(f"trinnet '{tier.id}': '{target}' har selv 'samme_plass_som'; vis til trinnet "
                               f"'{by_id[target].samme_plass_som}' direkte", (key, i, "samme_plass_som"))
        if tier.ved_likt_poeng is not None:
            raise LocatedError(f"trinnet '{tier.id}' har 'samme_plass_som' og kan ikke ha egen 'ved_likt_poeng': "
                               f"det rangeres etter rekkefølgen i '{target}'", (key, i, "ved_likt_poeng"))
        if tier.betingelse is None:
            raise LocatedError(f"trinnet '{tier.id}' har 'samme_plass_som' og må ha en 'betingelse'", (key, i))
    for i, tier in enumerate(tiers):
        if tier.sjekkes_forst and tier.betingelse is None:
            raise LocatedError(f"trinnet '{tier.id}' har 'sjekkes_forst' men ingen 'betingelse'; et trinn uten "
                               "betingelse tar alle som ikke er i et annet, og prøves alltid sist", (key, i))
    _open_last_only([t for t in tiers if not t.sjekkes_forst],
                    lambda t: f"bare det siste trinnet kan mangle 'betingelse' (trinnet '{t.id}' har ingen); "
                              f"trinn med 'sjekkes_forst' kan stå etter det")


def _open_last_only(items: list, message) -> None:
    """Tiers and a decision point's options are tried in order; only the last may hold for everyone."""
    for item in items[:-1]:
        if item.betingelse is None:
            raise ValueError(message(item))


class DecisionOption(BaseModel):
    """One possible content of a point of the decision, e.g. «midlertidig bolig i inntil 3 år»."""

    model_config = ConfigDict(extra="forbid")

    verdi: str = Field(pattern=RULE_ID, description="Kort kode for innholdet, som et scenario kan forvente, "
                                                    "f.eks. midlertidig_3_ar.")
    betingelse: Optional[Condition] = Field(
        None, description="Når innholdet gjelder; det første som passer, gjelder. Kan utelates for det siste "
                          "(ellers).")
    tekst: str = Field(description="Det vedtaket sier, til innstillingen og vedtaksbrevet; {felt} fylles inn.")
    hjemmel: str


class DecisionPoint(InForce):
    """A point of the decision's content (vedtakets innhold: lease length, rent, deposit, a provisional
    offer), declared by the bundle, not by the routine: what a candidate who can be allocated the home
    would be offered, and why. It decides nothing about the order; it is what the decision says.
    Outside its period (gjelder_fra, gjelder_til) the point says nothing."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=RULE_ID)
    navn: str = Field(description="Hva punktet gjelder, f.eks. «Leietid».")
    innhold: list[DecisionOption] = Field(min_length=1, description="Mulig innhold i rekkefølge: det første "
                                                                     "som passer kandidaten, gjelder.")

    @model_validator(mode="after")
    def _open_option_last(self):
        _open_last_only(self.innhold, lambda o: f"bare det siste innholdet kan mangle 'betingelse' ('{o.verdi}' "
                                                f"har ingen)")
        seen = set()
        for option in self.innhold:
            if option.verdi in seen:
                raise ValueError(f"verdien '{option.verdi}' står to ganger")
            seen.add(option.verdi)
        return self


class PlanFallback(BaseModel):
    """When a local plan gives way (faller bort): a condition over the case's other nominees.

    A local lettings plan that favours, say, applicants with a local connection must not leave a
    home empty when none of the nominees has one; the plan then falls back to the bundle's own
    rules. The condition is a candidate rule like any other; what is counted is how many of the
    case's nominees meet it."""

    model_config = ConfigDict(extra="forbid")

    ingen_kandidat: Optional[Condition] = Field(
        None, description="Planen faller bort når ingen av kandidatene i saken oppfyller betingelsen.")
    noen_kandidat: Optional[Condition] = Field(
        None, description="Planen faller bort når minst én av kandidatene i saken oppfyller betingelsen.")
    begrunnelse: str = Field(min_length=1, description="Hvorfor planen da ikke gjelder, slik saksbehandleren "
                                                       "skal lese det (f.eks. «ingen av kandidatene har lokal "
                                                       "tilknytning»); {felt} kan vise felt for boligen.")
    blant: Literal["alle", "kan_tildeles"] = Field(
        "alle", description="alle (standard): alle de nominerte i saken telles; kan_tildeles: bare de som oppfyller "
                            "vilkårene og ikke blokkeres under planen («if no eligible applicant ...»).")

    @model_validator(mode="after")
    def _exactly_one(self):
        given = [k for k in ("ingen_kandidat", "noen_kandidat") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("'faller_bort' må ha nøyaktig én av 'ingen_kandidat' og 'noen_kandidat'")
        return self

    @property
    def condition(self):
        return self.ingen_kandidat if self.ingen_kandidat is not None else self.noen_kandidat


class PlanGroup(BaseModel):
    """A group a local plan puts ahead of everyone else (gruppe foran), ranked within it by the tiers that hold
    otherwise: «applicants with a local connection to the parish first; within each group by band and date».
    `forrang` orders within each band; this orders before the bands, without writing every band twice."""

    model_config = ConfigDict(extra="forbid")

    navn: str = Field(description="Gruppens navn, slik det står bak trinnets: «Band A, lokal tilknytning».")
    betingelse: Condition = Field(description="Hvem som hører til gruppen.")
    begrunnelse: str = Field(description="Hvorfor kandidaten er i gruppen; står etter trinnets begrunnelse.")


def _one_or_many(value) -> str | None:
    return "flere" if isinstance(value, list) else "en" if isinstance(value, (dict, PlanGroup)) else None


# One group written as a mapping, or several as a list; told apart by shape, so a mistake in one is reported
# as that one's, not as «is not a mapping» from the other (a Cornwall tester read that for a list).
PlanGroups = Annotated[
    Union[Annotated[PlanGroup, Tag("en")], Annotated[list[PlanGroup], Field(min_length=1), Tag("flere")]],
    Discriminator(_one_or_many, custom_error_type="group_shape",
                  custom_error_message="'gruppe_foran' må være én gruppe (navn, betingelse, begrunnelse) eller "
                                       "en liste med slike grupper"),
]


class LocalPlan(BaseModel):
    """A local plan (lokal plan; a local lettings plan in UK schemes): rules, values and a tie-break
    order that apply only to the homes of some units or developments.

    Written once, with the unit's own values as data, instead of into every rule of the bundle by
    hand. At most one plan applies to a vacancy: the first, in the file's order, whose `gjelder`
    holds for the home and which does not fall back (`faller_bort`); and besides it every plan marked
    `kombineres` that holds and does not fall back, which only adds criteria, checks and precedence."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=RULE_ID)
    navn: str = Field(description="Planens navn slik saksbehandlerne kjenner den, f.eks. «Lokal utleieplan for Nyby».")
    gjelder: Condition = Field(description="Hvilke ledige boliger planen gjelder for: en betingelse på "
                                           "ledig_bolig.*, bolig.* og botiltak.* (aldri på kandidaten).")
    verdier: dict[str, Union[StrictInt, float]] = Field(
        default_factory=dict, description="Planens egne verdier for parametre i felter.yaml (parameter.<navn>), "
                                          "som gjelder i stedet for regelverkets så lenge planen gjelder.")
    kriterier: list[Criterion] = Field(default_factory=list, description="Kriterier (som i prioritering.yaml) "
                                                                         "som bare teller når planen gjelder.")
    kontroller: list[SuitabilityCheck] = Field(default_factory=list, description="Egnethetskontroller (som i "
                                                                                 "egnethet.yaml) som bare blokkerer "
                                                                                 "når planen gjelder.")
    ved_likt_poeng: Optional[list[TieBreak]] = Field(
        None, description="Planens egen rekkefølge ved likt poeng, i stedet for regelverkets (uten: regelverkets).")
    forrang: list[TieBreak] = Field(
        default_factory=list, description="Felt som avgjør ved likt poeng foran rekkefølgen som ellers gjelder, også "
                                          "trinnenes egen: «innenfor hvert band går husstander i arbeid foran», uten "
                                          "å skrive bandene på nytt i planen.")
    trinn: Optional[list[Tier]] = Field(
        None, description="Planens egne trinn (band), i stedet for regelverkets (uten: regelverkets), f.eks. søkere "
                          "som oppfyller planen foran hvert band.")
    gruppe_foran: Optional[PlanGroups] = Field(
        None, description="En gruppe som står foran alle andre mens planen gjelder, og innenfor seg etter trinnene "
                          "som ellers gjelder: «søkere med lokal tilknytning først, hver gruppe etter band og dato». "
                          "En liste med grupper står foran hverandre i den rekkefølgen: «sognet først, så "
                          "nabosognene, så resten»; en kandidat i flere står i den første.")
    faller_bort: Optional[PlanFallback] = Field(
        None, description="Når planen ikke gjelder likevel, ut fra kandidatene i saken (f.eks. ingen har lokal "
                          "tilknytning): da rangeres saken etter regelverkets egne regler.")
    klage: Optional[AppealTerms] = Field(
        None, description="Planens egen klagefrist og egne ord om klage, i stedet for regelverkets, så lenge planen "
                          "gjelder (f.eks. vedtak om bolig med heldøgns tjenester, som Statsforvalteren avgjør).")
    vilkar: list[EligibilityCondition] = Field(
        default_factory=list, description="Vilkår (som i egnethet.yaml) som bare gjelder når planen gjelder: "
                                          "«for omsorgsbolig må behovet være vurdert av tildelingskontoret».")
    vilkar_gjelder_ikke: list[str] = Field(
        default_factory=list, description="Id-ene til regelverkets vilkår som ikke gjelder så lenge planen gjelder "
                                          "(«botid- og inntektskravet gjelder ikke for omsorgsboliger»).")
    kombineres: bool = Field(
        False, description="Sann: planen gjelder i tillegg til den planen som ellers gjelder for boligen (f.eks. "
                           "en plan for tilpassede boliger på et område med egen utleieplan). Den kan bare legge "
                           "til kriterier, kontroller, vilkår og forrang, ikke erstatte verdier, rekkefølge, trinn eller klage.")
    hjemmel: str

    @model_validator(mode="after")
    def _open_tier_last(self):
        _tiers_open_last(self.trinn or [])
        return self

    def groups_ahead(self) -> list[tuple[tuple, "PlanGroup"]]:
        """The groups ahead, first first, each with its place under `gruppe_foran` in the file (() for one
        written as a mapping, (i,) in a list)."""
        if self.gruppe_foran is None:
            return []
        if isinstance(self.gruppe_foran, PlanGroup):
            return [((), self.gruppe_foran)]
        return [((i,), group) for i, group in enumerate(self.gruppe_foran)]

    @model_validator(mode="after")
    def _combined_only_adds(self):
        if self.kombineres:
            replacing = [key for key, given in (("verdier", bool(self.verdier)),
                                                ("ved_likt_poeng", self.ved_likt_poeng is not None),
                                                ("trinn", self.trinn is not None),
                                                ("gruppe_foran", self.gruppe_foran is not None),
                                                ("vilkar_gjelder_ikke", bool(self.vilkar_gjelder_ikke)),
                                                ("klage", self.klage is not None)) if given]
            if replacing:
                raise ValueError(f"en plan som kombineres, kan bare legge til kriterier, kontroller og forrang; "
                                 f"{', '.join(replacing)} erstatter regelverkets og kan ikke stå i den (to planer "
                                 "kan ikke begge bestemme dem)")
        return self


class OutOfScope(BaseModel):
    """A kind of home the bundle does not allocate (virkeområde): «retningslinjene gjelder ikke midlertidig
    botilbud etter sosialtjenesteloven § 27». When its condition holds for the home, nobody is ranked
    under these rules: the ranking says the rules do not apply, and why, instead of blocking every
    nominee as if each were unsuitable. The condition reads the home alone (ledig_bolig, bolig, botiltak)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=RULE_ID)
    navn: str = Field(description="Hva regelverket ikke gjelder, f.eks. «Midlertidig botilbud».")
    betingelse: Condition = Field(description="Når regelverket ikke gjelder boligen; bare felt for boligen.")
    begrunnelse: str = Field(description="Hva rangeringen sier i stedet, f.eks. hvem som tildeler slike boliger; "
                                         "{felt} for boligen fylles inn.")
    hjemmel: str


class RankingFile(VersionedFile):
    likhetsmargin: Union[StrictInt, float] = Field(
        0, ge=0, description="Kandidater innenfor så mange poeng av hverandre er likeverdige (uten: 0, bare likt "
                             "poeng; en ordning uten poeng trenger den ikke).")
    ved_likt_poeng: list[TieBreak] = Field(
        default_factory=list, description="Rekkefølge ved likt poeng; kandidat-ID avgjør til slutt.")
    likeverdige: bool = Field(
        True, description="Usann: rekkefølgen er streng, ingen kandidater er likeverdige, og ved likt poeng avgjør "
                          "ved_likt_poeng hvem som legges fram (f.eks. tiden på listen).")
    tekster: FixedTexts = Field(default_factory=FixedTexts,
                                description="Regelverkets egne ord for faste tekster i rangeringen (valgfritt).")
    trinn: list[Tier] = Field(default_factory=list, description="Trinn (band) i rekkefølge: et høyere trinn går "
                                                                "foran et lavere uansett poeng.")
    trinn_ned: list[TierDemotion] = Field(
        default_factory=list, description="Regler som flytter en kandidat ned fra trinnet hen er i (redusert "
                                          "fortrinn): «husleiegjeld gir ett band lavere», for alle band.")
    lokale_planer: list[LocalPlan] = Field(
        default_factory=list, description="Lokale planer (local lettings plans): egne kriterier, kontroller, verdier "
                                          "og rekkefølge ved likt poeng for boligene i enkelte botiltak.")
    klage: Optional[AppealTerms] = Field(
        None, description="Klagefristen og regelverkets egne ord om klage (valgfritt; uten: tre uker etter "
                          "forvaltningsloven § 29).")
    vedtak: list[DecisionPoint] = Field(
        default_factory=list, description="Vedtakets innhold (leietid, husleie, depositum, foreløpig tilbud ...) for "
                                          "en kandidat som kan tildeles boligen, etter betingelser.")
    gjelder_ikke: list[OutOfScope] = Field(
        default_factory=list, description="Boliger regelverket ikke gjelder for (virkeområdet): da rangeres ingen, og "
                                          "rangeringen sier hvorfor.")

    @model_validator(mode="after")
    def _open_tier_last(self):
        _tiers_open_last(self.trinn)
        return self


def default_rules_dir() -> Path:
    """`$BOLIGTILDELING_RULES` if set; else the checkout's `rules/`, where policy staff edit and must see their
    edits; else, in a plain install, the copy the wheel ships in `boligtildeling_data` (pyproject.toml)."""
    configured = os.environ.get("BOLIGTILDELING_RULES")
    if configured:
        return Path(configured)
    root = Path(__file__).resolve().parents[2]  # the checkout, or site-packages
    if (root / "pyproject.toml").is_file():
        return root / "rules"
    return root / "boligtildeling_data" / "rules"


FILES: dict[str, type[BaseModel]] = {
    "regelverk.yaml": BundleHeader,
    "felter.yaml": VocabularyFile,
    "prioritering.yaml": PriorityFile,
    "egnethet.yaml": SuitabilityFile,
    "sammensetning.yaml": CompositionFile,
    "rangering.yaml": RankingFile,
}


@dataclass
class Rulebook:
    """A complete, validated rules bundle. Immutable by convention once loaded."""

    folder: Path
    header: BundleHeader
    vocabulary: Vocabulary
    criteria: list[Criterion]
    checks: list[SuitabilityCheck]
    composition: list[CompositionRule]
    ranking: RankingFile
    content_hash: str
    sources: dict[str, SourceDocument] = field(default_factory=dict, repr=False)
    groups: list[CriteriaGroup] = field(default_factory=list)
    conditions: list[EligibilityCondition] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def version(self) -> str:
        return self.header.versjon

    @property
    def plans(self) -> list[LocalPlan]:
        """The local plans (lokale_planer in rangering.yaml), in the order they are considered."""
        return self.ranking.lokale_planer

    @property
    def effective_from(self) -> dt.date:
        return self.header.gjelder_fra

    @property
    def confidential_rules(self) -> frozenset[str]:
        """Ids of the criteria, composition rules and tiers marked `taushetsbelagt` (under the duty of
        confidentiality), the bundle's and its plans', and of the groups holding such a criterion (what a
        group cut reveals about its members)."""
        rules = [*self.criteria, *self.composition, *self.ranking.trinn]
        for plan in self.plans:
            rules += [*plan.kriterier, *(plan.trinn or [])]
        own = {r.id for r in rules if getattr(r, "taushetsbelagt", False)}
        return frozenset(own | {g.id for g in self.groups if own & set(g.kriterier)})

    def stamp(self) -> dict:
        return {"label": self.version, "effective_from": self.effective_from.isoformat(),
                "content_hash": self.content_hash}


def content_hash(files: dict[str, bytes]) -> str:
    """The hash that names a rules version: its files' exact bytes, in the fixed order of FILES.

    The one definition: loading a folder and checking an archived copy (service/store/rules_archive.py)
    must agree byte for byte, or a stored recommendation could not be reproduced.
    """
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()


def load_rules(folder: str | Path) -> Rulebook:
    """Read, validate and cross-check a rules folder; raise RulesError with every problem."""
    folder = Path(folder)
    if not folder.is_dir():
        raise RulesError(Problem(path="", message="mappen finnes ikke", file=str(folder)))
    problems: list[Problem] = []
    docs: dict[str, SourceDocument] = {}
    models: dict[str, BaseModel] = {}
    raw: dict[str, bytes] = {}
    for name, model in FILES.items():
        path = folder / name
        shown = shown_path(path)
        if not path.exists():
            problems.append(Problem(path="", message="filen mangler i regelverket", file=shown))
            continue
        raw[name] = path.read_bytes()
        try:
            doc = read_yaml_file(path, shown)
        except YamlSyntaxError as exc:
            problems.append(exc.problem)
            continue
        docs[name] = doc
        if not isinstance(doc.data, dict):
            problems.append(doc.problem((), "filen må inneholde et oppslag (nøkkel: verdi) på øverste nivå"))
            continue
        try:
            models[name] = model.model_validate(doc.data)
        except ValidationError as exc:
            problems += problems_from(exc, doc, rule_id_at=_rule_id_lookup(doc))
    unexpected = sorted(p.name for p in folder.glob("*.yaml") if p.name not in FILES)
    for name in unexpected:
        problems.append(Problem(path="", message=f"ukjent fil i regelverket (kjente filer: {', '.join(FILES)})",
                                file=shown_path(folder / name)))
    if problems:
        raise RulesError(problems)

    book = Rulebook(
        folder=folder,
        header=models["regelverk.yaml"],
        vocabulary=Vocabulary(models["felter.yaml"]),
        criteria=models["prioritering.yaml"].kriterier,
        checks=models["egnethet.yaml"].kontroller,
        composition=models["sammensetning.yaml"].regler,
        ranking=models["rangering.yaml"],
        content_hash=content_hash(raw),
        sources=docs,
        groups=models["prioritering.yaml"].grupper,
        conditions=models["egnethet.yaml"].vilkar,
        notes=models["egnethet.yaml"].merknader,
    )
    book.vocabulary.with_tiers({tier.id: tier.navn for tier in [*book.ranking.trinn,
                                                                 *(t for p in book.plans for t in p.trinn or [])]})
    problems = _cross_check(book, models, docs)
    if problems:
        raise RulesError(problems)
    return book


def _rule_id_lookup(doc: SourceDocument):
    """Find the id of the rule a location sits in, so errors can say `kriterium 'x'`."""
    def lookup(loc: tuple) -> str | None:
        if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(doc.data, dict):
            items = doc.data.get(loc[0])
            if isinstance(items, list) and loc[1] < len(items) and isinstance(items[loc[1]], dict):
                rid = items[loc[1]].get("id")
                return str(rid) if rid is not None else None
        return None
    return lookup


def _cross_check(book: Rulebook, models: dict, docs: dict[str, SourceDocument]) -> list[Problem]:
    """Checks that need more than one file: versions agree, fields exist, ids unique, texts fill in."""
    problems: list[Problem] = []
    header = book.header
    for name, model in models.items():
        if name == "regelverk.yaml":
            continue
        doc = docs[name]
        if model.versjon != header.versjon:
            problems.append(doc.problem(("versjon",), f"versjon '{model.versjon}' er ulik regelverkets "
                                                      f"'{header.versjon}' (regelverk.yaml)"))
        if model.gjelder_fra != header.gjelder_fra:
            problems.append(doc.problem(("gjelder_fra",), f"gjelder_fra {model.gjelder_fra} er ulik regelverkets "
                                                          f"{header.gjelder_fra} (regelverk.yaml)"))
    vocab = book.vocabulary
    problems += _check_vocabulary(vocab, docs["felter.yaml"])
    problems += _score_only_in_tiers(docs)

    seen_ids: dict[str, str] = {}
    groups = (
        ("egnethet.yaml", "vilkar", book.conditions, "vilkår"),
        ("prioritering.yaml", "kriterier", book.criteria, "kriterium"),
        ("egnethet.yaml", "kontroller", book.checks, "kontroll"),
        ("sammensetning.yaml", "regler", book.composition, "regel"),
        ("egnethet.yaml", "merknader", book.notes, "merknad"),
    )
    for file, key, rules, _kind in groups:
        doc = docs[file]
        for i, rule in enumerate(rules):
            base = (key, i)
            problems += claim_id(doc, base, rule.id, file, seen_ids)
            problems += check_rule(rule, key, base, doc, vocab)
    problems += _check_groups(book, docs["prioritering.yaml"], seen_ids)
    ranking_doc = docs["rangering.yaml"]
    for i, tier in enumerate(book.ranking.trinn):
        base = ("trinn", i)
        problems += claim_id(ranking_doc, base, tier.id, "rangering.yaml", seen_ids)
        problems += _check_condition_and_text(ranking_doc, vocab, base, tier.betingelse, "begrunnelse",
                                              tier.begrunnelse, tier.id)
        for j, tie in enumerate(tier.ved_likt_poeng or []):
            problems += _check_tie_break(tie, vocab, ranking_doc, base + ("ved_likt_poeng", j, "felt"), tier.id)
    has_tiers = bool(book.ranking.trinn) or any(plan.trinn for plan in book.plans)
    for i, demotion in enumerate(book.ranking.trinn_ned):
        base = ("trinn_ned", i)
        problems += claim_id(ranking_doc, base, demotion.id, "rangering.yaml", seen_ids)
        problems += _check_condition_and_text(ranking_doc, vocab, base, demotion.betingelse, "begrunnelse",
                                              demotion.begrunnelse, demotion.id)
        if not has_tiers:
            problems.append(ranking_doc.problem(base, "'trinn_ned' flytter kandidater ned fra trinnet de er i, men "
                                                      "regelverket har ingen trinn", demotion.id))
    for i, point in enumerate(book.ranking.vedtak):
        base = ("vedtak", i)
        problems += claim_id(ranking_doc, base, point.id, "rangering.yaml", seen_ids)
        for j, option in enumerate(point.innhold):
            problems += _check_condition_and_text(ranking_doc, vocab, base + ("innhold", j), option.betingelse,
                                                  "tekst", option.tekst, point.id)
    for i, tie in enumerate(book.ranking.ved_likt_poeng):
        problems += _check_tie_break(tie, vocab, ranking_doc, ("ved_likt_poeng", i, "felt"))
    for i, scope in enumerate(book.ranking.gjelder_ikke):
        base = ("gjelder_ikke", i)
        problems += claim_id(ranking_doc, base, scope.id, "rangering.yaml", seen_ids)
        problems += _check_out_of_scope(scope, vocab, ranking_doc, base)
    if book.plans:
        from engine.language.plans import check_plans  # plans reuse the checks above

        problems += check_plans(book, ranking_doc, seen_ids)
    return problems


SCORE_READERS = {"rangering.yaml": {("trinn", "betingelse"), ("trinn", "begrunnelse")},  # where resultat.poeng may stand
                 "egnethet.yaml": {("vilkar", "krav"), ("vilkar", "begrunnelse"),
                                   ("kontroller", "betingelse"), ("kontroller", "begrunnelse")}}
PLAN_SCORE_READERS = {("trinn", "betingelse"), ("trinn", "begrunnelse"),  # a local plan's own tiers and checks
                      ("kontroller", "betingelse"), ("kontroller", "begrunnelse")}
SCORE_MENTION = re.compile(r"(?<![\w.])" + re.escape(SCORE_FIELD) + r"(?![\w])")
OUTCOME_MENTION = re.compile(r"(?<![\w.])" + re.escape(OUTCOME_FIELD) + r"(?![\w])")
TIER_MENTION = re.compile(r"(?<![\w.])" + re.escape(TIER_FIELD) + r"(?![\w])")


def _score_only_in_tiers(docs: dict[str, SourceDocument]) -> list[Problem]:
    """`resultat.poeng` read anywhere but the bundle's tiers, vilkår and checks (SCORE_READERS) is refused,
    and `resultat.utfall` anywhere but the options of the decision's content (vedtak).

    Read from the files as written, not from the models, so that no place it could stand is
    missed (a formula, a tie-break, a local plan, a count's `hvor`, a text), now or when the
    language grows. A section or list named `resultat` would shadow it, so that is refused too.
    """
    problems = []

    def visit(name: str, doc: SourceDocument, node, loc: tuple) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if name == "felter.yaml" and key == "resultat" and len(loc) == 2 and loc[0] == "seksjoner":
                    problems.append(doc.problem(loc + (key,), "navnet 'resultat' er satt av til kandidatens "
                                                              f"samlede poeng ({SCORE_FIELD}); velg et annet navn"))
                visit(name, doc, value, loc + (key,))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                visit(name, doc, value, loc + (i,))
        elif isinstance(node, str) and TIER_MENTION.search(node):
            in_decision = (name == "rangering.yaml" and len(loc) >= 5 and loc[0] == "vedtak" and loc[2] == "innhold"
                           and loc[4] in ("betingelse", "tekst"))
            in_note = (name == "egnethet.yaml" and len(loc) >= 3 and loc[0] == "merknader"
                       and loc[2] in ("betingelse", "begrunnelse"))
            if not (in_decision or in_note):
                problems.append(doc.problem(loc, f"'{TIER_FIELD}' kan ikke brukes her: {TIER_ONLY_IN_RESULTS}",
                                            _rule_id_lookup(doc)(loc)))
        elif isinstance(node, str) and OUTCOME_MENTION.search(node):
            if not (name == "rangering.yaml" and len(loc) >= 5 and loc[0] == "vedtak" and loc[2] == "innhold"
                    and loc[4] in ("betingelse", "tekst")):
                problems.append(doc.problem(loc, f"'{OUTCOME_FIELD}' kan ikke brukes her: {OUTCOME_ONLY_IN_DECISIONS}",
                                            _rule_id_lookup(doc)(loc)))
        elif isinstance(node, str) and SCORE_MENTION.search(node):
            allowed = len(loc) >= 3 and (loc[0], loc[2]) in SCORE_READERS.get(name, ()) or (
                name == "rangering.yaml" and len(loc) >= 5 and loc[0] == "lokale_planer"
                and (loc[2], loc[4]) in PLAN_SCORE_READERS)
            if not allowed:
                problems.append(doc.problem(loc, f"'{SCORE_FIELD}' kan ikke brukes her: {SCORE_ONLY_IN_TIERS}",
                                            _rule_id_lookup(doc)(loc)))

    for name, doc in docs.items():
        visit(name, doc, doc.data, ())
    return problems


def check_rule(rule, key: str, base: tuple, doc: SourceDocument, vocab: Vocabulary) -> list[Problem]:
    """A criterion's, check's, condition's or composition rule's own problems: its condition over the
    candidate, its points per unit, the fields its text shows. Local plans' criteria and checks are
    checked by the same function, so a plan's rule is held to what the bundle's are."""
    problems: list[Problem] = []
    condition_key = "krav" if key == "vilkar" else "betingelse"
    condition = getattr(rule, condition_key)
    if condition is not None:
        for loc, msg in cond_lang.check(condition, vocab, base + (condition_key,), "kandidat"):
            problems.append(doc.problem(loc, msg, rule.id))
    extras = set(TEMPLATE_EXTRAS)
    if isinstance(getattr(rule, "poeng", None), PerUnitPoints):
        per = rule.poeng
        field_ = vocab.get(per.verdi)
        if field_ is None:
            problems.append(doc.problem(base + ("poeng", "verdi"),
                                        f"ukjent felt '{per.verdi}'{vocab.suggest(per.verdi)}", rule.id))
        elif not field_.is_number:
            problems.append(doc.problem(base + ("poeng", "verdi"),
                                        f"'{per.verdi}' er ikke et tall (type {field_.type})", rule.id))
    text_key = "forklaring" if key == "kriterier" else "begrunnelse"
    for slot in placeholders(getattr(rule, text_key)):
        message = text_field_problem(slot, vocab, extras)
        if message:
            problems.append(doc.problem(base + (text_key,), message, rule.id))
    return problems


def claim_id(doc: SourceDocument, loc: tuple, rule_id: str, where: str, seen_ids: dict[str, str],
             problem=SourceDocument.problem) -> list[Problem]:
    """Rule ids are unique across the bundle: the first place claims one (`where`, as the message names it),
    a second is refused at `loc` + id. `problem` makes the Problem (a plan's own wording: plans.plan_problem)."""
    found = [problem(doc, loc + ("id",), f"id-en er allerede brukt i {seen_ids[rule_id]}", rule_id)] \
        if rule_id in seen_ids else []
    seen_ids.setdefault(rule_id, where)
    return found


def _check_condition_and_text(doc: SourceDocument, vocab: Vocabulary, base: tuple, condition, text_key: str,
                              text: str, rule_id: str) -> list[Problem]:
    """A condition over one candidate (may be None) and a text whose {felt} must name known fields."""
    problems = []
    if condition is not None:
        problems += [doc.problem(loc, msg, rule_id)
                     for loc, msg in cond_lang.check(condition, vocab, base + ("betingelse",), "kandidat")]
    for slot in placeholders(text):
        message = text_field_problem(slot, vocab)
        if message:
            problems.append(doc.problem(base + (text_key,), message, rule_id))
    return problems


def text_field_problem(slot, vocab: Vocabulary, extras=frozenset()) -> str | None:
    """What is wrong with one {felt} of a rule's text (bokmål), or None. A text is filled in with one
    candidate's values (and the engine's `extras`, such as {poeng}), so a resident's field or a list's
    record has no value there; every kind of rule's text is held to this one check."""
    placeholder = slot.field
    known = vocab.get(placeholder)
    if slot.problem():
        return slot.problem()
    if placeholder not in extras and known is None:
        return f"teksten viser til ukjent felt '{{{placeholder}}}'{vocab.suggest(placeholder)}"
    if placeholder.startswith("beboer."):
        return f"teksten kan ikke vise beboer-felt ('{{{placeholder}}}')"
    if known is not None and (vocab.scope_of(placeholder) != "kandidat" or known.type == "liste"):
        return (f"teksten kan ikke vise en liste eller et felt i en liste ('{{{placeholder}}}'); vis en beregnet "
                "verdi over listen")
    if slot.forms and known is not None and not known.is_number:
        return (f"'{{{slot.text}}}': entall og flertall passer bare etter et tall, og '{placeholder}' er ikke et "
                f"tall (type {known.type})")
    return None


def _check_out_of_scope(scope: OutOfScope, vocab: Vocabulary, doc: SourceDocument, base: tuple) -> list[Problem]:
    """`gjelder_ikke`: its condition and its text read the home alone, the same for every nominee."""
    from engine.language.plans import check_home_condition, home_only

    problems = check_home_condition(scope.betingelse, vocab, doc, base + ("betingelse",), scope.id, (
        "'gjelder_ikke' kan bare lese felt for boligen (ledig_bolig.*, bolig.*, botiltak.*), ikke '{path}': om "
        "regelverket gjelder boligen, kan ikke avhenge av hvem som er nominert; en regel for kandidatene er en "
        "kontroll eller et vilkår i egnethet.yaml"))
    problems += _check_condition_and_text(doc, vocab, base, None, "begrunnelse", scope.begrunnelse, scope.id)
    for slot in placeholders(scope.begrunnelse):
        if vocab.get(slot.field) is not None and not home_only(slot.field):
            problems.append(doc.problem(base + ("begrunnelse",), f"teksten kan bare vise felt for boligen, ikke "
                                                                 f"'{{{slot.field}}}'", scope.id))
    return problems


def _check_tie_break(tie: TieBreak, vocab: Vocabulary, doc: SourceDocument, loc: tuple,
                     rule_id: str | None = None) -> list[Problem]:
    f = vocab.get(tie.felt)
    if f is not None and (vocab.scope_of(tie.felt) not in ("kandidat", "beboer") or f.type == "liste"):
        return [doc.problem(loc, f"'{tie.felt}' er en liste eller et felt i en liste og har ingen verdi for "
                                 "kandidaten; skill kandidatene med en beregnet verdi over listen", rule_id)]
    if f is None:
        return [doc.problem(loc, f"ukjent felt '{tie.felt}'{vocab.suggest(tie.felt)}", rule_id)]
    if tie.felt.startswith("beboer.") or f.type in ("objekt", "flervalg"):
        return [doc.problem(loc, f"'{tie.felt}' kan ikke brukes til å skille kandidater", rule_id)]
    return []


def _check_groups(book: Rulebook, doc: SourceDocument, seen_ids: dict[str, str]) -> list[Problem]:
    """Groups name existing criteria, each criterion in one group at most; `forutsetter` names another
    criterion, and no chain of them comes back to where it began."""
    problems = []
    criteria = {c.id: c for c in book.criteria}
    grouped: dict[str, str] = {}
    for i, group in enumerate(book.groups):
        base = ("grupper", i)
        problems += claim_id(doc, base, group.id, "prioritering.yaml", seen_ids)
        for j, member in enumerate(group.kriterier):
            if member not in criteria:
                close = difflib.get_close_matches(member, list(criteria), n=1)
                hint = f" (mente du '{close[0]}'?)" if close else ""
                problems.append(doc.problem(base + ("kriterier", j), f"ukjent kriterium '{member}'{hint}", group.id))
            elif member in grouped:
                problems.append(doc.problem(base + ("kriterier", j), f"'{member}' står allerede i gruppen "
                                                                     f"'{grouped[member]}'", group.id))
            else:
                grouped[member] = group.id
        if group.betingelse is not None:  # who the group gives points to, decided before the points
            for loc, msg in cond_lang.check(group.betingelse, book.vocabulary, base + ("betingelse",), "kandidat"):
                problems.append(doc.problem(loc, msg, group.id))
            if SCORE_FIELD in cond_lang.fields_read(group.betingelse):
                problems.append(doc.problem(base + ("betingelse",), f"en gruppes betingelse kan ikke lese "
                                                                    f"{SCORE_FIELD}: den avgjør poengene", group.id))
    for i, criterion in enumerate(book.criteria):
        needed = criterion.forutsetter
        if needed is None:
            continue
        where = ("kriterier", i, "forutsetter")
        if needed == criterion.id:
            problems.append(doc.problem(where, "et kriterium kan ikke forutsette seg selv", criterion.id))
        elif needed not in criteria:
            close = difflib.get_close_matches(needed, list(criteria), n=1)
            hint = f" (mente du '{close[0]}'?)" if close else ""
            problems.append(doc.problem(where, f"ukjent kriterium '{needed}'{hint}", criterion.id))
        else:
            trail, at = [criterion.id], needed
            while at is not None and at not in trail:
                trail.append(at)
                at = criteria[at].forutsetter if at in criteria else None
            if at == criterion.id:
                problems.append(doc.problem(where, "kriteriene forutsetter hverandre i ring: "
                                                   + " → ".join(trail + [at]), criterion.id))
    return problems


FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _check_vocabulary(vocab: Vocabulary, doc: SourceDocument) -> list[Problem]:
    problems = []
    model = vocab.model
    for path in vocab.fields:
        name = path.rsplit(".", 1)[1]
        if not FIELD_NAME.match(name):
            problems.append(doc.problem(_vocabulary_loc(path, vocab), f"feltnavnet '{name}' kan bare ha små bokstaver a-z, "
                                                               "tall og _ (og må begynne med en bokstav)"))
    for section, fields in model.seksjoner.items():
        for name, spec in fields.items():
            loc = ("seksjoner", section, name)
            if isinstance(spec.verdier, str) and spec.verdier not in model.verdilister:
                problems.append(doc.problem(loc + ("verdier",), f"ukjent verdiliste '{spec.verdier}'"))
            if spec.fra_kandidat is not None:
                if section != "beboer":
                    problems.append(doc.problem(loc + ("fra_kandidat",), "'fra_kandidat' passer bare for beboer-felt"))
                else:
                    source = vocab.get(spec.fra_kandidat)
                    if source is None or spec.fra_kandidat.split(".")[0] not in ("kandidat", "sjekkliste"):
                        problems.append(doc.problem(loc + ("fra_kandidat",),
                                                    f"'{spec.fra_kandidat}' er ikke et kandidat- eller sjekklistefelt"))
                    elif source.type != spec.type or (source.values or None) != (vocab.values_of(spec) or None):
                        problems.append(doc.problem(loc + ("fra_kandidat",),
                                                    f"'{spec.fra_kandidat}' har en annen type eller andre verdier enn beboerfeltet"))
    problems += _check_lists(vocab, doc)
    for section in ("kandidat", "beboer"):
        if section == "beboer" and not model.seksjoner.get(section):
            continue  # a bundle with no rules about residents need not describe them
        id_spec = model.seksjoner.get(section, {}).get("id")
        if id_spec is None or id_spec.type != "tekst" or not id_spec.obligatorisk:
            problems.append(doc.problem(("seksjoner", section),
                                        f"seksjonen '{section}' må ha feltet 'id' (type tekst, obligatorisk: true)"))
    reserved = {"ledig_bolig": ("bolig", "botiltak"), "kandidat": ("sjekkliste",)}
    for section, names in reserved.items():
        for name in names:
            if name in model.seksjoner.get(section, {}):
                problems.append(doc.problem(("seksjoner", section, name), f"'{name}' er et reservert navn i '{section}'"))
    for name, derived in model.beregnet.items():
        loc = ("beregnet", name)
        kind = derived.kind
        if derived.date_field is not None:
            _check_date_source(derived.date_field, loc + (kind,), vocab, doc, problems)
        elif kind in BETWEEN:
            span = getattr(derived, kind)
            for end in ("fra", "til"):
                _check_date_source(getattr(span, end), loc + (kind, end), vocab, doc, problems)
        elif kind == "forskjovet_dato":
            source = derived.forskjovet_dato.dato
            other = model.beregnet.get(source.removeprefix(f"{DERIVED}.")) if source.startswith(f"{DERIVED}.") else None
            if other is not None and other.kind == "forskjovet_dato":
                problems.append(doc.problem(loc + (kind, "dato"), f"'{source}' flytter selv en dato; flytt den "
                                                                  "opprinnelige datoen hele veien her i stedet"))
            else:
                _check_date_source(source, loc + (kind, "dato"), vocab, doc, problems)
            when = derived.forskjovet_dato.hvis
            if when is not None:
                f = vocab.get(when)
                if f is None or f.type != "boolsk" or not when.startswith(("kandidat.", "sjekkliste.")):
                    problems.append(doc.problem(loc + (kind, "hvis"), (
                        f"'hvis' må være et ja/nei-felt i saken (kandidat.* eller sjekkliste.*), ikke '{when}'"
                        + (vocab.suggest(when) if f is None else "")
                        + ("; en beregnet betingelse finnes først etter at datoene er regnet ut"
                           if when.startswith(f"{DERIVED}.") else ""))))
        elif kind in DATE_CHOICES:
            for i, source in enumerate(getattr(derived, kind)):
                other = model.beregnet.get(source.removeprefix(f"{DERIVED}.")) if source.startswith(f"{DERIVED}.") else None
                if other is not None and other.kind in DATE_CHOICES:
                    problems.append(doc.problem(loc + (kind, i), f"'{source}' velger selv en dato ('{other.kind}'); "
                                                                 "skriv datoene den velger mellom her i stedet"))
                elif (other is not None and other.forskjovet_dato is not None
                      and other.forskjovet_dato.dato.removeprefix(f"{DERIVED}.") in model.beregnet
                      and model.beregnet[other.forskjovet_dato.dato.removeprefix(f"{DERIVED}.")].kind in DATE_CHOICES):
                    problems.append(doc.problem(loc + (kind, i), f"'{source}' flytter en dato som selv er valgt blant "
                                                                 "flere; velg blant de flyttede datoene i stedet"))
                else:
                    _check_date_source(source, loc + (kind, i), vocab, doc, problems)
        elif kind == "antall":
            count = derived.antall
            scope = "beboer"
            if count.over_list is not None:
                scope = _known_list(count.blant, vocab, doc, loc + ("antall", "blant"), problems)
            if scope is not None and count.hvor is not None:
                for at, msg in cond_lang.check(count.hvor, vocab, loc + ("antall", "hvor"), scope):
                    problems.append(doc.problem(at, msg))
        elif kind in ("nyeste", "eldste", "sum"):
            over = getattr(derived, kind)
            scope = _known_list(over.blant, vocab, doc, loc + (kind, "blant"), problems)
            if scope is not None:
                f = vocab.get(over.felt)
                types, what = (("dato",), "et datofelt") if kind != "sum" else (("heltall", "tall"), "et tallfelt")
                if f is None or vocab.scope_of(over.felt) != scope or f.type not in types:
                    fitting = [p for t in types for p in _list_fields(vocab, scope, t)]
                    problems.append(doc.problem(loc + (kind, "felt"), (
                        f"'{over.felt}' er ikke {what} i listen '{over.blant}'"
                        f"{vocab.suggest(over.felt) if f is None else ''}; "
                        f"{what.split()[1]}ene i listen: {', '.join(fitting) or 'ingen'}")))
                if over.hvor is not None:
                    for at, msg in cond_lang.check(over.hvor, vocab, loc + (kind, "hvor"), scope):
                        problems.append(doc.problem(at, msg))
            number = getattr(over, "nummer", None)
            if number is not None and not isinstance(number, int):
                problems += _number_parameter_problems(number.felt, over.window is not None, model,
                                                       loc + (kind, "nummer", "felt"), doc)
        elif kind in ("sammenhengende", "samlet_tid"):
            run = getattr(derived, kind)
            scope = _known_list(run.blant, vocab, doc, loc + (kind, "blant"), problems)
            if scope is not None:
                for end in ("fra", "til"):
                    path = getattr(run, end)
                    f = vocab.get(path)
                    if f is None or vocab.scope_of(path) != scope or f.type != "dato":
                        problems.append(doc.problem(loc + (kind, end), (
                            f"'{path}' er ikke et datofelt i listen '{run.blant}'"
                            f"{vocab.suggest(path) if f is None else ''}; datofeltene i listen: "
                            f"{', '.join(_list_fields(vocab, scope, 'dato')) or 'ingen'}")))
                if run.fra == run.til:
                    problems.append(doc.problem(loc + (kind, "til"), (
                        f"'fra' og 'til' er begge '{run.fra}'; en periode trenger et felt for første og ett "
                        "for siste dag")))
                if run.hvor is not None:
                    for at, msg in cond_lang.check(run.hvor, vocab, loc + (kind, "hvor"), scope):
                        problems.append(doc.problem(at, msg))
        elif kind == "soverom":
            bedrooms = derived.soverom
            scope = _known_list(bedrooms.blant, vocab, doc, loc + ("soverom", "blant"), problems)
            if scope is not None and bedrooms.hvor is not None:
                for at, msg in cond_lang.check(bedrooms.hvor, vocab, loc + ("soverom", "hvor"), scope):
                    problems.append(doc.problem(at, msg))
            if scope is not None:
                for i, rule in enumerate(bedrooms.deler):
                    at_rule = loc + ("soverom", "deler", i)
                    if rule.begge is not None:
                        for at, msg in cond_lang.check(rule.begge, vocab, at_rule + ("begge",), scope):
                            problems.append(doc.problem(at, msg))
                    for j, path in enumerate(rule.samme):
                        f = vocab.get(path)
                        if f is None or vocab.scope_of(path) != scope:
                            problems.append(doc.problem(at_rule + ("samme", j), (
                                f"'{path}' er ikke et felt i listen '{bedrooms.blant}'"
                                f"{vocab.suggest(path) if f is None else ''}; delingsreglene kan bare lese "
                                f"feltene i listen: {', '.join(_list_fields(vocab, scope))}")))
                    if rule.forskjell is not None:
                        path = rule.forskjell.felt
                        f = vocab.get(path)
                        if f is None or vocab.scope_of(path) != scope or not (f.is_number or f.type == "dato"):
                            fitting = [p for t in ("dato", "heltall", "tall") for p in _list_fields(vocab, scope, t)]
                            problems.append(doc.problem(at_rule + ("forskjell", "felt"), (
                                f"'{path}' er ikke et tall- eller datofelt i listen '{bedrooms.blant}'"
                                f"{vocab.suggest(path) if f is None else ''}; forskjellen kan regnes for "
                                f"{', '.join(fitting) or 'ingen felt'}")))
        elif kind in CONDITION_VALUES:
            many = kind == "antall_av"
            for i, condition in enumerate(derived.conditions):
                at = loc + ((kind, i) if many else (kind,))
                for where, msg in cond_lang.check(condition, vocab, at, "kandidat"):
                    problems.append(doc.problem(where, msg))
        elif kind == "tabell" and derived.tabell.verdier is not None:
            problems += [doc.problem(loc + ("tabell", *where), msg)
                         for where, msg in _choice_table_problems(derived.tabell, vocab)]
        elif kind == "tabell":
            looked_up = vocab.get(derived.tabell.felt)
            hint = "; et valg slås opp med 'verdier'" if looked_up is not None and looked_up.type == "valg" else ""
            problems += [doc.problem(loc + ("tabell", "felt"), msg + hint)
                         for msg in _number_inputs([derived.tabell.felt], vocab)]
        else:
            problems += [doc.problem(loc + ("formel",), msg) for msg in _check_formula(derived, vocab)]
    problems += _check_cycles(model, doc)
    return problems


def _check_date_source(path: str, at: tuple, vocab: Vocabulary, doc: SourceDocument, problems: list) -> None:
    """A duration is counted from one of the candidate's own dates: not a resident's, not a record's."""
    f = vocab.get(path)
    if f is None or f.type != "dato":
        problems.append(doc.problem(at, f"'{path}' er ikke et datofelt{vocab.suggest(path) if f is None else ''}"))
    elif path.startswith("beboer."):
        problems.append(doc.problem(at, "beboer-felt kan bare telles, ikke regnes tid for"))
    elif vocab.scope_of(path) != "kandidat":
        problems.append(doc.problem(at, _record_elsewhere(path, vocab)))


def _record_elsewhere(path: str, vocab: Vocabulary) -> str:
    name = vocab.scope_of(path)
    return (f"'{path}' er et felt i listen '{vocab.list_path(name)}'; regn tid for det under listens egne 'beregnet', "
            "eller finn en dato blant postene med 'nyeste'")


def _list_fields(vocab: Vocabulary, scope: str, kind: str | None = None) -> list[str]:
    return [path for path, f in vocab.fields.items()
            if path.split(".", 1)[0] == scope and (kind is None or f.type == kind)]


def _number_parameter_problems(path: str, windowed: bool, model, at: tuple, doc) -> list:
    """`nummer: {felt: parameter.x}` must name a parameter whose every dated value is a whole number that
    `nummer` itself could be (1 to 20; 2 or more with a window)."""
    name = path.removeprefix("parameter.")
    spec = model.parametre.get(name)
    if spec is None:
        known = ", ".join(f"parameter.{n}" for n in model.parametre) or "ingen"
        return [doc.problem(at, f"'{path}' er ikke en parameter; parametrene: {known}")]
    least = 2 if windowed else 1
    bad = [f"{since}: {value}" for since, value in sorted(spec.verdier.items())
           if not isinstance(value, int) or isinstance(value, bool) or not least <= value <= 20]
    if bad:
        return [doc.problem(at, f"parameteren '{path}' må ha hele tall fra {least} til 20 som 'nummer', "
                                f"men har {', '.join(bad)}")]
    return []


def _known_list(blant: str, vocab: Vocabulary, doc: SourceDocument, at: tuple, problems: list) -> str | None:
    """The scope (list name) `blant` names, or None after reporting why it names none."""
    section, _, name = blant.partition(".")
    if name in vocab.lists and vocab.list_sections[name] == section:
        return name
    known = [vocab.list_path(n) for n in vocab.lists]
    close = difflib.get_close_matches(blant, known, n=1)
    hint = f" (mente du '{close[0]}'?)" if close else ""
    listed = ", ".join(known) if known else "ingen (legg til et felt med type: liste under kandidat eller boligen)"
    problems.append(doc.problem(at, f"ukjent liste '{blant}'{hint}; regelverkets lister: {listed}"
                                    + ("; 'antall' kan også telle 'beboere' eller 'beboere_etter_innflytting'"
                                       if at[-2] == "antall" else "")))
    return None


_DECIDED_SECTIONS = ("kandidat", "sjekkliste", "ledig_bolig", "bolig", "botiltak")


def _check_lists(vocab: Vocabulary, doc: SourceDocument) -> list[Problem]:
    """Lists belong to the candidate or the home, a record's durations read the record's own dates,
    and a list filled from earlier decisions (`fra_vedtak`) names values a decided case has."""
    problems = []
    seen: dict[str, str] = {}
    for section, fields in vocab.model.seksjoner.items():
        for name, spec in fields.items():
            if spec.type != "liste":
                continue
            if section not in LIST_SECTIONS:
                problems.append(doc.problem(("seksjoner", section, name, "type"),
                                            f"type liste passer bare under {', '.join(LIST_SECTIONS)} "
                                            "(kandidatens husstand og tidligere tilbud, boligens rom, "
                                            "tidligere tildelinger ...), ikke under {section}"))
            elif name in seen:
                problems.append(doc.problem(("seksjoner", section, name),
                                            f"listen '{name}' finnes også under {seen[name]}; to lister kan "
                                            "ikke ha samme navn (feltene heter <liste>.<felt>)"))
            else:
                seen[name] = section
    reserved = {*SECTIONS, DERIVED, PARAMETER, DECISION_DATE.split(".")[0]}
    for name, spec in vocab.lists.items():
        section = vocab.list_sections[name]
        loc = ("seksjoner", section, name)
        if name in reserved:
            problems.append(doc.problem(loc, f"en liste kan ikke hete '{name}' (navnet brukes om andre felt)"))
        for inner, derived in (spec.beregnet or {}).items():
            kind = derived.kind
            ends = [("", derived.date_field)] if derived.date_field is not None else [
                (end, getattr(getattr(derived, kind), end)) for end in ("fra", "til")]
            for end, path in ends:
                f = vocab.get(path)
                if f is None or f.type != "dato" or vocab.scope_of(path) != name:
                    problems.append(doc.problem(loc + ("beregnet", inner, kind) + ((end,) if end else ()), (
                        f"'{path}' er ikke et datofelt i listen{vocab.suggest(path) if f is None else ''}; "
                        f"datofeltene i listen: {', '.join(_list_fields(vocab, name, 'dato')) or 'ingen'}")))
        problems += _check_from_decisions(vocab, doc, name, spec, section, loc)
    return problems


def _check_from_decisions(vocab: Vocabulary, doc: SourceDocument, name: str, spec, section: str,
                          loc: tuple) -> list[Problem]:
    """`fra_vedtak`: every field of the list has it, the list is the vacancy's, and each names a value of
    the same type that a decided case holds (or vedtak.dato)."""
    fields = spec.felter or {}
    filled = [inner for inner, f in fields.items() if f.fra_vedtak]
    if not filled:
        return []
    problems = []
    if section != "ledig_bolig":
        problems.append(doc.problem(loc + ("felter", filled[0], "fra_vedtak"),
                                    "fra_vedtak passer bare i en liste under ledig_bolig (tidligere tildelinger "
                                    f"som tjenesten fyller ut), ikke under {section}"))
    missing = [inner for inner in fields if inner not in filled]
    if missing:
        problems.append(doc.problem(loc + ("felter", missing[0]),
                                    f"feltet '{missing[0]}' mangler fra_vedtak: i en liste tjenesten fyller fra "
                                    "tidligere vedtak må hvert felt si hvor verdien kommer fra"))
    for inner in filled:
        source = fields[inner].fra_vedtak
        at = loc + ("felter", inner, "fra_vedtak")
        if source == DECISION_DATE:
            if fields[inner].type != "dato":
                problems.append(doc.problem(at, f"vedtak.dato er en dato, men feltet '{inner}' har type {fields[inner].type}"))
            continue
        head = source.split(".", 1)[0]
        f = vocab.get(source)
        if head not in _DECIDED_SECTIONS or f is None or f.derived is not None or f.parameter is not None:
            problems.append(doc.problem(at, f"ukjent verdi '{source}'{vocab.suggest(source) if f is None else ''}; "
                                            "fra_vedtak kan være vedtak.dato eller et felt i saken (kandidat.*, "
                                            "sjekkliste.*, ledig_bolig.*, bolig.*, botiltak.*)"))
        elif f.type != fields[inner].type or (f.type == "valg" and f.values != vocab.values_of(fields[inner])):
            problems.append(doc.problem(at, f"'{source}' har type {f.type}"
                                            + (" med andre verdier" if f.type == fields[inner].type else "")
                                            + f", men feltet '{inner}' har type {fields[inner].type}"))
    return problems


def _number_inputs(paths: list[str], vocab: Vocabulary, booleans: bool = False) -> list[str]:
    """What is wrong with the fields a formula or table reads: each must be a declared number of a candidate
    (in a formula, `booleans`, also a ja/nei field, which counts 1 or 0)."""
    out = []
    for path in paths:
        f = vocab.get(path)
        if f is None:
            out.append(f"ukjent felt '{path}'{vocab.suggest(path)}")
        elif path.startswith("beboer."):
            out.append(f"'{path}' er et beboer-felt; beboere telles med 'antall', de regnes ikke med")
        elif vocab.scope_of(path) != "kandidat":
            out.append(f"'{path}' er et felt i listen '{vocab.list_path(vocab.scope_of(path))}'; regn med en beregnet "
                       "verdi over listen (antall, soverom)")
        elif f.type == "dato":
            out.append(f"'{path}' er en dato; regn den om med dager_siden, maneder_siden, ar_siden, alder "
                       "eller dager_til/maneder_til/ar_til først")
        elif not f.is_number and not (booleans and f.type == "boolsk"):  # «two or more of these needs»
            out.append(f"'{path}' er ikke et tall (type {f.type})")
    return out


def _choice_table_problems(table, vocab: Vocabulary) -> list[tuple[tuple, str]]:
    """A table over a choice field names a number for each of its choices and for nothing else: a choice left
    out would give «ikke oppgitt» for a case that answered it, and a misspelt one would never be looked up."""
    path = table.felt
    f = vocab.get(path)
    if f is None:
        return [(("felt",), f"ukjent felt '{path}'{vocab.suggest(path)}")]
    if vocab.scope_of(path) != "kandidat":
        return [(("felt",), f"'{path}' er et felt i listen '{vocab.list_path(vocab.scope_of(path))}'; en tabell "
                            "slår opp en verdi for kandidaten")]
    if f.type != "valg":
        hint = " (et tall slås opp med 'rader')" if f.is_number else ""
        return [(("felt",), f"'{path}' er ikke et valgfelt (type {f.type}); 'verdier' slår opp et valg{hint}")]
    choices = list(f.values or {})
    out = []
    for key in table.verdier:
        if key not in choices:
            close = difflib.get_close_matches(key, choices, n=1)
            hint = f" (mente du '{close[0]}'?)" if close else ""
            out.append((("verdier", key), f"'{key}' er ikke et valg i '{path}'{hint}; valgene er {', '.join(choices)}"))
    missing = [c for c in choices if c not in table.verdier]
    if missing:
        out.append((("verdier",), f"tabellen mangler en verdi for {', '.join(repr(c) for c in missing)} i '{path}'; "
                                  "skriv et tall for hvert valg (ellers gir et slikt svar ingen verdi)"))
    return out


def _check_formula(derived, vocab: Vocabulary) -> list[str]:
    """A formula's problems that can be known before any case: reading, inputs, zero divisors, units."""
    try:
        tree = formulas.parse(derived.formel)
    except formulas.FormulaError as exc:
        return [str(exc)]
    problems = _number_inputs(formulas.references(tree), vocab, booleans=True)
    if problems:
        return problems
    for divisor in formulas.divisors(tree):
        if isinstance(divisor, formulas.Number) and divisor.value == 0:
            problems.append("formelen deler på null")
        elif isinstance(divisor, formulas.Ref) and vocab.get(divisor.path).parameter is not None:
            zero = [d for d, v in sorted(vocab.get(divisor.path).parameter.verdier.items()) if v == 0]
            if zero:
                problems.append(f"formelen deler på '{divisor.path}', som er 0 fra {zero[0].isoformat()}")
    try:
        unit = formulas.unit_of(tree, lambda path: vocab.get(path).unit)
    except formulas.FormulaError as exc:
        return problems + [str(exc)]
    if derived.enhet and unit and derived.enhet != unit:
        problems.append(f"formelen gir {unit}, men 'enhet' sier {derived.enhet}")
    return problems


def _check_cycles(model: VocabularyFile, doc: SourceDocument) -> list[Problem]:
    reads = {}
    for name, derived in model.beregnet.items():
        if derived.tabell is not None:
            reads[f"{DERIVED}.{name}"] = [derived.tabell.felt]
        elif derived.kind in CONDITION_VALUES:
            reads[f"{DERIVED}.{name}"] = derived.reads()
        elif derived.formel is not None:
            try:
                reads[f"{DERIVED}.{name}"] = formulas.references(formulas.parse(derived.formel))
            except formulas.FormulaError:
                continue  # reported by _check_formula
    try:
        formulas.dependency_order(reads)
    except ValueError as exc:
        first = str(exc).split(" → ")[0].split(".", 1)[1]
        kind = model.beregnet[first].kind
        return [doc.problem(("beregnet", first, kind), f"de beregnede verdiene avhenger av hverandre i ring: {exc}")]
    return []


def _vocabulary_loc(path: str, vocab: Vocabulary | None = None) -> tuple:
    """`botiltak.bemanning.natt` -> its location in felter.yaml, for the line number.

    A record's field (`husstand.fodt`) stands under its list in `kandidat`, in `felter` or `beregnet`.
    """
    section, *rest = path.split(".")
    if section == DERIVED:
        return ("beregnet", *rest)
    if section == PARAMETER:
        return ("parametre", *rest)
    if vocab is not None and section in vocab.lists:
        spec = vocab.lists[section]
        where = "beregnet" if rest[0] in (spec.beregnet or {}) else "felter"
        return ("seksjoner", vocab.list_sections[section], section, where, rest[0])
    loc: tuple = ("seksjoner", section, rest[0])
    for part in rest[1:]:
        loc += ("felter", part)
    return loc
