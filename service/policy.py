"""What policy staff do in the service: read the rules in force, compare versions, try a draft on past cases.

Shared by the JSON API (`/api/v1/rules/...`) and the policy pages (`/regelverk`).
Drafts live as complete rules folders under RULES_DRAFTS_DIR (default
`regelutkast/` in the checkout), one subfolder per draft; only their names
travel in requests, never paths. The impact analysis reads the stored
recommendations (people's data), so running it is restricted and audited.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from engine import RulesError, load_rules
from engine.impact import ImpactReport, analyse_impact

from .casework import NotFound
from .casework.context import Context
from .casework.domain import Role
from .config import PROJECT_ROOT
from .impact_report import cases_from_store
from .rules_holder import rules_holder

POLICY_ROLES = {Role.POLICY_OFFICER, Role.HEAD_OF_ALLOCATION, Role.ADMIN}
BUNDLE_MARKER = "regelverk.yaml"


def drafts_dir() -> Path:
    return Path(current_app.config.get("RULES_DRAFTS_DIR") or PROJECT_ROOT / "regelutkast")


def list_drafts() -> list[str]:
    folder = drafts_dir()
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and (p / BUNDLE_MARKER).exists())


def run_impact(ctx: Context, draft_name: str) -> tuple[ImpactReport, object]:
    """Rank every stored recommendation's case under its own version and under the draft.

    Raises Forbidden (not a policy role), NotFound (no such draft), RulesError (broken draft).
    """
    ctx.require_role(POLICY_ROLES, "Konsekvensanalyser kjøres av rådgivere for regelverket og avdelingslederen.",
                     action="rules_impact")
    if draft_name not in list_drafts():
        raise NotFound(f"Utkastet '{draft_name}' finnes ikke i {drafts_dir().name}/.")
    draft = load_rules(drafts_dir() / draft_name)
    cases = cases_from_store(current_app.config["DATABASE_URL"])
    # One process: a threaded server must not fork while another request holds the engine lock.
    report = analyse_impact(cases, rules_holder().library(), draft, workers=1)
    ctx.audit("rules_impact", draft=draft_name, draft_hash=draft.content_hash, cases=len(cases))
    ctx.session.commit()
    return report, draft


__all__ = ["POLICY_ROLES", "RulesError", "drafts_dir", "list_drafts", "run_impact"]
