"""What policy staff do in the service: list the drafts, try a draft on past cases.

Shared by the JSON API (`/api/v1/rules/...`) and the policy pages (`/regelverk`).
Drafts live as complete rules folders under RULES_DRAFTS_DIR (default:
`regelutkast/` beside the rules folder in a checkout, else in the instance
folder), one subfolder per draft; only their names travel in requests, never paths. The impact analysis reads the stored
recommendations (people's data), so running it is restricted and audited.
"""

from __future__ import annotations

from pathlib import Path

from engine import RulesError, load_rules
from engine.policy.impact import ImpactReport, analyse_impact
from engine.evaluation.library import RulesLibrary
from service.casework.context import Context
from service.config import INSTALLED_DATA, instance_dir
from service.domain.codes import Role
from service.domain.errors import NotFound
from service.reports.impact_report import cases_from_store

POLICY_ROLES = {Role.POLICY_OFFICER, Role.HEAD_OF_ALLOCATION, Role.ADMIN}
BUNDLE_MARKER = "regelverk.yaml"
DEFAULT_DRAFTS = "regelutkast"


def drafts_dir(configured: str | Path | None, rules_dir: str | Path) -> Path:
    """RULES_DRAFTS_DIR if configured; else `regelutkast/` beside the rules folder, unless that folder is
    the copy a plain install ships (never written to), when the drafts go in the instance folder."""
    if configured:
        return Path(configured)
    rules = Path(rules_dir).resolve()
    if rules.is_relative_to(INSTALLED_DATA.resolve()):
        return instance_dir() / DEFAULT_DRAFTS
    return rules.parent / DEFAULT_DRAFTS


def list_drafts(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and (p / BUNDLE_MARKER).exists())


def run_impact(ctx: Context, draft_name: str, *, drafts: Path, library: RulesLibrary,
               database_url: str) -> tuple[ImpactReport, object]:
    """Rank every stored recommendation's case under its own version and under the draft.

    Raises Forbidden (not a policy role), NotFound (no such draft), RulesError (broken draft).
    """
    ctx.require_role(POLICY_ROLES, "Konsekvensanalyser kjøres av rådgivere for regelverket og avdelingslederen.",
                     action="rules_impact")
    if draft_name not in list_drafts(drafts):
        raise NotFound(f"Utkastet '{draft_name}' finnes ikke i {drafts.name}/.")
    draft = load_rules(drafts / draft_name)
    cases = cases_from_store(database_url)
    # One process: a threaded server must not fork while another request holds the engine lock.
    report = analyse_impact(cases, library, draft, workers=1)
    ctx.audit("rules_impact", draft=draft_name, draft_hash=draft.content_hash, cases=len(cases))
    ctx.session.commit()
    return report, draft


__all__ = ["POLICY_ROLES", "RulesError", "drafts_dir", "list_drafts", "run_impact"]
