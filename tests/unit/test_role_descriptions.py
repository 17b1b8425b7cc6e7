"""How a person's role reads in a sentence: the office named once, and only for those who have one."""

from __future__ import annotations

import pytest

from service.domain.codes import OFFICES, ROLE_LABELS, Role, describe_role


@pytest.mark.parametrize("office", OFFICES)
def test_a_caseworker_is_described_with_their_own_office_named_once(office):
    described = describe_role(Role.CASEWORKER, office)

    assert described == f"saksbehandler ved {office} helse- og velferdskontor"
    assert described.count("helse- og velferdskontor") == 1 and described.count(" ved ") == 1


@pytest.mark.parametrize("role", [r for r in Role if r != Role.CASEWORKER])
def test_a_role_without_an_office_is_described_by_its_label(role):
    assert describe_role(role) == ROLE_LABELS[role]
    assert describe_role(role.value) == ROLE_LABELS[role]
