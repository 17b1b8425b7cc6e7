"""Finding things in a list: what a search matches and how rows are ordered (service/domain/listing.py)."""

from __future__ import annotations

import pytest

from service.domain.listing import (ASCENDING, DESCENDING, MAX_QUERY, Column, Order, clean_query, matches,
                                    parse_order, search_rows, sort_rows, text_key)

COLUMNS = {c.key: c for c in (Column("navn", "Navn", lambda r: r.get("name")),
                              Column("alder", "Alder", lambda r: r.get("age"), first=DESCENDING))}
ROWS = [{"name": "Øystein", "age": 40}, {"name": "anne", "age": None}, {"name": "Åse", "age": 22},
        {"name": "Zakarias", "age": 40}, {"name": "Ærlend", "age": 31}, {"name": None, "age": 9}]


def names(rows):
    return [r["name"] for r in rows]


@pytest.mark.parametrize("query", ["k-1187", "K-1187", "1187", "aune", "LARS", "lars aune", "aune k-11"])
def test_a_search_matches_case_insensitively_anywhere_in_the_rows_texts(query):
    assert matches(query, ["K-1187", "Lars Aune"])


@pytest.mark.parametrize("query", ["K-2031", "Lars Berg", "Aunee"])
def test_a_search_needs_every_word_to_occur(query):
    assert not matches(query, ["K-1187", "Lars Aune"])


def test_an_empty_search_matches_every_row_and_a_missing_text_is_skipped():
    assert matches("", ["K-1187"]) and matches("   ", [None])
    assert not matches("none", [None])


def test_a_search_finds_norwegian_letters_in_either_case():
    assert matches("rønning", ["Ingrid RØNNING"]) and matches("ALLÉ", ["Lade allé 12"])


def test_the_search_text_is_trimmed_collapsed_and_cut_to_the_limit():
    assert clean_query("  Lade \t allé  ") == "Lade allé"
    assert clean_query(None) == ""
    assert clean_query("x" * (MAX_QUERY * 50)) == "x" * MAX_QUERY


def test_a_search_keeps_only_the_rows_whose_shown_texts_match():
    rows = [{"code": "K-1", "name": "Mona", "secret": "Lars"}, {"code": "K-2", "name": "Lars"}]

    found = search_rows(rows, "lars", lambda r: (r["code"], r["name"]))

    assert [r["code"] for r in found] == ["K-2"]  # a field the reader is not shown is never searched


def test_text_sorts_in_norwegian_order_with_numbers_by_value():
    words = ["Åse", "ørn", "Ærlend", "zebra", "Anne"]
    assert sorted(words, key=text_key) == ["Anne", "zebra", "Ærlend", "ørn", "Åse"]
    addresses = ["Lade allé 12, leil. 103", "Lade allé 12, leil. 21", "Lade allé 9, leil. 4"]
    assert sorted(addresses, key=text_key) == ["Lade allé 9, leil. 4", "Lade allé 12, leil. 21",
                                               "Lade allé 12, leil. 103"]


def test_rows_without_a_value_come_last_in_either_direction():
    up = sort_rows(ROWS, Order("navn", ASCENDING), COLUMNS)
    down = sort_rows(ROWS, Order("navn", DESCENDING), COLUMNS)

    assert names(up) == ["anne", "Zakarias", "Ærlend", "Øystein", "Åse", None]
    assert names(down) == ["Åse", "Øystein", "Ærlend", "Zakarias", "anne", None]


def test_equal_values_keep_the_casework_order_in_either_direction():
    up = sort_rows(ROWS, Order("alder", ASCENDING), COLUMNS)
    down = sort_rows(ROWS, Order("alder", DESCENDING), COLUMNS)

    assert names(up) == [None, "Åse", "Ærlend", "Øystein", "Zakarias", "anne"]
    assert names(down) == ["Øystein", "Zakarias", "Ærlend", "Åse", None, "anne"]


def test_no_order_leaves_the_rows_as_the_casework_gave_them():
    assert sort_rows(ROWS, Order(), COLUMNS) == ROWS


@pytest.mark.parametrize("key, direction, expected", [
    ("navn", "synkende", Order("navn", DESCENDING)),
    ("navn", "stigende", Order("navn", ASCENDING)),
    ("navn", "opp", Order("navn", ASCENDING)),
    ("navn", None, Order("navn", ASCENDING)),
    ("__class__", "synkende", Order()),
    ("<script>", None, Order()),
    (None, None, Order()),
])
def test_an_unknown_column_is_ignored_and_an_unknown_direction_is_ascending(key, direction, expected):
    assert parse_order(key, direction, COLUMNS) == expected


def test_a_header_asks_for_the_other_direction_only_on_the_sorted_column():
    order = Order("navn", ASCENDING)

    assert order.next_direction(COLUMNS["navn"]) == DESCENDING
    assert Order("navn", DESCENDING).next_direction(COLUMNS["navn"]) == ASCENDING
    assert order.next_direction(COLUMNS["alder"]) == DESCENDING  # its first click: the largest first
    assert Order().next_direction(COLUMNS["navn"]) == ASCENDING


def test_only_the_sorted_column_carries_aria_sort():
    assert Order("navn", ASCENDING).aria_sort("navn") == "ascending"
    assert Order("navn", DESCENDING).aria_sort("navn") == "descending"
    assert Order("navn", DESCENDING).aria_sort("alder") is None
    assert Order().aria_sort("navn") is None
