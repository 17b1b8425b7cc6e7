"""The `boligtildeling` command: one group, a module per subject.

    rules       check, show, diff, schema, impact        service/cli/rules.py
    rank        rank a case file                         service/cli/rank.py
    scenarios   run the disputed-case scenarios          service/cli/scenarios.py
    serve       start the service                        service/cli/serve.py
    users       create people who may log in             service/cli/accounts.py
    tokens      create API tokens                        service/cli/accounts.py
    outbox      deliver queued notices                   service/cli/outbox.py
    audit       who read and changed an applicant's data service/cli/audit.py
    backup      the database to one file                 service/cli/backup.py
    restore     the database from such a file            service/cli/backup.py
    import      waiting list, units, homes from tables   service/cli/imports.py
"""

from __future__ import annotations

import importlib

import click

from service.cli import bokmal

bokmal.install()  # click's own words (usage errors, help) in bokmål, as ours are

# name -> (module, attribute). Loaded when used: `rules check` needs neither the store nor
# Flask, and importing every command's module first cost about 1.2 s of each run.
COMMANDS = {
    "rules": ("rules", "rules"),
    "rank": ("rank", "rank"),
    "scenarios": ("scenarios", "scenarios"),
    "serve": ("serve", "serve"),
    "users": ("accounts", "users"),
    "tokens": ("accounts", "tokens"),
    "outbox": ("outbox", "outbox"),
    "audit": ("audit", "audit"),
    "backup": ("backup", "backup"),
    "restore": ("backup", "restore"),
    "import": ("imports", "import_group"),
    "frister": ("deadlines", "deadlines_group"),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported when they are run or listed, not at start-up."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name]
        command = getattr(importlib.import_module(f"service.cli.{module}"), attribute)
        bokmal.localise(command)
        return command


@click.group(cls=LazyGroup, options_metavar=bokmal.OPTIONS_METAVAR, subcommand_metavar=bokmal.SUBCOMMAND_METAVAR,
             help="Beslutningsstøtte for tildeling av kommunale utleieboliger med tjenester.")
def main():
    pass
