"""Checks of the local plans (lokale planer, `lokale_planer` in rangering.yaml) that need the whole bundle.

A local plan (a "local lettings plan" in UK schemes, «egne regler» for a project such as
Foyer in Harstad) is written once, for the homes of some units, instead of into every
rule by hand. What can go wrong is what makes a plan unreadable or unfair, so it is
refused before the bundle is used, with file and line:

- `gjelder` decides which *homes* a plan is for; if it could read a nominee, whether
  the plan applies would depend on who was nominated, and the plan could be switched
  on by one nominee. Conditions over the nominees belong in `faller_bort`;
- `verdier` replace named parameters (felter.yaml `parametre`); an unknown name would
  silently change nothing;
- a plan's criteria and checks are held to what the bundle's are (engine/language/rules.py
  `check_rule`), and every id is unique across the bundle, plans included, so an
  explanation's rule id names one rule;
- a plan that changes nothing is a mistake, not a policy.

The models themselves (`LocalPlan`, `PlanFallback`) are in engine/language/rules.py with
the other models of rangering.yaml: one model per file format.
"""

from __future__ import annotations

import dataclasses
import difflib

import engine.language.conditions as cond_lang
from engine.errors import Problem
from engine.language.numbers import plain_number
from engine.language.texts import placeholders
from engine.language.vocabulary import DERIVED, PARAMETER, SCORE_FIELD, Vocabulary
from engine.language.yaml_source import SourceDocument

# The sections that describe the home and its unit: all `gjelder` may read.
HOME_SECTIONS = ("ledig_bolig", "bolig", "botiltak")


def home_only(path: str) -> bool:
    return path.split(".", 1)[0] in HOME_SECTIONS


def same_for_every_candidate(path: str, vocab: Vocabulary, seen: frozenset = frozenset()) -> bool:
    """Whether a value is the same for every candidate of a case: a field of the home, a parameter, or a
    value computed only from those and from the home's lists (a quota's counts over ledig_bolig.tildelinger).

    Counts over the residents are left out: «after moving in» depends on the candidate.
    """
    head, _, name = path.partition(".")
    if head in HOME_SECTIONS or head == PARAMETER:
        return True
    derived = vocab.model.beregnet.get(name) if head == DERIVED else None
    if derived is None or path in seen:
        return False
    for over in (derived.antall, derived.nyeste, derived.eldste, derived.sum, derived.soverom, derived.sammenhengende,
                 derived.samlet_tid):
        if over is not None:
            listed = getattr(over, "over_list", None)
            return listed is not None and vocab.list_sections.get(listed, "kandidat") != "kandidat"
    reads = derived.reads()
    return bool(reads) and all(same_for_every_candidate(p, vocab, seen | {path}) for p in reads)


def plan_problem(doc: SourceDocument, loc: tuple, message: str, rule_id: str | None = None) -> Problem:
    """`doc.problem`, naming what sits in a plan as a policy officer calls it: «kriterium 'x'» for a
    plan's criterion, «kontroll 'y'» for its check, «lokal plan 'z'» for the rest of the plan."""
    return relabel(doc.problem(loc, message, rule_id), loc)


def relabel(problem: Problem, loc: tuple) -> Problem:
    if len(loc) < 2 or loc[0] != "lokale_planer":
        return problem
    kind = {"kriterier": "kriterium", "kontroller": "kontroll", "trinn": "trinn",
            "vilkar": "vilkår"}.get(loc[2] if len(loc) > 3 else None, "lokal plan")
    return dataclasses.replace(problem, rule_kind=kind)


def check_plans(book, doc: SourceDocument, seen_ids: dict[str, str]) -> list[Problem]:
    """Every plan's problems, in file order; `seen_ids` holds the bundle's ids (and gets the plans')."""
    from engine.language.rules import _check_condition_and_text, _check_tie_break, check_rule, claim_id  # late

    vocab = book.vocabulary
    problems: list[Problem] = []
    bundle_criteria = {c.id for c in book.criteria}
    for p, plan in enumerate(book.plans):
        base = ("lokale_planer", p)
        problems += claim_id(doc, base, plan.id, "rangering.yaml", seen_ids, plan_problem)
        problems += _check_applies_to(plan, vocab, doc, base)
        problems += _check_values(plan, vocab, doc, base)
        own = {c.id: c for c in plan.kriterier}
        for key, rules in (("kriterier", plan.kriterier), ("kontroller", plan.kontroller), ("vilkar", plan.vilkar)):
            for i, rule in enumerate(rules):
                at = base + (key, i)
                problems += claim_id(doc, at, rule.id, f"rangering.yaml (planen '{plan.id}')", seen_ids, plan_problem)
                problems += [relabel(problem, at) for problem in check_rule(rule, key, at, doc, vocab)]
        for i, criterion in enumerate(plan.kriterier):
            problems += _check_prerequisite(criterion, own, bundle_criteria, doc, base + ("kriterier", i))
        for i, tie in enumerate(plan.ved_likt_poeng or []):
            problems += _check_tie_break(tie, vocab, doc, base + ("ved_likt_poeng", i, "felt"), plan.id)
        for i, tie in enumerate(plan.forrang):
            problems += _check_tie_break(tie, vocab, doc, base + ("forrang", i, "felt"), plan.id)
        for i, tier in enumerate(plan.trinn or []):
            at = base + ("trinn", i)
            problems += claim_id(doc, at, tier.id, f"rangering.yaml (planen '{plan.id}')", seen_ids, plan_problem)
            problems += [relabel(problem, at) for problem in _check_condition_and_text(
                doc, vocab, at, tier.betingelse, "begrunnelse", tier.begrunnelse, tier.id)]
            for j, tie in enumerate(tier.ved_likt_poeng or []):
                problems += _check_tie_break(tie, vocab, doc, at + ("ved_likt_poeng", j, "felt"), tier.id)
        for loc, group in plan.groups_ahead():
            problems += _check_group(book, plan, group, vocab, doc, base + ("gruppe_foran", *loc))
        if plan.faller_bort is not None:
            problems += _check_fallback(plan, vocab, doc, base + ("faller_bort",))
            if plan.faller_bort.blant == "kan_tildeles":
                problems += _check_allocatable_known(book, plan, doc, base + ("faller_bort", "blant"))
        problems += _check_suspended(book, plan, doc, base + ("vilkar_gjelder_ikke",))
        for i, condition in enumerate(plan.vilkar):  # matched with the plan's own rules, before the points
            if SCORE_FIELD in cond_lang.fields_read(condition.krav):
                problems.append(plan_problem(doc, base + ("vilkar", i, "krav"), (
                    f"et vilkår i en plan kan ikke lese {SCORE_FIELD}; skriv det som en kontroll i planen"),
                    condition.id))
        if not (plan.verdier or plan.kriterier or plan.kontroller or plan.ved_likt_poeng is not None or plan.forrang
                or plan.trinn is not None or plan.gruppe_foran is not None or plan.vilkar_gjelder_ikke
                or plan.klage is not None or plan.vilkar):
            problems.append(plan_problem(doc, base, "planen endrer ingenting: gi den 'verdier', 'kriterier', "
                                                    "'kontroller', 'vilkar', 'ved_likt_poeng', 'forrang', 'trinn', "
                                                    "'gruppe_foran', 'vilkar_gjelder_ikke' eller 'klage'", plan.id))
    return problems


def _check_suspended(book, plan, doc: SourceDocument, at: tuple) -> list[Problem]:
    """Each id under `vilkar_gjelder_ikke` must be one of the bundle's vilkår (egnethet.yaml)."""
    known = [c.id for c in book.conditions]
    problems = []
    for i, rule_id in enumerate(plan.vilkar_gjelder_ikke):
        if rule_id not in known:
            close = difflib.get_close_matches(rule_id, known, n=1)
            hint = f" (mente du '{close[0]}'?)" if close else (
                "" if known else "; regelverket har ingen vilkår (vilkar i egnethet.yaml)")
            problems.append(plan_problem(doc, at + (i,), f"'{rule_id}' er ikke et vilkår i egnethet.yaml{hint}",
                                         plan.id))
    return problems


def _check_group(book, plan, group, vocab, doc: SourceDocument, at: tuple) -> list[Problem]:
    """A group ahead orders within it by the tiers in force, so there must be tiers to order by; who is in it is
    known before the points are added up (the tiers that read the points are matched after them)."""
    from engine.language.rules import _check_condition_and_text  # late: rules imports this module

    problems = [relabel(problem, at) for problem in _check_condition_and_text(
        doc, vocab, at, group.betingelse, "begrunnelse", group.begrunnelse, plan.id)]
    if not (plan.trinn if plan.trinn is not None else book.ranking.trinn):
        problems.append(plan_problem(doc, at, (
            "'gruppe_foran' rangerer gruppen etter trinnene, men verken planen eller regelverket har trinn; uten "
            "trinn skriver du gruppen som planens egne trinn (trinn: gruppen, og et åpent trinn for de andre)"),
            plan.id))
    if SCORE_FIELD in cond_lang.fields_read(group.betingelse):
        problems.append(plan_problem(doc, at + ("betingelse",), (
            f"'gruppe_foran' kan ikke lese {SCORE_FIELD}: gruppen bestemmes før poengene er lagt sammen; en "
            "rekkefølge etter poeng er trinnenes"), plan.id))
    return problems


def _check_allocatable_known(book, plan, doc: SourceDocument, at: tuple) -> list[Problem]:
    """`blant: kan_tildeles` counts the nominees who can be allocated under the plan before the points are
    added up, so no vilkår or check that decides it may read the points (resultat.poeng)."""
    readers = [c.id for c in book.conditions if c.utfall == "avslag" and SCORE_FIELD in cond_lang.fields_read(c.krav)]
    readers += [c.id for c in [*book.checks, *plan.kontroller]
                if c.utfall == "blokker" and SCORE_FIELD in cond_lang.fields_read(c.betingelse)]
    if not readers:
        return []
    return [plan_problem(doc, at, (
        f"'blant: kan_tildeles' teller hvem som kan tildeles før poengene er lagt sammen, men "
        f"{', '.join(readers)} leser {SCORE_FIELD}; skriv 'blant: alle', eller la regelen ikke lese poengene"),
        plan.id)]


def _check_applies_to(plan, vocab: Vocabulary, doc: SourceDocument, base: tuple) -> list[Problem]:
    return check_home_condition(plan.gjelder, vocab, doc, base + ("gjelder",), plan.id, (
        "'gjelder' kan bare lese felt for boligen (ledig_bolig.*, bolig.*, botiltak.*), parametre og beregnede "
        "verdier som bare bygger på dem og på boligens lister (f.eks. en telling over ledig_bolig.tildelinger), "
        "ikke '{path}': hvilke boliger planen gjelder for, kan ikke avhenge av hvem som er nominert; en "
        "betingelse over kandidatene skrives under 'faller_bort'"), home_lists=True)


def check_home_condition(condition, vocab: Vocabulary, doc: SourceDocument, at: tuple, rule_id: str,
                         message: str, home_lists: bool = False) -> list[Problem]:
    """A condition over the home alone (a plan's `gjelder`, the bundle's `gjelder_ikke`): which homes a rule is
    for cannot depend on who is nominated. `message` names what reads the field ('{path}' filled in).

    With `home_lists` (a plan's `gjelder`, judged once the case's values are computed) it may also read what
    is the same for every candidate: parameters and values computed only from the home and its lists, so a
    quota plan («every third letting to transfer applicants») can say which homes it is for."""
    problems = [plan_problem(doc, loc, msg, rule_id) for loc, msg in cond_lang.check(condition, vocab, at, "kandidat")]
    if problems:
        return problems
    for comparison, where in cond_lang.walk(condition, at):
        other = comparison.value if comparison.operator == "har_felles_med" else comparison.other
        other_at = where + ((comparison.operator,) if comparison.operator == "har_felles_med"
                            else (comparison.operator, "felt"))
        for path, loc in ((comparison.felt, where + ("felt",)), (other, other_at)):
            if path is None or home_only(path) or (home_lists and same_for_every_candidate(path, vocab)):
                continue
            problems.append(plan_problem(doc, loc, message.format(path=path), rule_id))
    return problems


def _check_values(plan, vocab: Vocabulary, doc: SourceDocument, base: tuple) -> list[Problem]:
    problems = []
    known = list(vocab.model.parametre)
    for name, value in plan.verdier.items():
        at = base + ("verdier", name)
        if name not in vocab.model.parametre:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (mente du '{close[0]}'?)" if close else ""
            listed = ", ".join(known) if known else "ingen (legg parameteren til under 'parametre' i felter.yaml)"
            problems.append(plan_problem(doc, at, f"ukjent parameter '{name}'{hint}; planens verdier erstatter parametre "
                                            f"i felter.yaml, og de er: {listed}", plan.id))
            continue
        try:
            plain_number(value)
        except ValueError as exc:
            problems.append(plan_problem(doc, at, str(exc), plan.id))
            continue
        whole = all(isinstance(v, int) for v in vocab.model.parametre[name].verdier.values())
        if whole and not isinstance(value, int):
            problems.append(plan_problem(doc, at, f"'parameter.{name}' er et heltall i felter.yaml, men planen gir {value!r}",
                                        plan.id))
    return problems


def _check_prerequisite(criterion, own: dict, bundle: set[str], doc: SourceDocument, at: tuple) -> list[Problem]:
    """A plan's criterion may build on the bundle's criteria or on the plan's own, never in a ring."""
    needed = criterion.forutsetter
    if needed is None:
        return []
    where = at + ("forutsetter",)
    if needed == criterion.id:
        return [plan_problem(doc, where, "et kriterium kan ikke forutsette seg selv", criterion.id)]
    if needed not in own and needed not in bundle:
        close = difflib.get_close_matches(needed, [*own, *bundle], n=1)
        hint = f" (mente du '{close[0]}'?)" if close else ""
        return [plan_problem(doc, where, f"ukjent kriterium '{needed}'{hint}; et kriterium i en plan kan forutsette "
                                   "regelverkets kriterier og planens egne", criterion.id)]
    trail, step = [criterion.id], needed
    while step in own and step not in trail:
        trail.append(step)
        step = own[step].forutsetter
    if step == criterion.id:
        return [plan_problem(doc, where, "kriteriene forutsetter hverandre i ring: " + " → ".join(trail + [step]),
                            criterion.id)]
    return []


def _check_fallback(plan, vocab: Vocabulary, doc: SourceDocument, at: tuple) -> list[Problem]:
    fallback = plan.faller_bort
    key = "ingen_kandidat" if fallback.ingen_kandidat is not None else "noen_kandidat"
    problems = [plan_problem(doc, loc, msg, plan.id)
                for loc, msg in cond_lang.check(fallback.condition, vocab, at + (key,), "kandidat")]
    for slot in placeholders(fallback.begrunnelse):
        if slot.problem():
            problems.append(plan_problem(doc, at + ("begrunnelse",), slot.problem(), plan.id))
        elif vocab.get(slot.field) is None or not same_for_every_candidate(slot.field, vocab):
            problems.append(plan_problem(doc, at + ("begrunnelse",), (
                f"teksten kan bare vise felt for boligen (ledig_bolig.*, bolig.*, botiltak.*), parametre og "
                f"beregnede verdier som bare bygger på dem og på boligens lister, ikke '{{{slot.field}}}': "
                "den gjelder alle kandidatene i saken, ikke én"), plan.id))
    return problems
