"""`boligtildeling rank SAK`: the ranking as a consultant reads it in a terminal, or as JSON."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from engine import BoligtildelingError, read_case_file
from engine.language.case import offices_with_several
from engine.language.rules import FixedTexts
from engine.evaluation.gc_pause import paused_gc
from engine.evaluation.result import RankingResult, RankingSummary
from service.cli.common import RULES_OPTION, date_option, fail, load_library
from service.config import default_rules_dir


@click.command(help="Ranger kandidatene i saken SAK (YAML eller JSON) og forklar hvert poeng.")
@click.argument("case", metavar="SAK", type=click.Path(path_type=Path))
@RULES_OPTION
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON.")
@click.option("--as-of", "as_of", callback=date_option, help="Vurderingsdato ÅÅÅÅ-MM-DD (standard: i dag).")
@click.option("--hva-om", "what_if", is_flag=True,
              help="Vis for hver kandidat under den første hvilke sjekklistefelt som måtte vært annerledes.")
@click.option("--sammendrag", "summary", is_flag=True,
              help="Bare rangering, id, poeng, om kandidaten kan tildeles og id-ene til reglene som blokkerer "
                   "(for saker med mange kandidater).")
def rank(case, rules_dir, as_json, as_of, what_if, summary):
    library = load_library(rules_dir or default_rules_dir())
    as_of = as_of or dt.date.today()
    try:
        compiled = library.compiled_for(as_of)  # the version in force on the as-of date
        data, doc = read_case_file(case)
        # This process is ours and ranks one case, so the cyclic collector may rest while it does
        # (thousands of short-lived dicts, no cycles worth collecting; engine/evaluation/gc_pause.py).
        with paused_gc():
            if summary:
                if what_if:
                    raise click.UsageError("--hva-om og --sammendrag kan ikke brukes sammen")
                result = compiled.rank_summary(data, as_of, doc)
            else:
                result = compiled.rank(data, as_of, doc, what_if=what_if)
    except BoligtildelingError as exc:
        fail(exc)
    for office, ids in offices_with_several(data).items():
        shown = ", ".join(ids[:5]) + (f" og {len(ids) - 5} til" if len(ids) > 5 else "")
        click.echo(f"Advarsel: {len(ids)} kandidater fra {office} ({shown}). For en ledig bolig i tjenesten "
                   f"kan hvert kontor ha bare én aktiv nominasjon.", err=True)
    words = compiled.book.ranking.tekster
    points = bool(compiled.book.criteria)
    if summary:
        tiers = {t.id: t.navn for t in [*compiled.book.ranking.trinn,
                                        *(t for plan in compiled.book.plans for t in plan.trinn or [])]}
        click.echo(result.model_dump_json(indent=2) if as_json else format_summary(result, words, points, tiers))
    elif as_json:
        click.echo(result.model_dump_json(indent=2))
    else:
        click.echo(format_ranking(result, words, points))


def _who(candidate) -> str:
    """`K-2210 (Østbyen)`; just the id when the rules have no office field (kandidat.hvk)."""
    return f"{candidate.id} ({candidate.welfare_office})" if candidate.welfare_office else candidate.id


def _standing(tier: str | None, score: int, points: bool, status: str) -> str:
    """`Band B, 40 poeng, kan tildeles`: the tier when there are tiers, points only in a points scheme."""
    return ", ".join(part for part in (tier, f"{score} poeng" if points else None, status) if part)


def format_summary(result: RankingSummary, words: FixedTexts | None = None, points: bool = True,
                   tiers: dict[str, str] | None = None) -> str:
    """The ranking in brief: one line per candidate, in the bundle's words (rangering.yaml `tekster`), each tier
    by its name (`tiers`: id -> name; the summary itself carries the id)."""
    words = words or FixedTexts()
    tiers = tiers or {}
    lines = [f"Rangering (sammendrag) for ledig bolig {result.vacancy_id} per {result.as_of.isoformat()}",
             f"Regelverk {result.rules_version.label}; inndata-hash {result.input_hash[:12]}", ""]
    lines += _plan_lines(result.plans)
    if result.out_of_scope is not None:
        return "\n".join(lines + _out_of_scope_lines(result.out_of_scope))
    for c in result.candidates:
        if c.eligible:
            status = words.kan_tildeles
        elif c.not_qualified_by:  # not on the waiting list at all: the bundle's word for that, then any blocks
            status = f"{words.oppfyller_ikke_vilkarene} (" + ", ".join(c.not_qualified_by) + ")"
            if c.blocked_by:
                status += f", {words.kan_ikke_tildeles} (" + ", ".join(c.blocked_by) + ")"
        else:
            status = f"{words.kan_ikke_tildeles} (" + ", ".join(c.blocked_by) + ")"
        if c.consultation_by:
            status += f", {words.krever_drofting} (" + ", ".join(c.consultation_by) + ")"
        tier = tiers.get(c.tier, c.tier)
        tier = f"{tier}, {c.group}" if tier and c.group else tier  # as the full ranking names it: «Band C, sognet»
        lines.append(f"{c.rank}. {_who(c)}: {_standing(tier, c.score, points, status)}")
    lines.append("")
    lines.append(f"{words.presenteres}: " + ", ".join(result.present_to_unit_leader)
                 if result.present_to_unit_leader else words.ingen_kan_tildeles)
    return "\n".join(lines)


def _out_of_scope_lines(outside) -> list[str]:
    """A home the bundle does not apply to (gjelder_ikke): nobody is ranked, and this is why."""
    return [f"Regelverket gjelder ikke denne boligen ({outside.name}): {outside.text}",
            f"   Grunnlag: {outside.basis}", "Ingen er rangert etter dette regelverket."]


def _plan_lines(plans) -> list[str]:
    """The local plans considered for the home (lokale planer): which one was used, or why not."""
    lines = [f"Lokal plan: {p.text} (Grunnlag: {p.basis})" for p in plans]
    return [*lines, ""] if lines else []


def format_ranking(result: RankingResult, words: FixedTexts | None = None, points: bool = True) -> str:
    """The ranking as a consultant reads it in a terminal, in the bundle's words (rangering.yaml `tekster`)."""
    words = words or FixedTexts()
    lines = [
        f"Rangering for ledig bolig {result.vacancy_id} per {result.as_of.isoformat()}",
        f"Regelverk {result.rules_version.label} (gjelder fra {result.rules_version.effective_from.isoformat()}, "
        f"hash {result.rules_version.content_hash[:12]}); inndata-hash {result.input_hash[:12]}",
        "",
        *_plan_lines(result.plans),
    ]
    if result.out_of_scope is not None:
        return "\n".join(lines + _out_of_scope_lines(result.out_of_scope))
    for c in result.candidates:
        status = words.kan_tildeles if c.eligible else words.kan_ikke_tildeles if c.qualifies \
            else words.oppfyller_ikke_vilkarene
        if c.eligible and c.needs_consultation:
            status += f", {words.krever_drofting}"
        lines.append(f"{c.rank}. {_who(c)}: {_standing(c.tier.name if c.tier else None, c.score, points, status)}")
        if c.outcome_text and c.outcome not in ("kan_ikke_tildeles", "oppfyller_ikke_vilkarene"):  # the status says it
            lines.append(f"   Utfall: {c.outcome_text}")
        if c.tier:
            lines.append(f"   Trinn: {c.tier.name}, fordi {c.tier.text}")
            lines.append(f"          Grunnlag: {c.tier.basis}")
        if c.equal_standing_with:
            lines.append(f"   Likeverdig med: {', '.join(c.equal_standing_with)}")
        for item in c.score_items:
            lines.append(f"   {item.points:+4d}  {item.name}: {item.text}")
            lines.append(f"          Grunnlag: {item.basis}")
        for unmet in c.unmet_conditions:
            lines.append(f"   IKKE OPPFYLT  {unmet.name}: {unmet.text}")
            lines.append(f"          Grunnlag: {unmet.basis}")
        for block in c.blocks:
            lines.append(f"   BLOKKERT  {block.name}: {block.text}")
            lines.append(f"          Grunnlag: {block.basis}")
        for consult in c.consultations:
            lines.append(f"   DRØFTING  {consult.name}: {consult.text}")
            lines.append(f"          Grunnlag: {consult.basis}")
        for note in result.notes.get(c.id, []):
            lines.append(f"   MERKNAD  {note.name}: {note.text}")
            lines.append(f"          Grunnlag: {note.basis}")
        for item in result.decision_content.get(c.id, []):
            lines.append(f"   VEDTAK  {item.name}: {item.text}")
            lines.append(f"          Grunnlag: {item.basis}")
        if c.compared_to_top:
            lines.append(f"   Hvorfor ikke først: {c.compared_to_top.text}")
        if c.what_would_lift:
            lines.append(f"   Hva om: {c.what_would_lift.text}")
        lines.append("")
    if result.present_to_unit_leader:
        lines.append(f"{words.presenteres}: " + ", ".join(result.present_to_unit_leader))
    else:
        lines.append(words.ingen_kan_tildeles)
    for group in result.equal_standing_groups:
        lines.append((f"Likeverdige (innenfor {result.tie_margin:g} poeng): " if points else
                      "Likeverdige (ingenting i regelverket skiller dem): ") + ", ".join(group))
    own = {c.tier.position: c.tier for c in result.candidates if c.tier and c.tier.tie_break_order}
    if not result.candidates or any(not (c.tier and c.tier.tie_break_order) for c in result.candidates):
        # the regime's order, unless every candidate's tier has its own (then it orders nobody here)
        lines.append(("Ved likt poeng: " if points else "Rekkefølge innenfor trinnet: "
                      if any(c.tier for c in result.candidates) else "Rekkefølge: ")
                     + "; deretter ".join(result.tie_break_order) + ".")
    for tier in sorted(own.values(), key=lambda t: t.position):
        lines.append(f"I «{tier.name}»" + (" ved likt poeng: " if points else ": ")
                     + "; deretter ".join(tier.tie_break_order) + ".")
    return "\n".join(lines)
