"""`boligtildeling backup` and `restore` end to end: messages in bokmål, exit codes, the flags, the file mode."""

from __future__ import annotations

import sqlite3
import stat

import pytest
from click.testing import CliRunner

from service.cli import main
from service.store.migrate import head_revision
from support.store import snapshot


@pytest.fixture
def cli():
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run


def test_backup_and_restore_through_the_command_line_bring_back_every_row(cli, world, tmp_path):
    file = tmp_path / "kopi.backup"
    target = f"sqlite:///{tmp_path / 'ny.sqlite3'}"

    made = cli("backup", file, "--database-url", world.url)
    assert made.exit_code == 0, made.output
    assert made.stdout == f"Sikkerhetskopi (SQLite, skjemaversjon {head_revision()}) er skrevet til {file}.\n"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600

    restored = cli("restore", file, "--database-url", target)
    assert restored.exit_code == 0, restored.output
    assert restored.stdout == f"Databasen er gjenopprettet fra {file} (SQLite, skjemaversjon {head_revision()}).\n"
    assert snapshot(target) == snapshot(world.url)


def test_the_commands_take_the_database_from_DATABASE_URL(cli, world, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", world.url)
    result = cli("backup", tmp_path / "kopi.backup")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "kopi.backup").is_file()


def test_restore_onto_a_database_with_data_exits_1_and_names_the_flag(cli, world, tmp_path):
    file = tmp_path / "kopi.backup"
    cli("backup", file, "--database-url", world.url)

    refused = cli("restore", file, "--database-url", world.url)
    assert refused.exit_code == 1
    assert refused.stdout == ""
    assert refused.stderr == (f"Databasen {tmp_path / 'boligtildeling.sqlite3'} har data; den erstattes ikke. "
                              f"Bruk --overwrite for å erstatte alt i den med sikkerhetskopien.\n")

    replaced = cli("restore", file, "--database-url", world.url, "--overwrite")
    assert replaced.exit_code == 0, replaced.output


def test_backup_does_not_replace_an_existing_file_without_the_flag(cli, world, tmp_path):
    file = tmp_path / "kopi.backup"
    file.write_text("eldre kopi", encoding="utf-8")
    refused = cli("backup", file, "--database-url", world.url)
    assert refused.exit_code == 1
    assert refused.stderr == (f"Filen {file} finnes allerede; den erstattes ikke. Velg et annet filnavn, eller "
                              f"bruk --overwrite for å erstatte den.\n")
    assert cli("backup", file, "--database-url", world.url, "--overwrite").exit_code == 0


def test_restore_of_a_backup_from_a_newer_schema_exits_1_saying_to_upgrade(cli, world, tmp_path):
    file = tmp_path / "kopi.backup"
    cli("backup", file, "--database-url", world.url)
    connection = sqlite3.connect(file)
    connection.execute("UPDATE alembic_version SET version_num = '0099_fremtid'")
    connection.commit()
    connection.close()

    result = cli("restore", file, "--database-url", f"sqlite:///{tmp_path / 'ny.sqlite3'}")

    assert result.exit_code == 1
    assert result.stderr == (f"Sikkerhetskopien har skjemaversjon 0099_fremtid, som denne versjonen av "
                             f"boligtildeling ikke kjenner (nyeste kjente er {head_revision()}). Den er trolig "
                             f"laget av en nyere versjon: oppgrader boligtildeling først, og gjenopprett så. "
                             f"Ingenting er endret.\n")
    assert not (tmp_path / "ny.sqlite3").exists()


def test_backup_of_a_database_file_that_does_not_exist_exits_1(cli, tmp_path):
    result = cli("backup", tmp_path / "kopi.backup", "--database-url", f"sqlite:///{tmp_path / 'finnes-ikke.sqlite3'}")
    assert result.exit_code == 1
    assert result.stderr == f"Databasefilen {tmp_path / 'finnes-ikke.sqlite3'} finnes ikke.\n"
    assert not (tmp_path / "finnes-ikke.sqlite3").exists()


def test_restore_of_a_file_that_is_not_a_backup_exits_1(cli, tmp_path):
    (tmp_path / "notat.txt").write_text("ikke en sikkerhetskopi", encoding="utf-8")
    result = cli("restore", tmp_path / "notat.txt", "--database-url", f"sqlite:///{tmp_path / 'ny.sqlite3'}")
    assert result.exit_code == 1
    assert "er ikke en sikkerhetskopi fra `boligtildeling backup`" in result.stderr


def test_backup_and_restore_have_help_text_in_bokmal(cli):
    for command, words in (("backup", "Ta sikkerhetskopi av databasen"), ("restore", "Gjenopprett databasen")):
        result = cli(command, "--help")
        assert result.exit_code == 0
        assert words in result.stdout
        assert "--overwrite" in result.stdout and "--database-url" in result.stdout


def test_on_postgresql_backup_and_restore_through_the_command_line_bring_back_every_row(cli, postgres_world,
                                                                                         tmp_path):
    file = tmp_path / "kopi.backup"
    before = snapshot(postgres_world.url)

    made = cli("backup", file, "--database-url", postgres_world.url)
    assert made.exit_code == 0, made.output
    assert made.stdout.startswith(f"Sikkerhetskopi (PostgreSQL, skjemaversjon {head_revision()}) er skrevet til ")
    assert stat.S_IMODE(file.stat().st_mode) == 0o600

    assert cli("restore", file, "--database-url", postgres_world.url).exit_code == 1  # it has data
    restored = cli("restore", file, "--database-url", postgres_world.url, "--overwrite")
    assert restored.exit_code == 0, restored.output
    assert snapshot(postgres_world.url) == before
