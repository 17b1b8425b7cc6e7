"""The rules holder as an app extension: every request takes the version it needs from here.

See service/rules_holder.py for how the rules are reloaded safely while serving.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask, current_app

from engine import CompiledRules
from service.casework.policy import drafts_dir
from service.rules_holder import RulesHolder

EXTENSION_KEY = "boligtildeling.rules"


def init_app(app: Flask) -> RulesHolder:
    """Load and compile every rules version in RULES_DIR at start-up (RulesError if any is invalid).

    RULES_CHECK_SECONDS (default 2.0) bounds how often a request hashes the
    folder to look for changes; 0 makes every request look (tests do).
    """
    holder = RulesHolder(app.config["RULES_DIR"], app.config.get("RULES_CHECK_SECONDS", 2.0))
    app.extensions[EXTENSION_KEY] = holder
    return holder


def rules_holder() -> RulesHolder:
    return current_app.extensions[EXTENSION_KEY]


def current_rules() -> CompiledRules:
    """The compiled rules in force today; call once per request and keep the result."""
    return rules_holder().current()


def rules_for(as_of: dt.date) -> CompiledRules:
    """The compiled rules in force on `as_of`; call once per request and keep the result."""
    return rules_holder().for_date(as_of)


def drafts_folder() -> Path:
    """Where policy staff keep drafts (RULES_DRAFTS_DIR, else regelutkast/ beside the rules folder)."""
    return drafts_dir(current_app.config.get("RULES_DRAFTS_DIR"), current_app.config["RULES_DIR"])
