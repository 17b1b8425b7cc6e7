"""`boligtildeling serve`: the service on 127.0.0.1, with demo data on an embedded database.

By default behind granian (service/web/server.py): the app is built once, so the
database is migrated and the demo seeded once, and then the workers fork.
`--dev` runs Flask's development server instead (one process, for working on the code).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path

import click

from engine import BoligtildelingError
from service.cli.common import RULES_OPTION, fail
from service.demo import DEMO_PASSWORD, DEMO_USERS
from service.domain.codes import describe_role

# granian is imported only when it serves (service/web/server.py): the other commands do not need it.
DEFAULT_WORKERS = 2  # about one per core, on the 2-core machine the service is sized for: ranking is CPU-bound
DEFAULT_THREADS = 4  # per worker: page requests wait on the database, and a long one must not hold up the rest
LOG_FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"  # the server's lines too
LOG_DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"


@click.command(help="Start tjenesten (nettsider og API), som standard på 127.0.0.1 med granian.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Adressen det lyttes på; en annen enn 127.0.0.1 bare når proxyen står på en annen maskin.")
@click.option("--port", default=5000, show_default=True, type=int)
@RULES_OPTION
@click.option("--demo/--no-demo", default=None,
              help="Fyll en tom database med demodata (standard: ja, når DATABASE_URL ikke er satt).")
@click.option("--workers", type=click.IntRange(min=1), default=DEFAULT_WORKERS, show_default=True,
              envvar="BOLIGTILDELING_WORKERS", show_envvar=True,
              help="Antall arbeidsprosesser, omtrent én per prosessorkjerne (ikke med --dev).")
@click.option("--threads", type=click.IntRange(min=1), default=DEFAULT_THREADS, show_default=True,
              envvar="BOLIGTILDELING_THREADS", show_envvar=True, help="Tråder per arbeidsprosess (ikke med --dev).")
@click.option("--proxies", type=click.IntRange(min=0), default=0, show_default=True,
              envvar="BOLIGTILDELING_PROXIES", show_envvar=True,
              help="Antall omvendte proxyer foran tjenesten som X-Forwarded-For/-Proto/-Host stoles på fra.")
@click.option("--access-log", is_flag=True, envvar="BOLIGTILDELING_ACCESS_LOG", show_envvar=True,
              help="Logg hver forespørsel (adressene inneholder personopplysninger; ikke med --dev).")
@click.option("--dev", is_flag=True,
              help="Flasks utviklingsserver i stedet for granian (bare for utvikling, aldri i drift).")
def serve(host, port, rules_dir, demo, workers, threads, proxies, access_log, dev):
    _configure_logging()
    try:
        app = serving_app(rules_dir, demo)
    except BoligtildelingError as exc:  # invalid rules: say why and do not start
        fail(exc)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    shown_host = f"[{host}]" if ":" in host else host
    click.echo(f"Boligtildeling kjører på http://{shown_host}:{port}/  (Ctrl+C stopper)"
               + ("  [utviklingsserver]" if dev else ""))
    if app.config["DEMO_DATA"]:
        click.echo(demo_logins())
    sys.stdout.flush()  # before the server's own log lines on stderr
    if dev:
        signal.signal(signal.SIGTERM, _interrupt)  # SIGTERM stops it as Ctrl+C does (granian handles its own)
        app.run(host=host, port=port, threaded=True)
        return
    from service.web import server
    server.run(app, host, port, workers=workers, threads=threads, access_log=access_log)


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


def _configure_logging() -> None:
    """Everything the service logs (rules reloads, errors) on stderr with time and process, at INFO."""
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, datefmt=LOG_DATE_FORMAT, stream=sys.stderr)


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
        units = f" ({', '.join(unit_ids)})" if unit_ids else ""
        lines.append(f"  {username:<22} {describe_role(role, office)}{units}, {name}")
    return "\n".join(lines)
