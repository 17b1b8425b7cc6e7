"""Finding things in a list: search text and the order of rows (standard library only).

A list (the vacancy overview, a waiting list) is a sequence of rows the casework
has already limited to what the reader may see. The pages search and order only
those rows and only by the columns they show, so a search never matches on data
the reader cannot see.

- search: the text is trimmed, its whitespace collapsed and cut to `MAX_QUERY`
  characters; every word must occur (case-insensitive, anywhere) in one of the
  row's searchable texts;
- order: a column's key and a direction (`stigende`, `synkende`); an unknown key
  leaves the rows in the casework's order, an unknown direction is ascending.
  Rows without a value come last in either direction; equal values keep their
  order. Text sorts in Norwegian order (æ, ø, å after z) with numbers by value,
  so "leil. 21" comes before "leil. 101".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

MAX_QUERY = 100
ASCENDING, DESCENDING = "stigende", "synkende"

_NORWEGIAN = str.maketrans({"æ": "{", "ø": "|", "å": "}", "ä": "{", "ö": "|"})  # after z, in that order
_DIGITS = re.compile(r"(\d+)")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def clean_query(text: str | None) -> str:
    """The search text as typed, trimmed, whitespace collapsed and at most `MAX_QUERY` characters."""
    return " ".join((text or "").split())[:MAX_QUERY].strip()


def matches(query: str, texts: Iterable[Any]) -> bool:
    """True when every word of `query` occurs in one of `texts` (case-insensitive); an empty query matches."""
    words = _fold(clean_query(query)).split()
    if not words:
        return True
    folded = [_fold(str(t)) for t in texts if t is not None]
    return all(any(word in text for text in folded) for word in words)


def text_key(text: str) -> tuple:
    """A sort key for text: case-insensitive, Norwegian letters after z, numbers by value."""
    parts = _DIGITS.split(_fold(text).translate(_NORWEGIAN))
    return tuple((0, int(p), "") if i % 2 else (1, 0, p) for i, p in enumerate(parts) if p)


@dataclass(frozen=True)
class Column:
    """A column the rows can be ordered by: its key in the address, its label, its value in a row."""

    key: str
    label: str
    value: Callable[[dict], Any]
    first: str = ASCENDING  # the direction of the first click (numbers that matter most when large: synkende)


@dataclass(frozen=True)
class Order:
    """The order asked for: a known column's key (or None: the casework's order) and a direction."""

    key: str | None = None
    direction: str = ASCENDING

    @property
    def descending(self) -> bool:
        return self.direction == DESCENDING

    def next_direction(self, column: Column) -> str:
        """What a click on the column's header asks for: the other direction when it is the sorted one."""
        if column.key != self.key:
            return column.first
        return ASCENDING if self.descending else DESCENDING

    def aria_sort(self, key: str) -> str | None:
        """The `aria-sort` value of a column's header: only on the sorted column."""
        if key != self.key:
            return None
        return "descending" if self.descending else "ascending"


def parse_order(key: str | None, direction: str | None, columns: Mapping[str, Column]) -> Order:
    """The order from the address; an unknown key is ignored (the casework's order)."""
    if key not in columns:
        return Order()
    return Order(key, DESCENDING if direction == DESCENDING else ASCENDING)


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        return text_key(value)
    if isinstance(value, bool):
        return int(value)
    return value


def sort_rows(rows: Sequence[dict], order: Order, columns: Mapping[str, Column]) -> list[dict]:
    """The rows in the asked order; rows without a value last; ties keep the casework's order."""
    if order.key is None:
        return list(rows)
    value = columns[order.key].value
    pairs = [(value(row), row) for row in rows]
    known = [(v, row) for v, row in pairs if v is not None and v != ""]
    missing = [row for v, row in pairs if v is None or v == ""]
    known.sort(key=lambda pair: _comparable(pair[0]), reverse=order.descending)
    return [row for _, row in known] + missing


def search_rows(rows: Sequence[dict], query: str, texts: Callable[[dict], Iterable[Any]]) -> list[dict]:
    """The rows where `texts(row)` (what the reader sees of the row) matches the query."""
    return [row for row in rows if matches(query, texts(row))]
