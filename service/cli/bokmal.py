"""Click's own words in bokmål: usage errors, help headings, «Show this message and exit.».

Two testers, writing a policy: «Error: No such option '--regler'. Did you mean '--rules'?», «Try
'boligtildeling rank --help' for help.» and «Invalid value for '--as-of': '2026-13-01' er ikke en dato»
(our own words after click's). Everything a user reads is in bokmål, so the command's are too.

Click asks `gettext` for each of its texts (`from gettext import gettext as _` in each of its modules)
and would take a catalogue for the language the environment names; this command speaks bokmål whatever
the environment says, so `install()` gives those modules a lookup in the table below instead. A text
not in the table stays as click wrote it (a newer click with a new text): tests/e2e/test_cli_bokmal.py
runs the usual mistakes and fails on English.
"""

from __future__ import annotations

import importlib

# click's modules that ask gettext for words (click 8.1-8.3)
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")

WORDS = {
    # help
    "Usage:": "Bruk:",
    "Options": "Valg",
    "Commands": "Kommandoer",
    "Positional arguments": "Argumenter",
    "Show this message and exit.": "Vis denne hjelpen og avslutt.",
    "Show the version and exit.": "Vis versjonen og avslutt.",
    "default: {default}": "standard: {default}",
    "env var: {var}": "miljøvariabel: {var}",
    "deprecated": "utgått",
    "(dynamic)": "(dynamisk)",
    "Confirm the action without prompting.": "Bekreft uten å spørre.",
    "Do you want to continue?": "Vil du fortsette?",
    # errors
    "Error: {message}": "Feil: {message}",
    "Try '{command} {option}' for help.": "Se '{command} {option}' for hjelp.",
    "No such option {name!r}.": "Valget {name!r} finnes ikke.",
    "No such command {name!r}.": "Kommandoen {name!r} finnes ikke.",
    "Did you mean {possibility}?": "Mente du {possibility}?",
    "Invalid value for {param_hint}: {message}": "Ugyldig verdi for {param_hint}: {message}",
    "Invalid value: {message}": "Ugyldig verdi: {message}",
    "Missing argument": "Mangler argument",
    "Missing option": "Mangler valg",
    "Missing parameter": "Mangler parameter",
    "Missing parameter: {param_name}": "Mangler parameter: {param_name}",
    "Missing {param_type}": "Mangler {param_type}",
    "Missing command.": "Mangler kommando.",
    "Aborted!": "Avbrutt.",
    "unknown error": "ukjent feil",
    "Could not open file {filename!r}: {message}": "Kan ikke åpne filen {filename!r}: {message}",
    "Option {name!r} does not take a value.": "Valget {name!r} tar ingen verdi.",
    "Argument {name!r} takes {nargs} values.": "Argumentet {name!r} tar {nargs} verdier.",
    "Value must be an iterable.": "Verdien må være en liste.",
    "Error: The two entered values do not match.": "Feil: de to verdiene er ikke like.",
    "Error: invalid input": "Feil: ugyldig verdi",
    "Repeat for confirmation": "Gjenta for å bekrefte",
    "Press any key to continue...": "Trykk en tast for å fortsette ...",
    # values
    "file": "fil",
    "directory": "mappe",
    "path": "sti",
    "{name} {filename!r} does not exist.": "{name} {filename!r} finnes ikke.",
    "{name} {filename!r} is a file.": "{name} {filename!r} er en fil, ikke en mappe.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} er en mappe, ikke en fil.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} kan ikke leses.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} kan ikke skrives til.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} kan ikke kjøres.",
    "{value!r} is not a valid {number_type}.": "{value!r} er ikke et gyldig {number_type}.",
    "{value} is not in the range {range}.": "{value} er utenfor området {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} er ikke ja eller nei. Gyldige verdier: {states}",
    "{value!r} is not a valid UUID.": "{value!r} er ikke en gyldig UUID.",
}

PLURALS = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("Uventet ekstra argument ({args})", "Uventede ekstra argumenter ({args})"),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("Mente du {possibility}?", "(Mente du en av: {possibilities}?)"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("Valget {name!r} trenger en verdi.", "Valget {name!r} trenger {nargs} verdier."),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("Tar {nargs} verdier, men 1 ble gitt.", "Tar {nargs} verdier, men {len} ble gitt."),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("{value!r} er ikke {choice}.", "{value!r} er ikke en av {choices}."),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        ("{len_type} verdier kreves, men {len_value} ble gitt.", "{len_type} verdier kreves, men {len_value} ble gitt."),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."):
        ("{value!r} har ikke formatet {format}.", "{value!r} har ingen av formatene {formats}."),
}


def gettext(message: str) -> str:
    return WORDS.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    one, many = PLURALS.get((singular, plural), (singular, plural))
    return one if n == 1 else many


# the names click shows for a value's kind («--as-of TEXT», «'x' is not a valid integer»), not asked of gettext
TYPE_NAMES = {"StringParamType": "tekst", "IntParamType": "heltall", "FloatParamType": "tall",
              "BoolParamType": "ja/nei", "IntRange": "heltall", "FloatRange": "tall", "DateTime": "tidspunkt"}
OPTIONS_METAVAR = "[VALG]"
SUBCOMMAND_METAVAR = "KOMMANDO [ARGUMENTER]..."


def localise(command) -> None:
    """A command's usage line in bokmål («Bruk: boligtildeling rank [VALG] SAK»), its subcommands' too."""
    import click

    command.options_metavar = OPTIONS_METAVAR
    if isinstance(command, click.Group):
        command.subcommand_metavar = SUBCOMMAND_METAVAR
        for sub in command.commands.values():
            localise(sub)


def install() -> None:
    """Give click's modules the table instead of the environment's catalogue."""
    import click.core
    import click.types

    for cls, word in TYPE_NAMES.items():
        getattr(click.types, cls).name = word
    hint = click.core.Option.get_error_hint
    if not getattr(hint, "bokmal", False):  # «'--workers' (env var: 'BOLIGTILDELING_WORKERS')», in an f-string
        def get_error_hint(self, ctx):
            return hint(self, ctx).replace(" (env var: ", " (miljøvariabel: ")
        get_error_hint.bokmal = True
        click.core.Option.get_error_hint = get_error_hint
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
