"""The command's own words in bokmål: the usual mistakes and every command's help, run as the installed
`boligtildeling` is (two testers read «Error: No such option '--regler'. Did you mean '--rules'?")."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# click's English, as it would print it without service/cli/bokmal.py
ENGLISH = re.compile(r"\b(Error|Usage|Try|Invalid value|Missing|No such|Did you mean|Show this message|Options|"
                     r"Commands|default:|env var|does not exist|is not a valid|Got unexpected|requires an argument|"
                     r"TEXT|INTEGER|PATH|OPTIONS|COMMAND|ARGS|CASE|DIRECTORY|USERNAME)\b")


def installed(*args: str) -> subprocess.CompletedProcess:
    """The command as installed (its own process: nothing a test imported first helps it speak bokmål)."""
    return subprocess.run([str(Path(sys.executable).parent / "boligtildeling"), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def run(*args: str):
    """The same command in this process (a second each, saved on some forty help texts)."""
    from click.testing import CliRunner

    from service.cli import main

    return CliRunner().invoke(main, list(args), prog_name="boligtildeling")


@pytest.mark.parametrize("args, expected", [
    (("rank", "--regler", "rules", "examples/sak-1-lade.yaml"),
     "Feil: Valget '--regler' finnes ikke. Mente du '--rules'?"),
    (("rank", "examples/sak-1-lade.yaml", "--as-of", "2026-13-01"),
     "Feil: Ugyldig verdi for '--as-of': '2026-13-01' er ikke en dato"),
    (("rank",), "Feil: Mangler argument 'SAK'."),
    (("rank", "examples/sak-1-lade.yaml", "--as-of"), "Feil: Valget '--as-of' trenger en verdi."),
    (("rank", "examples/sak-1-lade.yaml", "mer"), "Feil: Uventet ekstra argument (mer)"),
    (("rulez",), "Feil: Kommandoen 'rulez' finnes ikke."),
    (("serve", "--workers", "x"),
     "Feil: Ugyldig verdi for '--workers' (miljøvariabel: 'BOLIGTILDELING_WORKERS'): 'x' er ikke et gyldig heltall."),
    (("users", "create"), "Feil: Mangler argument 'BRUKERNAVN'."),
])
def test_a_usage_mistake_is_answered_in_bokmal(args, expected):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    if "Bruk:" in result.stderr:
        assert f"Se 'boligtildeling {args[0] if args[0] != 'rulez' else ''}".rstrip() in result.stderr
        assert "--help' for hjelp." in result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr


def test_the_installed_command_speaks_bokmal_too():
    result = installed("rank", "--regler", "rules", "examples/sak-1-lade.yaml")
    assert result.returncode == 2
    assert result.stderr == ("Bruk: boligtildeling rank [VALG] SAK\nSe 'boligtildeling rank --help' for hjelp.\n\n"
                             "Feil: Valget '--regler' finnes ikke. Mente du '--rules'?\n")


def test_every_commands_help_is_in_bokmal():
    """Each command and subcommand, found from the top-level help: usage line, headings, metavars, defaults."""
    top = run("--help")
    assert top.exit_code == 0 and top.stdout.startswith("Bruk: boligtildeling [VALG] KOMMANDO [ARGUMENTER]...")
    commands = re.findall(r"^  ([a-z]+)  ", top.stdout.split("Kommandoer:")[1], re.M)
    assert {"rank", "rules", "serve", "users"} <= set(commands)
    helps = [top.stdout]
    for command in commands:
        text = run(command, "--help").stdout
        helps.append(text)
        if "Kommandoer:" in text:
            for sub in re.findall(r"^  ([a-z-]+)  ", text.split("Kommandoer:")[1], re.M):
                helps.append(run(command, sub, "--help").stdout)
    for text in helps:
        assert text.startswith("Bruk: boligtildeling"), text[:200]
        assert "Vis denne hjelpen og avslutt." in text
        assert not ENGLISH.search(text), ENGLISH.search(text).group(0) + "\n" + text
    assert any("[miljøvariabel: BOLIGTILDELING_WORKERS; standard: 2; x>=1]" in " ".join(t.split()) for t in helps)
