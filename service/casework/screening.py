"""Screening the waiting lists against a vacancy (step 4): who on them fits this home, and why not.

Today a caseworker reads the waiting list by hand to find whom to nominate. Here
every waiting applicant the reader may see (the allocation team: every office; a
caseworker: their own office) is put into one case with the vacancy, its home and
its residents, and ranked by the rules in force today, as if all of them were
nominated. The ranking is the engine's brief one (`rank_rows`, `rank_summary`'s rows: the same order,
scores and blocking rules as the full ranking, without rendering explanations),
so 5,000 applicants take a fraction of a second (benchmarks/screening_benchmark.py).

A caseworker's screening holds only their own office's applicants, so neither the
rows nor the ranks say anything about another office's waiting list.

What a row says beside the ranking: whether the applicant is nominated here or
for another vacancy, whether the checklist is missing, and whether it was changed
(a journal change) after it was last recorded in full, so the nominating
caseworker knows it may need a fresh look. An applicant whose checklist no longer
fits the rules in force (a field removed, a value no longer allowed) is listed
with the problem instead of stopping the whole screening.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import OrderedDict
from threading import Lock

from sqlalchemy import case, func, select

from engine import CaseError
from engine.evaluation.gc_pause import paused_gc
from service.casework.applicants import age_on
from service.casework.context import Context, unit_of_work
from service.casework.recommendations import candidate_section, vacancy_section
from service.casework.pending_elsewhere import pending_since
from service.casework.refusals import refusal_facts
from service.domain.codes import ALLOCATION_TEAM, UNDECIDED, ApplicantStatus, NominationStatus, Role, Stage
from service.domain.errors import Forbidden, IllegalTransition
from service.store.models import Applicant, JournalEntry, Nomination, Resident, Vacancy

#: A row's standing, in the order a list of them is read.
QUALIFIES, CONSULTATION, BLOCKED, NO_CHECKLIST, CHECKLIST_INVALID = (
    "qualifies", "consultation", "blocked", "no_checklist", "checklist_invalid")
STATUS_LABELS = {QUALIFIES: "kan tildeles", CONSULTATION: "kan tildeles, krever drøftingsmøte",
                 BLOCKED: "kan ikke tildeles", NO_CHECKLIST: "mangler sjekkliste",
                 CHECKLIST_INVALID: "sjekklisten passer ikke med regelverket"}


def _may_screen(ctx: Context, vacancy: Vacancy) -> str | None:
    """The office whose list the reader screens (None: every office); Forbidden for anyone else."""
    if ctx.role in ALLOCATION_TEAM:
        return None
    if ctx.role == Role.CASEWORKER:
        return ctx.actor.welfare_office
    raise Forbidden("Ventelistene sjekkes mot boligen av boligtildelingen og saksbehandlerne ved kontorene.",
                    action="screen_waiting_list", vacancy_id=vacancy.id)


def _latest_checklists(ctx: Context, applicant_ids: list[int]) -> dict[int, dict]:
    """For each applicant with a journal: the checklist in force, when the journal last changed,
    and when the checklist was last recorded in full. Two queries, whatever the number of applicants."""
    if not applicant_ids:
        return {}
    marks = (select(JournalEntry.applicant_id, func.max(JournalEntry.seq).label("seq"),
                    func.max(JournalEntry.recorded_at).label("changed_at"),
                    func.max(case((JournalEntry.kind == "checklist", JournalEntry.recorded_at))).label("full_at"))
             .where(JournalEntry.applicant_id.in_(applicant_ids))
             .group_by(JournalEntry.applicant_id).subquery())
    rows = ctx.session.execute(
        select(JournalEntry.applicant_id, JournalEntry.checklist, marks.c.changed_at, marks.c.full_at)
        .join(marks, (JournalEntry.applicant_id == marks.c.applicant_id) & (JournalEntry.seq == marks.c.seq))).all()
    return {r.applicant_id: {"checklist": r.checklist, "changed_at": r.changed_at, "full_at": r.full_at}
            for r in rows}


def _active_nominations(ctx: Context, applicant_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    if not applicant_ids:
        return {}
    rows = ctx.session.execute(
        select(Nomination.applicant_id, Vacancy.id, Vacancy.reference)
        .join(Vacancy, Vacancy.id == Nomination.vacancy_id)
        .where(Nomination.status == NominationStatus.ACTIVE.value, Nomination.applicant_id.in_(applicant_ids))
        .order_by(Nomination.id)).all()
    out: dict[int, list[tuple[int, str]]] = {}
    for applicant_id, vacancy_id, reference in rows:
        out.setdefault(applicant_id, []).append((vacancy_id, reference))
    return out


#: From this many waiting applicants the screening runs with the cyclic collector paused (it would cost
#: as much as the ranking itself); below it the pause is not worth holding other requests' collections off.
PAUSE_FROM = 500

_CANDIDATE_PATH = re.compile(r"kandidater\[(\d+)\]\.?(.*)$")


def _rank_dropping_unfit(ctx: Context, case_data: dict, as_of: dt.date):
    """rank_rows of the case; candidates whose checklist the rules refuse are taken out, with why."""
    rules = ctx.compiled_rules()
    unfit: dict[str, list[str]] = {}
    for _ in range(3):  # the refused are all named at once; a second pass only if removing them exposed more
        try:
            return rules.rank_rows(case_data, as_of), unfit
        except CaseError as exc:
            bad: dict[int, list[str]] = {}
            for problem in exc.problems:
                found = _CANDIDATE_PATH.match(problem.path or "")
                if found is None:
                    raise  # the home or its residents: not the applicants' doing; the caller reports it
                field = found.group(2).removeprefix("sjekkliste.")
                bad.setdefault(int(found.group(1)), []).append(f"{field}: {problem.message}" if field
                                                               else problem.message)
            kept = []
            for i, candidate in enumerate(case_data["kandidater"]):
                if i in bad:
                    unfit[candidate["id"]] = bad[i]
                else:
                    kept.append(candidate)
            case_data = {**case_data, "kandidater": kept}
    return rules.rank_rows(case_data, as_of), unfit


def _rule_names(ctx: Context) -> dict[str, str]:
    book = ctx.compiled_rules().book
    plan_rules = [r for plan in book.plans for r in [*plan.kriterier, *plan.kontroller, *plan.vilkar]]
    return {rule.id: rule.navn for rule in [*book.conditions, *book.criteria, *book.checks, *book.composition,
                                            *plan_rules]}


def _evaluate(ctx: Context, vacancy: Vacancy, office: str | None) -> dict:
    """The screening itself: every row, and the counts. No audit (see `screen_waiting_list`)."""
    as_of = ctx.today()
    query = (select(Applicant.id, Applicant.code, Applicant.name, Applicant.welfare_office, Applicant.birth_date,
                    Applicant.application_received, Applicant.target_groups)  # rows, not objects: thousands
             .where(Applicant.status == ApplicantStatus.WAITING.value))
    if office is not None:
        query = query.where(Applicant.welfare_office == office)
    people = ctx.session.execute(query.order_by(Applicant.code)).all()
    ids = [a.id for a in people]
    journals = _latest_checklists(ctx, ids)
    nominated = _active_nominations(ctx, ids)
    section = vacancy_section(ctx, vacancy)
    refused = refusal_facts(ctx, ids)
    here = {n.applicant_id: n.nominated_at for n in vacancy.nominations if n.status == NominationStatus.ACTIVE.value}
    elsewhere = pending_since(ctx, vacancy, {i: here.get(i) for i in ids if i in journals})
    candidates = [candidate_section(a, a.welfare_office, journals[a.id]["checklist"], as_of,
                                    {**refused.get(a.id, {}), **elsewhere.get(a.id, {})})
                  for a in people if a.id in journals]
    if candidates:
        ordered, unfit = _rank_dropping_unfit(ctx, {**section, "kandidater": candidates}, as_of)
        ranked = {c["id"]: c for c in ordered}
    else:
        ranked, unfit = {}, {}
    rules_label = ctx.compiled_rules().version.label
    names = _rule_names(ctx)
    reasons: dict[str, dict] = {}  # rule id -> its entry in a row's reasons, built once (read-only from here)

    def reasons_for(rule_ids) -> list[dict]:
        out = []
        for rule_id in rule_ids:
            reason = reasons.get(rule_id)
            if reason is None:
                reason = reasons[rule_id] = {"rule_id": rule_id, "name": names.get(rule_id, rule_id)}
            out.append(reason)
        return out

    nowhere: list = []
    rows = []
    for a in people:
        journal = journals.get(a.id)
        found = ranked.get(a.code)
        elsewhere = nominated.get(a.id, nowhere)
        row = {"applicant_id": a.id, "code": a.code, "name": a.name, "welfare_office": a.welfare_office,
               "age": age_on(a.birth_date, as_of), "application_received": a.application_received.isoformat(),
               "rank": None, "score": None, "eligible": False, "needs_consultation": False,
               "blocked_by": [], "consultation_by": [], "problems": unfit.get(a.code, []),
               "nominated_here": any(v == vacancy.id for v, _ in elsewhere),
               "nominated_elsewhere": [{"vacancy_id": v, "reference": ref} for v, ref in elsewhere
                                       if v != vacancy.id],
               "checklist_recorded_at": None, "checklist_changed_after_review": False}
        if journal is None:
            status = NO_CHECKLIST
        else:
            full_at, changed_at = journal["full_at"], journal["changed_at"]
            row["checklist_recorded_at"] = (full_at or changed_at).isoformat()
            row["checklist_changed_after_review"] = bool(full_at and changed_at > full_at)
            status = CHECKLIST_INVALID
        if found is not None:
            eligible, consultation = found["eligible"], found["needs_consultation"]
            row["rank"], row["score"], row["eligible"] = found["rank"], found["score"], eligible
            row["needs_consultation"] = consultation
            # an unmet eligibility condition (vilkår) keeps them from any home: first among the reasons
            if found["not_qualified_by"] or found["blocked_by"]:
                row["blocked_by"] = reasons_for([*found["not_qualified_by"], *found["blocked_by"]])
            if found["consultation_by"]:
                row["consultation_by"] = reasons_for(found["consultation_by"])
            status = BLOCKED if not eligible else CONSULTATION if consultation else QUALIFIES
        row["status"] = status
        row["status_label"] = STATUS_LABELS[status]
        rows.append(row)
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["code"]))
    counts = {key: sum(1 for r in rows if r["status"] == key) for key in STATUS_LABELS}
    suitable = counts[QUALIFIES] + counts[CONSULTATION]
    return {"vacancy_id": vacancy.id, "reference": vacancy.reference, "as_of": as_of.isoformat(),
            "rules_version": rules_label, "welfare_office": office, "applicants": rows,
            "counts": {**counts, "total": len(rows), "suitable": suitable},
            "hard_to_fill": suitable < _threshold(ctx), "hard_to_fill_below": _threshold(ctx)}


def _threshold(ctx: Context) -> int:
    """`vanskelig_a_fylle_under` in the deadlines file (rutine/frister.yaml)."""
    return ctx.deadlines().hard_to_fill_below


@unit_of_work
def screen_waiting_list(ctx: Context, vacancy_id: int) -> dict:
    """Every waiting applicant the reader may see, evaluated against the vacancy by the rules in force."""
    vacancy = ctx.get(Vacancy, vacancy_id, "Den ledige boligen")
    office = _may_screen(ctx, vacancy)
    if Stage(vacancy.stage) not in UNDECIDED:
        raise IllegalTransition("Boligen er allerede tildelt; ventelistene sjekkes bare mot boliger som ikke er "
                                "tildelt ennå.")
    waiting = ctx.session.scalar(select(func.count(Applicant.id)).where(
        Applicant.status == ApplicantStatus.WAITING.value, *([Applicant.welfare_office == office] if office else [])))
    with paused_gc(waiting >= PAUSE_FROM):  # bounded: engine/evaluation/gc_pause.py says why
        result = _evaluate(ctx, vacancy, office)
        ctx.audit_read("screen_waiting_list", [r["applicant_id"] for r in result["applicants"]],
                       vacancy_id=vacancy.id, welfare_office=office, count=len(result["applicants"]))
        ctx.session.flush()
    return result


# -- how many could take each open vacancy (the overview's "hard to fill") ----------------------------

_CACHE: "OrderedDict[tuple, int]" = OrderedDict()
_CACHE_LOCK = Lock()
_CACHE_SIZE = 256


def _fingerprints(ctx: Context, vacancies: list[Vacancy]) -> dict[int, tuple]:
    """Everything each count depends on: the vacancy, the rules, the day, the waiting lists and journals.

    Three queries whatever the number of vacancies: the journals and the waiting lists
    are the same for all of them, and the residents are counted per unit at once.
    """
    journal = tuple(ctx.session.execute(select(func.max(JournalEntry.id), func.count(JournalEntry.id))).one())
    waiting = tuple(ctx.session.execute(select(func.max(Applicant.id), func.count(Applicant.id))
                                        .where(Applicant.status == ApplicantStatus.WAITING.value)).one())
    units = {v.home.unit_id for v in vacancies}
    residents = {unit_id: (newest, count) for unit_id, newest, count in ctx.session.execute(
        select(Resident.unit_id, func.max(Resident.id), func.count(Resident.id))
        .where(Resident.unit_id.in_(units), Resident.moved_out_on.is_(None)).group_by(Resident.unit_id))}
    shared = (str(ctx.session.get_bind().url), ctx.compiled_rules().book.content_hash, ctx.today(), journal, waiting)
    return {v.id: (*shared, v.id, v.version, residents.get(v.home.unit_id, (None, 0)),
                   repr(v.home.unit.profile), repr(v.home.facts)) for v in vacancies}


def suitable_counts(ctx: Context, vacancies: list[Vacancy]) -> dict[int, int]:
    """For the allocation team's overview: how many waiting applicants could be allocated each vacancy.

    Numbers only, so no audit entry. Remembered per fingerprint (the vacancy's version,
    the rules, today, the newest journal entry and applicant), so the overview ranks
    the waiting lists again only after something they depend on changed.
    """
    undecided = [v for v in vacancies if Stage(v.stage) in UNDECIDED]
    keys = _fingerprints(ctx, undecided) if undecided else {}
    out = {}
    for vacancy in undecided:
        key = keys[vacancy.id]
        with _CACHE_LOCK:
            known = _CACHE.get(key)
        if known is None:
            known = _evaluate(ctx, vacancy, None)["counts"]["suitable"]
            with _CACHE_LOCK:
                _CACHE[key] = known
                while len(_CACHE) > _CACHE_SIZE:
                    _CACHE.popitem(last=False)
        out[vacancy.id] = known
    return out


@unit_of_work
def hard_to_fill(ctx: Context, vacancy_id: int | None = None) -> dict[int, dict]:
    """The vacancies still being processed with fewer suitable applicants than the threshold (team only);
    only `vacancy_id` when given (its own page needs no other)."""
    if ctx.role not in ALLOCATION_TEAM:
        return {}
    query = select(Vacancy).where(Vacancy.stage.in_([s.value for s in UNDECIDED]))
    if vacancy_id is not None:
        query = query.where(Vacancy.id == vacancy_id)
    open_ones = ctx.session.scalars(query).all()
    threshold = _threshold(ctx)
    return {vid: {"suitable": n, "hard_to_fill": n < threshold} for vid, n in suitable_counts(ctx, open_ones).items()}
