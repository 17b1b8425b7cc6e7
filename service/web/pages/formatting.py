"""Jinja filters for the pages: dates, times, booleans, amounts and vocabulary codes in bokmål,
and each scoring rule's colour in the score bars."""

from __future__ import annotations

import datetime as dt

from flask import g

from service.casework.context import OSLO
from service.domain.dates import period
from service.reports import criterion_colours
from service.web.rules import current_rules, rules_holder

from service.web.pages.web import bp

MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember")


def _as_date(value):
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
        except ValueError:
            return None
    return value


@bp.app_template_filter("dato")
def dato(value) -> str:
    """28.11.2026"""
    value = _as_date(value)
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        value = value.astimezone(OSLO).date() if value.tzinfo else value.date()
    return value.strftime("%d.%m.%Y")


@bp.app_template_filter("lang_dato")
def lang_dato(value) -> str:
    """28. november 2026"""
    value = _as_date(value)
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        value = value.astimezone(OSLO).date() if value.tzinfo else value.date()
    return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"


bp.app_template_filter("frist")(period)


@bp.app_template_filter("tidspunkt")
def tidspunkt(value) -> str:
    """28.11.2026 kl. 10:15 (norsk tid)"""
    value = _as_date(value)
    if value is None:
        return "–"
    if not isinstance(value, dt.datetime):
        return dato(value)
    if value.tzinfo:
        value = value.astimezone(OSLO)
    return value.strftime("%d.%m.%Y kl. %H:%M")


@bp.app_template_filter("iso")
def iso(value) -> str:
    value = _as_date(value)
    return value.isoformat() if value is not None else ""


@bp.app_template_filter("janei")
def janei(value) -> str:
    if value is None:
        return "ikke oppgitt"
    return "ja" if value else "nei"


@bp.app_template_filter("tall")
def tall(value) -> str:
    """52.0 -> 52, 52.5 -> 52,5 (decimal comma)"""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(".", ",")


@bp.app_template_filter("kroner")
def kroner(value) -> str:
    if value is None:
        return "–"
    return f"{value:,}".replace(",", "\u00a0") + " kr"


def vocabulary():
    return current_rules().book.vocabulary


@bp.app_template_filter("etikett")
def etikett(path: str) -> str:
    """The bokmål label of a vocabulary field (`sjekkliste.bosituasjon` -> Bosituasjon)."""
    found = vocabulary().get(path)
    return found.label if found else path.rsplit(".", 1)[-1]


@bp.app_template_filter("verdi")
def verdi(value, path: str) -> str:
    """A stored value as a person reads it: code labels, ja/nei, lists joined."""
    if value is None:
        return "ikke oppgitt"
    if isinstance(value, bool):
        return janei(value)
    if isinstance(value, list):
        return ", ".join(verdi(v, path) for v in value) or "ingen"
    found = vocabulary().get(path)
    if found and found.values and value in found.values:
        return found.values[value]
    if found and found.type == "dato":
        return dato(value)
    return str(value)


@bp.app_template_filter("kriteriefarge")
def kriteriefarge(rule_id: str) -> int:
    """The colour (`del-N`) of a rule that gives points: the same rule has the same colour for every
    candidate, in the bar and in the list under it (service/reports/criterion_colours.py)."""
    if "criterion_colours" not in g:
        current = current_rules().book
        others = [b for b in rules_holder().library().versions if b.content_hash != current.content_hash]
        g.criterion_colours = criterion_colours.colour_slots(criterion_colours.scoring_rule_ids([current] + others))
    return criterion_colours.colour_of(rule_id, g.criterion_colours)


@bp.app_template_filter("rolle")
def rolle(role: str) -> str:
    """consultant -> boligkonsulent (service/domain/codes.py ROLE_LABELS)."""
    from service.domain.codes import ROLE_LABELS, Role

    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return str(role)
