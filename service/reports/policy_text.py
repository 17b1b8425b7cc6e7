"""The rules as policy text in bokmål, and the difference between two versions side by side.

Built from the same listing the API returns (`rules_listing.list_rules`), so the
text a policy officer reads is what the engine ranks by.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from service.reports.rules_listing import BLOCK_TEXT, RulesListing

COLUMN = 48


def _entries(listing: RulesListing) -> dict[str, dict[str, str]]:
    """Rule id -> its readable parts, in the order a reader expects them."""
    out: dict[str, dict[str, str]] = {}
    for c in listing.criteria:
        out[c.id] = {"slag": "kriterium", "navn": c.name, "poeng": c.points.text,
                     "vilkår": c.condition or "alle som har en verdi", "begrunnelse": c.explanation_template,
                     "hjemmel": c.basis}
    for k in listing.suitability_checks:
        out[k.id] = {"slag": "egnethetskontroll", "navn": k.name, "utfall": k.outcome_text,
                     "vilkår": k.condition, "begrunnelse": k.reason_template, "hjemmel": k.basis}
    for r in listing.composition_rules:
        out[r.id] = {"slag": "sammensetningsregel", "navn": r.name, "utfall": r.outcome_text,
                     "vilkår": r.condition, "begrunnelse": r.reason_template, "hjemmel": r.basis}
    for kind, rules in (("vilkår", listing.eligibility_conditions), ("merknad", listing.notes),
                        ("trinn", listing.tiers), ("virkeområde", listing.out_of_scope)):
        for position, r in enumerate(rules, start=1):
            out[r.id] = {"slag": kind, "navn": r.name, "vilkår": r.condition or "alle andre",
                         "begrunnelse": r.text_template, "hjemmel": r.basis}
            if r.outcome_text:  # a vilkår discussed instead of refusing
                out[r.id]["utfall"] = r.outcome_text
            if kind == "trinn":  # a tier's place in the order is part of what it says
                out[r.id]["plass"] = str(position)
    for point in listing.decision_points:
        for o in point.options:  # each option of a point is a rule of its own: «leietid: tre_ar»
            out[f"{point.id}:{o.id}"] = {"slag": "vedtakspunkt", "navn": f"{point.name}: {o.id}",
                                         "vilkår": o.condition or "ellers", "begrunnelse": o.text_template,
                                         "hjemmel": o.basis}
    return out


def _header(listing: RulesListing) -> list[str]:
    v = listing.rules_version
    lines = [listing.name, f"Versjon {v.label}, gjelder fra {v.effective_from.isoformat()} "
                           f"(innholdshash {v.content_hash[:12]})"]
    if listing.example_policy:
        lines.append("Dette er eksempelpolicy som kommunen skal erstatte med sine egne retningslinjer.")
    return lines


def _rule_lines(rule, when: str = "Når ") -> list[str]:
    """A check, vilkår, note or tier: its name and id (and what it does, where that is not the section's
    rule: a check or vilkår discussed, not blocking), when it applies (a tier without: everyone else), its basis."""
    outcome = getattr(rule, "outcome_text", None)
    shown = f": {outcome}" if outcome and outcome != BLOCK_TEXT else ""
    return [f"  {rule.name} [{rule.id}]{shown}", f"    {when}{rule.condition}." if rule.condition else "    Alle andre.",
            f"    Grunnlag: {rule.basis}"]


def format_policy(listing: RulesListing) -> str:
    lines = _header(listing)
    if listing.out_of_scope:
        lines += ["", "VIRKEOMRÅDE (regelverket gjelder ikke boligen, og ingen rangeres, når ...)"]
        for rule in listing.out_of_scope:
            lines += _rule_lines(rule)
    lines += ["", "PRIORITERINGSNØKKEL"]
    for c in listing.criteria:
        lines += [f"  {c.name} [{c.id}]: {c.points.text}",
                  f"    Gjelder når {c.condition}." if c.condition else "    Gjelder alle som har en verdi.",
                  f"    Grunnlag: {c.basis}"]
    lines += ["", "EGNETHET (kandidaten kan ikke tildeles boligen når ...)"]
    for k in listing.suitability_checks:
        lines += _rule_lines(k)
    lines += ["", "SAMMENSETNING AV BEBOERGRUPPEN"]
    for r in listing.composition_rules:
        lines += [f"  {r.name} [{r.id}]: {r.outcome_text}", f"    Når {r.condition}.", f"    Grunnlag: {r.basis}"]
    for title, rules, when in (("VILKÅR (for å stå på ventelisten må ...)", listing.eligibility_conditions, ""),
                               ("MERKNADER TIL SAKSBEHANDLEREN", listing.notes, "Når "),
                               ("TRINN (et høyere trinn går foran uansett poeng)", listing.tiers, "Når ")):
        if rules:
            lines += ["", title]
            for rule in rules:
                lines += _rule_lines(rule, when)
    if listing.decision_points:
        lines += ["", "VEDTAKETS INNHOLD (det første som passer)"]
        for p in listing.decision_points:
            lines.append(f"  {p.name} [{p.id}]")
            for o in p.options:
                lines += [f"    {o.id}: {o.text_template}",
                          f"      Når {o.condition}." if o.condition else "      Ellers.", f"      Grunnlag: {o.basis}"]
    lines += ["", "RANGERING",
              f"  Kandidater innenfor {listing.tie_margin:g} poeng av hverandre er likeverdige og presenteres "
              "begge for enhetslederen.",
              "  Ved likt poeng: " + "; deretter ".join(listing.tie_break_order) + "."]
    return "\n".join(lines)


def _side_by_side(label: str, before: str, after: str) -> list[str]:
    left = textwrap.wrap(before, COLUMN) or [""]
    right = textwrap.wrap(after, COLUMN) or [""]
    rows = []
    for i in range(max(len(left), len(right))):
        name = label if i == 0 else ""
        a = left[i] if i < len(left) else ""
        b = right[i] if i < len(right) else ""
        rows.append(f"    {name:<14} {a:<{COLUMN}} | {b}")
    return rows


@dataclass(frozen=True)
class DiffEntry:
    """One rule that is new, removed or changed, with the parts that differ (before, after)."""

    status: str  # "NY", "FJERNET", "ENDRET"
    kind: str
    rule_id: str
    name: str
    rows: list[tuple[str, str, str]]


def diff_entries(old: RulesListing, new: RulesListing) -> tuple[list[DiffEntry], int]:
    """What changed from `old` to `new`, rule by rule (ranking policy as rule id "rangering"); and how many did not."""
    before, after = _entries(old), _entries(new)
    entries, unchanged = [], 0
    for rule_id in list(before) + [r for r in after if r not in before]:
        a, b = before.get(rule_id), after.get(rule_id)
        if a == b:
            unchanged += 1
            continue
        status = "NY" if a is None else "FJERNET" if b is None else "ENDRET"
        a = a or {k: "" for k in b}
        b = b or {k: "" for k in a}
        shown = b if status != "FJERNET" else a
        rows = [(key, a[key], b.get(key, "")) for key in a if a[key] != b.get(key, "")]
        entries.append(DiffEntry(status, shown["slag"], rule_id, shown["navn"], rows))
    rows = []
    if old.tie_margin != new.tie_margin:
        rows.append(("likhetsmargin", f"{old.tie_margin:g}", f"{new.tie_margin:g}"))
    if old.tie_break_order != new.tie_break_order:
        rows.append(("ved likhet", "; ".join(old.tie_break_order), "; ".join(new.tie_break_order)))
    if rows:
        entries.append(DiffEntry("ENDRET", "rangering", "rangering", "Rangering", rows))
    return entries, unchanged


def format_diff(old: RulesListing, new: RulesListing) -> str:
    """What changed from `old` to `new`, side by side; unchanged rules are only counted."""
    lines = ["Endringer i regelverket", f"  før:   {' / '.join(_header(old)[:2])}",
             f"  etter: {' / '.join(_header(new)[:2])}", ""]
    entries, unchanged = diff_entries(old, new)
    for entry in entries:
        if entry.kind == "rangering":
            lines.append("  ENDRET rangering")
        else:
            lines.append(f"  {entry.status} {entry.kind} [{entry.rule_id}]: {entry.name}")
            lines.append(f"    {'':<14} {'før':<{COLUMN}} | etter")
        for key, a, b in entry.rows:
            lines += _side_by_side(key, a, b)
        lines.append("")
    lines.append(f"{unchanged} regler er uendret.")
    return "\n".join(lines)
