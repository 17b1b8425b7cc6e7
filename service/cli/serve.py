"""`boligtildeling serve`: the service on 127.0.0.1, with demo data on an embedded database."""

from __future__ import annotations

import os
from pathlib import Path

import click

from engine import BoligtildelingError
from service.cli.common import RULES_OPTION, fail
from service.demo import DEMO_PASSWORD, DEMO_USERS
from service.domain.codes import ROLE_LABELS


@click.command(help="Start tjenesten (nettsider og API) på 127.0.0.1.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@RULES_OPTION
@click.option("--demo/--no-demo", default=None,
              help="Fyll en tom database med demodata (standard: ja, når DATABASE_URL ikke er satt).")
def serve(host, port, rules_dir, demo):
    try:
        app = serving_app(rules_dir, demo)
    except BoligtildelingError as exc:  # invalid rules: say why and do not start
        fail(exc)
    click.echo(f"Boligtildeling kjører på http://{host}:{port}/  (Ctrl+C stopper)")
    if app.config["DEMO_DATA"]:
        click.echo(demo_logins())
    app.run(host=host, port=port, threaded=True)


def serving_app(rules_dir: Path | None = None, demo: bool | None = None, config: dict | None = None):
    """The app `boligtildeling serve` runs: demo data on by default when no DATABASE_URL is given."""
    from service.web.app import create_app
    settings = dict(config or {})
    if rules_dir:
        settings["RULES_DIR"] = str(rules_dir)
    if demo is None:
        demo = not (settings.get("DATABASE_URL") or os.environ.get("DATABASE_URL"))
    settings["DEMO_DATA"] = demo
    return create_app(settings)


def demo_logins() -> str:
    lines = [f"Demo-brukere (passord for alle: {DEMO_PASSWORD}):"]
    for username, name, role, office, unit_ids in DEMO_USERS:
        where = office or ", ".join(unit_ids)
        lines.append(f"  {username:<22} {ROLE_LABELS[role]}{f' ({where})' if where else ''}, {name}")
    return "\n".join(lines)
