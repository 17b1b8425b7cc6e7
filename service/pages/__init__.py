"""Pages for people. For now only the start page; the case pages come later."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..rules_holder import current_rules

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    compiled = current_rules()
    return render_template("index.html", version=compiled.version, rules_name=compiled.book.header.navn,
                           example_policy=compiled.book.header.eksempel)
