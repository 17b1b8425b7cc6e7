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
    unknown key       ukjent felt 'mindre_enn' (mente du 'under'?); en sammenligning har 'felt' og
                      én operator: er, er_ikke, ...

An unknown key is the commonest slip in a hand-written rules file, and "ukjent felt"
alone leaves the writer guessing, so the message names what may stand there (read
from the model itself, so it stays right when a model gains a field) and the key
the writer most likely meant: the same word spelt with æøå or ae/oe/aa, in other
case or with other separators; a word people use for it (`mindre_enn` for `under`,
`formula` for `formel`, in `KEY_WORDS`); or a near miss in spelling.
"""

from __future__ import annotations

import difflib
import re
import sys
import types
import unicodedata
from typing import Annotated, Any, Iterable, Union, get_args, get_origin

from pydantic import BaseModel, Tag, ValidationError

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


def _bound(limit) -> Any:
    """«minst 0», not «minst 0.0» (a Bristol tester): a whole float bound reads as the whole number."""
    return int(limit) if isinstance(limit, float) and limit.is_integer() else limit


def too_small(value: Any, least) -> str:
    return f"{shown(value)} er for lite (minst {_bound(least)})"


def too_large(value: Any, most) -> str:
    return f"{shown(value)} er for stort (høyst {_bound(most)})"


def choices(allowed: Iterable[Any]) -> str:
    """'a', 'b' eller 'c'"""
    quoted = [shown(a) for a in allowed]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " eller " + quoted[-1]


def not_a_choice(value: Any, allowed: Iterable[Any] | str) -> str:
    listed = allowed if isinstance(allowed, str) else choices(allowed)
    hint = ""
    if isinstance(value, str) and not isinstance(allowed, str):
        # «søker» for «soker»: the keys are written folded (no æøå, no capitals), as keys are
        close = suggest_key(value, [a for a in allowed if isinstance(a, str)])
        hint = f" (mente du {shown(close)}?)" if close else ""
    return f"{shown(value)} er ikke en av de tillatte verdiene: {listed}{hint}"


def not_a_date(value: Any, formats: str = ISO_DATE) -> str:
    if isinstance(value, str) and formats == ISO_DATE and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        # «2026-02-30» is on the form; the day is what does not exist (a Bristol tester)
        month = int(value[5:7])
        why = "måneden må være 01-12" if not 1 <= month <= 12 else "måneden har ikke den dagen"
        return f"{shown(value)} er ikke en dato som finnes ({why}; skriv {formats})"
    return f"{shown(value)} er ikke en dato på formen {formats}"


def not_a_moment(value: Any, formats: str) -> str:
    return f"{shown(value)} er ikke et tidspunkt på formen {formats}"


def too_early(day: str, earliest: str) -> str:
    return f"{day} er for tidlig (tidligst {earliest})"


def fold(text: str) -> str:
    """A word as people may write it, reduced so spellings of the same word compare equal.

    Lower case; æ, ø, å and their ae, oe, aa spellings become a, o, a; accents go;
    anything that is not a letter or digit separates words with one `_`. So
    `Fødeland`, `foedeland` and `fodeland` all fold to `fodeland`, and
    `Seksuell orientering` and `seksuell_orientering` to `seksuell_orientering`.
    """
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.replace("aa", "a").replace("oe", "o").replace("ae", "a")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _compact(text: str) -> str:
    return fold(text).replace("_", "")


# Words people write for a key, folded and without separators, with the keys they most
# likely meant (the first that may stand where the unknown key stood is suggested).
KEY_WORDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(["mindreenn", "lavereenn", "lessthan", "lt", "underenn", "farreenn"], ("under",)),
    **dict.fromkeys(["storreenn", "hoyereenn", "merenn", "flereenn", "greaterthan", "morethan", "gt", "overenn"],
                    ("over",)),
    **dict.fromkeys(["minstlik", "storreennellerlik", "fraogmed", "atleast", "gte", "ge", "min", "minimum"],
                    ("minst", "min")),
    **dict.fromkeys(["mindreennellerlik", "tilogmed", "atmost", "lte", "le", "maks", "max", "maksimum", "hoyest",
                     "hogst"], ("hoyst", "maks")),
    **dict.fromkeys(["lik", "erlik", "likmed", "eq", "equals", "is"], ("er",)),
    **dict.fromkeys(["ulik", "ikkelik", "erulik", "erikkelik", "ikkeer", "ne", "neq", "isnot"], ("er_ikke",)),
    **dict.fromkeys(["i", "in", "blant", "enavverdiene", "oneof", "erenav"], ("en_av",)),
    **dict.fromkeys(["ikkei", "notin", "ikkeblant", "ingenav", "erikkeenav"], ("ikke_en_av",)),
    **dict.fromkeys(["har", "contains", "omfatter", "inkluderer"], ("inneholder",)),
    **dict.fromkeys(["harikke", "notcontains", "omfatterikke"], ("inneholder_ikke",)),
    **dict.fromkeys(["felles", "harfelles", "overlapper", "intersects", "fellesmed"], ("har_felles_med",)),
    **dict.fromkeys(["eksisterer", "exists", "utfylt", "oppgitt", "harverdi", "mangler"], ("finnes",)),
    **dict.fromkeys(["og", "and", "all", "allav", "begge"], ("alle",)),
    **dict.fromkeys(["eller", "or", "any", "minstenav"], ("noen",)),
    **dict.fromkeys(["not", "ikkje", "unntatt"], ("ikke", "er_ikke")),
    **dict.fromkeys(["field", "feltet", "feltnavn"], ("felt",)),
    **dict.fromkeys(["formula", "formler", "regnestykke", "uttrykk", "beregning", "expression"], ("formel",)),
    **dict.fromkeys(["table", "tabeller", "oppslag", "lookup"], ("tabell",)),
    **dict.fromkeys(["count", "telling", "antal"], ("antall",)),
    **dict.fromkeys(["age"], ("alder",)),
    **dict.fromkeys(["dayssince"], ("dager_siden",)),
    **dict.fromkeys(["monthssince", "mndsiden"], ("maneder_siden",)),
    **dict.fromkeys(["yearssince"], ("ar_siden",)),
    **dict.fromkeys(["label", "tittel", "navn"], ("etikett", "navn")),
    **dict.fromkeys(["description", "beskrivelser"], ("beskrivelse",)),
    **dict.fromkeys(["unit", "enheter"], ("enhet",)),
    **dict.fromkeys(["points", "score", "vekt"], ("poeng", "verdi")),
    "verdi": ("er", "poeng"),
    **dict.fromkeys(["condition", "vilkar", "betingelser", "nar", "hvis", "when"], ("betingelse",)),
    **dict.fromkeys(["begrunnelse", "forklaringer"], ("forklaring",)),
    **dict.fromkeys(["forklaring", "begrunnelser", "reason"], ("begrunnelse",)),
    **dict.fromkeys(["lovhjemmel", "grunnlag", "kilde", "source"], ("hjemmel",)),
}

# Models whose keys are "these, and exactly one of the rest": the message names the rest as
# the choice they are. Only the fixed keys are listed here; the choices are whatever other
# fields the model has, so a new operator or kind of computed value is listed without an edit.
ONE_OF: dict[str, tuple[str, str, tuple[str, ...], str]] = {
    # model name: (what it is, what the choice is called, its fixed keys, what else may stand there)
    "Comparison": ("en sammenligning", "én operator", ("felt",),
                   "; en sammensatt betingelse har 'alle', 'noen' eller 'ikke'"),
    "DerivedSpec": ("en beregnet verdi", "én av disse", ("etikett", "beskrivelse", "enhet"), ""),
}
ALSO_ALLOWED = {"Comparison": ("alle", "noen", "ikke")}  # keys of the other shapes a condition may have


def unknown_key(key: Any, model: type[BaseModel] | None) -> str:
    """`ukjent felt 'x'`, with the key meant and the keys allowed when the model is known."""
    text = f"ukjent felt '{key}'"
    if isinstance(key, str) and re.search(r"[\s(),.]", key) and not re.fullmatch(r"[a-z0-9_.]+", key):
        # «{navn: Alvorlig vold (serious violence), ...}»: a comma in a text inside {…} splits it into a key
        text += " (står det et komma i en tekst i {…}? Sett teksten i anførselstegn: navn: \"Vold, trusler\")"
    if model is None:
        return text
    allowed = [f.alias or name for name, f in model.model_fields.items()]
    suggestion = suggest_key(str(key), allowed + list(ALSO_ALLOWED.get(model.__name__, ())))
    if suggestion:
        text += f" (mente du '{suggestion}'?)"
    shape = ONE_OF.get(model.__name__)
    if shape is None:
        return f"{text}; tillatt her: {', '.join(allowed)}"
    what, choice, fixed, also = shape
    required = [k for k in fixed if k in model.model_fields and model.model_fields[k].is_required()]
    optional = [k for k in fixed if k in model.model_fields and k not in required]
    choices = [k for k in allowed if k not in fixed]
    has = " og ".join([", ".join(f"'{k}'" for k in required)] if required else [])
    has = f"{has} og {choice}" if has else choice
    extra = f" (og eventuelt {', '.join(optional)})" if optional else ""
    return f"{text}; {what} har {has}: {', '.join(choices)}{extra}{also}"


def suggest_key(key: str, allowed: Iterable[str]) -> str | None:
    """The allowed key the writer most likely meant by `key`, or None."""
    allowed = [a for a in allowed if a != key]
    compact = _compact(key)
    for candidate in allowed:
        if _compact(candidate) == compact:
            return candidate
    for candidate in KEY_WORDS.get(compact, ()):
        if candidate in allowed:
            return candidate
    folded = {fold(a): a for a in allowed}
    close = difflib.get_close_matches(fold(key), list(folded), n=1, cutoff=0.7)
    return folded[close[0]] if close else None


def _model_named(title: str | None) -> type[BaseModel] | None:
    """The one model class defined in the code under this name (a ValidationError knows only the name).

    Models built at run time (a case's, from the vocabulary of each rules version) are
    not module attributes and are left out, so the answer never depends on what else
    happens to be loaded.
    """
    if not title:
        return None
    found, stack, seen = [], [BaseModel], set()
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub in seen:
                continue
            seen.add(sub)
            stack.append(sub)
            module = sys.modules.get(sub.__module__)
            if sub.__name__ == title and module is not None and getattr(module, sub.__qualname__, None) is sub:
                found.append(sub)
    return found[0] if len(found) == 1 else None


def _members(annotation: Any, tags: tuple = ()) -> list[tuple[set, Any]]:
    """A type with its unions and Annotated wrappers opened: each member with the names pydantic may
    put for it into an error's location (its union tag, its class name)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *meta = get_args(annotation)
        return _members(inner, tags + tuple(m.tag for m in meta if isinstance(m, Tag)))
    if origin is Union or origin is types.UnionType:
        return [member for arg in get_args(annotation) for member in _members(arg)]
    names = set(tags)
    name = getattr(annotation, "__name__", None)
    if name:
        names.add(name)
    return [(names, annotation)]


def _child(annotation: Any, part: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, field in annotation.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
        return None
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (list, tuple, set, frozenset) and isinstance(part, int) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def model_at(root: type[BaseModel] | None, loc: tuple) -> type[BaseModel] | None:
    """The model that holds the last key of a pydantic error location, walking the types from `root`."""
    if root is None:
        return None
    candidates: list = [root]
    for part in loc[:-1]:
        if isinstance(part, str) and part.startswith("function-"):
            continue  # a validator around the same type
        found = []
        for annotation in candidates:
            members = _members(annotation)
            tagged = [m for names, m in members if part in names]
            found += tagged or [c for _, m in members if (c := _child(m, part)) is not None]
        candidates = found
        if not candidates:
            return None
    models = {m for c in candidates for _, m in _members(c) if isinstance(m, type) and issubclass(m, BaseModel)}
    return models.pop() if len(models) == 1 else None


def _describe(err: dict, root: type[BaseModel] | None = None) -> str:
    kind = err["type"]
    given = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return MISSING
    if kind == "extra_forbidden":
        return unknown_key(err["loc"][-1], model_at(root, tuple(err["loc"])))
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        listed = re.findall(r"'((?:[^'\\]|\\.)*)'", expected)  # the choices, so a typo gets «mente du»
        return not_a_choice(given, listed if listed and len(listed) == expected.count("'") // 2
                            else expected.replace(" or ", " eller "))
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
    if kind == "string_pattern_mismatch":  # ids (and only ids) have a pattern in the rules' models
        dotted = isinstance(given, str) and "." in given
        return (f"{shown(given)} er ikke en id: en id har bare små bokstaver, tall og _ (f.eks. 'bostedslos')"
                + ("; her står id-en til en regel, ikke et felt" if dotted else ""))
    if kind in ("union_tag_invalid", "condition_shape"):
        return err.get("msg", "ugyldig form")
    if kind == "union_tag_not_found":
        return "ugyldig form"
    return err.get("msg", kind)


def _clean_loc(loc: tuple) -> tuple:
    """Drop the union tags and function names pydantic inserts into paths."""
    return tuple(p for p in loc if not (isinstance(p, str) and (p.startswith("function-") or p.startswith("<"))))


class LocatedError(ValueError):
    """A model validator's error about one part of what it validated (the third tier of a list), so the
    problem names that part's line, not the line of the whole the validator sees."""

    def __init__(self, message: str, loc: tuple):
        super().__init__(message)
        self.loc = loc


def problems_from(exc: ValidationError, doc: SourceDocument | None = None,
                  prefix: tuple = (), rule_id_at=None, model: type[BaseModel] | None = None) -> list[Problem]:
    """`model` is the model that was validated; without it, for a document, the one the error names if the
    code defines it (then an unknown key is told the keys allowed there)."""
    problems: list[Problem] = []
    seen = set()
    # A file someone wrote by hand (rules, scenarios, the routine, an import mapping) is told what
    # may stand where an unknown key stood; a program's request body keeps the bare message.
    root = model if (model is not None or doc is None) else None
    for err in exc.errors(include_url=False):
        if root is None and doc is not None and err["type"] == "extra_forbidden":
            root = _model_named(exc.title)
        loc = prefix + _clean_loc(tuple(err["loc"]))
        located = (err.get("ctx") or {}).get("error")
        if isinstance(located, LocatedError):
            loc = loc + located.loc
        if doc is not None:
            loc = _drop_tags(loc, doc)
        message = _describe(err, root)
        rule_id = rule_id_at(loc) if rule_id_at else None
        if rule_id and err["type"] == "missing" and loc and isinstance(loc[-1], str):
            message = f"'{loc[-1]}' {message}"  # the path is not shown beside the rule: say which key is missing
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
