"""The password policy: at least 12 characters, not the username, not a password tried first."""

import pytest

from service.domain import passwords


@pytest.mark.parametrize("password, username, wrong", [
    ("aaaaaaaaaa", None, "minst 12 tegn"),
    ("1234567890", None, "minst 12 tegn"),
    ("aaaaaaaaaaaaaaaa", None, "for vanlig"),
    ("demo-passord", None, "for vanlig"),
    ("Trondheim123", None, "for vanlig"),
    ("konsulent.anne", "konsulent.anne", "brukernavnet"),
    ("KONSULENT.ANNE", "konsulent.anne", "brukernavnet"),
])
def test_weak_passwords_are_refused_with_the_reason(password, username, wrong):
    found = passwords.problems(password, username)
    assert found and any(wrong in p for p in found), found


def test_a_long_sentence_is_a_good_password():
    assert passwords.problems("Katten sover på trappa om morgenen", "konsulent.anne") == []
