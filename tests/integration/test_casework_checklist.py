"""The checklist is validated against the vocabulary; changes are new journal entries, never overwrites."""

from __future__ import annotations

import pytest

from service.casework import Forbidden, IllegalTransition, InvalidInput, applicants
from service.casework import commands


def test_a_checklist_with_unknown_fields_and_bad_values_names_each_field(world):
    w = world
    applicant = applicants.register_applicant(w.ctx('hvk.midtbyen'),
        commands.parse(commands.RegisterApplicant, code='K-9000', name='Test Testesen', birth_date='1990-01-01',
                       application_received='2026-01-02', target_groups=['rus']))
    with pytest.raises(InvalidInput) as bad:
        applicants.record_checklist(w.ctx('hvk.midtbyen'), applicant['id'],
            commands.parse(commands.RecordChecklist,
                           checklist={'bosituasjon': 'slott', 'tjenestebehov': 'dag', 'farge': 'blå'}))
    paths = {p.path for p in bad.value.problems}
    assert {"checklist.bosituasjon", "checklist.farge", "checklist.akutt_fare"} <= paths
    assert "ukjent felt 'farge'" in str(bad.value)
    assert w.count("journal_entries", f"applicant_id = {applicant['id']}") == 0


def test_a_change_is_a_new_journal_entry_and_the_earlier_version_is_kept(world):
    w = world
    applicant_id = w.applicant_id("K-2031")
    before = applicants.get_candidate(w.ctx("hvk.lerkendal"), applicant_id)
    applicants.record_journal_change(w.ctx('hvk.lerkendal'), applicant_id,
        commands.parse(commands.RecordJournalChange, changes={'utagering': 'lav'},
                       note='Ny vurdering fra spesialisthelsetjenesten.'))
    after = applicants.get_candidate(w.ctx("hvk.lerkendal"), applicant_id)
    assert [e["seq"] for e in after["journal"]] == [1, 2]
    assert after["journal"][0]["checklist"] == before["checklist"]
    assert after["checklist"]["utagering"] == "lav"
    assert after["journal"][1]["changes"] == {"utagering": "lav"}
    assert after["journal"][1]["note"] == "Ny vurdering fra spesialisthelsetjenesten."


def test_a_change_is_validated_as_a_whole_and_needs_a_reason(world):
    w = world
    applicant_id = w.applicant_id("K-2031")
    with pytest.raises(InvalidInput) as bad:
        applicants.record_journal_change(w.ctx('hvk.lerkendal'), applicant_id,
            commands.parse(commands.RecordJournalChange, changes={'utagering': 'middels'}, note=''))
    assert {p.path for p in bad.value.problems} == {"note", "changes.utagering"}
    with pytest.raises(InvalidInput, match="like det som allerede står"):
        applicants.record_journal_change(w.ctx('hvk.lerkendal'), applicant_id,
            commands.parse(commands.RecordJournalChange, changes={'utagering': 'ingen'}, note='x'))


def test_only_the_applicants_own_office_keeps_the_checklist(world):
    w = world
    with pytest.raises(Forbidden):
        applicants.record_journal_change(w.ctx('hvk.midtbyen'), w.applicant_id('K-2031'),
            commands.parse(commands.RecordJournalChange, changes={'utagering': 'lav'}, note='x'))
    with pytest.raises(Forbidden):
        applicants.record_journal_change(w.ctx('konsulent.anne'), w.applicant_id('K-2031'),
            commands.parse(commands.RecordJournalChange, changes={'utagering': 'lav'}, note='x'))


def test_a_change_needs_a_checklist_first(world):
    w = world
    applicant = applicants.register_applicant(w.ctx('hvk.heimdal'),
        commands.parse(commands.RegisterApplicant, code='K-9001', name='Ny Søker', birth_date='1980-05-05',
                       application_received='2026-03-01', target_groups=['psykisk_lidelse']))
    with pytest.raises(IllegalTransition, match="ingen sjekkliste"):
        applicants.record_journal_change(w.ctx('hvk.heimdal'), applicant['id'],
            commands.parse(commands.RecordJournalChange, changes={'utagering': 'lav'}, note='x'))


def test_registering_an_applicant_checks_the_target_groups_against_the_vocabulary(world):
    w = world
    with pytest.raises(InvalidInput) as bad:
        applicants.register_applicant(w.ctx('hvk.heimdal'), commands.parse(commands.RegisterApplicant, code='K-2031',
                                                                           name='', birth_date='1980-13-01',
                                                                           application_received='2026-03-01',
                                                                           target_groups=['eldre']))
    assert {p.path for p in bad.value.problems} == {"code", "name", "birth_date", "target_groups[0]"}
    with pytest.raises(Forbidden):
        applicants.register_applicant(w.ctx('hvk.heimdal'), commands.parse(commands.RegisterApplicant, code='K-9002',
                                                                           name='X', birth_date='1980-01-01',
                                                                           application_received='2026-03-01',
                                                                           target_groups=['rus'],
                                                                           welfare_office='Midtbyen'))
