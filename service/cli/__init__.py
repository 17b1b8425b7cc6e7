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

import click

from service.cli import accounts, audit, backup, deadlines, imports, outbox, rank, rules, scenarios, serve


@click.group(help="Beslutningsstøtte for tildeling av kommunale utleieboliger med tjenester.")
def main():
    pass


main.add_command(rules.rules)
main.add_command(rank.rank)
main.add_command(scenarios.scenarios)
main.add_command(serve.serve)
main.add_command(accounts.users)
main.add_command(accounts.tokens)
main.add_command(outbox.outbox)
main.add_command(audit.audit)
main.add_command(backup.backup)
main.add_command(backup.restore)
main.add_command(imports.import_group)
main.add_command(deadlines.deadlines_group)

if __name__ == "__main__":
    main()
