"""The appeal deadline as the letter says it: whole weeks in weeks, as forvaltningsloven § 29 does."""

import pytest

from service.domain.dates import period as frist


@pytest.mark.parametrize("days, words", [(21, "tre uker"), (7, "én uke"), (14, "to uker"), (42, "seks uker"),
                                         (10, "10 dager"), (1, "1 dag"), (63, "63 dager"), (0, "0 dager")])
def test_a_deadline_in_whole_weeks_is_said_in_weeks(days, words):
    assert frist(days) == words
