"""The recommendation (innstilling, step 6): rank the nominees with the engine, four eyes, re-rank later.

The engine's input is assembled from the store (the vacancy, the home, the
unit's service profile, its current residents, each active nominee and their
latest checklist), ranked as of the recommendation date, and stored as an
immutable snapshot together with the rules version, whose files are archived
by content hash. A second consultant - not the author - approves it.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from engine import CaseError
from engine.errors import Problem
from service.store.models import Recommendation, RecommendationApproval, Resident, Vacancy
from service.store.rules_archive import RulesVersionMissing, archive, compiled_version

from service.casework import notifications
from service.casework.allocations import allocation_lists, allocations_changed
from service.casework.applicants import age_on, latest_entry
from service.casework.context import Context, unit_of_work
from service.casework.disclosure import as_own_office_reads
from service.casework.presentation import presentation, seen_by_unit_leader
from service.casework.pending_elsewhere import pending_elsewhere_facts
from service.casework.refusals import refusal_facts
from service.casework.commands import ApproveRecommendation, MakeRecommendation, RankAgain, ReturnRecommendation
from service.domain.codes import ALLOCATION_TEAM, READINESS_ENGINE_CODES, NominationStatus, Readiness, Role, Stage
from service.domain.errors import Forbidden, IllegalTransition, InvalidInput, NotFound
from service.domain.steps import require_step
from service.casework.views import recommendation_header


def vacancy_section(ctx: Context, vacancy: Vacancy) -> dict:
    """The engine's `ledig_bolig` and `beboere` for `vacancy`, from what the store holds now."""
    home, unit = vacancy.home, vacancy.home.unit
    ledig = {"id": vacancy.reference, "meldt": vacancy.reported_on.isoformat(),
             "status": READINESS_ENGINE_CODES[Readiness(vacancy.readiness)],
             "bolig": {"adresse": home.address, **home.facts},
             "botiltak": {"id": unit.id, "navn": unit.name, **unit.profile}}
    if vacancy.vacated_on:
        ledig["fraflyttet"] = vacancy.vacated_on.isoformat()
    if vacancy.ready_on:
        ledig["klar_til_innflytting"] = vacancy.ready_on.isoformat()
    if vacancy.monthly_rent is not None:
        ledig["husleie_per_maned"] = vacancy.monthly_rent
    ledig.update(allocation_lists(ctx, vacancy.id))  # earlier allocations, where the rules count them (a quota)
    residents = ctx.session.scalars(select(Resident).where(Resident.unit_id == unit.id,
                                                           Resident.moved_out_on.is_(None))
                                    .order_by(Resident.code)).all()
    return {"ledig_bolig": ledig, "beboere": [{"id": r.code, **r.facts} for r in residents]}


def candidate_section(applicant, welfare_office: str, checklist: dict, as_of: dt.date,
                      refusals: dict | None = None) -> dict:
    """One applicant as the engine's `kandidater[i]`, with the checklist that applies now and the
    facts the service fills in where the rules declare them (service/casework/refusals.py,
    service/casework/pending_elsewhere.py)."""
    return {"id": applicant.code, "hvk": welfare_office,
            "soknad_mottatt": applicant.application_received.isoformat(),
            "alder": age_on(applicant.birth_date, as_of), "malgrupper": list(applicant.target_groups),
            **(refusals or {}), "sjekkliste": dict(checklist)}


def build_case(ctx: Context, vacancy: Vacancy, as_of: dt.date) -> dict:
    """The engine's case for `vacancy` as of `as_of`: the home, its residents and the active nominees."""
    candidates, missing = [], []
    active = [n for n in vacancy.nominations if n.status == NominationStatus.ACTIVE.value]
    refused = refusal_facts(ctx, [n.applicant_id for n in active])
    elsewhere = pending_elsewhere_facts(ctx, vacancy, active)
    for nomination in active:
        applicant = nomination.applicant
        entry = latest_entry(ctx, applicant.id)
        if entry is None:
            missing.append(applicant.code)
            continue
        candidates.append(candidate_section(applicant, nomination.welfare_office, entry.checklist, as_of,
                                            {**refused.get(applicant.id, {}), **elsewhere.get(applicant.id, {})}))
    if missing:
        raise IllegalTransition("Innstillingen kan ikke skrives før sjekklisten er ført for: "
                                + ", ".join(missing) + ".")
    return {**vacancy_section(ctx, vacancy), "kandidater": candidates}


@unit_of_work
def make_recommendation(ctx: Context, vacancy_id: int, command: MakeRecommendation | None = None) -> dict:
    """Rank the active nominees and store the recommendation (innstilling) as a snapshot."""
    vacancy = ctx.get(Vacancy, vacancy_id, "Den ledige boligen", lock=True)
    ctx.require_role(ALLOCATION_TEAM, "Innstillingen skrives av en boligkonsulent.", action="make_recommendation",
                     vacancy_id=vacancy.id)
    require_step("make_recommendation", vacancy.stage)
    rec = _rank_and_store(ctx, vacancy, "Innstilling skrevet")
    return {**recommendation_header(rec), "result": rec.result, "input": rec.input}


@unit_of_work
def preview_ranking(ctx: Context, vacancy_id: int) -> dict:
    """The ranking the recommendation would give now, for the team before writing it; nothing is stored.

    Only while the vacancy takes nominations: after that the recommendation itself is the ranking.
    """
    vacancy = ctx.get(Vacancy, vacancy_id, "Den ledige boligen")
    ctx.require_role(ALLOCATION_TEAM, "Forhåndsvisningen av rangeringen er for boligtildelingen.",
                     action="preview_ranking", vacancy_id=vacancy.id)
    if vacancy.stage != Stage.OPEN.value:
        raise IllegalTransition("Innstillingen er skrevet; se rangeringen i innstillingen.")
    if not any(n.status == NominationStatus.ACTIVE.value for n in vacancy.nominations):
        raise IllegalTransition("Det er ingen aktive nominasjoner å rangere ennå.")
    as_of = ctx.today()
    case = build_case(ctx, vacancy, as_of)
    try:
        result = ctx.compiled_rules().rank(case, as_of)
    except CaseError as exc:
        raise InvalidInput(_by_nominee(exc.problems, case)) from exc
    ctx.audit_read("preview_ranking", [n.applicant_id for n in vacancy.nominations
                                       if n.status == NominationStatus.ACTIVE.value], vacancy_id=vacancy.id)
    return result.model_dump(mode="json")


@unit_of_work
def rank_again(ctx: Context, vacancy_id: int, command: RankAgain | None = None) -> dict:
    """A new recommendation from today's checklists, when one changed after the latest (before the decision).

    The earlier recommendation, the unit leader's answer and any minutes stay in the
    case; the new one needs four eyes again and is presented to the unit leader again.
    """
    vacancy = ctx.get(Vacancy, vacancy_id, "Den ledige boligen", lock=True)
    ctx.require_role(ALLOCATION_TEAM, "Innstillingen skrives av en boligkonsulent.", action="rank_again",
                     vacancy_id=vacancy.id)
    require_step("rank_again", vacancy.stage)
    latest = _latest(ctx, vacancy)
    changed = changed_since(ctx, vacancy, latest) if latest else {}
    allocated = bool(latest) and allocations_changed(ctx, vacancy.id, latest)
    if not changed and not allocated:
        raise IllegalTransition("Ingen av de nominertes sjekklister er endret etter innstillingen; den står.")
    why = []
    if changed:
        why.append("sjekklisten er endret for " + "; ".join(f"{code} ({', '.join(fields)})"
                                                            for code, fields in sorted(changed.items())))
    if allocated:
        why.append("det er fattet vedtak om tildeling som regelverket teller (kvote)")
    rec = _rank_and_store(ctx, vacancy, "Ny innstilling skrevet fordi " + " og ".join(why) + ", etter regelverk",
                          replaces=latest)
    return {**recommendation_header(rec), "result": rec.result, "input": rec.input}


def _rank_and_store(ctx: Context, vacancy: Vacancy, said: str, replaces: Recommendation | None = None
                    ) -> Recommendation:
    if not any(n.status == NominationStatus.ACTIVE.value for n in vacancy.nominations):
        raise IllegalTransition("Det er ingen aktive nominasjoner å rangere.")
    rules = ctx.compiled_rules()
    as_of = ctx.today()
    case = build_case(ctx, vacancy, as_of)
    try:
        result = rules.rank(case, as_of)
    except CaseError as exc:
        raise InvalidInput(_by_nominee(exc.problems, case)) from exc
    if result.out_of_scope is not None:  # gjelder_ikke: the home is allocated some other way, not under these rules
        raise IllegalTransition(f"Regelverket gjelder ikke denne boligen ({result.out_of_scope.name}): "
                                f"{result.out_of_scope.text} Ingen er rangert, og innstillingen er ikke skrevet.")
    try:
        bundle = archive(ctx.session, rules.book, ctx.now())
    except RulesVersionMissing as exc:
        raise IllegalTransition(str(exc)) from exc
    rec = Recommendation(vacancy_id=vacancy.id, as_of=as_of, input=case, result=result.model_dump(mode="json"),
                         input_hash=result.input_hash, rules_hash=bundle.content_hash, rules_label=bundle.label,
                         author_id=ctx.actor.id, created_at=ctx.now())
    ctx.session.add(rec)
    vacancy.stage = Stage.RECOMMENDED.value
    ctx.session.flush()
    order = ", ".join(f"{c.rank}. {c.id}" for c in result.candidates)
    text = f"{said} {bundle.label}: {order}." if replaces else f"{said} etter regelverk {bundle.label}: {order}."
    ctx.event(vacancy, "recommended", text, recommendation_id=rec.id, rules_hash=bundle.content_hash,
              input_hash=result.input_hash, as_of=as_of, order=[c.id for c in result.candidates],
              replaces=replaces.id if replaces else None)
    return rec


def _by_nominee(problems, case: dict) -> list:
    """A case the engine refuses names the nominee and the checklist field, not `kandidater[2]...`."""
    codes = [c["id"] for c in case.get("kandidater", [])]
    out = []
    for p in problems:
        found = re.match(r"kandidater\[(\d+)\]\.?(.*)$", p.path or "")
        if found and int(found.group(1)) < len(codes):
            code, field = codes[int(found.group(1))], found.group(2)
            field = field.removeprefix("sjekkliste.")
            where = f" (feltet «{field}»)" if field else ""
            out.append(Problem(path=f"{code}.{field}" if field else code,
                               message=f"{code}{where}: {p.message}. Rett opplysningene om søkeren og prøv igjen."))
        else:
            out.append(p)
    return out


def _latest(ctx: Context, vacancy: Vacancy) -> Recommendation | None:
    return ctx.session.scalar(select(Recommendation).where(Recommendation.vacancy_id == vacancy.id)
                              .order_by(Recommendation.id.desc()).limit(1))


def _second_pair_of_eyes(ctx: Context, vacancy_id: int, command: ApproveRecommendation | ReturnRecommendation,
                         action: str) -> tuple[Vacancy, Recommendation]:
    vacancy = ctx.get(Vacancy, vacancy_id, "Den ledige boligen", lock=True)
    command.check("recommendation_id")
    rec = ctx.get(Recommendation, command.recommendation_id, "Innstillingen")
    if rec.vacancy_id != vacancy.id:
        raise NotFound("Innstillingen finnes ikke for denne boligen.")
    ctx.require_role(ALLOCATION_TEAM, "Innstillingen godkjennes av en boligkonsulent.", action=action,
                     vacancy_id=vacancy.id)
    if rec.author_id == ctx.actor.id:
        raise Forbidden("Innstillingen må godkjennes av en annen boligkonsulent enn den som skrev den "
                        "(fire øyne).", action=action, vacancy_id=vacancy.id)
    require_step(action, vacancy.stage)
    latest = _latest(ctx, vacancy)
    if latest is None or latest.id != rec.id or ctx.session.scalar(
            select(RecommendationApproval.id).where(RecommendationApproval.recommendation_id == rec.id)):
        raise IllegalTransition("Denne innstillingen er allerede behandlet.")
    return vacancy, rec


@unit_of_work
def approve_recommendation(ctx: Context, vacancy_id: int, command: ApproveRecommendation) -> dict:
    """The second consultant approves (fire øyne); the recommended are presented to the unit leader."""
    vacancy, rec = _second_pair_of_eyes(ctx, vacancy_id, command, "approve_recommendation")
    command.check()
    note = command.note
    ctx.session.add(RecommendationApproval(recommendation_id=rec.id, approver_id=ctx.actor.id, approved=True,
                                           note=note, decided_at=ctx.now()))
    vacancy.stage = Stage.APPROVED.value
    shown = presentation(ctx, vacancy)
    ctx.event(vacancy, "approved", f"Innstillingen er godkjent av {ctx.actor.display_name} (fire øyne). "
                                   f"Legges fram for enhetslederen: {', '.join(shown.presented)}.",
              recommendation_id=rec.id, presented=shown.presented, note=note)
    notifications.recommendation_to_unit(ctx, vacancy, shown.presented)
    return {**recommendation_header(rec), "presented": shown.presented, "stage": vacancy.stage}


@unit_of_work
def return_recommendation(ctx: Context, vacancy_id: int, command: ReturnRecommendation) -> dict:
    """The second consultant sends the recommendation back; the vacancy is open again.

    The returned recommendation stays stored; a new one is written later.
    """
    vacancy, rec = _second_pair_of_eyes(ctx, vacancy_id, command, "return_recommendation")
    command.check()
    note = command.note
    ctx.session.add(RecommendationApproval(recommendation_id=rec.id, approver_id=ctx.actor.id, approved=False,
                                           note=note, decided_at=ctx.now()))
    vacancy.stage = Stage.OPEN.value
    ctx.event(vacancy, "recommendation_returned",
              f"Innstillingen er sendt tilbake av {ctx.actor.display_name}; saken er åpen igjen.",
              recommendation_id=rec.id, note=note)
    return {**recommendation_header(rec), "stage": vacancy.stage}


def changed_since(ctx: Context, vacancy: Vacancy, rec: Recommendation) -> dict[str, list[str]]:
    """For each nominee still in the running: the checklist fields whose value now differs from what the
    recommendation ranked (a journal change after it), so the team sees that the ranking may be stale."""
    ranked = {c["id"]: c.get("sjekkliste", {}) for c in rec.input.get("kandidater", [])}
    out: dict[str, list[str]] = {}
    for nomination in vacancy.nominations:
        code = nomination.applicant.code
        if nomination.status != NominationStatus.ACTIVE.value or code not in ranked:
            continue
        entry = latest_entry(ctx, nomination.applicant_id)
        now = dict(entry.checklist) if entry else {}
        fields = sorted(k for k in set(now) | set(ranked[code]) if now.get(k) != ranked[code].get(k))
        if fields:
            out[code] = fields
    return out


@unit_of_work
def get_recommendation(ctx: Context, recommendation_id: int) -> dict:
    """The recommendation as the actor may see it (audited: it holds people's data).

    The allocation team sees everything, the exact input included. The unit leader
    sees rank, score and flags of the nominees presented to them, once approved and
    while the case is open, no explanations (they could reveal fields not shared
    with the unit). A caseworker sees their own
    candidate's full explanation and its place.
    """
    rec = ctx.get(Recommendation, recommendation_id, "Innstillingen")
    vacancy = ctx.get(Vacancy, rec.vacancy_id, "Den ledige boligen")
    view = recommendation_header(rec)
    approval = ctx.session.scalar(select(RecommendationApproval)
                                  .where(RecommendationApproval.recommendation_id == rec.id))
    view["approval"] = None if approval is None else {
        "approved": approval.approved, "approver_id": approval.approver_id, "at": approval.decided_at.isoformat(),
        # the four-eyes note is the team's own: why it was approved or sent back
        "note": approval.note if ctx.role in ALLOCATION_TEAM else None}
    candidates = rec.result["candidates"]
    if ctx.role in ALLOCATION_TEAM:
        view.update(result=rec.result, input=rec.input, scope="full", changed_since=changed_since(ctx, vacancy, rec))
    elif ctx.role == Role.UNIT_LEADER and vacancy.home.unit_id in ctx.actor.unit_ids:
        # Only the approved ranking, only the presented nominees, only while the case is open.
        approval_given = approval is not None and approval.approved
        seen = seen_by_unit_leader(ctx, vacancy) if approval_given else set()
        if not seen:
            raise Forbidden("Innstillingen legges fram for enhetslederen når en annen boligkonsulent har godkjent "
                            "den, og bare mens saken pågår.", action="read_recommendation", vacancy_id=vacancy.id)
        view.update(scope="unit", candidates=[
            {k: c.get(k) for k in ("rank", "id", "score", "eligible", "needs_consultation")}
            | {"equal_standing_with": [o for o in c.get("equal_standing_with", []) if o in seen]}
            for c in candidates if c["id"] in seen],
            present_to_unit_leader=[c for c in rec.result["present_to_unit_leader"] if c in seen])
    elif ctx.role == Role.CASEWORKER:
        own = {n.applicant.code for n in vacancy.nominations if n.welfare_office == ctx.actor.welfare_office}
        mine = [c for c in candidates if c["id"] in own]
        if not mine:
            raise Forbidden("Ditt kontor har ingen kandidat i denne innstillingen.", action="read_recommendation",
                            vacancy_id=vacancy.id)
        confidential = _confidential_rules(ctx, rec)
        view.update(scope="own_candidate", number_of_candidates=len(candidates),
                    candidates=[as_own_office_reads(c, confidential) for c in mine],
                    decision_content={cid: items for cid, items in (rec.result.get("decision_content") or {}).items()
                                      if cid in own},
                    notes={cid: items for cid, items in (rec.result.get("notes") or {}).items() if cid in own},
                    appeal=rec.result.get("appeal"))
    else:
        raise Forbidden("Du har ikke tilgang til innstillingen.", action="read_recommendation",
                        vacancy_id=vacancy.id)
    shown = {c["id"] for c in view.get("candidates") or view.get("result", {}).get("candidates", [])}
    ctx.audit_read("read_recommendation", [n.applicant_id for n in vacancy.nominations if n.applicant.code in shown],
                   vacancy_id=vacancy.id, recommendation_id=rec.id, scope=view["scope"])
    return view


def _confidential_rules(ctx: Context, rec: Recommendation) -> frozenset[str]:
    """The rules marked `taushetsbelagt` in the version the recommendation was ranked by."""
    try:
        return compiled_version(ctx.session, rec.rules_hash).book.confidential_rules
    except RulesVersionMissing:  # cannot tell which rules were confidential: withhold every comparison
        return frozenset(i["rule_id"] for c in rec.result["candidates"] for i in c.get("score_items", []))


@unit_of_work
def confidential_rules(ctx: Context, recommendation_id: int) -> frozenset[str]:
    return _confidential_rules(ctx, ctx.get(Recommendation, recommendation_id, "Innstillingen"))


@unit_of_work
def rerank(ctx: Context, recommendation_id: int) -> dict:
    """Rank the stored input again under the stored rules version; say whether the result is identical.

    For review and appeals (klage): the same input and the same rules give the same
    result, whatever `rules/` holds today.
    """
    rec = ctx.get(Recommendation, recommendation_id, "Innstillingen")
    ctx.require_role(ALLOCATION_TEAM, "Bare boligtildelingen kan rangere en innstilling på nytt.",
                     action="rerank", vacancy_id=rec.vacancy_id)
    try:
        compiled = compiled_version(ctx.session, rec.rules_hash)
    except RulesVersionMissing as exc:
        raise IllegalTransition(str(exc)) from exc
    again = compiled.rank(rec.input, rec.as_of).model_dump(mode="json")
    ctx.audit("rerank", vacancy_id=rec.vacancy_id, recommendation_id=rec.id)
    return {"recommendation_id": rec.id, "rules_version": {"label": rec.rules_label, "content_hash": rec.rules_hash},
            "identical": again == rec.result, "result": again}
