"""`boligtildeling backup FIL` and `boligtildeling restore FIL`: the store to one file and back.

The commands take the database as the other store commands do: --database-url,
else $DATABASE_URL, else the SQLite file in the instance folder. Unlike them they
do not migrate the database first: a backup copies what is there, and restore
migrates the restored copy itself (service/store/backup.py says how).
"""

from __future__ import annotations

from pathlib import Path

import click

from engine import BoligtildelingError
from service.cli.accounts import DATABASE_OPTION
from service.cli.common import fail
from service.store import backup as store_backup
from service.store.database import database_url, normalise_url

PATH_ARGUMENT = click.argument("path", metavar="FIL", type=click.Path(path_type=Path, dir_okay=False))


@click.command(help="Ta sikkerhetskopi av databasen til filen FIL (bare lesbar for eieren). Trygt mens "
                    "tjenesten kjører. Kopien inneholder helseopplysninger: lagre den kryptert.")
@PATH_ARGUMENT
@click.option("--overwrite", is_flag=True, help="Erstatt FIL hvis filen finnes.")
@DATABASE_OPTION
def backup(path, overwrite, url):
    try:
        made = store_backup.backup(_url(url), path, overwrite=overwrite)
    except store_backup.NeedsOverwrite as exc:
        fail(f"{exc} Velg et annet filnavn, eller bruk --overwrite for å erstatte den.")
    except (store_backup.BackupError, BoligtildelingError) as exc:
        fail(str(exc))
    click.echo(f"Sikkerhetskopi ({made.kind}, skjemaversjon {made.revision}) er skrevet til {made.path}.")


@click.command(help="Gjenopprett databasen fra sikkerhetskopien FIL. En database med data erstattes bare "
                    "med --overwrite; en eldre kopi migreres til nyeste skjema, en nyere avvises.")
@PATH_ARGUMENT
@click.option("--overwrite", is_flag=True, help="Erstatt en database som har data.")
@DATABASE_OPTION
def restore(path, overwrite, url):
    try:
        restored = store_backup.restore(_url(url), path, overwrite=overwrite)
    except store_backup.NeedsOverwrite as exc:
        fail(f"{exc} Bruk --overwrite for å erstatte alt i den med sikkerhetskopien.")
    except (store_backup.BackupError, BoligtildelingError) as exc:
        fail(str(exc))
    click.echo(f"Databasen er gjenopprettet fra {restored.path} ({restored.kind}, skjemaversjon "
               f"{restored.revision}).")
    if restored.upgraded_to:
        click.echo(f"Den er migrert fra skjemaversjon {restored.revision} til {restored.upgraded_to}.")


def _url(url: str | None) -> str:
    return normalise_url(url) if url else database_url()
