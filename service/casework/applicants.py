"""Applicants on the welfare offices' waiting lists, the checklist and the housing journal (step 5).

The checklist (sjekkliste) documents the housing need; every later change is a
new entry in the housing journal (boligjournal), never an overwrite. Each entry
holds the complete checklist that applies from then on, validated against the
vocabulary in rules/felter.yaml through the engine's generated model.
"""

from __future__ import annotations


from sqlalchemy import func, select

from engine.language.validation_messages import MISSING, not_a_choice

from service.store.models import Applicant, JournalEntry, Nomination, User

from service.domain import access, dates
from service.domain.dates import age_on
from service.casework.context import Context, unit_of_work
from service.casework.presentation import seen_by_unit_leader
from service.domain.codes import ALLOCATION_TEAM, ApplicantStatus, Role
from service.domain.errors import Forbidden, IllegalTransition, Problems, invalid
from service.casework.commands import RecordChecklist, RecordJournalChange, RegisterApplicant, checked_by_vocabulary
from service.casework.views import iso


def shareable_fields(ctx: Context) -> list[str]:
    """Checklist fields marked `deles_med_botiltak` in the current vocabulary."""
    section = ctx.compiled_rules().book.vocabulary.section("sjekkliste")
    return [name for name, spec in section.items() if spec.deles_med_botiltak]


def latest_entry(ctx: Context, applicant_id: int) -> JournalEntry | None:
    return ctx.session.scalar(select(JournalEntry).where(JournalEntry.applicant_id == applicant_id)
                              .order_by(JournalEntry.seq.desc()).limit(1))


def _target_group_codes(ctx: Context) -> list[str]:
    field = ctx.compiled_rules().book.vocabulary.get("kandidat.malgrupper")
    return list(field.values or {}) if field else []


@unit_of_work
def register_applicant(ctx: Context, command: RegisterApplicant) -> dict:
    """Put an applicant on a welfare office's waiting list (a caseworker: their own office)."""
    welfare_office = command.welfare_office
    if ctx.role == Role.CASEWORKER:
        if welfare_office not in (None, ctx.actor.welfare_office):
            raise Forbidden("Du kan bare føre opp søkere på ditt eget kontors venteliste.",
                            action="register_applicant")
        welfare_office = ctx.actor.welfare_office
    elif ctx.role not in ALLOCATION_TEAM:
        raise Forbidden("Søkere føres opp av saksbehandlerne ved helse- og velferdskontorene.",
                        action="register_applicant")
    code, name, target_groups = command.code, command.name, command.target_groups
    born, received = command.birth_date, command.application_received
    problems = Problems(command)
    if welfare_office is None and not any(p.path == "welfare_office" for p in command.problems):
        problems.add("welfare_office", MISSING)
    if code and ctx.session.scalar(select(Applicant.id).where(Applicant.code == code)) is not None:
        problems.add("code", f"kandidat-id-en '{code}' er i bruk")
    dates.plausible_birth_date(problems, "birth_date", born, ctx.today())
    dates.not_in_future(problems, "application_received", received, ctx.today(), "mottatt dato")
    allowed = _target_group_codes(ctx)
    for i, group in enumerate(target_groups or []):
        if group not in allowed:
            problems.add(f"target_groups[{i}]", not_a_choice(group, allowed))
    problems.check()
    applicant = Applicant(code=code, name=name, birth_date=born, welfare_office=welfare_office,
                          application_received=received, target_groups=list(target_groups),
                          status=ApplicantStatus.WAITING.value, registered_at=ctx.now())
    ctx.session.add(applicant)
    ctx.session.flush()
    ctx.audit("applicant_registered", applicant_id=applicant.id, welfare_office=welfare_office)
    return _full_view(ctx, applicant)


@unit_of_work
def list_waiting_list(ctx: Context, welfare_office: str | None = None) -> list[dict]:
    """The waiting list of one office (a caseworker: their own), or all for the allocation team."""
    if ctx.role == Role.CASEWORKER and welfare_office is None:
        welfare_office = ctx.actor.welfare_office
    if not access.may_read_waiting_list(ctx.actor, welfare_office):
        raise Forbidden("Du har bare tilgang til ventelisten ved ditt eget kontor." if ctx.role == Role.CASEWORKER
                        else "Ventelistene er for saksbehandlerne ved kontorene og boligtildelingen.",
                        action="read_waiting_list")
    query = select(Applicant).where(Applicant.status == ApplicantStatus.WAITING.value)
    if welfare_office is not None:
        query = query.where(Applicant.welfare_office == welfare_office)
    rows = ctx.session.scalars(query.order_by(Applicant.welfare_office, Applicant.application_received,
                                              Applicant.code)).all()
    ctx.audit_read("read_waiting_list", [a.id for a in rows], welfare_office=welfare_office, count=len(rows))
    return [_list_view(ctx, a) for a in rows]


def _active_nominations(ctx: Context, applicant_id: int) -> list[Nomination]:
    return list(ctx.session.scalars(select(Nomination).where(Nomination.applicant_id == applicant_id,
                                                             Nomination.status == "active")
                                    .order_by(Nomination.id)))


def _list_view(ctx: Context, a: Applicant) -> dict:
    entry = latest_entry(ctx, a.id)
    return {"id": a.id, "code": a.code, "name": a.name, "welfare_office": a.welfare_office,
            "birth_date": iso(a.birth_date), "age": age_on(a.birth_date, ctx.today()),
            "application_received": iso(a.application_received), "target_groups": a.target_groups,
            "status": a.status, "has_checklist": entry is not None,
            "consent_to_share": bool(entry and entry.checklist.get(access.CONSENT_FIELD) is True),
            "active_nominations": [{"vacancy_id": n.vacancy_id, "reference": n.vacancy.reference}
                                   for n in _active_nominations(ctx, a.id)]}


def changed_fields(before: dict | None, after: dict) -> list[dict]:
    """What an entry changed against the one before: `[{field, old, new}]`, the fields in the entry's order.

    Each entry holds the whole checklist, so the difference of two versions is what
    changed; a removed optional field has `new` None. The first entry changed nothing.
    """
    if before is None:
        return []
    names = list(after) + [name for name in before if name not in after]
    return [{"field": name, "old": before.get(name), "new": after.get(name)}
            for name in names if before.get(name) != after.get(name)]


def _journal_view(ctx: Context, entry: JournalEntry, before: JournalEntry | None = None) -> dict:
    author = ctx.session.get(User, entry.author_id)
    return {"seq": entry.seq, "kind": entry.kind, "changes": entry.changes, "note": entry.note,
            "checklist": entry.checklist, "author": author.display_name if author else None,
            "recorded_at": iso(entry.recorded_at),
            "changed": changed_fields(before.checklist if before is not None else None, entry.checklist)}


def _full_view(ctx: Context, a: Applicant) -> dict:
    entries = ctx.session.scalars(select(JournalEntry).where(JournalEntry.applicant_id == a.id)
                                  .order_by(JournalEntry.seq)).all()
    view = _list_view(ctx, a)
    view["checklist"] = entries[-1].checklist if entries else None
    view["journal"] = [_journal_view(ctx, e, entries[i - 1] if i else None) for i, e in enumerate(entries)]
    return view


def _unit_view(ctx: Context, a: Applicant) -> dict:
    """What a unit leader sees: the code, the age and the shareable fields the applicant consented to share.

    Not the target groups: which group a person is counted in (rus, psykisk helse ...)
    is health information the consent does not cover.
    """
    entry = latest_entry(ctx, a.id)
    shared = access.shared_with_unit(entry.checklist if entry else None, shareable_fields(ctx))
    return {"id": a.id, "code": a.code, "welfare_office": a.welfare_office,
            "age": age_on(a.birth_date, ctx.today()),
            "consent_to_share": shared is not None, "checklist_shared": shared,
            "note": None if shared is not None else
            "Søkeren har ikke samtykket til at opplysninger deles med botiltaket."}


@unit_of_work
def get_candidate(ctx: Context, applicant_id: int) -> dict:
    """A candidate's data as the actor may see it; every read (and refusal) is audited."""
    applicant = ctx.get(Applicant, applicant_id, "Søkeren")
    presented_to = set()
    if ctx.role == Role.UNIT_LEADER:
        presented_to = {n.vacancy.home.unit_id for n in _active_nominations(ctx, applicant.id)
                        if applicant.code in seen_by_unit_leader(ctx, n.vacancy)}
    if not access.may_read_applicant(ctx.actor, applicant.welfare_office, presented_to):
        raise Forbidden("Du har ikke tilgang til denne søkerens opplysninger.", action="read_candidate",
                        applicant_id=applicant.id)
    full = access.sees_full_checklist(ctx.actor, applicant.welfare_office)
    ctx.audit("read_candidate", applicant_id=applicant.id, scope="full" if full else "shared_with_unit")
    return _full_view(ctx, applicant) if full else _unit_view(ctx, applicant)


def _may_document(ctx: Context, applicant: Applicant, action: str) -> None:
    if ctx.role != Role.CASEWORKER or ctx.actor.welfare_office != applicant.welfare_office:
        raise Forbidden("Sjekklisten føres av saksbehandleren ved søkerens eget helse- og velferdskontor.",
                        action=action, applicant_id=applicant.id)


def _append(ctx: Context, applicant: Applicant, kind: str, checklist: dict, changes: dict | None,
            note: str | None) -> JournalEntry:
    seq = (ctx.session.scalar(select(func.max(JournalEntry.seq)).where(JournalEntry.applicant_id == applicant.id))
           or 0) + 1
    entry = JournalEntry(applicant_id=applicant.id, seq=seq, kind=kind, checklist=checklist, changes=changes,
                         note=note, author_id=ctx.actor.id, recorded_at=ctx.now())
    ctx.session.add(entry)
    ctx.session.flush()
    text = (f"Sjekkliste for {applicant.code} er ført (journalføring nr. {seq})." if kind == "checklist" else
            f"Sjekklisten for {applicant.code} er endret: {', '.join(sorted(changes or {}))} "
            f"(journalføring nr. {seq}).")
    vacancies = {n.vacancy_id: n.vacancy for n in _active_nominations(ctx, applicant.id)}
    for vacancy in vacancies.values():
        ctx.event(vacancy, "checklist_recorded", text, applicant_id=applicant.id, seq=seq, kind=kind,
                  fields=sorted(changes or {}))
    if not vacancies:
        ctx.audit("checklist_recorded", applicant_id=applicant.id, seq=seq, kind=kind)
    return entry


@unit_of_work
def record_checklist(ctx: Context, applicant_id: int, command: RecordChecklist) -> dict:
    """A complete checklist (sjekkliste) as a new journal entry."""
    applicant = ctx.get(Applicant, applicant_id, "Søkeren")
    _may_document(ctx, applicant, "record_checklist")
    command.check("checklist")
    problems = Problems(command)
    checked = checked_by_vocabulary(problems, "checklist", ctx.compiled_rules().case_models.Sjekkliste,
                                    command.checklist)
    problems.check()
    note = command.note
    entry = _append(ctx, applicant, "checklist", checked, None, note)
    return _journal_view(ctx, entry)


@unit_of_work
def record_journal_change(ctx: Context, applicant_id: int, command: RecordJournalChange) -> dict:
    """Changed fields as a new journal entry (boligjournal); `null` removes an optional field.

    The note says why (new information, a changed situation); the complete
    checklist after the change is validated as a whole.
    """
    applicant = ctx.get(Applicant, applicant_id, "Søkeren")
    _may_document(ctx, applicant, "record_journal_change")
    latest = latest_entry(ctx, applicant.id)
    if latest is None:
        raise IllegalTransition(f"{applicant.code} har ingen sjekkliste ennå; før sjekklisten først.")
    command.check("changes")
    changes, note = command.changes, command.note
    merged = dict(latest.checklist)
    for name, value in changes.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    problems = Problems(command)
    checked = checked_by_vocabulary(problems, "changes", ctx.compiled_rules().case_models.Sjekkliste, merged)
    problems.check()
    real_changes = {k: checked.get(k) for k in changes if latest.checklist.get(k) != checked.get(k)}
    if not real_changes:
        raise invalid("changes", "endringene er like det som allerede står i sjekklisten")
    entry = _append(ctx, applicant, "change", checked, real_changes, note)
    return _journal_view(ctx, entry, latest)
