"""The condition language (betingelser) that policy staff write in rules files.

Small on purpose: a comparison of one field with a value or with another field
(`{felt: kandidat.inntekt, hoyst: {felt: beregnet.inntektsgrense}}`), combined with
`alle` (all), `noen` (any) and `ikke` (not). Dates enter through computed values
(`beregnet.*`: time since or until a date), residents through counts, and arithmetic
through formulas and tables, all declared in the vocabulary, so a condition never
needs arithmetic of its own.

Semantics every evaluator must share (durable_rules in production, the reference
evaluator in the tests): a comparison with a field that has no value is false;
`ikke` of it is therefore true; `er_ikke`, `ikke_en_av` and `inneholder_ikke`
mean exactly `ikke` of their positive twin.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Iterator, Optional, Union

from pydantic import (BaseModel, ConfigDict, Discriminator, Field, StrictBool, StrictInt, Tag, field_validator,
                      model_validator)

from engine.language.numbers import plain_number  # noqa: E402

Scalar = Union[StrictBool, StrictInt, float, str]

# operator key -> how it reads in bokmål
OPERATORS = {
    "er": "er",
    "er_ikke": "er ikke",
    "en_av": "er en av",
    "ikke_en_av": "er ikke en av",
    "over": "er over",
    "minst": "er minst",
    "under": "er under",
    "hoyst": "er høyst",
    "inneholder": "inneholder",
    "inneholder_ikke": "inneholder ikke",
    "har_felles_med": "har minst én verdi felles med",
    "finnes": "er oppgitt",
}
NUMERIC_OPERATORS = ("over", "minst", "under", "hoyst")
_NUMBER_WITH_UNIT = re.compile(r"(-?\d+(?:[.,]\d+)?)\s*[^\d\s.,-][^\d]*")  # «6 måneder», «3,5 G», «250000 kr»
NEGATED_TWIN = {"er_ikke": "er", "ikke_en_av": "en_av", "inneholder_ikke": "inneholder"}


class FieldRef(BaseModel):
    """`{felt: beregnet.inntektsgrense}` as the value of a comparison: the candidate's own value of
    another field, parameter or computed value."""

    model_config = ConfigDict(extra="forbid")
    felt: str = Field(description="Feltet, parameteren eller den beregnede verdien det sammenlignes med.")


Number = Union[StrictInt, float]


class Comparison(BaseModel):
    """`{felt: sjekkliste.bosituasjon, er: bostedslos}`: one field, one operator."""

    model_config = ConfigDict(extra="forbid")

    felt: str = Field(description="Feltet som sammenlignes, f.eks. sjekkliste.bosituasjon.")
    er: Optional[Union[Scalar, dt.date, FieldRef]] = None  # a date only to be refused with a clear message
    er_ikke: Optional[Union[Scalar, dt.date, FieldRef]] = None
    en_av: Optional[list[Scalar]] = Field(None, min_length=1)
    ikke_en_av: Optional[list[Scalar]] = Field(None, min_length=1)
    # A date field compares with a date (`{felt: tildeling.dato, minst: 2015-03-04}`): the day itself
    # counts for minst and hoyst, not for over and under.
    over: Optional[Union[Number, dt.date, FieldRef]] = None
    minst: Optional[Union[Number, dt.date, FieldRef]] = None
    under: Optional[Union[Number, dt.date, FieldRef]] = None
    hoyst: Optional[Union[Number, dt.date, FieldRef]] = None
    inneholder: Optional[str] = None
    inneholder_ikke: Optional[str] = None
    har_felles_med: Optional[str] = Field(None, description="Et annet flervalgsfelt med samme verdier.")
    finnes: Optional[StrictBool] = None

    @model_validator(mode="before")
    @classmethod
    def _one_operator(cls, data: Any):
        if isinstance(data, dict):
            ops = [k for k in data if k in OPERATORS]
            if len(ops) != 1 and not [k for k in data if k != "felt" and k not in OPERATORS]:
                names = ", ".join(OPERATORS)
                if not ops:
                    raise ValueError(f"sammenligningen mangler en operator (en av: {names})")
                raise ValueError(f"sammenligningen har flere operatorer ({', '.join(ops)}); bruk 'alle' for å kombinere")
        return data

    @field_validator(*NUMERIC_OPERATORS, mode="before")
    @classmethod
    def _number_with_unit(cls, value: Any):
        """`under: 6 måneder` is one mistake, not four (not a number, nor a float, nor a date, nor a field):
        say to write the number alone."""
        if isinstance(value, str):
            found = _NUMBER_WITH_UNIT.fullmatch(value.strip())
            if found:
                raise ValueError(f"'{value}' er ikke et tall: skriv bare tallet ({found.group(1)}); enheten følger "
                                 "av feltet")
        return value

    @property
    def operator(self) -> str:
        return next(k for k in OPERATORS if k in self.model_fields_set)

    @property
    def value(self) -> Any:
        return getattr(self, self.operator)

    @property
    def other(self) -> str | None:
        """The field on the right-hand side, when the comparison is with another field (else None)."""
        value = self.value
        return value.felt if isinstance(value, FieldRef) else None


class AllOf(BaseModel):
    """`alle: [...]`: every part must hold."""

    model_config = ConfigDict(extra="forbid")
    alle: list["Condition"] = Field(min_length=1)


class AnyOf(BaseModel):
    """`noen: [...]`: at least one part must hold."""

    model_config = ConfigDict(extra="forbid")
    noen: list["Condition"] = Field(min_length=1)


class Not(BaseModel):
    """`ikke: {...}`: the part must not hold."""

    model_config = ConfigDict(extra="forbid")
    ikke: "Condition"


def _kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("alle", "noen", "ikke"):
            if key in value:
                return key
        return "felt"
    if isinstance(value, (AllOf, AnyOf, Not, Comparison)):
        return {AllOf: "alle", AnyOf: "noen", Not: "ikke", Comparison: "felt"}[type(value)]
    return None


Condition = Annotated[
    Union[
        Annotated[AllOf, Tag("alle")],
        Annotated[AnyOf, Tag("noen")],
        Annotated[Not, Tag("ikke")],
        Annotated[Comparison, Tag("felt")],
    ],
    Discriminator(_kind, custom_error_type="condition_shape",
                  custom_error_message="en betingelse må være et oppslag med 'felt', 'alle', 'noen' eller 'ikke'"),
]

AllOf.model_rebuild()
AnyOf.model_rebuild()
Not.model_rebuild()


def walk(cond, loc: tuple = ()) -> Iterator[tuple[Comparison, tuple]]:
    """Every comparison in a condition with its location path (for errors and field use)."""
    if isinstance(cond, AllOf):
        for i, part in enumerate(cond.alle):
            yield from walk(part, loc + ("alle", i))
    elif isinstance(cond, AnyOf):
        for i, part in enumerate(cond.noen):
            yield from walk(part, loc + ("noen", i))
    elif isinstance(cond, Not):
        yield from walk(cond.ikke, loc + ("ikke",))
    else:
        yield cond, loc


def fields_read(cond) -> list[str]:
    """The fields a condition reads, on either side of its comparisons, each once in the order written."""
    found = []
    for c, _ in walk(cond):
        found.append(c.felt)
        if c.other is not None:
            found.append(c.other)
    return list(dict.fromkeys(found))


def check(cond, vocabulary, loc: tuple, scope: str) -> list[tuple[tuple, str]]:
    """Semantic checks against the vocabulary: fields declared, operators and values fit.

    `scope` is "kandidat" for rules about a candidate, "beboer" for the filter
    inside a count over residents, and a list's name (`husstand`) for a condition over
    the records of that list (`hvor` of a count, `nyeste` or `sum`, `begge` of a sharing rule).
    Returns (location, bokmål message) pairs.
    """
    problems = []
    for comparison, where in walk(cond, loc):
        problems += _check_comparison(comparison, vocabulary, where, scope)
    return problems


def _list_path(vocabulary, name: str) -> str:
    """`kandidat.husstand`, `bolig.rom`: where a list stands (a vocabulary without home lists: the candidate's)."""
    return vocabulary.list_path(name) if hasattr(vocabulary, "list_path") else f"kandidat.{name}"


def _check_comparison(c: Comparison, vocabulary, loc: tuple, scope: str) -> list[tuple[tuple, str]]:
    out = []
    field = vocabulary.get(c.felt)
    if field is None:
        return [(loc + ("felt",), f"ukjent felt '{c.felt}'{vocabulary.suggest(c.felt)}")]
    section = c.felt.split(".")[0]
    lists = getattr(vocabulary, "lists", {})
    if scope == "beboer" and section != "beboer":
        out.append((loc + ("felt",), f"inne i 'hvor' kan bare beboer-felt brukes, ikke '{c.felt}'"))
    if scope == "kandidat" and section == "beboer":
        out.append((loc + ("felt",), f"beboer-felt ('{c.felt}') kan bare brukes i 'hvor' under en beregnet telling"))
    if scope in lists and section != scope:
        out.append((loc + ("felt",), f"her kan bare feltene i listen '{_list_path(vocabulary, scope)}' brukes "
                                     f"({scope}.*), ikke '{c.felt}'"))
    if scope not in lists and section in lists:
        out.append((loc + ("felt",), f"'{c.felt}' er et felt i listen '{_list_path(vocabulary, section)}' og kan "
                                     "bare brukes i "
                                     "'hvor' under en beregnet verdi over listen (antall, nyeste, eldste, sum, sammenhengende, "
                                     "samlet_tid) eller i "
                                     "'deler' under soverom"))
    op, value = c.operator, c.value
    where = loc + (op,)
    t = field.type
    if t == "liste":
        return out + [(loc + ("felt",), f"'{c.felt}' er en liste; sammenlign en beregnet verdi over den "
                                        "(antall, nyeste, eldste, sum, soverom, sammenhengende, samlet_tid)")]
    if isinstance(value, FieldRef):
        return out + _check_field_ref(c, field, vocabulary, where, scope)
    if t == "objekt":
        return out + [(loc + ("felt",), f"'{c.felt}' er en gruppe av felt; sammenlign et av underfeltene")]
    if op == "finnes":
        return out
    if t == "dato":
        if op in NUMERIC_OPERATORS and isinstance(value, dt.date):
            return out
        return out + [(where, f"datofeltet '{c.felt}' kan bare brukes med 'finnes', eller med over, minst, under "
                              "og hoyst og en dato (f.eks. 'minst: 2015-03-04'); bruk en beregnet verdi "
                              "(dager_siden, maneder_siden, ar_siden, alder, dager_til ...) for å regne med datoer")]
    if isinstance(value, dt.date):
        return out + [(where, f"'{c.felt}' er ikke et datofelt (type {t}), men sammenlignes med datoen "
                              f"{value.isoformat()}")]
    if op in NUMERIC_OPERATORS:
        if not field.is_number:
            out.append((where, f"'{op}' krever et tallfelt, men '{c.felt}' er av type {t}"))
        try:
            plain_number(value)
        except ValueError as exc:
            out.append((where, str(exc)))
        return out
    if op in ("inneholder", "inneholder_ikke", "har_felles_med"):
        if t != "flervalg":
            return out + [(where, f"'{op}' krever et flervalgsfelt, men '{c.felt}' er av type {t}")]
        if op == "har_felles_med":
            other = vocabulary.get(value)
            if other is None:
                return out + [(where, f"ukjent felt '{value}'{vocabulary.suggest(value)}")]
            if other.type != "flervalg" or set(other.values or {}) != set(field.values or {}):
                out.append((where, f"'{value}' må være et flervalgsfelt med de samme verdiene som '{c.felt}'"))
            return out
        return out + _check_value(value, field, where)
    # er, er_ikke, en_av, ikke_en_av
    if t == "flervalg":
        return out + [(where, f"'{c.felt}' er et flervalgsfelt; bruk 'inneholder' eller 'har_felles_med'")]
    values = value if isinstance(value, list) else [value]
    for i, v in enumerate(values):
        out += _check_value(v, field, where + ((i,) if isinstance(value, list) else ()))
    return out


def _check_field_ref(c: Comparison, field, vocabulary, where: tuple, scope: str) -> list[tuple[tuple, str]]:
    """A comparison of two values: both declared, in the same scope, of types (and units) that compare."""
    op, path = c.operator, c.other
    other = vocabulary.get(path)
    at = where + ("felt",)
    if other is None:
        return [(at, f"ukjent felt '{path}'{vocabulary.suggest(path)}")]
    scope_of = getattr(vocabulary, "scope_of", lambda p: "beboer" if p.split(".")[0] == "beboer" else "kandidat")
    lists = getattr(vocabulary, "lists", {})
    if scope in lists and scope_of(c.felt) == scope and scope_of(path) != scope:
        problem = outer_field_problem(vocabulary, scope, path)
        if problem:
            return [(at, problem)]
    elif scope_of(path) != scope_of(c.felt):
        return [(at, f"'{path}' hører ikke til samme slags opplysninger som '{c.felt}' "
                     "(beboer-felt sammenlignes bare med beboer-felt, felt i en liste bare med felt i samme liste)")]
    odd_types = ("objekt", "dato", "flervalg", "liste")
    if field.type == "dato" and other.type == "dato" and op in NUMERIC_OPERATORS:
        return []  # two dates of the same fact: the earlier is the smaller
    if field.type in odd_types or other.type in odd_types:
        odd = field if field.type in odd_types else other
        return [(at, f"'{odd.path}' (type {odd.type}) kan ikke sammenlignes med et annet felt"
                     + ("; regn om datoer med en beregnet verdi (dager_siden, maneder_til ...)" if odd.type == "dato" else ""))]
    if op in NUMERIC_OPERATORS:
        for f in (field, other):
            if not f.is_number:
                return [(at if f is other else where, f"'{op}' krever tall, men '{f.path}' er av type {f.type}")]
    elif field.is_number != other.is_number or (not field.is_number and field.type != other.type):
        return [(at, f"'{c.felt}' (type {field.type}) og '{path}' (type {other.type}) kan ikke sammenlignes")]
    elif field.type == "valg" and set(field.values or {}) != set(other.values or {}):
        return [(at, f"'{path}' må ha de samme verdiene som '{c.felt}' for å sammenlignes med det")]
    if field.unit and other.unit and field.unit != other.unit:
        return [(at, f"'{c.felt}' er i {field.unit}, men '{path}' er i {other.unit}: sammenlign verdier med samme enhet")]
    return []


OUTER_SECTIONS = ("ledig_bolig", "bolig", "botiltak", "kandidat", "sjekkliste")  # what a record may be compared with
HOME_SECTIONS = ("ledig_bolig", "bolig", "botiltak")


def outer_field_problem(vocabulary, scope: str, path: str) -> str | None:
    """Why a record of list `scope` cannot be compared with `path` outside it (None: it can).

    The value is copied into every record before matching (engine/evaluation/records.py), so it
    must be one known before any aggregate: a field of the case itself, not a computed value. A
    list of the home is one for every candidate, so its records may only be compared with the home.
    """
    section = path.split(".", 1)[0]
    home_list = getattr(vocabulary, "list_sections", {}).get(scope, "kandidat") != "kandidat"
    allowed = HOME_SECTIONS if home_list else OUTER_SECTIONS
    field = vocabulary.get(path)
    if section not in allowed or field is None or field.type in ("liste", "objekt"):
        where = "boligens felt (ledig_bolig, bolig, botiltak)" if home_list else \
            "boligens og kandidatens egne felt (ledig_bolig, bolig, botiltak, kandidat, sjekkliste)"
        return (f"en post i listen '{_list_path(vocabulary, scope)}' kan sammenlignes med felt i samme liste "
                f"eller med {where}, ikke med '{path}'"
                + (" (en beregnet verdi regnes først etter listene)" if section == "beregnet" else ""))
    return None


def outer_fields(cond, vocabulary, scope: str) -> list[str]:
    """The fields outside list `scope` a condition over its records compares with (copied into each record)."""
    lists = getattr(vocabulary, "lists", {})
    if scope not in lists:
        return []
    return list(dict.fromkeys(c.other for c, _ in walk(cond)
                              if c.other is not None and c.other.split(".", 1)[0] != scope))


def _check_value(value, field, where) -> list[tuple[tuple, str]]:
    t = field.type
    if t in ("valg", "flervalg"):
        if value not in (field.values or {}):
            allowed = ", ".join(field.values or {})
            return [(where, f"{value!r} er ikke en tillatt verdi for '{field.path}' (tillatt: {allowed})")]
        return []
    if t == "boolsk" and not isinstance(value, bool):
        return [(where, f"'{field.path}' er sann/usann, men sammenlignes med {value!r}; skriv true (ja) eller "
                        "false (nei), uten anførselstegn")]
    if field.is_number and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return [(where, f"'{field.path}' er et tall, men sammenlignes med {value!r}")]
    if field.is_number:
        try:
            plain_number(value)  # er/en_av take numbers too; durable_rules cannot read 1e+20 (docs/durable_rules.md)
        except ValueError as exc:
            return [(where, str(exc))]
    if t == "tekst" and not isinstance(value, str):
        return [(where, f"'{field.path}' er tekst, men sammenlignes med {value!r}")]
    if field.spec is not None:
        if field.spec.min is not None and isinstance(value, (int, float)) and value < field.spec.min:
            return [(where, f"{value!r} er under minste tillatte verdi for '{field.path}' ({field.spec.min:g})")]
        if field.spec.maks is not None and isinstance(value, (int, float)) and value > field.spec.maks:
            return [(where, f"{value!r} er over største tillatte verdi for '{field.path}' ({field.spec.maks:g})")]
    return []


def describe(cond, vocabulary, nested: bool = False) -> str:
    """The condition as a sentence fragment in bokmål, for "why not" and policy text."""
    if isinstance(cond, AllOf):
        text = " og ".join(describe(p, vocabulary, True) for p in cond.alle)
        return f"({text})" if nested and len(cond.alle) > 1 else text
    if isinstance(cond, AnyOf):
        text = " eller ".join(describe(p, vocabulary, True) for p in cond.noen)
        return f"({text})" if nested and len(cond.noen) > 1 else text
    if isinstance(cond, Not):
        return f"ikke {describe(cond.ikke, vocabulary, True)}"
    field = vocabulary.get(cond.felt)
    label = field.label if field else cond.felt
    op, value = cond.operator, cond.value
    if op == "finnes":
        return f"«{label}» er {'oppgitt' if value else 'ikke oppgitt'}"
    if op == "har_felles_med":
        other = vocabulary.get(value)
        return f"«{label}» har minst én verdi felles med «{other.label if other else value}»"

    def show(v):
        if isinstance(v, FieldRef):
            other = vocabulary.get(v.felt)
            return f"«{other.label if other else v.felt}»"
        if isinstance(v, bool):
            return "ja" if v else "nei"
        if isinstance(v, dt.date):
            return v.strftime("%d.%m.%Y")
        if isinstance(v, str):
            return f"«{vocabulary.label_of_value(cond.felt, v)}»"
        return f"{v:g}" if isinstance(v, float) else str(v)

    if isinstance(value, list):
        shown = ", ".join(show(v) for v in value)
    else:
        shown = show(value)
    return f"«{label}» {OPERATORS[op]} {shown}"
