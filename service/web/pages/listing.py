"""Search and sortable columns on the vacancy overview and the waiting list.

The address carries the state, so a link or a reload shows the same list:
`?q=<søk>&sorter=<kolonne>&retning=stigende|synkende` next to the page's own
filters. A column header is a link to the same list ordered by that column (the
other direction when it is the sorted one), keeping the search and the filters.
What matches and how rows are ordered: service/domain/listing.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from flask import request, url_for

from service.domain.codes import READINESS_LABELS, STAGE_LABELS
from service.domain.listing import MAX_QUERY, Column, Order, clean_query, parse_order, search_rows, sort_rows


def _columns(*columns: Column) -> dict[str, Column]:
    return {c.key: c for c in columns}


def _position(codes) -> Callable[[Any], int | None]:
    """A code's place in the routine (stages, readiness), so a column orders by it and not by its label."""
    order = {str(code): i for i, code in enumerate(codes)}
    return lambda value: order.get(value)


_stage, _readiness = _position(STAGE_LABELS), _position(READINESS_LABELS)


def _metric(name: str) -> Callable[[dict], Any]:
    return lambda v: (v.get("metrics") or {}).get(name)


VACANCY_COLUMNS = _columns(
    Column("sak", "Sak", lambda v: v["reference"]),
    Column("bolig", "Bolig", lambda v: v["home"]["address"]),
    Column("botiltak", "Botiltak og tjenester", lambda v: v["unit"]["name"]),
    Column("status", "Boligens status", lambda v: _readiness(v["readiness"])),
    Column("saken", "Saken", lambda v: _stage(v["stage"])),
    Column("meldt", "Meldt", lambda v: v["reported_on"]),
    Column("dager", "Dager ledig", _metric("vacant_days"), first="synkende"),
    Column("tapt", "Tapt husleie", _metric("rent_lost"), first="synkende"),
    Column("nominert", "Nominert av", lambda v: len(v["nominating_offices"]), first="synkende"),
)

APPLICANT_COLUMNS = _columns(
    Column("kandidat", "Kandidat", lambda a: a["code"]),
    Column("navn", "Navn", lambda a: a.get("name")),
    Column("kontor", "Kontor", lambda a: a["welfare_office"]),
    Column("alder", "Alder", lambda a: a.get("age")),
    Column("mottatt", "Søknad mottatt", lambda a: a.get("application_received")),
    Column("sjekkliste", "Sjekkliste", lambda a: a.get("has_checklist")),
)


SCREENING_COLUMNS = _columns(
    Column("rang", "Rang", lambda a: a.get("rank")),
    Column("kandidat", "Kandidat", lambda a: a["code"]),
    Column("navn", "Navn", lambda a: a.get("name")),
    Column("kontor", "Kontor", lambda a: a["welfare_office"]),
    Column("poeng", "Poeng", lambda a: a.get("score"), first="synkende"),
    Column("vurdering", "Vurdering", lambda a: a["status_label"]),
    Column("mottatt", "Søknad mottatt", lambda a: a.get("application_received")),
)


def vacancy_texts(v: dict) -> Iterable[Any]:
    """What a search on the overview looks in: the reference, the home's address, the unit's name."""
    return (v["reference"], v["home"]["address"], v["unit"]["name"])


def applicant_texts(a: dict) -> Iterable[Any]:
    """What a search on the waiting list looks in: the candidate id and the name (as the reader sees them)."""
    return (a["code"], a.get("name"))


def screening_texts(a: dict) -> Iterable[Any]:
    """What a search in a screening looks in: id, name, office and the names of the blocking rules."""
    return (a["code"], a.get("name"), a["welfare_office"], *(b["name"] for b in a.get("blocked_by", [])))


@dataclass(frozen=True)
class Listing:
    """One list's search and order as the address gives them, and the links of its column headers."""

    query: str
    order: Order
    columns: dict[str, Column]
    kept: dict[str, str]  # the page's filters and the search, carried in every header link
    total: int            # rows before the search
    max_query: int = MAX_QUERY

    def header(self, key: str) -> dict:
        column = self.columns[key]
        direction = self.order.next_direction(column)
        return {"label": column.label, "href": self._href({**self.kept, "sorter": key, "retning": direction}),
                "aria_sort": self.order.aria_sort(key), "next": direction}

    def without_search(self) -> str:
        """The same list, filters and order kept, without the search."""
        order = {"sorter": self.order.key, "retning": self.order.direction} if self.order.key else {}
        return self._href({**{k: v for k, v in self.kept.items() if k != "q"}, **order})

    @staticmethod
    def _href(args: dict) -> str:
        return url_for(request.endpoint, **(request.view_args or {}), **args)


def find(rows: Sequence[dict], columns: dict[str, Column], texts: Callable[[dict], Iterable[Any]],
         filters: Sequence[str] = ()) -> tuple[list[dict], Listing]:
    """The rows the search matches, in the asked order, and the list's state for the template."""
    query = clean_query(request.args.get("q"))
    order = parse_order(request.args.get("sorter"), request.args.get("retning"), columns)
    kept = {name: request.args[name] for name in filters if request.args.get(name)}
    if query:
        kept["q"] = query
    found = sort_rows(search_rows(rows, query, texts), order, columns)
    return found, Listing(query=query, order=order, columns=columns, kept=kept, total=len(rows))
